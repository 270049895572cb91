package portal

import (
	"testing"
	"time"
)

func TestBuildMilestonesFromChecklistAndPlan(t *testing.T) {
	items := []ChecklistItem{
		{Title: "一次创建说明班会", DueMonth: 1},
		{Title: "一次参观学习", DueMonth: 6, EvidenceRequired: true},
		{Title: "一份创建总结", DueMonth: 14}, // past the cycle: due on its last day
	}
	steps := []PlanStep{
		{On: "2024-03-20", What: "制定创建计划书"}, // before approval: already done
		{On: "2024-05-04", What: "五四主题团日"},
		{On: "2024-04-30", What: "班级动员"},
		{On: "bad", What: "无日期"},
		{On: "2025-06-01", What: "超出周期"},
	}
	ms := BuildMilestones(day("2024-04-01"), day("2025-03-31"), items, steps)
	want := []struct {
		title, due string
		src        MilestoneSource
	}{
		{"一次创建说明班会", "2024-04-30", SourceChecklist},
		{"班级动员", "2024-04-30", SourcePlan},
		{"五四主题团日", "2024-05-04", SourcePlan},
		{"一次参观学习", "2024-09-30", SourceChecklist},
		{"一份创建总结", "2025-03-31", SourceChecklist},
	}
	if len(ms) != len(want) {
		t.Fatalf("milestones: %+v", ms)
	}
	for i, w := range want {
		if ms[i].Title != w.title || ms[i].Due.Format("2006-01-02") != w.due || ms[i].Source != w.src || ms[i].Position != i+1 ||
			ms[i].Status != MilestoneNotStarted {
			t.Errorf("milestone %d: %+v, want %v", i, ms[i], w)
		}
	}
	if !ms[3].EvidenceRequired {
		t.Error("the checklist's evidence rule is lost")
	}
}

func TestMilestoneUpdate(t *testing.T) {
	p := Project{Starts: day("2024-04-01"), Ends: day("2025-03-31")}
	today := day("2024-06-14")
	m := Milestone{Title: "一次参观学习", Due: day("2024-09-30"), EvidenceRequired: true}
	tests := []struct {
		name     string
		u        MilestoneUpdate
		evidence int
		field    string
		msg      string
	}{
		{"done with evidence", MilestoneUpdate{Status: MilestoneDone, CompletedOn: day("2024-06-10")}, 1, "", ""},
		{"done without a day", MilestoneUpdate{Status: MilestoneDone}, 1, "completed_on", "form.required"},
		{"done tomorrow", MilestoneUpdate{Status: MilestoneDone, CompletedOn: day("2024-06-15")}, 1, "completed_on", "milestone.completed_future"},
		{"done before the cycle", MilestoneUpdate{Status: MilestoneDone, CompletedOn: day("2024-03-30")}, 1, "completed_on", "milestone.completed_before_start"},
		{"done without evidence", MilestoneUpdate{Status: MilestoneDone, CompletedOn: day("2024-06-10")}, 0, "evidence", "milestone.evidence_required"},
		{"in progress", MilestoneUpdate{Status: MilestoneInProgress, CompletedOn: day("2024-06-10")}, 0, "", ""},
		{"unknown status", MilestoneUpdate{Status: "overdue"}, 0, "status", "form.choose"},
		{"moved outside the cycle", MilestoneUpdate{Status: MilestoneNotStarted, Due: day("2025-04-01")}, 0, "due_on", "milestone.due_outside_cycle"},
	}
	for _, tt := range tests {
		u := tt.u
		err := u.Validate(p, m, today, tt.evidence)
		if tt.field == "" {
			if err != nil {
				t.Errorf("%s: %v %v", tt.name, err, FieldErrors(err))
			}
			if u.Status != MilestoneDone && !u.CompletedOn.IsZero() {
				t.Errorf("%s: a completion day kept on an open milestone", tt.name)
			}
			continue
		}
		if FieldErrors(err)[tt.field] != tt.msg {
			t.Errorf("%s: %v, want %s on %s", tt.name, FieldErrors(err), tt.msg, tt.field)
		}
	}
}

