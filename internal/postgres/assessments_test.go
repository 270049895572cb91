package postgres

import (
	"context"
	"testing"

	"github.com/campusorg/portal/internal/portal"
)

// roundID returns the id of the demo assessment round.
func (s *seeded) roundID() int64 {
	s.t.Helper()
	var id int64
	if err := s.store.pool.QueryRow(context.Background(), `SELECT id FROM assessment_rounds ORDER BY id LIMIT 1`).Scan(&id); err != nil {
		s.t.Fatal(err)
	}
	return id
}

func (s *seeded) orgID(code string) int64 {
	s.t.Helper()
	var id int64
	if err := s.store.pool.QueryRow(context.Background(), `SELECT id FROM orgs WHERE code = $1`, code).Scan(&id); err != nil {
		s.t.Fatal(err)
	}
	return id
}

// fullMarks returns full marks on every indicator of the system.
func fullMarks(sys portal.IndicatorSystem) map[int64]float64 {
	m := map[int64]float64{}
	for _, i := range sys.Indicators {
		m[i.ID] = i.MaxScore
	}
	return m
}

// TestAssessorScoringChangesCoverage: seed 004's round over the seven college
// committees, 90% this year; an assessor scores 经济管理学院关工委 and the coverage moves.
func TestAssessorScoringChangesCoverage(t *testing.T) {
	s := newSeeded(t)
	ctx := context.Background()
	id := s.roundID()
	manager := s.actor("guangongwei")
	d, err := s.store.GetAssessmentRound(ctx, manager, id)
	if err != nil {
		t.Fatal(err)
	}
	c := d.Coverage()
	if c.Orgs != 7 || c.Reached != 3 || c.Scored != 5 || c.ToTarget != 4 || c.TargetMet {
		t.Fatalf("coverage before: %+v", c)
	}
	econ := s.orgID("econ-care")
	o, _ := d.Org(econ)
	if o.SelfSubmittedAt.IsZero() || o.Evidence == "" || len(o.Scores) != 0 {
		t.Fatalf("经济管理学院关工委 before: %+v", o)
	}
	assessor := s.actor("assessor")
	// A score above the maximum: nothing is saved.
	over := fullMarks(d.System)
	over[d.System.Indicators[0].ID] = d.System.Indicators[0].MaxScore + 1
	err = s.store.ScoreOrg(ctx, assessor, id, econ, o.Version, over, "")
	if portal.FieldErrors(err)[portal.ScoreField(d.System.Indicators[0].ID)] != "assess.score_above_max" {
		t.Errorf("a score above the maximum: %v %v", err, portal.FieldErrors(err))
	}
	if n := s.count(`SELECT count(*) FROM assessment_scores WHERE round_id = $1 AND org_id = $2`, id, econ); n != 0 {
		t.Fatalf("%d scores saved from a refused sheet", n)
	}
	// Not an assessor: not found; the manager does not score either.
	if err := s.store.ScoreOrg(ctx, manager, id, econ, o.Version, fullMarks(d.System), ""); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("the manager scoring: %v", err)
	}
	if err := s.store.ScoreOrg(ctx, assessor, id, econ, o.Version, fullMarks(d.System), "材料齐全"); err != nil {
		t.Fatal(err)
	}
	if err := s.store.ScoreOrg(ctx, assessor, id, econ, o.Version, fullMarks(d.System), ""); portal.ErrorCode(err) != portal.ECONFLICT {
		t.Errorf("scoring over a newer sheet: %v", err)
	}
	d, err = s.store.GetAssessmentRound(ctx, manager, id)
	if err != nil {
		t.Fatal(err)
	}
	if c := d.Coverage(); c.Reached != 4 || c.Scored != 6 || c.ToTarget != 3 {
		t.Errorf("coverage after: %+v", c)
	}
	if n := s.count(`SELECT count(*) FROM audit_events WHERE action = 'assessment.score' AND entity_id = $1`, econ); n != 1 {
		t.Errorf("%d audit events", n)
	}
	// What the info college lacks: one key indicator short of full marks.
	info, _ := d.Org(s.orgID("info-care"))
	out := portal.Evaluate(d.System, info.Scores)
	if out.Reached || len(out.Lacking) != 1 || out.Lacking[0].Indicator.Code != "2" || out.Lacking[0].Missing != 2 {
		t.Errorf("信息工程学院关工委: %+v", out)
	}
	// Closing the round stops scoring.
	if err := s.store.SetAssessmentRoundStatus(ctx, manager, id, d.Version, portal.AssessClosed); err != nil {
		t.Fatal(err)
	}
	lang := s.orgID("lang-care")
	lo, _ := d.Org(lang)
	if err := s.store.ScoreOrg(ctx, assessor, id, lang, lo.Version, fullMarks(d.System), ""); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("scoring in a closed round: %v", err)
	}
}

