package server

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/campusorg/portal/internal/i18n"
	"github.com/campusorg/portal/internal/portal"
)

// benchmarkFixture is the open 对标争先 call of 党委 with three applications to its
// 样板支部 track, each submitted through the portal's own rules: the demo's from
// 经济管理学院教工第一党支部 (branchsec's, given its 党总支's opinion here by
// endorser-party), and two filed by new secretaries of 会计学院教工第一党支部 and
// 建筑工程学院教工第一党支部, endorsed by new endorsers of their colleges' 党总支.
// zuzhibu manages the call; reviewer1..3 hold the school's reviewer grants.
type benchmarkFixture struct {
	program, track int64
	programTitle   string
	trackName      string
	apps           map[string]int64  // org code → application id
	titles         map[string]string // org code → title
	orgNames       map[string]string // org code → name
	manager        *portal.Actor
	actor          func(username string) *portal.Actor
}

// The applicants of the fixture, by org code, in the order they are filed.
var benchmarkOrgs = []string{"econ-pb-t1", "acct-pb-t1", "civil-pb-t1"}

func newBenchmarkFixture(t *testing.T, app *testApp) *benchmarkFixture {
	t.Helper()
	ctx := context.Background()
	db := app.store.Pool()
	fx := &benchmarkFixture{apps: map[string]int64{}, titles: map[string]string{}, orgNames: map[string]string{}}
	fx.actor = func(username string) *portal.Actor {
		t.Helper()
		id, ok := app.users[username]
		if !ok {
			if err := db.QueryRow(ctx, `SELECT id FROM users WHERE username = $1`, username).Scan(&id); err != nil {
				t.Fatalf("account %s: %v", username, err)
			}
			app.users[username] = id
		}
		a, _, err := app.store.LoadActor(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	if err := db.QueryRow(ctx, `SELECT p.id, p.title, t.id, t.name FROM programs p JOIN tracks t ON t.program_id = p.id
		WHERE p.kind = 'party_benchmark' AND p.status = 'open' AND t.name = '样板支部'`).
		Scan(&fx.program, &fx.programTitle, &fx.track, &fx.trackName); err != nil {
		t.Fatalf("the open 对标争先 call: %v", err)
	}
	fx.manager = fx.actor("zuzhibu")
	for _, code := range benchmarkOrgs {
		var name string
		if err := db.QueryRow(ctx, `SELECT name FROM orgs WHERE code = $1`, code).Scan(&name); err != nil {
			t.Fatalf("org %s: %v", code, err)
		}
		fx.orgNames[code] = name
	}

	// branchsec's application waits for the opinion of 经济管理学院党总支.
	var econApp int64
	var version int
	if err := db.QueryRow(ctx, `SELECT id, version FROM applications WHERE org_id = $1 AND track_id = $2 AND status = 'endorsing'`,
		app.orgs["econ-pb-t1"], fx.track).Scan(&econApp, &version); err != nil {
		t.Fatalf("branchsec's 样板支部 application: %v", err)
	}
	must(t, "endorser-party agrees", app.store.Endorse(ctx, fx.actor("endorser-party"), econApp, version, true, "同意推荐。"))
	fx.apps["econ-pb-t1"] = econApp
	var econTitle string
	if err := db.QueryRow(ctx, `SELECT title FROM applications WHERE id = $1`, econApp).Scan(&econTitle); err != nil {
		t.Fatal(err)
	}
	fx.titles["econ-pb-t1"] = econTitle

	// Two more branches apply, each through a secretary and its 党总支's endorser.
	admin := fx.actor("admin")
	person := func(username, name, home, role, on string) *portal.Actor {
		t.Helper()
		u, err := app.store.CreateUser(ctx, admin, portal.UserInput{Username: username, DisplayName: name,
			HomeOrgID: app.orgs[home], Password: "chushi2026"})
		must(t, "create "+username, err)
		app.users[username] = u.ID
		must(t, "grant "+username, app.store.AddGrant(ctx, admin, u.ID, portal.Role(role), app.orgs[on]))
		return fx.actor(username)
	}
	file := func(code, college, secName, epName, title, basis string) {
		t.Helper()
		sec := person("sec-"+college, secName, code, "secretary", code)
		ep := person("ep-"+college, epName, college+"-party", "endorser", college+"-party")
		id, err := app.store.CreateApplication(ctx, sec, fx.program, fx.track, app.orgs[code])
		must(t, "file for "+code, err)
		c := portal.AppContent{Title: title, Leader: portal.Leader{Name: secName, Post: "党支部书记", Phone: "13903710" + strconv.Itoa(100+len(fx.apps)),
			Political: "中共党员"},
			Purpose:  "对照样板支部建设标准，建强支部战斗堡垒。",
			Content:  "规范“三会一课”，开展党员示范岗与师生结对。",
			Form:     "主题党日、专题研讨、志愿服务。",
			Expected: "形成支部工作法1项。",
			Steps:    []portal.PlanStep{{On: "2027-01-15", What: "制定创建方案"}, {On: "2027-12-10", What: "总结验收"}},
			Budget:   []portal.BudgetLine{{Item: "主题党日活动", Cents: 500000}},
			Custom:   map[string][]string{"branch_type": {"教工党支部"}, "basis": {basis}}}
		must(t, "save "+code, app.store.SaveDraft(ctx, sec, id, 1, c))
		_, err = app.store.Send(ctx, sec, id, 2)
		must(t, "send "+code, err)
		must(t, "endorse "+code, app.store.Endorse(ctx, ep, id, 3, true, "同意推荐。"))
		fx.apps[code], fx.titles[code] = id, title
	}
	file("acct-pb-t1", "acct", "钱丽华", "孔德明", "“红色账本”样板支部创建", "支部现有党员15名，近三年获校级先进基层党组织1次。")
	file("civil-pb-t1", "civil", "许文静", "冯志强", "“匠心筑梦”样板支部创建", "支部现有党员12名，近三年获校级表彰1次。")

	for code, id := range fx.apps {
		var status string
		if err := db.QueryRow(ctx, `SELECT status FROM applications WHERE id = $1`, id).Scan(&status); err != nil || status != "submitted" {
			t.Fatalf("the application of %s is %q (%v), want submitted", code, status, err)
		}
	}
	return fx
}

// openRound opens an approval round of the call over the 样板支部 track through the
// store, staffs it automatically and starts scoring; it returns the round's id.
// Rubric: 支部建设 40 / 作用发挥 40 / 特色亮点 20.
func (fx *benchmarkFixture) openRound(t *testing.T, app *testApp, perItem int) int64 {
	t.Helper()
	ctx := context.Background()
	in := portal.RoundInput{Stage: portal.StageApproval, Title: "2026年样板支部立项评审",
		Starts: time.Date(2026, 12, 21, 0, 0, 0, 0, i18n.Zone), Ends: time.Date(2027, 1, 15, 0, 0, 0, 0, i18n.Zone),
		TrackIDs: []int64{fx.track}, PerItem: perItem, PublishDays: 5,
		Rubric: portal.Rubric{PassAt: 60, ExcellentAt: 90, Criteria: []portal.Criterion{
			{Name: "支部建设", Max: 40}, {Name: "作用发挥", Max: 40}, {Name: "特色亮点", Max: 20}}}}
	id, err := app.store.CreateRound(ctx, fx.manager, fx.program, in)
	must(t, "create the round", err)
	_, err = app.store.AutoAssign(ctx, fx.manager, id)
	must(t, "assign", err)
	must(t, "start scoring", app.store.SetRoundStatus(ctx, fx.manager, id, fx.roundVersion(t, app, id), portal.RoundScoring))
	return id
}

func (fx *benchmarkFixture) roundVersion(t *testing.T, app *testApp, round int64) int {
	t.Helper()
	var v int
	if err := app.store.Pool().QueryRow(context.Background(), `SELECT version FROM review_rounds WHERE id = $1`, round).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// sheetRow is a review_assignments row as the tests check it.
type sheetRow struct {
	id      int64
	status  string
	scores  string
	version int
}

// sheetOf returns the sheet of reviewer on the application of org code in round.
func (fx *benchmarkFixture) sheetOf(t *testing.T, app *testApp, round int64, reviewer, code string) sheetRow {
	t.Helper()
	var s sheetRow
	err := app.store.Pool().QueryRow(context.Background(), `SELECT a.id, a.status, a.scores::text, a.version
		FROM review_assignments a JOIN round_items i ON i.id = a.item_id
		WHERE a.round_id = $1 AND a.reviewer_id = $2 AND i.application_id = $3`,
		round, app.users[reviewer], fx.apps[code]).Scan(&s.id, &s.status, &s.scores, &s.version)
	if err != nil {
		t.Fatalf("%s's sheet on %s: %v", reviewer, code, err)
	}
	return s
}

// reread returns the sheet's row as stored now.
func (s sheetRow) reread(t *testing.T, app *testApp) sheetRow {
	t.Helper()
	out := sheetRow{id: s.id}
	if err := app.store.Pool().QueryRow(context.Background(), `SELECT status, scores::text, version FROM review_assignments WHERE id = $1`,
		s.id).Scan(&out.status, &out.scores, &out.version); err != nil {
		t.Fatal(err)
	}
	return out
}

func rvSheetPath(id int64) string { return "/reviews/" + strconv.FormatInt(id, 10) }

func rvRoundPath(id int64, suffix string) string {
	return "/rounds/" + strconv.FormatInt(id, 10) + suffix
}

// rvZH renders a catalogue message in Chinese, as the pages show it. The messages
// compared against pages hold no characters that HTML escapes.
func rvZH(key string, args ...any) string { return i18n.T(i18n.ZH, key, args...) }

// rvInputValue returns the value attribute of the input with id in an HTML page, or
// "<missing>" when there is no such input.
func rvInputValue(body, id string) string {
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		return "<missing>"
	}
	return attrValue(body[i:i+strings.Index(body[i:], ">")], "value")
}

// rvHidden returns the value of the first input named name, or "<missing>".
func rvHidden(body, name string) string {
	i := strings.Index(body, `name="`+name+`"`)
	if i < 0 {
		return "<missing>"
	}
	start := strings.LastIndex(body[:i], "<")
	return attrValue(body[start:i+strings.Index(body[i:], ">")], "value")
}

// attrValue reads attribute name of an HTML tag's text; "" when it has none.
func attrValue(tag, name string) string {
	j := strings.Index(tag, " "+name+`="`)
	if j < 0 {
		return ""
	}
	v := tag[j+len(name)+3:]
	return v[:strings.Index(v, `"`)]
}

// rvFieldError returns the text of the error shown under field name, or "".
func rvFieldError(body, name string) string {
	i := strings.Index(body, `id="e-`+name+`"`)
	if i < 0 {
		return ""
	}
	v := body[i+strings.Index(body[i:], ">")+1:]
	return v[:strings.Index(v, "<")]
}

// rvSheetForm is a complete sheet's form as submitted: scores c1..c3, a
// recommendation, an overall comment, the version.
func rvSheetForm(version int, c1, c2, c3 string) url.Values {
	return url.Values{"version": {strconv.Itoa(version)}, "score_c1": {c1}, "score_c2": {c2}, "score_c3": {c3},
		"recommendation": {"approve"}, "overall": {"支部基础扎实。"}, "submit": {"1"}}
}

// TestSheetRefusesBadScores: a score above the criterion's maximum, negative, not a
// number, or with two decimals is refused with 422 beside its field, what was typed
// is shown again, and the sheet in the database is untouched, draft or submit.
func TestSheetRefusesBadScores(t *testing.T) {
	app := newTestApp(t)
	fx := newBenchmarkFixture(t, app)
	round := fx.openRound(t, app, 3)
	s := fx.sheetOf(t, app, round, "reviewer1", "acct-pb-t1")
	if s.status != "assigned" || s.scores != "{}" {
		t.Fatalf("the fresh sheet is %+v", s)
	}
	c := app.signIn("reviewer1")
	cases := []struct {
		name, field, typed, msg string
		submit                  bool
	}{
		{"above the maximum", "score_c1", "40.5", "review.score_over_max", true},
		{"above the maximum of the 20-point criterion", "score_c3", "25", "review.score_over_max", false},
		{"negative", "score_c2", "-3", "form.not_negative", true},
		{"not a number", "score_c2", "abc", "review.score_not_number", false},
		{"two decimals", "score_c1", "8.25", "review.score_not_number", true},
		{"a comma for the point", "score_c1", "8,5", "review.score_not_number", true},
		{"infinite", "score_c1", "Inf", "review.score_not_number", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			form := rvSheetForm(s.version, "36", "35.5", "18")
			form.Set(tc.field, tc.typed)
			if !tc.submit {
				form.Del("submit")
			}
			res, body := c.post(rvSheetPath(s.id), form)
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422\n%.400s", res.StatusCode, body)
			}
			if got := rvFieldError(body, tc.field); got != rvZH(tc.msg) {
				t.Errorf("the error beside %s reads %q, want %q", tc.field, got, rvZH(tc.msg))
			}
			for _, f := range []string{"score_c1", "score_c2", "score_c3"} {
				if got := rvInputValue(body, "f-"+f); got != form.Get(f) {
					t.Errorf("%s shows %q after the refusal, want what was typed, %q", f, got, form.Get(f))
				}
			}
			if !strings.Contains(body, "支部基础扎实。") || !strings.Contains(body, `<option value="approve" selected`) {
				t.Errorf("the overall comment or the recommendation was not kept")
			}
			if now := s.reread(t, app); now != s {
				t.Errorf("the sheet changed in the database: %+v, was %+v", now, s)
			}
		})
	}
}

