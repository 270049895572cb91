package demo

import (
	"regexp"
	"testing"
	"time"

	"github.com/campusorg/portal/internal/portal"
)

var monthDayRE = regexp.MustCompile(`^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$`)

// TestLeaguePlanIsSeed001 checks the plan against the document: 15 tasks in four
// sections, the responsible people it names, 42 schedule lines from February to
// December, nine year-round items.
func TestLeaguePlanIsSeed001(t *testing.T) {
	p := leaguePlan()
	if len(p.Sections) != 4 {
		t.Fatalf("%d sections, want 4", len(p.Sections))
	}
	var numbers []int
	for _, s := range p.Sections {
		for _, task := range s.Tasks {
			numbers = append(numbers, task.Number)
		}
	}
	for i, n := range numbers {
		if n != i+1 {
			t.Fatalf("tasks numbered %v, want 1…15", numbers)
		}
	}
	if len(numbers) != 15 {
		t.Fatalf("%d tasks, want 15", len(numbers))
	}
	want := map[int][]string{
		1: {"鲁若曦", "陈雯"}, 4: {"卢雅雪", "冷玖玲", "宁曦"}, 7: {"卢雅雪", "冷玖玲", "白洁", "宁曦"},
		10: {"陈雯", "卢雅雪", "冷玖玲", "常红生", "宁曦", "白洁"}, 15: {"陈雯", "冷玖玲", "宁曦", "张星月"},
	}
	names := map[string]string{}
	for _, person := range People() {
		names[person.Username] = person.Name
	}
	for _, s := range p.Sections {
		for _, task := range s.Tasks {
			w, ok := want[task.Number]
			if !ok {
				continue
			}
			var got []string
			for _, u := range task.People {
				got = append(got, names[u])
			}
			if len(got) != len(w) {
				t.Errorf("task %d: %v, want %v", task.Number, got, w)
				continue
			}
			for i := range w {
				if got[i] != w[i] {
					t.Errorf("task %d: %v, want %v", task.Number, got, w)
				}
			}
		}
	}
	if len(p.Schedule) != 42 {
		t.Errorf("%d schedule lines, want 42", len(p.Schedule))
	}
	for i, l := range p.Schedule {
		if l.Number != i+1 {
			t.Errorf("schedule line %d numbered %d", i+1, l.Number)
		}
		if l.Months[0] < 2 {
			t.Errorf("line %d before February", l.Number)
		}
	}
	if len(p.Recurring) != 9 {
		t.Errorf("%d year-round items, want 9", len(p.Recurring))
	}
}