func TestSelfAssessment(t *testing.T) {
	s := newSeeded(t)
	ctx := context.Background()
	id := s.roundID()
	econ := s.orgID("econ-care")
	lang := s.orgID("lang-care")
	care := s.actor("econ-care")
	d, err := s.store.GetAssessmentRound(ctx, care, id)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Limited || len(d.Orgs) != 1 || d.Orgs[0].OrgID != econ {
		t.Fatalf("the college committee sees %d organizations (limited %v)", len(d.Orgs), d.Limited)
	}
	if err := s.store.SaveSelfAssessment(ctx, care, id, econ, portal.SelfInput{Scores: fullMarks(d.System), Submit: true}); portal.FieldErrors(err)["evidence"] == "" {
		t.Errorf("sending without evidence: %v", err)
	}
	if err := s.store.SaveSelfAssessment(ctx, care, id, lang, portal.SelfInput{Evidence: "x", Submit: true}); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("self-assessing another college: %v", err)
	}
	if err := s.store.SaveSelfAssessment(ctx, s.actor("secretary"), id, econ, portal.SelfInput{Evidence: "x"}); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("the League secretary self-assessing the 关工委: %v", err)
	}
	if err := s.store.SaveSelfAssessment(ctx, care, id, econ, portal.SelfInput{Scores: fullMarks(d.System), Evidence: "台账与照片", Note: "补充材料"}); err != nil {
		t.Fatal(err)
	}
	d, _ = s.store.GetAssessmentRound(ctx, care, id)
	if o := d.Orgs[0]; o.SelfSubmittedAt.IsZero() || o.SelfNote != "补充材料" || o.SelfScores[d.System.Indicators[0].ID] != 15 {
		t.Errorf("saving again after sending: %+v", o)
	}
	if _, err := s.store.GetAssessmentRound(ctx, s.actor("secretary"), id); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("the League secretary reads the round: %v", err)
	}
	idx, err := s.store.AssessmentIndex(ctx, care)
	if err != nil || len(idx.Rounds) != 1 || !idx.Rounds[0].Limited || len(idx.Systems) != 0 || len(idx.Gradings) != 0 {
		t.Errorf("the college committee's index: %+v %v", idx, err)
	}
	idx, err = s.store.AssessmentIndex(ctx, s.actor("leader"))
	if err != nil || len(idx.Rounds) != 1 || idx.Rounds[0].Limited || len(idx.Systems) != 1 || len(idx.Gradings) != 1 {
		t.Errorf("the leader's index: %+v %v", idx, err)
	}
}

func TestCreateRoundAndOwnOrganization(t *testing.T) {
	s := newSeeded(t)
	ctx := context.Background()
	manager := s.actor("guangongwei")
	idx, err := s.store.AssessmentIndex(ctx, manager)
	if err != nil || len(idx.Systems) != 1 {
		t.Fatal(idx, err)
	}
	sys := idx.Systems[0]
	if !sys.InUse {
		t.Error("the seeded system is not in use")
	}
	if _, err := s.store.UpdateSystem(ctx, manager, sys.ID, sys.Version, portal.SystemInput{Name: "x", StatusName: "y", Threshold: 1,
		Indicators: []portal.IndicatorInput{{Name: "z", MaxScore: 1}}}); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("changing a system in use: %v", err)
	}
	care := s.actor("econ-care")
	in := portal.AssessmentRoundInput{SystemID: sys.ID, ScopeOrgID: s.orgID("school"), OrgKind: portal.KindCollegeCareCommittee, Year: 2027,
		Title: "2027年考核", TargetShare: 90, StretchShare: 100, Assessors: []int64{care.UserID}}
	bad := in
	bad.ScopeOrgID = s.orgID("econ")
	if _, err := s.store.CreateAssessmentRound(ctx, manager, bad); portal.FieldErrors(err)["scope_org_id"] == "" {
		t.Errorf("a scope that does not hold the owner: %v", err)
	}
	bad = in
	bad.OrgKind = portal.KindClass
	bad.ScopeOrgID = s.orgID("guangongwei")
	if _, err := s.store.CreateAssessmentRound(ctx, manager, bad); portal.FieldErrors(err)["org_kind"] != "assess.no_orgs" {
		t.Errorf("a round without organizations: %v", err)
	}
	id, err := s.store.CreateAssessmentRound(ctx, manager, in)
	if err != nil {
		t.Fatal(err)
	}
	d, err := s.store.GetAssessmentRound(ctx, care, id)
	if err != nil || len(d.Orgs) != 7 || d.Limited {
		t.Fatalf("the assessor sees %d organizations: %v", len(d.Orgs), err)
	}
	econ := s.orgID("econ-care")
	o, _ := d.Org(econ)
	if err := s.store.ScoreOrg(ctx, care, id, econ, o.Version, fullMarks(d.System), ""); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("an assessor scoring her own organization: %v", err)
	}
	art := s.orgID("art-care")
	o, _ = d.Org(art)
	if err := s.store.ScoreOrg(ctx, care, id, art, o.Version, fullMarks(d.System), ""); err != nil {
		t.Errorf("an assessor scoring another college: %v", err)
	}
	// A new system, with a threshold no one could reach, is refused.
	if _, err := s.store.CreateSystem(ctx, manager, portal.SystemInput{OwnerOrgID: s.orgID("guangongwei"), Name: "新标准", StatusName: "达标", Threshold: 120,
		Indicators: []portal.IndicatorInput{{Name: "甲", MaxScore: 60, Key: true}, {Name: "乙", MaxScore: 40}}}); portal.FieldErrors(err)["threshold"] == "" {
		t.Errorf("a threshold above the total: %v", err)
	}
	if _, err := s.store.CreateSystem(ctx, s.actor("tuanwei"), portal.SystemInput{OwnerOrgID: s.orgID("guangongwei"), Name: "新标准", StatusName: "达标", Threshold: 60,
		Indicators: []portal.IndicatorInput{{Name: "甲", MaxScore: 100}}}); portal.FieldErrors(err)["owner_org_id"] == "" {
		t.Errorf("校团委 writing 校关工委's standard: %v", err)
	}
}