// TestSheetSubmitNeedsEveryScore: submitting with a criterion left blank and no
// recommendation is refused beside both, the scores given are kept and nothing is
// saved; the same form saved as a draft is stored.
func TestSheetSubmitNeedsEveryScore(t *testing.T) {
	app := newTestApp(t)
	fx := newBenchmarkFixture(t, app)
	round := fx.openRound(t, app, 3)
	s := fx.sheetOf(t, app, round, "reviewer2", "econ-pb-t1")
	c := app.signIn("reviewer2")
	form := rvSheetForm(s.version, "30", "", "15")
	form.Set("recommendation", "")
	res, body := c.post(rvSheetPath(s.id), form)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422\n%.400s", res.StatusCode, body)
	}
	if got := rvFieldError(body, "score_c2"); got != rvZH("review.score_required") {
		t.Errorf("the blank score's error reads %q", got)
	}
	if got := rvFieldError(body, "recommendation"); got != rvZH("form.choose") {
		t.Errorf("the recommendation's error reads %q", got)
	}
	if got := rvFieldError(body, "score_c1"); got != "" {
		t.Errorf("a good score is flagged: %q", got)
	}
	if rvInputValue(body, "f-score_c1") != "30" || rvInputValue(body, "f-score_c3") != "15" {
		t.Errorf("the scores given were not kept: %q, %q", rvInputValue(body, "f-score_c1"), rvInputValue(body, "f-score_c3"))
	}
	if now := s.reread(t, app); now != s {
		t.Fatalf("the refused submit changed the sheet: %+v", now)
	}

	form.Del("submit")
	if res, body := c.post(rvSheetPath(s.id), form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("saving the same as a draft: %d\n%.400s", res.StatusCode, body)
	}
	now := s.reread(t, app)
	if now.status != "started" || now.scores != `{"c1": 30, "c3": 15}` || now.version != s.version+1 {
		t.Fatalf("the draft is stored as %+v", now)
	}
	// The page shows the draft again, the blank score blank.
	_, body = c.get(rvSheetPath(s.id))
	if rvInputValue(body, "f-score_c1") != "30" || rvInputValue(body, "f-score_c2") != "" || rvInputValue(body, "f-score_c3") != "15" {
		t.Errorf("the draft reads back as %q, %q, %q", rvInputValue(body, "f-score_c1"), rvInputValue(body, "f-score_c2"), rvInputValue(body, "f-score_c3"))
	}
}

