package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/campusorg/portal/internal/portal"
	"github.com/campusorg/portal/web"
)

// Organization assessments: indicator systems, rounds with their coverage
// dashboard, self-assessments and the assessors' scores, branch gradings.

// systemRows is how many indicator rows the system form shows beyond those filled.
const systemBlankRows = 3

var systemFields = func() []string {
	f := []string{"owner_org_id", "name", "description", "status_name", "threshold", "version"}
	for i := 0; i < portal.MaxIndicators; i++ {
		for _, part := range []string{"code", "name", "criteria", "max", "weight", "key"} {
			f = append(f, portal.IndicatorField(i, part))
		}
	}
	return f
}()

var assessRoundFields = []string{"system_id", "title", "year", "scope_org_id", "org_kind", "target_share", "stretch_share", "assessors"}

var gradingFields = []string{"title", "owner_org_id", "scope_org_id", "org_kind", "year", "five_at", "four_at", "three_at", "two_at", "five_cap", "four_cap"}

// reqDecimal reads a decimal field that must be given.
func reqDecimal(d *decoder, name string) float64 {
	x, given := optDecimal(d, name)
	if !given {
		d.v.Add(name, "form.required")
	}
	return x
}

func (s *Server) assessIndex(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := actorFrom(ctx)
	idx, err := s.store.AssessmentIndex(ctx, a)
	if err != nil {
		return err
	}
	v := web.AssessIndexView{Index: idx, CanManage: portal.CanAny(a, portal.ActManageAssessment)}
	return s.page(w, r, web.AssessIndexPage(s.chrome(r, "nav.assessments", "assess.index_title"), v))
}

func assessOrgOptions(orgs []portal.Org) []web.Option {
	out := make([]web.Option, len(orgs))
	for i, o := range orgs {
		out[i] = web.Option{Value: strconv.FormatInt(o.ID, 10), Label: o.Name}
	}
	return out
}

// renderSystemForm renders the indicator system form, or re-renders it with f's errors.
func (s *Server) renderSystemForm(w http.ResponseWriter, r *http.Request, f *web.Form, sys portal.IndicatorSystem, err error) error {
	ctx := r.Context()
	v := web.SystemFormView{Form: f, System: sys}
	if sys.ID == 0 {
		c, cerr := s.store.AssessmentChoices(ctx, actorFrom(ctx))
		if cerr != nil {
			return cerr
		}
		v.Owners = assessOrgOptions(c.Owners)
	}
	filled := 0
	for i := 0; i < portal.MaxIndicators; i++ {
		if f.Get(portal.IndicatorField(i, "name")) != "" || f.Get(portal.IndicatorField(i, "max")) != "" {
			filled = i + 1
		}
	}
	v.Rows = min(portal.MaxIndicators, filled+systemBlankRows)
	title := "indicator.new_system"
	if sys.ID != 0 {
		title = "indicator.edit_system"
	}
	view := web.SystemFormPage(s.chrome(r, "nav.assessments", title), v)
	if err == nil {
		return s.page(w, r, view)
	}
	return s.formError(w, r, f, err, func() templComponent { return view })
}

// decodeSystem reads the system form; an indicator row left wholly blank is none.
func decodeSystem(values url.Values) (portal.SystemInput, *decoder) {
	d := &decoder{values: values}
	in := portal.SystemInput{OwnerOrgID: d.id("owner_org_id"), Name: values.Get("name"), Description: values.Get("description"),
		StatusName: values.Get("status_name"), Threshold: reqDecimal(d, "threshold")}
	for i := 0; i < portal.MaxIndicators; i++ {
		f := func(part string) string { return portal.IndicatorField(i, part) }
		if strings.TrimSpace(values.Get(f("code"))+values.Get(f("name"))+values.Get(f("criteria"))+values.Get(f("max"))+values.Get(f("weight"))) == "" {
			continue
		}
		// Rows are kept in place: a blank row between two filled ones is refused by
		// name, so that field errors name the row typed in.
		for len(in.Indicators) < i {
			in.Indicators = append(in.Indicators, portal.IndicatorInput{})
		}
		x := portal.IndicatorInput{Code: values.Get(f("code")), Name: values.Get(f("name")), Criteria: values.Get(f("criteria")),
			MaxScore: reqDecimal(d, f("max")), Key: values.Get(f("key")) != ""}
		x.Weight, _ = optDecimal(d, f("weight"))
		in.Indicators = append(in.Indicators, x)
	}
	return in, d
}

