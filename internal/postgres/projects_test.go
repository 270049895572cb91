package postgres

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/campusorg/portal/internal/demo"
	"github.com/campusorg/portal/internal/pgtest"
	"github.com/campusorg/portal/internal/portal"
)

// projectFixture is the application fixture with a project of the 团总支 running
// from 2026-09-01 to 2027-06-30 ("now" is 2026-11-23), a counselor and a supervisor
// over it, rules (ledger every 30 days, a two-item checklist) and a 24-month ban.
type projectFixture struct {
	*appFixture
	project               int64
	counselor, supervisor *portal.Actor
	both                  *portal.Actor // counselor and supervisor at once
}

func newProjectFixture(t *testing.T) *projectFixture {
	t.Helper()
	f := &projectFixture{appFixture: newAppFixture(t)}
	ctx := context.Background()
	person := func(name string, grants ...portal.Role) *portal.Actor {
		id, err := f.store.createUserForTest(ctx, name, f.tzz.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range grants {
			if _, err := f.store.pool.Exec(ctx, `INSERT INTO role_grants (user_id, role, org_id) VALUES ($1, $2, $3)`, id, r, f.tzz.ID); err != nil {
				t.Fatal(err)
			}
		}
		a, _, err := f.store.LoadActor(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	f.counselor = person("counselor", portal.RoleCounselor)
	f.supervisor = person("supervisor", portal.RoleSupervisor)
	f.both = person("both", portal.RoleCounselor, portal.RoleSupervisor)
	rules := portal.DefaultRules()
	rules.LedgerEveryDays = 30
	rules.Checklist = []portal.ChecklistItem{{Title: "一次主题团日", DueMonth: 1}, {Title: "一次参观学习", DueMonth: 2, EvidenceRequired: true}}
	if err := f.store.SaveRules(ctx, f.manager, f.program, 0, rules); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.pool.Exec(ctx, `UPDATE programs SET ban_months = 24 WHERE id = $1`, f.program); err != nil {
		t.Fatal(err)
	}
	id, err := f.store.CreateApplication(ctx, f.secretary, f.program, f.track, f.tzz.ID)
	if err != nil {
		t.Fatal(err)
	}
	c := completeContent()
	c.Steps = []portal.PlanStep{{On: "2026-10-15", What: "启动仪式"}, {On: "2026-08-01", What: "申报前调研"}}
	if err := f.store.SaveDraft(ctx, f.secretary, id, 1, c); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.Send(ctx, f.secretary, id, 2); err != nil {
		t.Fatal(err)
	}
	err = f.store.inTx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO projects (application_id, program_id, track_id, org_id, org_path, title, grant_yuan,
			starts_on, ends_on) VALUES ($1, $2, $3, $4, $5, '青春筑梦', 10000, '2026-09-01', '2027-06-30') RETURNING id`,
			id, f.program, f.track, f.tzz.ID, f.tzz.Path).Scan(&f.project); err != nil {
			return err
		}
		return setupProject(ctx, tx, f.project)
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestProjectSetupAndMilestones(t *testing.T) {
	f := newProjectFixture(t)
	ctx := context.Background()
	d, err := f.store.GetProject(ctx, f.secretary, f.project)
	if err != nil {
		t.Fatal(err)
	}
	// Two checklist items and the plan's step inside the cycle; the step before it is not.
	if len(d.Milestones) != 3 || d.Milestones[0].Title != "一次主题团日" || d.Milestones[0].Due.Format("2006-01-02") != "2026-09-30" ||
		d.Milestones[1].Title != "启动仪式" || d.Milestones[2].Due.Format("2006-01-02") != "2026-10-31" || !d.Milestones[2].EvidenceRequired {
		t.Fatalf("milestones: %+v", d.Milestones)
	}
	if d.Project.SecretaryID != f.secretary.UserID || d.Project.CounselorID != f.counselor.UserID {
		t.Errorf("people responsible: %+v", d.Project)
	}
	// Both checklist milestones are overdue on 2026-11-23.
	if d.Missing.Overdue != 3 || !d.CanKeep || d.CanManage || d.CanSupervise {
		t.Errorf("missing %+v, keep %v manage %v supervise %v", d.Missing, d.CanKeep, d.CanManage, d.CanSupervise)
	}
	if _, err := f.store.GetProject(ctx, f.otherSecretary, f.project); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("another class's secretary read the project: %v", err)
	}
	visit := d.Milestones[2]
	done := portal.MilestoneUpdate{Status: portal.MilestoneDone, CompletedOn: time.Date(2026, 10, 28, 0, 0, 0, 0, time.UTC)}
	if _, err := f.store.UpdateMilestone(ctx, f.counselor, visit.ID, visit.Version, done, nil, nil); portal.FieldErrors(err)["evidence"] != "milestone.evidence_required" {
		t.Fatalf("done without evidence: %v", err)
	}
	if _, err := f.store.UpdateMilestone(ctx, f.counselor, visit.ID, visit.Version, done, nil, []string{"ftp://x"}); portal.FieldErrors(err)["link"] == "" {
		t.Fatalf("a bad link: %v", err)
	}
	if _, err := f.store.UpdateMilestone(ctx, f.supervisor, visit.ID, visit.Version, done, nil, []string{"https://example.edu.cn/a"}); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Fatalf("a supervisor completing a milestone: %v", err)
	}
	if _, err := f.store.UpdateMilestone(ctx, f.counselor, visit.ID, visit.Version, done, nil, []string{"https://example.edu.cn/a"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.UpdateMilestone(ctx, f.counselor, visit.ID, visit.Version, done, nil, nil); portal.ErrorCode(err) != portal.ECONFLICT {
		t.Errorf("a stale milestone: %v", err)
	}
	// The manager moves a due date; the change shows in the project's history.
	first := d.Milestones[0]
	move := portal.MilestoneUpdate{Status: portal.MilestoneInProgress, Due: time.Date(2026, 12, 15, 0, 0, 0, 0, time.UTC)}
	if _, err := f.store.UpdateMilestone(ctx, f.manager, first.ID, first.Version, move, nil, nil); err != nil {
		t.Fatal(err)
	}
	d, _ = f.store.GetProject(ctx, f.manager, f.project)
	if len(d.Events) < 2 || d.Events[0].Event != "milestone.update" || d.Events[0].Before["due"] != "2026-09-30" || d.Events[0].After["due"] != "2026-12-15" {
		t.Errorf("history: %+v", d.Events)
	}
	if d.Missing.Overdue != 1 {
		t.Errorf("overdue after the changes: %+v", d.Missing)
	}
	if f.audits(t, "milestone.update") != 2 {
		t.Error("milestone changes are not audited")
	}
}

func TestLedgerEntriesVerificationAndRevisions(t *testing.T) {
	f := newProjectFixture(t)
	ctx := context.Background()
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	entries := func() int {
		var n int
		if err := f.store.pool.QueryRow(ctx, `SELECT count(*) FROM ledger_entries`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	in := portal.EntryInput{On: day("2026-11-24"), Title: "主题团日", Kind: portal.EntryThemeMeeting, Participants: 40}
	if _, err := f.store.AddEntry(ctx, f.counselor, f.project, in, nil); portal.FieldErrors(err)["on"] != "ledger.date_future" {
		t.Errorf("an entry dated tomorrow: %v", err)
	}
	in.On = day("2026-08-31")
	if _, err := f.store.AddEntry(ctx, f.counselor, f.project, in, nil); portal.FieldErrors(err)["on"] != "ledger.date_outside_cycle" {
		t.Errorf("an entry before the cycle: %v", err)
	}
	in.On, in.MilestoneID = day("2026-11-20"), 999999
	if _, err := f.store.AddEntry(ctx, f.counselor, f.project, in, nil); portal.FieldErrors(err)["milestone_id"] != "form.choose" {
		t.Errorf("another project's milestone: %v", err)
	}
	in.MilestoneID = 0
	if _, err := f.store.AddEntry(ctx, f.supervisor, f.project, in, nil); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("a supervisor writing the ledger: %v", err)
	}
	// Evidence required: refused without, and nothing half-saved.
	if _, err := f.store.pool.Exec(ctx, `UPDATE program_rules SET evidence_required = true WHERE program_id = $1`, f.program); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.AddEntry(ctx, f.counselor, f.project, in, nil); portal.FieldErrors(err)["file"] != "ledger.evidence_required" || entries() != 0 {
		t.Fatalf("an entry without evidence: %v, %d entries", err, entries())
	}
	pdf := []Upload{{Name: "签到表.pdf", ContentType: "application/pdf", Data: demoEvidencePDF}}
	bad := []Upload{{Name: "x.exe", ContentType: "application/x-msdownload", Data: []byte("MZ")}}
	if _, err := f.store.AddEntry(ctx, f.counselor, f.project, in, bad); portal.ErrorCode(err) != portal.EINVALID || entries() != 0 {
		t.Fatalf("an entry with a bad file: %v, %d entries", err, entries())
	}
	id, err := f.store.AddEntry(ctx, f.counselor, f.project, in, pdf)
	if err != nil {
		t.Fatal(err)
	}
	own, err := f.store.AddEntry(ctx, f.both, f.project, portal.EntryInput{On: day("2026-11-21"), Title: "观影", Kind: portal.EntryActivity,
		Links: []string{"https://mp.weixin.qq.com/s/x"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.ReviewEntry(ctx, f.both, own, 1, portal.ReviewInput{Verify: true}); err == nil || err.(*portal.Error).Message != "ledger.own_entry" {
		t.Errorf("verifying one's own entry: %v", err)
	}
	if err := f.store.ReviewEntry(ctx, f.supervisor, id, 1, portal.ReviewInput{}); portal.FieldErrors(err)["note"] != "ledger.return_note_required" {
		t.Errorf("returning without a comment: %v", err)
	}
	if err := f.store.ReviewEntry(ctx, f.supervisor, id, 1, portal.ReviewInput{Note: "缺少活动照片"}); err != nil {
		t.Fatal(err)
	}
	var notes int
	if err := f.store.pool.QueryRow(ctx, `SELECT count(*) FROM notifications WHERE user_id = $1 AND message = 'notify.entry_returned'`,
		f.counselor.UserID).Scan(&notes); err != nil || notes != 1 {
		t.Errorf("the author was not told: %d %v", notes, err)
	}
	// A returned entry is corrected in place and waits again.
	in.Title = "主题团日（补充照片）"
	if newID, err := f.store.EditEntry(ctx, f.counselor, id, 2, in, pdf); err != nil || newID != id {
		t.Fatalf("correcting a returned entry: %d %v", newID, err)
	}
	if err := f.store.ReviewEntry(ctx, f.supervisor, id, 2, portal.ReviewInput{Verify: true}); portal.ErrorCode(err) != portal.ECONFLICT {
		t.Errorf("a stale verdict: %v", err)
	}
	if err := f.store.ReviewEntry(ctx, f.supervisor, id, 3, portal.ReviewInput{Verify: true}); err != nil {
		t.Fatal(err)
	}
	if err := f.store.ReviewEntry(ctx, f.supervisor, id, 4, portal.ReviewInput{Verify: true}); err == nil {
		t.Error("verifying twice")
	}
	// A verified entry is never changed: the correction is a new revision.
	in.Participants = 42
	newID, err := f.store.EditEntry(ctx, f.counselor, id, 4, in, nil)
	if err != nil || newID == id {
		t.Fatalf("editing a verified entry: %d %v", newID, err)
	}
	d, err := f.store.GetEntry(ctx, f.supervisor, id)
	if err != nil || d.Entry.Status != portal.EntryVerified || d.Entry.ReplacedBy != newID || d.Entry.Participants != 40 ||
		len(d.Revisions) != 2 || len(d.Evidence) != 2 || d.CanReview {
		t.Fatalf("the old revision: %+v %d revisions %d files %v", d.Entry, len(d.Revisions), len(d.Evidence), err)
	}
	if _, err := f.store.EditEntry(ctx, f.counselor, id, 5, in, nil); err == nil {
		t.Error("editing an old revision")
	}
	d, _ = f.store.GetEntry(ctx, f.supervisor, newID)
	if d.Entry.Status != portal.EntryPending || d.Entry.Revision != 2 || d.Entry.Participants != 42 || d.Entry.Evidence != 2 || !d.CanReview {
		t.Errorf("the new revision: %+v", d.Entry)
	}
	waiting, err := f.store.WaitingEntries(ctx, f.supervisor, 10)
	if err != nil || len(waiting) != 2 {
		t.Errorf("waiting for the supervisor: %d %v", len(waiting), err)
	}
	waiting, _ = f.store.WaitingEntries(ctx, f.both, 10)
	if len(waiting) != 1 || waiting[0].ID != newID {
		t.Errorf("her own entry waits for someone else: %+v", waiting)
	}
	p, _ := f.store.GetProject(ctx, f.counselor, f.project)
	if len(p.Entries) != 2 || p.Missing.Waiting != 2 {
		t.Errorf("project ledger: %d entries, %+v", len(p.Entries), p.Missing)
	}
	if err := f.store.AddSupervision(ctx, f.counselor, f.project, portal.SupervisionInput{Kind: portal.SupervisionDaily, On: day("2026-11-20"), Score: 90}); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("a counselor assessing: %v", err)
	}
	if err := f.store.AddSupervision(ctx, f.supervisor, f.project, portal.SupervisionInput{Kind: portal.SupervisionDaily, On: day("2026-11-20"), Score: 90}); err != nil {
		t.Fatal(err)
	}
	x, err := f.store.ProjectLedger(ctx, f.supervisor, f.project)
	if err != nil || len(x.Rows) != 2 || x.Summaries[0].DailyAssessments != 1 || len(x.Rows[0].Files) != 2 {
		t.Errorf("ledger export: %+v %v", x.Summaries, err)
	}
}

func TestDisbursementsAndOutcomes(t *testing.T) {
	f := newProjectFixture(t)
	ctx := context.Background()
	today := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	pay := func(yuan int64) error {
		return f.store.AddDisbursement(ctx, f.manager, f.project, portal.DisbursementInput{PaidOn: today, Cents: yuan * 100})
	}
	if err := pay(6000); err != nil {
		t.Fatal(err)
	}
	if err := pay(4001); err == nil || err.(*portal.Error).Message != "funds.over_award" {
		t.Errorf("over the award: %v", err)
	}
	if err := f.store.AddDisbursement(ctx, f.counselor, f.project, portal.DisbursementInput{PaidOn: today, Cents: 100}); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("a counselor paying: %v", err)
	}
	if err := pay(4000); err != nil {
		t.Fatal(err)
	}
	var paid int64
	if err := f.store.pool.QueryRow(ctx, `SELECT sum(cents) FROM disbursements WHERE project_id = $1`, f.project).Scan(&paid); err != nil || paid != 1000000 {
		t.Errorf("paid %d %v", paid, err)
	}
	// Concurrent payments cannot together pass the award.
	if _, err := f.store.pool.Exec(ctx, `DELETE FROM disbursements`); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func(i int) { defer wg.Done(); errs[i] = pay(4000) }(i)
	}
	wg.Wait()
	okCount := 0
	for _, err := range errs {
		if err == nil {
			okCount++
		}
	}
	if okCount != 2 {
		t.Errorf("%d of 4 concurrent payments of 4,000 against 10,000 went through", okCount)
	}
	// Spending against the budget lines.
	if err := f.store.AddExpense(ctx, f.secretary, f.project, portal.ExpenseInput{SpentOn: today, Item: "宣传", Cents: 20000}); err != nil {
		t.Fatal(err)
	}
	if err := f.store.AddExpense(ctx, f.secretary, f.project, portal.ExpenseInput{SpentOn: today, Item: "餐费", Cents: 20000}); portal.FieldErrors(err)["item"] == "" {
		t.Errorf("spending on no budget line: %v", err)
	}

	// Pay after completion (一团一品): refused while running.
	if _, err := f.store.pool.Exec(ctx, `UPDATE program_rules SET pay_after_completion = true WHERE program_id = $1`, f.program); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.pool.Exec(ctx, `DELETE FROM disbursements`); err != nil {
		t.Fatal(err)
	}
	if err := pay(100); err == nil || err.(*portal.Error).Message != "funds.after_completion" {
		t.Errorf("paying before completion: %v", err)
	}

	// Final acceptance fails: the project closes, the org is barred for 24 months.
	d, _ := f.store.GetProject(ctx, f.manager, f.project)
	fail := portal.OutcomeInput{Stage: portal.StageFinal, Outcome: portal.OutcomeFail}
	if err := f.store.DecideOutcome(ctx, f.manager, f.project, d.Project.Version, fail); portal.FieldErrors(err)["note"] == "" {
		t.Errorf("failing without a reason: %v", err)
	}
	if err := f.store.DecideOutcome(ctx, f.secretary, f.project, d.Project.Version, fail); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("a secretary deciding: %v", err)
	}
	fail.Note = "建设任务未完成"
	if err := f.store.DecideOutcome(ctx, f.manager, f.project, d.Project.Version, fail); err != nil {
		t.Fatal(err)
	}
	var until time.Time
	if err := f.store.pool.QueryRow(ctx, `SELECT until FROM bans WHERE org_id = $1 AND program_kind = 'league_brand'`, f.tzz.ID).Scan(&until); err != nil ||
		until.Format("2006-01-02") != "2028-11-23" {
		t.Fatalf("ban: %v %v", until, err)
	}
	opts, err := f.store.ApplyOptions(ctx, f.secretary, f.program)
	if err != nil || len(opts) != 1 || len(opts[0].Reasons) == 0 || opts[0].Reasons[0].Key != "elig.barred" {
		t.Errorf("eligibility after the ban: %+v %v", opts, err)
	}
	if _, err := f.store.AddEntry(ctx, f.counselor, f.project, portal.EntryInput{On: today, Title: "x", Kind: portal.EntryOther}, nil); err == nil {
		t.Error("an entry on a closed project")
	}
	// A failed project is not paid even after the pay-after-completion rule.
	if err := pay(100); err == nil {
		t.Error("paying a failed project")
	}
	if f.audits(t, "project.outcome") != 1 || f.audits(t, "funds.disburse") != 4 {
		t.Errorf("audit: %d outcomes, %d payments", f.audits(t, "project.outcome"), f.audits(t, "funds.disburse"))
	}
}

func TestReportsWindow(t *testing.T) {
	f := newProjectFixture(t)
	ctx := context.Background()
	if _, err := f.store.pool.Exec(ctx, `INSERT INTO program_phases (program_id, kind, starts_on, ends_on) VALUES ($1, 'midterm', '2026-11-01', '2026-11-20')`, f.program); err != nil {
		t.Fatal(err)
	}
	in := portal.ReportInput{Summary: "中期进展", Results: "已开展活动3次"}
	if err := f.store.SaveReport(ctx, f.secretary, f.project, portal.StageMidterm, 0, in, true, nil); err == nil || err.(*portal.Error).Message != "report.deadline_passed" {
		t.Fatalf("a report after the deadline: %v", err)
	}
	var n int
	if err := f.store.pool.QueryRow(ctx, `SELECT count(*) FROM project_reports`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("a refused report was saved: %d", n)
	}
	if err := f.store.SaveReport(ctx, f.secretary, f.project, portal.StageMidterm, 0, in, false, nil); err != nil {
		t.Fatalf("saving a draft after the deadline: %v", err)
	}
	if _, err := f.store.pool.Exec(ctx, `UPDATE program_rules SET late_reports = true WHERE program_id = $1`, f.program); err != nil {
		t.Fatal(err)
	}
	if err := f.store.SaveReport(ctx, f.secretary, f.project, portal.StageMidterm, 1, in, true, nil); err != nil {
		t.Fatal(err)
	}
	rf, err := f.store.GetReport(ctx, f.manager, f.project, portal.StageMidterm)
	if err != nil || rf.Report.Status != "submitted" || !rf.Report.Late || rf.CanEdit {
		t.Errorf("the late report: %+v %v", rf.Report, err)
	}
	if err := f.store.SaveReport(ctx, f.secretary, f.project, portal.StageMidterm, 2, in, true, nil); err == nil {
		t.Error("submitting twice")
	}
	// Mid-term rectification, then a pass.
	d, _ := f.store.GetProject(ctx, f.manager, f.project)
	rect := portal.OutcomeInput{Stage: portal.StageMidterm, Outcome: portal.OutcomeRectify, Note: "补齐台账", RectifyBy: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)}
	if err := f.store.DecideOutcome(ctx, f.manager, f.project, d.Project.Version, rect); err != nil {
		t.Fatal(err)
	}
	d, _ = f.store.GetProject(ctx, f.manager, f.project)
	if d.Project.Status != portal.ProjectRectify || d.Reports[portal.StageMidterm].Outcome != portal.OutcomeRectify {
		t.Errorf("after rectification: %s %+v", d.Project.Status, d.Reports[portal.StageMidterm])
	}
	if err := f.store.DecideOutcome(ctx, f.manager, f.project, d.Project.Version, portal.OutcomeInput{Stage: portal.StageMidterm, Outcome: portal.OutcomePass}); err != nil {
		t.Fatal(err)
	}
	d, _ = f.store.GetProject(ctx, f.manager, f.project)
	if d.Project.Status != portal.ProjectRunning {
		t.Errorf("after the mid-term pass: %s", d.Project.Status)
	}
}

// TestRemindersSentOnceAcrossInstances runs the reminder job from two "instances"
// (two stores over two pools on one database) at once, several times, and checks
// that each reminder was posted once; a later day posts the next week's reminders.
func TestRemindersSentOnceAcrossInstances(t *testing.T) {
	f := newProjectFixture(t)
	ctx := context.Background()
	// The fixture's store has its own database: open a second pool on it.
	cfg := f.store.pool.Config().Copy()
	pool2, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pool2.Close()
	other := New(pool2)
	other.Now = f.store.Now
	// A returned-and-waiting entry for the supervisor's digest.
	in := portal.EntryInput{On: time.Date(2026, 9, 5, 0, 0, 0, 0, time.UTC), Title: "主题团日", Kind: portal.EntryThemeMeeting}
	if _, err := f.store.AddEntry(ctx, f.counselor, f.project, in, nil); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	runs := make([]ReminderRun, 6)
	errs := make([]error, 6)
	for i := range runs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			st := f.store
			if i%2 == 1 {
				st = other
			}
			runs[i], errs[i] = st.RunReminders(ctx)
		}(i)
	}
	wg.Wait()
	sent := 0
	for i := range runs {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		sent += runs[i].Sent
	}
	var keys, dupes int
	if err := f.store.pool.QueryRow(ctx, `SELECT count(*) FROM reminders_sent`).Scan(&keys); err != nil {
		t.Fatal(err)
	}
	if err := f.store.pool.QueryRow(ctx, `SELECT count(*) FROM (SELECT user_id, message, args FROM notifications
		WHERE message LIKE 'remind.%' GROUP BY 1, 2, 3 HAVING count(*) > 1) d`).Scan(&dupes); err != nil {
		t.Fatal(err)
	}
	// Overdue (one message for the three milestones), escalation of all three (7+
	// days overdue, three keys, one message), the ledger silent since 09-05 (79
	// days), and the supervisors' digests (supervisor, both): 5 messages, 7 keys.
	if sent != 5 || keys != 7 || dupes != 0 {
		t.Fatalf("sent %d messages under %d keys, %d duplicated", sent, keys, dupes)
	}
	var escalated int
	if err := f.store.pool.QueryRow(ctx, `SELECT count(*) FROM notifications WHERE user_id = $1 AND message = 'remind.escalated'`,
		f.manager.UserID).Scan(&escalated); err != nil || escalated != 1 {
		t.Errorf("the manager got %d escalations, want 1: %v", escalated, err)
	}
	// Again the same day: nothing new.
	if run, err := other.RunReminders(ctx); err != nil || run.Sent != 0 || !run.Ran {
		t.Errorf("a second run the same day: %+v %v", run, err)
	}
	// A week later the overdue milestones are reminded again (a new week), not escalated again.
	var args string
	if err := f.store.pool.QueryRow(ctx, `SELECT args::text FROM notifications WHERE message = 'remind.escalated'`).Scan(&args); err != nil ||
		args != `["青春筑梦", "机电工程学院团总支", "3", "7"]` {
		t.Errorf("escalation arguments: %s %v", args, err)
	}
	later := func() time.Time { return time.Date(2026, 11, 30, 12, 0, 0, 0, f.store.Zone) }
	f.store.Now = later
	run, err := f.store.RunReminders(ctx)
	if err != nil || run.Sent == 0 {
		t.Fatalf("a week later: %+v %v", run, err)
	}
	if err := f.store.pool.QueryRow(ctx, `SELECT count(*) FROM notifications WHERE user_id = $1 AND message = 'remind.escalated'`,
		f.manager.UserID).Scan(&escalated); err != nil || escalated != 1 {
		t.Errorf("escalations a week later: %d", escalated)
	}
	// While one instance holds the lock, the other skips its turn.
	tx, err := f.store.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(reminderLock)); err != nil {
		t.Fatal(err)
	}
	if run, err := other.RunReminders(ctx); err != nil || run.Ran {
		t.Errorf("ran while another instance held the lock: %+v %v", run, err)
	}
}

// TestDemoProjects checks the seeded 焦裕禄班: the first batch accepted, the second
// running as of today (its dates move with the day it is seeded); and the 对标争先 ban.
func TestDemoProjects(t *testing.T) {
	s := New(pgtest.NewPool(t))
	ctx := context.Background()
	if seeded, err := s.SeedDemo(ctx); err != nil || !seeded {
		t.Fatalf("seed: %v", err)
	}
	load := func(username string) *portal.Actor {
		var id int64
		if err := s.pool.QueryRow(ctx, `SELECT id FROM users WHERE username = $1`, username).Scan(&id); err != nil {
			t.Fatal(err)
		}
		a, _, err := s.LoadActor(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	w, err := s.Workbench(ctx, load("counselor"))
	if err != nil {
		t.Fatal(err)
	}
	if len(w.Classes) != 4 || len(w.Keeping) != 4 {
		t.Fatalf("the counselor's workbench: %d classes, %d projects", len(w.Classes), len(w.Keeping))
	}
	var me1 WorkItem
	for _, it := range w.Keeping {
		if it.Project.OrgName == "机械2301班" {
			me1 = it
		}
	}
	if me1.Project.Status != portal.ProjectRunning || me1.Milestones < 10 || me1.Missing.Returned != 1 || me1.Missing.Waiting != 2 || me1.Missing.Overdue == 0 || me1.Missing.Overdue > 2 {
		t.Errorf("机械2301班: %+v", me1)
	}
	sup, err := s.Workbench(ctx, load("supervisor"))
	if err != nil || len(sup.Waiting) < 3 {
		t.Errorf("the supervisor's queue: %d %v", len(sup.Waiting), err)
	}
	// The dashboard opens on the running second batch: four classes over its ten
	// months, the current month among them.
	dash, err := s.Dashboard(ctx, load("gongtuan"), 0, 0)
	if err != nil || dash.Total != 4 || dash.ByStatus[portal.ProjectRunning] != 4 || len(dash.Months) != 10 || len(dash.Heat) != 4 {
		t.Errorf("dashboard: %d projects, %v, %d months, %v", dash.Total, dash.ByStatus, len(dash.Months), err)
	}
	thisMonth := portal.MonthOf(s.todayDay())
	found := false
	for _, m := range dash.Months {
		found = found || m == thisMonth
	}
	if !found {
		t.Errorf("the second batch's months %v miss this month %v", dash.Months, thisMonth)
	}
	// The first batch is finished: every class accepted, none with an open milestone.
	var first int64
	if err := s.pool.QueryRow(ctx, `SELECT id FROM programs WHERE kind = 'class_creation' AND batch = '第一批'`).Scan(&first); err != nil {
		t.Fatal(err)
	}
	dash, err = s.Dashboard(ctx, load("gongtuan"), first, 0)
	if err != nil || dash.Total != 4 || dash.ByStatus[portal.ProjectExcellent] != 1 || dash.ByStatus[portal.ProjectPassed] != 3 || len(dash.Months) != 9 {
		t.Errorf("first batch: %d projects, %v, %d months, %v", dash.Total, dash.ByStatus, len(dash.Months), err)
	}
	var open int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM milestones m JOIN projects pr ON pr.id = m.project_id
		WHERE pr.program_id = $1 AND m.status <> 'done'`, first).Scan(&open); err != nil || open != 0 {
		t.Errorf("the accepted first batch has %d open milestones (%v)", open, err)
	}
	cases, err := s.Cases(ctx, load("counselor"))
	if err != nil || len(cases.Cases) != 1 || len(cases.Commended) < 1 {
		t.Errorf("cases for the second batch: %+v %v", cases, err)
	}
	// The 对标争先 studio that failed in December 2024 is barred until December 2026.
	var orgID int64
	var until time.Time
	if err := s.pool.QueryRow(ctx, `SELECT b.org_id, b.until FROM bans b JOIN orgs o ON o.id = b.org_id WHERE o.code = 'art-pb-t1'`).Scan(&orgID, &until); err != nil ||
		until.Format("2006-01-02") != "2026-12-20" {
		t.Fatalf("ban: %v %v", until, err)
	}
	prof, err := s.OrgProfile(ctx, load("leader"), orgID)
	if err != nil || len(prof.Bans) != 1 || len(prof.Projects) != 1 || prof.Projects[0].Status != portal.ProjectFailed {
		t.Errorf("profile: %+v %v", prof, err)
	}
	if len(demo.TenItems) != 10 {
		t.Error("十个一 has ten items")
	}
}
