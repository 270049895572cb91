package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/campusorg/portal/internal/portal"
	"github.com/campusorg/portal/internal/postgres"
	"github.com/campusorg/portal/web"
)

// blankFieldRows is how many empty custom field rows the track form offers.
const blankFieldRows = 3

// programFields are the fields of the program form.
var programFields = func() []string {
	f := []string{"owner_org_id", "scope_org_id", "title", "year", "kind", "batch", "description", "ban_months", "expected_kinds", "version"}
	for i := 1; i <= web.EndorseSteps; i++ {
		f = append(f, web.EndorseField(i))
	}
	for _, k := range portal.PhaseKinds {
		f = append(f, portal.PhaseField(k, "starts"), portal.PhaseField(k, "ends"))
	}
	return f
}()

// trackBaseFields are the fields of the track form outside the custom field rows.
var trackBaseFields = []string{"name", "quota", "grant_yuan", "cycle_months", "eligible_kinds", "min_age_years", "min_per_org", "max_per_org", "deadline", "version"}

// trackFields are the fields of the track form, custom field rows included.
var trackFields = func() []string {
	f := append([]string(nil), trackBaseFields...)
	for i := 0; i < portal.MaxTrackFields+blankFieldRows; i++ {
		for _, part := range fieldParts {
			f = append(f, portal.TrackFieldName(i, part))
		}
	}
	return f
}()

var fieldParts = []string{"key", "label", "type", "required", "help", "options"}

// programIndex lists the programs the person manages or reads along, and the calls
// open to the organizations where she is secretary.
func (s *Server) programIndex(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := actorFrom(ctx)
	q := r.URL.Query()
	v := web.ProgramIndexView{Query: q, Now: s.now(), CanCreate: portal.CanAny(a, portal.ActManageProgram)}
	if portal.CanAny(a, portal.ActViewProgram) {
		v.ShowManaged = true
		if st := portal.ProgramStatus(q.Get("status")); st.Valid() {
			v.Status = st
		}
		before, _ := strconv.ParseInt(q.Get("before"), 10, 64)
		page, err := s.store.ListPrograms(ctx, a, postgres.ProgramFilter{Status: v.Status, Before: before})
		if err != nil {
			return err
		}
		v.Managed, v.ManagedNext = page.Items, page.Next
	}
	if a.Has(portal.RoleSecretary) {
		v.ShowOpen = true
		before, _ := strconv.ParseInt(q.Get("open_before"), 10, 64)
		page, err := s.store.ListOpenProgramsFor(ctx, a, postgres.ProgramFilter{Before: before})
		if err != nil {
			return err
		}
		v.Open, v.OpenNext = page.Items, page.Next
	}
	return s.page(w, r, web.ProgramIndexPage(s.chrome(r, "nav.programs", "program.index_title"), v))
}

// programView builds a program page; forms not given start empty.
func (s *Server) programView(r *http.Request, d portal.ProgramDetail, v web.ProgramView) templComponent {
	a := actorFrom(r.Context())
	v.Program, v.Now = d, s.now()
	v.CanManage = portal.Can(a, portal.ActManageProgram, d.OwnerPath)
	if v.ThemeForm == nil {
		v.ThemeForm = web.NewForm(nil)
	}
	if v.CopyForm == nil {
		v.CopyForm = web.NewForm(nil)
		v.CopyForm.Set("year", strconv.Itoa(d.Year+1))
	}
	c := s.chrome(r, "nav.programs", "")
	c.Title = d.Title
	return web.ProgramPage(c, v)
}

// program loads the program named by the URL, when the actor may see it.
func (s *Server) program(r *http.Request) (portal.ProgramDetail, error) {
	id, err := idParam(r, "id")
	if err != nil {
		return portal.ProgramDetail{}, err
	}
	return s.store.GetProgram(r.Context(), actorFrom(r.Context()), id)
}

// managedProgram loads the program named by the URL, when the actor manages it.
func (s *Server) managedProgram(r *http.Request) (portal.ProgramDetail, error) {
	d, err := s.program(r)
	if err != nil {
		return d, err
	}
	if !portal.Can(actorFrom(r.Context()), portal.ActManageProgram, d.OwnerPath) {
		return d, portal.NotFound()
	}
	return d, nil
}

