package portal

import (
	"math"
	"testing"
	"time"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

func TestAggregate(t *testing.T) {
	tests := []struct {
		name                      string
		in                        []float64
		mean, trimmed, median, sd float64
		trimmedUsed               bool
	}{
		{"none", nil, 0, 0, 0, 0, false},
		{"one", []float64{80}, 80, 80, 80, 0, false},
		{"four keep all", []float64{70, 80, 90, 100}, 85, 85, 85, math.Sqrt(125), false},
		{"five drop high and low", []float64{60, 80, 82, 84, 100}, 81.2, 82, 82, math.Sqrt(162.56), true},
		{"six with ties at the ends", []float64{90, 90, 70, 70, 80, 80}, 80, 80, 80, math.Sqrt(200.0 / 3), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := Aggregate(tt.in)
			if st.Count != len(tt.in) || !near(st.Mean, tt.mean) || !near(st.TrimmedMean, tt.trimmed) ||
				!near(st.Median, tt.median) || !near(st.StdDev, tt.sd) || st.Trimmed != tt.trimmedUsed {
				t.Errorf("Aggregate(%v) = %+v", tt.in, st)
			}
		})
	}
}

func TestWeightedTotalAndKeyIndicators(t *testing.T) {
	r := Rubric{Criteria: []Criterion{
		{Key: "a", Name: "组织建设", Max: 30, KeyIndicator: true},
		{Key: "b", Name: "活动开展", Max: 40, Weight: 1.5},
		{Key: "c", Name: "特色创新", Max: 10},
	}}
	if got := r.MaxTotal(); got != 100 {
		t.Fatalf("MaxTotal = %v, want 100", got)
	}
	s := Sheet{Scores: map[string]float64{"a": 30, "b": 20, "c": 5}}
	if got := WeightedTotal(r, s); got != 65 {
		t.Errorf("WeightedTotal = %v, want 65", got)
	}
	tests := []struct {
		name   string
		sheets []Sheet
		want   bool
	}{
		{"no sheets", nil, false},
		{"all full", []Sheet{{Scores: map[string]float64{"a": 30}}, {Scores: map[string]float64{"a": 30}}}, true},
		{"one reviewer short", []Sheet{{Scores: map[string]float64{"a": 30}}, {Scores: map[string]float64{"a": 29}}}, false},
	}
	for _, tt := range tests {
		if got := KeyIndicatorsFull(r, tt.sheets); got != tt.want {
			t.Errorf("%s: KeyIndicatorsFull = %v, want %v", tt.name, got, tt.want)
		}
	}
	if !KeyIndicatorsFull(Rubric{Criteria: []Criterion{{Key: "x", Max: 10}}}, []Sheet{{}}) {
		t.Error("a rubric without key indicators should pass the rule")
	}
}

func TestCheckSheet(t *testing.T) {
	r := Rubric{Criteria: []Criterion{{Key: "a", Name: "A", Max: 30}, {Key: "b", Name: "B", Max: 70}}}
	tests := []struct {
		name     string
		s        Sheet
		complete bool
		field    string // the field expected in error, "" for none
	}{
		{"draft may be partial", Sheet{Scores: map[string]float64{"a": 20}}, false, ""},
		{"submit needs every score", Sheet{Scores: map[string]float64{"a": 20}, Recommendation: "approve"}, true, "score_b"},
		{"over max", Sheet{Scores: map[string]float64{"a": 31}}, false, "score_a"},
		{"negative", Sheet{Scores: map[string]float64{"b": -1}}, false, "score_b"},
		{"unknown criterion", Sheet{Scores: map[string]float64{"z": 1}}, false, "score_z"},
		{"submit needs a recommendation", Sheet{Scores: map[string]float64{"a": 1, "b": 2}}, true, "recommendation"},
		{"recommendation of another stage", Sheet{Recommendation: "excellent"}, false, "recommendation"},
		{"complete", Sheet{Scores: map[string]float64{"a": 30, "b": 70}, Recommendation: "approve"}, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckSheet(r, StageApproval, tt.s, tt.complete)
			fe := FieldErrors(err)
			if tt.field == "" && err != nil {
				t.Errorf("unexpected error %v", fe)
			}
			if tt.field != "" && fe[tt.field] == "" {
				t.Errorf("want an error on %s, got %v", tt.field, fe)
			}
		})
	}
}