func (s *Server) systemNewForm(w http.ResponseWriter, r *http.Request) error {
	if err := requireAction(r, portal.ActManageAssessment); err != nil {
		return err
	}
	return s.renderSystemForm(w, r, web.NewForm(nil), portal.IndicatorSystem{}, nil)
}

func (s *Server) systemCreate(w http.ResponseWriter, r *http.Request) error {
	if err := requireAction(r, portal.ActManageAssessment); err != nil {
		return err
	}
	values, err := parseForm(w, r, systemFields...)
	if err != nil {
		return err
	}
	in, d := decodeSystem(values)
	f := web.NewForm(values)
	if err := d.merge(nil); err != nil {
		return s.renderSystemForm(w, r, f, portal.IndicatorSystem{}, d.merge(in.Validate()))
	}
	sys, err := s.store.CreateSystem(r.Context(), actorFrom(r.Context()), in)
	if err != nil {
		return s.renderSystemForm(w, r, f, portal.IndicatorSystem{}, err)
	}
	return s.redirect(w, r, "/assessments/systems/"+strconv.FormatInt(sys.ID, 10), "success", "indicator.saved")
}

func (s *Server) indicatorSystem(r *http.Request) (portal.IndicatorSystem, error) {
	id, err := idParam(r, "id")
	if err != nil {
		return portal.IndicatorSystem{}, err
	}
	return s.store.GetSystem(r.Context(), actorFrom(r.Context()), id)
}

func (s *Server) systemShow(w http.ResponseWriter, r *http.Request) error {
	sys, err := s.indicatorSystem(r)
	if err != nil {
		return err
	}
	v := web.SystemView{System: sys, CanManage: portal.Can(actorFrom(r.Context()), portal.ActManageAssessment, sys.OwnerPath)}
	c := s.chrome(r, "nav.assessments", "")
	c.Title = sys.Name
	return s.page(w, r, web.SystemPage(c, v))
}

// systemValues fills the system form from a system.
func systemValues(sys portal.IndicatorSystem) *web.Form {
	f := web.NewForm(nil)
	f.Set("name", sys.Name)
	f.Set("description", sys.Description)
	f.Set("status_name", sys.StatusName)
	f.Set("threshold", strconv.FormatFloat(sys.Threshold, 'f', -1, 64))
	for i, x := range sys.Indicators {
		f.Set(portal.IndicatorField(i, "code"), x.Code)
		f.Set(portal.IndicatorField(i, "name"), x.Name)
		f.Set(portal.IndicatorField(i, "criteria"), x.Criteria)
		f.Set(portal.IndicatorField(i, "max"), strconv.FormatFloat(x.MaxScore, 'f', -1, 64))
		if x.Weight > 0 {
			f.Set(portal.IndicatorField(i, "weight"), strconv.FormatFloat(x.Weight, 'f', -1, 64))
		}
		if x.Key {
			f.Set(portal.IndicatorField(i, "key"), "1")
		}
	}
	f.Set("version", strconv.Itoa(sys.Version))
	return f
}

func (s *Server) managedSystem(r *http.Request) (portal.IndicatorSystem, error) {
	sys, err := s.indicatorSystem(r)
	if err == nil && !portal.Can(actorFrom(r.Context()), portal.ActManageAssessment, sys.OwnerPath) {
		return sys, portal.NotFound()
	}
	return sys, err
}

