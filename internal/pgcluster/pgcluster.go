// Package pgcluster runs a private PostgreSQL cluster in a folder of the checkout,
// from the server binaries installed on the machine, for `make run` and `make test`.
//
// The cluster listens on 127.0.0.1 only, on a port chosen when it is created, with a
// random superuser password kept in the folder (mode 0600). When the process runs as
// root, the server runs as the unprivileged `postgres` user, since PostgreSQL refuses
// to run as root. Every function is safe to call from several processes at once: they
// take an exclusive lock on a file in the folder.
package pgcluster

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// Options tunes how a cluster is found and started.
type Options struct {
	// Install lets Ensure install Debian's postgresql with apt-get when no server
	// binaries are found and the process runs as root.
	Install bool
	// Fast turns off durability (fsync, full-page writes) for throwaway test clusters.
	Fast bool
	// Logf reports progress; nil is silent.
	Logf func(format string, args ...any)
}

func (o Options) logf(format string, args ...any) {
	if o.Logf != nil {
		o.Logf(format, args...)
	}
}

// ServerUser is the account the server runs as when the process runs as root.
const ServerUser = "postgres"

// cluster is one private cluster: where it lives and how to run its commands.
type cluster struct {
	home   string // folder holding data/, server.log, port, password
	bin    string // folder of initdb and pg_ctl
	asUser string // run the server commands as this user ("" for the current one)
	opts   Options
}

func (c *cluster) data() string    { return filepath.Join(c.home, "data") }
func (c *cluster) logFile() string { return filepath.Join(c.home, "server.log") }

// Ensure starts the cluster in dir (creating it on first use), creates database
// name in it when missing, and returns a connection URL for that database.
func Ensure(ctx context.Context, dir, name string, opts Options) (string, error) {
	c, unlock, err := open(ctx, dir, opts, true)
	if err != nil {
		return "", err
	}
	defer unlock()
	if !c.initialized() {
		if err := c.initdb(ctx); err != nil {
			return "", err
		}
	}
	if err := c.start(ctx); err != nil {
		return "", err
	}
	admin, err := c.url("postgres")
	if err != nil {
		return "", err
	}
	if name != "postgres" {
		if err := createDatabase(ctx, admin, name); err != nil {
			return "", err
		}
	}
	return c.url(name)
}

// Stop stops the cluster in dir, keeping its data. A cluster that is not running
// or was never created is left as it is.
func Stop(ctx context.Context, dir string, opts Options) error {
	c, unlock, err := open(ctx, dir, opts, false)
	if err != nil {
		return err
	}
	defer unlock()
	if !c.initialized() || !c.running(ctx) {
		return nil
	}
	opts.logf("stopping PostgreSQL in %s", c.home)
	_, err = c.cmd(ctx, "pg_ctl", "stop", "-D", c.data(), "-m", "fast", "-w")
	return err
}

// Wipe stops the cluster in dir and deletes its data.
func Wipe(ctx context.Context, dir string, opts Options) error {
	if err := Stop(ctx, dir, opts); err != nil {
		return err
	}
	c, unlock, err := open(ctx, dir, opts, false)
	if err != nil {
		return err
	}
	defer unlock()
	opts.logf("deleting %s", c.home)
	if err := os.RemoveAll(c.home); err != nil {
		return err
	}
	if c.home != dir {
		return os.RemoveAll(dir)
	}
	return nil
}

// open locks dir and finds the server binaries (installing them when allowed and
// needed). The returned function releases the lock.
func open(ctx context.Context, dir string, opts Options, install bool) (*cluster, func(), error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, nil, fmt.Errorf("private database folder: %w", err)
	}
	lock, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, nil, err
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		lock.Close()
		return nil, nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	unlock := func() { _ = syscall.Flock(int(lock.Fd()), syscall.LOCK_UN); lock.Close() }
	c := &cluster{home: dir, opts: opts}
	c.bin, err = findBinaries()
	if err != nil && install && opts.Install {
		if err = installServer(ctx, opts); err == nil {
			c.bin, err = findBinaries()
		}
	}
	if err != nil {
		unlock()
		return nil, nil, err
	}
	if os.Geteuid() == 0 {
		if _, err := user.Lookup(ServerUser); err != nil {
			unlock()
			return nil, nil, fmt.Errorf("running as root, the private PostgreSQL needs the unprivileged user %q (apt-get install postgresql creates it): %w", ServerUser, err)
		}
		c.asUser = ServerUser
		c.home = serverReachable(ctx, dir)
		if c.home != dir {
			opts.logf("the %s user cannot reach %s; keeping the cluster in %s", ServerUser, dir, c.home)
		}
	}
	return c, unlock, nil
}