func TestParseScore(t *testing.T) {
	for in, want := range map[string]bool{"85": true, "85.5": true, " 7 ": true, "85.55": false, "abc": false, "": false, "NaN": false, "1e3": true} {
		if _, ok := ParseScore(in); ok != want {
			t.Errorf("ParseScore(%q) ok = %v, want %v", in, ok, want)
		}
	}
}

func TestRank(t *testing.T) {
	items := []Ranked{
		{ItemID: 1, Score: 80, KeyOK: true},
		{ItemID: 2, Score: 92, KeyOK: true},
		{ItemID: 3, Score: 85, KeyOK: true},
		{ItemID: 4, Score: 85, KeyOK: true},
		{ItemID: 5, Score: 99, KeyOK: false}, // fails the key-indicator rule: ranks last
		{ItemID: 6, Score: 70, KeyOK: true},
	}
	got := Rank(items, 2)
	wantOrder := []int64{2, 3, 4, 1, 6, 5}
	wantRank := []int{1, 2, 2, 4, 5, 6}
	for i, r := range got {
		if r.ItemID != wantOrder[i] || r.Rank != wantRank[i] {
			t.Fatalf("position %d: item %d rank %d, want item %d rank %d (%+v)", i, r.ItemID, r.Rank, wantOrder[i], wantRank[i], got)
		}
	}
	if !got[0].InQuota || !got[1].InQuota || !got[2].InQuota || got[3].InQuota {
		t.Errorf("quota line: %+v", got)
	}
	if !got[1].OnLine || !got[2].OnLine || got[0].OnLine {
		t.Errorf("the tie at ranks 2–3 straddles a quota of 2: %+v", got)
	}
	if !got[1].Tied || got[0].Tied {
		t.Errorf("ties: %+v", got)
	}
	if all := Rank(items, 0); !all[5].InQuota {
		t.Error("quota 0 means no limit")
	}
}

func TestNormalise(t *testing.T) {
	// A lenient reviewer (90s) and a strict one (60s) rank the items alike; after
	// normalisation their scores of the same item agree.
	totals := map[int64]map[int64]float64{
		1: {10: 90, 11: 95, 12: 85},
		2: {10: 60, 11: 65, 12: 55},
	}
	n := Normalise(totals)
	for _, item := range []int64{10, 11, 12} {
		if !near(n[1][item], n[2][item]) {
			t.Errorf("item %d: %v vs %v", item, n[1][item], n[2][item])
		}
	}
	if !(n[1][11] > n[1][10] && n[1][10] > n[1][12]) {
		t.Errorf("the order changed: %v", n[1])
	}
	flat := Normalise(map[int64]map[int64]float64{3: {10: 70}})
	if !near(flat[3][10], 70) {
		t.Errorf("a single score keeps the pooled mean: %v", flat)
	}
}

func TestCheckSelection(t *testing.T) {
	if err := CheckSelection(4, 4, ""); err != nil {
		t.Errorf("within quota: %v", err)
	}
	if err := CheckSelection(5, 4, ""); ErrorCode(err) != EINVALID {
		t.Errorf("over quota without a reason: %v", err)
	}
	if err := CheckSelection(5, 4, "并列第四名"); err != nil {
		t.Errorf("over quota with a reason: %v", err)
	}
	if err := CheckSelection(50, 0, ""); err != nil {
		t.Errorf("no quota: %v", err)
	}
}

