package postgres

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campusorg/portal/internal/portal"
)

// reportFixture is the review fixture with its three applications running as
// projects (a 24-month ban period, excellent at 90), and their secretaries.
type reportFixture struct {
	*reviewFixture
	projects    []int64
	secretaries []*portal.Actor
}

func newReportFixture(t *testing.T) *reportFixture {
	t.Helper()
	f := &reportFixture{reviewFixture: newReviewFixture(t)}
	ctx := context.Background()
	if _, err := f.store.pool.Exec(ctx, `UPDATE programs SET ban_months = 24 WHERE id = $1`, f.program); err != nil {
		t.Fatal(err)
	}
	for _, app := range f.apps {
		var id int64
		err := f.store.inTx(ctx, func(tx pgx.Tx) error {
			if err := tx.QueryRow(ctx, `INSERT INTO projects (application_id, program_id, track_id, org_id, org_path, title, grant_yuan, starts_on, ends_on)
				SELECT a.id, a.program_id, a.track_id, a.org_id, a.org_path, a.title, 10000, '2026-09-01', '2027-06-30'
				FROM applications a WHERE a.id = $1 RETURNING id`, app).Scan(&id); err != nil {
				return err
			}
			return setupProject(ctx, tx, id)
		})
		if err != nil {
			t.Fatal(err)
		}
		f.projects = append(f.projects, id)
		var sec int64
		if err := f.store.pool.QueryRow(ctx, `SELECT secretary_id FROM projects WHERE id = $1`, id).Scan(&sec); err != nil {
			t.Fatal(err)
		}
		a, _, err := f.store.LoadActor(ctx, sec)
		if err != nil {
			t.Fatal(err)
		}
		f.secretaries = append(f.secretaries, a)
	}
	return f
}

// report saves project i's report of a stage, submitted or as a draft, with files.
func (f *reportFixture) report(t *testing.T, i int, stage portal.Stage, submit bool, files ...Upload) {
	t.Helper()
	in := portal.ReportInput{Summary: "项目总结" + string(rune('一'+i)), Results: "开展活动若干"}
	if err := f.store.SaveReport(context.Background(), f.secretaries[i], f.projects[i], stage, 0, in, submit, files); err != nil {
		t.Fatal(err)
	}
}

// acceptanceRubric passes at 60 and commends at 90 of 100.
func acceptanceRubric() portal.Rubric {
	r := rubric()
	r.ExcellentAt = 90
	return r
}

// openReportRound opens a round of the stage over the track, staffed, scoring.
func (f *reportFixture) openReportRound(t *testing.T, stage portal.Stage, blind bool) (int64, RoundDetail) {
	t.Helper()
	ctx := context.Background()
	in := portal.RoundInput{Stage: stage, Title: "验收评审", Starts: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC),
		Ends: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC), TrackIDs: []int64{f.track}, Rubric: acceptanceRubric(), PerItem: 2, Blind: blind}
	id, err := f.store.CreateRound(ctx, f.manager, f.program, in)
	if err != nil {
		t.Fatal(err)
	}
	rd, err := f.store.GetRound(ctx, f.manager, id)
	if err != nil {
		t.Fatal(err)
	}
	return id, rd
}

// scoreAll has every reviewer submit, for each sheet, the total wanted for the
// item's project.
func (f *reportFixture) scoreAll(t *testing.T, rd RoundDetail, totals map[int64]float64, rec string) {
	t.Helper()
	ctx := context.Background()
	byItem := map[int64]float64{}
	for _, it := range rd.Items {
		byItem[it.ID] = totals[it.ProjectID]
	}
	for _, rev := range f.reviewers {
		mine, err := f.store.MyReviews(ctx, rev)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range mine {
			if m.RoundID != rd.Round.ID {
				continue
			}
			x := byItem[m.ItemID]
			sh := portal.Sheet{Scores: map[string]float64{"c1": x * 0.4, "c2": x * 0.6}, Recommendation: rec}
			if err := f.store.SaveSheet(ctx, rev, m.ID, m.Version, sh, true); err != nil {
				t.Fatalf("submit: %v", err)
			}
		}
	}
}

// itemOf returns the round item of a project.
func itemOf(rd RoundDetail, projectID int64) RoundItem {
	for _, it := range rd.Items {
		if it.ProjectID == projectID {
			return it
		}
	}
	return RoundItem{}
}