func (s *Server) systemEditForm(w http.ResponseWriter, r *http.Request) error {
	sys, err := s.managedSystem(r)
	if err != nil {
		return err
	}
	if sys.InUse {
		return s.redirect(w, r, "/assessments/systems/"+strconv.FormatInt(sys.ID, 10), "error", "indicator.system_in_use")
	}
	return s.renderSystemForm(w, r, systemValues(sys), sys, nil)
}

func (s *Server) systemUpdate(w http.ResponseWriter, r *http.Request) error {
	sys, err := s.managedSystem(r)
	if err != nil {
		return err
	}
	values, err := parseForm(w, r, systemFields...)
	if err != nil {
		return err
	}
	in, d := decodeSystem(values)
	version := d.int("version")
	in.OwnerOrgID = sys.OwnerOrgID
	f := web.NewForm(values)
	if err := d.merge(nil); err != nil {
		return s.renderSystemForm(w, r, f, sys, d.merge(in.Validate()))
	}
	if _, err := s.store.UpdateSystem(r.Context(), actorFrom(r.Context()), sys.ID, version, in); err != nil {
		return s.renderSystemForm(w, r, f, sys, err)
	}
	return s.redirect(w, r, "/assessments/systems/"+strconv.FormatInt(sys.ID, 10), "success", "indicator.saved")
}

// renderAssessRoundForm renders the round form, or re-renders it with f's errors.
func (s *Server) renderAssessRoundForm(w http.ResponseWriter, r *http.Request, f *web.Form, err error) error {
	ctx := r.Context()
	c, cerr := s.store.AssessmentChoices(ctx, actorFrom(ctx))
	if cerr != nil {
		return cerr
	}
	v := web.AssessRoundFormView{Form: f, Scopes: treeOptions(c.Scopes), Kinds: web.KindOptions(ctx, portal.OrgKinds)}
	for _, sys := range c.Systems {
		v.Systems = append(v.Systems, web.Option{Value: strconv.FormatInt(sys.ID, 10), Label: sys.Name})
	}
	for _, p := range c.People {
		v.People = append(v.People, web.Option{Value: strconv.FormatInt(p.UserID, 10), Label: p.Name})
	}
	view := web.AssessRoundFormPage(s.chrome(r, "nav.assessments", "assess.new_round"), v)
	if err == nil {
		return s.page(w, r, view)
	}
	return s.formError(w, r, f, err, func() templComponent { return view })
}

func (s *Server) assessRoundNewForm(w http.ResponseWriter, r *http.Request) error {
	if err := requireAction(r, portal.ActManageAssessment); err != nil {
		return err
	}
	f := web.NewForm(nil)
	y, _ := s.yearMonth()
	f.Set("year", strconv.Itoa(y))
	f.Set("target_share", "90")
	f.Set("stretch_share", "100")
	f.Set("org_kind", string(portal.KindCollegeCareCommittee))
	return s.renderAssessRoundForm(w, r, f, nil)
}

func (s *Server) assessRoundCreate(w http.ResponseWriter, r *http.Request) error {
	if err := requireAction(r, portal.ActManageAssessment); err != nil {
		return err
	}
	values, err := parseForm(w, r, assessRoundFields...)
	if err != nil {
		return err
	}
	d := &decoder{values: values}
	in := portal.AssessmentRoundInput{SystemID: d.id("system_id"), ScopeOrgID: d.id("scope_org_id"), OrgKind: portal.OrgKind(values.Get("org_kind")),
		Year: d.int("year"), Title: values.Get("title"), TargetShare: reqDecimal(d, "target_share"), Assessors: checkedIDs(d, "assessors")}
	in.StretchShare, _ = optDecimal(d, "stretch_share")
	f := web.NewForm(values)
	if err := d.merge(nil); err != nil {
		return s.renderAssessRoundForm(w, r, f, d.merge(in.Validate()))
	}
	id, err := s.store.CreateAssessmentRound(r.Context(), actorFrom(r.Context()), in)
	if err != nil {
		return s.renderAssessRoundForm(w, r, f, err)
	}
	return s.redirect(w, r, "/assessments/rounds/"+strconv.FormatInt(id, 10), "success", "assess.round_created")
}

