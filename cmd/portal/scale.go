package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/campusorg/portal/internal/bench"
	"github.com/campusorg/portal/internal/config"
	"github.com/campusorg/portal/internal/pgcluster"
	"github.com/campusorg/portal/internal/postgres"
	"github.com/campusorg/portal/internal/scale"
	"github.com/campusorg/portal/internal/server"
)

// benchDatabase is the database of the synthetic data set: the one named by
// -url, or the database "bench" of the private cluster in PORTAL_DATA_DIR (never
// DATABASE_URL, so that a generation cannot land on real or demo data). fresh
// drops and creates the private one first.
func benchDatabase(ctx context.Context, cfg config.Config, log *slog.Logger, explicit string, fresh bool) (string, error) {
	if explicit != "" {
		return explicit, nil
	}
	dir, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		return "", err
	}
	admin, err := pgcluster.Ensure(ctx, dir, "postgres", clusterOptions(log))
	if err != nil {
		return "", err
	}
	if fresh {
		return scale.Recreate(ctx, admin, "bench")
	}
	u, err := url.Parse(admin)
	if err != nil {
		return "", err
	}
	u.Path = "/bench"
	return u.String(), nil
}

// seedScale is `portal seed -scale NAME`: a synthetic data set made with COPY.
func seedScale(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	name := fs.String("scale", "", "smoke, school or province")
	dsn := fs.String("url", "", "database to fill (must be empty or an earlier generation); default: the private cluster's \"bench\", made afresh")
	seed := fs.Uint64("seed", 1, "random seed (the same seed and day give the same data)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	sc, err := scale.ByName(*name)
	if err != nil {
		return err
	}
	target, err := benchDatabase(ctx, cfg, log, *dsn, *dsn == "")
	if err != nil {
		return err
	}
	rep, err := scale.Generate(ctx, target, sc, scale.Options{Seed: *seed, Logf: func(format string, args ...any) {
		log.Info(fmt.Sprintf(format, args...))
	}})
	if err != nil {
		return err
	}
	fmt.Fprint(stdout, rep.String())
	return nil
}

// benchCommand is `portal bench`: it starts the portal in bench mode in a child
// process on a free loopback port over the bench database, measures it
// (internal/bench), prints the results and writes them into -out. With -serve it
// is that child.
func benchCommand(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	smoke := fs.Bool("smoke", false, "run every phase for a moment (checks that every request works; timings meaningless)")
	dsn := fs.String("url", "", "the bench database; default: the private cluster's \"bench\" (see portal seed -scale)")
	out := fs.String("out", "", "write the results into this file (between its result markers)")
	conns := fs.Int("conns", 16, "connections of the capacity phases")
	phase := fs.Duration("phase", 5*time.Second, "duration of each phase")
	only := fs.String("kinds", "", "measure only these kinds of request, comma-separated (the baseline always runs)")
	cpuprofile := fs.String("cpuprofile", "", "write the server's CPU profile over the whole run to this file")
	serve := fs.String("serve", "", "(internal) serve in bench mode on this loopback address")
	if err := fs.Parse(args); err != nil {
		return err
	}
	target, err := benchDatabase(ctx, cfg, log, *dsn, false)
	if err != nil {
		return err
	}
	if *serve != "" {
		if *cpuprofile != "" {
			f, err := os.Create(*cpuprofile)
			if err != nil {
				return err
			}
			defer f.Close()
			if err := pprof.StartCPUProfile(f); err != nil {
				return err
			}
			defer pprof.StopCPUProfile()
		}
		return benchServe(ctx, cfg, log, *serve, target)
	}
	// A data set generated before the latest migrations is brought up to them, as
	// serve does with its database.
	if err := postgres.Migrate(ctx, target); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	ln.Close()
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	logPath := filepath.Join(os.TempDir(), "portal-bench-server.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return err
	}
	defer logFile.Close()
	childArgs := []string{"bench", "-serve", addr, "-url", target}
	if *cpuprofile != "" {
		p, err := filepath.Abs(*cpuprofile)
		if err != nil {
			return err
		}
		childArgs = append(childArgs, "-cpuprofile", p)
	}
	child := exec.Command(exe, childArgs...)
	child.Stdout, child.Stderr = logFile, logFile
	if err := child.Start(); err != nil {
		return err
	}
	defer func() {
		_ = child.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = child.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			_ = child.Process.Kill()
		}
	}()
	base := "http://" + addr
	if err := waitHealthy(ctx, base, 60*time.Second); err != nil {
		return fmt.Errorf("the bench server did not start (log: %s): %w", logPath, err)
	}
	pid := child.Process.Pid
	bc := bench.Config{BaseURL: base, DSN: target, Smoke: *smoke, Conns: *conns, Phase: *phase,
		Server:     fmt.Sprintf("the portal binary in bench mode, in a child process (pool of %d database connections, request log at info level to a file)", cfg.DBMaxConns),
		MemoryWhat: "resident memory (RSS) of the server process",
		Memory:     func() (uint64, error) { return rss(pid) },
		Logf:       func(format string, args ...any) { log.Info(fmt.Sprintf(format, args...)) }}
	if *smoke {
		bc.Phase, bc.MaxRequests = 250*time.Millisecond, 40
	}
	if *only != "" {
		bc.Only = strings.Split(*only, ",")
	}
	machine := bench.ThisMachine(ctx, target)
	data, err := bench.DataSet(ctx, target)
	if err != nil {
		return err
	}
	res, err := bench.Run(ctx, bc)
	if err != nil {
		return err
	}
	text := res.Markdown(machine, data)
	fmt.Fprint(stdout, text)
	if *out != "" {
		if err := bench.WriteInto(*out, text); err != nil {
			return err
		}
	}
	if f := res.Failures(); len(f) > 0 {
		return fmt.Errorf("%d kinds of request did not answer as expected (server log: %s)", len(f), logPath)
	}
	return nil
}

// benchServe is the child of portal bench: the portal in bench mode on a loopback
// address, with the production server's settings, until interrupted.
func benchServe(ctx context.Context, cfg config.Config, log *slog.Logger, addr, dsn string) error {
	host, _, err := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("bench: serve on a loopback address, not %q", addr)
	}
	return withStore(ctx, cfg, dsn, func(st *postgres.Store) error {
		if loc, err := time.LoadLocation(cfg.TimeZone); err == nil {
			st.Zone = loc
		}
		srv := server.New(st, log, server.Options{SessionLifetime: cfg.SessionLifetime, IdleTimeout: cfg.IdleTimeout,
			UploadMaxBytes: int64(cfg.UploadMaxMB) << 20, UploadConcurrency: cfg.UploadSlots, Bench: true})
		hs := &http.Server{Addr: addr, Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 5 * time.Minute,
			WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 1 << 20,
			ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
		st.Start(ctx, log)
		errc := make(chan error, 1)
		go func() { errc <- hs.ListenAndServe() }()
		select {
		case err := <-errc:
			return err
		case <-ctx.Done():
		}
		sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		return hs.Shutdown(sctx)
	})
}

func waitHealthy(ctx context.Context, base string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		res, err := http.Get(base + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no answer from %s/healthz after %s: %v", base, limit, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// rss returns the resident memory of process pid.
func rss(pid int) (uint64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			var kb uint64
			if _, err := fmt.Sscanf(strings.TrimSpace(rest), "%d kB", &kb); err != nil {
				return 0, err
			}
			return kb << 10, nil
		}
	}
	return 0, fmt.Errorf("no VmRSS for process %d", pid)
}