// TestSheetOfAnotherReviewerIsNotFound: a reviewer of the same round, the manager and
// the applicant's secretary get 404 for a sheet that is not theirs, read or write.
func TestSheetOfAnotherReviewerIsNotFound(t *testing.T) {
	app := newTestApp(t)
	fx := newBenchmarkFixture(t, app)
	round := fx.openRound(t, app, 3)
	s := fx.sheetOf(t, app, round, "reviewer1", "civil-pb-t1")
	for _, who := range []string{"reviewer2", "zuzhibu", "branchsec", "admin"} {
		c := app.signIn(who)
		if res, _ := c.get(rvSheetPath(s.id)); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s reads reviewer1's sheet: %d, want 404", who, res.StatusCode)
		}
		if res, _ := c.post(rvSheetPath(s.id), rvSheetForm(s.version, "30", "30", "15")); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s scores reviewer1's sheet: %d, want 404", who, res.StatusCode)
		}
		if res, _ := c.post(rvSheetPath(s.id)+"/decline", url.Values{"kind": {"decline"}, "note": {"没空"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s declines reviewer1's sheet: %d, want 404", who, res.StatusCode)
		}
	}
	if now := s.reread(t, app); now != s {
		t.Fatalf("reviewer1's sheet changed: %+v", now)
	}
	// A sheet that does not exist is not found either.
	if res, _ := app.signIn("reviewer1").get(rvSheetPath(s.id + 100000)); res.StatusCode != http.StatusNotFound {
		t.Errorf("a missing sheet: %d", res.StatusCode)
	}
}

