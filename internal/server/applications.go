package server

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/gabriel-vasile/mimetype"

	"github.com/campusorg/portal/internal/portal"
	"github.com/campusorg/portal/internal/postgres"
	"github.com/campusorg/portal/web"
)

// appList shows the secretary's applications and the endorser's inbox.
func (s *Server) appList(w http.ResponseWriter, r *http.Request) error {
	a := actorFrom(r.Context())
	v := web.AppListView{IsFiler: a.Has(portal.RoleSecretary), IsEndorser: a.Has(portal.RoleEndorser)}
	var err error
	if v.IsFiler {
		if v.Mine, err = s.store.MyApplications(r.Context(), a, 100); err != nil {
			return err
		}
	}
	if v.IsEndorser {
		if v.Inbox, err = s.store.EndorsementInbox(r.Context(), a); err != nil {
			return err
		}
	}
	return s.page(w, r, web.AppListPage(s.chrome(r, "nav.applications", v.TitleKey()), v))
}

// programApply starts a draft for one of the secretary's organizations in a track,
// then opens its form.
func (s *Server) programApply(w http.ResponseWriter, r *http.Request) error {
	pid, err := idParam(r, "id")
	if err != nil {
		return err
	}
	vals, err := parseForm(w, r, "track_id", "org_id")
	if err != nil {
		return err
	}
	d := decoder{values: vals}
	trackID, orgID := d.id("track_id"), d.id("org_id")
	if err := d.v.Err(); err != nil || trackID == 0 || orgID == 0 {
		return portal.Errorf(portal.EINVALID, "error.bad_request")
	}
	id, err := s.store.CreateApplication(r.Context(), actorFrom(r.Context()), pid, trackID, orgID)
	if portal.ErrorCode(err) == portal.EINVALID {
		return s.redirect(w, r, "/programs/"+strconv.FormatInt(pid, 10), "error", "app.cannot_apply")
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, "/applications/"+strconv.FormatInt(id, 10)+"/edit", "success", "app.created")
}

// appShow shows an application to anyone who may read it.
func (s *Server) appShow(w http.ResponseWriter, r *http.Request) error {
	return s.renderApp(w, r, http.StatusOK, nil)
}

// renderApp renders an application's page with status, and the endorsement or
// manager form f (nil for an empty one).
func (s *Server) renderApp(w http.ResponseWriter, r *http.Request, status int, f *web.Form) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	d, err := s.store.GetApplication(r.Context(), actorFrom(r.Context()), id)
	if err != nil {
		return err
	}
	v := web.AppView{App: d.App, Program: d.Program, Track: d.Track, Org: d.Org, Events: d.Events, Versions: d.Versions,
		Attachments: d.Attachments, Deadline: d.Deadline, CanEdit: d.CanEdit, CanEndorse: d.CanEndorse,
		CanManage: d.CanManage, CanWithdraw: d.CanWithdraw, Form: f, Content: d.App.Content}
	if f == nil {
		v.Form = web.NewForm(nil)
	}
	// Those who do not file see what was sent, never a draft in progress.
	if !d.CanEdit && len(d.Versions) > 0 {
		v.Content = d.Versions[0].Content
	}
	if !d.CanEdit && len(d.Versions) == 0 {
		v.Content = portal.AppContent{}
	}
	s.render(w, r, status, web.AppPage(s.chrome(r, "nav.applications", ""), v))
	return nil
}

// appEditForm shows the application form with the saved draft.
func (s *Server) appEditForm(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	d, err := s.store.GetApplication(r.Context(), actorFrom(r.Context()), id)
	if err != nil {
		return err
	}
	if !d.CanEdit {
		return portal.NotFound()
	}
	f := web.NewForm(contentValues(d.App.Content, d.Track))
	f.Set("version", strconv.Itoa(d.App.Version))
	return s.renderEdit(w, r, http.StatusOK, d, f, nil)
}

