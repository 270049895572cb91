package server

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// planPlaceholders replaces the placeholders of the work plan and assessment rows of
// the route × role table: {plan} 校团委's plan, {ptask} its task 5, {psection} its
// first section, {pline} its first schedule line, {precur} its first year-round
// item; {asystem}, {around}, {aorg} 校关工委's indicator system, round and 经济管理学院关工委;
// {grading} 校团委's branch grading.
func (a *testApp) planPlaceholders(t *testing.T) *strings.Replacer {
	t.Helper()
	var plan, task, section, line, recur, system, round, grading int64
	err := a.store.Pool().QueryRow(context.Background(), `SELECT p.id,
			(SELECT id FROM plan_tasks WHERE plan_id = p.id AND number = 5),
			(SELECT id FROM plan_sections WHERE plan_id = p.id ORDER BY position LIMIT 1),
			(SELECT id FROM plan_schedule_items WHERE plan_id = p.id ORDER BY number LIMIT 1),
			(SELECT id FROM plan_recurring_items WHERE plan_id = p.id ORDER BY number LIMIT 1),
			(SELECT id FROM indicator_systems ORDER BY id LIMIT 1),
			(SELECT id FROM assessment_rounds ORDER BY id LIMIT 1),
			(SELECT id FROM grading_rounds ORDER BY id LIMIT 1)
		FROM work_plans p JOIN orgs o ON o.id = p.org_id WHERE o.code = 'tuanwei' ORDER BY p.id LIMIT 1`).Scan(
		&plan, &task, &section, &line, &recur, &system, &round, &grading)
	if err != nil {
		t.Fatal(err)
	}
	return strings.NewReplacer("{plan}", fmt.Sprint(plan), "{ptask}", fmt.Sprint(task), "{psection}", fmt.Sprint(section),
		"{pline}", fmt.Sprint(line), "{precur}", fmt.Sprint(recur), "{asystem}", fmt.Sprint(system), "{around}", fmt.Sprint(round),
		"{aorg}", fmt.Sprint(a.orgs["econ-care"]), "{grading}", fmt.Sprint(grading))
}

// TestPlanPagesShowSeed001: the plan page, the printed plan and the month view show
// the document's tasks, responsible people, schedule and year-round work.
func TestPlanPagesShowSeed001(t *testing.T) {
	app := newTestApp(t)
	ids := app.planPlaceholders(t)
	c := app.signIn("tuanwei")
	res, body := c.get(ids.Replace("/plans/{plan}"))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("plan page: %d", res.StatusCode)
	}
	for _, want := range []string{"(一)强党建,永葆对党忠诚的政治底色", "重视网络思政,主动有效引导宣传", "全年发布内容不少于200个", "常红生",
		"启动红十字会应急救护员培训工作(培训人数不少于2500人次)", "开展团总支书记述职评议工作", "督学“青年大学习”", "一周一次", "双周一次", "7-8月"} {
		if !strings.Contains(body, want) {
			t.Errorf("the plan page lacks %q", want)
		}
	}
	_, body = c.get(ids.Replace("/plans/{plan}/print"))
	for _, want := range []string{"class=\"a4", "form-table", "5.重视网络思政,主动有效引导宣传。修订", "(责任人:卢雅雪、宁曦)",
		"具体工作纲要安排如下", "其中贯穿全年工作", "42.开展团总支书记述职评议工作", "三、主要任务", "(三)任务要落实,督查要扎实"} {
		if !strings.Contains(body, want) {
			t.Errorf("the printed plan lacks %q", want)
		}
	}
	_, body = c.get(ids.Replace("/plans/{plan}/month?m=2"))
	for _, want := range []string{"常红生", "启动红十字会应急救护员培训工作", "制定2023年度共青团工作要点"} {
		if !strings.Contains(body, want) {
			t.Errorf("February lacks %q", want)
		}
	}
	// 宁曦 sees her own month, with the tasks she is responsible for.
	_, body = app.signIn("ningxi").get("/plans/mine?m=10")
	for _, want := range []string{"重视网络思政,主动有效引导宣传", "精准助力青年成长"} {
		if !strings.Contains(body, want) {
			t.Errorf("宁曦's October lacks %q", want)
		}
	}
}