func TestFinalRoundReviewsSubmittedReportsAndAppliesOutcomes(t *testing.T) {
	f := newReportFixture(t)
	ctx := context.Background()
	pdf := Upload{Name: "总结材料.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4 report")}
	f.report(t, 0, portal.StageFinal, true, pdf)
	f.report(t, 1, portal.StageFinal, true)
	f.report(t, 2, portal.StageFinal, false)  // a draft stays out
	f.report(t, 2, portal.StageMidterm, true) // another stage stays out

	id, rd := f.openReportRound(t, portal.StageFinal, true)
	if len(rd.Items) != 2 || itemOf(rd, f.projects[0]).ReportID == 0 || itemOf(rd, f.projects[1]).ReportID == 0 {
		t.Fatalf("items of the final round: %+v", rd.Items)
	}
	// A second round of the stage while this one runs takes in nothing.
	if _, rd2 := f.openReportRound(t, portal.StageFinal, false); len(rd2.Items) != 0 {
		t.Errorf("a second final round took in %d reports already under review", len(rd2.Items))
	}

	// A project in a final round gets no direct final outcome; one in none still may.
	d, _ := f.store.GetProject(ctx, f.manager, f.projects[0])
	if len(d.Rounds) != 1 || d.Rounds[0].RoundID != id || d.Rounds[0].Stage != portal.StageFinal {
		t.Errorf("the project's rounds: %+v", d.Rounds)
	}
	direct := portal.OutcomeInput{Stage: portal.StageFinal, Outcome: portal.OutcomePass}
	if err := f.store.DecideOutcome(ctx, f.manager, f.projects[0], d.Project.Version, direct); portal.FieldErrors(err)["outcome"] != "outcome.in_round_short" {
		t.Errorf("a direct outcome on a project in a final round: %v", err)
	}
	d2, _ := f.store.GetProject(ctx, f.manager, f.projects[2])
	if err := f.store.DecideOutcome(ctx, f.manager, f.projects[2], d2.Project.Version, portal.OutcomeInput{Stage: portal.StageMidterm, Outcome: portal.OutcomePass}); err != nil {
		t.Errorf("a direct outcome on a project in no round: %v", err)
	}

	if short, err := f.store.AutoAssign(ctx, f.manager, id); err != nil || len(short) != 0 {
		t.Fatalf("assign: %v %v", short, err)
	}
	if err := f.store.SetRoundStatus(ctx, f.manager, id, 1, portal.RoundScoring); err != nil {
		t.Fatal(err)
	}
	// The reviewer reads the report, not the application; the blind round hides names.
	mine, err := f.store.MyReviews(ctx, f.reviewers[1])
	if err != nil || len(mine) == 0 {
		t.Fatalf("reviewer2's sheets: %d %v", len(mine), err)
	}
	for _, m := range mine {
		sheet, err := f.store.GetReviewSheet(ctx, f.reviewers[1], m.ID)
		if err != nil || sheet.Report == nil || !strings.HasPrefix(sheet.Report.Summary, "项目总结") || sheet.OrgName != "" || sheet.Version.SentByName != "" {
			t.Fatalf("the sheet of a report: %+v %v", sheet.Report, err)
		}
		if itemOf(rd, f.projects[0]).ID != m.ItemID {
			continue
		}
		if len(sheet.Files) != 1 || sheet.Files[0].Name != sheet.Code+"-1.pdf" {
			t.Fatalf("the report's files in a blind round: %+v", sheet.Files)
		}
		at, data, err := f.store.ReviewFile(ctx, f.reviewers[1], m.ID, sheet.Files[0].ID)
		if err != nil || string(data) != "%PDF-1.4 report" || at.Name != sheet.Files[0].Name {
			t.Errorf("the report's file: %+v %q %v", at, data, err)
		}
		if _, _, err := f.store.ReviewFile(ctx, f.reviewers[2], m.ID, sheet.Files[0].ID); portal.ErrorCode(err) != portal.ENOTFOUND {
			t.Errorf("another reviewer read the file: %v", err)
		}
	}

	// Project 0 scores 95 (over the excellent line), project 1 scores 40 (under the pass line).
	f.scoreAll(t, rd, map[int64]float64{f.projects[0]: 95, f.projects[1]: 40}, "pass")
	if err := f.store.SetRoundStatus(ctx, f.manager, id, 2, portal.RoundDeciding); err != nil {
		t.Fatal(err)
	}
	if err := f.store.AddAutoRecognised(ctx, f.manager, id, f.track, f.tzz.ID, "省级认定"); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("recognising a unit in a final round: %v", err)
	}
	res, err := f.store.RoundResults(ctx, f.manager, id)
	if err != nil || len(res) != 1 || len(res[0].Items) != 2 || res[0].Items[0].Grade != portal.GradeExcellent ||
		res[0].Items[1].Grade != portal.GradeBelow || !res[0].Items[1].Ranked.InQuota {
		t.Fatalf("results: %+v %v", res, err)
	}
	// Both passed: the one under the pass line must rectify; no quota applies.
	both := []int64{itemOf(rd, f.projects[0]).ID, itemOf(rd, f.projects[1]).ID}
	if err := f.store.Decide(ctx, f.manager, id, 3, f.track, both, ""); err != nil {
		t.Fatal(err)
	}
	rd, _ = f.store.GetRound(ctx, f.manager, id)
	if it := itemOf(rd, f.projects[1]); it.Decision != "rectify" || !it.Passed || itemOf(rd, f.projects[0]).Decision != "excellent" {
		t.Errorf("decisions with both passed: %+v", rd.Items)
	}
	// Only project 0 passed: project 1 fails.
	if err := f.store.Decide(ctx, f.manager, id, 4, f.track, both[:1], ""); err != nil {
		t.Fatal(err)
	}
	rd, _ = f.store.GetRound(ctx, f.manager, id)
	if it := itemOf(rd, f.projects[1]); it.Decision != "fail" || it.Passed {
		t.Errorf("decision on project 1: %+v", it)
	}
	f.store.Now = func() time.Time { return time.Date(2026, 12, 1, 9, 0, 0, 0, f.store.Zone) }
	if err := f.store.SetRoundStatus(ctx, f.manager, id, 5, portal.RoundPublished); err != nil {
		t.Fatal(err)
	}
	pub, err := f.store.GetPublication(ctx, f.secretary, id)
	if err != nil || len(pub.Items) != 1 || pub.Items[0].Outcome != "excellent" {
		t.Errorf("publication: %+v %v", pub.Items, err)
	}
	f.store.Now = func() time.Time { return time.Date(2026, 12, 8, 9, 0, 0, 0, f.store.Zone) }
	if err := f.store.SetRoundStatus(ctx, f.manager, id, 6, portal.RoundFinal); err != nil {
		t.Fatal(err)
	}

	// Project 0 is excellent and commended; project 1 failed and its organization is barred.
	d, _ = f.store.GetProject(ctx, f.manager, f.projects[0])
	if d.Project.Status != portal.ProjectExcellent || d.Reports[portal.StageFinal].Outcome != portal.OutcomeExcellent ||
		!strings.HasPrefix(d.Reports[portal.StageFinal].OutcomeNote, "验收评审 · 95") {
		t.Errorf("project 0 after the round: %s %+v", d.Project.Status, d.Reports[portal.StageFinal])
	}
	cases, err := f.store.Cases(ctx, f.manager)
	if err != nil || len(cases.Commended) != 1 || cases.Commended[0].ID != f.projects[0] {
		t.Errorf("commended: %+v %v", cases.Commended, err)
	}
	d, _ = f.store.GetProject(ctx, f.manager, f.projects[1])
	if d.Project.Status != portal.ProjectFailed {
		t.Errorf("project 1 after the round: %s", d.Project.Status)
	}
	var until time.Time
	if err := f.store.pool.QueryRow(ctx, `SELECT until FROM bans WHERE org_id = $1 AND program_kind = 'league_brand'`, d.Project.OrgID).Scan(&until); err != nil ||
		until.Format("2006-01-02") != "2028-12-08" {
		t.Fatalf("ban: %v %v", until, err)
	}
	opts, err := f.store.ApplyOptions(ctx, f.secretaries[1], f.program)
	barred := false
	for _, o := range opts {
		for _, r := range o.Reasons {
			barred = barred || r.Key == "elig.barred"
		}
	}
	if err != nil || !barred {
		t.Errorf("eligibility after the failed acceptance: %+v %v", opts, err)
	}
	var notices int
	if err := f.store.pool.QueryRow(ctx, `SELECT count(*) FROM notifications WHERE message IN ('notify.outcome.excellent', 'notify.outcome.fail')`).Scan(&notices); err != nil || notices < 2 {
		t.Errorf("outcome notices: %d %v", notices, err)
	}
	// Two from the round, one recorded directly on project 2 above.
	if f.audits(t, "project.outcome") != 3 || f.audits(t, "review.finalize") != 1 {
		t.Errorf("audit: %d outcomes, %d finalized", f.audits(t, "project.outcome"), f.audits(t, "review.finalize"))
	}
	// The round decided them: no direct outcome afterwards either.
	if err := f.store.DecideOutcome(ctx, f.manager, f.projects[1], d.Project.Version, direct); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("a direct outcome after the round: %v", err)
	}
}