func (s *Server) assessRound(r *http.Request) (portal.RoundDetail, error) {
	id, err := idParam(r, "id")
	if err != nil {
		return portal.RoundDetail{}, err
	}
	return s.store.GetAssessmentRound(r.Context(), actorFrom(r.Context()), id)
}

// assessRoundView builds a round's dashboard.
func (s *Server) assessRoundView(r *http.Request, d portal.RoundDetail, f *web.Form) templComponent {
	a := actorFrom(r.Context())
	if f == nil {
		f = web.NewForm(nil)
	}
	v := web.AssessRoundView{Round: d, Outcomes: d.Outcomes(), Coverage: d.Coverage(), Form: f,
		CanManage: portal.Can(a, portal.ActManageAssessment, d.OwnerPath), IsAssess: portal.IsAssessor(a, d.AssessorIDs())}
	c := s.chrome(r, "nav.assessments", "")
	c.Title = d.Title
	return web.AssessRoundPage(c, v)
}

func (s *Server) assessRoundShow(w http.ResponseWriter, r *http.Request) error {
	d, err := s.assessRound(r)
	if err != nil {
		return err
	}
	return s.page(w, r, s.assessRoundView(r, d, nil))
}

func (s *Server) assessRoundStatus(w http.ResponseWriter, r *http.Request) error {
	d, err := s.assessRound(r)
	if err != nil {
		return err
	}
	if !portal.Can(actorFrom(r.Context()), portal.ActManageAssessment, d.OwnerPath) {
		return portal.NotFound()
	}
	values, err := parseForm(w, r, "status", "version")
	if err != nil {
		return err
	}
	dec := &decoder{values: values}
	if err := s.store.SetAssessmentRoundStatus(r.Context(), actorFrom(r.Context()), d.ID, dec.int("version"), portal.AssessStatus(values.Get("status"))); err != nil {
		f := web.NewForm(nil)
		return s.formError(w, r, f, err, func() templComponent { return s.assessRoundView(r, d, f) })
	}
	return s.redirect(w, r, "/assessments/rounds/"+strconv.FormatInt(d.ID, 10), "success", "assess.status_changed")
}

// assessOrg returns the round and organization named by the URL, when the actor may see them.
func (s *Server) assessOrg(r *http.Request) (portal.RoundDetail, portal.AssessedOrg, error) {
	d, err := s.assessRound(r)
	if err != nil {
		return d, portal.AssessedOrg{}, err
	}
	oid, err := idParam(r, "oid")
	if err != nil {
		return d, portal.AssessedOrg{}, err
	}
	o, ok := d.Org(oid)
	if !ok {
		return d, o, portal.NotFound()
	}
	return d, o, nil
}

// fillScoreForm fills a form's score fields.
func fillScoreForm(f *web.Form, scores map[int64]float64) {
	for id, x := range scores {
		f.Set(portal.ScoreField(id), strconv.FormatFloat(x, 'f', -1, 64))
	}
}

