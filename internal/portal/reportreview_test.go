package portal

import "testing"

func TestGradeOf(t *testing.T) {
	plain := Rubric{PassAt: 60, ExcellentAt: 90}
	keyed := Rubric{PassAt: 60, ExcellentAt: 90, KeyFull: true}
	noExcellent := Rubric{PassAt: 60}
	tests := []struct {
		name    string
		r       Rubric
		count   int
		score   float64
		keyFull bool
		want    Grade
	}{
		{"no sheets", plain, 0, 95, true, GradeNone},
		{"under the pass line", plain, 3, 59.99, false, GradeBelow},
		{"on the pass line", plain, 3, 60, false, GradePass},
		{"between the lines", plain, 3, 89.9, true, GradePass},
		{"on the excellent line", plain, 3, 90, false, GradeExcellent},
		{"excellent needs the key indicators", keyed, 3, 95, false, GradePass},
		{"excellent with the key indicators", keyed, 3, 95, true, GradeExcellent},
		{"no excellent line set", noExcellent, 3, 100, true, GradePass},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.r.GradeOf(tt.count, tt.score, tt.keyFull); got != tt.want {
				t.Errorf("GradeOf(%d, %v, %v) = %q, want %q", tt.count, tt.score, tt.keyFull, got, tt.want)
			}
		})
	}
}

func TestRoundOutcome(t *testing.T) {
	tests := []struct {
		stage  Stage
		passed bool
		grade  Grade
		want   Outcome
		ok     bool
	}{
		// Final: agreement decides; disagreement means rectify by a date.
		{StageFinal, true, GradeExcellent, OutcomeExcellent, true},
		{StageFinal, true, GradePass, OutcomePass, true},
		{StageFinal, true, GradeBelow, OutcomeRectify, true},
		{StageFinal, true, GradeNone, OutcomeRectify, true},
		{StageFinal, false, GradeExcellent, OutcomeRectify, true},
		{StageFinal, false, GradePass, OutcomeRectify, true},
		{StageFinal, false, GradeBelow, OutcomeFail, true},
		{StageFinal, false, GradeNone, OutcomeFail, true},
		// Mid-term: pass or rectify, never excellent or fail.
		{StageMidterm, true, GradeExcellent, OutcomePass, true},
		{StageMidterm, true, GradePass, OutcomePass, true},
		{StageMidterm, true, GradeBelow, OutcomeRectify, true},
		{StageMidterm, false, GradeExcellent, OutcomeRectify, true},
		{StageMidterm, false, GradeBelow, OutcomeRectify, true},
		// Approval rounds decide applications, not outcomes.
		{StageApproval, true, GradeExcellent, "", false},
		{Stage("other"), true, GradePass, "", false},
	}
	for _, tt := range tests {
		got, ok := RoundOutcome(tt.stage, tt.passed, tt.grade)
		if got != tt.want || ok != tt.ok {
			t.Errorf("RoundOutcome(%s, %v, %q) = %q, %v; want %q, %v", tt.stage, tt.passed, tt.grade, got, ok, tt.want, tt.ok)
		}
		if !ok {
			continue
		}
		// Whatever the round gives is an outcome a manager could record at the stage.
		allowed := false
		for _, o := range StageOutcomes(tt.stage) {
			allowed = allowed || o == got
		}
		if !allowed {
			t.Errorf("RoundOutcome(%s, …) = %q, which the stage does not allow", tt.stage, got)
		}
	}
}

func TestReportReviewable(t *testing.T) {
	tests := []struct {
		name string
		c    ReportCandidate
		want bool
	}{
		{"submitted, running, undecided", ReportCandidate{ProjectRunning, "submitted", "", false}, true},
		{"a draft", ReportCandidate{ProjectRunning, "draft", "", false}, false},
		{"no report", ReportCandidate{ProjectRunning, "", "", false}, false},
		{"told to rectify: a follow-up round", ReportCandidate{ProjectRectify, "submitted", OutcomeRectify, false}, true},
		{"already passed", ReportCandidate{ProjectRunning, "submitted", OutcomePass, false}, false},
		{"project closed", ReportCandidate{ProjectFailed, "submitted", "", false}, false},
		{"project completed", ReportCandidate{ProjectExcellent, "submitted", "", false}, false},
		{"in a round not yet final", ReportCandidate{ProjectRunning, "submitted", "", true}, false},
	}
	for _, tt := range tests {
		if got := ReportReviewable(tt.c); got != tt.want {
			t.Errorf("%s: ReportReviewable(%+v) = %v, want %v", tt.name, tt.c, got, tt.want)
		}
	}
}

func TestCheckDirectOutcome(t *testing.T) {
	tests := []struct {
		name   string
		stage  Stage
		rounds []Stage
		ok     bool
	}{
		{"in no round", StageFinal, nil, true},
		{"in a round of the other stage", StageFinal, []Stage{StageMidterm}, true},
		{"in a round of the stage", StageFinal, []Stage{StageMidterm, StageFinal}, false},
		{"mid-term in a mid-term round", StageMidterm, []Stage{StageMidterm}, false},
	}
	for _, tt := range tests {
		err := CheckDirectOutcome(tt.stage, tt.rounds)
		if (err == nil) != tt.ok {
			t.Errorf("%s: CheckDirectOutcome = %v", tt.name, err)
		}
		if err != nil && (ErrorCode(err) != EINVALID || FieldErrors(err)["outcome"] == "") {
			t.Errorf("%s: want an invalid outcome field, got %v", tt.name, err)
		}
	}
}
