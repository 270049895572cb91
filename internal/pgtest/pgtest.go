// Package pgtest gives each test a fresh PostgreSQL database, cloned from a migrated
// template, in the project's private test cluster (or in the server named by
// PORTAL_TEST_ADMIN_URL). It never skips: a test that needs a database and cannot
// get one fails, with the reason.
package pgtest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/campusorg/portal/internal/pgcluster"
	"github.com/campusorg/portal/migrations"
)

// DataDirEnv names the variable that places the private test cluster; relative
// paths are taken from the module root. The default is .pgdata/test.
const DataDirEnv = "PORTAL_TEST_DATA_DIR"

// AdminURLEnv names the variable holding a superuser URL of an existing server to
// use instead of the private cluster.
const AdminURLEnv = "PORTAL_TEST_ADMIN_URL"

var (
	setupOnce sync.Once
	adminURL  string
	template  string
	setupErr  error
	counter   atomic.Int64
)

// AdminURL returns the superuser URL of the test server, with the migrated template
// ready; the first call starts the cluster and builds the template.
func AdminURL(t testing.TB) (admin, templateName string) {
	t.Helper()
	setupOnce.Do(func() { adminURL, template, setupErr = setup(context.Background()) })
	if setupErr != nil {
		t.Fatalf("test database: %v", setupErr)
	}
	return adminURL, template
}

// NewURL creates a fresh database cloned from the migrated template, drops it when
// the test ends, and returns its URL.
func NewURL(t testing.TB) string {
	t.Helper()
	admin, tmpl := AdminURL(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	name := fmt.Sprintf("test_%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1_000_000, counter.Add(1))
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("test database: %v", err)
	}
	defer conn.Close(ctx)
	// CREATE DATABASE … TEMPLATE fails while another session is connected to the
	// template; a concurrent clone in another package's process can briefly be one.
	for attempt := 0; ; attempt++ {
		_, err = conn.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s",
			pgx.Identifier{name}.Sanitize(), pgx.Identifier{tmpl}.Sanitize()))
		if err == nil || attempt == 20 {
			break
		}
		time.Sleep(time.Duration(50*(attempt+1)) * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		conn, err := pgx.Connect(ctx, admin)
		if err != nil {
			t.Errorf("drop test database: %v", err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Errorf("drop test database: %v", err)
		}
	})
	return withDatabase(admin, name)
}

// NewPool returns a pool on a fresh database cloned from the migrated template;
// the pool is closed and the database dropped when the test ends.
func NewPool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	dsn := NewURL(t)
	pool, err := pgxpool.New(context.Background(), dsn)
	if err != nil {
		t.Fatalf("test database: %v", err)
	}
	// Registered after NewURL's cleanup, so it runs first: close, then drop.
	t.Cleanup(pool.Close)
	return pool
}

// setup starts the server and makes sure the template for the current migrations
// exists, building it under an advisory lock so that concurrent test processes
// build it once.
func setup(ctx context.Context) (admin, tmpl string, err error) {
	admin = os.Getenv(AdminURLEnv)
	if admin == "" {
		dir, err := dataDir()
		if err != nil {
			return "", "", err
		}
		admin, err = pgcluster.Ensure(ctx, dir, "postgres", pgcluster.Options{Install: true, Fast: true})
		if err != nil {
			return "", "", err
		}
	}
	tmpl = "template_portal_" + migrations.Fingerprint()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return "", "", err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(7310002)`); err != nil {
		return "", "", err
	}
	defer conn.Exec(ctx, `SELECT pg_advisory_unlock(7310002)`) //nolint:errcheck
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, tmpl).Scan(&exists); err != nil {
		return "", "", err
	}
	if exists {
		return admin, tmpl, nil
	}
	building := tmpl + "_building"
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{building}.Sanitize()+" WITH (FORCE)"); err != nil {
		return "", "", err
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{building}.Sanitize()); err != nil {
		return "", "", err
	}
	if err := migrations.Up(ctx, withDatabase(admin, building)); err != nil {
		return "", "", err
	}
	if _, err := conn.Exec(ctx, "ALTER DATABASE "+pgx.Identifier{building}.Sanitize()+" RENAME TO "+pgx.Identifier{tmpl}.Sanitize()); err != nil {
		return "", "", err
	}
	return admin, tmpl, nil
}

// dataDir returns the private test cluster's folder.
func dataDir() (string, error) {
	dir := os.Getenv(DataDirEnv)
	if dir == "" {
		dir = filepath.Join(".pgdata", "test")
	}
	if filepath.IsAbs(dir) {
		return dir, nil
	}
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, dir), nil
}

// moduleRoot walks up from the working directory (a package's folder under go test)
// to the folder holding go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}

func withDatabase(dsn, name string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	u.Path = "/" + name
	return u.String()
}
