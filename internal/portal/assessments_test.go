package portal

import (
	"reflect"
	"testing"
)

// careSystem is an indicator system after seed 004: three key indicators of 15
// points each and five others, 100 in all; "均衡发展" at 90 with the key ones full.
func careSystem() IndicatorSystem {
	return IndicatorSystem{StatusName: "均衡发展", Threshold: 90, Indicators: []Indicator{
		{ID: 1, Name: "组织领导与长效机制", MaxScore: 15, Key: true},
		{ID: 2, Name: "关爱帮扶成效", MaxScore: 15, Key: true},
		{ID: 3, Name: "队伍与工作基础", MaxScore: 15, Key: true},
		{ID: 4, Name: "思想引领", MaxScore: 15},
		{ID: 5, Name: "双菜单", MaxScore: 10},
		{ID: 6, Name: "一院一品", MaxScore: 15},
		{ID: 7, Name: "自身建设", MaxScore: 5},
		{ID: 8, Name: "宣传", MaxScore: 10},
	}}
}

func scoresOf(xs ...float64) map[int64]float64 {
	m := map[int64]float64{}
	for i, x := range xs {
		if x >= 0 {
			m[int64(i+1)] = x
		}
	}
	return m
}

// TestEvaluateKeyIndicatorRule: the status needs every key indicator at full marks
// and the total at the threshold.
func TestEvaluateKeyIndicatorRule(t *testing.T) {
	sys := careSystem()
	tests := []struct {
		name       string
		scores     map[int64]float64
		reached    bool
		total      float64
		lacking    []int64
		totalShort float64
		complete   bool
	}{
		{"full marks everywhere", scoresOf(15, 15, 15, 15, 10, 15, 5, 10), true, 100, nil, 0, true},
		{"key full, total exactly 90", scoresOf(15, 15, 15, 12, 8, 12, 3, 10), true, 90, nil, 0, true},
		{"key full, total 89.5", scoresOf(15, 15, 15, 12, 8, 11.5, 3, 10), false, 89.5, nil, 0.5, true},
		{"total 98 but one key indicator short", scoresOf(15, 13, 15, 15, 10, 15, 5, 10), false, 98, []int64{2}, 0, true},
		{"two key indicators short and the total too", scoresOf(14, 15, 12, 12, 8, 12, 3, 10), false, 86, []int64{1, 3}, 4, true},
		{"not scored yet", map[int64]float64{}, false, 0, []int64{1, 2, 3}, 90, false},
		{"a sheet half-way is not reached", scoresOf(15, 15, 15, 15, 10, 15, -1, -1), false, 85, nil, 5, false},
	}
	for _, tt := range tests {
		o := Evaluate(sys, tt.scores)
		var lacking []int64
		for _, l := range o.Lacking {
			lacking = append(lacking, l.Indicator.ID)
		}
		if o.Reached != tt.reached || !near2(o.Total, tt.total) || !reflect.DeepEqual(lacking, tt.lacking) ||
			!near2(o.TotalShort, tt.totalShort) || o.Complete != tt.complete {
			t.Errorf("%s: %+v", tt.name, o)
		}
	}
	// Weights: the indicator counts score/max × weight.
	weighted := IndicatorSystem{Threshold: 90, Indicators: []Indicator{
		{ID: 1, MaxScore: 10, Weight: 60, Key: true}, {ID: 2, MaxScore: 5, Weight: 40},
	}}
	if weighted.MaxTotal() != 100 {
		t.Errorf("weighted max total %v", weighted.MaxTotal())
	}
	if o := Evaluate(weighted, map[int64]float64{1: 10, 2: 4}); !o.Reached || !near2(o.Total, 92) {
		t.Errorf("weighted: %+v", o)
	}
	if o := Evaluate(weighted, map[int64]float64{1: 9.5, 2: 5}); o.Reached || !near2(o.Total, 97) || o.KeyFull {
		t.Errorf("weighted with the key one short: %+v", o)
	}
}

