package server

import (
	"bytes"
	"context"
	"mime"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/campusorg/portal/internal/i18n"
	"github.com/campusorg/portal/internal/portal"
	"github.com/campusorg/portal/internal/postgres"
)

// exportFixture is a program of 校团委 with one track and one theme, and applications
// of 经济管理学院团总支 filed by the demo secretary.
type exportFixture struct {
	programID, trackID, themeID int64
	programTitle, trackName     string
	endorsed                    int64 // sent, with the League body's opinion; waits for the Party body
	submitted                   int64 // sent and endorsed by both bodies
	draft                       int64 // never sent
	content                     portal.AppContent
	figures                     portal.Figures
}

// newExportFixture inserts its own program directly, so that it depends on no demo
// program, and files applications through the store as the demo accounts would.
func newExportFixture(t *testing.T, app *testApp) exportFixture {
	t.Helper()
	ctx := context.Background()
	pool := app.store.Pool()
	fx := exportFixture{programTitle: "2026年“一团一品”共青团工作品牌创建", trackName: "品牌项目"}
	if err := pool.QueryRow(ctx, `INSERT INTO programs (owner_org_id, scope_org_id, year, title, kind, status, endorsements, expected_kinds)
		VALUES ($1, $2, 2026, $3, 'league_brand', 'open', '{league_general_branch,party_general_branch}', '{league_general_branch}')
		RETURNING id`, app.orgs["tuanwei"], app.orgs["school"], fx.programTitle).Scan(&fx.programID); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctx, `INSERT INTO tracks (program_id, name, eligible_kinds, fields) VALUES ($1, $2, '{league_general_branch}',
		'[{"key":"partner","label":"合作单位","type":"text"},{"key":"kickoff","label":"启动日期","type":"date"}]') RETURNING id`,
		fx.programID, fx.trackName).Scan(&fx.trackID); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctx, `INSERT INTO themes (program_id, name) VALUES ($1, '思想引领类') RETURNING id`, fx.programID).Scan(&fx.themeID); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctx, `SELECT league_members, youth_under_28, league_cadres FROM orgs WHERE id = $1`, app.orgs["econ-league"]).
		Scan(&fx.figures.LeagueMembers, &fx.figures.YouthUnder28, &fx.figures.LeagueCadres); err != nil {
		t.Fatal(err)
	}
	actor := func(username string) *portal.Actor {
		a, _, err := app.store.LoadActor(ctx, app.users[username])
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	sec, league, party := actor("secretary"), actor("endorser-league"), actor("endorser-party")
	version := func(id int64) int {
		d, err := app.store.GetApplication(ctx, sec, id)
		if err != nil {
			t.Fatal(err)
		}
		return d.App.Version
	}
	file := func(c portal.AppContent, send bool) int64 {
		id, err := app.store.CreateApplication(ctx, sec, fx.programID, fx.trackID, app.orgs["econ-league"])
		if err != nil {
			t.Fatal(err)
		}
		if err := app.store.SaveDraft(ctx, sec, id, version(id), c); err != nil {
			t.Fatal(err)
		}
		if send {
			if _, err := app.store.Send(ctx, sec, id, version(id)); err != nil {
				t.Fatal(err)
			}
		}
		return id
	}
	endorse := func(a *portal.Actor, id int64, opinion string) {
		if err := app.store.Endorse(ctx, a, id, version(id), true, opinion); err != nil {
			t.Fatal(err)
		}
	}
	// Text that a spreadsheet would take for formulas if it were not written as strings.
	fx.content = portal.AppContent{
		Title:    "=1+2 青春领航工程",
		ThemeID:  fx.themeID,
		Leader:   portal.Leader{Name: "陈思雨", Post: "-团总支书记", Phone: "+86-13803710005", Political: "@中共党员"},
		Purpose:  "引导青年学生坚定理想信念。\n打造思想引领品牌。",
		Content:  "青年大学习、理论宣讲",
		Form:     "讲座、研讨、实践",
		Steps:    []portal.PlanStep{{On: "2026-04-01", What: "项目启动"}, {On: "2026-11-30", What: "总结验收"}},
		Features: "朋辈宣讲",
		Budget: []portal.BudgetLine{{Item: "资料印刷", Cents: 150050, Note: "宣传册"},
			{Item: "场地布置", Cents: 30000}},
		Safeguards:   "团总支统筹",
		Expected:     "形成宣讲品牌",
		Difficulties: "学生时间分散：分批开展。",
		Custom:       map[string][]string{"partner": {"马克思主义学院"}, "kickoff": {"2026-04-08"}},
	}
	fx.endorsed = file(fx.content, true)
	endorse(league, fx.endorsed, "同意申报。")
	second := portal.AppContent{Title: "电商助农直播", Leader: portal.Leader{Name: "王磊", Post: "学生会主席", Phone: "13803719999", Political: "共青团员"},
		Purpose: "服务乡村振兴", Content: "直播助农", Form: "志愿服务", Expected: "销售额", Steps: []portal.PlanStep{{On: "2026-05-01", What: "开播"}}}
	fx.submitted = file(second, true)
	endorse(league, fx.submitted, "同意。")
	endorse(party, fx.submitted, "同意推荐。")
	fx.draft = file(portal.AppContent{Title: "未送出的草稿"}, false)
	return fx
}