// assessOrgView builds an organization's sheet with its forms (fresh ones when nil).
func (s *Server) assessOrgView(r *http.Request, d portal.RoundDetail, o portal.AssessedOrg, selfForm, scoreForm *web.Form) templComponent {
	a := actorFrom(r.Context())
	v := web.AssessOrgView{Round: d, Org: o, Outcome: portal.Evaluate(d.System, o.Scores), SelfOutcome: portal.Evaluate(d.System, o.SelfScores),
		CanSelf: portal.Can(a, portal.ActSelfAssess, o.OrgPath), CanScore: portal.CanAssessOrg(a, d.AssessorIDs(), o.OrgPath),
		SelfForm: selfForm, ScoreForm: scoreForm}
	v.OwnOrg = portal.IsAssessor(a, d.AssessorIDs()) && !v.CanScore
	if v.SelfForm == nil {
		v.SelfForm = web.NewForm(nil)
		fillScoreForm(v.SelfForm, o.SelfScores)
		v.SelfForm.Set("note", o.SelfNote)
		v.SelfForm.Set("evidence", o.Evidence)
	}
	if v.ScoreForm == nil {
		v.ScoreForm = web.NewForm(nil)
		fillScoreForm(v.ScoreForm, o.Scores)
		v.ScoreForm.Set("note", o.ScoreNote)
	}
	v.ScoreForm.Set("version", strconv.Itoa(o.Version))
	c := s.chrome(r, "nav.assessments", "")
	c.Title = o.OrgName
	return web.AssessOrgPage(c, v)
}

func (s *Server) assessOrgShow(w http.ResponseWriter, r *http.Request) error {
	d, o, err := s.assessOrg(r)
	if err != nil {
		return err
	}
	return s.page(w, r, s.assessOrgView(r, d, o, nil, nil))
}

// decodeIndicatorScores reads one score field per indicator of the system; blanks are unscored.
func decodeIndicatorScores(d *decoder, sys portal.IndicatorSystem) map[int64]float64 {
	out := map[int64]float64{}
	for _, i := range sys.Indicators {
		if x, given := optDecimal(d, portal.ScoreField(i.ID)); given {
			out[i.ID] = x
		}
	}
	return out
}

func indicatorScoreFields(sys portal.IndicatorSystem, extra ...string) []string {
	for _, i := range sys.Indicators {
		extra = append(extra, portal.ScoreField(i.ID))
	}
	return extra
}

func (s *Server) assessSelf(w http.ResponseWriter, r *http.Request) error {
	d, o, err := s.assessOrg(r)
	if err != nil {
		return err
	}
	a := actorFrom(r.Context())
	if !portal.Can(a, portal.ActSelfAssess, o.OrgPath) {
		return portal.NotFound()
	}
	values, err := parseForm(w, r, indicatorScoreFields(d.System, "note", "evidence", "submit")...)
	if err != nil {
		return err
	}
	dec := &decoder{values: values}
	in := portal.SelfInput{Scores: decodeIndicatorScores(dec, d.System), Note: values.Get("note"), Evidence: values.Get("evidence"), Submit: values.Get("submit") != ""}
	f := web.NewForm(values)
	err = dec.merge(nil)
	if err == nil {
		err = s.store.SaveSelfAssessment(r.Context(), a, d.ID, o.OrgID, in)
	} else {
		err = dec.merge(portal.CheckSelf(d.System, &in))
	}
	if err != nil {
		return s.formError(w, r, f, err, func() templComponent { return s.assessOrgView(r, d, o, f, nil) })
	}
	msg := "assess.self_saved"
	if in.Submit {
		msg = "assess.self_submitted"
	}
	return s.redirect(w, r, "/assessments/rounds/"+strconv.FormatInt(d.ID, 10)+"/orgs/"+strconv.FormatInt(o.OrgID, 10), "success", msg)
}

func (s *Server) assessScore(w http.ResponseWriter, r *http.Request) error {
	d, o, err := s.assessOrg(r)
	if err != nil {
		return err
	}
	a := actorFrom(r.Context())
	if !portal.IsAssessor(a, d.AssessorIDs()) {
		return portal.NotFound()
	}
	values, err := parseForm(w, r, indicatorScoreFields(d.System, "note", "version")...)
	if err != nil {
		return err
	}
	dec := &decoder{values: values}
	scores := decodeIndicatorScores(dec, d.System)
	version := dec.int("version")
	f := web.NewForm(values)
	err = dec.merge(nil)
	if err == nil {
		err = s.store.ScoreOrg(r.Context(), a, d.ID, o.OrgID, version, scores, values.Get("note"))
	} else {
		err = dec.merge(portal.CheckScores(d.System, scores))
	}
	if err != nil {
		return s.formError(w, r, f, err, func() templComponent { return s.assessOrgView(r, d, o, nil, f) })
	}
	return s.redirect(w, r, "/assessments/rounds/"+strconv.FormatInt(d.ID, 10), "success", "assess.scored")
}

