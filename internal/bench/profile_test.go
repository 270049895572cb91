//go:build profile

// This file is a tool, not part of `make test`: go test -tags profile -run
// TestProfileRequest (or TestProfileReminders) ./internal/bench/ with
// PORTAL_PROFILE_URL set.

package bench_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/campusorg/portal/internal/postgres"
	"github.com/campusorg/portal/internal/scale"
	"github.com/campusorg/portal/internal/server"
)

// TestProfileRequest is a tool, not a check: with PORTAL_PROFILE_URL set to a
// seeded bench database, it signs in as PORTAL_PROFILE_USER (default
// bench.manager), sends GET PORTAL_PROFILE_PATH (default /) PORTAL_PROFILE_N times (default 200) through the
// handler in this process, one at a time (the first answer saved to
// PORTAL_PROFILE_SAVE when set), and prints the time per request and
// each statement's average time and count per request. Run it with -cpuprofile
// to see where the server's own time goes.
func TestProfileRequest(t *testing.T) {
	user, path := os.Getenv("PORTAL_PROFILE_USER"), os.Getenv("PORTAL_PROFILE_PATH")
	if user == "" {
		user = scale.BenchManager
	}
	if path == "" {
		path = "/"
	}
	ctx := context.Background()
	st, tr := tracedStore(t, ctx, "a seeded bench database")
	if os.Getenv("PORTAL_PROFILE_NOCACHE") == "" { // as a serving instance runs
		stop, err := st.ListenReady(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)), 30*time.Second)
		defer stop()
		if err != nil {
			t.Fatal(err)
		}
	}
	h := server.New(st, slog.New(slog.NewTextHandler(io.Discard, nil)), server.Options{Bench: true}).Handler()
	req := httptest.NewRequest("POST", "/login", strings.NewReader(url.Values{"login": {user}, "password": {scale.Password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	var cookie string
	for _, c := range w.Result().Cookies() {
		if c.Name == "portal_session" {
			cookie = c.Name + "=" + c.Value
		}
	}
	if cookie == "" {
		t.Fatalf("sign in as %s: %d", user, w.Code)
	}
	n := 200
	if v, err := strconv.Atoi(os.Getenv("PORTAL_PROFILE_N")); err == nil && v > 0 {
		n = v
	}
	tr.reset()
	start := time.Now()
	size := 0
	for i := 0; i < n; i++ {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Cookie", cookie)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != 200 {
			t.Fatalf("GET %s: %d", path, w.Code)
		}
		size = w.Body.Len()
		if out := os.Getenv("PORTAL_PROFILE_SAVE"); out != "" && i == 0 {
			if err := os.WriteFile(out, w.Body.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Logf("GET %s as %s: %.2f ms per request, %d bytes", path, user, float64(time.Since(start).Microseconds())/1000/float64(n), size)
	tr.print(t, n)
}

// TestProfileReminders is a tool, not a check: it runs two turns of the reminder
// job on the database PORTAL_PROFILE_URL names and prints the time of each and
// the statements of the second (a turn with nothing new to send, as most are).
// The job writes its messages there: give it a copy of the bench database
// (CREATE DATABASE … TEMPLATE bench), not the bench database itself.
func TestProfileReminders(t *testing.T) {
	ctx := context.Background()
	st, tr := tracedStore(t, ctx, "a copy of a seeded bench database")
	for _, turn := range []string{"first", "second"} {
		tr.reset()
		start := time.Now()
		run, err := st.RunReminders(ctx)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s turn: %s, %d messages sent", turn, time.Since(start).Round(time.Millisecond), run.Sent)
	}
	tr.print(t, 1)
}

// tracedStore returns a store over PORTAL_PROFILE_URL (which should name what),
// whose statements are timed, closed when the test ends.
func tracedStore(t *testing.T, ctx context.Context, what string) (*postgres.Store, *statementTimes) {
	dsn := os.Getenv("PORTAL_PROFILE_URL")
	if dsn == "" {
		t.Fatalf("set PORTAL_PROFILE_URL to %s", what)
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	tr := &statementTimes{sum: map[string]time.Duration{}, n: map[string]int{}}
	cfg.ConnConfig.Tracer = tr
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return postgres.New(pool), tr
}

type statementTimes struct {
	mu  sync.Mutex
	sum map[string]time.Duration
	n   map[string]int
}

type statementStart struct {
	sql string
	at  time.Time
}

// print logs each statement's average time and count per request (of n).
func (s *statementTimes) print(t *testing.T, n int) {
	var sqls []string
	for sql := range s.sum {
		sqls = append(sqls, sql)
	}
	sort.Slice(sqls, func(i, j int) bool { return s.sum[sqls[i]] > s.sum[sqls[j]] })
	for _, sql := range sqls {
		t.Logf("%7.0f µs × %5.2f  %s", float64(s.sum[sql].Microseconds())/float64(s.n[sql]), float64(s.n[sql])/float64(n), sql)
	}
}

func (s *statementTimes) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.sum)
	clear(s.n)
}

func (s *statementTimes) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	return context.WithValue(ctx, statementStart{}, statementStart{d.SQL, time.Now()})
}

func (s *statementTimes) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryEndData) {
	st, ok := ctx.Value(statementStart{}).(statementStart)
	if !ok {
		return
	}
	sql := strings.Join(strings.Fields(st.sql), " ")
	if len(sql) > 110 {
		sql = sql[:110] + "…"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sum[sql] += time.Since(st.at)
	s.n[sql]++
}