// TestCoverage: seed 004's target, 90% of college committees this year, 100% as the
// stretch goal.
func TestCoverage(t *testing.T) {
	reached := AssessmentOutcome{Complete: true, Reached: true}
	short := AssessmentOutcome{Complete: true}
	pending := AssessmentOutcome{}
	of := func(r, s, p int) []AssessmentOutcome {
		var out []AssessmentOutcome
		for i := 0; i < r; i++ {
			out = append(out, reached)
		}
		for i := 0; i < s; i++ {
			out = append(out, short)
		}
		for i := 0; i < p; i++ {
			out = append(out, pending)
		}
		return out
	}
	tests := []struct {
		name                  string
		outcomes              []AssessmentOutcome
		share                 float64
		toTarget, toStretch   int
		targetMet, stretchMet bool
		scored                int
	}{
		{"7 colleges, 6 reach: 85.7% is short of 90%", of(6, 1, 0), 600.0 / 7, 1, 1, false, false, 7},
		{"7 colleges, all reach", of(7, 0, 0), 100, 0, 0, true, true, 7},
		{"10 colleges, 9 reach: the target, not the stretch", of(9, 1, 0), 90, 0, 1, true, false, 10},
		{"nothing scored yet", of(0, 0, 7), 0, 7, 7, false, false, 0},
		{"half scored", of(3, 1, 3), 300.0 / 7, 4, 4, false, false, 4},
		{"no organizations", nil, 0, 0, 0, true, true, 0},
	}
	for _, tt := range tests {
		c := CoverageOf(tt.outcomes, 90, 100)
		if !near2(c.Share, tt.share) || c.ToTarget != tt.toTarget || c.ToStretch != tt.toStretch ||
			c.TargetMet != tt.targetMet || c.StretchMet != tt.stretchMet || c.Scored != tt.scored {
			t.Errorf("%s: %+v", tt.name, c)
		}
	}
	if c := CoverageOf(of(1, 1, 0), 50, 0); !c.TargetMet || c.ToStretch != 0 || c.StretchMet {
		t.Errorf("no stretch goal: %+v", c)
	}
}

