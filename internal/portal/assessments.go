package portal

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Organization assessments: an indicator system (考核指标体系) with maximum scores,
// optional weights and key indicators (关键指标), and a rule for an overall status
// (seed 004: "均衡发展" when the key indicators all score full marks and the total
// reaches 90); assessment rounds apply a system to a set of organizations (every
// college's 关工委), which may assess themselves with evidence before assessors score
// them; coverage is the share of organizations reaching the status against a
// target (90% this year, 100% as the stretch goal). The League's branch grading (团支部
// 对标定级) lives here too: a 100-point scale turned into stars, with caps on the share
// of five- and four-star branches enforced when the results are confirmed.

// IndicatorSystem is a set of indicators and the rule of its overall status.
type IndicatorSystem struct {
	ID          int64
	OwnerOrgID  int64
	OwnerPath   string
	OwnerName   string
	Name        string
	Description string
	// StatusName names the status the rule grants ("均衡发展").
	StatusName string
	// Threshold is the total an organization must reach, besides full marks on every
	// key indicator, to have the status.
	Threshold  float64
	Indicators []Indicator
	Version    int
	// InUse is set by reads when a round applies the system: its indicators are fixed.
	InUse bool
}

// Indicator is one line of an indicator system.
type Indicator struct {
	ID       int64
	Position int
	Code     string // "一、1" or "A1"; may be empty
	Name     string
	Criteria string // what earns the points (评分标准)
	MaxScore float64
	// Weight, when above 0, makes the indicator count score/MaxScore × Weight
	// towards the total; 0 counts the score as it is.
	Weight float64
	Key    bool // a key indicator (关键指标): the status needs it at full marks
}

// Points returns what a score on the indicator adds to the total.
func (i Indicator) Points(score float64) float64 {
	if i.Weight > 0 {
		return score / i.MaxScore * i.Weight
	}
	return score
}

// Full returns the indicator's share of the highest total.
func (i Indicator) Full() float64 { return i.Points(i.MaxScore) }

// MaxTotal returns the highest total the system allows.
func (s IndicatorSystem) MaxTotal() float64 {
	var t float64
	for _, i := range s.Indicators {
		t += i.Full()
	}
	return t
}

// KeyIndicators returns the system's key indicators.
func (s IndicatorSystem) KeyIndicators() []Indicator {
	var out []Indicator
	for _, i := range s.Indicators {
		if i.Key {
			out = append(out, i)
		}
	}
	return out
}

// Limits of an indicator system.
const (
	MaxSystemName      = 200
	MaxSystemText      = 5000
	MaxStatusName      = 50
	MaxIndicators      = 40
	MaxIndicatorCode   = 10
	MaxIndicatorName   = 100
	MaxIndicatorText   = 1000
	MaxIndicatorScore  = 1000
	MaxIndicatorWeight = 1000
)

// IndicatorInput is one indicator row of the system form.
type IndicatorInput struct {
	Code, Name, Criteria string
	MaxScore, Weight     float64
	Key                  bool
}

// IndicatorField returns the form field name of one part of indicator row i (from
// 0): code, name, criteria, max, weight or key.
func IndicatorField(i int, part string) string { return "i" + strconv.Itoa(i) + "_" + part }

// SystemInput is what a manager types to create or edit an indicator system.
type SystemInput struct {
	OwnerOrgID  int64
	Name        string
	Description string
	StatusName  string
	Threshold   float64
	Indicators  []IndicatorInput
}