// serverReachable returns dir when the server user can write there, and otherwise
// a folder of the server user's own under /var/tmp derived from dir (a checkout
// inside a private home folder cannot be reached by the postgres user).
func serverReachable(ctx context.Context, dir string) string {
	probe := filepath.Join(dir, ".probe")
	_ = os.MkdirAll(probe, 0o755)
	defer os.RemoveAll(probe)
	_ = chown(probe, ServerUser)
	if exec.CommandContext(ctx, "runuser", "-u", ServerUser, "--", "test", "-w", probe).Run() == nil {
		return dir
	}
	sum := sha256.Sum256([]byte(dir))
	alt := filepath.Join("/var/tmp", "portal-pg-"+hex.EncodeToString(sum[:6]))
	_ = os.MkdirAll(alt, 0o755)
	return alt
}

// findBinaries returns the folder holding initdb and pg_ctl: pg_config's BINDIR, or
// the newest /usr/lib/postgresql/*/bin.
func findBinaries() (string, error) {
	var candidates []string
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		candidates = append(candidates, strings.TrimSpace(string(out)))
	}
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(found, func(i, j int) bool { return versionOf(found[i]) > versionOf(found[j]) })
	candidates = append(candidates, found...)
	for _, dir := range candidates {
		if isExec(filepath.Join(dir, "initdb")) && isExec(filepath.Join(dir, "pg_ctl")) {
			return dir, nil
		}
	}
	return "", errors.New("no PostgreSQL server binaries (initdb, pg_ctl) found: install them with `sudo apt-get install postgresql`, or set DATABASE_URL")
}

