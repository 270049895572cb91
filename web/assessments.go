package web

import (
	"context"
	"math"
	"strconv"

	"github.com/campusorg/portal/internal/portal"
	"github.com/campusorg/portal/internal/postgres"
)

// AssessIndexView is the assessments page: rounds with their coverage, branch
// gradings, indicator systems.
type AssessIndexView struct {
	Index     postgres.AssessIndex
	CanManage bool
}

// SystemFormView is the form to create or edit an indicator system.
type SystemFormView struct {
	Form   *Form
	System portal.IndicatorSystem // ID 0 when new
	Owners []Option
	Rows   int
}

// SystemView is an indicator system's page.
type SystemView struct {
	System    portal.IndicatorSystem
	CanManage bool
}

// AssessRoundFormView is the form to open an assessment round.
type AssessRoundFormView struct {
	Form    *Form
	Systems []Option
	Scopes  []Option
	Kinds   []Option
	People  []Option
}

// AssessRoundView is a round's dashboard: coverage against the target, each
// organization's standing and what it lacks.
type AssessRoundView struct {
	Round     portal.RoundDetail
	Outcomes  []portal.AssessmentOutcome // by Round.Orgs
	Coverage  portal.Coverage
	CanManage bool
	IsAssess  bool // the reader is an assessor
	Form      *Form
}

// AssessOrgView is one organization's sheet in a round: its self-assessment and
// the assessors' scores, with the forms for whoever may write them.
type AssessOrgView struct {
	Round       portal.RoundDetail
	Org         portal.AssessedOrg
	Outcome     portal.AssessmentOutcome
	CanSelf     bool
	CanScore    bool
	OwnOrg      bool // an assessor of her own organization: she may not score it
	SelfForm    *Form
	ScoreForm   *Form
	SelfOutcome portal.AssessmentOutcome
}

// GradingFormView is the form to open a branch grading.
type GradingFormView struct {
	Form   *Form
	Owners []Option
	Scopes []Option
	Kinds  []Option
}

// GradingView is a branch grading: each organization's score and stars, the counts
// against the caps, and the manager's form.
type GradingView struct {
	Grading   portal.GradingRound
	Entries   []portal.GradingEntry
	Count     portal.StarCount
	CanManage bool
	Form      *Form
}

func assessRoundURL(id int64) string { return "/assessments/rounds/" + itoa(id) }

func assessOrgURL(roundID, orgID int64) string {
	return assessRoundURL(roundID) + "/orgs/" + itoa(orgID)
}

func assessSystemURL(id int64) string { return "/assessments/systems/" + itoa(id) }

func gradingURL(id int64) string { return "/assessments/gradings/" + itoa(id) }

// assessOutcomeKey names an organization's standing: reached, short, or pending.
func assessOutcomeKey(o portal.AssessmentOutcome) string {
	switch {
	case o.Reached:
		return "assess.reached"
	case o.Complete:
		return "assess.short"
	case o.Scored > 0:
		return "assess.partial"
	}
	return "assess.pending"
}

func assessOutcomeBadge(o portal.AssessmentOutcome) string {
	switch {
	case o.Reached:
		return "badge badge-ok"
	case o.Complete:
		return "badge badge-danger"
	}
	return "badge badge-muted"
}

// assessLackText says what an organization lacks to reach the status: the key indicators
// short of full marks and the points the total is short.
func assessLackText(ctx context.Context, o portal.AssessmentOutcome) []string {
	var out []string
	if o.Scored == 0 {
		return nil
	}
	for _, l := range o.Lacking {
		if l.Scored {
			out = append(out, t(ctx, "assess.lack_key", l.Indicator.Name, planFig(l.Score), planFig(l.Indicator.MaxScore)))
		} else {
			out = append(out, t(ctx, "assess.lack_key_unscored", l.Indicator.Name))
		}
	}
	if o.TotalShort > 0 && o.Complete {
		out = append(out, t(ctx, "assess.lack_total", planFig(o.TotalShort)))
	}
	if !o.Complete && o.Scored > 0 {
		out = append(out, t(ctx, "assess.lack_unscored"))
	}
	return out
}

// assessScoreOf formats an organization's score on an indicator, "—" without one.
func assessScoreOf(scores map[int64]float64, id int64) string {
	x, ok := scores[id]
	if !ok {
		return "—"
	}
	return planFig(x)
}

// assessCoverageBar is one organization in the coverage chart.
type assessCoverageBar struct {
	Y       int
	Label   string
	W       float64 // the total, in chart units
	Total   string
	Reached bool
	Pending bool
}

// assessCoverageChart lays out each organization's total on a chart width units wide for
// max points, with the threshold's x position.
func assessCoverageChart(d portal.RoundDetail, outcomes []portal.AssessmentOutcome, width float64) ([]assessCoverageBar, float64) {
	most := d.System.MaxTotal()
	if most <= 0 {
		most = 100
	}
	out := make([]assessCoverageBar, len(d.Orgs))
	for i, o := range d.Orgs {
		oc := outcomes[i]
		out[i] = assessCoverageBar{Y: i * 28, Label: o.OrgName, W: math.Min(oc.Total, most) / most * width, Total: planFig(oc.Total),
			Reached: oc.Reached, Pending: oc.Scored == 0}
	}
	return out, d.System.Threshold / most * width
}

// gradingStars writes stars as ★ characters, "—" for none.
func gradingStars(n int) string {
	if n <= 0 {
		return "—"
	}
	s := ""
	for i := 0; i < n; i++ {
		s += "★"
	}
	return s
}

// StarOptions are the stars a grading may be lowered to, as options.
func StarOptions(ctx context.Context) []Option {
	out := make([]Option, 5)
	for i := range out {
		out[i] = Option{strconv.Itoa(5 - i), t(ctx, "grading.stars_n", 5-i)}
	}
	return out
}

// gradingCapText describes a cap: "最多 7 个（20%）" or "不限".
func gradingCapText(ctx context.Context, limit int, cap float64) string {
	if limit < 0 {
		return t(ctx, "grading.no_cap")
	}
	return t(ctx, "grading.cap_text", limit, planFig(cap))
}

// assessShare formats a share in percent with one decimal.
func assessShare(x float64) string { return percent(x) }