func (s *Server) renderEdit(w http.ResponseWriter, r *http.Request, status int, d postgres.AppDetail, f, fileForm *web.Form) error {
	if fileForm == nil {
		fileForm = web.NewForm(nil)
	}
	v := web.AppEditView{App: d.App, Program: d.Program, Track: d.Track, Org: d.Org, Attachments: d.Attachments,
		Deadline: d.Deadline, Form: f, FileForm: fileForm, UploadMax: s.opt.UploadMaxBytes,
		Steps:  rowCount(f.Values, portal.MaxPlanSteps, "step_on_", "step_what_"),
		Budget: rowCount(f.Values, portal.MaxBudgetLines, "budget_item_", "budget_amount_", "budget_note_")}
	s.render(w, r, status, web.AppEditPage(s.chrome(r, "nav.applications", ""), v))
	return nil
}

// rowCount returns how many rows a repeated group shows: up to the last row with a
// value in any of its inputs (named prefix + row index), plus three blank ones, at
// most max. Blank rows sent back by a refused form are not counted, so that a form
// refused again and again does not grow.
func rowCount(vals url.Values, max int, prefixes ...string) int {
	n := 0
	for k, vs := range vals {
		for _, p := range prefixes {
			i, err := strconv.Atoi(strings.TrimPrefix(k, p))
			if err == nil && strings.HasPrefix(k, p) && i+1 > n && strings.TrimSpace(strings.Join(vs, "")) != "" {
				n = i + 1
			}
		}
	}
	return min(n+3, max)
}

// appUpdate saves the draft. Invalid input re-renders the form with 422 and
// everything typed kept; a stale version (someone saved in between) gives 409 with
// the input kept and nothing overwritten.
func (s *Server) appUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes*4)
	if err := r.ParseForm(); err != nil {
		return portal.Errorf(portal.EINVALID, "error.bad_request")
	}
	a := actorFrom(r.Context())
	d, err := s.store.GetApplication(r.Context(), a, id)
	if err != nil {
		return err
	}
	if !d.CanEdit {
		return portal.NotFound()
	}
	if err := checkAppFields(r.PostForm, d.Track); err != nil {
		return err
	}
	f := web.NewForm(r.PostForm)
	c, dec := contentFrom(r.PostForm, d.Track)
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	err = dec.merge(nil)
	if err == nil {
		err = s.store.SaveDraft(r.Context(), a, id, version, c)
		if portal.ErrorCode(err) == portal.EINVALID {
			// The content rules name rows by their place among the rows kept (blank
			// rows dropped): show the form as it was read, so that each error sits
			// beside its own row.
			f = web.NewForm(contentValues(c, d.Track))
			f.Set("version", r.PostForm.Get("version"))
		}
	}
	if err != nil {
		status, ok := fillForm(f, err)
		if !ok {
			return err
		}
		return s.renderEdit(w, r, status, d, f, nil)
	}
	return s.redirect(w, r, "/applications/"+strconv.FormatInt(id, 10), "success", "app.saved")
}

// checkAppFields refuses a field the form does not have, so that nothing a person
// did not see is saved.
func checkAppFields(vals url.Values, tr portal.Track) error {
	fixed := map[string]bool{"version": true, "title": true, "theme_id": true, "leader_name": true, "leader_post": true,
		"leader_phone": true, "leader_political": true, "purpose": true, "content": true, "form": true, "features": true,
		"safeguards": true, "expected": true, "difficulties": true}
	custom := map[string]bool{}
	for _, f := range tr.Fields {
		custom["custom_"+f.Key] = true
	}
	for k := range vals {
		if fixed[k] || custom[k] {
			continue
		}
		ok := false
		for _, p := range []string{"step_on_", "step_what_", "budget_item_", "budget_amount_", "budget_note_"} {
			if i, err := strconv.Atoi(strings.TrimPrefix(k, p)); strings.HasPrefix(k, p) && err == nil && i >= 0 && i < 100 {
				ok = true
			}
		}
		if !ok {
			return portal.Errorf(portal.EINVALID, "error.unknown_field")
		}
	}
	return nil
}

