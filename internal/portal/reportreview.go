package portal

// Review rounds of the mid-term and final stages judge the projects' reports. This
// file holds their rules: which reports a round takes in, how a committee's decision
// and an item's grade become a project's outcome, and when a manager may still record
// an outcome directly on the project page.

// Grade is where an item's score falls against a rubric's pass and excellent lines.
type Grade string

// The grades.
const (
	GradeNone      Grade = ""          // no sheet submitted yet
	GradeBelow     Grade = "below"     // under the pass line
	GradePass      Grade = "pass"      // at or over the pass line
	GradeExcellent Grade = "excellent" // at or over the excellent line, key indicators at full marks where the rubric asks
)

// GradeOf returns where an item's ranking score falls against the rubric: the
// excellent line counts only when the rubric sets one (above 0) and, where the rubric
// requires key indicators at full marks, only when they are (keyFull); an item with no
// submitted sheet (count 0) has no grade.
func (r Rubric) GradeOf(count int, score float64, keyFull bool) Grade {
	switch {
	case count == 0:
		return GradeNone
	case r.ExcellentAt > 0 && score >= r.ExcellentAt && (!r.KeyFull || keyFull):
		return GradeExcellent
	case score >= r.PassAt:
		return GradePass
	}
	return GradeBelow
}

// Reaches reports whether the grade is at or over the pass line.
func (g Grade) Reaches() bool { return g == GradePass || g == GradeExcellent }

// RoundOutcome returns the outcome a mid-term or final round gives a project from
// the committee's decision (passed: the item was ticked on the results page) and the
// item's grade. Where the committee and the rubric agree, that is the outcome: at a
// final round a passed item at the excellent line is excellent, one at the pass line
// passes, and an item neither passed nor at the pass line fails. Where they disagree
// (passed but under the pass line, or not passed although at it), the project must
// rectify by a date: no project passes under the rubric's own line, and none is failed,
// which bars its organization, against a score that reached it. A mid-term round
// neither commends nor fails: a passed item at the pass line passes, every other item
// must rectify. It returns false for an approval round, whose decisions are not
// outcomes.
func RoundOutcome(stage Stage, passed bool, g Grade) (Outcome, bool) {
	switch stage {
	case StageMidterm:
		if passed && g.Reaches() {
			return OutcomePass, true
		}
		return OutcomeRectify, true
	case StageFinal:
		switch {
		case passed && g == GradeExcellent:
			return OutcomeExcellent, true
		case passed && g == GradePass:
			return OutcomePass, true
		case !passed && !g.Reaches():
			return OutcomeFail, true
		}
		return OutcomeRectify, true
	}
	return "", false
}

// ReportCandidate is what decides whether a project's report of a stage goes into a
// new review round of that stage.
type ReportCandidate struct {
	ProjectStatus ProjectStatus
	ReportStatus  string  // draft, submitted
	Outcome       Outcome // the report's outcome so far ("" when none)
	InOpenRound   bool    // the report is an item of a round of the stage not yet final
}

// ReportReviewable reports whether a new round of a stage takes in the report: it is
// submitted, the project is still open, and it has no outcome yet or was told to
// rectify (a follow-up round judges the rectification), and no unfinished round of the
// stage holds it already.
func ReportReviewable(c ReportCandidate) bool {
	return c.ReportStatus == "submitted" && c.ProjectStatus.Open() &&
		(c.Outcome == "" || c.Outcome == OutcomeRectify) && !c.InOpenRound
}

// CheckDirectOutcome refuses a manager's outcome recorded on the project page at a
// stage when the project's report of that stage is an item of a review round of the
// stage (roundStages lists the stages of every round holding one of its reports): the
// round's committee decides it, and finalizing the round records it.
func CheckDirectOutcome(stage Stage, roundStages []Stage) error {
	for _, s := range roundStages {
		if s == stage {
			return &Error{Code: EINVALID, Message: "outcome.in_round", Fields: map[string]string{"outcome": "outcome.in_round_short"}}
		}
	}
	return nil
}
