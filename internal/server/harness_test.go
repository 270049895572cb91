package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/campusorg/portal/internal/demo"
	"github.com/campusorg/portal/internal/pgtest"
	"github.com/campusorg/portal/internal/postgres"
)

// testApp is the whole portal over a fresh database holding the demo school.
type testApp struct {
	t     testing.TB
	store *postgres.Store
	srv   *httptest.Server
	// handler is the portal's router, for walking its routes.
	handler http.Handler
	server  *Server
	orgs    map[string]int64 // demo org key → id
	users   map[string]int64 // username → id
}

func newTestApp(t testing.TB) *testApp {
	t.Helper()
	pool := pgtest.NewPool(t)
	store := postgres.New(pool)
	ctx := context.Background()
	if seeded, err := store.SeedDemo(ctx); err != nil || !seeded {
		t.Fatalf("seed: %v (seeded %v)", err, seeded)
	}
	listen(t, store)
	s := New(store, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{})
	h := s.Handler()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	app := &testApp{t: t, store: store, srv: srv, handler: h, server: s, orgs: map[string]int64{}, users: map[string]int64{}}
	rows, err := pool.Query(ctx, `SELECT code, id FROM orgs WHERE code IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var code string
		var id int64
		if err := rows.Scan(&code, &id); err != nil {
			t.Fatal(err)
		}
		app.orgs[code] = id
	}
	rows, err = pool.Query(ctx, `SELECT username, id FROM users`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		var id int64
		if err := rows.Scan(&name, &id); err != nil {
			t.Fatal(err)
		}
		app.users[name] = id
	}
	return app
}

// listen runs the store's cache listener for the test, as a serving instance does,
// and waits until the in-memory copies are in use.
func listen(t testing.TB, store *postgres.Store) {
	t.Helper()
	stop, err := store.ListenReady(context.Background(), slog.New(slog.NewTextHandler(io.Discard, nil)), 30*time.Second)
	t.Cleanup(stop)
	if err != nil {
		t.Fatalf("the cache listener did not connect: %v", err)
	}
}

// client is a browser-like HTTP client: it keeps cookies, does not follow redirects,
// and marks its requests same-origin as a browser would.
type client struct {
	t    testing.TB
	app  *testApp
	http *http.Client
}

func (a *testApp) anonymous() *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: a.t, app: a, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// signIn returns a client signed in as a demo account.
func (a *testApp) signIn(username string) *client {
	a.t.Helper()
	c := a.anonymous()
	res, body := c.post("/login", url.Values{"login": {username}, "password": {demo.Password}})
	if res.StatusCode != http.StatusSeeOther {
		a.t.Fatalf("sign in as %s: %d\n%s", username, res.StatusCode, body)
	}
	return c
}

func (c *client) do(req *http.Request) (*http.Response, string) {
	c.t.Helper()
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return res, string(b)
}

func (c *client) get(path string) (*http.Response, string) {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.app.srv.URL+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.do(req)
}

func (c *client) post(path string, form url.Values) (*http.Response, string) {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.app.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", c.app.srv.URL)
	return c.do(req)
}