// TestSubmittedSheetIsLocked: once submitted, a sheet cannot be changed by its
// reviewer (422, the input shown again, the stored scores unchanged) until the
// manager reopens it.
func TestSubmittedSheetIsLocked(t *testing.T) {
	app := newTestApp(t)
	fx := newBenchmarkFixture(t, app)
	round := fx.openRound(t, app, 3)
	s := fx.sheetOf(t, app, round, "reviewer3", "acct-pb-t1")
	c := app.signIn("reviewer3")
	if res, body := c.post(rvSheetPath(s.id), rvSheetForm(s.version, "38", "37", "19")); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d\n%.400s", res.StatusCode, body)
	}
	locked := s.reread(t, app)
	if locked.status != "submitted" {
		t.Fatalf("after submitting, the sheet is %+v", locked)
	}
	_, page := c.get(rvSheetPath(s.id))
	if !strings.Contains(page, rvZH("review.sheet_submitted")) || strings.Contains(page, `name="submit"`) {
		t.Errorf("the submitted sheet's page does not say it is locked, or still offers to submit")
	}
	for _, submit := range []bool{true, false} {
		form := rvSheetForm(locked.version, "20", "37", "19")
		if !submit {
			form.Del("submit")
		}
		res, body := c.post(rvSheetPath(s.id), form)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("changing a submitted sheet (submit %v): %d, want 422\n%.400s", submit, res.StatusCode, body)
		}
		if !strings.Contains(body, rvZH("review.sheet_locked")) {
			t.Errorf("the refusal does not say why (submit %v)", submit)
		}
		if got := rvInputValue(body, "f-score_c1"); got != "20" {
			t.Errorf("the typed score is shown as %q", got)
		}
		if now := s.reread(t, app); now != locked {
			t.Fatalf("the submitted sheet changed: %+v, was %+v", now, locked)
		}
	}
	// Declining a submitted sheet is refused too.
	if res, _ := c.post(rvSheetPath(s.id)+"/decline", url.Values{"kind": {"decline"}, "note": {"临时有事"}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("declining a submitted sheet: %d, want 422", res.StatusCode)
	}

	// The manager reopens it; the reviewer may change it again.
	m := app.signIn("zuzhibu")
	if res, body := m.post(rvRoundPath(round, "/sheets/"+strconv.FormatInt(s.id, 10)+"/reopen"), nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reopen: %d\n%.400s", res.StatusCode, body)
	}
	reopened := s.reread(t, app)
	if res, body := c.post(rvSheetPath(s.id), rvSheetForm(reopened.version, "20", "37", "19")); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("after reopening, changing: %d\n%.400s", res.StatusCode, body)
	}
	if now := s.reread(t, app); now.status != "submitted" || !strings.Contains(now.scores, `"c1": 20`) {
		t.Fatalf("after reopening and submitting again: %+v", now)
	}
}

