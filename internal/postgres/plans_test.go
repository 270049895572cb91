package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/campusorg/portal/internal/demo"
	"github.com/campusorg/portal/internal/pgtest"
	"github.com/campusorg/portal/internal/portal"
)

// seeded is a store over a fresh database holding the demo school.
type seeded struct {
	t     *testing.T
	store *Store
}

func newSeeded(t *testing.T) *seeded {
	t.Helper()
	s := New(pgtest.NewPool(t))
	if ok, err := s.SeedDemo(context.Background()); err != nil || !ok {
		t.Fatalf("seed: %v %v", ok, err)
	}
	return &seeded{t: t, store: s}
}

// actor loads the demo account username as an actor.
func (s *seeded) actor(username string) *portal.Actor {
	s.t.Helper()
	var id int64
	if err := s.store.pool.QueryRow(context.Background(), `SELECT id FROM users WHERE username = $1`, username).Scan(&id); err != nil {
		s.t.Fatalf("user %s: %v", username, err)
	}
	a, _, err := s.store.LoadActor(context.Background(), id)
	if err != nil {
		s.t.Fatal(err)
	}
	return a
}

// planID returns the id of the demo plan of the org with code.
func (s *seeded) planID(code string) int64 {
	s.t.Helper()
	var id int64
	if err := s.store.pool.QueryRow(context.Background(), `SELECT p.id FROM work_plans p JOIN orgs o ON o.id = p.org_id
		WHERE o.code = $1 ORDER BY p.id LIMIT 1`, code).Scan(&id); err != nil {
		s.t.Fatal(err)
	}
	return id
}

func (s *seeded) count(sql string, args ...any) int {
	s.t.Helper()
	var n int
	if err := s.store.pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		s.t.Fatal(err)
	}
	return n
}

// taskByNumber returns task n of the plan.
func taskByNumber(t *testing.T, d portal.PlanDetail, n int) portal.PlanTask {
	t.Helper()
	for _, task := range d.Tasks {
		if task.Number == n {
			return task
		}
	}
	t.Fatalf("no task %d", n)
	return portal.PlanTask{}
}

func reviewOf(reviews []portal.TaskReview, taskID int64) portal.TaskReview {
	for _, r := range reviews {
		if r.Task.ID == taskID {
			return r
		}
	}
	return portal.TaskReview{}
}

func TestSeededLeaguePlan(t *testing.T) {
	s := newSeeded(t)
	ctx := context.Background()
	id := s.planID("tuanwei")
	d, err := s.store.GetPlan(ctx, s.actor("luruoxi"), id)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Sections) != 4 || len(d.Tasks) != 15 || len(d.Schedule) != 42 || len(d.Recurring) != 9 {
		t.Fatalf("plan has %d sections, %d tasks, %d schedule lines, %d year-round items", len(d.Sections), len(d.Tasks), len(d.Schedule), len(d.Recurring))
	}
	if d.Status != portal.PlanActive || d.Year != s.store.Now().In(s.store.Zone).Year() {
		t.Errorf("plan %s for %d", d.Status, d.Year)
	}
	t10 := taskByNumber(t, d, 10)
	if len(t10.People) != 6 || t10.People[3].Name != "常红生" || len(t10.Targets) != 4 {
		t.Errorf("task 10: %+v", t10)
	}
	if r := d.Recurring[0]; len(r.Rhythms) != 2 || r.Rhythms[0].Cadence != portal.Weekly || r.Rhythms[1].Cadence != portal.Biweekly {
		t.Errorf("year-round item 1: %+v", r)
	}
	// Every account can see the plan it has tasks in; others cannot.
	if _, err := s.store.GetPlan(ctx, s.actor("secretary"), id); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("the secretary reads the 团委 plan: %v", err)
	}
	if _, err := s.store.GetPlan(ctx, s.actor("leader"), id); err != nil {
		t.Errorf("the school leader cannot read it: %v", err)
	}
	page, err := s.store.ListPlans(ctx, s.actor("changhongsheng"), PlanFilter{})
	if err != nil || len(page.Items) != 1 || page.Items[0].Mine != 1 {
		t.Errorf("常红生's plans: %+v %v", page.Items, err)
	}
	page, err = s.store.ListPlans(ctx, s.actor("leader"), PlanFilter{})
	if err != nil || len(page.Items) != len(demo.Plans()) {
		t.Errorf("the leader's plans: %d %v", len(page.Items), err)
	}
	mine, err := s.store.MyPlans(ctx, s.actor("ningxi"))
	if err != nil || len(mine) != 1 {
		t.Fatalf("宁曦's plans: %d %v", len(mine), err)
	}
}