// TestPlansAreValid runs every demo plan through the portal's own checks.
func TestPlansAreValid(t *testing.T) {
	orgs := index(t)
	people := map[string]Person{}
	for _, p := range People() {
		people[p.Username] = p
	}
	for _, p := range Plans() {
		if _, ok := orgs[p.Org]; !ok {
			t.Errorf("%s: unknown org %q", p.Key, p.Org)
		}
		in := portal.PlanInput{OrgID: 1, Year: 2026, Title: p.Title, Intro: p.Intro, Closing: p.Closing}
		if err := in.Validate(); err != nil {
			t.Errorf("%s: %v", p.Key, portal.FieldErrors(err))
		}
		tasks := map[int]portal.TaskInput{}
		metrics := map[string]int{}
		for _, s := range p.Sections {
			if _, err := portal.ValidateSectionTitle(s.Title); err != nil {
				t.Errorf("%s: section %q: %v", p.Key, s.Title, err)
			}
			for _, task := range s.Tasks {
				ti := portal.TaskInput{SectionID: 1, Number: task.Number, Title: task.Title, Description: task.Description, Months: task.Months}
				for i, u := range task.People {
					person, ok := people[u]
					if !ok {
						t.Errorf("%s task %d: no account %q", p.Key, task.Number, u)
						continue
					}
					if !underOrTo(orgs, person.HomeOrg, p.Org) {
						t.Errorf("%s task %d: %s does not belong to %s", p.Key, task.Number, u, p.Org)
					}
					ti.People = append(ti.People, int64(i+1))
				}
				for _, x := range task.Targets {
					ti.Targets = append(ti.Targets, portal.TargetInput{Metric: x.Metric, Label: x.Label, Comparator: portal.Comparator(x.Cmp), Value: x.Value, Unit: x.Unit})
					if n, dup := metrics[x.Metric]; dup {
						t.Errorf("%s: metric %s in tasks %d and %d", p.Key, x.Metric, n, task.Number)
					}
					metrics[x.Metric] = task.Number
				}
				if err := ti.Validate(); err != nil {
					t.Errorf("%s task %d: %v", p.Key, task.Number, portal.FieldErrors(err))
				}
				tasks[task.Number] = ti
			}
		}
		for _, l := range p.Schedule {
			si := portal.ScheduleInput{Number: l.Number, Months: l.Months, Text: l.Text}
			if err := si.Validate(); err != nil {
				t.Errorf("%s line %d: %v", p.Key, l.Number, portal.FieldErrors(err))
			}
			if l.Task == 0 {
				continue
			}
			task, ok := tasks[l.Task]
			if !ok {
				t.Errorf("%s line %d: no task %d", p.Key, l.Number, l.Task)
				continue
			}
			for _, m := range l.Months {
				if !(portal.PlanTask{Months: task.Months}).InMonth(m) {
					t.Errorf("%s line %d is in month %d, which task %d is not scheduled in", p.Key, l.Number, m, l.Task)
				}
			}
		}
		for _, r := range p.Recurring {
			ri := portal.RecurringInput{Number: r.Number, Title: r.Title, Text: r.Text}
			for _, rh := range r.Rhythms {
				if !monthDayRE.MatchString(rh.From) {
					t.Errorf("%s item %d: day %q", p.Key, r.Number, rh.From)
				}
				from, _ := time.Parse(time.DateOnly, "2026-"+rh.From)
				ri.Rhythms = append(ri.Rhythms, portal.Rhythm{Label: rh.Label, Cadence: portal.Cadence(rh.Cadence), From: from})
			}
			if err := ri.Validate(2026); err != nil {
				t.Errorf("%s item %d: %v", p.Key, r.Number, portal.FieldErrors(err))
			}
			if _, ok := tasks[r.Task]; r.Task != 0 && !ok {
				t.Errorf("%s item %d: no task %d", p.Key, r.Number, r.Task)
			}
		}
		for _, pr := range p.Progress {
			task, ok := tasks[pr.Task]
			if !ok {
				t.Errorf("%s: progress on unknown task %d", p.Key, pr.Task)
				continue
			}
			if !monthDayRE.MatchString(pr.On) || !portal.TaskStatus(pr.Status).Valid() {
				t.Errorf("%s task %d: report %q %q", p.Key, pr.Task, pr.On, pr.Status)
			}
			if _, ok := people[pr.By]; !ok {
				t.Errorf("%s task %d: reporter %q", p.Key, pr.Task, pr.By)
			}
			for m := range pr.Values {
				found := false
				for _, x := range task.Targets {
					found = found || x.Metric == m
				}
				if !found {
					t.Errorf("%s task %d: value of unknown metric %s", p.Key, pr.Task, m)
				}
			}
		}
	}
}

// underOrTo reports whether the org with key lies in the subtree of the org with top.
func underOrTo(orgs map[string]node, key, top string) bool {
	for k := key; k != ""; k = orgs[k].parent {
		if k == top {
			return true
		}
	}
	return false
}

func TestAssessmentDemo(t *testing.T) {
	sys := CareSystem()
	in := portal.SystemInput{OwnerOrgID: 1, Name: sys.Name, Description: sys.Description, StatusName: sys.StatusName, Threshold: sys.Threshold}
	keys := 0
	for _, x := range sys.Indicators {
		in.Indicators = append(in.Indicators, portal.IndicatorInput{Code: x.Code, Name: x.Name, Criteria: x.Criteria, MaxScore: x.Max, Weight: x.Weight, Key: x.Key})
		if x.Key {
			keys++
		}
	}
	if err := in.Validate(); err != nil {
		t.Fatal(portal.FieldErrors(err))
	}
	if keys != 3 {
		t.Errorf("%d key indicators, want seed 004's 3", keys)
	}
	orgs := index(t)
	for _, o := range CareRoundOrgs() {
		if orgs[CareKey(o.College)].Kind != string(portal.KindCollegeCareCommittee) {
			t.Errorf("%s: no college committee", o.College)
		}
		for _, xs := range [][]float64{o.Self, o.Scores} {
			if len(xs) > len(sys.Indicators) {
				t.Errorf("%s: %d scores", o.College, len(xs))
			}
			for i, x := range xs {
				if x < 0 || x > sys.Indicators[i].Max {
					t.Errorf("%s: score %v on indicator %d", o.College, x, i+1)
				}
			}
		}
	}
	g := BranchGrading()
	gi := portal.GradingInput{OwnerOrgID: 1, ScopeOrgID: 1, OrgKind: portal.OrgKind(g.Kind), Year: 2026, Title: g.Title,
		FiveAt: g.FiveAt, FourAt: g.FourAt, ThreeAt: g.ThreeAt, TwoAt: g.TwoAt, FiveCap: g.FiveCap, FourCap: g.FourCap}
	if err := gi.Validate(); err != nil {
		t.Fatal(portal.FieldErrors(err))
	}
}