// TestSheetSavedInTwoTabs: two tabs open the same sheet at the same version; the
// first save wins, the second gets 409 with what it typed kept and nothing
// overwritten, and saving that kept form again (after checking it) goes through.
func TestSheetSavedInTwoTabs(t *testing.T) {
	app := newTestApp(t)
	fx := newBenchmarkFixture(t, app)
	round := fx.openRound(t, app, 3)
	s := fx.sheetOf(t, app, round, "reviewer1", "econ-pb-t1")
	c := app.signIn("reviewer1")
	_, page := c.get(rvSheetPath(s.id))
	if got := rvInputValue(page, "f-score_c1"); got != "" {
		t.Fatalf("a fresh sheet shows c1 = %q", got)
	}
	first := rvSheetForm(s.version, "30", "30", "15")
	first.Del("submit")
	if res, body := c.post(rvSheetPath(s.id), first); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the first tab: %d\n%.400s", res.StatusCode, body)
	}
	saved := s.reread(t, app)
	second := rvSheetForm(s.version, "33", "34", "17")
	second.Del("submit")
	res, body := c.post(rvSheetPath(s.id), second)
	if res.StatusCode != http.StatusConflict {
		t.Fatalf("the second tab: %d, want 409\n%.400s", res.StatusCode, body)
	}
	if !strings.Contains(body, rvZH("review.sheet_stale")) {
		t.Errorf("the conflict does not explain itself")
	}
	for f, want := range map[string]string{"f-score_c1": "33", "f-score_c2": "34", "f-score_c3": "17"} {
		if got := rvInputValue(body, f); got != want {
			t.Errorf("%s shows %q after the conflict, want the second tab's %q", f, got, want)
		}
	}
	if now := s.reread(t, app); now != saved || !strings.Contains(now.scores, `"c1": 30`) {
		t.Fatalf("the second tab overwrote the first: %+v, was %+v", now, saved)
	}
	// The message says to check and save again: the kept form carries the version now
	// stored, so that saving it again is not refused a second time.
	if got := rvHidden(body, "version"); got != strconv.Itoa(saved.version) {
		t.Errorf("the kept form carries version %s, want the stored %d: saving it again would conflict again", got, saved.version)
	}
	again := second
	again.Set("version", rvHidden(body, "version"))
	if res, body := c.post(rvSheetPath(s.id), again); res.StatusCode != http.StatusSeeOther {
		t.Errorf("saving the kept form again: %d\n%.300s", res.StatusCode, body)
	} else if now := s.reread(t, app); !strings.Contains(now.scores, `"c1": 33`) {
		t.Errorf("saving again stored %s", now.scores)
	}
}

