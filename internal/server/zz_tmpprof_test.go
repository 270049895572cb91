package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/campusorg/portal/internal/postgres"
)

func TestTmpProfile(t *testing.T) {
	dsn := os.Getenv("TMP_BENCH_URL")
	if dsn == "" {
		t.Skip()
	}
	ctx := context.Background()
	pool, _ := pgxpool.New(ctx, dsn)
	defer pool.Close()
	s := New(postgres.New(pool), slog.New(slog.NewTextHandler(io.Discard, nil)), Options{Bench: true})
	h := s.Handler()
	login := func(user string) string {
		req := httptest.NewRequest("POST", "/login", strings.NewReader(url.Values{"login": {user}, "password": {"scale-bench-2026"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		for _, c := range w.Result().Cookies() {
			if c.Name == "portal_session" {
				return c.Name + "=" + c.Value
			}
		}
		t.Fatal("no cookie", w.Code)
		return ""
	}
	cookie := login(os.Getenv("TMP_USER"))
	path := os.Getenv("TMP_PATH")
	n := 0
	start := time.Now()
	for time.Since(start) < 5*time.Second {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Cookie", cookie)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			t.Fatal(w.Code, w.Body.String()[:200])
		}
		n++
	}
	t.Logf("%d requests, %.2f ms each, %d bytes", n, float64(time.Since(start).Milliseconds())/float64(n), 0)
}

func TestTmpPlans(t *testing.T) {
	dsn := os.Getenv("TMP_BENCH_URL")
	if dsn == "" {
		t.Skip()
	}
	ctx := context.Background()
	cfg, _ := pgxpool.ParseConfig(dsn)
	cfg.MaxConns = 1
	pool, _ := pgxpool.NewWithConfig(ctx, cfg)
	defer pool.Close()
	s := New(postgres.New(pool), slog.New(slog.NewTextHandler(io.Discard, nil)), Options{Bench: true})
	h := s.Handler()
	req := httptest.NewRequest("POST", "/login", strings.NewReader(url.Values{"login": {os.Getenv("TMP_USER")}, "password": {"scale-bench-2026"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	cookie := ""
	for _, c := range w.Result().Cookies() {
		if c.Name == "portal_session" {
			cookie = c.Name + "=" + c.Value
		}
	}
	for i := 0; i < 20; i++ {
		req := httptest.NewRequest("GET", os.Getenv("TMP_PATH"), nil)
		req.Header.Set("Cookie", cookie)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
	}
	rows, _ := pool.Query(ctx, `SELECT generic_plans, custom_plans, left(regexp_replace(statement, '\s+', ' ', 'g'), 110) FROM pg_prepared_statements ORDER BY 2 DESC`)
	for rows.Next() {
		var g, c int64
		var st string
		rows.Scan(&g, &c, &st)
		t.Logf("generic %3d custom %3d  %s", g, c, st)
	}
}

type tmpTracer struct {
	mu  sync.Mutex
	agg map[string]*[2]float64
}

type tmpKey struct{}

func (tt *tmpTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	return context.WithValue(ctx, tmpKey{}, [2]any{d.SQL, time.Now()})
}
func (tt *tmpTracer) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryEndData) {
	v := ctx.Value(tmpKey{}).([2]any)
	sql := strings.Join(strings.Fields(v[0].(string)), " ")
	if len(sql) > 90 {
		sql = sql[:90]
	}
	tt.mu.Lock()
	defer tt.mu.Unlock()
	if tt.agg[sql] == nil {
		tt.agg[sql] = &[2]float64{}
	}
	tt.agg[sql][0]++
	tt.agg[sql][1] += float64(time.Since(v[1].(time.Time)).Microseconds())
}

func TestTmpStatements(t *testing.T) {
	dsn := os.Getenv("TMP_BENCH_URL")
	if dsn == "" {
		t.Skip()
	}
	ctx := context.Background()
	cfg, _ := pgxpool.ParseConfig(dsn)
	tr := &tmpTracer{agg: map[string]*[2]float64{}}
	cfg.ConnConfig.Tracer = tr
	pool, _ := pgxpool.NewWithConfig(ctx, cfg)
	defer pool.Close()
	s := New(postgres.New(pool), slog.New(slog.NewTextHandler(io.Discard, nil)), Options{Bench: true})
	h := s.Handler()
	req := httptest.NewRequest("POST", "/login", strings.NewReader(url.Values{"login": {os.Getenv("TMP_USER")}, "password": {"scale-bench-2026"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	cookie := ""
	for _, c := range w.Result().Cookies() {
		if c.Name == "portal_session" {
			cookie = c.Name + "=" + c.Value
		}
	}
	n := 200
	start := time.Now()
	size := 0
	for i := 0; i < n; i++ {
		req := httptest.NewRequest("GET", os.Getenv("TMP_PATH"), nil)
		req.Header.Set("Cookie", cookie)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		size = w.Body.Len()
	}
	t.Logf("%.2f ms per request, %d bytes", float64(time.Since(start).Microseconds())/1000/float64(n), size)
	for sql, a := range tr.agg {
		t.Logf("%6.0f µs × %4.1f  %s", a[1]/a[0], a[0]/float64(n), sql)
	}
}