func TestSystemInputValidate(t *testing.T) {
	good := func() SystemInput {
		in := SystemInput{OwnerOrgID: 1, Name: "优质化建设均衡发展基本要求", StatusName: "均衡发展", Threshold: 90}
		for _, ind := range careSystem().Indicators {
			in.Indicators = append(in.Indicators, IndicatorInput{Name: ind.Name, MaxScore: ind.MaxScore, Key: ind.Key})
		}
		return in
	}
	tests := []struct {
		name string
		edit func(*SystemInput)
		want []string
	}{
		{"seed 004", func(*SystemInput) {}, nil},
		{"no indicators", func(in *SystemInput) { in.Indicators = nil }, []string{"indicators"}},
		{"threshold above the total", func(in *SystemInput) { in.Threshold = 101 }, []string{"threshold"}},
		{"threshold zero", func(in *SystemInput) { in.Threshold = 0 }, []string{"threshold"}},
		{"no status name", func(in *SystemInput) { in.StatusName = "" }, []string{"status_name"}},
		{"an indicator without points", func(in *SystemInput) { in.Indicators[2].MaxScore = 0 }, []string{"i2_max"}},
		{"a negative weight", func(in *SystemInput) { in.Indicators[1].Weight = -1 }, []string{"i1_weight"}},
		{"a code twice", func(in *SystemInput) { in.Indicators[0].Code, in.Indicators[1].Code = "A1", "A1" }, []string{"i1_code"}},
		{"an indicator without a name", func(in *SystemInput) { in.Indicators[4].Name = " " }, []string{"i4_name"}},
	}
	for _, tt := range tests {
		in := good()
		tt.edit(&in)
		if got := fieldKeys(in.Validate()); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: bad fields %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestCheckScoresAndSelf(t *testing.T) {
	sys := careSystem()
	if err := CheckScores(sys, scoresOf(15, 15, 15, 12)); err != nil {
		t.Errorf("good scores: %v", FieldErrors(err))
	}
	err := CheckScores(sys, map[int64]float64{1: 16, 5: -1, 99: 1, 7: 5})
	if got, want := fieldKeys(err), []string{"s1", "s5", "s99"}; !reflect.DeepEqual(got, want) {
		t.Errorf("bad scores: %v, want %v", got, want)
	}
	if FieldErrors(err)["s1"] != "assess.score_above_max" {
		t.Errorf("a score above the maximum says %q", FieldErrors(err)["s1"])
	}
	in := SelfInput{Scores: scoresOf(15), Submit: true, Evidence: "  "}
	if got := fieldKeys(CheckSelf(sys, &in)); !reflect.DeepEqual(got, []string{"evidence"}) {
		t.Errorf("sending without evidence: %v", got)
	}
	in = SelfInput{Scores: scoresOf(15), Submit: false}
	if err := CheckSelf(sys, &in); err != nil {
		t.Errorf("a draft needs no evidence: %v", err)
	}
}

func TestAssessmentRoundInputValidate(t *testing.T) {
	good := func() AssessmentRoundInput {
		return AssessmentRoundInput{SystemID: 1, ScopeOrgID: 1, OrgKind: KindCollegeCareCommittee, Year: 2022,
			Title: "二级学院关工委考核", TargetShare: 90, StretchShare: 100, Assessors: []int64{5, 6}}
	}
	tests := []struct {
		name string
		edit func(*AssessmentRoundInput)
		want []string
	}{
		{"seed 004", func(*AssessmentRoundInput) {}, nil},
		{"no stretch goal", func(in *AssessmentRoundInput) { in.StretchShare = 0 }, nil},
		{"target over 100%", func(in *AssessmentRoundInput) { in.TargetShare = 110 }, []string{"target_share"}},
		{"target of 0", func(in *AssessmentRoundInput) { in.TargetShare = 0 }, []string{"target_share"}},
		{"stretch below target", func(in *AssessmentRoundInput) { in.StretchShare = 80 }, []string{"stretch_share"}},
		{"no assessors", func(in *AssessmentRoundInput) { in.Assessors = nil }, []string{"assessors"}},
		{"an assessor twice", func(in *AssessmentRoundInput) { in.Assessors = []int64{5, 5} }, []string{"assessors"}},
		{"unknown kind", func(in *AssessmentRoundInput) { in.OrgKind = "club" }, []string{"org_kind"}},
	}
	for _, tt := range tests {
		in := good()
		tt.edit(&in)
		if got := fieldKeys(in.Validate()); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: bad fields %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestStarsAndCaps(t *testing.T) {
	g := GradingRound{FiveAt: 90, FourAt: 80, ThreeAt: 70, TwoAt: 60, FiveCap: 20, FourCap: 30, Status: GradingDraft}
	for score, want := range map[float64]int{100: 5, 90: 5, 89.9: 4, 80: 4, 79.5: 3, 70: 3, 60: 2, 59: 1, 0: 1} {
		if got := g.StarsFor(score); got != want {
			t.Errorf("StarsFor(%v) = %d, want %d", score, got, want)
		}
	}
	entries := func(scores ...float64) []GradingEntry {
		var out []GradingEntry
		for i, s := range scores {
			out = append(out, GradingEntry{OrgID: int64(i + 1), Score: s, Scored: s >= 0})
		}
		return out
	}
	tests := []struct {
		name    string
		entries []GradingEntry
		edit    func([]GradingEntry)
		msg     string
		args    []any
	}{
		// 10 branches: at most 2 five-star (20%) and 3 four-star (30%).
		{"within the caps", entries(95, 91, 85, 84, 83, 75, 72, 65, 50, 40), nil, "", nil},
		{"three five-star branches of ten", entries(95, 91, 90, 84, 83, 75, 72, 65, 50, 40), nil, "grading.five_cap", []any{3, 2, "20"}},
		{"four four-star branches of ten", entries(95, 91, 85, 84, 83, 80, 72, 65, 50, 40), nil, "grading.four_cap", []any{4, 3, "30"}},
		{"lowering one to four stars is not enough", entries(95, 91, 90, 84, 83, 82, 72, 65, 50, 40),
			func(e []GradingEntry) { e[2].Override = 4 }, "grading.four_cap", []any{4, 3, "30"}},
		{"lowering one to three stars fits", entries(95, 91, 90, 84, 83, 75, 72, 65, 50, 40),
			func(e []GradingEntry) { e[2].Override = 3 }, "", nil},
		{"an unscored branch", entries(95, 85, -1), nil, "grading.unscored", []any{1}},
		{"no branches", nil, nil, "grading.empty", nil},
		// 3 branches: 20% of 3 is 0.6, so no five-star branch at all.
		{"small gradings round down", entries(95, 70, 60), nil, "grading.five_cap", []any{1, 0, "20"}},
	}
	for _, tt := range tests {
		if tt.edit != nil {
			tt.edit(tt.entries)
		}
		err := CheckConfirm(g, tt.entries)
		if tt.msg == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
			continue
		}
		e, ok := err.(*Error)
		if !ok || e.Message != tt.msg || (tt.args != nil && !reflect.DeepEqual(e.Args, tt.args)) {
			t.Errorf("%s: %v, want %s %v", tt.name, err, tt.msg, tt.args)
		}
	}
	noCaps := g
	noCaps.FiveCap, noCaps.FourCap = 0, 0
	if err := CheckConfirm(noCaps, entries(95, 95, 95)); err != nil {
		t.Errorf("no caps: %v", err)
	}
	confirmed := g
	confirmed.Status = GradingConfirmed
	if err := CheckConfirm(confirmed, entries(70)); err == nil {
		t.Error("a confirmed grading was confirmed again")
	}
	if CapLimit(38, 20) != 7 || CapLimit(10, 30) != 3 || CapLimit(5, 0) != -1 {
		t.Error("CapLimit")
	}
	var v Invalid
	CheckGradeEntry(g, GradingEntry{OrgID: 4, Score: 82, Scored: true, Override: 5}, &v)
	CheckGradeEntry(g, GradingEntry{OrgID: 5, Score: 101, Scored: true}, &v)
	CheckGradeEntry(g, GradingEntry{OrgID: 6, Override: 2}, &v)
	CheckGradeEntry(g, GradingEntry{OrgID: 7, Score: 82, Scored: true, Override: 3}, &v)
	want := map[string]string{"stars_4": "grading.override_above_score", "score_5": "grading.score_range", "stars_6": "grading.override_needs_score"}
	if !reflect.DeepEqual(v.Fields, want) {
		t.Errorf("entry checks %v, want %v", v.Fields, want)
	}
}

func TestGradingInputValidate(t *testing.T) {
	good := func() GradingInput {
		return GradingInput{OwnerOrgID: 3, ScopeOrgID: 1, OrgKind: KindLeagueBranch, Year: 2026, Title: "团支部对标定级",
			FiveAt: 90, FourAt: 80, ThreeAt: 70, TwoAt: 60, FiveCap: 20, FourCap: 30}
	}
	tests := []struct {
		name string
		edit func(*GradingInput)
		want []string
	}{
		{"the League's scale", func(*GradingInput) {}, nil},
		{"bands out of order", func(in *GradingInput) { in.FourAt = 95 }, []string{"four_at"}},
		{"equal bands", func(in *GradingInput) { in.ThreeAt = 80 }, []string{"three_at"}},
		{"five stars above 100", func(in *GradingInput) { in.FiveAt = 101 }, []string{"five_at"}},
		{"a cap over 100%", func(in *GradingInput) { in.FourCap = 120 }, []string{"four_cap"}},
		{"no caps", func(in *GradingInput) { in.FiveCap, in.FourCap = 0, 0 }, nil},
	}
	for _, tt := range tests {
		in := good()
		tt.edit(&in)
		if got := fieldKeys(in.Validate()); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: bad fields %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestAssessmentPolicy(t *testing.T) {
	assessor := &Actor{UserID: 5, HomePath: "/1/4/"}
	ownCollege := &Actor{UserID: 6, HomePath: "/1/20/23/"}
	manager := &Actor{UserID: 7, Grants: []Grant{{Role: RoleManager, OrgPath: "/1/4/"}}}
	careSec := &Actor{UserID: 8, Grants: []Grant{{Role: RoleSecretary, OrgPath: "/1/20/23/"}}}
	assessors := []int64{5, 6}
	tests := []struct {
		name string
		got  bool
		want bool
	}{
		{"an assessor scores a college committee", CanAssessOrg(assessor, assessors, "/1/20/23/"), true},
		{"not their own college's", CanAssessOrg(ownCollege, assessors, "/1/20/23/"), false},
		{"but another college's", CanAssessOrg(ownCollege, assessors, "/1/30/33/"), true},
		{"a manager does not score", CanAssessOrg(manager, assessors, "/1/20/23/"), false},
		{"no role scores", Can(manager, ActAssess, "/1/20/23/"), false},
		{"the manager sees the round", CanViewRound(manager, "/1/4/", assessors, nil), true},
		{"an assessor sees the round", CanViewRound(assessor, "/1/9/", assessors, nil), true},
		{"an assessed committee sees the round", CanViewRound(careSec, "/1/4/", assessors, []string{"/1/20/23/"}), true},
		{"another committee does not", CanViewRound(careSec, "/1/4/", assessors, []string{"/1/30/33/"}), false},
		{"the committee self-assesses", Can(careSec, ActSelfAssess, "/1/20/23/"), true},
		{"anonymous", CanViewRound(&Actor{}, "/1/4/", assessors, nil), false},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}
