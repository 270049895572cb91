package server

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/campusorg/portal/internal/i18n"
	"github.com/campusorg/portal/internal/portal"
)

// TestFinalRoundOverReportsThroughThePages walks a final round of a running demo
// project: its final report submitted, the manager opens a round of stage final on
// the round form, the project page no longer offers a direct final outcome (and
// refuses one posted), the reviewer's scoring page shows the report, and making the
// round final asks for the rectification day (422 with the input kept) before it
// records the outcome on the project.
func TestFinalRoundOverReportsThroughThePages(t *testing.T) {
	app := newTestApp(t)
	ctx := context.Background()
	db := app.store.Pool()
	var projectID, programID, trackID int64
	var title, manager string
	if err := db.QueryRow(ctx, `SELECT pr.id, pr.program_id, pr.track_id, pr.title, u.username
		FROM projects pr JOIN programs pg ON pg.id = pr.program_id JOIN orgs po ON po.id = pg.owner_org_id
		JOIN role_grants g ON g.role = 'manager' JOIN orgs mo ON mo.id = g.org_id AND po.path LIKE mo.path || '%'
		JOIN users u ON u.id = g.user_id AND u.active
		WHERE pr.status = 'running' AND pr.application_id IS NOT NULL
		  AND NOT EXISTS (SELECT 1 FROM project_reports rp WHERE rp.project_id = pr.id AND rp.stage = 'final')
		ORDER BY pr.id, u.id LIMIT 1`).Scan(&projectID, &programID, &trackID, &title, &manager); err != nil {
		t.Fatalf("a running demo project and its manager: %v", err)
	}
	if _, err := db.Exec(ctx, `INSERT INTO project_reports (project_id, stage, summary, results, status, submitted_at)
		VALUES ($1, 'final', '三年建设任务全部完成，形成可推广经验。', '获省级表彰一次', 'submitted', now())`, projectID); err != nil {
		t.Fatal(err)
	}
	m := app.signIn(manager)
	today := time.Now().In(i18n.Zone)
	form := url.Values{"title": {"验收评审"}, "stage": {"final"}, "starts_on": {today.Format("2006-01-02")},
		"ends_on": {today.AddDate(0, 0, 3).Format("2006-01-02")}, "tracks": {strconv.FormatInt(trackID, 10)}, "per_item": {"1"},
		"publish_days": {"1"}, "cname_0": {"建设成效"}, "cmax_0": {"100"}, "pass_at": {"60"}, "excellent_at": {"90"}}
	res, body := m.post("/programs/"+strconv.FormatInt(programID, 10)+"/rounds", form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("opening a final round: %d\n%s", res.StatusCode, body)
	}
	roundID, err := strconv.ParseInt(strings.TrimPrefix(res.Header.Get("Location"), "/rounds/"), 10, 64)
	if err != nil {
		t.Fatalf("redirect to %q", res.Header.Get("Location"))
	}
	rd, err := app.store.GetRound(ctx, app.mustActor(t, manager), roundID)
	if err != nil || len(rd.Items) != 1 || rd.Items[0].ProjectID != projectID {
		t.Fatalf("the round's items: %+v %v", rd.Items, err)
	}
	_, body = m.get("/rounds/" + strconv.FormatInt(roundID, 10))
	if !strings.Contains(body, "/projects/"+strconv.FormatInt(projectID, 10)+"/reports/final") {
		t.Error("the round page does not link the report under review")
	}

	// The project page offers no direct final outcome and refuses one.
	page := "/projects/" + strconv.FormatInt(projectID, 10)
	_, body = m.get(page)
	if strings.Contains(body, `value="final:pass"`) || !strings.Contains(body, `value="midterm:pass"`) {
		t.Error("the project page still offers a direct final outcome, or no mid-term one")
	}
	var version int
	if err := db.QueryRow(ctx, `SELECT version FROM projects WHERE id = $1`, projectID).Scan(&version); err != nil {
		t.Fatal(err)
	}
	res, body = m.post(page+"/outcome", url.Values{"version": {strconv.Itoa(version)}, "outcome": {"final:pass"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, i18n.T(i18n.ZH, "outcome.in_round_short")) {
		t.Errorf("a direct final outcome on a project in a round: %d", res.StatusCode)
	}

	// The reviewer scores the report.
	must(t, "assign", func() error { _, err := app.store.AutoAssign(ctx, app.mustActor(t, manager), roundID); return err }())
	rd, _ = app.store.GetRound(ctx, app.mustActor(t, manager), roundID)
	if len(rd.Items[0].Sheets) != 1 {
		t.Fatalf("sheets: %+v", rd.Items[0].Sheets)
	}
	must(t, "start scoring", app.store.SetRoundStatus(ctx, app.mustActor(t, manager), roundID, rd.Round.Version, portal.RoundScoring))
	sheet := rd.Items[0].Sheets[0]
	var reviewer string
	if err := db.QueryRow(ctx, `SELECT username FROM users WHERE id = $1`, sheet.ReviewerID).Scan(&reviewer); err != nil {
		t.Fatal(err)
	}
	res, body = app.signIn(reviewer).get("/reviews/" + strconv.FormatInt(sheet.ID, 10))
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "三年建设任务全部完成") || !strings.Contains(body, i18n.T(i18n.ZH, "report.heading.final")) {
		t.Fatalf("the scoring page of a report: %d", res.StatusCode)
	}
	rev := app.mustActor(t, reviewer)
	must(t, "score", app.store.SaveSheet(ctx, rev, sheet.ID, sheet.Version,
		portal.Sheet{Scores: map[string]float64{"c1": 50}, Recommendation: "rectify"}, true))
	version = rd.Round.Version + 1
	must(t, "close scoring", app.store.SetRoundStatus(ctx, app.mustActor(t, manager), roundID, version, portal.RoundDeciding))
	// Ticked under the pass line: rectify.
	res, body = m.post("/rounds/"+strconv.FormatInt(roundID, 10)+"/decide", url.Values{"version": {strconv.Itoa(version + 1)},
		"track_id": {strconv.FormatInt(trackID, 10)}, "selected": {strconv.FormatInt(rd.Items[0].ID, 10)}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("deciding: %d\n%s", res.StatusCode, body)
	}
	must(t, "publish", app.store.SetRoundStatus(ctx, app.mustActor(t, manager), roundID, version+2, portal.RoundPublished))
	app.store.Now = func() time.Time { return time.Now().AddDate(0, 0, 3) }
	defer func() { app.store.Now = time.Now }()

	// Making it final without the day to rectify by keeps the form and says why.
	status := "/rounds/" + strconv.FormatInt(roundID, 10) + "/status"
	_, body = m.get("/rounds/" + strconv.FormatInt(roundID, 10))
	if !strings.Contains(body, `name="rectify_by"`) {
		t.Error("the round page asks no rectification day")
	}
	res, body = m.post(status, url.Values{"status": {"final"}, "version": {strconv.Itoa(version + 3)}, "rectify_by": {""}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="e-rectify_by"`) {
		t.Fatalf("finalizing without a rectification day: %d", res.StatusCode)
	}
	by := today.AddDate(0, 2, 0).Format("2006-01-02")
	res, body = m.post(status, url.Values{"status": {"final"}, "version": {strconv.Itoa(version + 3)}, "rectify_by": {by}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("finalizing: %d\n%s", res.StatusCode, body)
	}
	var st string
	var rectify time.Time
	if err := db.QueryRow(ctx, `SELECT status, rectify_by FROM projects WHERE id = $1`, projectID).Scan(&st, &rectify); err != nil ||
		st != "rectify" || rectify.Format("2006-01-02") != by {
		t.Errorf("the project after the round: %s %v %v", st, rectify, err)
	}
}

// mustActor loads a demo account's actor.
func (a *testApp) mustActor(t *testing.T, username string) *portal.Actor {
	t.Helper()
	id, ok := a.users[username]
	if !ok {
		t.Fatalf("no account %s", username)
	}
	actor, _, err := a.store.LoadActor(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return actor
}
