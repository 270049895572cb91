package web

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/campusorg/portal/internal/portal"
	"github.com/campusorg/portal/internal/postgres"
)

// RoundListView lists a program's review rounds.
type RoundListView struct {
	Program   portal.ProgramDetail
	Rounds    []postgres.Round
	CanManage bool
}

// RoundFormView is the form to open a review round.
type RoundFormView struct {
	Program   portal.ProgramDetail
	Form      *Form
	Criteria  int // rows of the rubric table
	Templates []postgres.RubricTemplate
}

// RoundView is the manager's page of one round.
type RoundView struct {
	RoundDetail postgres.RoundDetail
	Choices     []Option // people who may be added to the pool
	Form        *Form
	Short       []int64
}

// ResultsView is a round's aggregation, ranking and decision forms.
type ResultsView struct {
	RoundDetail postgres.RoundDetail
	Tracks      []postgres.TrackResult
	Form        *Form
	Orgs        []Option // for auto-recognition
}

// MyReviewsView is a reviewer's list of sheets.
type MyReviewsView struct {
	Sheets []postgres.MyReview
}

// SheetView is the scoring page.
type SheetView struct {
	Sheet postgres.ReviewSheet
	Form  *Form
}

// PublicationView is a 公示 page.
type PublicationView struct {
	Pub  postgres.Publication
	Form *Form
}

// PublicationsView lists published rounds.
type PublicationsView struct {
	Rounds []postgres.Round
}

func roundURL(id int64) string { return "/rounds/" + itoa(id) }

func reviewURL(id int64) string { return "/reviews/" + itoa(id) }

// score writes a score with at most two decimals.
func score(x float64) string {
	s := strconv.FormatFloat(x, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "" || s == "-0" {
		return "0"
	}
	return s
}

// roundBadge returns the badge class of a round status.
func roundBadge(s portal.RoundStatus) string {
	switch s {
	case portal.RoundScoring, portal.RoundDeciding:
		return "badge badge-warn"
	case portal.RoundPublished, portal.RoundFinal:
		return "badge badge-ok"
	}
	return "badge badge-muted"
}

// roundMoves lists the status changes the manager's page offers.
func roundMoves(s portal.RoundStatus) []portal.RoundStatus {
	switch s {
	case portal.RoundDraft:
		return []portal.RoundStatus{portal.RoundScoring}
	case portal.RoundScoring:
		return []portal.RoundStatus{portal.RoundDeciding}
	case portal.RoundDeciding:
		return []portal.RoundStatus{portal.RoundScoring, portal.RoundPublished}
	case portal.RoundPublished:
		return []portal.RoundStatus{portal.RoundFinal}
	}
	return nil
}

// trackName returns the program's track name for id.
func trackName(d portal.ProgramDetail, id int64) string {
	t, _ := d.Track(id)
	return t.Name
}

// stageOptions lists the stages for a select.
func stageOptions(ctx context.Context) []Option {
	var out []Option
	for _, s := range portal.Stages {
		out = append(out, Option{Value: string(s), Label: t(ctx, "stage."+string(s))})
	}
	return out
}

// recommendationOptions lists what a reviewer may recommend at the stage.
func recommendationOptions(ctx context.Context, s portal.Stage) []Option {
	var out []Option
	for _, r := range s.Recommendations() {
		out = append(out, Option{Value: r, Label: t(ctx, "review.rec."+r)})
	}
	return out
}

// sheetTotal is the weighted total of a sheet.
func sheetTotal(r portal.Rubric, s portal.Sheet) string { return score(portal.WeightedTotal(r, s)) }

// formulaKey returns the catalogue key describing how the round ranks.
func formulaKey(r postgres.Round) string {
	if r.Normalise {
		return "review.formula_normalised"
	}
	return "review.formula"
}

// isSelected reports whether an item is decided positively.
func isSelected(decision string) bool {
	return decision == "approved" || decision == "pass" || decision == "excellent" || decision == "rectify"
}

// decisionTicked reports whether an item's box in a track's decision form is ticked:
// as posted when f is that track's refused decision form (the committee's choice is
// kept; of the results page's forms only the decision form posts a version), else as
// decided, else by default: at an approval round when the item ranks within the
// quota clear of a tie on the line, at a mid-term or final round when its grade
// reaches the pass line. At those rounds "as decided" is the committee's own choice
// (RoundItem.Passed), since a rectification follows from either answer.
func decisionTicked(f *Form, stage portal.Stage, trackID int64, ir postgres.ItemResult) bool {
	if f != nil && f.Values.Has("version") && f.Get("track_id") == itoa(trackID) {
		return isChecked(f, "selected", itoa(ir.Item.ID))
	}
	if stage != portal.StageApproval {
		if ir.Item.Decision != "" {
			return ir.Item.Passed
		}
		return ir.Grade.Reaches()
	}
	return isSelected(ir.Item.Decision) || (ir.Item.Decision == "" && ir.Ranked.InQuota && !ir.Ranked.OnLine)
}

// selectKey names the decision box: selecting within a quota at approval rounds,
// passing at mid-term and final rounds.
func selectKey(stage portal.Stage) string {
	if stage == portal.StageApproval {
		return "review.select"
	}
	return "review.select_pass"
}

// moveConfirmKey returns the confirmation asked before moving a round on; making a
// mid-term or final round final records the projects' outcomes.
func moveConfirmKey(r postgres.Round, next portal.RoundStatus) string {
	if next == portal.RoundFinal && r.Stage != portal.StageApproval {
		return "round.move_confirm.final_outcomes"
	}
	return "round.move_confirm." + string(next)
}

// needsRectifyDate reports whether finalizing the round asks for the day by which
// projects must rectify: a mid-term or final round with a decision to rectify.
func needsRectifyDate(d postgres.RoundDetail) bool {
	if d.Round.Stage == portal.StageApproval {
		return false
	}
	for _, it := range d.Items {
		if it.Decision == string(portal.OutcomeRectify) {
			return true
		}
	}
	return false
}

// daysLeft is the whole days until t, at least 0.
func daysLeft(now, t time.Time) int {
	d := int(t.Sub(now).Hours() / 24)
	if d < 0 {
		return 0
	}
	return d
}

// sheetDone counts submitted sheets of an item.
func sheetDone(it postgres.RoundItem) (done, total int) {
	for _, a := range it.Sheets {
		if a.Status == "declined" || a.Status == "conflict" {
			continue
		}
		total++
		if a.Status == "submitted" {
			done++
		}
	}
	return done, total
}

func fstr(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// gradeKey names where an item's score falls against the rubric's thresholds
// (portal.Rubric.GradeOf): the excellent line, the pass line, below it;
// "common.unknown" before any score.
func gradeKey(ir postgres.ItemResult) string {
	if ir.Grade == portal.GradeNone {
		return "common.unknown"
	}
	return "review.grade." + string(ir.Grade)
}

// hasKeyIndicators reports whether the rubric marks any criterion as key.
func hasKeyIndicators(r portal.Rubric) bool {
	for _, c := range r.Criteria {
		if c.KeyIndicator {
			return true
		}
	}
	return false
}