func (s *Server) programShow(w http.ResponseWriter, r *http.Request) error {
	d, err := s.program(r)
	if err != nil {
		return err
	}
	a := actorFrom(r.Context())
	v := web.ProgramView{CanViewApps: portal.Can(a, portal.ActViewProgram, d.OwnerPath)}
	if d.Status != portal.ProgramDraft && portal.CanSeeProgramAsApplicant(a, d.ScopePath) {
		opts, err := s.store.ApplyOptions(r.Context(), a, d.ID)
		if err != nil {
			return err
		}
		for _, o := range opts {
			v.Apply = append(v.Apply, web.ApplyOption{TrackID: o.Track.ID, TrackName: o.Track.Name, OrgID: o.Org.ID,
				OrgName: o.Org.Name, CanApply: len(o.Reasons) == 0, Reasons: o.Reasons, Deadline: o.Deadline, Filed: o.Filed})
		}
	}
	return s.page(w, r, s.programView(r, d, v))
}

// programFormView builds the program form with the organizations the actor may choose.
func (s *Server) programFormView(r *http.Request, f *web.Form, d portal.ProgramDetail) (templComponent, error) {
	ctx := r.Context()
	owners, scopes, err := s.store.ProgramOrgChoices(ctx, actorFrom(ctx))
	if err != nil {
		return nil, err
	}
	if d.ID != 0 {
		// An existing program keeps its owner: offer the scopes that hold it.
		var fit []portal.Org
		for _, o := range scopes {
			if portal.PathCovers(o.Path, d.OwnerPath) {
				fit = append(fit, o)
			}
		}
		scopes = fit
	}
	v := web.ProgramFormView{Form: f, Program: d, Scopes: treeOptions(scopes), Kinds: web.ProgramKindOptions(ctx),
		OrgKinds: web.KindOptions(ctx, portal.OrgKinds)}
	for _, o := range owners {
		v.Owners = append(v.Owners, web.Option{Value: strconv.FormatInt(o.ID, 10), Label: o.Name})
	}
	title := "program.new"
	if d.ID != 0 {
		title = "program.edit_title"
	}
	return web.ProgramFormPage(s.chrome(r, "nav.programs", title), v), nil
}

// renderProgramForm renders the program form, or re-renders it with f's errors.
func (s *Server) renderProgramForm(w http.ResponseWriter, r *http.Request, f *web.Form, d portal.ProgramDetail, err error) error {
	view, verr := s.programFormView(r, f, d)
	if verr != nil {
		return verr
	}
	if err == nil {
		return s.page(w, r, view)
	}
	return s.formError(w, r, f, err, func() templComponent { return view })
}

func (s *Server) programNewForm(w http.ResponseWriter, r *http.Request) error {
	if err := requireAction(r, portal.ActManageProgram); err != nil {
		return err
	}
	f := web.NewForm(nil)
	f.Set("year", strconv.Itoa(s.now().Year()))
	if owners, scopes, err := s.store.ProgramOrgChoices(r.Context(), actorFrom(r.Context())); err == nil && len(owners) > 0 {
		f.Set("owner_org_id", strconv.FormatInt(owners[0].ID, 10))
		if len(scopes) > 0 {
			f.Set("scope_org_id", strconv.FormatInt(scopes[0].ID, 10))
		}
	}
	return s.renderProgramForm(w, r, f, portal.ProgramDetail{}, nil)
}