// xlsx fetches an export and opens it.
func (c *client) xlsx(path string) (*http.Response, *excelize.File) {
	c.t.Helper()
	res, body := c.get(path)
	if res.StatusCode != http.StatusOK {
		c.t.Fatalf("GET %s: %d\n%.500s", path, res.StatusCode, body)
	}
	f, err := excelize.OpenReader(strings.NewReader(body))
	if err != nil {
		c.t.Fatalf("GET %s: not a workbook: %v", path, err)
	}
	c.t.Cleanup(func() { f.Close() })
	return res, f
}

func TestExportApplications(t *testing.T) {
	app := newTestApp(t)
	fx := newExportFixture(t, app)
	ctx := context.Background()
	manager := app.signIn("tuanwei")
	base := "/programs/" + strconv.FormatInt(fx.programID, 10) + "/applications.xlsx"

	res, f := manager.xlsx(base)
	if ct := res.Header.Get("Content-Type"); ct != xlsxContentType {
		t.Errorf("Content-Type = %q", ct)
	}
	disp, params, err := mime.ParseMediaType(res.Header.Get("Content-Disposition"))
	if err != nil || disp != "attachment" || params["filename"] != fx.programTitle+"项目申报汇总表.xlsx" {
		t.Errorf("Content-Disposition = %q (%v): %q %v", res.Header.Get("Content-Disposition"), err, disp, params)
	}
	sheet := f.GetSheetName(0)
	if sheet != "汇总表" {
		t.Errorf("sheet name = %q", sheet)
	}
	cell := func(ref string) string {
		t.Helper()
		v, err := f.GetCellValue(sheet, ref)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	raw := func(ref string) string {
		t.Helper()
		v, err := f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if got := cell("A1"); got != fx.programTitle+"项目申报汇总表" {
		t.Errorf("title = %q", got)
	}
	header := []string{"序号", "单位", "所属学院", "项目名称", "赛道", "主题", "负责人", "职务", "联系电话", "政治面貌",
		"团员总数", "28岁以下青年数", "团青比例", "团干部数", "经费预算（元）", "状态", "提交时间"}
	for i, want := range header {
		ref := portal.ColumnLetter(i) + "2"
		if got := cell(ref); got != want {
			t.Errorf("header %s = %q, want %q", ref, got, want)
		}
	}
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 {
		t.Fatalf("%d rows, want title, header and 2 applications (no draft): %q", len(rows), rows)
	}

	// Row 3: the endorsed application, cell by cell.
	texts := map[string]string{"B3": "经济管理学院团总支", "C3": "经济管理学院", "D3": fx.content.Title, "E3": fx.trackName,
		"F3": "思想引领类", "G3": "陈思雨", "H3": "-团总支书记", "I3": "+86-13803710005", "J3": "@中共党员",
		"P3": i18n.T(i18n.ZH, "app.st.endorsing")}
	for ref, want := range texts {
		if got := cell(ref); got != want {
			t.Errorf("%s = %q, want %q", ref, got, want)
		}
		typ, err := f.GetCellType(sheet, ref)
		if err != nil || (typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString) {
			t.Errorf("%s: type %v (%v), want a string", ref, typ, err)
		}
		if formula, _ := f.GetCellFormula(sheet, ref); formula != "" {
			t.Errorf("%s became the formula %q", ref, formula)
		}
	}
	numbers := map[string]float64{"A3": 1, "K3": float64(fx.figures.LeagueMembers), "L3": float64(fx.figures.YouthUnder28),
		"M3": fx.figures.Ratio() / 100, "N3": float64(fx.figures.LeagueCadres), "O3": 1800.50}
	for ref, want := range numbers {
		typ, _ := f.GetCellType(sheet, ref)
		if typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
			t.Errorf("%s: type %v, want a number", ref, typ)
		}
		got, err := strconv.ParseFloat(raw(ref), 64)
		if err != nil || got-want > 1e-9 || want-got > 1e-9 {
			t.Errorf("%s = %q, want %v", ref, raw(ref), want)
		}
	}
	if got := cell("O3"); got != "1,800.50" {
		t.Errorf("budget shown as %q", got)
	}
	if got, want := cell("M3"), strconv.FormatFloat(fx.figures.Ratio(), 'f', 1, 64)+"%"; got != want {
		t.Errorf("ratio shown as %q, want %q", got, want)
	}
	if got := cell("Q3"); got != "" {
		t.Errorf("an application not yet submitted has the submission time %q", got)
	}

	// Row 4: the submitted application, with its submission time in the portal's zone.
	sec, _, err := app.store.LoadActor(ctx, app.users["secretary"])
	if err != nil {
		t.Fatal(err)
	}
	d, err := app.store.GetApplication(ctx, sec, fx.submitted)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cell("Q4"), d.App.SubmittedAt.In(i18n.Zone).Format("2006-01-02 15:04"); got != want {
		t.Errorf("submitted at %q, want %q", got, want)
	}
	if cell("A4") != "2" || cell("D4") != "电商助农直播" || cell("F4") != "" || cell("P4") != i18n.T(i18n.ZH, "app.st.submitted") {
		t.Errorf("row 4 = %q", rows[3])
	}

	// Frozen under the header; header bold with a fill.
	panes, err := f.GetPanes(sheet)
	if err != nil || !panes.Freeze || panes.YSplit != 2 || panes.TopLeftCell != "A3" {
		t.Errorf("panes = %+v (%v)", panes, err)
	}
	sid, err := f.GetCellStyle(sheet, "B2")
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(sid)
	if err != nil || st.Font == nil || !st.Font.Bold || len(st.Fill.Color) == 0 {
		t.Errorf("header style = %+v (%v)", st, err)
	}
	if w, err := f.GetColWidth(sheet, "D"); err != nil || w < 20 {
		t.Errorf("column D width = %v (%v)", w, err)
	}

	// The list's filters apply; the cursor does not (the export takes every row).
	_, f2 := manager.xlsx(base + "?theme=" + strconv.FormatInt(fx.themeID, 10) + "&after=999999")
	if rows, _ := f2.GetRows(f2.GetSheetName(0)); len(rows) != 3 || rows[2][3] != fx.content.Title {
		t.Errorf("theme filter: %q", rows)
	}
	_, f3 := manager.xlsx(base + "?status=submitted")
	if rows, _ := f3.GetRows(f3.GetSheetName(0)); len(rows) != 3 || rows[2][3] != "电商助农直播" {
		t.Errorf("status filter: %q", rows)
	}
	_, f4 := manager.xlsx(base + "?q=nothing-matches-this")
	if rows, _ := f4.GetRows(f4.GetSheetName(0)); len(rows) != 2 {
		t.Errorf("an empty export has %d rows, want the title and the header", len(rows))
	}

	// Who may not see the program's list gets not found: the applicant's own
	// secretary, a Party branch secretary, another program owner's manager.
	for _, who := range []string{"secretary", "branchsec", "zuzhibu"} {
		if res, _ := app.signIn(who).get(base); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: export %d, want 404", who, res.StatusCode)
		}
	}
	if res, _ := manager.get("/programs/999999/applications.xlsx"); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown program: %d", res.StatusCode)
	}
}