// Validate trims and checks the system: a name and a status name; one to
// MaxIndicators indicators, each with a name, a maximum score above 0, a weight not
// negative, codes not repeated; a threshold above 0 and no higher than the highest
// total (else no one could ever reach the status).
func (in *SystemInput) Validate() error {
	var v Invalid
	in.Name = strings.TrimSpace(in.Name)
	in.Description = strings.TrimSpace(in.Description)
	in.StatusName = strings.TrimSpace(in.StatusName)
	if in.OwnerOrgID <= 0 {
		v.Add("owner_org_id", "form.choose")
	}
	requiredText(&v, "name", in.Name, MaxSystemName)
	requiredText(&v, "status_name", in.StatusName, MaxStatusName)
	if utf8.RuneCountInString(in.Description) > MaxSystemText {
		v.Add("description", "form.too_long")
	}
	switch {
	case len(in.Indicators) == 0:
		v.Add("indicators", "indicator.required")
	case len(in.Indicators) > MaxIndicators:
		v.Add("indicators", "indicator.too_many")
	}
	codes := map[string]bool{}
	var total float64
	valid := true
	for i := range in.Indicators {
		x := &in.Indicators[i]
		f := func(part string) string { return IndicatorField(i, part) }
		x.Code, x.Name, x.Criteria = strings.TrimSpace(x.Code), strings.TrimSpace(x.Name), strings.TrimSpace(x.Criteria)
		if utf8.RuneCountInString(x.Code) > MaxIndicatorCode {
			v.Add(f("code"), "form.too_long")
		} else if x.Code != "" && codes[x.Code] {
			v.Add(f("code"), "indicator.code_twice")
		}
		codes[x.Code] = true
		requiredText(&v, f("name"), x.Name, MaxIndicatorName)
		if utf8.RuneCountInString(x.Criteria) > MaxIndicatorText {
			v.Add(f("criteria"), "form.too_long")
		}
		switch {
		case math.IsNaN(x.MaxScore) || x.MaxScore <= 0:
			v.Add(f("max"), "indicator.max_positive")
			valid = false
		case x.MaxScore > MaxIndicatorScore:
			v.Add(f("max"), "form.too_large")
			valid = false
		}
		switch {
		case math.IsNaN(x.Weight) || x.Weight < 0:
			v.Add(f("weight"), "form.not_negative")
			valid = false
		case x.Weight > MaxIndicatorWeight:
			v.Add(f("weight"), "form.too_large")
			valid = false
		}
		total += Indicator{MaxScore: x.MaxScore, Weight: x.Weight}.Full()
	}
	switch {
	case math.IsNaN(in.Threshold) || in.Threshold <= 0:
		v.Add("threshold", "assess.threshold_positive")
	case valid && len(in.Indicators) > 0 && in.Threshold > total+1e-9:
		v.Add("threshold", "assess.threshold_above_total")
	}
	return v.Err()
}

// ScoreField returns the form field name of the score of an indicator.
func ScoreField(indicatorID int64) string { return "s" + strconv.FormatInt(indicatorID, 10) }

// CheckScores checks scores (indicator id → score) against the system: every
// indicator is the system's, and every score lies between 0 and its maximum.
// Indicators without a score are allowed (a sheet saved half-way); Evaluate treats
// the sheet as incomplete.
func CheckScores(s IndicatorSystem, scores map[int64]float64) error {
	var v Invalid
	for id, x := range scores {
		var ind *Indicator
		for i := range s.Indicators {
			if s.Indicators[i].ID == id {
				ind = &s.Indicators[i]
			}
		}
		f := ScoreField(id)
		switch {
		case ind == nil:
			v.Add(f, "error.unknown_field")
		case math.IsNaN(x) || math.IsInf(x, 0):
			v.Add(f, "plantarget.value_invalid")
		case x < 0:
			v.Add(f, "form.not_negative")
		case x > ind.MaxScore+1e-9:
			v.Add(f, "assess.score_above_max")
		}
	}
	return v.Err()
}

// Lack is a key indicator an organization has not scored full marks on.
type Lack struct {
	Indicator Indicator
	Score     float64
	Scored    bool
	Missing   float64 // points to full marks
}

// AssessmentOutcome is what an organization's scores come to under a system's rule.
type AssessmentOutcome struct {
	Complete bool // every indicator scored
	Scored   int  // how many indicators are scored
	Total    float64
	MaxTotal float64
	KeyFull  bool // every key indicator at full marks
	// Reached: complete, key indicators full and the total at the threshold.
	Reached bool
	// Lacking lists the key indicators below full marks (unscored ones included).
	Lacking []Lack
	// TotalShort is how far the total stands below the threshold (0 when not).
	TotalShort float64
}