// decodeProgram reads the program form into an input, collecting bad numbers and
// dates. A phase is given when either of its dates is.
func decodeProgram(values url.Values) (portal.ProgramInput, *decoder) {
	d := &decoder{values: values}
	in := portal.ProgramInput{
		OwnerOrgID:  d.id("owner_org_id"),
		ScopeOrgID:  d.id("scope_org_id"),
		Year:        d.int("year"),
		Title:       values.Get("title"),
		Kind:        portal.ProgramKind(values.Get("kind")),
		Batch:       values.Get("batch"),
		Description: values.Get("description"),
		BanMonths:   d.int("ban_months"),
	}
	for i := 1; i <= web.EndorseSteps; i++ {
		if k := values.Get(web.EndorseField(i)); k != "" {
			in.Endorsements = append(in.Endorsements, portal.OrgKind(k))
		}
	}
	for _, k := range values["expected_kinds"] {
		in.ExpectedKinds = append(in.ExpectedKinds, portal.OrgKind(k))
	}
	for _, k := range portal.PhaseKinds {
		starts, ends := portal.PhaseField(k, "starts"), portal.PhaseField(k, "ends")
		if strings.TrimSpace(values.Get(starts)) == "" && strings.TrimSpace(values.Get(ends)) == "" {
			continue
		}
		in.Phases = append(in.Phases, portal.Phase{Kind: k, Starts: d.date(starts), Ends: d.date(ends)})
	}
	return in, d
}

func (s *Server) programCreate(w http.ResponseWriter, r *http.Request) error {
	if err := requireAction(r, portal.ActManageProgram); err != nil {
		return err
	}
	values, err := parseForm(w, r, programFields...)
	if err != nil {
		return err
	}
	in, d := decodeProgram(values)
	f := web.NewForm(values)
	if err := d.merge(nil); err != nil {
		return s.renderProgramForm(w, r, f, portal.ProgramDetail{}, d.merge(in.Validate()))
	}
	p, err := s.store.CreateProgram(r.Context(), actorFrom(r.Context()), in)
	if err != nil {
		return s.renderProgramForm(w, r, f, portal.ProgramDetail{}, err)
	}
	return s.redirect(w, r, "/programs/"+strconv.FormatInt(p.ID, 10), "success", "program.created")
}

// programValues fills the program form from a program.
func programValues(d portal.ProgramDetail) *web.Form {
	f := web.NewForm(nil)
	f.Set("owner_org_id", strconv.FormatInt(d.OwnerOrgID, 10))
	f.Set("scope_org_id", strconv.FormatInt(d.ScopeOrgID, 10))
	f.Set("title", d.Title)
	f.Set("year", strconv.Itoa(d.Year))
	f.Set("kind", string(d.Kind))
	f.Set("batch", d.Batch)
	f.Set("description", d.Description)
	f.Set("ban_months", strconv.Itoa(d.BanMonths))
	for i, k := range d.Endorsements {
		f.Set(web.EndorseField(i+1), string(k))
	}
	for _, k := range d.ExpectedKinds {
		f.Values.Add("expected_kinds", string(k))
	}
	for _, ph := range d.Phases {
		f.Set(portal.PhaseField(ph.Kind, "starts"), ph.Starts.Format("2006-01-02"))
		f.Set(portal.PhaseField(ph.Kind, "ends"), ph.Ends.Format("2006-01-02"))
	}
	f.Set("version", strconv.Itoa(d.Version))
	return f
}

// editableProgram loads a program the actor manages for one of its forms; an archived
// program sends her back to its page, with the reason.
func (s *Server) editableProgram(w http.ResponseWriter, r *http.Request) (portal.ProgramDetail, bool, error) {
	d, err := s.managedProgram(r)
	if err != nil {
		return d, false, err
	}
	if !d.Editable() {
		return d, false, s.redirect(w, r, "/programs/"+strconv.FormatInt(d.ID, 10), "error", "program.archived_readonly")
	}
	return d, true, nil
}

func (s *Server) programEditForm(w http.ResponseWriter, r *http.Request) error {
	d, ok, err := s.editableProgram(w, r)
	if !ok {
		return err
	}
	return s.renderProgramForm(w, r, programValues(d), d, nil)
}