func TestExportFilterFromQuery(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/programs/1/applications?track=5&theme=abc&college=-3&status=bogus&q=+%E9%9D%92%E5%B9%B4+&after=9", nil)
	got := appFilterFromQuery(r)
	want := postgres.AppFilter{TrackID: 5, Query: "青年", After: 9}
	if got != want {
		t.Errorf("filter = %+v, want %+v", got, want)
	}
	r = httptest.NewRequest(http.MethodGet, "/x?status=returned&college=12&q="+strings.Repeat("x", 300), nil)
	got = appFilterFromQuery(r)
	if got.Status != portal.AppReturned || got.CollegeID != 12 || len(got.Query) != maxFilterQuery {
		t.Errorf("filter = %+v", got)
	}
}

func TestExportSafeFileName(t *testing.T) {
	if got := safeFileName(` a/b\c:d*e?f"g<h>i|j` + "\x01"); got != "a_b_c_d_e_f_g_h_i_j_" {
		t.Errorf("safeFileName = %q", got)
	}
}

func TestPrintApplication(t *testing.T) {
	app := newTestApp(t)
	fx := newExportFixture(t, app)
	path := func(id int64) string { return "/applications/" + strconv.FormatInt(id, 10) + "/print" }

	for _, who := range []string{"tuanwei", "secretary", "endorser-party"} {
		res, body := app.signIn(who).get(path(fx.endorsed))
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d\n%.500s", who, res.StatusCode, body)
		}
		for _, want := range []string{
			fx.programTitle + "申报表", "经济管理学院团总支", fx.content.Title, "思想引领类", fx.trackName,
			"陈思雨", "-团总支书记", "+86-13803710005", "@中共党员",
			">" + strconv.Itoa(fx.figures.LeagueMembers) + "<", "团青比例", strconv.FormatFloat(fx.figures.Ratio(), 'f', 1, 64) + "%",
			"<p>引导青年学生坚定理想信念。</p><p>打造思想引领品牌。</p>", "2026年4月1日", "项目启动", "总结验收",
			"资料印刷", "1,500.50", "宣传册", "合计", "1,800.50",
			"学生时间分散：分批开展。", "合作单位", "马克思主义学院", "启动日期", "2026年4月8日",
			"单位团组织意见（签章）", "单位党组织意见（签章）", "同意申报。", "孙丽娜",
			`class="a4"`, `class="form-table"`, "data-print", "no-print",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: the print page lacks %q", who, want)
			}
		}
		if n := strings.Count(body, `class="sig-box"`); n != 2 {
			t.Errorf("%s: %d opinion boxes, want 2", who, n)
		}
		// The League body signed; the Party body's box is blank lines to sign by hand.
		if n := strings.Count(body, `<span class="sig-line"></span>`); n != 1 {
			t.Errorf("%s: %d blank signature lines, want 1", who, n)
		}
		if strings.Contains(body, "style=") {
			t.Errorf("%s: an inline style, which the CSP forbids", who)
		}
	}

	// Both bodies signed the submitted one.
	_, body := app.signIn("tuanwei").get(path(fx.submitted))
	for _, want := range []string{"同意。", "同意推荐。", "孙丽娜", "黄振华"} {
		if !strings.Contains(body, want) {
			t.Errorf("submitted: the print page lacks %q", want)
		}
	}
	if strings.Contains(body, `<span class="sig-line"></span>`) {
		t.Error("submitted: a blank signature line although both bodies signed")
	}

	// A draft prints for its secretary, with the organization's figures and empty boxes.
	res, body := app.signIn("secretary").get(path(fx.draft))
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "未送出的草稿") || !strings.Contains(body, i18n.T(i18n.ZH, "print.draft_note")) ||
		strings.Count(body, `<span class="sig-line"></span>`) != 2 || !strings.Contains(body, ">"+strconv.Itoa(fx.figures.LeagueMembers)+"<") {
		t.Errorf("draft print: %d\n%.2000s", res.StatusCode, body)
	}

	// Those who may not read the application get not found.
	for _, who := range []string{"branchsec", "zuzhibu", "counselor"} {
		if res, _ := app.signIn(who).get(path(fx.endorsed)); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: print %d, want 404", who, res.StatusCode)
		}
	}
	if res, _ := app.signIn("tuanwei").get(path(999999)); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown application: %d", res.StatusCode)
	}

	// The English page uses the catalogue's English labels.
	en := app.signIn("tuanwei")
	en.post("/lang", map[string][]string{"lang": {"en"}, "back": {"/"}})
	_, body = en.get(path(fx.endorsed))
	if !strings.Contains(body, "Opinion of the League organization (seal)") || !bytes.Contains([]byte(body), []byte(fx.content.Title)) {
		t.Errorf("English print page:\n%.1500s", body)
	}
}
