package server

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/campusorg/portal/internal/i18n"
)

// projectIDs returns the ids the authorization rows of projects use: the 焦裕禄班
// project of 机械2301班, its entry waiting for verification written by the class
// secretary, a milestone, an evidence file, the program and the class.
func (a *testApp) projectIDs(t *testing.T) map[string]string {
	t.Helper()
	var project, entry, milestone, evidence, program, class int64
	err := a.store.Pool().QueryRow(context.Background(), `SELECT pr.id,
			(SELECT e.id FROM ledger_entries e JOIN users u ON u.id = e.author_id
				WHERE e.project_id = pr.id AND e.status = 'pending' AND u.username = 'classsec' ORDER BY e.id LIMIT 1),
			(SELECT m.id FROM milestones m WHERE m.project_id = pr.id ORDER BY m.id LIMIT 1),
			(SELECT ev.id FROM evidence ev WHERE ev.project_id = pr.id AND ev.kind = 'file' ORDER BY ev.id LIMIT 1),
			pr.program_id, pr.org_id
		FROM projects pr JOIN orgs o ON o.id = pr.org_id WHERE o.code = 'eng-me2301'`).Scan(&project, &entry, &milestone, &evidence, &program, &class)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{"project": fmt.Sprint(project), "entry": fmt.Sprint(entry), "milestone": fmt.Sprint(milestone),
		"evidence": fmt.Sprint(evidence), "jprogram": fmt.Sprint(program), "class": fmt.Sprint(class)}
}

// postMultipart posts a form with fields and files ("file" parts) as a browser does.
func (c *client) postMultipart(path string, fields url.Values, files map[string][]byte) (*http.Response, string) {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			if err := mw.WriteField(k, v); err != nil {
				c.t.Fatal(err)
			}
		}
	}
	for name, data := range files {
		fw, err := mw.CreateFormFile("file", name)
		if err != nil {
			c.t.Fatal(err)
		}
		if _, err := fw.Write(data); err != nil {
			c.t.Fatal(err)
		}
	}
	if len(files) == 0 { // a file input left blank
		if _, err := mw.CreateFormFile("file", ""); err != nil {
			c.t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		c.t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, c.app.srv.URL+path, &body)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", c.app.srv.URL)
	return c.do(req)
}

var testPDF = []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")