func (s *Server) programUpdate(w http.ResponseWriter, r *http.Request) error {
	d, err := s.managedProgram(r)
	if err != nil {
		return err
	}
	values, err := parseForm(w, r, programFields...)
	if err != nil {
		return err
	}
	in, dec := decodeProgram(values)
	version := dec.int("version")
	in.OwnerOrgID = d.OwnerOrgID
	f := web.NewForm(values)
	if err := dec.merge(nil); err != nil {
		return s.renderProgramForm(w, r, f, d, dec.merge(in.Validate()))
	}
	if _, err := s.store.UpdateProgram(r.Context(), actorFrom(r.Context()), d.ID, version, in); err != nil {
		return s.renderProgramForm(w, r, f, d, err)
	}
	return s.redirect(w, r, "/programs/"+strconv.FormatInt(d.ID, 10), "success", "program.saved")
}

// programAction re-renders the program page with a refused button action's reason,
// or returns errors that are not refusals.
func (s *Server) programAction(w http.ResponseWriter, r *http.Request, d portal.ProgramDetail, err error) error {
	f := web.NewForm(nil)
	return s.formError(w, r, f, err, func() templComponent {
		return s.programView(r, d, web.ProgramView{ActionForm: f})
	})
}

func (s *Server) programStatus(w http.ResponseWriter, r *http.Request) error {
	d, err := s.managedProgram(r)
	if err != nil {
		return err
	}
	values, err := parseForm(w, r, "status", "version")
	if err != nil {
		return err
	}
	dec := &decoder{values: values}
	version := dec.int("version")
	next := portal.ProgramStatus(values.Get("status"))
	if err := dec.merge(nil); err != nil {
		return s.programAction(w, r, d, portal.Errorf(portal.EINVALID, "program.bad_move"))
	}
	if _, err := s.store.SetProgramStatus(r.Context(), actorFrom(r.Context()), d.ID, version, next); err != nil {
		return s.programAction(w, r, d, err)
	}
	return s.redirect(w, r, "/programs/"+strconv.FormatInt(d.ID, 10), "success", "program.moved."+string(next))
}

func (s *Server) programCopy(w http.ResponseWriter, r *http.Request) error {
	d, err := s.managedProgram(r)
	if err != nil {
		return err
	}
	values, err := parseForm(w, r, "year")
	if err != nil {
		return err
	}
	dec := &decoder{values: values}
	year := dec.int("year")
	if strings.TrimSpace(values.Get("year")) == "" {
		year = d.Year + 1
	}
	err = dec.merge(nil)
	var c portal.ProgramDetail
	if err == nil {
		c, err = s.store.CopyProgram(r.Context(), actorFrom(r.Context()), d.ID, year)
	}
	if err != nil {
		f := web.NewForm(values)
		return s.formError(w, r, f, err, func() templComponent { return s.programView(r, d, web.ProgramView{CopyForm: f}) })
	}
	return s.redirect(w, r, "/programs/"+strconv.FormatInt(c.ID, 10)+"/edit", "success", "program.copied")
}

// trackFormView builds the track form with rows for the fields given plus blanks.
func (s *Server) trackFormView(r *http.Request, f *web.Form, d portal.ProgramDetail, tr portal.Track, filled int) templComponent {
	ctx := r.Context()
	title := "track.new"
	if tr.ID != 0 {
		title = "track.edit_title"
	}
	rows := filled + blankFieldRows
	if rows > portal.MaxTrackFields+blankFieldRows {
		rows = portal.MaxTrackFields + blankFieldRows
	}
	return web.TrackFormPage(s.chrome(r, "nav.programs", title), web.TrackFormView{Form: f, Program: d, Track: tr,
		OrgKinds: web.KindOptions(ctx, portal.OrgKinds), FieldTypes: web.FieldTypeOptions(ctx), Rows: rows})
}

// trackValues fills the track form from a track.
func trackValues(tr portal.Track) *web.Form {
	f := web.NewForm(nil)
	f.Set("name", tr.Name)
	f.Set("quota", strconv.Itoa(tr.Quota))
	f.Set("grant_yuan", strconv.FormatInt(tr.GrantYuan, 10))
	f.Set("cycle_months", strconv.Itoa(tr.CycleMonths))
	for _, k := range tr.EligibleKinds {
		f.Values.Add("eligible_kinds", string(k))
	}
	f.Set("min_age_years", strconv.Itoa(tr.MinAgeYears))
	f.Set("min_per_org", strconv.Itoa(tr.MinPerOrg))
	f.Set("max_per_org", strconv.Itoa(tr.MaxPerOrg))
	if !tr.Deadline.IsZero() {
		f.Set("deadline", tr.Deadline.Format("2006-01-02"))
	}
	setFieldRows(f, tr.Fields)
	f.Set("version", strconv.Itoa(tr.Version))
	return f
}