// renderGradingForm renders the grading form, or re-renders it with f's errors.
func (s *Server) renderGradingForm(w http.ResponseWriter, r *http.Request, f *web.Form, err error) error {
	ctx := r.Context()
	c, cerr := s.store.AssessmentChoices(ctx, actorFrom(ctx))
	if cerr != nil {
		return cerr
	}
	v := web.GradingFormView{Form: f, Owners: assessOrgOptions(c.Owners), Scopes: treeOptions(c.Scopes), Kinds: web.KindOptions(ctx, portal.OrgKinds)}
	view := web.GradingFormPage(s.chrome(r, "nav.assessments", "grading.new"), v)
	if err == nil {
		return s.page(w, r, view)
	}
	return s.formError(w, r, f, err, func() templComponent { return view })
}

func (s *Server) gradingNewForm(w http.ResponseWriter, r *http.Request) error {
	if err := requireAction(r, portal.ActManageAssessment); err != nil {
		return err
	}
	f := web.NewForm(nil)
	y, _ := s.yearMonth()
	for k, val := range map[string]string{"year": strconv.Itoa(y), "org_kind": string(portal.KindLeagueBranch), "five_at": "90", "four_at": "80",
		"three_at": "70", "two_at": "60", "five_cap": "20", "four_cap": "30"} {
		f.Set(k, val)
	}
	return s.renderGradingForm(w, r, f, nil)
}

func (s *Server) gradingCreate(w http.ResponseWriter, r *http.Request) error {
	if err := requireAction(r, portal.ActManageAssessment); err != nil {
		return err
	}
	values, err := parseForm(w, r, gradingFields...)
	if err != nil {
		return err
	}
	d := &decoder{values: values}
	in := portal.GradingInput{OwnerOrgID: d.id("owner_org_id"), ScopeOrgID: d.id("scope_org_id"), OrgKind: portal.OrgKind(values.Get("org_kind")),
		Year: d.int("year"), Title: values.Get("title"), FiveAt: reqDecimal(d, "five_at"), FourAt: reqDecimal(d, "four_at"),
		ThreeAt: reqDecimal(d, "three_at"), TwoAt: reqDecimal(d, "two_at")}
	in.FiveCap, _ = optDecimal(d, "five_cap")
	in.FourCap, _ = optDecimal(d, "four_cap")
	f := web.NewForm(values)
	if err := d.merge(nil); err != nil {
		return s.renderGradingForm(w, r, f, d.merge(in.Validate()))
	}
	id, err := s.store.CreateGrading(r.Context(), actorFrom(r.Context()), in)
	if err != nil {
		return s.renderGradingForm(w, r, f, err)
	}
	return s.redirect(w, r, "/assessments/gradings/"+strconv.FormatInt(id, 10), "success", "grading.created")
}

// gradingForm fills the grading form from the entries.
func gradingForm(entries []portal.GradingEntry) *web.Form {
	f := web.NewForm(nil)
	for _, e := range entries {
		if e.Scored {
			f.Set(portal.GradeField(e.OrgID, "score"), strconv.FormatFloat(e.Score, 'f', -1, 64))
		}
		if e.Override > 0 {
			f.Set(portal.GradeField(e.OrgID, "stars"), strconv.Itoa(e.Override))
		}
		f.Set(portal.GradeField(e.OrgID, "note"), e.Note)
	}
	return f
}

