package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/campusorg/portal/web"
)

// The people of the route × role test: anonymous, then one demo account per role.
var authzRoles = []string{"anon", "admin", "tuanwei", "secretary", "endorser-league", "counselor", "supervisor", "reviewer1", "leader"}

// authzRow is one route's expected status for each person, in authzRoles order.
type authzRow struct {
	route  string // "METHOD pattern", as registered
	path   string // the path requested, with ids filled in by fill
	want   [9]int
	form   url.Values
	anonTo string // for 303s of anonymous visitors: where they must be sent
}

const (
	ok  = http.StatusOK
	see = http.StatusSeeOther
	nf  = http.StatusNotFound
	bad = http.StatusUnprocessableEntity
	cfl = http.StatusConflict
)

// authzTable lists every route. A route added without a row here fails
// TestEveryRouteHasAnAuthorizationRow. {org} is the secretary's League general
// branch, {user} the secretary's account, {grant} her grant.
func authzTable() []authzRow {
	//                                        anon admin tuanwei secretary endorser counselor supervisor reviewer leader
	return []authzRow{
		{route: "GET /healthz", path: "/healthz", want: [9]int{ok, ok, ok, ok, ok, ok, ok, ok, ok}},
		{route: "GET /static/*", path: web.Asset("app.css"), want: [9]int{ok, ok, ok, ok, ok, ok, ok, ok, ok}},
		{route: "GET /login", path: "/login", want: [9]int{ok, see, see, see, see, see, see, see, see}},
		{route: "POST /login", path: "/login", want: [9]int{bad, bad, bad, bad, bad, bad, bad, bad, bad}},
		{route: "POST /lang", path: "/lang", form: url.Values{"lang": {"en"}, "back": {"/"}}, want: [9]int{see, see, see, see, see, see, see, see, see}},
		{route: "GET /", path: "/", want: [9]int{see, ok, ok, ok, ok, ok, ok, ok, ok}, anonTo: "/login"},
		{route: "GET /account/password", path: "/account/password", want: [9]int{see, ok, ok, ok, ok, ok, ok, ok, ok}, anonTo: "/login"},
		{route: "POST /account/password", path: "/account/password", want: [9]int{see, bad, bad, bad, bad, bad, bad, bad, bad}, anonTo: "/login"},
		{route: "GET /orgs", path: "/orgs", want: [9]int{see, ok, ok, ok, ok, ok, ok, ok, ok}, anonTo: "/login"},
		{route: "GET /orgs/{id}", path: "/orgs/{org}", want: [9]int{see, ok, nf, ok, ok, nf, nf, ok, ok}, anonTo: "/login"},
		{route: "GET /orgs/{id}/new", path: "/orgs/{org}/new", want: [9]int{see, ok, nf, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /orgs/{id}/new", path: "/orgs/{org}/new", want: [9]int{see, bad, nf, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "GET /orgs/{id}/edit", path: "/orgs/{org}/edit", want: [9]int{see, ok, nf, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /orgs/{id}/edit", path: "/orgs/{org}/edit", form: url.Values{"version": {"1"}}, want: [9]int{see, bad, nf, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "GET /orgs/{id}/move", path: "/orgs/{org}/move", want: [9]int{see, ok, nf, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /orgs/{id}/move", path: "/orgs/{org}/move", want: [9]int{see, bad, nf, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "GET /users", path: "/users", want: [9]int{see, ok, nf, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "GET /users/new", path: "/users/new", want: [9]int{see, ok, nf, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /users", path: "/users", want: [9]int{see, bad, nf, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "GET /users/{id}", path: "/users/{user}", want: [9]int{see, ok, nf, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /users/{id}/password", path: "/users/{user}/password", want: [9]int{see, bad, nf, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /users/{id}/grants", path: "/users/{user}/grants", want: [9]int{see, bad, nf, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "GET /audit", path: "/audit", want: [9]int{see, ok, nf, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "GET /import", path: "/import", want: [9]int{see, ok, nf, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "GET /import/template.xlsx", path: "/import/template.xlsx", want: [9]int{see, ok, nf, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /import", path: "/import", want: [9]int{see, bad, nf, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		// State changes that succeed for the administrator come last, so that they do
		// not change what the rows above see.
		{route: "POST /users/{id}/grants/{gid}/revoke", path: "/users/{user}/grants/{grant}/revoke", want: [9]int{see, see, nf, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /users/{id}/disable", path: "/users/{user}/disable", want: [9]int{see, see, nf, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /users/{id}/enable", path: "/users/{user}/enable", want: [9]int{see, see, nf, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /orgs/{id}/deactivate", path: "/orgs/{org}/deactivate", want: [9]int{see, see, nf, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /orgs/{id}/reactivate", path: "/orgs/{org}/reactivate", want: [9]int{see, see, nf, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /logout", path: "/logout", want: [9]int{see, see, see, see, see, see, see, see, see}},
	}
}

// registeredRoutes returns "METHOD pattern" for every route of the handler.
func registeredRoutes(t *testing.T, h http.Handler) []string {
	var out []string
	err := chi.Walk(h.(chi.Routes), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		out = append(out, method+" "+strings.TrimSuffix(route, "/*")+map[bool]string{true: "/*"}[strings.HasSuffix(route, "/*")])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func TestEveryRouteHasAnAuthorizationRow(t *testing.T) {
	app := newTestApp(t)
	rows := map[string]bool{}
	for _, r := range authzTable() {
		if rows[r.route] {
			t.Errorf("two rows for %s", r.route)
		}
		rows[r.route] = true
	}
	registered := map[string]bool{}
	for _, r := range registeredRoutes(t, app.handler) {
		registered[r] = true
		if !rows[r] {
			t.Errorf("route %s has no row in authzTable: add one with the expected status per role", r)
		}
	}
	for r := range rows {
		if !registered[r] {
			t.Errorf("authzTable has a row for %s, which is not registered", r)
		}
	}
}

// TestRouteByRole requests every route as every person and checks the status: what
// a person may not see answers 404, anonymous visitors go to the sign-in page.
func TestRouteByRole(t *testing.T) {
	for i, who := range authzRoles {
		t.Run(who, func(t *testing.T) {
			t.Parallel()
			app := newTestApp(t)
			var c *client
			if who == "anon" {
				c = app.anonymous()
			} else {
				c = app.signIn(who)
			}
			fill := app.fill(t)
			for _, row := range authzTable() {
				method, _, _ := strings.Cut(row.route, " ")
				path := fill(row.path)
				var res *http.Response
				var body string
				if method == http.MethodGet {
					res, body = c.get(path)
				} else {
					res, body = c.post(path, row.form)
				}
				want := row.want[i]
				if res.StatusCode != want {
					t.Errorf("%s %s as %s: status %d, want %d\n%.300s", method, path, who, res.StatusCode, want, body)
					continue
				}
				if want == see && who == "anon" && row.anonTo != "" && !strings.HasPrefix(res.Header.Get("Location"), row.anonTo) {
					t.Errorf("%s %s as anon: redirected to %q, want %s", method, path, res.Header.Get("Location"), row.anonTo)
				}
			}
		})
	}
}

// fill returns a function replacing {org}, {user} and {grant} in a path with the
// secretary's League general branch, account and grant.
func (a *testApp) fill(t *testing.T) func(string) string {
	var orgID, grantID int64
	err := a.store.Pool().QueryRow(context.Background(), `SELECT g.org_id, g.id FROM role_grants g
		WHERE g.user_id = $1 AND g.role = 'secretary' ORDER BY g.id LIMIT 1`, a.users["secretary"]).Scan(&orgID, &grantID)
	if err != nil {
		t.Fatal(err)
	}
	r := strings.NewReplacer("{org}", fmt.Sprint(orgID), "{user}", fmt.Sprint(a.users["secretary"]), "{grant}", fmt.Sprint(grantID))
	return r.Replace
}