// TestReportProgressMovesSupervision: a responsible person reports on task 5 of seed
// 001 (全年发布内容不少于200个) and the task leaves the supervision list.
func TestReportProgressMovesSupervision(t *testing.T) {
	s := newSeeded(t)
	ctx := context.Background()
	id := s.planID("tuanwei")
	// Judge on 23 November of the plan's year, the demo's today.
	year := s.store.Now().In(s.store.Zone).Year()
	s.store.Now = func() time.Time { return time.Date(year, 11, 23, 10, 0, 0, 0, s.store.Zone) }
	on := s.store.Now()
	ningxi := s.actor("ningxi")
	d, err := s.store.GetPlan(ctx, ningxi, id)
	if err != nil {
		t.Fatal(err)
	}
	t5 := taskByNumber(t, d, 5)
	before := reviewOf(d.Review(on), t5.ID)
	if !before.Behind() || before.Targets[0].Pace.Status != portal.PaceBehind || before.Targets[0].Pace.Reached != 165 {
		t.Fatalf("task 5 before: %+v", before)
	}
	reports := s.count(`SELECT count(*) FROM plan_progress WHERE task_id = $1`, t5.ID)

	bad := []struct {
		name  string
		actor *portal.Actor
		in    portal.ProgressInput
		code  string
		field string
	}{
		{"beyond the plan's year", ningxi, portal.ProgressInput{ReportedOn: time.Date(year+1, 1, 5, 0, 0, 0, 0, time.UTC), Status: portal.TaskInProgress},
			portal.EINVALID, "reported_on"},
		{"in the future", ningxi, portal.ProgressInput{ReportedOn: time.Date(year, 11, 30, 0, 0, 0, 0, time.UTC), Status: portal.TaskInProgress},
			portal.EINVALID, "reported_on"},
		{"a negative count", ningxi, portal.ProgressInput{ReportedOn: time.Date(year, 11, 20, 0, 0, 0, 0, time.UTC), Status: portal.TaskInProgress,
			Values: map[int64]float64{t5.Targets[0].ID: -5}}, portal.EINVALID, portal.ValueField(t5.Targets[0].ID)},
		{"someone not responsible", s.actor("zhangxingyue"), portal.ProgressInput{ReportedOn: time.Date(year, 11, 20, 0, 0, 0, 0, time.UTC),
			Status: portal.TaskInProgress}, portal.ENOTFOUND, ""},
		{"the school leader", s.actor("leader"), portal.ProgressInput{ReportedOn: time.Date(year, 11, 20, 0, 0, 0, 0, time.UTC),
			Status: portal.TaskInProgress}, portal.ENOTFOUND, ""},
	}
	for _, b := range bad {
		_, err := s.store.ReportProgress(ctx, b.actor, id, t5.ID, b.in)
		if portal.ErrorCode(err) != b.code || b.field != "" && portal.FieldErrors(err)[b.field] == "" {
			t.Errorf("%s: %v %v", b.name, err, portal.FieldErrors(err))
		}
	}
	if n := s.count(`SELECT count(*) FROM plan_progress WHERE task_id = $1`, t5.ID); n != reports {
		t.Fatalf("refused reports were saved: %d, was %d", n, reports)
	}

	r, err := s.store.ReportProgress(ctx, ningxi, id, t5.ID, portal.ProgressInput{ReportedOn: time.Date(year, 11, 22, 0, 0, 0, 0, time.UTC),
		Status: portal.TaskInProgress, Note: "11月推送", Evidence: "后台统计截图", Values: map[int64]float64{t5.Targets[0].ID: 186}})
	if err != nil {
		t.Fatal(err)
	}
	if r.AuthorName != "宁曦" {
		t.Errorf("report by %q", r.AuthorName)
	}
	d, err = s.store.GetPlan(ctx, ningxi, id)
	if err != nil {
		t.Fatal(err)
	}
	after := reviewOf(d.Review(on), t5.ID)
	if after.Behind() || after.Targets[0].Pace.Status != portal.PaceOnTrack || after.Targets[0].Pace.Reached != 186 {
		t.Errorf("task 5 after: %+v", after)
	}
	if n := s.count(`SELECT count(*) FROM audit_events WHERE action = 'plan.progress' AND entity_id = $1`, t5.ID); n != 1 {
		t.Errorf("%d audit events for the report", n)
	}
	list, err := s.store.TaskReports(ctx, ningxi, id, t5.ID)
	if err != nil || len(list) != reports+1 || list[0].ID != r.ID || list[0].Values[t5.Targets[0].ID] != 186 {
		t.Errorf("reports: %+v %v", list, err)
	}
	// The office may compile figures for a task on someone's behalf.
	if _, err := s.store.ReportProgress(ctx, s.actor("tuanwei"), id, t5.ID, portal.ProgressInput{
		ReportedOn: time.Date(year, 11, 23, 0, 0, 0, 0, time.UTC), Status: portal.TaskDone, Values: map[int64]float64{t5.Targets[0].ID: 201}}); err != nil {
		t.Errorf("the manager reporting: %v", err)
	}
}

