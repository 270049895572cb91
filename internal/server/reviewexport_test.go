package server

import (
	"context"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/campusorg/portal/internal/i18n"
	"github.com/campusorg/portal/internal/portal"
	"github.com/campusorg/portal/internal/postgres"
)

// reviewExportFixture is an approval round of the open 一团一品 call over its three
// submitted applications (the demo's from 经济管理学院团总支, and two inserted for
// 信息工程学院团总支 and 艺术设计学院团总支), scored by reviewer1..reviewer3 (reviewer3
// works in 信息工程学院, so that item has two sheets), with one unit recognised
// directly. The demo's own round over the same call is left as it is. Totals
// (方案可行性 + 2 × 创新性):
//
//	信息 95, 83           → mean 89, rank 1
//	经管 80, 92, 60       → mean 77.33, median 80, tied at rank 2
//	艺术 70, 82, 80       → mean 77.33, tied at rank 2
//
// The track's quota is 2, so the tie straddles the line.
type reviewExportFixture struct {
	round, track       int64
	programTitle       string
	econ, info, art    string // the items' titles
	autoOrg, autoWhy   string
	manager            *portal.Actor
	version            func() int
	items              map[string]int64 // title → round item id
	econName, infoName string
}

const (
	exportRoundTitle = "2027年立项评审"
	exportGrant      = 8000
)

func newReviewExportFixture(t *testing.T, app *testApp) *reviewExportFixture {
	t.Helper()
	ctx := context.Background()
	pool := app.store.Pool()
	fx := &reviewExportFixture{econ: "“青年说”理论宣讲品牌", info: "数字青年训练营", art: "艺术青年工作坊",
		autoOrg: "会计学院团总支", autoWhy: "获评省级“一团一品”品牌", items: map[string]int64{},
		econName: "经济管理学院团总支", infoName: "信息工程学院团总支"}
	var program int64
	if err := pool.QueryRow(ctx, `SELECT p.id, p.title, t.id FROM programs p JOIN tracks t ON t.program_id = p.id
		WHERE p.kind = 'league_brand' AND p.status = 'open'`).Scan(&program, &fx.programTitle, &fx.track); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `UPDATE tracks SET quota = 2, grant_yuan = $2, cycle_months = 12 WHERE id = $1`, fx.track, exportGrant); err != nil {
		t.Fatal(err)
	}
	for code, title := range map[string]string{"info-league": fx.info, "art-league": fx.art} {
		var id int64
		if err := pool.QueryRow(ctx, `INSERT INTO applications (program_id, track_id, org_id, org_path, author_id, status, title,
			content, versions, submitted_at) SELECT $1, $2, o.id, o.path, $4, 'submitted', $5, jsonb_build_object('title', $5::text), 1, now()
			FROM orgs o WHERE o.id = $3 RETURNING id`, program, fx.track, app.orgs[code], app.users["admin"], title).Scan(&id); err != nil {
			t.Fatal(err)
		}
		if _, err := pool.Exec(ctx, `INSERT INTO application_versions (application_id, number, title, content)
			VALUES ($1, 1, $2, jsonb_build_object('title', $2::text))`, id, title); err != nil {
			t.Fatal(err)
		}
	}
	actor := func(username string) *portal.Actor {
		a, _, err := app.store.LoadActor(ctx, app.users[username])
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	fx.manager = actor("tuanwei")
	in := portal.RoundInput{Stage: portal.StageApproval, Title: exportRoundTitle,
		Starts: time.Date(2027, 3, 1, 0, 0, 0, 0, i18n.Zone), Ends: time.Date(2027, 3, 31, 0, 0, 0, 0, i18n.Zone),
		TrackIDs: []int64{fx.track}, PerItem: 3, Rubric: portal.Rubric{PassAt: 60, Criteria: []portal.Criterion{
			{Name: "方案可行性", Max: 40}, {Name: "创新性", Max: 30, Weight: 2}}}}
	var err error
	fx.round, err = app.store.CreateRound(ctx, fx.manager, program, in)
	must(t, "create the round", err)
	fx.version = func() int {
		rd, err := app.store.GetRound(ctx, fx.manager, fx.round)
		if err != nil {
			t.Fatal(err)
		}
		return rd.Round.Version
	}
	_, err = app.store.AutoAssign(ctx, fx.manager, fx.round)
	must(t, "assign", err)
	must(t, "start scoring", app.store.SetRoundStatus(ctx, fx.manager, fx.round, fx.version(), portal.RoundScoring))
	scores := map[string]map[string][2]float64{ // reviewer → item title → 方案可行性, 创新性
		"reviewer1": {fx.econ: {30, 25}, fx.info: {35, 30}, fx.art: {30, 20}},
		"reviewer2": {fx.econ: {36, 28}, fx.info: {33, 25}, fx.art: {32, 25}},
		"reviewer3": {fx.econ: {20, 20}, fx.art: {36, 22}},
	}
	sheets := 0
	for _, name := range []string{"reviewer1", "reviewer2", "reviewer3"} {
		rev := actor(name)
		mine, err := app.store.MyReviews(ctx, rev)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range mine {
			if m.RoundID != fx.round {
				continue // the demo's own round
			}
			sc, ok := scores[name][m.Title]
			if !ok {
				t.Fatalf("%s was assigned %q", name, m.Title)
			}
			fx.items[m.Title] = m.ItemID
			sh := portal.Sheet{Scores: map[string]float64{"c1": sc[0], "c2": sc[1]}, Recommendation: "approve",
				Overall: name + "：=方案扎实"}
			must(t, "submit "+name+"'s sheet", app.store.SaveSheet(ctx, rev, m.ID, m.Version, sh, true))
			sheets++
		}
	}
	if sheets != 8 {
		t.Fatalf("%d sheets scored, want 8", sheets)
	}
	must(t, "start deciding", app.store.SetRoundStatus(ctx, fx.manager, fx.round, fx.version(), portal.RoundDeciding))
	must(t, "recognise directly", app.store.AddAutoRecognised(ctx, fx.manager, fx.round, fx.track, app.orgs["acct-league"], fx.autoWhy))
	return fx
}