// Evaluate applies the system's rule to scores (indicator id → score): the status
// is reached when every indicator is scored, every key indicator has full marks and
// the total (Indicator.Points summed) reaches the threshold.
func Evaluate(s IndicatorSystem, scores map[int64]float64) AssessmentOutcome {
	o := AssessmentOutcome{MaxTotal: s.MaxTotal(), KeyFull: true}
	for _, ind := range s.Indicators {
		x, ok := scores[ind.ID]
		if ok {
			o.Scored++
			o.Total += ind.Points(x)
		}
		if ind.Key && (!ok || x < ind.MaxScore-1e-9) {
			o.KeyFull = false
			o.Lacking = append(o.Lacking, Lack{Indicator: ind, Score: x, Scored: ok, Missing: ind.MaxScore - x})
		}
	}
	o.Total = math.Round(o.Total*100) / 100
	o.Complete = o.Scored == len(s.Indicators) && len(s.Indicators) > 0
	if short := s.Threshold - o.Total; short > 1e-9 {
		o.TotalShort = math.Round(short*100) / 100
	}
	o.Reached = o.Complete && o.KeyFull && o.TotalShort == 0
	return o
}

// Coverage is how many organizations of a round reach the status, against the
// round's target and stretch goal (percentages).
type Coverage struct {
	Orgs    int // organizations in the round
	Scored  int // with a complete score sheet
	Reached int
	Share   float64 // Reached / Orgs × 100
	Target  float64
	Stretch float64 // 0 when the round has none
	// TargetMet and StretchMet say whether the shares are reached.
	TargetMet, StretchMet bool
	// ToTarget and ToStretch are how many more organizations must reach the status.
	ToTarget, ToStretch int
}

// CoverageOf computes the coverage of outcomes against target and stretch (percent).
// The organizations needed are rounded up: 90% of 7 colleges is 6.3, so all 7.
func CoverageOf(outcomes []AssessmentOutcome, target, stretch float64) Coverage {
	c := Coverage{Orgs: len(outcomes), Target: target, Stretch: stretch}
	for _, o := range outcomes {
		if o.Complete {
			c.Scored++
		}
		if o.Reached {
			c.Reached++
		}
	}
	if c.Orgs > 0 {
		c.Share = float64(c.Reached) * 100 / float64(c.Orgs)
	}
	need := func(pct float64) int {
		n := int(math.Ceil(pct*float64(c.Orgs)/100 - 1e-9))
		return max(0, n-c.Reached)
	}
	c.ToTarget = need(target)
	c.TargetMet = c.ToTarget == 0
	if stretch > 0 {
		c.ToStretch = need(stretch)
		c.StretchMet = c.ToStretch == 0
	}
	return c
}

// AssessStatus is where an assessment round stands.
type AssessStatus string

// The assessment round statuses.
const (
	AssessOpen   AssessStatus = "open"   // self-assessments and scoring
	AssessClosed AssessStatus = "closed" // the results stand; nothing changes
)

// Valid reports whether s is a known status.
func (s AssessStatus) Valid() bool { return s == AssessOpen || s == AssessClosed }

// AssessmentRound applies an indicator system to the organizations of one kind in
// a scope, in a year, with assessors.
type AssessmentRound struct {
	ID           int64
	SystemID     int64
	SystemName   string
	OwnerOrgID   int64
	OwnerPath    string
	OwnerName    string
	ScopeOrgID   int64
	ScopePath    string
	ScopeName    string
	OrgKind      OrgKind
	Year         int
	Title        string
	TargetShare  float64 // e.g. 90
	StretchShare float64 // e.g. 100; 0 for none
	Status       AssessStatus
	Assessors    []TaskPerson
	Version      int
	CreatedAt    time.Time
}

// AssessorIDs returns the ids of the round's assessors.
func (r AssessmentRound) AssessorIDs() []int64 {
	out := make([]int64, len(r.Assessors))
	for i, p := range r.Assessors {
		out[i] = p.UserID
	}
	return out
}

