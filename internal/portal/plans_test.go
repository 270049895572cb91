package portal

import (
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

func near2(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

func TestElapsedShare(t *testing.T) {
	tests := []struct {
		name   string
		months []int
		on     string
		want   float64
	}{
		{"before the schedule", []int{3, 4}, "2023-02-28", 0},
		{"first day of the first month", []int{3, 4}, "2023-03-01", 0.5 / 31},
		{"first month over", []int{3, 4}, "2023-04-01", 0.5 + 0.5/30},
		{"mid-way through March of a two-month task", []int{3, 4}, "2023-03-31", 0.5},
		{"after the schedule", []int{3, 4}, "2023-06-01", 1},
		{"gaps count only scheduled months", []int{2, 11, 12}, "2023-10-15", 1.0 / 3},
		{"the whole year when no months are given", nil, "2023-07-01", 6.0/12 + 1.0/31/12},
		{"another year before", []int{1}, "2022-12-31", 0},
		{"another year after", []int{12}, "2024-01-01", 1},
	}
	for _, tt := range tests {
		if got := ElapsedShare(2023, tt.months, date(tt.on)); !near2(got, tt.want) {
			t.Errorf("%s: ElapsedShare = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestTargetPace: the pace rule on the targets of seed 001.
func TestTargetPace(t *testing.T) {
	posts := Target{Metric: "posts", Comparator: AtLeast, Value: 200, Unit: "个"}          // 全年发布内容不少于200个
	firstAid := Target{Metric: "first_aid", Comparator: AtLeast, Value: 2500, Unit: "人次"} // 培训人数不少于2500人次
	rate := Target{Metric: "practice_rate", Comparator: MoreThan, Value: 50, Unit: "%"}   // 参与率达到50%以上
	budget := Target{Metric: "budget", Comparator: AtMost, Value: 20000, Unit: "元"}
	incidents := Target{Metric: "incidents", Comparator: LessThan, Value: 1, Unit: "起"}
	whole := []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	summer := []int{6, 7, 8, 9}
	tests := []struct {
		name         string
		target       Target
		months       []int
		reached      float64
		on           string
		wantStatus   PaceStatus
		wantExpected float64
	}{
		{"half the year, half the posts: on track", posts, whole, 100, "2023-06-30", PaceOnTrack, 100},
		{"half the year, 99 posts: behind", posts, whole, 99, "2023-06-30", PaceBehind, 100},
		{"ahead of pace", posts, whole, 150, "2023-06-30", PaceOnTrack, 100},
		{"200 posts in October: met", posts, whole, 200, "2023-10-01", PaceMet, 200 * (9 + 1.0/31) / 12},
		{"the year over, 199 posts: missed", posts, whole, 199, "2024-01-05", PaceMissed, 200},
		{"first aid from February: a quarter through", firstAid, []int{2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 700, "2023-04-30", PaceOnTrack, 2500 * 3 / 11.0},
		{"first aid behind", firstAid, []int{2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 500, "2023-04-30", PaceBehind, 2500 * 3 / 11.0},
		{"nothing due before the schedule", posts, summer, 0, "2023-05-31", PaceNotDue, 0},
		{"a rate is pro-rated: 25% halfway is on track", rate, summer, 25, "2023-07-31", PaceOnTrack, 25},
		{"a rate below its pace", rate, summer, 20, "2023-07-31", PaceBehind, 25},
		{"exactly 50% is not more than 50%", rate, summer, 50, "2023-10-01", PaceMissed, 50},
		{"51% is more than 50%", rate, summer, 51, "2023-08-01", PaceMet, 50 * (2 + 1.0/31) / 4},
		{"a limit binds at once, not pro-rated", budget, whole, 15000, "2023-02-01", PaceOnTrack, 20000},
		{"a limit reached exactly still holds", budget, whole, 20000, "2023-06-01", PaceOnTrack, 20000},
		{"a limit broken", budget, whole, 20001, "2023-06-01", PaceExceeded, 20000},
		{"a limit kept to the end is met", budget, whole, 19000, "2024-01-01", PaceMet, 20000},
		{"less than 1: none is within", incidents, whole, 0, "2023-06-01", PaceOnTrack, 1},
		{"less than 1: one is over", incidents, whole, 1, "2023-06-01", PaceExceeded, 1},
	}
	for _, tt := range tests {
		p := TargetPace(tt.target, 2023, tt.months, tt.reached, tt.reached > 0, date(tt.on))
		if p.Status != tt.wantStatus {
			t.Errorf("%s: status %s, want %s (%+v)", tt.name, p.Status, tt.wantStatus, p)
		}
		if !near2(p.Expected, tt.wantExpected) {
			t.Errorf("%s: expected %v, want %v", tt.name, p.Expected, tt.wantExpected)
		}
	}
	if !PaceBehind.Problem() || !PaceMissed.Problem() || !PaceExceeded.Problem() || PaceOnTrack.Problem() || PaceMet.Problem() || PaceNotDue.Problem() {
		t.Error("Problem disagrees with the statuses supervision looks for")
	}
}

// TestRollUp: levels (progress reports' "value reached so far") and increments
// (ledger entries tagged with the metric) roll up into one figure.
func TestRollUp(t *testing.T) {
	lvl := func(on string, v float64) Fact { return Fact{On: date(on), Metric: "first_aid", Value: v, Level: true} }
	inc := func(on string, v float64) Fact { return Fact{On: date(on), Metric: "first_aid", Value: v} }
	other := Fact{On: date("2023-03-01"), Metric: "posts", Value: 99}
	from := date("2023-01-01")
	tests := []struct {
		name   string
		facts  []Fact
		to     string
		rate   bool
		want   float64
		wantOK bool
	}{
		{"nothing", nil, "2023-12-31", false, 0, false},
		{"only other metrics", []Fact{other}, "2023-12-31", false, 0, false},
		{"ledger entries add up", []Fact{inc("2023-02-20", 120), inc("2023-03-03", 300), other}, "2023-12-31", false, 420, true},
		{"entries after the day do not count", []Fact{inc("2023-02-20", 120), inc("2023-03-03", 300)}, "2023-03-02", false, 120, true},
		{"entries before the year do not count", []Fact{inc("2022-12-20", 500), inc("2023-02-20", 120)}, "2023-12-31", false, 120, true},
		{"the latest report wins", []Fact{lvl("2023-03-31", 800), lvl("2023-06-30", 1500), lvl("2023-05-31", 1200)}, "2023-12-31", false, 1500, true},
		{"a later report does not count before its day", []Fact{lvl("2023-03-31", 800), lvl("2023-06-30", 1500)}, "2023-04-30", false, 800, true},
		{"entries after the latest report add to it", []Fact{lvl("2023-06-30", 1500), inc("2023-07-10", 200), inc("2023-08-02", 50)}, "2023-12-31", false, 1750, true},
		{"entries up to the report's day are in it", []Fact{inc("2023-06-01", 300), inc("2023-06-30", 100), lvl("2023-06-30", 1500), inc("2023-07-01", 10)}, "2023-12-31", false, 1510, true},
		{"two reports on one day: the last given", []Fact{lvl("2023-06-30", 1500), lvl("2023-06-30", 1450)}, "2023-12-31", false, 1450, true},
		{"a rate takes the latest level", []Fact{lvl("2023-07-31", 30), lvl("2023-08-31", 42)}, "2023-12-31", true, 42, true},
		{"a rate ignores increments", []Fact{lvl("2023-07-31", 30), inc("2023-08-31", 5)}, "2023-12-31", true, 30, true},
		{"a rate with increments only is unknown", []Fact{inc("2023-08-31", 5)}, "2023-12-31", true, 0, false},
	}
	for _, tt := range tests {
		got, ok := RollUp(tt.facts, "first_aid", from, date(tt.to), tt.rate)
		if !near2(got, tt.want) || ok != tt.wantOK {
			t.Errorf("%s: RollUp = %v, %v; want %v, %v", tt.name, got, ok, tt.want, tt.wantOK)
		}
	}
}

func seedTask() TaskInput {
	return TaskInput{SectionID: 2, Number: 5, Title: "重视网络思政，主动有效引导宣传", People: []int64{11, 12}, Months: []int{12, 2, 3, 2},
		Targets: []TargetInput{{Metric: "posts", Label: "全年发布内容", Comparator: AtLeast, Value: 200, Unit: "个"}}}
}

func TestTaskInputValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*TaskInput)
		want []string
	}{
		{"seed 001 task 5", func(*TaskInput) {}, nil},
		{"no section", func(in *TaskInput) { in.SectionID = 0 }, []string{"section_id"}},
		{"number out of range", func(in *TaskInput) { in.Number = 0 }, []string{"number"}},
		{"title required", func(in *TaskInput) { in.Title = " " }, []string{"title"}},
		{"nobody responsible", func(in *TaskInput) { in.People = nil }, []string{"people"}},
		{"a person twice", func(in *TaskInput) { in.People = []int64{11, 11} }, []string{"people"}},
		{"no month", func(in *TaskInput) { in.Months = nil }, []string{"months"}},
		{"month 13", func(in *TaskInput) { in.Months = []int{13} }, []string{"months"}},
		{"target without a unit", func(in *TaskInput) { in.Targets[0].Unit = " " }, []string{"t0_unit"}},
		{"target without a label", func(in *TaskInput) { in.Targets[0].Label = "" }, []string{"t0_label"}},
		{"metric with capitals", func(in *TaskInput) { in.Targets[0].Metric = "Posts" }, []string{"t0_metric"}},
		{"metric twice in the task", func(in *TaskInput) {
			in.Targets = append(in.Targets, TargetInput{Metric: "posts", Label: "原创", Comparator: AtLeast, Value: 20, Unit: "个"})
		}, []string{"t1_metric"}},
		{"unknown comparator", func(in *TaskInput) { in.Targets[0].Comparator = "about" }, []string{"t0_cmp"}},
		{"negative target", func(in *TaskInput) { in.Targets[0].Value = -200 }, []string{"t0_value"}},
		{"a goal of zero", func(in *TaskInput) { in.Targets[0].Value = 0 }, []string{"t0_value"}},
		{"an absurd target", func(in *TaskInput) { in.Targets[0].Value = 2e9 }, []string{"t0_value"}},
		{"participation of 150%", func(in *TaskInput) { in.Targets[0].Unit, in.Targets[0].Value = "%", 150 }, []string{"t0_value"}},
		{"more than 100% is impossible", func(in *TaskInput) {
			in.Targets[0].Unit, in.Targets[0].Value, in.Targets[0].Comparator = "%", 100, MoreThan
		}, []string{"t0_value"}},
		{"at least 100% is possible", func(in *TaskInput) { in.Targets[0].Unit, in.Targets[0].Value = "%", 100 }, nil},
		{"less than 0 is impossible", func(in *TaskInput) {
			in.Targets[0].Comparator, in.Targets[0].Value = LessThan, 0
		}, []string{"t0_value"}},
		{"at most 0 is a fine limit", func(in *TaskInput) { in.Targets[0].Comparator, in.Targets[0].Value = AtMost, 0 }, nil},
		{"too many targets", func(in *TaskInput) {
			for i := 0; i < MaxTaskTargets; i++ {
				in.Targets = append(in.Targets, TargetInput{Metric: "m" + string(rune('a'+i)), Label: "x", Comparator: AtLeast, Value: 1, Unit: "个"})
			}
		}, []string{"targets"}},
		{"description too long", func(in *TaskInput) { in.Description = strings.Repeat("字", MaxTaskText+1) }, []string{"description"}},
	}
	for _, tt := range tests {
		in := seedTask()
		tt.edit(&in)
		err := in.Validate()
		if got := fieldKeys(err); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: bad fields %v, want %v (%v)", tt.name, got, tt.want, FieldErrors(err))
		}
	}
	in := seedTask()
	if err := in.Validate(); err != nil || !reflect.DeepEqual(in.Months, []int{2, 3, 12}) {
		t.Errorf("months not cleaned: %v (%v)", in.Months, err)
	}
}

func TestCheckTask(t *testing.T) {
	d := PlanDetail{Sections: []PlanSection{{ID: 1}, {ID: 2}}, Tasks: []PlanTask{
		{ID: 7, Number: 5, Targets: []Target{{ID: 70, Metric: "posts"}}},
		{ID: 8, Number: 10, Targets: []Target{{ID: 80, Metric: "first_aid"}}},
	}}
	in := seedTask()
	_ = in.Validate()
	if err := CheckTask(d, 7, in); err != nil {
		t.Errorf("editing task 5 itself: %v", FieldErrors(err))
	}
	if got := fieldKeys(CheckTask(d, 0, in)); !reflect.DeepEqual(got, []string{"number", "t0_metric"}) {
		t.Errorf("a new task 5 with posts: %v", got)
	}
	in.SectionID = 9
	in.Number = 6
	in.Targets[0].Metric = "first_aid"
	if got := fieldKeys(CheckTask(d, 7, in)); !reflect.DeepEqual(got, []string{"section_id", "t0_metric"}) {
		t.Errorf("another plan's section and task 10's metric: %v", got)
	}
	in = seedTask()
	in.Targets[0].ID = 80
	if got := fieldKeys(CheckTask(d, 7, in)); !reflect.DeepEqual(got, []string{"t0_label"}) {
		t.Errorf("editing another task's target: %v", got)
	}
}

func TestCheckProgress(t *testing.T) {
	plan := Plan{Year: 2023, Status: PlanActive}
	task := PlanTask{ID: 10, Targets: []Target{{ID: 100, Unit: "人次", Comparator: AtLeast, Value: 2500}, {ID: 101, Unit: "%", Comparator: MoreThan, Value: 50}}}
	today := date("2023-07-15")
	tests := []struct {
		name string
		edit func(*ProgressInput, *Plan)
		want []string
		msg  string
	}{
		{"a good report", func(*ProgressInput, *Plan) {}, nil, ""},
		{"no day", func(in *ProgressInput, _ *Plan) { in.ReportedOn = time.Time{} }, []string{"reported_on"}, ""},
		{"beyond the plan's year", func(in *ProgressInput, _ *Plan) { in.ReportedOn = date("2024-01-02") }, []string{"reported_on"}, ""},
		{"before the plan's year", func(in *ProgressInput, _ *Plan) { in.ReportedOn = date("2022-12-31") }, []string{"reported_on"}, ""},
		{"in the future", func(in *ProgressInput, _ *Plan) { in.ReportedOn = date("2023-07-16") }, []string{"reported_on"}, ""},
		{"unknown status", func(in *ProgressInput, _ *Plan) { in.Status = "half" }, []string{"status"}, ""},
		{"negative value", func(in *ProgressInput, _ *Plan) { in.Values[100] = -1 }, []string{"v100"}, ""},
		{"rate over 100", func(in *ProgressInput, _ *Plan) { in.Values[101] = 120 }, []string{"v101"}, ""},
		{"another task's target", func(in *ProgressInput, _ *Plan) { in.Values[999] = 1 }, []string{"v999"}, ""},
		{"not started with figures", func(in *ProgressInput, _ *Plan) { in.Status = TaskNotStarted }, []string{"status"}, ""},
		{"a draft plan takes no report", func(_ *ProgressInput, p *Plan) { p.Status = PlanDraft }, nil, "planprogress.plan_not_active"},
		{"an archived plan takes no report", func(_ *ProgressInput, p *Plan) { p.Status = PlanArchived }, nil, "planprogress.plan_not_active"},
	}
	for _, tt := range tests {
		in := ProgressInput{ReportedOn: date("2023-07-15"), Status: TaskInProgress, Values: map[int64]float64{100: 1200, 101: 30}}
		p := plan
		tt.edit(&in, &p)
		err := CheckProgress(p, task, &in, today)
		if got := fieldKeys(err); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: bad fields %v, want %v", tt.name, got, tt.want)
		}
		if tt.msg != "" {
			var e *Error
			if err == nil || !errorAs(err, &e) || e.Message != tt.msg {
				t.Errorf("%s: error %v, want %s", tt.name, err, tt.msg)
			}
		}
	}
}

func errorAs(err error, target **Error) bool {
	e, ok := err.(*Error)
	if ok {
		*target = e
	}
	return ok
}

func TestOccurrences(t *testing.T) {
	weekly := Occurrences(Rhythm{Label: "青年大学习", Cadence: Weekly, From: date("2023-02-20")})
	if len(weekly) != 45 || !weekly[0].Equal(date("2023-02-20")) || !weekly[44].Equal(date("2023-12-25")) {
		t.Errorf("weekly: %d occurrences, %v … %v", len(weekly), weekly[0], weekly[len(weekly)-1])
	}
	biweekly := Occurrences(Rhythm{Cadence: Biweekly, From: date("2023-02-22")})
	if len(biweekly) != 23 || !biweekly[1].Equal(date("2023-03-08")) {
		t.Errorf("biweekly: %d occurrences, second %v", len(biweekly), biweekly[1])
	}
	monthly := Occurrences(Rhythm{Cadence: Monthly, From: date("2023-01-31")})
	if len(monthly) != 12 || !monthly[1].Equal(date("2023-02-28")) || !monthly[2].Equal(date("2023-03-31")) {
		t.Errorf("monthly: %v", monthly)
	}
	if n := len(OccurrencesIn(Rhythm{Cadence: Weekly, From: date("2023-02-20")}, 3)); n != 4 {
		t.Errorf("weekly in March 2023: %d, want 4", n)
	}
	if Occurrences(Rhythm{Cadence: "daily", From: date("2023-01-01")}) != nil {
		t.Error("an unknown cadence has occurrences")
	}
}

func TestScheduleRows(t *testing.T) {
	items := []ScheduleItem{
		{Number: 3, Months: []int{2}}, {Number: 1, Months: []int{2}}, {Number: 6, Months: []int{3}},
		{Number: 26, Months: []int{7, 8}}, {Number: 27, Months: []int{7, 8}}, {Number: 38, Months: []int{11, 12}},
	}
	rows := ScheduleRows(items)
	var got [][]int
	for _, r := range rows {
		var nums []int
		for _, it := range r.Items {
			nums = append(nums, it.Number)
		}
		got = append(got, nums)
	}
	if want := [][]int{{1, 3}, {6}, {26, 27}, {38}}; !reflect.DeepEqual(got, want) {
		t.Errorf("rows %v, want %v", got, want)
	}
}

func TestReviewAndSupervise(t *testing.T) {
	d := PlanDetail{
		Plan:     Plan{Year: 2023},
		Sections: []PlanSection{{ID: 1, Title: "强思政"}, {ID: 2, Title: "强治理"}},
		Tasks: []PlanTask{
			{ID: 5, SectionID: 1, Number: 5, People: []TaskPerson{{1, "卢雅雪"}, {2, "宁曦"}}, Months: []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12},
				Targets: []Target{{ID: 50, Metric: "posts", Comparator: AtLeast, Value: 200, Unit: "个"}}},
			{ID: 10, SectionID: 2, Number: 10, People: []TaskPerson{{3, "陈雯"}, {2, "宁曦"}}, Months: []int{2, 3}},
			{ID: 12, SectionID: 2, Number: 12, People: []TaskPerson{{1, "卢雅雪"}}, Months: []int{9, 10}},
			{ID: 13, SectionID: 2, Number: 13, People: []TaskPerson{{3, "陈雯"}}, Months: []int{5}},
		},
		Latest: map[int64]ProgressReport{
			5:  {Status: TaskInProgress, ReportedOn: date("2023-06-30")},
			13: {Status: TaskStalled, ReportedOn: date("2023-05-10")},
		},
		Facts: []Fact{{On: date("2023-06-30"), Metric: "posts", Value: 80, Level: true}},
	}
	on := date("2023-07-01")
	reviews := d.Review(on)
	issues := map[int64][]string{}
	for _, r := range reviews {
		issues[r.Task.ID] = r.Issues
	}
	want := map[int64][]string{
		5:  {IssueBelowPace},                // 80 posts when 100 are due
		10: {IssueNotStarted, IssueOverdue}, // February and March passed without a report
		12: nil,                             // not due yet
		13: {IssueOverdue, IssueStalled},
	}
	if !reflect.DeepEqual(issues, want) {
		t.Errorf("issues %v, want %v", issues, want)
	}
	bySection, byPerson := d.Supervise(reviews)
	if len(bySection) != 2 || bySection[0].Total != 1 || len(bySection[0].Behind) != 1 || bySection[1].Total != 3 || len(bySection[1].Behind) != 2 {
		t.Errorf("by section %+v", bySection)
	}
	names := []string{}
	for _, g := range byPerson {
		names = append(names, g.Name+":"+strings.Repeat("x", len(g.Behind)))
	}
	if want := []string{"卢雅雪:x", "宁曦:xx", "陈雯:xx"}; !reflect.DeepEqual(names, want) {
		t.Errorf("by person %v, want %v", names, want)
	}
	// The posts catch up: the supervision view updates.
	d.Facts = append(d.Facts, Fact{On: date("2023-07-01"), Metric: "posts", Value: 110, Level: true})
	if r := d.Review(on)[0]; r.Behind() || r.Targets[0].Pace.Status != PaceOnTrack {
		t.Errorf("after catching up: %+v", r)
	}
}

func TestMonthWork(t *testing.T) {
	d := PlanDetail{
		Tasks: []PlanTask{
			{ID: 5, People: []TaskPerson{{1, "卢雅雪"}, {2, "宁曦"}}, Months: []int{2, 3}},
			{ID: 10, People: []TaskPerson{{3, "陈雯"}}, Months: []int{6}},
		},
		Schedule: []ScheduleItem{
			{Number: 1, Months: []int{2}, Text: "制定工作要点"},
			{Number: 5, Months: []int{2}, TaskID: 10, Text: "启动应急救护培训"},
			{Number: 6, Months: []int{2, 3}, TaskID: 5, Text: "网络思政"},
		},
		Recurring: []RecurringItem{{Number: 2, Title: "网络思政", TaskID: 5}},
	}
	got := d.MonthWork(2)
	if len(got) != 4 {
		t.Fatalf("February: %d groups, want 4 (two people on task 5, 陈雯 for the linked line, the rest)", len(got))
	}
	if got[0].Person.Name != "卢雅雪" || len(got[0].Tasks) != 1 || len(got[0].Schedule) != 1 || len(got[0].Recurring) != 1 {
		t.Errorf("卢雅雪 in February: %+v", got[0])
	}
	if got[2].Person.Name != "陈雯" || len(got[2].Tasks) != 0 || len(got[2].Schedule) != 1 {
		t.Errorf("陈雯 in February: %+v", got[2])
	}
	if got[3].Person.UserID != 0 || len(got[3].Schedule) != 1 || got[3].Schedule[0].Number != 1 {
		t.Errorf("the unlinked lines: %+v", got[3])
	}
	// Year-round items come back every month; nothing else is due in August.
	if aug := d.MonthWork(8); len(aug) != 2 || len(aug[0].Tasks)+len(aug[0].Schedule) != 0 || len(aug[0].Recurring) != 1 {
		t.Errorf("August: %+v", aug)
	}
}

func TestMemberAndPlanPolicy(t *testing.T) {
	if !Member("/1/3/", nil, "/1/3/") || !Member("/1/", []string{"/1/3/7/"}, "/1/3/") || Member("/1/", []string{"/1/4/"}, "/1/3/") {
		t.Error("Member disagrees")
	}
	manager := &Actor{UserID: 1, Grants: []Grant{{Role: RoleManager, OrgPath: "/1/3/"}}}
	viewer := &Actor{UserID: 2, Grants: []Grant{{Role: RoleViewer, OrgPath: "/1/"}}}
	person := &Actor{UserID: 9}
	secretary := &Actor{UserID: 4, Grants: []Grant{{Role: RoleSecretary, OrgPath: "/1/3/"}}}
	tests := []struct {
		name string
		got  bool
		want bool
	}{
		{"manager manages the plan", Can(manager, ActManagePlan, "/1/3/"), true},
		{"viewer does not manage", Can(viewer, ActManagePlan, "/1/3/"), false},
		{"viewer reads", CanViewPlan(viewer, "/1/3/", false), true},
		{"a secretary does not read", CanViewPlan(secretary, "/1/3/", false), false},
		{"a responsible person reads", CanViewPlan(person, "/1/3/", true), true},
		{"an anonymous responsible flag reads nothing", CanViewPlan(&Actor{}, "/1/3/", true), false},
		{"a responsible person reports", CanReportProgress(person, "/1/3/", []int64{8, 9}), true},
		{"someone else does not", CanReportProgress(person, "/1/3/", []int64{8}), false},
		{"the plan's manager reports on anyone's task", CanReportProgress(manager, "/1/3/", []int64{8}), true},
		{"a viewer does not report", CanReportProgress(viewer, "/1/3/", []int64{8}), false},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}