// TestRoundCloseScoringListsWhatIsMissing: moving a round to deciding while sheets are
// open is refused with 422, naming each item still open and the reviewers who have
// not submitted; the round stays in scoring.
func TestRoundCloseScoringListsWhatIsMissing(t *testing.T) {
	app := newTestApp(t)
	fx := newBenchmarkFixture(t, app)
	round := fx.openRound(t, app, 3)
	ctx := context.Background()
	submit := func(reviewer, code string) {
		t.Helper()
		s := fx.sheetOf(t, app, round, reviewer, code)
		must(t, reviewer+" submits "+code, app.store.SaveSheet(ctx, fx.actor(reviewer), s.id, s.version,
			portal.Sheet{Scores: map[string]float64{"c1": 30, "c2": 30, "c3": 15}, Recommendation: "approve"}, true))
	}
	for _, code := range benchmarkOrgs {
		submit("reviewer1", code)
		submit("reviewer2", code)
	}
	submit("reviewer3", "econ-pb-t1")
	// reviewer3 has started one and not opened the other.
	s := fx.sheetOf(t, app, round, "reviewer3", "acct-pb-t1")
	must(t, "reviewer3 drafts", app.store.SaveSheet(ctx, fx.actor("reviewer3"), s.id, s.version,
		portal.Sheet{Scores: map[string]float64{"c1": 30}}, false))

	m := app.signIn("zuzhibu")
	version := fx.roundVersion(t, app, round)
	res, body := m.post(rvRoundPath(round, "/status"), url.Values{"status": {"deciding"}, "version": {strconv.Itoa(version)}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("closing scoring with open sheets: %d, want 422\n%.400s", res.StatusCode, body)
	}
	i := strings.Index(body, `class="form-errors"`)
	if i < 0 {
		t.Fatalf("no error shown:\n%.600s", body)
	}
	msg := body[i : i+strings.Index(body[i:], "</div>")]
	for _, want := range []string{fx.titles["acct-pb-t1"], fx.titles["civil-pb-t1"], "吴国强"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the refusal does not name %q:\n%s", want, msg)
		}
	}
	for _, not := range []string{fx.titles["econ-pb-t1"], "杨光明", "何静"} {
		if strings.Contains(msg, not) {
			t.Errorf("the refusal names %q, which is complete:\n%s", not, msg)
		}
	}
	var status string
	if err := app.store.Pool().QueryRow(ctx, `SELECT status FROM review_rounds WHERE id = $1`, round).Scan(&status); err != nil || status != "scoring" {
		t.Fatalf("the round is %q (%v), want still scoring", status, err)
	}

	// Once the last two are in, it moves.
	submit("reviewer3", "acct-pb-t1")
	submit("reviewer3", "civil-pb-t1")
	if res, body := m.post(rvRoundPath(round, "/status"), url.Values{"status": {"deciding"}, "version": {strconv.Itoa(version)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("closing complete scoring: %d\n%.400s", res.StatusCode, body)
	}
}

// scoredRound opens a round, has reviewer1..3 submit every sheet with the totals
// given per org code (split 40/40/20 as the rubric allows), and closes scoring.
func (fx *benchmarkFixture) scoredRound(t *testing.T, app *testApp, totals map[string][3]float64) int64 {
	t.Helper()
	ctx := context.Background()
	round := fx.openRound(t, app, 3)
	for i, reviewer := range []string{"reviewer1", "reviewer2", "reviewer3"} {
		for code, tot := range totals {
			s := fx.sheetOf(t, app, round, reviewer, code)
			x := tot[i]
			c1 := math.Round(x*4) / 10 // 40% of the total, to one decimal
			sh := portal.Sheet{Scores: map[string]float64{"c1": c1, "c2": c1, "c3": x - 2*c1}, Recommendation: "approve"}
			must(t, reviewer+" submits "+code, app.store.SaveSheet(ctx, fx.actor(reviewer), s.id, s.version, sh, true))
		}
	}
	must(t, "close scoring", app.store.SetRoundStatus(ctx, fx.manager, round, fx.roundVersion(t, app, round), portal.RoundDeciding))
	return round
}

// itemOf returns the round item of the application of org code.
func (fx *benchmarkFixture) itemOf(t *testing.T, app *testApp, round int64, code string) int64 {
	t.Helper()
	var id int64
	if err := app.store.Pool().QueryRow(context.Background(), `SELECT id FROM round_items WHERE round_id = $1 AND application_id = $2`,
		round, fx.apps[code]).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestRoundDecisionPastQuotaNeedsReason: with the 样板支部 quota lowered to 2, selecting
// all three without a reason is refused with 422 naming the count and the quota,
// the three ticks are kept, and nothing is recorded; with a reason, the decision is
// recorded with it.
func TestRoundDecisionPastQuotaNeedsReason(t *testing.T) {
	app := newTestApp(t)
	fx := newBenchmarkFixture(t, app)
	db, ctx := app.store.Pool(), context.Background()
	if _, err := db.Exec(ctx, `UPDATE tracks SET quota = 2 WHERE id = $1`, fx.track); err != nil {
		t.Fatal(err)
	}
	round := fx.scoredRound(t, app, map[string][3]float64{"econ-pb-t1": {85, 90, 80}, "acct-pb-t1": {90, 95, 90}, "civil-pb-t1": {70, 75, 70}})
	m := app.signIn("zuzhibu")
	version := strconv.Itoa(fx.roundVersion(t, app, round))
	all := url.Values{"version": {version}, "track_id": {strconv.FormatInt(fx.track, 10)}}
	for _, code := range benchmarkOrgs {
		all.Add("selected", strconv.FormatInt(fx.itemOf(t, app, round, code), 10))
	}
	res, body := m.post(rvRoundPath(round, "/decide"), all)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("three selected for a quota of 2, no reason: %d, want 422\n%.400s", res.StatusCode, body)
	}
	if !strings.Contains(body, rvZH("review.over_quota_reason", 3, 2)) || rvFieldError(body, "reason") != rvZH("review.over_quota_reason_short") {
		t.Errorf("the refusal does not explain itself")
	}
	// What the manager ticked is shown ticked again, the third one too.
	third := strconv.FormatInt(fx.itemOf(t, app, round, "civil-pb-t1"), 10)
	if !strings.Contains(body, `name="selected" value="`+third+`" checked`) {
		t.Errorf("the refused form dropped the third item the manager selected")
	}
	var n int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM round_decisions WHERE round_id = $1`, round).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d decisions recorded after the refusal (%v)", n, err)
	}
	// A blank reason is no reason.
	all.Set("reason", "   ")
	if res, _ := m.post(rvRoundPath(round, "/decide"), all); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a blank reason: %d, want 422", res.StatusCode)
	}

	all.Set("reason", "三个支部得分均在80分以上，党委会研究同意增列1个。")
	if res, body := m.post(rvRoundPath(round, "/decide"), all); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("with a reason: %d\n%.400s", res.StatusCode, body)
	}
	rows, err := db.Query(ctx, `SELECT outcome, over_quota_reason FROM round_decisions WHERE round_id = $1`, round)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n = 0
	for rows.Next() {
		var outcome, reason string
		if err := rows.Scan(&outcome, &reason); err != nil {
			t.Fatal(err)
		}
		n++
		if outcome != "approved" || reason != all.Get("reason") {
			t.Errorf("a decision reads %s / %q", outcome, reason)
		}
	}
	if n != 3 {
		t.Errorf("%d decisions, want 3", n)
	}
}

// TestRoundDecisionWithinQuotaNeedsNoReason: selecting as many as the quota, or fewer,
// records the others as rejected; selecting an item of another round is refused.
func TestRoundDecisionWithinQuotaNeedsNoReason(t *testing.T) {
	app := newTestApp(t)
	fx := newBenchmarkFixture(t, app)
	db, ctx := app.store.Pool(), context.Background()
	if _, err := db.Exec(ctx, `UPDATE tracks SET quota = 2 WHERE id = $1`, fx.track); err != nil {
		t.Fatal(err)
	}
	round := fx.scoredRound(t, app, map[string][3]float64{"econ-pb-t1": {85, 90, 80}, "acct-pb-t1": {90, 95, 90}, "civil-pb-t1": {70, 75, 70}})
	m := app.signIn("zuzhibu")
	// A refused direct recognition (no reason) on the same page leaves the decision
	// form's proposal alone: the two in quota ticked, the third not.
	res, body := m.post(rvRoundPath(round, "/auto"), url.Values{"track_id": {strconv.FormatInt(fx.track, 10)},
		"org_id": {strconv.FormatInt(app.orgs["lang-pb-t1"], 10)}, "auto_reason": {""}})
	if res.StatusCode != http.StatusUnprocessableEntity || rvFieldError(body, "auto_reason") != rvZH("app.reason_required") {
		t.Fatalf("recognising without a reason: %d, error %q", res.StatusCode, rvFieldError(body, "auto_reason"))
	}
	for code, want := range map[string]bool{"acct-pb-t1": true, "econ-pb-t1": true, "civil-pb-t1": false} {
		box := `name="selected" value="` + strconv.FormatInt(fx.itemOf(t, app, round, code), 10) + `"`
		if got := strings.Contains(body, box+" checked"); got != want || !strings.Contains(body, box) {
			t.Errorf("after the refused recognition, %s's box ticked: %v, want %v", code, got, want)
		}
	}
	form := url.Values{"version": {strconv.Itoa(fx.roundVersion(t, app, round))}, "track_id": {strconv.FormatInt(fx.track, 10)},
		"selected": {"999999"}}
	if res, _ := m.post(rvRoundPath(round, "/decide"), form); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("selecting an item not in the round: %d, want 422", res.StatusCode)
	}
	form["selected"] = []string{strconv.FormatInt(fx.itemOf(t, app, round, "acct-pb-t1"), 10)}
	if res, body := m.post(rvRoundPath(round, "/decide"), form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("one of two: %d\n%.400s", res.StatusCode, body)
	}
	got := map[string]string{}
	for _, code := range benchmarkOrgs {
		var outcome string
		if err := db.QueryRow(ctx, `SELECT outcome FROM round_decisions WHERE item_id = $1`, fx.itemOf(t, app, round, code)).Scan(&outcome); err != nil {
			t.Fatalf("decision on %s: %v", code, err)
		}
		got[code] = outcome
	}
	if fmt.Sprint(got) != "map[acct-pb-t1:approved civil-pb-t1:rejected econ-pb-t1:rejected]" {
		t.Errorf("decisions: %v", got)
	}
}

// TestSheetDeclineNeedsReason: declining a sheet without a reason is refused with 422
// beside the note, the sheet stays assigned to the reviewer, and the scoring form
// still shows the scores she had saved; with a reason it is declined and the item
// is given another reviewer when one is free.
func TestSheetDeclineNeedsReason(t *testing.T) {
	app := newTestApp(t)
	fx := newBenchmarkFixture(t, app)
	round := fx.openRound(t, app, 2)
	ctx := context.Background()
	// Per item 2 of a pool of 3: find a sheet of reviewer1's and save a draft on it.
	var code string
	for _, c := range benchmarkOrgs {
		var n int
		if err := app.store.Pool().QueryRow(ctx, `SELECT count(*) FROM review_assignments a JOIN round_items i ON i.id = a.item_id
			WHERE a.round_id = $1 AND a.reviewer_id = $2 AND i.application_id = $3`, round, app.users["reviewer1"], fx.apps[c]).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 1 {
			code = c
			break
		}
	}
	if code == "" {
		t.Fatal("reviewer1 has no sheet")
	}
	s := fx.sheetOf(t, app, round, "reviewer1", code)
	must(t, "draft", app.store.SaveSheet(ctx, fx.actor("reviewer1"), s.id, s.version, portal.Sheet{Scores: map[string]float64{"c1": 31, "c2": 29.5}}, false))
	s = s.reread(t, app)

	c := app.signIn("reviewer1")
	for _, note := range []string{"", "  "} {
		res, body := c.post(rvSheetPath(s.id)+"/decline", url.Values{"kind": {"decline"}, "note": {note}})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("declining with note %q: %d, want 422\n%.400s", note, res.StatusCode, body)
		}
		if got := rvFieldError(body, "note"); got != rvZH("app.reason_required") {
			t.Errorf("the note's error reads %q", got)
		}
		if rvInputValue(body, "f-score_c1") != "31" || rvInputValue(body, "f-score_c2") != "29.5" {
			t.Errorf("after the refused decline, the scoring form shows %q, %q instead of the saved draft 31, 29.5",
				rvInputValue(body, "f-score_c1"), rvInputValue(body, "f-score_c2"))
		}
		if now := s.reread(t, app); now != s {
			t.Fatalf("the refused decline changed the sheet: %+v", now)
		}
	}
	res, body := c.post(rvSheetPath(s.id)+"/decline", url.Values{"kind": {"decline"}, "note": {"评审期间出差，无法按时完成。"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("declining with a reason: %d\n%.400s", res.StatusCode, body)
	}
	if now := s.reread(t, app); now.status != "declined" {
		t.Fatalf("the sheet is %+v after declining", now)
	}
	var open int
	if err := app.store.Pool().QueryRow(ctx, `SELECT count(*) FROM review_assignments a JOIN round_items i ON i.id = a.item_id
		WHERE a.round_id = $1 AND i.application_id = $2 AND a.status IN ('assigned', 'started')`, round, fx.apps[code]).Scan(&open); err != nil {
		t.Fatal(err)
	}
	if open != 2 {
		t.Errorf("after the decline the item has %d open sheets, want 2 (another reviewer took it)", open)
	}
}

// TestRoundConflictedReviewerIsNeverAssigned: with reviewer3's home moved to 会计学院,
// automatic assignment never gives her 会计学院教工第一党支部's application, which is
// reported short of reviewers; the others get all three; adding her by hand is
// refused with the reason.
func TestRoundConflictedReviewerIsNeverAssigned(t *testing.T) {
	app := newTestApp(t)
	fx := newBenchmarkFixture(t, app)
	db, ctx := app.store.Pool(), context.Background()
	if _, err := db.Exec(ctx, `UPDATE users SET home_org_id = $2 WHERE id = $1`, app.users["reviewer3"], app.orgs["acct"]); err != nil {
		t.Fatal(err)
	}
	in := portal.RoundInput{Stage: portal.StageApproval, Title: "回避测试", Starts: time.Now(), Ends: time.Now(), TrackIDs: []int64{fx.track},
		PerItem: 3, Rubric: portal.Rubric{Criteria: []portal.Criterion{{Name: "综合", Max: 100}}}}
	round, err := app.store.CreateRound(ctx, fx.manager, fx.program, in)
	must(t, "create", err)

	m := app.signIn("zuzhibu")
	// Twice: a second run must not add her either.
	for i := 0; i < 2; i++ {
		res, body := m.post(rvRoundPath(round, "/assign"), nil)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("assigning with an item short: %d, want 200 with the report\n%.400s", res.StatusCode, body)
		}
		if !strings.Contains(body, rvZH("review.short", 1)) {
			t.Errorf("the page does not report the item short of reviewers")
		}
	}
	rows, err := db.Query(ctx, `SELECT i.application_id, u.username FROM review_assignments a JOIN round_items i ON i.id = a.item_id
		JOIN users u ON u.id = a.reviewer_id WHERE a.round_id = $1`, round)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	byApp := map[int64][]string{}
	for rows.Next() {
		var appID int64
		var who string
		if err := rows.Scan(&appID, &who); err != nil {
			t.Fatal(err)
		}
		byApp[appID] = append(byApp[appID], who)
	}
	for _, code := range benchmarkOrgs {
		got := byApp[fx.apps[code]]
		want := 3
		if code == "acct-pb-t1" {
			want = 2
			for _, who := range got {
				if who == "reviewer3" {
					t.Errorf("reviewer3, who works in 会计学院, was assigned its application")
				}
			}
		}
		if len(got) != want {
			t.Errorf("%s has reviewers %v, want %d", code, got, want)
		}
	}
	item := fx.itemOf(t, app, round, "acct-pb-t1")
	res, body := m.post(rvRoundPath(round, "/assignment"), url.Values{"item_id": {strconv.FormatInt(item, 10)},
		"reviewer_id": {strconv.FormatInt(app.users["reviewer3"], 10)}, "op": {"add"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, rvZH("review.conflict_home")) {
		t.Errorf("adding her by hand: %d, want 422 with %q", res.StatusCode, rvZH("review.conflict_home"))
	}
	var n int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM review_assignments WHERE item_id = $1 AND reviewer_id = $2`, item, app.users["reviewer3"]).Scan(&n); err != nil || n != 0 {
		t.Errorf("she holds %d sheets on it (%v)", n, err)
	}
}