func versionOf(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

func isExec(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// installServer installs Debian's postgresql when the process is root and apt-get exists.
func installServer(ctx context.Context, opts Options) error {
	if os.Geteuid() != 0 {
		return errors.New("no PostgreSQL server binaries found: run `sudo apt-get install postgresql`, or set DATABASE_URL")
	}
	if _, err := exec.LookPath("apt-get"); err != nil {
		return errors.New("no PostgreSQL server binaries found and no apt-get: install PostgreSQL 15 or newer, or set DATABASE_URL")
	}
	opts.logf("installing Debian's postgresql (apt-get install postgresql)")
	for _, args := range [][]string{{"update", "-qq"}, {"install", "-y", "-qq", "postgresql"}} {
		cmd := exec.CommandContext(ctx, "apt-get", args...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("apt-get %s: %v\n%s", strings.Join(args, " "), err, tail(out))
		}
	}
	return nil
}

func (c *cluster) initialized() bool {
	_, err := os.Stat(filepath.Join(c.data(), "PG_VERSION"))
	return err == nil
}

// initdb creates the cluster: UTF-8 with the C.UTF-8 locale (so that trigram search
// works on Chinese text), password authentication over TCP on 127.0.0.1, and a
// free port recorded in the configuration.
func (c *cluster) initdb(ctx context.Context) error {
	c.opts.logf("creating a private PostgreSQL cluster in %s", c.home)
	if err := os.RemoveAll(c.data()); err != nil {
		return err
	}
	if err := os.MkdirAll(c.data(), 0o700); err != nil {
		return err
	}
	password := randomHex(16)
	pwfile := filepath.Join(c.home, "initdb-password")
	if err := os.WriteFile(pwfile, []byte(password+"\n"), 0o600); err != nil {
		return err
	}
	defer os.Remove(pwfile)
	for _, p := range []string{c.data(), pwfile} {
		if err := c.own(p); err != nil {
			return err
		}
	}
	if out, err := c.cmd(ctx, "initdb", "-D", c.data(), "-U", "postgres", "--pwfile", pwfile,
		"--auth-local=scram-sha-256", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"); err != nil {
		return fmt.Errorf("initdb: %w\n%s", err, out)
	}
	port, err := freePort()
	if err != nil {
		return err
	}
	conf := fmt.Sprintf("\n# private cluster settings (internal/pgcluster)\nlisten_addresses = '127.0.0.1'\nport = %d\nunix_socket_directories = ''\nmax_connections = 300\nshared_buffers = 128MB\n", port)
	if c.opts.Fast {
		conf += "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
	}
	f, err := os.OpenFile(filepath.Join(c.data(), "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(conf); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(c.home, "port"), []byte(strconv.Itoa(port)), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(c.home, "password"), []byte(password), 0o600)
}

// running reports whether the cluster's server is up.
func (c *cluster) running(ctx context.Context) bool {
	_, err := c.cmd(ctx, "pg_ctl", "status", "-D", c.data())
	return err == nil
}

func (c *cluster) start(ctx context.Context) error {
	if c.running(ctx) {
		return nil
	}
	c.opts.logf("starting PostgreSQL in %s", c.home)
	if _, err := os.Stat(c.logFile()); errors.Is(err, os.ErrNotExist) {
		if err := os.WriteFile(c.logFile(), nil, 0o644); err != nil {
			return err
		}
	}
	if err := c.own(c.logFile()); err != nil {
		return err
	}
	// -l is required: without it the server inherits pg_ctl's output pipe and
	// the command never returns.
	if out, err := c.cmd(ctx, "pg_ctl", "start", "-D", c.data(), "-l", c.logFile(), "-w", "-t", "60"); err != nil {
		log, _ := os.ReadFile(c.logFile())
		return fmt.Errorf("pg_ctl start: %w\n%s\nserver log:\n%s", err, out, tail(log))
	}
	return nil
}

// url returns the connection URL of database name.
func (c *cluster) url(name string) (string, error) {
	port, err := os.ReadFile(filepath.Join(c.home, "port"))
	if err != nil {
		return "", fmt.Errorf("private cluster: %w", err)
	}
	pw, err := os.ReadFile(filepath.Join(c.home, "password"))
	if err != nil {
		return "", fmt.Errorf("private cluster: %w", err)
	}
	u := url.URL{Scheme: "postgres", User: url.UserPassword("postgres", strings.TrimSpace(string(pw))),
		Host: "127.0.0.1:" + strings.TrimSpace(string(port)), Path: "/" + name, RawQuery: "sslmode=disable"}
	return u.String(), nil
}

// cmd runs a server binary, as the server user when the process is root.
func (c *cluster) cmd(ctx context.Context, name string, args ...string) ([]byte, error) {
	path := filepath.Join(c.bin, name)
	var cmd *exec.Cmd
	if c.asUser != "" {
		cmd = exec.CommandContext(ctx, "runuser", append([]string{"-u", c.asUser, "--", path}, args...)...)
	} else {
		cmd = exec.CommandContext(ctx, path, args...)
	}
	cmd.Dir = c.home
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.Bytes(), err
}

// own gives path to the server user when the process runs as root.
func (c *cluster) own(path string) error {
	if c.asUser == "" {
		return nil
	}
	return chown(path, c.asUser)
}

func chown(path, username string) error {
	u, err := user.Lookup(username)
	if err != nil {
		return err
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return os.Chown(path, uid, gid)
}

// createDatabase creates database name unless it exists.
func createDatabase(ctx context.Context, adminURL, name string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return fmt.Errorf("connect to the private cluster: %w", err)
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	return err
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// tail returns the last lines of out, for error messages.
func tail(out []byte) string {
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(lines) > 20 {
		lines = lines[len(lines)-20:]
	}
	return strings.Join(lines, "\n")
}