// decide approves the first two (信息 and 经管) and rejects 艺术.
func (fx *reviewExportFixture) decide(t *testing.T, app *testApp) {
	t.Helper()
	must(t, "decide", app.store.Decide(context.Background(), fx.manager, fx.round, fx.version(), fx.track,
		[]int64{fx.items[fx.info], fx.items[fx.econ]}, ""))
}

// must stops the test when a step of the fixture fails, naming the step and the
// fields an invalid input was refused for.
func must(t *testing.T, step string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v %v", step, err, portal.FieldErrors(err))
	}
}

func (fx *reviewExportFixture) path(suffix string) string {
	return "/rounds/" + strconv.FormatInt(fx.round, 10) + suffix
}

// sheetCells returns readers of a sheet's cells: as shown (number formats applied)
// and raw.
func sheetCells(t *testing.T, f *excelize.File, sheet string) (shown, raw func(string) string) {
	read := func(ref string, opts ...excelize.Options) string {
		t.Helper()
		v, err := f.GetCellValue(sheet, ref, opts...)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	return func(ref string) string { return read(ref) },
		func(ref string) string { return read(ref, excelize.Options{RawCellValue: true}) }
}

// expectCells checks cells as shown.
func expectCells(t *testing.T, sheet string, shown func(string) string, want map[string]string) {
	t.Helper()
	for ref, w := range want {
		if got := shown(ref); got != w {
			t.Errorf("%s!%s = %q, want %q", sheet, ref, got, w)
		}
	}
}

// expectHeader checks a table's header row (row 2) from column A.
func expectHeader(t *testing.T, sheet string, shown func(string) string, want []string) {
	t.Helper()
	for i, w := range want {
		if got := shown(cellRef(i, 2)); got != w {
			t.Errorf("%s header %s = %q, want %q", sheet, cellRef(i, 2), got, w)
		}
	}
	if got := shown(cellRef(len(want), 2)); got != "" {
		t.Errorf("%s: a column after the last: %q", sheet, got)
	}
}

// findRow returns the first body row whose cells in the columns given hold the values
// given, or 0.
func findRow(shown func(string) string, match map[string]string) int {
	for row := tableBodyRow; row < 100; row++ {
		ok := true
		for col, v := range match {
			if shown(col+strconv.Itoa(row)) != v {
				ok = false
			}
		}
		if ok {
			return row
		}
	}
	return 0
}

func TestRoundScoreSheetExport(t *testing.T) {
	app := newTestApp(t)
	fx := newReviewExportFixture(t, app)
	fx.decide(t, app)
	res, f := app.signIn("tuanwei").xlsx(fx.path("/scores.xlsx"))
	if ct := res.Header.Get("Content-Type"); ct != xlsxContentType {
		t.Errorf("Content-Type = %q", ct)
	}
	_, params, err := mime.ParseMediaType(res.Header.Get("Content-Disposition"))
	if err != nil || params["filename"] != fx.programTitle+exportRoundTitle+"评分表.xlsx" {
		t.Errorf("Content-Disposition = %q", res.Header.Get("Content-Disposition"))
	}
	if got := f.GetSheetList(); len(got) != 2 || got[0] != "评分明细" || got[1] != "汇总排名" {
		t.Fatalf("sheets %q", got)
	}

	// 评分明细: one row per submitted sheet, grouped by item.
	shown, raw := sheetCells(t, f, "评分明细")
	if got := shown("A1"); !strings.Contains(got, exportRoundTitle) || !strings.Contains(got, fx.programTitle) {
		t.Errorf("title %q", got)
	}
	expectHeader(t, "评分明细", shown, []string{"序号", "编号", "项目名称", "申报单位", "评审专家", "方案可行性（40）",
		"创新性（30，权重2）", "加权总分", "推荐意见", "总体意见"})
	rows, err := f.GetRows("评分明细")
	if err != nil || len(rows) != 2+8 {
		t.Fatalf("%d rows, want title, header and 8 sheets: %v", len(rows), err)
	}
	row := findRow(shown, map[string]string{"C": fx.econ, "E": "何静"}) // reviewer2
	if row == 0 {
		t.Fatal("no row for reviewer2's sheet on the 经管 item")
	}
	r := strconv.Itoa(row)
	expectCells(t, "评分明细", shown, map[string]string{"B" + r: "A01", "D" + r: fx.econName, "F" + r: "36.00", "G" + r: "28.00",
		"H" + r: "92.00", "I" + r: i18n.T(i18n.ZH, "review.rec.approve"), "J" + r: "reviewer2：=方案扎实"})
	if got := raw("H" + r); got != "92" {
		t.Errorf("the weighted total is stored as %q, want the number 92", got)
	}
	if formula, _ := f.GetCellFormula("评分明细", "J"+r); formula != "" {
		t.Errorf("a comment became the formula %q", formula)
	}
	// Rows are grouped by item; 序号 numbers the items.
	seen := map[string]string{}
	last := ""
	for i := tableBodyRow; i < tableBodyRow+8; i++ {
		title, no := shown("C"+strconv.Itoa(i)), shown("A"+strconv.Itoa(i))
		if title != last && seen[title] != "" {
			t.Errorf("the sheets of %q are not together", title)
		}
		if seen[title] != "" && seen[title] != no {
			t.Errorf("%q numbered %s and %s", title, seen[title], no)
		}
		seen[title], last = no, title
	}
	if len(seen) != 3 || seen[fx.econ] != "1" {
		t.Errorf("items numbered %v", seen)
	}

	// 汇总排名: rank order, the tie, statistics, the quota line and decisions.
	shown, raw = sheetCells(t, f, "汇总排名")
	expectHeader(t, "汇总排名", shown, []string{"赛道", "排名", "编号", "项目名称", "申报单位", "评分人数", "平均分",
		"去掉最高最低后的平均分", "中位数", "标准差", "关键指标满分", "是否在名额内", "决定"})
	expectCells(t, "汇总排名", shown, map[string]string{
		"A3": "团总支品牌项目", "B3": "1", "D3": fx.info, "E3": fx.infoName, "F3": "2", "G3": "89.00", "H3": "89.00",
		"I3": "89.00", "J3": "6.00", "K3": "", "L3": "是", "M3": "立项",
		"B4": "2（并列）", "D4": fx.econ, "F4": "3", "G4": "77.33", "H4": "77.33", "I4": "80.00", "J4": "13.20",
		"L4": "并列跨名额线，待定", "M4": "立项",
		"B5": "2（并列）", "D5": fx.art, "G5": "77.33", "I5": "80.00", "M5": "不予立项",
		"A6": "",
	})
	if got := raw("G4"); !strings.HasPrefix(got, "77.333") {
		t.Errorf("the mean is stored as %q, want the unrounded number", got)
	}
	// Under fewer than five sheets nothing is trimmed, and the note says what ranks.
	note := shown("A7")
	if !strings.Contains(note, "不少于5人") || !strings.Contains(note, "不足5人时即为平均分") || strings.Contains(note, "标准化") {
		t.Errorf("note %q", note)
	}
}

// TestScoreSheetTrimsAndTranslates builds the workbook from results in memory: five
// sheets drop the highest and the lowest, the normalisation and the key-indicator rule
// are explained, and an English request gets English sheets.
func TestScoreSheetTrimsAndTranslates(t *testing.T) {
	rubric := portal.Rubric{KeyFull: true, Criteria: []portal.Criterion{{Key: "c1", Name: "政治方向", Max: 100, KeyIndicator: true}}}
	item := postgres.RoundItem{ID: 1, Code: "A01", Title: "项目", OrgName: "团总支", Decision: "pass"}
	totals := []float64{50, 70, 80, 90, 100}
	for i, x := range totals {
		item.Sheets = append(item.Sheets, postgres.Assignment{ReviewerName: "专家" + strconv.Itoa(i), Status: "submitted",
			Sheet: portal.Sheet{Scores: map[string]float64{"c1": x}, Recommendation: "pass"}})
	}
	rd := postgres.RoundDetail{Round: postgres.Round{Title: "验收", Stage: portal.StageFinal, Rubric: rubric, Normalise: true},
		Program: portal.ProgramDetail{Program: portal.Program{Title: "计划"}}, Items: []postgres.RoundItem{item}}
	st := portal.Aggregate(totals)
	res := []postgres.TrackResult{{Track: portal.Track{Name: "赛道"}, Items: []postgres.ItemResult{{Item: item, Totals: totals, Stats: st,
		Ranked: portal.Rank([]portal.Ranked{{ItemID: 1, Score: st.TrimmedMean, KeyOK: true}}, 0)[0]}}}}
	b, name, err := scoreWorkbook(i18n.ZH, rd, res)
	if err != nil {
		t.Fatal(err)
	}
	if name != "计划验收评分表.xlsx" {
		t.Errorf("file name %q", name)
	}
	f, err := excelize.OpenReader(strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	shown, _ := sheetCells(t, f, "汇总排名")
	expectCells(t, "汇总排名", shown, map[string]string{"F3": "5", "G3": "78.00", "H3": "80.00", "I3": "80.00", "K3": "否",
		"L3": "是", "M3": "合格"})
	note := shown("A5")
	if !strings.Contains(note, "标准化") || !strings.Contains(note, "关键指标（政治方向）") {
		t.Errorf("note %q", note)
	}

	b, name, err = scoreWorkbook(i18n.EN, rd, res)
	if err != nil {
		t.Fatal(err)
	}
	f, err = excelize.OpenReader(strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); len(got) != 2 || got[0] != "Sheets" || got[1] != "Ranking" || name != "计划 验收 - scores.xlsx" {
		t.Errorf("English workbook: sheets %q, name %q", got, name)
	}
	shown, _ = sheetCells(t, f, "Sheets")
	if got := shown("F2"); got != "政治方向 (100)" {
		t.Errorf("English criterion header %q", got)
	}
}

func TestRoundResultsExport(t *testing.T) {
	app := newTestApp(t)
	fx := newReviewExportFixture(t, app)
	fx.decide(t, app)
	res, f := app.signIn("tuanwei").xlsx(fx.path("/results.xlsx"))
	_, params, err := mime.ParseMediaType(res.Header.Get("Content-Disposition"))
	if err != nil || params["filename"] != fx.programTitle+exportRoundTitle+"评审结果.xlsx" {
		t.Errorf("Content-Disposition = %q", res.Header.Get("Content-Disposition"))
	}
	if got := f.GetSheetList(); len(got) != 1 || got[0] != "评审结果" {
		t.Fatalf("sheets %q", got)
	}
	shown, raw := sheetCells(t, f, "评审结果")
	expectHeader(t, "评审结果", shown, []string{"序号", "赛道", "申报单位", "项目名称", "得分", "排名", "结果", "资助金额（元）"})
	expectCells(t, "评审结果", shown, map[string]string{
		"A3": "1", "B3": "团总支品牌项目", "C3": fx.infoName, "D3": fx.info, "E3": "89.00", "F3": "1", "G3": "立项", "H3": "8,000.00",
		"A4": "2", "C4": fx.econName, "D4": fx.econ, "E4": "77.33", "F4": "2（并列）", "G4": "立项", "H4": "8,000.00",
		"A5": "3", "D5": fx.art, "E5": "77.33", "F5": "2（并列）", "G5": "不予立项", "H5": "",
		"A6": "4", "C6": fx.autoOrg, "D6": fx.autoWhy, "E6": "", "F6": "", "G6": "直接认定", "H6": "8,000.00",
		"A7": "",
	})
	if got := raw("H3"); got != strconv.Itoa(exportGrant) {
		t.Errorf("the grant is stored as %q", got)
	}
}

func TestRoundNotice(t *testing.T) {
	app := newTestApp(t)
	fx := newReviewExportFixture(t, app)
	manager := app.signIn("tuanwei")

	// Before any decision: nothing to announce, nothing to print.
	res, body := manager.get(fx.path("/notice"))
	if res.StatusCode != http.StatusOK || !strings.Contains(body, i18n.T(i18n.ZH, "reviewexport.notice.undecided")) ||
		strings.Contains(body, "data-print") || strings.Contains(body, `class="a4"`) {
		t.Fatalf("undecided notice: %d\n%s", res.StatusCode, body)
	}

	fx.decide(t, app)
	res, body = manager.get(fx.path("/notice"))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("notice: %d\n%s", res.StatusCode, body)
	}
	for _, want := range []string{
		`class="a4"`, "data-print",
		"关于公布" + fx.programTitle + "立项结果的通知",
		"共确定立项项目3个", "其中1个为直接认定",
		fx.info, fx.econ, fx.infoName, fx.econName,
		fx.autoOrg, fx.autoWhy, "（直接认定）",
		"资助金额（元）", "建设周期（月）", "8,000", ">12<",
		"校团委", i18n.Date(i18n.ZH, time.Now()),
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the notice lacks %q", want)
		}
	}
	if strings.Contains(body, fx.art) {
		t.Error("the notice lists the rejected project")
	}
	if strings.Index(body, fx.info) > strings.Index(body, fx.econ) || strings.Index(body, fx.econ) > strings.Index(body, fx.autoWhy) {
		t.Error("the notice is not in rank order with the directly recognised last")
	}
}

// TestRoundScoreSheetResultsNoticeNotFound: the downloads are for those who may view
// the program; a secretary of an applicant may not.
func TestRoundScoreSheetResultsNoticeNotFound(t *testing.T) {
	app := newTestApp(t)
	fx := newReviewExportFixture(t, app)
	fx.decide(t, app)
	sec := app.signIn("secretary")
	for _, p := range []string{"/scores.xlsx", "/results.xlsx", "/notice"} {
		if res, _ := sec.get(fx.path(p)); res.StatusCode != http.StatusNotFound {
			t.Errorf("secretary GET %s: %d, want 404", p, res.StatusCode)
		}
	}
	if res, _ := app.signIn("tuanwei").get("/rounds/999999/notice"); res.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown round: %d", res.StatusCode)
	}
}