// TestLedgerBadInputKeepsInputAndSavesNothing sends the ledger, milestone and
// grant forms bad input over HTTP: each answers 422 with the message beside its
// field and what was typed kept, and nothing is saved.
func TestLedgerBadInputKeepsInputAndSavesNothing(t *testing.T) {
	app := newTestApp(t)
	ids := app.projectIDs(t)
	db, bg := app.store.Pool(), context.Background()
	count := func(q string, args ...any) int {
		var n int
		if err := db.QueryRow(bg, q, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	entries := func() int { return count(`SELECT count(*) FROM ledger_entries`) }
	before := entries()
	c := app.signIn("counselor")
	path := "/projects/" + ids["project"] + "/ledger"
	today := time.Now().In(i18n.Zone)
	tomorrow, inCycle := today.AddDate(0, 0, 1).Format("2006-01-02"), today.Format("2006-01-02")
	// 机械2301班's project runs this year's second batch; the day before its cycle.
	var starts time.Time
	if err := db.QueryRow(bg, `SELECT starts_on FROM projects WHERE id = $1`, ids["project"]).Scan(&starts); err != nil {
		t.Fatal(err)
	}
	dayBefore := starts.AddDate(0, 0, -1).Format("2006-01-02")
	for _, tt := range []struct {
		name    string
		fields  url.Values
		files   map[string][]byte
		message string
	}{
		{"dated in the future", url.Values{"on": {tomorrow}, "kind": {"activity"}, "title": {"未来的活动"}}, nil, "ledger.date_future"},
		{"outside the cycle", url.Values{"on": {dayBefore}, "kind": {"activity"}, "title": {"寒假活动"}}, nil, "ledger.date_outside_cycle"},
		{"a bad date", url.Values{"on": {"2024-13-01"}, "kind": {"activity"}, "title": {"日期写错"}}, nil, "form.bad_date"},
		{"not a number", url.Values{"on": {inCycle}, "kind": {"activity"}, "title": {"人数写错"}, "participants": {"四十"}}, nil, "form.not_number"},
		{"a file of the wrong type", url.Values{"on": {inCycle}, "kind": {"activity"}, "title": {"附件不对"}},
			map[string][]byte{"run.exe": []byte("MZ\x90\x00binary")}, "app.file_type"},
	} {
		res, body := c.postMultipart(path, tt.fields, tt.files)
		if res.StatusCode != bad || !strings.Contains(body, i18n.T(i18n.ZH, tt.message)) || !strings.Contains(body, tt.fields.Get("title")) {
			t.Errorf("%s: %d, want 422 with %q and the title kept\n%.300s", tt.name, res.StatusCode, tt.message, body)
		}
	}
	if entries() != before {
		t.Fatalf("refused entries were saved: %d → %d", before, entries())
	}
	res, _ := c.postMultipart(path, url.Values{"on": {inCycle}, "kind": {"activity"}, "title": {"期末复习动员"}},
		map[string][]byte{"签到表.pdf": testPDF})
	if res.StatusCode != see || entries() != before+1 {
		t.Fatalf("a good entry: %d, %d entries", res.StatusCode, entries())
	}
	if n := count(`SELECT count(*) FROM evidence ev JOIN ledger_entries e ON e.id = ev.entry_id WHERE e.title = '期末复习动员' AND ev.name = '签到表.pdf'`); n != 1 {
		t.Errorf("the evidence file: %d", n)
	}

	// Editing a verified entry keeps the verified one and adds a revision.
	var verified int64
	var version int
	var on time.Time
	if err := db.QueryRow(bg, `SELECT id, version, on_date FROM ledger_entries WHERE project_id = $1 AND status = 'verified' ORDER BY id LIMIT 1`,
		ids["project"]).Scan(&verified, &version, &on); err != nil {
		t.Fatal(err)
	}
	res, _ = c.postMultipart(fmt.Sprintf("/ledger/%d/edit", verified), url.Values{"version": {fmt.Sprint(version)}, "on": {on.Format("2006-01-02")},
		"kind": {"theme_meeting"}, "title": {"“焦裕禄班”创建说明班会（补记人数）"}, "participants": {"43"}}, nil)
	if res.StatusCode != see || !strings.HasPrefix(res.Header.Get("Location"), "/ledger/") || res.Header.Get("Location") == fmt.Sprintf("/ledger/%d", verified) {
		t.Fatalf("editing a verified entry: %d → %s", res.StatusCode, res.Header.Get("Location"))
	}
	if n := count(`SELECT count(*) FROM ledger_entries WHERE id = $1 AND status = 'verified' AND replaced_by IS NOT NULL AND participants = 42`, verified); n != 1 {
		t.Error("the verified revision was not kept as it was")
	}

	// A supervisor who wrote an entry cannot verify it; stale and repeated verdicts are refused.
	sup := app.signIn("supervisor")
	var waiting int64
	if err := db.QueryRow(bg, `SELECT id FROM ledger_entries WHERE project_id = $1 AND status = 'pending' AND replaced_by IS NULL ORDER BY id LIMIT 1`,
		ids["project"]).Scan(&waiting); err != nil {
		t.Fatal(err)
	}
	res, body := sup.post(fmt.Sprintf("/ledger/%d/review", waiting), url.Values{"version": {"1"}, "verdict": {"return"}})
	if res.StatusCode != bad || !strings.Contains(body, i18n.T(i18n.ZH, "ledger.return_note_required")) {
		t.Errorf("returning without a comment: %d", res.StatusCode)
	}

	// Paying more than the award: refused with the amount left, nothing saved.
	mgr := app.signIn("zuzhibu")
	var studio int64
	if err := db.QueryRow(bg, `SELECT pr.id FROM projects pr JOIN orgs o ON o.id = pr.org_id WHERE o.code = 'eng-party'`).Scan(&studio); err != nil {
		t.Fatal(err)
	}
	payments := count(`SELECT count(*) FROM disbursements WHERE project_id = $1`, studio)
	res, body = mgr.post(fmt.Sprintf("/projects/%d/disbursements", studio), url.Values{"paid_on": {"2024-12-30"}, "amount": {"0.01"}, "note": {"追加"}})
	if res.StatusCode != bad || !strings.Contains(body, i18n.T(i18n.ZH, "funds.over_award", "0.00")) || !strings.Contains(body, "追加") {
		t.Errorf("paying past the award: %d\n%.300s", res.StatusCode, body)
	}
	res, _ = mgr.post(fmt.Sprintf("/projects/%d/disbursements", studio), url.Values{"paid_on": {"2024-12-30"}, "amount": {"十元"}})
	if res.StatusCode != bad || count(`SELECT count(*) FROM disbursements WHERE project_id = $1`, studio) != payments {
		t.Errorf("a malformed amount: %d", res.StatusCode)
	}

	// The ledger export holds the summary and every entry with its evidence.
	_, f := c.xlsx("/projects/" + ids["project"] + "/ledger.xlsx")
	sheets := f.GetSheetList()
	if len(sheets) != 2 {
		t.Fatalf("sheets: %v", sheets)
	}
	rows, err := f.GetRows(sheets[1])
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rows {
		if len(r) > 11 && r[2] == "期末复习动员" && r[11] == "签到表.pdf" {
			found = true
		}
	}
	if !found {
		t.Errorf("the export misses the new entry: %v", rows)
	}
	_, f = c.xlsx("/programs/" + ids["jprogram"] + "/ledger.xlsx")
	rows, _ = f.GetRows(f.GetSheetList()[0])
	// Title, header, and the counselor's two classes in the second batch.
	if flat := fmt.Sprint(rows); len(rows) != 2+2 || !strings.Contains(flat, "机械2301班") || !strings.Contains(flat, "电气2301班") {
		t.Errorf("the counselor's college ledger has %d rows: %v", len(rows), rows)
	}
}

// TestReportAfterDeadlineAndOutcomeBan submits a final report after the deadline
// where late reports are refused (对标争先), then records a fail and finds the org
// barred in its profile.
func TestReportAfterDeadlineAndOutcomeBan(t *testing.T) {
	app := newTestApp(t)
	db, bg := app.store.Pool(), context.Background()
	// 机械2301班 runs in the second batch: as if its final phase had ended last week
	// (焦裕禄班 accepts late reports), the counselor's report is taken and marked late.
	ids := app.projectIDs(t)
	if _, err := db.Exec(bg, `UPDATE program_phases SET starts_on = current_date - 30, ends_on = current_date - 7
		WHERE program_id = $1 AND kind = 'final'`, ids["jprogram"]); err != nil {
		t.Fatal(err)
	}
	c := app.signIn("counselor")
	res, _ := c.postMultipart("/projects/"+ids["project"]+"/reports/final", url.Values{"version": {"0"}, "op": {"submit"},
		"summary": {"补交总结：完成“十个一”中的七项。"}}, map[string][]byte{"总结.pdf": testPDF})
	if res.StatusCode != see {
		t.Fatalf("a late report: %d", res.StatusCode)
	}
	var late bool
	if err := db.QueryRow(bg, `SELECT late FROM project_reports WHERE project_id = $1 AND stage = 'final'`, ids["project"]).Scan(&late); err != nil || !late {
		t.Errorf("the report is not marked late: %v", err)
	}
	// Where the program refuses late reports, nothing is saved.
	if _, err := db.Exec(bg, `UPDATE program_rules SET late_reports = false WHERE program_id = $1`, ids["jprogram"]); err != nil {
		t.Fatal(err)
	}
	var ee int64
	if err := db.QueryRow(bg, `SELECT pr.id FROM projects pr JOIN orgs o ON o.id = pr.org_id WHERE o.code = 'eng-ee2301'`).Scan(&ee); err != nil {
		t.Fatal(err)
	}
	res, body := c.postMultipart(fmt.Sprintf("/projects/%d/reports/final", ee), url.Values{"version": {"0"}, "op": {"submit"}, "summary": {"迟交的总结"}}, nil)
	if res.StatusCode != bad || !strings.Contains(body, "迟交的总结") {
		t.Errorf("a report after the deadline: %d", res.StatusCode)
	}
	var reports int
	if err := db.QueryRow(bg, `SELECT count(*) FROM project_reports WHERE project_id = $1`, ee).Scan(&reports); err != nil || reports != 0 {
		t.Errorf("a refused report was saved: %d", reports)
	}
	// The manager fails 电气2301班 (焦裕禄班 has no ban period: no ban).
	m := app.signIn("gongtuan")
	var version int
	if err := db.QueryRow(bg, `SELECT version FROM projects WHERE id = $1`, ee).Scan(&version); err != nil {
		t.Fatal(err)
	}
	res, _ = m.post(fmt.Sprintf("/projects/%d/outcome", ee), url.Values{"version": {fmt.Sprint(version)}, "outcome": {"final:fail"}})
	if res.StatusCode != bad {
		t.Errorf("failing without a reason: %d", res.StatusCode)
	}
	res, _ = m.post(fmt.Sprintf("/projects/%d/outcome", ee), url.Values{"version": {fmt.Sprint(version)}, "outcome": {"final:fail"}, "note": {"台账长期未更新"}})
	if res.StatusCode != see {
		t.Fatalf("failing: %d", res.StatusCode)
	}
	var bans int
	if err := db.QueryRow(bg, `SELECT count(*) FROM bans b JOIN orgs o ON o.id = b.org_id WHERE o.code = 'eng-ee2301'`).Scan(&bans); err != nil || bans != 0 {
		t.Errorf("a program without a ban period barred: %d", bans)
	}
	// The 对标争先 studio barred in the demo shows its ban in its profile.
	var art int64
	if err := db.QueryRow(bg, `SELECT id FROM orgs WHERE code = 'art-pb-t1'`).Scan(&art); err != nil {
		t.Fatal(err)
	}
	_, body = app.signIn("leader").get(fmt.Sprintf("/orgs/%d/profile", art))
	if !strings.Contains(body, i18n.T(i18n.ZH, "profile.ban_active")) {
		t.Errorf("the profile does not show the ban:\n%.500s", body)
	}
}

// TestProjectPageIDsAreUnique: the project page holds a form per milestone and one
// per section; no element id appears twice (labels point at their own field).
func TestProjectPageIDsAreUnique(t *testing.T) {
	app := newTestApp(t)
	ids := app.projectIDs(t)
	idAttr := regexp.MustCompile(` id="([^"]+)"`)
	for _, who := range []string{"counselor", "gongtuan", "supervisor"} {
		res, body := app.signIn(who).get("/projects/" + ids["project"])
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", who, res.StatusCode)
		}
		seen := map[string]int{}
		for _, m := range idAttr.FindAllStringSubmatch(body, -1) {
			seen[m[1]]++
		}
		for k, n := range seen {
			if n > 1 {
				t.Errorf("%s: id %q appears %d times", who, k, n)
			}
		}
	}
}