func TestSaveTaskRefusesBadInput(t *testing.T) {
	s := newSeeded(t)
	ctx := context.Background()
	id := s.planID("tuanwei")
	tuanwei := s.actor("tuanwei")
	d, err := s.store.GetPlan(ctx, tuanwei, id)
	if err != nil {
		t.Fatal(err)
	}
	tasks := s.count(`SELECT count(*) FROM plan_tasks WHERE plan_id = $1`, id)
	good := func() portal.TaskInput {
		return portal.TaskInput{SectionID: d.Sections[0].ID, Number: 16, Title: "新任务", People: []int64{s.actor("ningxi").UserID},
			Months: []int{11, 12}, Targets: []portal.TargetInput{{Metric: "new_metric", Label: "新指标", Comparator: portal.AtLeast, Value: 10, Unit: "场"}}}
	}
	secretary := s.actor("secretary")
	tests := []struct {
		name  string
		edit  func(*portal.TaskInput)
		field string
		msg   string
	}{
		{"a responsible person outside 校团委", func(in *portal.TaskInput) { in.People = append(in.People, secretary.UserID) }, "people", "plantask.person_outside"},
		{"an account that does not exist", func(in *portal.TaskInput) { in.People = []int64{999999} }, "people", "plantask.person_outside"},
		{"a target without a unit", func(in *portal.TaskInput) { in.Targets[0].Unit = "" }, "t0_unit", "plantarget.unit_required"},
		{"an impossible percentage", func(in *portal.TaskInput) { in.Targets[0].Unit, in.Targets[0].Value = "%", 120 }, "t0_value", "plantarget.rate_over_100"},
		{"task 5's number", func(in *portal.TaskInput) { in.Number = 5 }, "number", "plantask.number_taken"},
		{"task 5's metric", func(in *portal.TaskInput) { in.Targets[0].Metric = "posts" }, "t0_metric", "plantarget.metric_taken"},
		{"another plan's section", func(in *portal.TaskInput) { in.SectionID = 999999 }, "section_id", "form.choose"},
	}
	for _, tt := range tests {
		in := good()
		tt.edit(&in)
		_, err := s.store.SaveTask(ctx, tuanwei, id, 0, 0, in)
		if got := portal.FieldErrors(err)[tt.field]; got != tt.msg {
			t.Errorf("%s: %v %v", tt.name, err, portal.FieldErrors(err))
		}
	}
	if n := s.count(`SELECT count(*) FROM plan_tasks WHERE plan_id = $1`, id); n != tasks {
		t.Fatalf("refused tasks were saved: %d, was %d", n, tasks)
	}
	if _, err := s.store.SaveTask(ctx, s.actor("ningxi"), id, 0, 0, good()); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("a responsible person wrote a task: %v", err)
	}
	created, err := s.store.SaveTask(ctx, tuanwei, id, 0, 0, good())
	if err != nil {
		t.Fatal(err)
	}
	if created.Number != 16 || len(created.Targets) != 1 || created.Targets[0].Value != 10 {
		t.Errorf("created %+v", created)
	}
	// Task 10's first-aid target has progress: it cannot be dropped, and a stale
	// version is a conflict.
	t10 := taskByNumber(t, d, 10)
	in := portal.TaskInput{SectionID: t10.SectionID, Number: 10, Title: t10.Title, Description: t10.Description, People: t10.PeopleIDs(), Months: t10.Months}
	for _, x := range t10.Targets[1:] {
		in.Targets = append(in.Targets, portal.TargetInput{ID: x.ID, Metric: x.Metric, Label: x.Label, Comparator: x.Comparator, Value: x.Value, Unit: x.Unit})
	}
	if _, err := s.store.SaveTask(ctx, tuanwei, id, t10.ID, t10.Version, in); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("dropping a target with progress: %v", err)
	}
	if _, err := s.store.SaveTask(ctx, tuanwei, id, t10.ID, t10.Version+1, in); portal.ErrorCode(err) != portal.ECONFLICT {
		t.Errorf("a stale version: %v", err)
	}
	// Swapping two metrics of one task is one edit.
	in.Targets = nil
	for _, x := range t10.Targets {
		in.Targets = append(in.Targets, portal.TargetInput{ID: x.ID, Metric: x.Metric, Label: x.Label, Comparator: x.Comparator, Value: x.Value, Unit: x.Unit})
	}
	in.Targets[2].Metric, in.Targets[3].Metric = in.Targets[3].Metric, in.Targets[2].Metric
	if _, err := s.store.SaveTask(ctx, tuanwei, id, t10.ID, t10.Version, in); err != nil {
		t.Errorf("swapping metrics: %v %v", err, portal.FieldErrors(err))
	}
	if err := s.store.DeleteTask(ctx, tuanwei, id, t10.ID); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("deleting a task with progress: %v", err)
	}
	if err := s.store.DeleteTask(ctx, tuanwei, id, created.ID); err != nil {
		t.Errorf("deleting a new task: %v", err)
	}
}

