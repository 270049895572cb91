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
// decided, else when the item ranks within the quota clear of a tie on the line.
func decisionTicked(f *Form, trackID int64, ir postgres.ItemResult) bool {
	if f != nil && f.Values.Has("version") && f.Get("track_id") == itoa(trackID) {
		return isChecked(f, "selected", itoa(ir.Item.ID))
	}
	return isSelected(ir.Item.Decision) || (ir.Item.Decision == "" && ir.Ranked.InQuota && !ir.Ranked.OnLine)
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

// gradeKey names where an item's score falls against the rubric's thresholds: the
// excellent line, the pass line, below it; "common.unknown" before any score.
func gradeKey(r portal.Rubric, ir postgres.ItemResult) string {
	switch {
	case ir.Stats.Count == 0:
		return "common.unknown"
	case r.ExcellentAt > 0 && ir.Stats.TrimmedMean >= r.ExcellentAt && (!r.KeyFull || ir.KeyFull):
		return "review.grade.excellent"
	case ir.Stats.TrimmedMean >= r.PassAt:
		return "review.grade.pass"
	}
	return "review.grade.below"
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