// contentFrom reads the application form. Rows left entirely blank are dropped;
// amounts that do not read as yuan are field errors in the decoder.
func contentFrom(vals url.Values, tr portal.Track) (portal.AppContent, *decoder) {
	d := &decoder{values: vals}
	g := func(k string) string { return strings.TrimSpace(vals.Get(k)) }
	c := portal.AppContent{Title: g("title"), ThemeID: d.id("theme_id"),
		Leader:  portal.Leader{Name: g("leader_name"), Post: g("leader_post"), Phone: g("leader_phone"), Political: g("leader_political")},
		Purpose: g("purpose"), Content: g("content"), Form: g("form"), Features: g("features"), Safeguards: g("safeguards"),
		Expected: g("expected"), Difficulties: g("difficulties")}
	for i := 0; i < portal.MaxPlanSteps+1; i++ {
		on, what := g("step_on_"+strconv.Itoa(i)), g("step_what_"+strconv.Itoa(i))
		if on != "" || what != "" {
			c.Steps = append(c.Steps, portal.PlanStep{On: on, What: what})
		}
	}
	for i := 0; i < portal.MaxBudgetLines+1; i++ {
		n := strconv.Itoa(i)
		item, amount, note := g("budget_item_"+n), g("budget_amount_"+n), g("budget_note_"+n)
		if item == "" && amount == "" && note == "" {
			continue
		}
		cents, ok := portal.ParseYuan(amount)
		if !ok {
			d.v.Add("budget_amount_"+n, "app.amount_invalid")
		}
		c.Budget = append(c.Budget, portal.BudgetLine{Item: item, Cents: cents, Note: note})
	}
	for _, f := range tr.Fields {
		if f.Type == portal.FieldFile {
			continue
		}
		if vs := vals["custom_"+f.Key]; len(vs) > 0 {
			if c.Custom == nil {
				c.Custom = map[string][]string{}
			}
			c.Custom[f.Key] = vs
		}
	}
	return c, d
}

// contentValues writes saved content back into form values.
func contentValues(c portal.AppContent, tr portal.Track) url.Values {
	v := url.Values{}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set("title", c.Title)
	if c.ThemeID != 0 {
		v.Set("theme_id", strconv.FormatInt(c.ThemeID, 10))
	}
	set("leader_name", c.Leader.Name)
	set("leader_post", c.Leader.Post)
	set("leader_phone", c.Leader.Phone)
	set("leader_political", c.Leader.Political)
	for k, val := range map[string]string{"purpose": c.Purpose, "content": c.Content, "form": c.Form, "features": c.Features,
		"safeguards": c.Safeguards, "expected": c.Expected, "difficulties": c.Difficulties} {
		set(k, val)
	}
	for i, st := range c.Steps {
		n := strconv.Itoa(i)
		v.Set("step_on_"+n, st.On)
		v.Set("step_what_"+n, st.What)
	}
	for i, b := range c.Budget {
		n := strconv.Itoa(i)
		v.Set("budget_item_"+n, b.Item)
		v.Set("budget_amount_"+n, strings.ReplaceAll(portal.FormatYuan(b.Cents), ",", ""))
		v.Set("budget_note_"+n, b.Note)
	}
	for _, f := range tr.Fields {
		if vs := c.Custom[f.Key]; len(vs) > 0 {
			v["custom_"+f.Key] = vs
		}
	}
	return v
}

// appSend freezes a version and sends it on. What is missing is listed on the form.
func (s *Server) appSend(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	vals, err := parseForm(w, r, "version")
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(vals.Get("version"))
	a := actorFrom(r.Context())
	sent, err := s.store.Send(r.Context(), a, id, version)
	if code := portal.ErrorCode(err); code == portal.EINVALID || code == portal.ECONFLICT {
		d, gerr := s.store.GetApplication(r.Context(), a, id)
		if gerr != nil {
			return gerr
		}
		f := web.NewForm(contentValues(d.App.Content, d.Track))
		f.Set("version", strconv.Itoa(d.App.Version))
		status, _ := fillForm(f, err)
		if pe := (*portal.Error)(nil); errors.As(err, &pe) {
			f.Error, f.ErrorArgs = pe.Message, pe.Args // what keeps it from being sent, on top
		}
		if d.CanEdit {
			return s.renderEdit(w, r, status, d, f, nil)
		}
		return s.renderApp(w, r, status, f)
	}
	if err != nil {
		return err
	}
	msg := "app.sent"
	if !sent {
		msg = "app.already_sent"
	}
	return s.redirect(w, r, "/applications/"+strconv.FormatInt(id, 10), "success", msg)
}

