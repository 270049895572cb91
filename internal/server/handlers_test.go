package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func (a *testApp) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := a.store.Pool().QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSecurityHeaders(t *testing.T) {
	app := newTestApp(t)
	res, _ := app.anonymous().get("/login")
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "object-src 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("CSP allows unsafe sources: %q", csp)
	}
	if res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Header.Get("Referrer-Policy") == "" {
		t.Errorf("missing nosniff or referrer policy: %v", res.Header)
	}
}

func TestSignInAndCookies(t *testing.T) {
	app := newTestApp(t)
	c := app.anonymous()
	res, body := c.post("/login", url.Values{"login": {"admin"}, "password": {"wrong-password"}})
	if res.StatusCode != bad || !strings.Contains(body, "用户名或密码不正确") {
		t.Fatalf("wrong password: %d", res.StatusCode)
	}
	if !strings.Contains(body, `value="admin"`) {
		t.Error("the login typed was not kept")
	}
	if strings.Contains(body, "wrong-password") {
		t.Error("the password was echoed back")
	}
	res, _ = c.post("/login", url.Values{"login": {"admin"}, "password": {"demo2026"}, "next": {"/orgs"}})
	if res.StatusCode != see || res.Header.Get("Location") != "/orgs" {
		t.Fatalf("sign in: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	var cookie *http.Cookie
	for _, ck := range res.Cookies() {
		if ck.Name == "portal_session" {
			cookie = ck
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode {
		t.Fatalf("session cookie missing or not HttpOnly/Lax: %+v", cookie)
	}
	if n := app.count(t, `SELECT count(*) FROM audit_events WHERE action = 'user.sign_in_failed'`); n != 1 {
		t.Errorf("failed sign-ins audited: %d, want 1", n)
	}
	// An open redirect through next is refused.
	c2 := app.anonymous()
	res, _ = c2.post("/login", url.Values{"login": {"admin"}, "password": {"demo2026"}, "next": {"//evil.example/x"}})
	if res.Header.Get("Location") != "/" {
		t.Errorf("next=//evil.example redirected to %q", res.Header.Get("Location"))
	}
}

func TestSignInThrottledPerAccount(t *testing.T) {
	app := newTestApp(t)
	c := app.anonymous()
	for i := 0; i < loginBurst; i++ {
		res, _ := c.post("/login", url.Values{"login": {"leader"}, "password": {"nope-nope"}})
		if res.StatusCode != bad {
			t.Fatalf("attempt %d: %d", i, res.StatusCode)
		}
	}
	res, body := c.post("/login", url.Values{"login": {"leader"}, "password": {"demo2026"}})
	if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "尝试次数过多") {
		t.Fatalf("after %d failures the right password got %d, want 429 with a message", loginBurst, res.StatusCode)
	}
	// Another account from the same address is not locked out.
	res, _ = c.post("/login", url.Values{"login": {"admin"}, "password": {"demo2026"}})
	if res.StatusCode != see {
		t.Fatalf("another account: %d", res.StatusCode)
	}
}

func TestCrossSitePostRefused(t *testing.T) {
	app := newTestApp(t)
	c := app.signIn("admin")
	req, _ := http.NewRequest(http.MethodPost, app.srv.URL+"/lang", strings.NewReader("lang=en"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if res, _ := c.do(req); res.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site post: %d, want 403", res.StatusCode)
	}
	req, _ = http.NewRequest(http.MethodPost, app.srv.URL+"/lang", strings.NewReader("lang=en"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if res, _ := c.do(req); res.StatusCode != http.StatusForbidden {
		t.Errorf("post with a session cookie and no origin headers: %d, want 403", res.StatusCode)
	}
	if n := app.count(t, `SELECT count(*) FROM users WHERE username = 'admin' AND lang = 'en'`); n != 0 {
		t.Error("a refused request changed the language")
	}
}

// TestReadRequestsDoNotWriteSessions checks that pages read the session without
// writing it back: the sessions table is untouched by a series of GETs.
func TestReadRequestsDoNotWriteSessions(t *testing.T) {
	app := newTestApp(t)
	c := app.signIn("admin")
	snapshot := func() string {
		var s string
		if err := app.store.Pool().QueryRow(context.Background(),
			`SELECT coalesce(string_agg(token || md5(data) || expiry::text, ',' ORDER BY token), '') FROM sessions`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	before := snapshot()
	for _, p := range []string{"/", "/orgs", "/users", "/audit", "/account/password"} {
		if res, _ := c.get(p); res.StatusCode != ok {
			t.Fatalf("GET %s: %d", p, res.StatusCode)
		}
	}
	if after := snapshot(); after != before {
		t.Error("GET requests wrote the session store")
	}
}

func TestIdleSessionEnds(t *testing.T) {
	app := newTestApp(t)
	c := app.signIn("admin")
	if res, _ := c.get("/"); res.StatusCode != ok {
		t.Fatal("not signed in")
	}
	// Age the stored "seen" stamp by moving the server's clock forward.
	app.server.now = func() time.Time { return time.Now().Add(3 * time.Hour) }
	if res, _ := c.get("/"); res.StatusCode != see {
		t.Fatalf("after 3 idle hours: %d, want 303 to sign in", res.StatusCode)
	}
}

func TestRoleChangeReachesTheOtherSession(t *testing.T) {
	app := newTestApp(t)
	admin := app.signIn("admin")
	sec := app.signIn("secretary")
	fill := app.fill(t)
	orgPath := fill("/orgs/{org}")
	if res, _ := sec.get(orgPath); res.StatusCode != ok {
		t.Fatalf("secretary sees her org: %d", res.StatusCode)
	}
	if res, _ := admin.post(fill("/users/{user}/grants/{grant}/revoke"), nil); res.StatusCode != see {
		t.Fatalf("revoke: %d", res.StatusCode)
	}
	if res, _ := sec.get(orgPath); res.StatusCode != nf {
		t.Errorf("after revoking her grant the secretary still sees her org: %d", res.StatusCode)
	}
	if res, _ := admin.post(fill("/users/{user}/disable"), nil); res.StatusCode != see {
		t.Fatalf("disable: %d", res.StatusCode)
	}
	if res, _ := sec.get("/"); res.StatusCode != see {
		t.Errorf("a disabled account is still signed in: %d", res.StatusCode)
	}
	if n := app.count(t, `SELECT count(*) FROM audit_events WHERE action IN ('grant.revoke', 'user.disable')`); n != 2 {
		t.Errorf("audit events: %d, want 2", n)
	}
}

func TestOrgFormErrorsChangeNothing(t *testing.T) {
	app := newTestApp(t)
	c := app.signIn("admin")
	school := fmt.Sprint(app.orgs["school"])
	before := app.count(t, `SELECT count(*) FROM orgs`)
	audits := app.count(t, `SELECT count(*) FROM audit_events`)
	cases := []struct {
		name string
		form url.Values
		want string
	}{
		{"negative figure", url.Values{"kind": {"college"}, "name": {"新学院"}, "league_members": {"-1"}}, "不能为负数"},
		{"non-numeric figure", url.Values{"kind": {"college"}, "name": {"新学院"}, "league_members": {"很多"}}, "请填写整数"},
		{"impossible date", url.Values{"kind": {"college"}, "name": {"新学院"}, "founded_on": {"2023-02-30"}}, "真实日期"},
		{"future date", url.Values{"kind": {"college"}, "name": {"新学院"}, "founded_on": {"2999-01-01"}}, "不能晚于今天"},
		{"missing name", url.Values{"kind": {"college"}}, "此项必填"},
		{"too long", url.Values{"kind": {"college"}, "name": {strings.Repeat("院", 101)}}, "内容过长"},
		{"kind not allowed", url.Values{"kind": {"class"}, "name": {"新班级"}}, "不能设在此上级之下"},
		{"duplicate sibling name", url.Values{"kind": {"league_committee"}, "name": {app.nameOf(t, "school", "league_committee")}}, "同名组织"},
	}
	for _, tc := range cases {
		res, body := c.post("/orgs/"+school+"/new", tc.form)
		if res.StatusCode != bad && res.StatusCode != cfl {
			t.Errorf("%s: status %d, want 422", tc.name, res.StatusCode)
			continue
		}
		if !strings.Contains(body, tc.want) {
			t.Errorf("%s: the page does not say %q", tc.name, tc.want)
		}
		if v := tc.form.Get("name"); v != "" && len(v) < 100 && !strings.Contains(body, `value="`+v+`"`) {
			t.Errorf("%s: the name typed was not kept", tc.name)
		}
	}
	res, body := c.post("/orgs/"+school+"/new", url.Values{"kind": {"college"}, "name": {"x"}, "bogus": {"1"}})
	if res.StatusCode != bad || !strings.Contains(body, "无法识别的字段") {
		t.Errorf("unknown field: %d", res.StatusCode)
	}
	if n := app.count(t, `SELECT count(*) FROM orgs`); n != before {
		t.Errorf("bad input created %d orgs", n-before)
	}
	if n := app.count(t, `SELECT count(*) FROM audit_events`); n != audits {
		t.Errorf("bad input wrote %d audit events", n-audits)
	}
}

// nameOf returns the name of the first child of the demo org key with the given kind.
func (a *testApp) nameOf(t *testing.T, key, kind string) string {
	var name string
	if err := a.store.Pool().QueryRow(context.Background(), `SELECT name FROM orgs WHERE parent_id = $1 AND kind = $2 LIMIT 1`,
		a.orgs[key], kind).Scan(&name); err != nil {
		t.Fatal(err)
	}
	return name
}

func TestConcurrentEditsConflict(t *testing.T) {
	app := newTestApp(t)
	c := app.signIn("admin")
	path := app.fill(t)("/orgs/{org}/edit")
	_, form := c.get(path)
	if !strings.Contains(form, `name="version" value="1"`) {
		t.Fatalf("edit form lacks the version")
	}
	var kind, name string
	if err := app.store.Pool().QueryRow(context.Background(), `SELECT kind, name FROM orgs WHERE id = $1`,
		app.orgIDOf(t)).Scan(&kind, &name); err != nil {
		t.Fatal(err)
	}
	first := url.Values{"version": {"1"}, "kind": {kind}, "name": {name + "（甲）"}, "league_members": {"10"}}
	second := url.Values{"version": {"1"}, "kind": {kind}, "name": {name + "（乙）"}, "league_members": {"20"}}
	if res, _ := c.post(path, first); res.StatusCode != see {
		t.Fatalf("first save: %d", res.StatusCode)
	}
	res, body := c.post(path, second)
	if res.StatusCode != cfl || !strings.Contains(body, "他人已修改") || !strings.Contains(body, name+"（乙）") {
		t.Fatalf("second save: %d, want 409 with the message and her text kept", res.StatusCode)
	}
	if n := app.count(t, `SELECT count(*) FROM orgs WHERE name = $1`, name+"（甲）"); n != 1 {
		t.Error("the first save was overwritten")
	}
}

func (a *testApp) orgIDOf(t *testing.T) int64 {
	var id int64
	if _, err := fmt.Sscan(strings.TrimPrefix(a.fill(t)("/{org}"), "/"), &id); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestMoveNeverUnderOwnDescendant(t *testing.T) {
	app := newTestApp(t)
	c := app.signIn("admin")
	var collegeID, childID int64
	if err := app.store.Pool().QueryRow(context.Background(), `SELECT p.id, c.id FROM orgs c JOIN orgs p ON p.id = c.parent_id
		WHERE p.kind = 'college' AND c.kind = 'league_general_branch' LIMIT 1`).Scan(&collegeID, &childID); err != nil {
		t.Fatal(err)
	}
	res, body := c.post(fmt.Sprintf("/orgs/%d/move", collegeID), url.Values{"version": {"1"}, "parent_id": {fmt.Sprint(childID)}})
	if res.StatusCode != bad || !strings.Contains(body, "不能把组织移动到它自己或它的下级之下") {
		t.Fatalf("move under own child: %d", res.StatusCode)
	}
	if n := app.count(t, `SELECT count(*) FROM orgs WHERE id = $1 AND parent_id = $2`, collegeID, app.orgs["school"]); n != 1 {
		t.Error("the college moved")
	}
}