func TestMidtermRoundRectifiesByTheDateGiven(t *testing.T) {
	f := newReportFixture(t)
	ctx := context.Background()
	f.report(t, 0, portal.StageMidterm, true)
	f.report(t, 1, portal.StageMidterm, true)
	id, rd := f.openReportRound(t, portal.StageMidterm, false)
	if len(rd.Items) != 2 {
		t.Fatalf("items: %+v", rd.Items)
	}
	if _, err := f.store.AutoAssign(ctx, f.manager, id); err != nil {
		t.Fatal(err)
	}
	if err := f.store.SetRoundStatus(ctx, f.manager, id, 1, portal.RoundScoring); err != nil {
		t.Fatal(err)
	}
	f.scoreAll(t, rd, map[int64]float64{f.projects[0]: 95, f.projects[1]: 40}, "rectify")
	if err := f.store.SetRoundStatus(ctx, f.manager, id, 2, portal.RoundDeciding); err != nil {
		t.Fatal(err)
	}
	both := []int64{itemOf(rd, f.projects[0]).ID, itemOf(rd, f.projects[1]).ID}
	if err := f.store.Decide(ctx, f.manager, id, 3, f.track, both, ""); err != nil {
		t.Fatal(err)
	}
	rd, _ = f.store.GetRound(ctx, f.manager, id)
	if itemOf(rd, f.projects[0]).Decision != "pass" || itemOf(rd, f.projects[1]).Decision != "rectify" {
		t.Fatalf("mid-term decisions: %+v", rd.Items)
	}
	// Scoring again clears the decisions, which follow the scores.
	if err := f.store.SetRoundStatus(ctx, f.manager, id, 4, portal.RoundScoring); err != nil {
		t.Fatal(err)
	}
	if rd, _ = f.store.GetRound(ctx, f.manager, id); itemOf(rd, f.projects[0]).Decision != "" {
		t.Errorf("decisions kept after scoring again: %+v", rd.Items)
	}
	if err := f.store.SetRoundStatus(ctx, f.manager, id, 5, portal.RoundDeciding); err != nil {
		t.Fatal(err)
	}
	if err := f.store.Decide(ctx, f.manager, id, 6, f.track, both, ""); err != nil {
		t.Fatal(err)
	}
	f.store.Now = func() time.Time { return time.Date(2026, 12, 1, 9, 0, 0, 0, f.store.Zone) }
	if err := f.store.SetRoundStatus(ctx, f.manager, id, 7, portal.RoundPublished); err != nil {
		t.Fatal(err)
	}
	f.store.Now = func() time.Time { return time.Date(2026, 12, 8, 9, 0, 0, 0, f.store.Zone) }
	if err := f.store.FinalizeRound(ctx, f.manager, id, 8, time.Time{}); portal.FieldErrors(err)["rectify_by"] != "form.required" {
		t.Fatalf("finalizing a rectification without a date: %v", err)
	}
	if err := f.store.FinalizeRound(ctx, f.manager, id, 8, time.Date(2026, 12, 8, 0, 0, 0, 0, time.UTC)); portal.FieldErrors(err)["rectify_by"] != "outcome.rectify_past" {
		t.Fatalf("finalizing with a date not after today: %v", err)
	}
	if d, _ := f.store.GetProject(ctx, f.manager, f.projects[1]); d.Project.Status != portal.ProjectRunning {
		t.Fatalf("a refused finalization changed the project: %s", d.Project.Status)
	}
	by := time.Date(2027, 1, 15, 0, 0, 0, 0, time.UTC)
	if err := f.store.FinalizeRound(ctx, f.manager, id, 8, by); err != nil {
		t.Fatal(err)
	}
	d, _ := f.store.GetProject(ctx, f.manager, f.projects[1])
	if d.Project.Status != portal.ProjectRectify || d.Reports[portal.StageMidterm].Outcome != portal.OutcomeRectify ||
		!d.Reports[portal.StageMidterm].RectifyBy.Equal(by) {
		t.Errorf("project 1 after the mid-term round: %s %+v", d.Project.Status, d.Reports[portal.StageMidterm])
	}
	d, _ = f.store.GetProject(ctx, f.manager, f.projects[0])
	if d.Project.Status != portal.ProjectRunning || d.Reports[portal.StageMidterm].Outcome != portal.OutcomePass {
		t.Errorf("project 0 after the mid-term round: %s %+v", d.Project.Status, d.Reports[portal.StageMidterm])
	}
	// A follow-up mid-term round takes in the project told to rectify, not the one that passed.
	_, rd2 := f.openReportRound(t, portal.StageMidterm, false)
	if len(rd2.Items) != 1 || rd2.Items[0].ProjectID != f.projects[1] {
		t.Errorf("the follow-up round's items: %+v", rd2.Items)
	}
}