// appEndorse records the waiting body's opinion.
func (s *Server) appEndorse(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	vals, err := parseForm(w, r, "version", "opinion", "decision")
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(vals.Get("version"))
	decision := vals.Get("decision")
	if decision != "agree" && decision != "return" {
		return portal.Errorf(portal.EINVALID, "error.bad_request")
	}
	err = s.store.Endorse(r.Context(), actorFrom(r.Context()), id, version, decision == "agree", strings.TrimSpace(vals.Get("opinion")))
	if err != nil {
		return s.appFormError(w, r, vals, err)
	}
	msg := "app.endorsed"
	if decision == "return" {
		msg = "app.returned"
	}
	return s.redirect(w, r, "/applications/"+strconv.FormatInt(id, 10), "success", msg)
}

// appFormError re-renders the application page with the endorsement or manager
// form's input and errors, or passes other errors on.
func (s *Server) appFormError(w http.ResponseWriter, r *http.Request, vals url.Values, err error) error {
	f, status, ok := formFailure(vals, err)
	if !ok {
		return err
	}
	return s.renderApp(w, r, status, f)
}

// appManage lets the program's manager receive an application or return it.
func (s *Server) appManage(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	vals, err := parseForm(w, r, "version", "note", "action")
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(vals.Get("version"))
	ev := portal.AppEvent(vals.Get("action"))
	err = s.store.ManagerAct(r.Context(), actorFrom(r.Context()), id, version, ev, strings.TrimSpace(vals.Get("note")))
	if err != nil {
		return s.appFormError(w, r, vals, err)
	}
	msg := "app.received"
	if ev == portal.EvReturn {
		msg = "app.returned"
	}
	return s.redirect(w, r, "/applications/"+strconv.FormatInt(id, 10), "success", msg)
}

// appWithdraw withdraws an application before a decision.
func (s *Server) appWithdraw(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	vals, err := parseForm(w, r, "version")
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(vals.Get("version"))
	if err := s.store.Withdraw(r.Context(), actorFrom(r.Context()), id, version); err != nil {
		return s.appFormError(w, r, url.Values{}, err)
	}
	return s.redirect(w, r, "/applications/"+strconv.FormatInt(id, 10), "success", "app.withdrawn")
}

// appUpload stores an uploaded file on the draft. The type is judged from the
// content, never from the name; the size limit is configurable.
func (s *Server) appUpload(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	a := actorFrom(r.Context())
	fail := func(status int, key string) error {
		d, err := s.store.GetApplication(r.Context(), a, id)
		if err != nil {
			return err
		}
		if !d.CanEdit {
			return portal.NotFound()
		}
		f := web.NewForm(contentValues(d.App.Content, d.Track))
		f.Set("version", strconv.Itoa(d.App.Version))
		ff := web.NewForm(nil)
		ff.Errors = map[string]string{"file": key}
		ff.Error = key
		if key == "app.file_too_large" { // the only message that takes the limit
			ff.ErrorArgs = []any{s.opt.UploadMaxBytes >> 20}
			ff.Errors["file"] = "app.file_oversize" // field errors take no arguments
		}
		return s.renderEdit(w, r, status, d, f, ff)
	}
	if err := requireAdmitted(r); err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.opt.UploadMaxBytes+64<<10)
	mr, err := r.MultipartReader()
	if err != nil {
		return fail(http.StatusUnprocessableEntity, "app.file_missing")
	}
	var name, field string
	var data []byte
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return fail(http.StatusRequestEntityTooLarge, "app.file_too_large")
		}
		if err != nil {
			return fail(http.StatusUnprocessableEntity, "app.file_missing")
		}
		switch part.FormName() {
		case "file":
			name = part.FileName()
			// The request's length bounds the file's: one buffer, read without growing.
			data, err = readFile(part, r.ContentLength, s.opt.UploadMaxBytes)
			if errors.As(err, &mbe) || errors.Is(err, errTooLarge) {
				return fail(http.StatusRequestEntityTooLarge, "app.file_too_large")
			}
			if err != nil {
				return fail(http.StatusUnprocessableEntity, "app.file_missing")
			}
		case "field":
			b, _ := io.ReadAll(io.LimitReader(part, 100))
			field = string(b)
		default:
			return portal.Errorf(portal.EINVALID, "error.unknown_field")
		}
	}
	if len(data) == 0 {
		return fail(http.StatusUnprocessableEntity, "app.file_missing")
	}
	ctype := detectType(data)
	if _, ok := portal.AttachmentExt(ctype); !ok {
		return fail(http.StatusUnprocessableEntity, "app.file_type")
	}
	if _, err := s.store.AddAttachment(r.Context(), a, id, field, name, ctype, data); err != nil {
		if portal.ErrorCode(err) == portal.EINVALID {
			var pe *portal.Error
			errors.As(err, &pe)
			return fail(http.StatusUnprocessableEntity, pe.Message)
		}
		return err
	}
	return s.redirect(w, r, "/applications/"+strconv.FormatInt(id, 10)+"/edit#files", "success", "app.file_added")
}