func TestConflictReason(t *testing.T) {
	app := "/1/20/21/" // a 团总支 under a college
	tests := []struct {
		name     string
		reviewer Actor
		author   int64
		endorser []int64
		declared []string
		want     string
	}{
		{"school expert", Actor{UserID: 7, HomePath: "/1/3/", Grants: []Grant{{Role: RoleReviewer, OrgPath: "/1/"}}}, 9, nil, nil, ""},
		{"secretary of the applicant's college", Actor{UserID: 7, HomePath: "/1/3/", Grants: []Grant{{Role: RoleReviewer, OrgPath: "/1/"}, {Role: RoleSecretary, OrgPath: "/1/20/"}}}, 9, nil, nil, "review.conflict_grant"},
		{"works in the applicant's college", Actor{UserID: 7, HomePath: "/1/20/", Grants: []Grant{{Role: RoleReviewer, OrgPath: "/1/"}}}, 9, nil, nil, "review.conflict_home"},
		{"wrote it", Actor{UserID: 9, HomePath: "/1/3/"}, 9, nil, nil, "review.conflict_author"},
		{"endorsed it", Actor{UserID: 7, HomePath: "/1/3/"}, 9, []int64{7}, nil, "review.conflict_endorser"},
		{"declared", Actor{UserID: 7, HomePath: "/1/3/"}, 9, nil, []string{"/1/20/"}, "review.conflict_declared"},
		{"another college", Actor{UserID: 7, HomePath: "/1/30/", Grants: []Grant{{Role: RoleSecretary, OrgPath: "/1/30/"}}}, 9, nil, nil, ""},
	}
	for _, tt := range tests {
		if got := ConflictReason(&tt.reviewer, app, tt.author, tt.endorser, tt.declared); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestAssign(t *testing.T) {
	pool := []int64{1, 2, 3, 4}
	items := []AssignInput{
		{ItemID: 10, Excluded: map[int64]bool{1: true}},
		{ItemID: 11},
		{ItemID: 12, Excluded: map[int64]bool{1: true, 2: true, 3: true}}, // only 4 may: short
		{ItemID: 13, Have: []int64{2}},
	}
	load := map[int64]int{2: 1}
	pairs, short := Assign(items, pool, 2, load)
	got := map[int64][]int64{}
	for _, p := range pairs {
		if items[0].ItemID == p[0] && p[1] == 1 {
			t.Errorf("an excluded reviewer was assigned: %v", p)
		}
		got[p[0]] = append(got[p[0]], p[1])
	}
	if len(short) != 1 || short[0] != 12 || len(got[12]) != 1 || got[12][0] != 4 {
		t.Errorf("short %v, item 12 got %v", short, got[12])
	}
	if len(got[10]) != 2 || len(got[11]) != 2 || len(got[13]) != 1 {
		t.Errorf("assignments %v", got)
	}
	// Load stays balanced: with 7 new places over 4 reviewers (one already holding
	// one), no one ends with more than one above another.
	min, max := 100, 0
	for _, r := range pool {
		if load[r] < min {
			min = load[r]
		}
		if load[r] > max {
			max = load[r]
		}
	}
	if max-min > 1 {
		t.Errorf("unbalanced load %v", load)
	}
}

func TestRubricValidate(t *testing.T) {
	good := Rubric{Criteria: []Criterion{{Name: "A", Max: 40}, {Name: "B", Max: 60, KeyIndicator: true}}, PassAt: 60, ExcellentAt: 90}
	if err := good.Validate(); err != nil {
		t.Fatalf("good rubric: %v", FieldErrors(err))
	}
	if good.Criteria[0].Key != "c1" {
		t.Errorf("keys are assigned: %+v", good.Criteria)
	}
	bad := Rubric{Criteria: []Criterion{{Name: "", Max: 0}, {Name: "B", Max: 10, Weight: -1}}, PassAt: 200, ExcellentAt: 10}
	fe := FieldErrors(bad.Validate())
	for _, f := range []string{"c0_name", "c0_max", "c1_weight", "pass_at", "excellent_at"} {
		if fe[f] == "" {
			t.Errorf("no error on %s: %v", f, fe)
		}
	}
	if FieldErrors((&Rubric{}).Validate())["criteria"] == "" {
		t.Error("an empty rubric passed")
	}
}

func TestPublicationEndsAndCycle(t *testing.T) {
	zone := time.FixedZone("CST", 8*3600)
	end := PublicationEnds(time.Date(2026, 11, 23, 20, 0, 0, 0, time.UTC), 5, zone) // 24 Nov in Shanghai
	if y, m, d := end.Date(); y != 2026 || m != 11 || d != 28 || end.Hour() != 23 {
		t.Errorf("publication ends %v", end)
	}
	if got := CycleEnd(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), 24); got.Format("2006-01-02") != "2028-12-31" {
		t.Errorf("cycle end %v", got)
	}
}