// TestGradingCaps: the seeded grading has one five-star branch too many; confirming
// is refused and changes nothing until the manager lowers one.
func TestGradingCaps(t *testing.T) {
	s := newSeeded(t)
	ctx := context.Background()
	tuanwei := s.actor("tuanwei")
	var id int64
	if err := s.store.pool.QueryRow(ctx, `SELECT id FROM grading_rounds LIMIT 1`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	g, entries, err := s.store.GetGrading(ctx, tuanwei, id)
	if err != nil {
		t.Fatal(err)
	}
	c := portal.CountStars(g, entries)
	if c.Total != 38 || c.ByStars[5] != 8 || c.FiveMax != 7 || c.ByStars[4] != 10 || c.FourMax != 11 {
		t.Fatalf("seeded grading: %+v", c)
	}
	err = s.store.ConfirmGrading(ctx, tuanwei, id, g.Version)
	if e, ok := err.(*portal.Error); !ok || e.Message != "grading.five_cap" {
		t.Fatalf("confirming over the cap: %v", err)
	}
	if g2, _, _ := s.store.GetGrading(ctx, tuanwei, id); g2.Status != portal.GradingDraft || g2.Version != g.Version {
		t.Fatalf("a refused confirmation changed the grading: %+v", g2)
	}
	var five portal.GradingEntry
	for _, e := range entries {
		if e.Stars(g) == 5 {
			five = e
		}
	}
	raise := five
	raise.Score, raise.Override = 85, 5
	if err := s.store.SaveGrades(ctx, tuanwei, id, g.Version, []portal.GradingEntry{raise}); portal.FieldErrors(err)[portal.GradeField(five.OrgID, "stars")] != "grading.override_above_score" {
		t.Errorf("raising stars above the score: %v", err)
	}
	over := five
	over.Score = 120
	if err := s.store.SaveGrades(ctx, tuanwei, id, g.Version, []portal.GradingEntry{over}); portal.FieldErrors(err)[portal.GradeField(five.OrgID, "score")] != "grading.score_range" {
		t.Errorf("a score above 100: %v", err)
	}
	if err := s.store.SaveGrades(ctx, s.actor("leader"), id, g.Version, []portal.GradingEntry{five}); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("the leader grading: %v", err)
	}
	lower := five
	lower.Override = 4
	lower.Note = "按比例调整"
	if err := s.store.SaveGrades(ctx, tuanwei, id, g.Version, []portal.GradingEntry{lower}); err != nil {
		t.Fatal(err)
	}
	if err := s.store.ConfirmGrading(ctx, tuanwei, id, g.Version); portal.ErrorCode(err) != portal.ECONFLICT {
		t.Errorf("confirming a stale version: %v", err)
	}
	if err := s.store.ConfirmGrading(ctx, tuanwei, id, g.Version+1); err != nil {
		t.Fatalf("confirming within the caps: %v", err)
	}
	g, _, _ = s.store.GetGrading(ctx, tuanwei, id)
	if g.Status != portal.GradingConfirmed || g.ConfirmedAt.IsZero() {
		t.Errorf("after confirming: %+v", g)
	}
	if err := s.store.SaveGrades(ctx, tuanwei, id, g.Version, []portal.GradingEntry{lower}); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("changing a confirmed grading: %v", err)
	}
}