// AssessedOrg is one organization of a round with its self-assessment and scores.
type AssessedOrg struct {
	RoundID int64
	OrgID   int64
	OrgPath string
	OrgName string
	// The self-assessment: scores the organization gives itself, a note, and its
	// evidence; SelfSubmittedAt is zero until it is sent to the assessors.
	SelfScores      map[int64]float64
	SelfNote        string
	Evidence        string
	SelfSubmittedAt time.Time
	SelfBy          string
	// The assessors' sheet.
	Scores    map[int64]float64
	ScoreNote string
	ScoredBy  string
	ScoredAt  time.Time
	Version   int
}

// AssessmentRoundInput is what a manager types to open an assessment round.
type AssessmentRoundInput struct {
	SystemID     int64
	ScopeOrgID   int64
	OrgKind      OrgKind
	Year         int
	Title        string
	TargetShare  float64
	StretchShare float64
	Assessors    []int64
}

// Validate trims and checks the round: a system, a scope, a known kind, a year, a
// title; a target share above 0 and at most 100, a stretch share (0 for none) not
// below the target and at most 100; one to 20 assessors, none twice.
func (in *AssessmentRoundInput) Validate() error {
	var v Invalid
	in.Title = strings.TrimSpace(in.Title)
	if in.SystemID <= 0 {
		v.Add("system_id", "form.choose")
	}
	if in.ScopeOrgID <= 0 {
		v.Add("scope_org_id", "form.choose")
	}
	if !in.OrgKind.Valid() {
		v.Add("org_kind", "form.choose")
	}
	if !ValidProgramYear(in.Year) {
		v.Add("year", "program.year_range")
	}
	requiredText(&v, "title", in.Title, MaxSystemName)
	switch {
	case math.IsNaN(in.TargetShare) || in.TargetShare <= 0 || in.TargetShare > 100:
		v.Add("target_share", "assess.share_range")
	case math.IsNaN(in.StretchShare) || in.StretchShare < 0 || in.StretchShare > 100:
		v.Add("stretch_share", "assess.share_range")
	case in.StretchShare > 0 && in.StretchShare < in.TargetShare:
		v.Add("stretch_share", "assess.stretch_below_target")
	}
	switch {
	case len(in.Assessors) == 0:
		v.Add("assessors", "assess.assessors_required")
	case len(in.Assessors) > 20:
		v.Add("assessors", "assess.too_many_assessors")
	case hasDuplicate(in.Assessors):
		v.Add("assessors", "plantask.person_twice")
	}
	return v.Err()
}

// SelfInput is an organization's self-assessment as it types it.
type SelfInput struct {
	Scores   map[int64]float64
	Note     string
	Evidence string
	Submit   bool // send it to the assessors (else keep it as a draft)
}

// RoundDetail is a round with its indicator system and organizations.
type RoundDetail struct {
	AssessmentRound
	System IndicatorSystem
	Orgs   []AssessedOrg
	// Limited is set when Orgs holds only the organizations the reader assesses
	// itself (an assessed organization does not see the others' sheets).
	Limited bool
}

// Org returns the round's organization with id, and whether it has one.
func (d RoundDetail) Org(id int64) (AssessedOrg, bool) {
	for _, o := range d.Orgs {
		if o.OrgID == id {
			return o, true
		}
	}
	return AssessedOrg{}, false
}

// Outcomes evaluates every organization's scores, in the order of Orgs.
func (d RoundDetail) Outcomes() []AssessmentOutcome {
	out := make([]AssessmentOutcome, len(d.Orgs))
	for i, o := range d.Orgs {
		out[i] = Evaluate(d.System, o.Scores)
	}
	return out
}

// Coverage returns the round's coverage against its target and stretch goal.
func (d RoundDetail) Coverage() Coverage {
	return CoverageOf(d.Outcomes(), d.TargetShare, d.StretchShare)
}

// Limit of a self-assessment's texts and an assessor's note.
const MaxAssessText = 5000