func TestOutcomesAndBans(t *testing.T) {
	today := day("2024-12-20")
	tests := []struct {
		name  string
		in    OutcomeInput
		field string
	}{
		{"final pass", OutcomeInput{Stage: StageFinal, Outcome: OutcomePass}, ""},
		{"final excellent", OutcomeInput{Stage: StageFinal, Outcome: OutcomeExcellent}, ""},
		{"fail needs a reason", OutcomeInput{Stage: StageFinal, Outcome: OutcomeFail}, "note"},
		{"fail with a reason", OutcomeInput{Stage: StageFinal, Outcome: OutcomeFail, Note: "材料不实"}, ""},
		{"rectify needs a day", OutcomeInput{Stage: StageFinal, Outcome: OutcomeRectify, Note: "补充台账"}, "rectify_by"},
		{"rectify by a past day", OutcomeInput{Stage: StageFinal, Outcome: OutcomeRectify, Note: "补充台账", RectifyBy: today}, "rectify_by"},
		{"rectify", OutcomeInput{Stage: StageMidterm, Outcome: OutcomeRectify, Note: "补充台账", RectifyBy: day("2025-01-20")}, ""},
		{"no excellent at mid-term", OutcomeInput{Stage: StageMidterm, Outcome: OutcomeExcellent}, "outcome"},
		{"no fail at mid-term", OutcomeInput{Stage: StageMidterm, Outcome: OutcomeFail, Note: "x"}, "outcome"},
		{"approval is not a stage here", OutcomeInput{Stage: StageApproval, Outcome: OutcomePass}, "stage"},
	}
	for _, tt := range tests {
		in := tt.in
		err := in.Validate(today)
		if tt.field == "" && err != nil || tt.field != "" && FieldErrors(err)[tt.field] == "" {
			t.Errorf("%s: %v %v", tt.name, err, FieldErrors(err))
		}
	}
	for _, tt := range []struct {
		stage Stage
		o     Outcome
		want  ProjectStatus
	}{
		{StageFinal, OutcomePass, ProjectPassed}, {StageFinal, OutcomeExcellent, ProjectExcellent}, {StageFinal, OutcomeFail, ProjectFailed},
		{StageFinal, OutcomeRectify, ProjectRectify}, {StageMidterm, OutcomeRectify, ProjectRectify}, {StageMidterm, OutcomePass, ProjectRunning},
	} {
		if got := StatusAfter(tt.stage, tt.o); got != tt.want {
			t.Errorf("%s %s → %s, want %s", tt.stage, tt.o, got, tt.want)
		}
	}
	// 对标争先 bars a failed unit for two years; a program without a ban period bars no one.
	until, ok := BanUntil(time.Date(2024, 12, 20, 18, 0, 0, 0, time.UTC), 24)
	if !ok || until.Format("2006-01-02") != "2026-12-20" {
		t.Errorf("ban until %v %v", until, ok)
	}
	if _, ok := BanUntil(today, 0); ok {
		t.Error("a program without a ban period barred")
	}
	// The ban shows in eligibility until its last day, and not after.
	in := EligibilityInput{Program: Program{Kind: ProgramPartyBenchmark, Status: ProgramOpen}, Org: Org{Active: true},
		Bans: []Ban{{Kind: ProgramPartyBenchmark, Until: until}}, Zone: time.UTC}
	in.Now = day("2026-12-19")
	if r := CheckEligibility(in); len(r) != 1 || r[0].Key != "elig.barred" {
		t.Errorf("barred unit: %+v", r)
	}
	in.Now = day("2026-12-20")
	if r := CheckEligibility(in); len(r) != 0 {
		t.Errorf("after the ban: %+v", r)
	}
	in.Now, in.Program.Kind = day("2025-06-01"), ProgramLeagueBrand
	if r := CheckEligibility(in); len(r) != 0 {
		t.Errorf("a ban of another kind: %+v", r)
	}
}