// setFieldRows writes custom fields into the form's rows 0..n-1.
func setFieldRows(f *web.Form, fields []portal.FieldDef) {
	for i, fd := range fields {
		f.Set(portal.TrackFieldName(i, "key"), fd.Key)
		f.Set(portal.TrackFieldName(i, "label"), fd.Label)
		f.Set(portal.TrackFieldName(i, "type"), string(fd.Type))
		if fd.Required {
			f.Set(portal.TrackFieldName(i, "required"), "1")
		}
		f.Set(portal.TrackFieldName(i, "help"), fd.Help)
		f.Set(portal.TrackFieldName(i, "options"), strings.Join(fd.Options, ", "))
	}
}

// decodeTrack reads the track form into an input. Custom field rows left blank are
// dropped and the rest renumbered from 0, so that errors name the rows as shown
// when the form comes back; the returned form holds what was typed, renumbered.
func decodeTrack(values url.Values) (portal.TrackInput, *decoder, *web.Form) {
	d := &decoder{values: values}
	in := portal.TrackInput{
		Name:        values.Get("name"),
		Quota:       d.int("quota"),
		GrantYuan:   int64(d.int("grant_yuan")),
		CycleMonths: d.int("cycle_months"),
		MinAgeYears: d.int("min_age_years"),
		MinPerOrg:   d.int("min_per_org"),
		MaxPerOrg:   d.int("max_per_org"),
		Deadline:    d.date("deadline"),
	}
	for _, k := range values["eligible_kinds"] {
		in.EligibleKinds = append(in.EligibleKinds, portal.OrgKind(k))
	}
	f := web.NewForm(nil)
	for _, k := range trackBaseFields {
		if vs, ok := values[k]; ok {
			f.Values[k] = vs
		}
	}
	n := 0
	for i := 0; i < portal.MaxTrackFields+blankFieldRows; i++ {
		raw := func(part string) string { return values.Get(portal.TrackFieldName(i, part)) }
		get := func(part string) string { return strings.TrimSpace(raw(part)) }
		// A row counts when something was typed into it; its type select and
		// checkbox alone do not make it count.
		if get("key") == "" && get("label") == "" && get("help") == "" && get("options") == "" {
			continue
		}
		fd := portal.FieldDef{Key: get("key"), Label: get("label"), Type: portal.FieldType(get("type")),
			Required: get("required") != "", Help: get("help")}
		for _, o := range strings.FieldsFunc(get("options"), isOptionSep) {
			fd.Options = append(fd.Options, strings.TrimSpace(o))
		}
		in.Fields = append(in.Fields, fd)
		for _, part := range fieldParts {
			if v := raw(part); v != "" {
				f.Set(portal.TrackFieldName(n, part), v)
			}
		}
		n++
	}
	return in, d, f
}

// isOptionSep splits the options box at ASCII and full-width commas and at the
// Chinese enumeration comma.
func isOptionSep(r rune) bool { return r == ',' || r == '\uff0c' || r == '\u3001' }

func (s *Server) trackNewForm(w http.ResponseWriter, r *http.Request) error {
	d, ok, err := s.editableProgram(w, r)
	if !ok {
		return err
	}
	f := web.NewForm(nil)
	f.Set("cycle_months", "12")
	return s.page(w, r, s.trackFormView(r, f, d, portal.Track{}, 0))
}