// detectType names a file's content type from its bytes.
func detectType(data []byte) string {
	m := mimetype.Detect(data)
	for ; m != nil; m = m.Parent() {
		if _, ok := portal.AttachmentExt(m.String()); ok {
			return m.String()
		}
	}
	return mimetype.Detect(data).String()
}

// appRemoveFile takes a file off the draft.
func (s *Server) appRemoveFile(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	aid, err := idParam(r, "aid")
	if err != nil {
		return err
	}
	if _, err := parseForm(w, r); err != nil {
		return err
	}
	if err := s.store.RemoveAttachment(r.Context(), actorFrom(r.Context()), id, aid); err != nil {
		return err
	}
	return s.redirect(w, r, "/applications/"+strconv.FormatInt(id, 10)+"/edit#files", "success", "app.file_removed")
}

// attachmentDownload serves a file, with its type, as a download, to those who may
// read its application.
func (s *Server) attachmentDownload(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	at, data, err := s.store.AttachmentFile(r.Context(), actorFrom(r.Context()), id)
	if err != nil {
		return err
	}
	disposition := "attachment"
	if at.ContentType == "application/pdf" && r.URL.Query().Get("inline") == "1" {
		disposition = "inline"
	}
	w.Header().Set("Content-Type", at.ContentType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": at.Name}))
	w.Header().Set("Content-Length", strconv.FormatInt(int64(len(data)), 10))
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(data)
	return nil
}

// appVersion shows a frozen version and what changed since the one before.
func (s *Server) appVersion(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	n, err := idParam(r, "n")
	if err != nil {
		return err
	}
	d, err := s.store.GetApplication(r.Context(), actorFrom(r.Context()), id)
	if err != nil {
		return err
	}
	v := web.AppVersionView{App: d.App, Track: d.Track, Program: d.Program, Attachments: d.Attachments}
	found := false
	for i, ver := range d.Versions {
		if int64(ver.Number) == n {
			v.Version, found = ver, true
			if i+1 < len(d.Versions) {
				v.HasPrevious = true
				v.Changes = portal.Diff(d.Versions[i+1].Content, ver.Content, d.Track.Fields)
			}
		}
	}
	if !found {
		return portal.NotFound()
	}
	return s.page(w, r, web.AppVersionPage(s.chrome(r, "nav.applications", ""), v))
}

// programApps lists a program's applications for its manager and viewers, with
// filters, counts, and who has not applied.
func (s *Server) programApps(w http.ResponseWriter, r *http.Request) error {
	return s.renderProgramApps(w, r, http.StatusOK, nil)
}

func (s *Server) renderProgramApps(w http.ResponseWriter, r *http.Request, status int, ext *web.Form) error {
	pid, err := idParam(r, "id")
	if err != nil {
		return err
	}
	a := actorFrom(r.Context())
	f := appFilterFromQuery(r)
	list, err := s.store.ProgramAppsPage(r.Context(), a, pid, f)
	if err != nil {
		return err
	}
	v := web.ProgramAppsView{Program: list.Program, Items: list.Items, Next: list.Next, After: f.After, Query: filterQuery(f),
		Total: list.Total, Missing: list.Missing, CanManage: portal.Can(a, portal.ActManageProgram, list.Program.OwnerPath), ExtForm: ext}
	body := func() templ.Component {
		for _, c := range list.ByTrack {
			v.ByTrack = append(v.ByTrack, web.CountRow{ID: c.ID, Label: c.Label, N: c.N})
		}
		for _, c := range list.ByCollege {
			v.ByCollege = append(v.ByCollege, web.CountRow{ID: c.ID, Label: c.Label, N: c.N})
		}
		for _, c := range list.Colleges {
			v.Colleges = append(v.Colleges, web.Option{Value: strconv.FormatInt(c.ID, 10), Label: c.Name})
		}
		for _, o := range append(list.Missing[:len(list.Missing):len(list.Missing)], applicantsOf(list.Items)...) {
			v.ExtOrgs = append(v.ExtOrgs, web.Option{Value: strconv.FormatInt(o.ID, 10), Label: o.Name})
		}
		return web.ProgramAppsBody(v)
	}
	// A kept page is rendered once per language and kind of reader; a form with
	// its errors is this request's alone.
	memo := list.Memo
	if ext != nil {
		memo = nil
	} else {
		v.ExtForm = web.NewForm(nil)
	}
	html, err := renderedOnce(r, memo, strconv.FormatBool(v.CanManage), body)
	if err != nil {
		return err
	}
	s.render(w, r, status, web.ProgramAppsPage(s.chrome(r, "nav.programs", "app.program_list_title"), html))
	return nil
}

// filterQuery is the query of a filter of a program's application list, without its
// cursor.
func filterQuery(f postgres.AppFilter) url.Values {
	q := url.Values{}
	set := func(name string, id int64) {
		if id != 0 {
			q.Set(name, strconv.FormatInt(id, 10))
		}
	}
	set("track", f.TrackID)
	set("theme", f.ThemeID)
	set("college", f.CollegeID)
	if f.Status != "" {
		q.Set("status", string(f.Status))
	}
	if f.Query != "" {
		q.Set("q", f.Query)
	}
	return q
}

// applicantsOf returns the distinct applicant organizations of a list.
func applicantsOf(apps []portal.Application) []portal.Org {
	seen := map[int64]bool{}
	var out []portal.Org
	for _, a := range apps {
		if !seen[a.OrgID] {
			seen[a.OrgID] = true
			out = append(out, portal.Org{ID: a.OrgID, Name: a.OrgName})
		}
	}
	return out
}

// programExtend gives one organization a later deadline.
func (s *Server) programExtend(w http.ResponseWriter, r *http.Request) error {
	pid, err := idParam(r, "id")
	if err != nil {
		return err
	}
	a := actorFrom(r.Context())
	prog, err := s.store.ProgramDetailFor(r.Context(), a, pid)
	if err != nil {
		return err
	}
	if !portal.Can(a, portal.ActManageProgram, prog.OwnerPath) {
		return portal.NotFound()
	}
	vals, err := parseForm(w, r, "org_id", "until", "reason")
	if err != nil {
		return err
	}
	d := decoder{values: vals}
	orgID, until := d.id("org_id"), d.date("until")
	if orgID == 0 {
		d.v.Add("org_id", "form.choose")
	}
	if until.IsZero() && d.v.Fields["until"] == "" {
		d.v.Add("until", "form.required")
	}
	err = d.v.Err()
	if err == nil {
		err = s.store.ExtendDeadline(r.Context(), a, pid, orgID, until, strings.TrimSpace(vals.Get("reason")))
	}
	if err != nil {
		if portal.ErrorCode(err) != portal.EINVALID {
			return err
		}
		f := web.NewForm(vals)
		f.Errors = portal.FieldErrors(err)
		return s.renderProgramApps(w, r, http.StatusUnprocessableEntity, f)
	}
	return s.redirect(w, r, "/programs/"+strconv.FormatInt(pid, 10)+"/applications", "success", "app.extended")
}

// notificationsPage lists the person's messages.
func (s *Server) notificationsPage(w http.ResponseWriter, r *http.Request) error {
	items, unread, err := s.store.Notifications(r.Context(), actorFrom(r.Context()), 100)
	if err != nil {
		return err
	}
	var v []web.NotificationView
	for _, n := range items {
		v = append(v, web.NotificationView{At: n.At, Message: n.Message, Args: n.Args, Link: n.Link, Read: n.Read})
	}
	return s.page(w, r, web.NotificationsPage(s.chrome(r, "nav.notifications", "notify.title"), v, unread))
}

// notificationsRead marks every message read.
func (s *Server) notificationsRead(w http.ResponseWriter, r *http.Request) error {
	if _, err := parseForm(w, r); err != nil {
		return err
	}
	if err := s.store.MarkNotificationsRead(r.Context(), actorFrom(r.Context())); err != nil {
		return err
	}
	return s.redirect(w, r, "/notifications", "", "")
}