func TestDisbursementLimits(t *testing.T) {
	today := day("2024-12-20")
	grant := int64(10000_00) // 10,000 yuan
	tests := []struct {
		name      string
		in        DisbursementInput
		paid      int64
		status    ProjectStatus
		payAfter  bool
		field     string
		message   string
		remaining string
	}{
		{"first half", DisbursementInput{PaidOn: today, Cents: 5000_00}, 0, ProjectRunning, false, "", "", ""},
		{"the rest exactly", DisbursementInput{PaidOn: today, Cents: 5000_00}, 5000_00, ProjectRunning, false, "", "", ""},
		{"one fen too many", DisbursementInput{PaidOn: today, Cents: 5000_01}, 5000_00, ProjectRunning, false, "amount", "funds.over_award", "5,000.00"},
		{"anything after the whole award", DisbursementInput{PaidOn: today, Cents: 1}, grant, ProjectRunning, false, "amount", "funds.over_award", "0.00"},
		{"nothing", DisbursementInput{PaidOn: today}, 0, ProjectRunning, false, "amount", "", ""},
		{"negative", DisbursementInput{PaidOn: today, Cents: -100}, 0, ProjectRunning, false, "amount", "", ""},
		{"paid tomorrow", DisbursementInput{PaidOn: today.AddDate(0, 0, 1), Cents: 100}, 0, ProjectRunning, false, "paid_on", "", ""},
		{"一团一品: not before completion", DisbursementInput{PaidOn: today, Cents: 100}, 0, ProjectRunning, true, "", "funds.after_completion", ""},
		{"一团一品: after completion", DisbursementInput{PaidOn: today, Cents: 100}, 0, ProjectPassed, true, "", "", ""},
		{"一团一品: excellent counts as completed", DisbursementInput{PaidOn: today, Cents: 100}, 0, ProjectExcellent, true, "", "", ""},
	}
	for _, tt := range tests {
		in := tt.in
		err := CheckDisbursement(&in, grant, tt.paid, tt.status, tt.payAfter, today)
		if tt.field == "" && tt.message == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
			continue
		}
		e, ok := err.(*Error)
		if !ok {
			t.Errorf("%s: %v, want an error", tt.name, err)
			continue
		}
		if tt.field != "" && e.Fields[tt.field] == "" || tt.message != "" && e.Message != tt.message {
			t.Errorf("%s: %+v", tt.name, e)
		}
		if tt.remaining != "" && (len(e.Args) != 1 || e.Args[0] != tt.remaining) {
			t.Errorf("%s: remaining %v, want %s", tt.name, e.Args, tt.remaining)
		}
	}
}

func TestReportWindow(t *testing.T) {
	sh := time.FixedZone("CST", 8*3600)
	ph := Phase{Kind: PhaseFinal, Starts: day("2024-11-01"), Ends: day("2024-11-30")}
	at := func(s string) time.Time { t, _ := time.ParseInLocation("2006-01-02 15:04", s, sh); return t }
	if _, err := CheckReportTime(ph, true, at("2024-10-31 23:00"), sh, false); ErrorCode(err) != EINVALID {
		t.Error("a report before its phase was taken")
	}
	if late, err := CheckReportTime(ph, true, at("2024-11-30 23:59"), sh, false); late || err != nil {
		t.Errorf("on the last evening: %v %v", late, err)
	}
	if _, err := CheckReportTime(ph, true, at("2024-12-01 00:01"), sh, false); ErrorCode(err) != EINVALID {
		t.Error("a report after the deadline was taken")
	}
	if late, err := CheckReportTime(ph, true, at("2024-12-01 00:01"), sh, true); !late || err != nil {
		t.Errorf("late reports allowed: %v %v", late, err)
	}
	if late, err := CheckReportTime(Phase{}, false, at("2030-01-01 00:00"), sh, false); late || err != nil {
		t.Error("a program without the phase refused a report")
	}
}

func TestBudgetUsesAndExpenses(t *testing.T) {
	lines := []BudgetLine{{Item: "宣传", Cents: 150000}, {Item: "物资", Cents: 50000}}
	uses := BudgetUses(lines, map[string]int64{"宣传": 160000, "交通": 2000})
	if len(uses) != 3 || !uses[0].Over() || uses[1].Spent != 0 || uses[2].Item != "交通" || uses[2].Planned != 0 {
		t.Errorf("uses: %+v", uses)
	}
	p := Project{Starts: day("2024-04-01"), Ends: day("2025-03-31")}
	in := ExpenseInput{SpentOn: day("2024-05-01"), Item: "交通", Cents: 100}
	if FieldErrors(in.Validate(p, lines, day("2024-06-01")))["item"] == "" {
		t.Error("spending on a line the budget does not have")
	}
	in = ExpenseInput{SpentOn: day("2024-05-01"), Item: "宣传", Cents: 100}
	if err := in.Validate(p, lines, day("2024-06-01")); err != nil {
		t.Error(err)
	}
}

func TestRulesValidate(t *testing.T) {
	r := ProjectRules{ShowcasePerMonth: 1, LedgerEveryDays: 30, RemindDays: 7, EscalateDays: 7,
		Checklist: []ChecklistItem{{Title: "一次主题团日", DueMonth: 2}, {Title: " 一次主题团日 ", DueMonth: 3}, {Title: "", DueMonth: 0}}}
	fe := FieldErrors(r.Validate())
	if fe["item_title_1"] != "rules.item_twice" || fe["item_title_2"] != "form.required" || fe["item_month_2"] != "rules.month_range" {
		t.Errorf("checklist errors: %v", fe)
	}
	r = ProjectRules{ShowcasePerMonth: 40, LedgerEveryDays: -1}
	fe = FieldErrors(r.Validate())
	if fe["showcase_per_month"] == "" || fe["ledger_every_days"] == "" || fe["remind_days"] == "" {
		t.Errorf("rule errors: %v", fe)
	}
}
