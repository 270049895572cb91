package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/campusorg/portal/internal/portal"
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
// branch, {user} the secretary's account, {grant} her grant; {program} the open
// 一团一品 call (demo.ProgramBrandOpen), {track} its first track, {theme} its last
// theme (其他).
func authzTable() []authzRow {
	//                                        anon admin tuanwei secretary endorser counselor supervisor reviewer leader
	return []authzRow{
		{route: "GET /healthz", path: "/healthz", want: [9]int{ok, ok, ok, ok, ok, ok, ok, ok, ok}},
		{route: "GET /static/*", path: web.Asset("app.css"), want: [9]int{ok, ok, ok, ok, ok, ok, ok, ok, ok}},
		{route: "GET /login", path: "/login", want: [9]int{ok, see, see, see, see, see, see, see, see}},
		{route: "POST /login", path: "/login", want: [9]int{bad, bad, bad, bad, bad, bad, bad, bad, bad}},
		{route: "POST /lang", path: "/lang", form: url.Values{"lang": {"en"}, "back": {"/"}}, want: [9]int{see, see, see, see, see, see, see, see, see}},
		{route: "GET /", path: "/", want: [9]int{see, ok, ok, ok, ok, ok, ok, ok, ok}, anonTo: "/login"},
		{route: "GET /account", path: "/account", want: [9]int{see, ok, ok, ok, ok, ok, ok, ok, ok}, anonTo: "/login"},
		{route: "POST /account/email", path: "/account/email", form: url.Values{"email": {"not an address"}}, want: [9]int{see, bad, bad, bad, bad, bad, bad, bad, bad}, anonTo: "/login"},
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
		{route: "POST /users/{id}/email", path: "/users/{user}/email", form: url.Values{"email": {"not an address"}}, want: [9]int{see, bad, nf, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /users/{id}/grants", path: "/users/{user}/grants", want: [9]int{see, bad, nf, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "GET /audit", path: "/audit", want: [9]int{see, ok, nf, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		// Programs: {program} is the open 一团一品 call of 校团委, which tuanwei manages;
		// the secretary's 团总支 lies in its scope.
		{route: "GET /programs", path: "/programs", want: [9]int{see, ok, ok, ok, ok, ok, ok, ok, ok}, anonTo: "/login"},
		{route: "GET /programs/new", path: "/programs/new", want: [9]int{see, nf, ok, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /programs/new", path: "/programs/new", want: [9]int{see, nf, bad, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "GET /programs/{id}", path: "/programs/{program}", want: [9]int{see, ok, ok, ok, nf, nf, nf, nf, ok}, anonTo: "/login"},
		{route: "GET /programs/{id}/edit", path: "/programs/{program}/edit", want: [9]int{see, nf, ok, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /programs/{id}/edit", path: "/programs/{program}/edit", form: url.Values{"version": {"1"}}, want: [9]int{see, nf, bad, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /programs/{id}/status", path: "/programs/{program}/status", form: url.Values{"status": {"draft"}, "version": {"1"}}, want: [9]int{see, nf, bad, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "GET /programs/{id}/tracks/new", path: "/programs/{program}/tracks/new", want: [9]int{see, nf, ok, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /programs/{id}/tracks/new", path: "/programs/{program}/tracks/new", want: [9]int{see, nf, bad, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "GET /programs/{id}/tracks/{tid}/edit", path: "/programs/{program}/tracks/{track}/edit", want: [9]int{see, nf, ok, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /programs/{id}/tracks/{tid}/edit", path: "/programs/{program}/tracks/{track}/edit", form: url.Values{"version": {"1"}}, want: [9]int{see, nf, bad, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		// The only track of an open program stays (422 for its manager).
		{route: "POST /programs/{id}/tracks/{tid}/delete", path: "/programs/{program}/tracks/{track}/delete", want: [9]int{see, nf, bad, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /programs/{id}/themes", path: "/programs/{program}/themes", want: [9]int{see, nf, bad, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "GET /import", path: "/import", want: [9]int{see, ok, nf, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "GET /import/template.xlsx", path: "/import/template.xlsx", want: [9]int{see, ok, nf, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /import", path: "/import", want: [9]int{see, bad, nf, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},

		// Applications. {app} is the secretary's submitted 一团一品 application (both
		// opinions given), {draft} her draft, {attachment} the file of {app}.
		{route: "GET /applications", path: "/applications", want: [9]int{see, ok, ok, ok, ok, ok, ok, ok, ok}, anonTo: "/login"},
		{route: "GET /programs/{id}/applications", path: "/programs/{program}/applications", want: [9]int{see, ok, ok, nf, nf, nf, nf, nf, ok}, anonTo: "/login"},
		{route: "GET /programs/{id}/applications.xlsx", path: "/programs/{program}/applications.xlsx", want: [9]int{see, ok, ok, nf, nf, nf, nf, nf, ok}, anonTo: "/login"},
		{route: "POST /programs/{id}/extensions", path: "/programs/{program}/extensions", want: [9]int{see, nf, bad, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "GET /applications/{id}", path: "/applications/{app}", want: [9]int{see, ok, ok, ok, ok, nf, nf, nf, ok}, anonTo: "/login"},
		{route: "GET /applications/{id}/versions/{n}", path: "/applications/{app}/versions/1", want: [9]int{see, ok, ok, ok, ok, nf, nf, nf, ok}, anonTo: "/login"},
		{route: "GET /applications/{id}/print", path: "/applications/{app}/print", want: [9]int{see, ok, ok, ok, ok, nf, nf, nf, ok}, anonTo: "/login"},
		{route: "GET /attachments/{id}", path: "/attachments/{attachment}", want: [9]int{see, ok, ok, ok, ok, nf, nf, nf, ok}, anonTo: "/login"},
		{route: "GET /applications/{id}/edit", path: "/applications/{draft}/edit", want: [9]int{see, nf, nf, ok, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /applications/{id}/edit", path: "/applications/{draft}/edit", form: url.Values{"version": {"0"}}, want: [9]int{see, nf, nf, cfl, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /applications/{id}/send", path: "/applications/{draft}/send", form: url.Values{"version": {"0"}}, want: [9]int{see, nf, nf, cfl, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /applications/{id}/attachments", path: "/applications/{draft}/attachments", want: [9]int{see, nf, nf, bad, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /applications/{id}/attachments/{aid}/remove", path: "/applications/{app}/attachments/{attachment}/remove", want: [9]int{see, nf, nf, bad, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /applications/{id}/endorse", path: "/applications/{app}/endorse", form: url.Values{"version": {"0"}, "decision": {"agree"}}, want: [9]int{see, bad, bad, bad, bad, nf, nf, nf, bad}, anonTo: "/login"},
		{route: "POST /applications/{id}/manage", path: "/applications/{app}/manage", form: url.Values{"version": {"0"}, "action": {"receive"}}, want: [9]int{see, nf, cfl, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /applications/{id}/withdraw", path: "/applications/{app}/withdraw", form: url.Values{"version": {"0"}}, want: [9]int{see, nf, nf, cfl, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "GET /notifications", path: "/notifications", want: [9]int{see, ok, ok, ok, ok, ok, ok, ok, ok}, anonTo: "/login"},

		// Review rounds. {round} is the demo 一团一品 approval round being scored,
		// {sheet} reviewer1's sheet in it (started), {sheetfile} the submission's file;
		// {pubround} a second round of the program taken to its 公示 by fill, and
		// {objection} the secretary's objection to it.
		{route: "GET /programs/{id}/rounds", path: "/programs/{program}/rounds", want: [9]int{see, ok, ok, nf, nf, nf, nf, nf, ok}, anonTo: "/login"},
		{route: "GET /programs/{id}/rounds/new", path: "/programs/{program}/rounds/new", want: [9]int{see, nf, ok, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /programs/{id}/rounds", path: "/programs/{program}/rounds", want: [9]int{see, nf, bad, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "GET /rounds/{id}", path: "/rounds/{round}", want: [9]int{see, ok, ok, nf, nf, nf, nf, nf, ok}, anonTo: "/login"},
		{route: "GET /rounds/{id}/results", path: "/rounds/{round}/results", want: [9]int{see, ok, ok, nf, nf, nf, nf, nf, ok}, anonTo: "/login"},
		{route: "GET /rounds/{id}/scores.xlsx", path: "/rounds/{round}/scores.xlsx", want: [9]int{see, ok, ok, nf, nf, nf, nf, nf, ok}, anonTo: "/login"},
		{route: "GET /rounds/{id}/results.xlsx", path: "/rounds/{round}/results.xlsx", want: [9]int{see, ok, ok, nf, nf, nf, nf, nf, ok}, anonTo: "/login"},
		{route: "GET /rounds/{id}/notice", path: "/rounds/{round}/notice", want: [9]int{see, ok, ok, nf, nf, nf, nf, nf, ok}, anonTo: "/login"},
		{route: "POST /rounds/{id}/status", path: "/rounds/{round}/status", form: url.Values{"version": {"0"}, "status": {"deciding"}}, want: [9]int{see, nf, cfl, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /rounds/{id}/assignment", path: "/rounds/{round}/assignment", form: url.Values{"item_id": {"0"}, "reviewer_id": {"0"}, "op": {"add"}}, want: [9]int{see, nf, bad, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /rounds/{id}/reviewers", path: "/rounds/{round}/reviewers", form: url.Values{"user_id": {"0"}, "op": {"add"}}, want: [9]int{see, nf, bad, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /rounds/{id}/sheets/{sid}/reopen", path: "/rounds/{round}/sheets/{sheet}/reopen", want: [9]int{see, nf, nf, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /rounds/{id}/decide", path: "/rounds/{round}/decide", form: url.Values{"version": {"0"}}, want: [9]int{see, nf, cfl, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /rounds/{id}/auto", path: "/rounds/{round}/auto", want: [9]int{see, nf, bad, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "GET /publications", path: "/publications", want: [9]int{see, ok, ok, ok, ok, ok, ok, ok, ok}, anonTo: "/login"},
		{route: "GET /rounds/{id}/publication", path: "/rounds/{pubround}/publication", want: [9]int{see, ok, ok, ok, ok, ok, ok, ok, ok}, anonTo: "/login"},
		{route: "POST /rounds/{id}/objections", path: "/rounds/{pubround}/objections", want: [9]int{see, bad, bad, bad, bad, bad, bad, bad, bad}, anonTo: "/login"},
		{route: "POST /rounds/{id}/objections/{oid}/answer", path: "/rounds/{pubround}/objections/{objection}/answer", want: [9]int{see, nf, bad, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "GET /reviews", path: "/reviews", want: [9]int{see, ok, ok, ok, ok, ok, ok, ok, ok}, anonTo: "/login"},
		{route: "GET /reviews/{id}", path: "/reviews/{sheet}", want: [9]int{see, nf, nf, nf, nf, nf, nf, ok, nf}, anonTo: "/login"},
		{route: "GET /reviews/{id}/files/{fid}", path: "/reviews/{sheet}/files/{sheetfile}", want: [9]int{see, nf, nf, nf, nf, nf, nf, ok, nf}, anonTo: "/login"},
		{route: "POST /reviews/{id}", path: "/reviews/{sheet}", form: url.Values{"version": {"0"}}, want: [9]int{see, nf, nf, nf, nf, nf, nf, cfl, nf}, anonTo: "/login"},
		{route: "POST /reviews/{id}/decline", path: "/reviews/{sheet}/decline", form: url.Values{"kind": {"decline"}}, want: [9]int{see, nf, nf, nf, nf, nf, nf, bad, nf}, anonTo: "/login"},
		// Work plans and assessments. {plan} is 校团委's plan of seed 001 (tuanwei manages
		// it; the leader reads it), {ptask} its task 5, {psection} a section with tasks;
		// {asystem}, {around} and {aorg} are 校关工委's indicator system, this year's round
		// (reviewer1 is an assessor) and 经济管理学院关工委; {grading} 校团委's branch grading.
		{route: "GET /plans", path: "/plans", want: [9]int{see, ok, ok, ok, ok, ok, ok, ok, ok}, anonTo: "/login"},
		{route: "GET /plans/mine", path: "/plans/mine", want: [9]int{see, ok, ok, ok, ok, ok, ok, ok, ok}, anonTo: "/login"},
		{route: "GET /plans/new", path: "/plans/new", want: [9]int{see, ok, ok, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /plans/new", path: "/plans/new", want: [9]int{see, bad, bad, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "GET /plans/{id}", path: "/plans/{plan}", want: [9]int{see, ok, ok, nf, nf, nf, nf, nf, ok}, anonTo: "/login"},
		{route: "GET /plans/{id}/edit", path: "/plans/{plan}/edit", want: [9]int{see, ok, ok, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /plans/{id}/edit", path: "/plans/{plan}/edit", form: url.Values{"version": {"1"}}, want: [9]int{see, bad, bad, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /plans/{id}/status", path: "/plans/{plan}/status", form: url.Values{"status": {"draft"}, "version": {"1"}}, want: [9]int{see, bad, bad, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /plans/{id}/sections", path: "/plans/{plan}/sections", want: [9]int{see, bad, bad, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /plans/{id}/sections/{sid}/delete", path: "/plans/{plan}/sections/{psection}/delete", want: [9]int{see, bad, bad, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "GET /plans/{id}/tasks/new", path: "/plans/{plan}/tasks/new", want: [9]int{see, ok, ok, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /plans/{id}/tasks/new", path: "/plans/{plan}/tasks/new", want: [9]int{see, bad, bad, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "GET /plans/{id}/tasks/{tid}", path: "/plans/{plan}/tasks/{ptask}", want: [9]int{see, ok, ok, nf, nf, nf, nf, nf, ok}, anonTo: "/login"},
		{route: "GET /plans/{id}/tasks/{tid}/edit", path: "/plans/{plan}/tasks/{ptask}/edit", want: [9]int{see, ok, ok, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /plans/{id}/tasks/{tid}/edit", path: "/plans/{plan}/tasks/{ptask}/edit", form: url.Values{"version": {"1"}}, want: [9]int{see, bad, bad, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		// Task 5 has progress reports: it stays.
		{route: "POST /plans/{id}/tasks/{tid}/delete", path: "/plans/{plan}/tasks/{ptask}/delete", want: [9]int{see, bad, bad, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /plans/{id}/tasks/{tid}/progress", path: "/plans/{plan}/tasks/{ptask}/progress", want: [9]int{see, bad, bad, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /plans/{id}/schedule", path: "/plans/{plan}/schedule", want: [9]int{see, bad, bad, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /plans/{id}/recurring", path: "/plans/{plan}/recurring", want: [9]int{see, bad, bad, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "GET /plans/{id}/print", path: "/plans/{plan}/print", want: [9]int{see, ok, ok, nf, nf, nf, nf, nf, ok}, anonTo: "/login"},
		{route: "GET /plans/{id}/month", path: "/plans/{plan}/month", want: [9]int{see, ok, ok, nf, nf, nf, nf, nf, ok}, anonTo: "/login"},
		{route: "GET /plans/{id}/supervision", path: "/plans/{plan}/supervision", want: [9]int{see, ok, ok, nf, nf, nf, nf, nf, ok}, anonTo: "/login"},
		{route: "GET /plans/{id}/export.xlsx", path: "/plans/{plan}/export.xlsx", want: [9]int{see, ok, ok, nf, nf, nf, nf, nf, ok}, anonTo: "/login"},
		{route: "GET /assessments", path: "/assessments", want: [9]int{see, ok, ok, ok, ok, ok, ok, ok, ok}, anonTo: "/login"},
		{route: "GET /assessments/systems/new", path: "/assessments/systems/new", want: [9]int{see, ok, ok, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /assessments/systems/new", path: "/assessments/systems/new", want: [9]int{see, bad, bad, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "GET /assessments/systems/{id}", path: "/assessments/systems/{asystem}", want: [9]int{see, ok, nf, nf, nf, nf, nf, nf, ok}, anonTo: "/login"},
		// The seeded system is in use: its edit form sends the administrator back to it.
		{route: "GET /assessments/systems/{id}/edit", path: "/assessments/systems/{asystem}/edit", want: [9]int{see, see, nf, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /assessments/systems/{id}/edit", path: "/assessments/systems/{asystem}/edit", want: [9]int{see, bad, nf, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "GET /assessments/rounds/new", path: "/assessments/rounds/new", want: [9]int{see, ok, ok, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /assessments/rounds/new", path: "/assessments/rounds/new", want: [9]int{see, bad, bad, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "GET /assessments/rounds/{id}", path: "/assessments/rounds/{around}", want: [9]int{see, ok, nf, nf, nf, nf, nf, ok, ok}, anonTo: "/login"},
		{route: "POST /assessments/rounds/{id}/status", path: "/assessments/rounds/{around}/status", form: url.Values{"status": {"open"}, "version": {"1"}}, want: [9]int{see, bad, nf, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "GET /assessments/rounds/{id}/orgs/{oid}", path: "/assessments/rounds/{around}/orgs/{aorg}", want: [9]int{see, ok, nf, nf, nf, nf, nf, ok, ok}, anonTo: "/login"},
		{route: "POST /assessments/rounds/{id}/orgs/{oid}/self", path: "/assessments/rounds/{around}/orgs/{aorg}/self", want: [9]int{see, nf, nf, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /assessments/rounds/{id}/orgs/{oid}/score", path: "/assessments/rounds/{around}/orgs/{aorg}/score", want: [9]int{see, nf, nf, nf, nf, nf, nf, cfl, nf}, anonTo: "/login"},
		{route: "GET /assessments/gradings/new", path: "/assessments/gradings/new", want: [9]int{see, ok, ok, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /assessments/gradings/new", path: "/assessments/gradings/new", want: [9]int{see, bad, bad, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "GET /assessments/gradings/{id}", path: "/assessments/gradings/{grading}", want: [9]int{see, ok, ok, nf, nf, nf, nf, nf, ok}, anonTo: "/login"},
		{route: "POST /assessments/gradings/{id}/grades", path: "/assessments/gradings/{grading}/grades", want: [9]int{see, cfl, cfl, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		// One five-star branch too many: confirming is refused.
		{route: "POST /assessments/gradings/{id}/confirm", path: "/assessments/gradings/{grading}/confirm", form: url.Values{"version": {"1"}}, want: [9]int{see, bad, bad, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		// Projects, ledgers and supervision. {project} is the 焦裕禄班 second-batch project
		// of 机械2301班 (running; the counselor keeps its ledger, the supervisor verifies);
		// {entry} its entry waiting for verification, written by the class secretary;
		// {milestone} one of its milestones, {evidence} a file of it; {jprogram} the 2026
		// 焦裕禄班 program (第二批); {class} the class.
		{route: "GET /workbench", path: "/workbench", want: [9]int{see, ok, ok, ok, ok, ok, ok, ok, ok}, anonTo: "/login"},
		{route: "GET /dashboard", path: "/dashboard", want: [9]int{see, ok, ok, ok, ok, ok, ok, ok, ok}, anonTo: "/login"},
		{route: "GET /cases", path: "/cases", want: [9]int{see, ok, ok, ok, ok, ok, ok, ok, ok}, anonTo: "/login"},
		{route: "GET /projects", path: "/projects", want: [9]int{see, ok, ok, ok, ok, ok, ok, ok, ok}, anonTo: "/login"},
		{route: "GET /projects/{id}", path: "/projects/{project}", want: [9]int{see, ok, nf, nf, nf, ok, ok, nf, ok}, anonTo: "/login"},
		{route: "GET /projects/{id}/ledger.xlsx", path: "/projects/{project}/ledger.xlsx", want: [9]int{see, ok, nf, nf, nf, ok, ok, nf, ok}, anonTo: "/login"},
		{route: "GET /projects/{id}/ledger/new", path: "/projects/{project}/ledger/new", want: [9]int{see, nf, nf, nf, nf, ok, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /projects/{id}/ledger", path: "/projects/{project}/ledger", want: [9]int{see, nf, nf, nf, nf, bad, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /projects/{id}/milestones", path: "/projects/{project}/milestones", want: [9]int{see, nf, nf, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /projects/{id}/supervision", path: "/projects/{project}/supervision", want: [9]int{see, nf, nf, nf, nf, nf, bad, nf, nf}, anonTo: "/login"},
		{route: "POST /projects/{id}/disbursements", path: "/projects/{project}/disbursements", want: [9]int{see, nf, nf, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /projects/{id}/expenses", path: "/projects/{project}/expenses", want: [9]int{see, nf, nf, nf, nf, bad, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /projects/{id}/outcome", path: "/projects/{project}/outcome", form: url.Values{"version": {"0"}}, want: [9]int{see, nf, nf, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /projects/{id}/case", path: "/projects/{project}/case", want: [9]int{see, nf, nf, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "GET /projects/{id}/reports/{stage}", path: "/projects/{project}/reports/final", want: [9]int{see, ok, nf, nf, nf, ok, ok, nf, ok}, anonTo: "/login"},
		{route: "POST /projects/{id}/reports/{stage}", path: "/projects/{project}/reports/final", form: url.Values{"version": {"99"}}, want: [9]int{see, nf, nf, nf, nf, cfl, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /milestones/{id}", path: "/milestones/{milestone}", form: url.Values{"version": {"0"}}, want: [9]int{see, nf, nf, nf, nf, cfl, nf, nf, nf}, anonTo: "/login"},
		{route: "GET /ledger/{id}", path: "/ledger/{entry}", want: [9]int{see, ok, nf, nf, nf, ok, ok, nf, ok}, anonTo: "/login"},
		{route: "GET /ledger/{id}/edit", path: "/ledger/{entry}/edit", want: [9]int{see, nf, nf, nf, nf, ok, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /ledger/{id}/edit", path: "/ledger/{entry}/edit", form: url.Values{"version": {"0"}}, want: [9]int{see, nf, nf, nf, nf, cfl, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /ledger/{id}/review", path: "/ledger/{entry}/review", form: url.Values{"version": {"0"}, "verdict": {"verify"}}, want: [9]int{see, nf, nf, nf, nf, nf, cfl, nf, nf}, anonTo: "/login"},
		{route: "GET /evidence/{id}", path: "/evidence/{evidence}", want: [9]int{see, ok, nf, nf, nf, ok, ok, nf, ok}, anonTo: "/login"},
		{route: "GET /programs/{id}/rules", path: "/programs/{jprogram}/rules", want: [9]int{see, ok, nf, nf, nf, nf, nf, nf, ok}, anonTo: "/login"},
		{route: "POST /programs/{id}/rules", path: "/programs/{jprogram}/rules", want: [9]int{see, nf, nf, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "GET /programs/{id}/ledger.xlsx", path: "/programs/{jprogram}/ledger.xlsx", want: [9]int{see, ok, nf, nf, nf, ok, ok, nf, ok}, anonTo: "/login"},
		{route: "GET /orgs/{id}/profile", path: "/orgs/{class}/profile", want: [9]int{see, ok, nf, nf, nf, ok, ok, ok, ok}, anonTo: "/login"},
		// State changes that succeed for the administrator come last, so that they do
		// not change what the rows above see.
		{route: "POST /users/{id}/grants/{gid}/revoke", path: "/users/{user}/grants/{grant}/revoke", want: [9]int{see, see, nf, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /users/{id}/disable", path: "/users/{user}/disable", want: [9]int{see, see, nf, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /users/{id}/enable", path: "/users/{user}/enable", want: [9]int{see, see, nf, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /orgs/{id}/deactivate", path: "/orgs/{org}/deactivate", want: [9]int{see, see, nf, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /orgs/{id}/reactivate", path: "/orgs/{org}/reactivate", want: [9]int{see, see, nf, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /programs/{id}/themes/{thid}/delete", path: "/programs/{program}/themes/{theme}/delete", want: [9]int{see, nf, see, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /programs/{id}/copy", path: "/programs/{program}/copy", want: [9]int{see, nf, see, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /programs/{id}/apply", path: "/programs/{program}/apply", form: url.Values{"track_id": {"{track}"}, "org_id": {"{org}"}}, want: [9]int{see, nf, nf, see, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /rounds/{id}/assign", path: "/rounds/{round}/assign", want: [9]int{see, nf, see, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /rounds/{id}/remind", path: "/rounds/{round}/remind", want: [9]int{see, nf, see, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /rounds/{id}/presentation", path: "/rounds/{round}/presentation", want: [9]int{see, nf, see, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /plans/{id}/schedule/{iid}/delete", path: "/plans/{plan}/schedule/{pline}/delete", want: [9]int{see, see, see, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /plans/{id}/recurring/{iid}/delete", path: "/plans/{plan}/recurring/{precur}/delete", want: [9]int{see, see, see, nf, nf, nf, nf, nf, nf}, anonTo: "/login"},
		{route: "POST /notifications/read", path: "/notifications/read", want: [9]int{see, see, see, see, see, see, see, see, see}, anonTo: "/login"},
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
					form := url.Values{}
					for k, vs := range row.form {
						for _, v := range vs {
							form.Add(k, fill(v))
						}
					}
					res, body = c.post(path, form)
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
// secretary's League general branch, account and grant, and {program}, {track} and
// {theme} with the open 一团一品 call, its first track and its last theme.
func (a *testApp) fill(t *testing.T) func(string) string {
	var orgID, grantID int64
	err := a.store.Pool().QueryRow(context.Background(), `SELECT g.org_id, g.id FROM role_grants g
		WHERE g.user_id = $1 AND g.role = 'secretary' ORDER BY g.id LIMIT 1`, a.users["secretary"]).Scan(&orgID, &grantID)
	if err != nil {
		t.Fatal(err)
	}
	var programID, trackID, themeID int64
	err = a.store.Pool().QueryRow(context.Background(), `SELECT p.id,
			(SELECT t.id FROM tracks t WHERE t.program_id = p.id ORDER BY t.position, t.id LIMIT 1),
			(SELECT th.id FROM themes th WHERE th.program_id = p.id ORDER BY th.position DESC, th.id DESC LIMIT 1)
		FROM programs p WHERE p.kind = 'league_brand' AND p.status = 'open' ORDER BY p.id LIMIT 1`).Scan(&programID, &trackID, &themeID)
	if err != nil {
		t.Fatal(err)
	}
	var appID, draftID, attachmentID int64
	err = a.store.Pool().QueryRow(context.Background(), `SELECT
			(SELECT id FROM applications WHERE org_id = $1 AND status = 'submitted' ORDER BY id LIMIT 1),
			(SELECT id FROM applications WHERE org_id = $1 AND status = 'draft' ORDER BY id LIMIT 1),
			(SELECT at.id FROM attachments at JOIN applications ap ON ap.id = at.application_id
				WHERE ap.org_id = $1 AND ap.status = 'submitted' ORDER BY at.id LIMIT 1)`, orgID).Scan(&appID, &draftID, &attachmentID)
	if err != nil {
		t.Fatal(err)
	}
	var roundID, sheetID int64
	err = a.store.Pool().QueryRow(context.Background(), `SELECT r.id, s.id FROM review_rounds r
		JOIN review_assignments s ON s.round_id = r.id AND s.reviewer_id = $1 ORDER BY r.id LIMIT 1`, a.users["reviewer1"]).Scan(&roundID, &sheetID)
	if err != nil {
		t.Fatal(err)
	}
	pubID, objectionID := a.publishedRound(t, programID, trackID)
	project := a.projectIDs(t) // projects_test.go
	r := strings.NewReplacer("{round}", fmt.Sprint(roundID), "{sheet}", fmt.Sprint(sheetID), "{sheetfile}", fmt.Sprint(attachmentID),
		"{pubround}", fmt.Sprint(pubID), "{objection}", fmt.Sprint(objectionID),
		"{app}", fmt.Sprint(appID), "{draft}", fmt.Sprint(draftID), "{attachment}", fmt.Sprint(attachmentID),
		"{org}", fmt.Sprint(orgID), "{user}", fmt.Sprint(a.users["secretary"]), "{grant}", fmt.Sprint(grantID),
		"{program}", fmt.Sprint(programID), "{track}", fmt.Sprint(trackID), "{theme}", fmt.Sprint(themeID),
		"{project}", project["project"], "{entry}", project["entry"], "{milestone}", project["milestone"],
		"{evidence}", project["evidence"], "{jprogram}", project["jprogram"], "{class}", project["class"])
	plans := a.planPlaceholders(t)
	return func(s string) string { return plans.Replace(r.Replace(s)) }
}

// publishedRound runs a second approval round of the program through the store to
// its 公示 (every demo reviewer scores, the item is selected), has the secretary
// object, and returns the round and the objection.
func (a *testApp) publishedRound(t *testing.T, programID, trackID int64) (int64, int64) {
	t.Helper()
	ctx := context.Background()
	actor := func(name string) *portal.Actor {
		act, _, err := a.store.LoadActor(ctx, a.users[name])
		if err != nil {
			t.Fatal(err)
		}
		return act
	}
	m := actor("tuanwei")
	in := portal.RoundInput{Stage: portal.StageApproval, Title: "复评", Starts: time.Now(), Ends: time.Now(), TrackIDs: []int64{trackID},
		PerItem: 3, Rubric: portal.Rubric{Criteria: []portal.Criterion{{Name: "综合", Max: 100}}}}
	id, err := a.store.CreateRound(ctx, m, programID, in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.store.AutoAssign(ctx, m, id); err != nil {
		t.Fatal(err)
	}
	if err := a.store.SetRoundStatus(ctx, m, id, 1, portal.RoundScoring); err != nil {
		t.Fatal(err)
	}
	var item int64
	for _, name := range []string{"reviewer1", "reviewer2", "reviewer3"} {
		rev := actor(name)
		mine, err := a.store.MyReviews(ctx, rev)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range mine {
			if s.RoundID == id {
				item = s.ItemID
				sh := portal.Sheet{Scores: map[string]float64{"c1": 88}, Recommendation: "approve"}
				if err := a.store.SaveSheet(ctx, rev, s.ID, s.Version, sh, true); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if err := a.store.SetRoundStatus(ctx, m, id, 2, portal.RoundDeciding); err != nil {
		t.Fatal(err)
	}
	if err := a.store.Decide(ctx, m, id, 3, trackID, []int64{item}, ""); err != nil {
		t.Fatal(err)
	}
	if err := a.store.SetRoundStatus(ctx, m, id, 4, portal.RoundPublished); err != nil {
		t.Fatal(err)
	}
	if err := a.store.RaiseObjection(ctx, actor("secretary"), id, "请说明评分依据"); err != nil {
		t.Fatal(err)
	}
	var objection int64
	if err := a.store.Pool().QueryRow(ctx, `SELECT id FROM objections WHERE round_id = $1`, id).Scan(&objection); err != nil {
		t.Fatal(err)
	}
	return id, objection
}
