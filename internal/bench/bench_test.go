package bench_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/campusorg/portal/internal/bench"
	"github.com/campusorg/portal/internal/pgtest"
	"github.com/campusorg/portal/internal/postgres"
	"github.com/campusorg/portal/internal/scale"
	"github.com/campusorg/portal/internal/server"
)

// TestSmoke runs the benchmark in smoke mode on the smoke data set, with the
// server in this process: every kind of request the portal serves must succeed.
// No timing is asserted (timings belong to `make bench`).
func TestSmoke(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.NewURL(t)
	sc, err := scale.ByName("smoke")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := scale.Generate(ctx, dsn, sc, scale.Options{Seed: 7}); err != nil {
		t.Fatal(err)
	}
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	// The store as a serving instance runs it: with its cache listener.
	st := postgres.New(pool)
	stop, err := st.ListenReady(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)), 30*time.Second)
	t.Cleanup(stop)
	if err != nil {
		t.Fatalf("the cache listener did not connect: %v", err)
	}
	srv := server.New(st, slog.New(slog.NewTextHandler(io.Discard, nil)), server.Options{Bench: true})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	res, err := bench.Run(ctx, bench.Config{BaseURL: ts.URL, DSN: dsn, Smoke: true, Conns: 4, Phase: 200 * time.Millisecond,
		MaxRequests: 30, Server: "in the test's process", MemoryWhat: "Go heap in use (server and client)",
		Memory: func() (uint64, error) {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			return m.HeapInuse, nil
		}, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + res.Markdown(bench.ThisMachine(ctx, dsn), nil))
	for _, f := range res.Failures() {
		t.Error(f)
	}
	for _, row := range res.Rows {
		if row.Missing != "" {
			t.Logf("%s not measured: %s", row.Key, row.Missing)
			continue
		}
		if row.Capacity.OK == 0 || row.Latency.OK == 0 {
			t.Errorf("%s: no request succeeded (capacity %d, open loop %d)", row.Key, row.Capacity.OK, row.Latency.OK)
		}
	}
	if res.MemUploads.OK != 20 {
		t.Errorf("5 MB uploads: %d of 20 accepted", res.MemUploads.OK)
	}
	if res.Overload.Status5xx > 0 {
		t.Errorf("overload: %d server errors", res.Overload.Status5xx)
	}
}