// CheckSelf trims and checks a self-assessment against the system: the scores as
// CheckScores, the texts within bounds; a self-assessment sent to the assessors
// needs evidence.
func CheckSelf(s IndicatorSystem, in *SelfInput) error {
	in.Note, in.Evidence = strings.TrimSpace(in.Note), strings.TrimSpace(in.Evidence)
	err := CheckScores(s, in.Scores)
	v := Invalid{Fields: FieldErrors(err)}
	if utf8.RuneCountInString(in.Note) > MaxAssessText {
		v.Add("note", "form.too_long")
	}
	if utf8.RuneCountInString(in.Evidence) > MaxAssessText {
		v.Add("evidence", "form.too_long")
	}
	if in.Submit && in.Evidence == "" {
		v.Add("evidence", "assess.evidence_required")
	}
	return v.Err()
}

// GradingStatus is where a branch grading stands: draft, then confirmed for good.
type GradingStatus string

// The grading statuses.
const (
	GradingDraft     GradingStatus = "draft"
	GradingConfirmed GradingStatus = "confirmed"
)

// GradingRound is a year's branch grading (团支部对标定级): every organization of a
// kind in a scope gets a score out of 100, which gives its stars by the round's
// bands; the share of five- and four-star branches is capped.
type GradingRound struct {
	ID         int64
	OwnerOrgID int64
	OwnerPath  string
	OwnerName  string
	ScopeOrgID int64
	ScopePath  string
	ScopeName  string
	OrgKind    OrgKind
	Year       int
	Title      string
	// The lowest score of each band: five stars from FiveAt (90), four from FourAt,
	// three from ThreeAt, two from TwoAt; below TwoAt one star.
	FiveAt, FourAt, ThreeAt, TwoAt float64
	// The most five-star and four-star branches, as percentages of all; 0 is no cap.
	FiveCap, FourCap float64
	Status           GradingStatus
	ConfirmedAt      time.Time
	Version          int
}

// StarsFor returns the stars a score earns by the round's bands.
func (g GradingRound) StarsFor(score float64) int {
	switch {
	case score >= g.FiveAt-1e-9:
		return 5
	case score >= g.FourAt-1e-9:
		return 4
	case score >= g.ThreeAt-1e-9:
		return 3
	case score >= g.TwoAt-1e-9:
		return 2
	}
	return 1
}

// GradingEntry is one organization of a grading.
type GradingEntry struct {
	OrgID   int64
	OrgPath string
	OrgName string
	// CollegeName is the college the organization lies in, "" when none.
	CollegeName string
	Score       float64
	Scored      bool
	// Override lowers the stars the score earns (0: none), so that the grading fits
	// the caps; it can never raise them.
	Override int
	Note     string
}

// Stars returns the entry's final stars in round g, 0 when it is not scored.
func (e GradingEntry) Stars(g GradingRound) int {
	if !e.Scored {
		return 0
	}
	if e.Override > 0 {
		return e.Override
	}
	return g.StarsFor(e.Score)
}

// GradingInput is what a manager types to open a branch grading.
type GradingInput struct {
	OwnerOrgID                     int64
	ScopeOrgID                     int64
	OrgKind                        OrgKind
	Year                           int
	Title                          string
	FiveAt, FourAt, ThreeAt, TwoAt float64
	FiveCap, FourCap               float64
}

// Validate trims and checks the grading: an owner, a scope, a kind, a year, a title; bands
// on the 100-point scale, each above the next (100 ≥ five > four > three > two > 0);
// caps from 0 (none) to 100.
func (in *GradingInput) Validate() error {
	var v Invalid
	in.Title = strings.TrimSpace(in.Title)
	if in.OwnerOrgID <= 0 {
		v.Add("owner_org_id", "form.choose")
	}
	if in.ScopeOrgID <= 0 {
		v.Add("scope_org_id", "form.choose")
	}
	if !in.OrgKind.Valid() {
		v.Add("org_kind", "form.choose")
	}
	if !ValidProgramYear(in.Year) {
		v.Add("year", "program.year_range")
	}
	requiredText(&v, "title", in.Title, MaxSystemName)
	bands := []struct {
		field string
		x     float64
	}{{"five_at", in.FiveAt}, {"four_at", in.FourAt}, {"three_at", in.ThreeAt}, {"two_at", in.TwoAt}}
	prev := 100.0 + 1e-9
	for i, b := range bands {
		switch {
		case math.IsNaN(b.x) || b.x <= 0 || b.x > 100:
			v.Add(b.field, "grading.band_range")
		case i > 0 && b.x >= prev || i == 0 && b.x > prev:
			v.Add(b.field, "grading.band_order")
		}
		prev = b.x
	}
	for field, x := range map[string]float64{"five_cap": in.FiveCap, "four_cap": in.FourCap} {
		if math.IsNaN(x) || x < 0 || x > 100 {
			v.Add(field, "assess.share_range")
		}
	}
	return v.Err()
}