// TestPlanBadInput: bad input re-renders the form with 422, the input kept and a
// clear message, and nothing is saved.
func TestPlanBadInput(t *testing.T) {
	app := newTestApp(t)
	ids := app.planPlaceholders(t)
	ctx := context.Background()
	count := func(sql string) int {
		var n int
		if err := app.store.Pool().QueryRow(ctx, sql).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	tasks := count(`SELECT count(*) FROM plan_tasks`)
	reports := count(`SELECT count(*) FROM plan_progress`)
	var section string
	if err := app.store.Pool().QueryRow(ctx, ids.Replace(`SELECT id::text FROM plan_sections WHERE plan_id = {plan} ORDER BY position LIMIT 1`)).Scan(&section); err != nil {
		t.Fatal(err)
	}
	m := app.signIn("tuanwei")
	form := url.Values{"section_id": {section}, "number": {"16"}, "title": {"新增任务"}, "people": {fmt.Sprint(app.users["secretary"])},
		"months": {"11"}, "t0_label": {"宣讲"}, "t0_cmp": {"at_least"}, "t0_value": {"10"}, "t0_unit": {"场"}, "t0_metric": {"talks_new"}}
	res, body := m.post(ids.Replace("/plans/{plan}/tasks/new"), form)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a responsible person outside 校团委: %d", res.StatusCode)
	}
	for _, want := range []string{"责任人须为本单位的在岗人员", "value=\"新增任务\""} {
		if !strings.Contains(body, want) {
			t.Errorf("the refused task form lacks %q", want)
		}
	}
	form.Set("people", fmt.Sprint(app.users["ningxi"]))
	form.Set("t0_unit", "")
	if res, body := m.post(ids.Replace("/plans/{plan}/tasks/new"), form); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "请填写单位") {
		t.Errorf("a target without a unit: %d", res.StatusCode)
	}
	form.Set("t0_unit", "%")
	form.Set("t0_value", "150")
	if res, body := m.post(ids.Replace("/plans/{plan}/tasks/new"), form); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "百分比不能超过100") {
		t.Errorf("a participation of 150%%: %d", res.StatusCode)
	}
	if n := count(`SELECT count(*) FROM plan_tasks`); n != tasks {
		t.Errorf("refused tasks were saved")
	}
	// Progress beyond the plan's year, a negative count.
	var task5, target string
	if err := app.store.Pool().QueryRow(ctx, ids.Replace(`SELECT id::text, (SELECT id::text FROM plan_targets WHERE task_id = {ptask})
		FROM plan_tasks WHERE id = {ptask}`)).Scan(&task5, &target); err != nil {
		t.Fatal(err)
	}
	var year int
	if err := app.store.Pool().QueryRow(ctx, ids.Replace(`SELECT year FROM work_plans WHERE id = {plan}`)).Scan(&year); err != nil {
		t.Fatal(err)
	}
	n := app.signIn("ningxi")
	res, body = n.post(ids.Replace("/plans/{plan}/tasks/{ptask}/progress"), url.Values{"reported_on": {fmt.Sprintf("%d-01-05", year+1)},
		"status": {"in_progress"}, "v" + target: {"-3"}, "note": {"跨年填报"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "日期须在本计划年度内") || !strings.Contains(body, "不能为负数") ||
		!strings.Contains(body, "跨年填报") {
		t.Errorf("progress beyond the year: %d", res.StatusCode)
	}
	res, _ = n.post(ids.Replace("/plans/{plan}/tasks/{ptask}/progress"), url.Values{"reported_on": {fmt.Sprintf("%d-01-05", year)},
		"status": {"in_progress"}, "v" + target: {"12.345"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("three decimals: %d", res.StatusCode)
	}
	if got := count(`SELECT count(*) FROM plan_progress`); got != reports {
		t.Errorf("refused reports were saved: %d, was %d", got, reports)
	}
	// Someone not responsible for task 5 is told it does not exist.
	if res, _ := app.signIn("changhongsheng").post(ids.Replace("/plans/{plan}/tasks/{ptask}/progress"), url.Values{}); res.StatusCode != http.StatusNotFound {
		t.Errorf("常红生 reporting on task 5: %d", res.StatusCode)
	}
}

// TestPlanExport: the workbook holds the tasks with their targets and progress,
// the schedule and the year-round work; user text is never a formula.
func TestPlanExport(t *testing.T) {
	app := newTestApp(t)
	ids := app.planPlaceholders(t)
	res, body := app.signIn("leader").get(ids.Replace("/plans/{plan}/export.xlsx"))
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != xlsxContentType {
		t.Fatalf("export: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if !strings.Contains(res.Header.Get("Content-Disposition"), "filename*=utf-8''") {
		t.Errorf("file name: %s", res.Header.Get("Content-Disposition"))
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) != 3 {
		t.Fatalf("sheets %v", sheets)
	}
	rows, err := f.GetRows(sheets[0])
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rows {
		if len(r) > 10 && r[0] == "5" && r[5] == "全年发布内容" && r[7] == "200" && r[9] == "165" {
			found = true
		}
	}
	if !found {
		t.Errorf("task 5's target row is missing: %v", rows[:4])
	}
	schedule, _ := f.GetRows(sheets[1])
	if len(schedule) != 44 { // title, header, 42 lines
		t.Errorf("%d schedule rows", len(schedule))
	}
	recurring, _ := f.GetRows(sheets[2])
	if len(recurring) != 11 {
		t.Errorf("%d year-round rows", len(recurring))
	}
}

// rawKey matches what a page shows for a missing catalogue key or a bad argument.
var rawKey = regexp.MustCompile(`%!|\b(plan|plantask|plantarget|planpace|planprogress|planrecur|plansup|planmonth|plancmp|plancadence|assess|grading|indicator)\.[a-z_]{2,}`)

// TestPlanAndAssessmentPagesRenderCleanly opens every page of the feature in both
// languages and looks for formatting slips: a missing catalogue key shows as the
// key itself, a wrong argument as "%!".
func TestPlanAndAssessmentPagesRenderCleanly(t *testing.T) {
	app := newTestApp(t)
	ids := app.planPlaceholders(t)
	pages := []string{"/plans", "/plans/mine", "/plans/new", "/plans/{plan}", "/plans/{plan}/edit", "/plans/{plan}/tasks/new",
		"/plans/{plan}/tasks/{ptask}", "/plans/{plan}/tasks/{ptask}/edit", "/plans/{plan}/print", "/plans/{plan}/month?m=7",
		"/plans/{plan}/supervision", "/assessments", "/assessments/systems/new", "/assessments/systems/{asystem}",
		"/assessments/rounds/new", "/assessments/rounds/{around}", "/assessments/rounds/{around}/orgs/{aorg}",
		"/assessments/gradings/new", "/assessments/gradings/{grading}"}
	for _, lang := range []string{"zh", "en"} {
		c := app.signIn("admin")
		if lang == "en" {
			c.post("/lang", url.Values{"lang": {"en"}, "back": {"/"}})
		}
		for _, p := range pages {
			res, body := c.get(ids.Replace(p))
			if res.StatusCode != http.StatusOK {
				t.Errorf("%s %s: %d", lang, p, res.StatusCode)
				continue
			}
			if loc := rawKey.FindStringIndex(body); loc != nil {
				t.Errorf("%s %s: %q", lang, p, body[max(0, loc[0]-40):min(len(body), loc[1]+40)])
			}
		}
	}
}