// gradingView builds a grading's page with its form (filled from the entries when nil).
func (s *Server) gradingView(r *http.Request, g portal.GradingRound, entries []portal.GradingEntry, f *web.Form) templComponent {
	if f == nil {
		f = gradingForm(entries)
	}
	v := web.GradingView{Grading: g, Entries: entries, Count: portal.CountStars(g, entries), Form: f,
		CanManage: portal.Can(actorFrom(r.Context()), portal.ActManageAssessment, g.OwnerPath)}
	c := s.chrome(r, "nav.assessments", "")
	c.Title = g.Title
	return web.GradingPage(c, v)
}

func (s *Server) gradingRound(r *http.Request) (portal.GradingRound, []portal.GradingEntry, error) {
	id, err := idParam(r, "id")
	if err != nil {
		return portal.GradingRound{}, nil, err
	}
	return s.store.GetGrading(r.Context(), actorFrom(r.Context()), id)
}

func (s *Server) gradingShow(w http.ResponseWriter, r *http.Request) error {
	g, entries, err := s.gradingRound(r)
	if err != nil {
		return err
	}
	return s.page(w, r, s.gradingView(r, g, entries, nil))
}

func (s *Server) gradingSave(w http.ResponseWriter, r *http.Request) error {
	g, entries, err := s.gradingRound(r)
	if err != nil {
		return err
	}
	a := actorFrom(r.Context())
	if !portal.Can(a, portal.ActManageAssessment, g.OwnerPath) {
		return portal.NotFound()
	}
	allowed := []string{"version"}
	for _, e := range entries {
		for _, part := range []string{"score", "stars", "note"} {
			allowed = append(allowed, portal.GradeField(e.OrgID, part))
		}
	}
	values, err := parseForm(w, r, allowed...)
	if err != nil {
		return err
	}
	dec := &decoder{values: values}
	version := dec.int("version")
	var out []portal.GradingEntry
	for _, e := range entries {
		ne := portal.GradingEntry{OrgID: e.OrgID, Note: strings.TrimSpace(values.Get(portal.GradeField(e.OrgID, "note")))}
		ne.Score, ne.Scored = optDecimal(dec, portal.GradeField(e.OrgID, "score"))
		if st := strings.TrimSpace(values.Get(portal.GradeField(e.OrgID, "stars"))); st != "" {
			n, err := strconv.Atoi(st)
			if err != nil {
				dec.v.Add(portal.GradeField(e.OrgID, "stars"), "form.choose")
			}
			ne.Override = n
		}
		out = append(out, ne)
	}
	f := web.NewForm(values)
	err = dec.merge(nil)
	if err == nil {
		err = s.store.SaveGrades(r.Context(), a, g.ID, version, out)
	}
	if err != nil {
		return s.formError(w, r, f, err, func() templComponent { return s.gradingView(r, g, entries, f) })
	}
	return s.redirect(w, r, "/assessments/gradings/"+strconv.FormatInt(g.ID, 10), "success", "grading.saved")
}

func (s *Server) gradingConfirm(w http.ResponseWriter, r *http.Request) error {
	g, entries, err := s.gradingRound(r)
	if err != nil {
		return err
	}
	a := actorFrom(r.Context())
	if !portal.Can(a, portal.ActManageAssessment, g.OwnerPath) {
		return portal.NotFound()
	}
	values, err := parseForm(w, r, "version")
	if err != nil {
		return err
	}
	dec := &decoder{values: values}
	if err := s.store.ConfirmGrading(r.Context(), a, g.ID, dec.int("version")); err != nil {
		f := gradingForm(entries)
		return s.formError(w, r, f, err, func() templComponent { return s.gradingView(r, g, entries, f) })
	}
	return s.redirect(w, r, "/assessments/gradings/"+strconv.FormatInt(g.ID, 10), "success", "grading.confirmed")
}