// GradeField returns the grading form's field name of part (score, stars, note) of an organization.
func GradeField(orgID int64, part string) string { return part + "_" + strconv.FormatInt(orgID, 10) }

// CheckGradeEntry checks one organization's grading: a score from 0 to 100, and an
// override of 1 to 5 stars no higher than what the score earns.
func CheckGradeEntry(g GradingRound, e GradingEntry, v *Invalid) {
	if !e.Scored {
		if e.Override > 0 {
			v.Add(GradeField(e.OrgID, "stars"), "grading.override_needs_score")
		}
		return
	}
	switch {
	case math.IsNaN(e.Score) || e.Score < 0:
		v.Add(GradeField(e.OrgID, "score"), "grading.score_range")
	case e.Score > 100:
		v.Add(GradeField(e.OrgID, "score"), "grading.score_range")
	case e.Override < 0 || e.Override > 5:
		v.Add(GradeField(e.OrgID, "stars"), "form.choose")
	case e.Override > g.StarsFor(e.Score):
		v.Add(GradeField(e.OrgID, "stars"), "grading.override_above_score")
	}
	if utf8.RuneCountInString(e.Note) > MaxProgressText {
		v.Add(GradeField(e.OrgID, "note"), "form.too_long")
	}
}

// StarCount counts a grading's entries by final stars.
type StarCount struct {
	ByStars  [6]int // index 1..5; index 0 counts the unscored
	Total    int
	FiveMax  int // the cap as a number of branches, -1 for no cap
	FourMax  int
	Unscored int
}

// CapLimit returns the most organizations out of n a cap in percent allows: the
// share rounded down (20% of 38 branches is 7.6, so 7), -1 when cap is 0 (no cap).
func CapLimit(n int, cap float64) int {
	if cap <= 0 {
		return -1
	}
	return int(math.Floor(float64(n)*cap/100 + 1e-9))
}

// CountStars counts entries by their final stars and works out the caps.
func CountStars(g GradingRound, entries []GradingEntry) StarCount {
	c := StarCount{Total: len(entries), FiveMax: CapLimit(len(entries), g.FiveCap), FourMax: CapLimit(len(entries), g.FourCap)}
	for _, e := range entries {
		c.ByStars[e.Stars(g)]++
	}
	c.Unscored = c.ByStars[0]
	return c
}

// CheckConfirm reports whether a grading may be confirmed: a draft, with every
// organization scored, no more five-star organizations than the five-star cap
// allows, and no more four-star ones than the four-star cap. A broken cap names
// how many are allowed and how many there are, so that the manager can lower some
// (GradingEntry.Override) or correct scores.
func CheckConfirm(g GradingRound, entries []GradingEntry) error {
	if g.Status != GradingDraft {
		return Errorf(EINVALID, "grading.not_draft")
	}
	if len(entries) == 0 {
		return Errorf(EINVALID, "grading.empty")
	}
	c := CountStars(g, entries)
	if c.Unscored > 0 {
		return Errorf(EINVALID, "grading.unscored", c.Unscored)
	}
	if c.FiveMax >= 0 && c.ByStars[5] > c.FiveMax {
		return Errorf(EINVALID, "grading.five_cap", c.ByStars[5], c.FiveMax, trimFloat(g.FiveCap))
	}
	if c.FourMax >= 0 && c.ByStars[4] > c.FourMax {
		return Errorf(EINVALID, "grading.four_cap", c.ByStars[4], c.FourMax, trimFloat(g.FourCap))
	}
	return nil
}

// trimFloat formats x without trailing zeros: 20 → "20", 12.5 → "12.5".
func trimFloat(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