// programTrack loads the program and the track named by the URL, when the actor
// manages the program and it is not archived.
func (s *Server) programTrack(w http.ResponseWriter, r *http.Request) (portal.ProgramDetail, portal.Track, bool, error) {
	d, ok, err := s.editableProgram(w, r)
	if !ok {
		return d, portal.Track{}, false, err
	}
	tid, err := idParam(r, "tid")
	if err != nil {
		return d, portal.Track{}, false, err
	}
	tr, found := d.Track(tid)
	if !found {
		return d, tr, false, portal.NotFound()
	}
	return d, tr, true, nil
}

func (s *Server) trackEditForm(w http.ResponseWriter, r *http.Request) error {
	d, tr, ok, err := s.programTrack(w, r)
	if !ok {
		return err
	}
	return s.page(w, r, s.trackFormView(r, trackValues(tr), d, tr, len(tr.Fields)))
}

// saveTrack handles both track forms: trackID 0 creates.
func (s *Server) saveTrack(w http.ResponseWriter, r *http.Request, d portal.ProgramDetail, tr portal.Track) error {
	values, err := parseForm(w, r, trackFields...)
	if err != nil {
		return err
	}
	in, dec, f := decodeTrack(values)
	version := dec.int("version")
	view := func() templComponent { return s.trackFormView(r, f, d, tr, len(in.Fields)) }
	if err := dec.merge(nil); err != nil {
		return s.formError(w, r, f, dec.merge(in.Validate()), view)
	}
	if _, err := s.store.SaveTrack(r.Context(), actorFrom(r.Context()), d.ID, tr.ID, version, in); err != nil {
		return s.formError(w, r, f, err, view)
	}
	return s.redirect(w, r, "/programs/"+strconv.FormatInt(d.ID, 10), "success", "track.saved")
}

func (s *Server) trackCreate(w http.ResponseWriter, r *http.Request) error {
	d, ok, err := s.editableProgram(w, r)
	if !ok {
		return err
	}
	return s.saveTrack(w, r, d, portal.Track{})
}

func (s *Server) trackUpdate(w http.ResponseWriter, r *http.Request) error {
	d, tr, ok, err := s.programTrack(w, r)
	if !ok {
		return err
	}
	return s.saveTrack(w, r, d, tr)
}

func (s *Server) trackDelete(w http.ResponseWriter, r *http.Request) error {
	d, err := s.managedProgram(r)
	if err != nil {
		return err
	}
	tid, err := idParam(r, "tid")
	if err != nil {
		return err
	}
	if _, err := parseForm(w, r); err != nil {
		return err
	}
	if err := s.store.DeleteTrack(r.Context(), actorFrom(r.Context()), d.ID, tid); err != nil {
		return s.programAction(w, r, d, err)
	}
	return s.redirect(w, r, "/programs/"+strconv.FormatInt(d.ID, 10), "success", "track.deleted")
}

func (s *Server) themeAdd(w http.ResponseWriter, r *http.Request) error {
	d, err := s.managedProgram(r)
	if err != nil {
		return err
	}
	values, err := parseForm(w, r, "name")
	if err != nil {
		return err
	}
	if _, err := s.store.SaveTheme(r.Context(), actorFrom(r.Context()), d.ID, 0, values.Get("name")); err != nil {
		f := web.NewForm(values)
		if len(portal.FieldErrors(err)) == 0 {
			// A refusal about the program itself (archived) shows at the top.
			return s.programAction(w, r, d, err)
		}
		return s.formError(w, r, f, err, func() templComponent { return s.programView(r, d, web.ProgramView{ThemeForm: f}) })
	}
	return s.redirect(w, r, "/programs/"+strconv.FormatInt(d.ID, 10), "success", "theme.added")
}

func (s *Server) themeDelete(w http.ResponseWriter, r *http.Request) error {
	d, err := s.managedProgram(r)
	if err != nil {
		return err
	}
	thid, err := idParam(r, "thid")
	if err != nil {
		return err
	}
	if _, err := parseForm(w, r); err != nil {
		return err
	}
	if err := s.store.DeleteTheme(r.Context(), actorFrom(r.Context()), d.ID, thid); err != nil {
		return s.programAction(w, r, d, err)
	}
	return s.redirect(w, r, "/programs/"+strconv.FormatInt(d.ID, 10), "success", "theme.deleted")
}