func TestPlanLifecycle(t *testing.T) {
	s := newSeeded(t)
	ctx := context.Background()
	tuanwei := s.actor("tuanwei")
	var orgID int64
	if err := s.store.pool.QueryRow(ctx, `SELECT id FROM orgs WHERE code = 'tuanwei'`).Scan(&orgID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.store.CreatePlan(ctx, tuanwei, portal.PlanInput{OrgID: orgID, Year: 2027, Title: ""}); portal.FieldErrors(err)["title"] == "" {
		t.Errorf("a plan without a title: %v", err)
	}
	var zuzhibu int64
	if err := s.store.pool.QueryRow(ctx, `SELECT id FROM orgs WHERE code = 'dangwei'`).Scan(&zuzhibu); err != nil {
		t.Fatal(err)
	}
	if _, err := s.store.CreatePlan(ctx, tuanwei, portal.PlanInput{OrgID: zuzhibu, Year: 2027, Title: "党委计划"}); portal.FieldErrors(err)["org_id"] == "" {
		t.Errorf("a plan for the Party committee by 校团委: %v", err)
	}
	p, err := s.store.CreatePlan(ctx, tuanwei, portal.PlanInput{OrgID: orgID, Year: 2027, Title: "2027年共青团工作要点"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.store.SetPlanStatus(ctx, tuanwei, p.ID, p.Version, portal.PlanActive); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("issuing a plan without tasks: %v", err)
	}
	if err := s.store.AddSection(ctx, tuanwei, p.ID, "强党建"); err != nil {
		t.Fatal(err)
	}
	if err := s.store.AddSection(ctx, tuanwei, p.ID, "强党建"); portal.FieldErrors(err)["title"] != "plan.section_taken" {
		t.Errorf("a section twice: %v", err)
	}
	d, err := s.store.GetPlan(ctx, tuanwei, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	// A draft is not shown to the people named in it.
	task, err := s.store.SaveTask(ctx, tuanwei, p.ID, 0, 0, portal.TaskInput{SectionID: d.Sections[0].ID, Number: 1, Title: "主题教育",
		People: []int64{s.actor("chenwen").UserID}, Months: []int{3}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.store.GetPlan(ctx, s.actor("chenwen"), p.ID); err != nil {
		t.Errorf("陈雯 holds a viewer grant on 校团委 and reads drafts: %v", err)
	}
	if err := s.store.AddScheduleItem(ctx, tuanwei, p.ID, portal.ScheduleInput{Number: 1, Months: []int{3}, Text: "启动主题教育", TaskID: task.ID}); err != nil {
		t.Fatal(err)
	}
	if err := s.store.AddScheduleItem(ctx, tuanwei, p.ID, portal.ScheduleInput{Number: 1, Months: []int{4}, Text: "重复编号"}); portal.FieldErrors(err)["number"] != "plantask.number_taken" {
		t.Errorf("a schedule number twice: %v", err)
	}
	if err := s.store.AddRecurringItem(ctx, tuanwei, p.ID, portal.RecurringInput{Number: 1, Title: "理论学习",
		Rhythms: []portal.Rhythm{{Label: "青年大学习", Cadence: portal.Weekly, From: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}}}); portal.FieldErrors(err)["r0_from"] == "" {
		t.Errorf("a rhythm outside the plan's year: %v", err)
	}
	d, _ = s.store.GetPlan(ctx, tuanwei, p.ID)
	if err := s.store.SetPlanStatus(ctx, tuanwei, p.ID, d.Version, portal.PlanActive); err != nil {
		t.Fatal(err)
	}
	d, _ = s.store.GetPlan(ctx, tuanwei, p.ID)
	if err := s.store.SetPlanStatus(ctx, tuanwei, p.ID, d.Version, portal.PlanArchived); err != nil {
		t.Fatal(err)
	}
	if err := s.store.AddSection(ctx, tuanwei, p.ID, "强思政"); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("editing an archived plan: %v", err)
	}
	if _, err := s.store.ReportProgress(ctx, s.actor("chenwen"), p.ID, task.ID, portal.ProgressInput{ReportedOn: time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC),
		Status: portal.TaskInProgress}); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("a report on an archived plan: %v", err)
	}
	if n := s.count(`SELECT count(*) FROM audit_events WHERE action LIKE 'plan.%' AND org_path = (SELECT path FROM orgs WHERE id = $1)`, orgID); n < 6 {
		t.Errorf("%d audit events", n)
	}
}

// TestPlanFactsAreLevels: the store's facts are the reports' values as levels, in
// date order, so that RollUp takes the latest.
func TestPlanFactsAreLevels(t *testing.T) {
	s := newSeeded(t)
	ctx := context.Background()
	d, err := s.store.GetPlan(ctx, s.actor("tuanwei"), s.planID("tuanwei"))
	if err != nil {
		t.Fatal(err)
	}
	var firstAid []float64
	for i, f := range d.Facts {
		if !f.Level {
			t.Errorf("fact %d is not a level", i)
		}
		if i > 0 && f.On.Before(d.Facts[i-1].On) {
			t.Errorf("facts out of order at %d", i)
		}
		if f.Metric == "first_aid" {
			firstAid = append(firstAid, f.Value)
		}
	}
	if len(firstAid) != 2 || firstAid[1] != 2260 {
		t.Errorf("first-aid facts %v", firstAid)
	}
	year := d.Year
	v, ok := portal.RollUp(d.Facts, "first_aid", time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC), false)
	if !ok || v != 2260 {
		t.Errorf("first aid rolls up to %v", v)
	}
	_ = demo.PlanLeague
}
