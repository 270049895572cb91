package server

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/campusorg/portal/internal/i18n"
	"github.com/campusorg/portal/internal/portal"
	"github.com/campusorg/portal/internal/postgres"
	"github.com/campusorg/portal/web"
)

// maxEvidenceFiles bounds the files sent with one form.
const maxEvidenceFiles = 10

// uploadForm reads a form that may carry evidence files under "file" (multipart, at
// most the upload limit in all), or a plain form. Fields outside allowed are refused.
// Each file's type is judged from its content. A file too large or of a type the
// portal does not take is a field error on "file", returned with the values read.
// While the form is parsed, files beyond formMemory go to temporary files (removed
// when this returns); each is then read into one buffer of its size.
func (s *Server) uploadForm(w http.ResponseWriter, r *http.Request, allowed ...string) (url.Values, []postgres.Upload, error) {
	if err := requireAdmitted(r); err != nil {
		return nil, nil, err
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.opt.UploadMaxBytes+1<<20)
	err := r.ParseMultipartForm(formMemory)
	if r.MultipartForm != nil {
		defer func() { _ = r.MultipartForm.RemoveAll() }()
	}
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return url.Values{}, nil, &portal.Error{Code: portal.EINVALID, Message: "app.file_too_large", Args: []any{s.opt.UploadMaxBytes >> 20},
			Fields: map[string]string{"file": "app.file_oversize"}}
	case errors.Is(err, http.ErrNotMultipart):
	case err != nil:
		return nil, nil, portal.Errorf(portal.EINVALID, "error.bad_request")
	}
	vals := r.PostForm
	// A file input left blank arrives as a part without a file name, which reads as
	// an empty value.
	if vs, ok := vals["file"]; ok && strings.Join(vs, "") == "" {
		delete(vals, "file")
	}
	for k := range vals {
		ok := false
		for _, a := range allowed {
			ok = ok || k == a
		}
		if !ok {
			return nil, nil, portal.Errorf(portal.EINVALID, "error.unknown_field")
		}
	}
	if r.MultipartForm == nil {
		return vals, nil, nil
	}
	for k := range r.MultipartForm.File {
		if k != "file" {
			return nil, nil, portal.Errorf(portal.EINVALID, "error.unknown_field")
		}
	}
	var files []postgres.Upload
	for _, fh := range r.MultipartForm.File["file"] {
		if fh.Size == 0 && fh.Filename == "" {
			continue // the empty part of a file input left blank
		}
		if fh.Size > s.opt.UploadMaxBytes {
			return vals, nil, &portal.Error{Code: portal.EINVALID, Message: "app.file_too_large", Args: []any{s.opt.UploadMaxBytes >> 20},
				Fields: map[string]string{"file": "app.file_oversize"}}
		}
		f, err := fh.Open()
		if err != nil {
			return nil, nil, err
		}
		data, err := readFile(f, fh.Size, s.opt.UploadMaxBytes)
		f.Close()
		if errors.Is(err, errTooLarge) {
			return vals, nil, &portal.Error{Code: portal.EINVALID, Message: "app.file_too_large", Args: []any{s.opt.UploadMaxBytes >> 20},
				Fields: map[string]string{"file": "app.file_oversize"}}
		}
		if err != nil {
			return nil, nil, err
		}
		ctype := detectType(data)
		if _, ok := portal.AttachmentExt(ctype); !ok || len(data) == 0 {
			return vals, nil, &portal.Error{Code: portal.EINVALID, Message: "error.invalid_form", Fields: map[string]string{"file": "app.file_type"}}
		}
		files = append(files, postgres.Upload{Name: fh.Filename, ContentType: ctype, Data: data})
	}
	if len(files) > maxEvidenceFiles {
		return vals, nil, &portal.Error{Code: portal.EINVALID, Message: "error.invalid_form", Fields: map[string]string{"file": "app.too_many_rows"}}
	}
	return vals, files, nil
}

// entryFields are the fields of the ledger form.
var entryFields = []string{"version", "on", "title", "kind", "description", "participants", "place", "milestone_id", "link", "again"}

// entryFrom reads the ledger form.
func entryFrom(vals url.Values) (portal.EntryInput, *decoder) {
	d := &decoder{values: vals}
	in := portal.EntryInput{On: d.date("on"), Title: vals.Get("title"), Kind: portal.EntryKind(vals.Get("kind")),
		Description: vals.Get("description"), Participants: d.int("participants"), Place: vals.Get("place"),
		MilestoneID: d.id("milestone_id"), Links: vals["link"]}
	return in, d
}

// ledgerNew shows the quick ledger form: today, and the kind the person used last.
func (s *Server) ledgerNew(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	ef, err := s.store.LedgerForm(r.Context(), actorFrom(r.Context()), id)
	if err != nil {
		return err
	}
	f := web.NewForm(nil)
	day := ef.Today
	if day.After(portal.DateOf(ef.Project.Ends)) {
		day = portal.DateOf(ef.Project.Ends) // a late entry for a cycle that has ended
	}
	f.Set("on", day.Format("2006-01-02"))
	f.Set("kind", string(ef.LastKind))
	if m := r.URL.Query().Get("milestone"); m != "" {
		f.Set("milestone_id", m)
	}
	return s.page(w, r, web.LedgerFormPage(s.chrome(r, "nav.workbench", "ledger.add"), web.LedgerFormView{F: ef, Form: f}))
}

// ledgerCreate adds a ledger entry with its evidence; "save and add another" comes
// back to an empty form.
func (s *Server) ledgerCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	a := actorFrom(r.Context())
	vals, files, uerr := s.uploadForm(w, r, entryFields...)
	if uerr != nil && portal.FieldErrors(uerr) == nil {
		return uerr
	}
	in, d := entryFrom(vals)
	err = d.merge(uerr)
	if err == nil {
		_, err = s.store.AddEntry(r.Context(), a, id, in, files)
	}
	if err != nil {
		code := portal.ErrorCode(err)
		if code != portal.EINVALID {
			return err
		}
		ef, ferr := s.store.LedgerForm(r.Context(), a, id)
		if ferr != nil {
			return ferr
		}
		var pe *portal.Error
		errors.As(err, &pe)
		f := web.NewForm(vals)
		f.Errors = pe.Fields
		if len(pe.Fields) == 0 || pe.Message != "error.invalid_form" {
			f.Error, f.ErrorArgs = pe.Message, pe.Args
		}
		s.render(w, r, http.StatusUnprocessableEntity, web.LedgerFormPage(s.chrome(r, "nav.workbench", "ledger.add"), web.LedgerFormView{F: ef, Form: f}))
		return nil
	}
	if vals.Get("again") == "1" {
		return s.redirect(w, r, projectPath(id)+"/ledger/new", "success", "ledger.saved")
	}
	return s.redirect(w, r, projectPath(id)+"#ledger", "success", "ledger.saved")
}

// entryShow shows a ledger entry.
func (s *Server) entryShow(w http.ResponseWriter, r *http.Request) error {
	return s.renderEntry(w, r, http.StatusOK, nil)
}

func (s *Server) renderEntry(w http.ResponseWriter, r *http.Request, status int, f *web.Form) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	d, err := s.store.GetEntry(r.Context(), actorFrom(r.Context()), id)
	if err != nil {
		return err
	}
	if f == nil {
		f = web.NewForm(nil)
	}
	s.render(w, r, status, web.LedgerEntryPage(s.chrome(r, "nav.workbench", ""), web.LedgerEntryView{D: d, Form: f}))
	return nil
}

// entryEditForm shows the form to correct an entry.
func (s *Server) entryEditForm(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	a := actorFrom(r.Context())
	d, err := s.store.GetEntry(r.Context(), a, id)
	if err != nil {
		return err
	}
	if !d.CanEdit {
		return portal.NotFound()
	}
	ef, err := s.store.LedgerForm(r.Context(), a, d.Project.ID)
	if err != nil {
		return err
	}
	return s.page(w, r, web.LedgerFormPage(s.chrome(r, "nav.workbench", "ledger.edit"),
		web.LedgerFormView{F: ef, Form: web.NewForm(entryValues(d.Entry)), EntryID: id, Verified: d.Entry.Status == portal.EntryVerified}))
}

// entryValues writes an entry into the form's values (links are added anew).
func entryValues(e portal.LedgerEntry) url.Values {
	v := url.Values{}
	v.Set("version", strconv.Itoa(e.Version))
	v.Set("on", e.On.Format("2006-01-02"))
	v.Set("title", e.Title)
	v.Set("kind", string(e.Kind))
	v.Set("description", e.Description)
	v.Set("participants", strconv.Itoa(e.Participants))
	v.Set("place", e.Place)
	if e.MilestoneID != 0 {
		v.Set("milestone_id", strconv.FormatInt(e.MilestoneID, 10))
	}
	return v
}

// entryUpdate corrects an entry: in place while unverified, as a new revision once
// verified.
func (s *Server) entryUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	a := actorFrom(r.Context())
	vals, files, uerr := s.uploadForm(w, r, entryFields...)
	if uerr != nil && portal.FieldErrors(uerr) == nil {
		return uerr
	}
	in, d := entryFrom(vals)
	version, _ := strconv.Atoi(vals.Get("version"))
	err = d.merge(uerr)
	newID := id
	if err == nil {
		newID, err = s.store.EditEntry(r.Context(), a, id, version, in, files)
	}
	if err != nil {
		code := portal.ErrorCode(err)
		if code != portal.EINVALID && code != portal.ECONFLICT {
			return err
		}
		ed, gerr := s.store.GetEntry(r.Context(), a, id)
		if gerr != nil {
			return gerr
		}
		ef, ferr := s.store.LedgerForm(r.Context(), a, ed.Project.ID)
		if ferr != nil {
			return ferr
		}
		var pe *portal.Error
		errors.As(err, &pe)
		f := web.NewForm(vals)
		f.Errors = pe.Fields
		if len(pe.Fields) == 0 || code == portal.ECONFLICT || pe.Message != "error.invalid_form" {
			f.Error, f.ErrorArgs = pe.Message, pe.Args
		}
		status := http.StatusUnprocessableEntity
		if code == portal.ECONFLICT {
			status = http.StatusConflict
		}
		s.render(w, r, status, web.LedgerFormPage(s.chrome(r, "nav.workbench", "ledger.edit"),
			web.LedgerFormView{F: ef, Form: f, EntryID: id, Verified: ed.Entry.Status == portal.EntryVerified}))
		return nil
	}
	msg := "ledger.saved"
	if newID != id {
		msg = "ledger.saved_revision"
	}
	return s.redirect(w, r, "/ledger/"+strconv.FormatInt(newID, 10), "success", msg)
}

// entryReview records a supervisor's verdict: verified, or returned with a comment.
func (s *Server) entryReview(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	vals, err := parseForm(w, r, "version", "verdict", "note")
	if err != nil {
		return err
	}
	verdict := vals.Get("verdict")
	if verdict != "verify" && verdict != "return" {
		return portal.Errorf(portal.EINVALID, "error.bad_request")
	}
	version, _ := strconv.Atoi(vals.Get("version"))
	in := portal.ReviewInput{Verify: verdict == "verify", Note: vals.Get("note")}
	if err := s.store.ReviewEntry(r.Context(), actorFrom(r.Context()), id, version, in); err != nil {
		code := portal.ErrorCode(err)
		if code != portal.EINVALID && code != portal.ECONFLICT {
			return err
		}
		var pe *portal.Error
		errors.As(err, &pe)
		f := web.NewForm(vals)
		f.Errors = pe.Fields
		if len(pe.Fields) == 0 || code == portal.ECONFLICT || pe.Message != "error.invalid_form" {
			f.Error, f.ErrorArgs = pe.Message, pe.Args
		}
		status := http.StatusUnprocessableEntity
		if code == portal.ECONFLICT {
			status = http.StatusConflict
		}
		return s.renderEntry(w, r, status, f)
	}
	msg := "ledger.verified"
	if !in.Verify {
		msg = "ledger.returned"
	}
	next := "/ledger/" + strconv.FormatInt(id, 10)
	if back := r.URL.Query().Get("back"); back == "workbench" {
		next = "/workbench#waiting"
	}
	return s.redirect(w, r, next, "success", msg)
}

// projectLedgerExport sends one project's ledger as a workbook.
func (s *Server) projectLedgerExport(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	x, err := s.store.ProjectLedger(r.Context(), actorFrom(r.Context()), id)
	if err != nil {
		return err
	}
	b, name, err := ledgerWorkbook(i18n.FromContext(r.Context()), x)
	if err != nil {
		return err
	}
	return sendWorkbook(w, name, b)
}

// collegeLedgerExport sends a program's creation ledger (创建工作台账), of one college
// when ?college= names it.
func (s *Server) collegeLedgerExport(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	college, _ := strconv.ParseInt(r.URL.Query().Get("college"), 10, 64)
	x, err := s.store.CollegeLedger(r.Context(), actorFrom(r.Context()), id, college)
	if err != nil {
		return err
	}
	b, name, err := ledgerWorkbook(i18n.FromContext(r.Context()), x)
	if err != nil {
		return err
	}
	return sendWorkbook(w, name, b)
}

// ledgerWorkbook writes a ledger export: a summary sheet with a line per project
// (the 创建工作台账 that follows every class and its counselor), and a sheet with
// every entry and its evidence.
func ledgerWorkbook(lang i18n.Lang, x postgres.LedgerExport) ([]byte, string, error) {
	tr := translator(lang)
	f := excelize.NewFile()
	defer f.Close()
	st, err := newSheetStyles(f)
	if err != nil {
		return nil, "", err
	}
	date := func(t interface{ Format(string) string }) string { return t.Format("2006-01-02") }
	sum := []tableColumn{{tr("project.org"), 16}, {tr("project.college"), 14}, {tr("project.title"), 30}, {tr("project.counselor"), 10},
		{tr("project.secretary"), 10}, {tr("project.status"), 10}, {tr("project.milestones_done"), 10}, {tr("project.overdue"), 8},
		{tr("project.entries"), 8}, {tr("ledger.st.verified"), 8}, {tr("project.last_entry"), 12}, {tr("dashboard.missed"), 10},
		{tr("ledger.xlsx_daily"), 12}}
	sw, err := streamSheet(f, tr("ledger.xlsx_summary"), true)
	if err != nil {
		return nil, "", err
	}
	if err := startTable(sw, st, x.Title+" "+tr("ledger.xlsx_title"), sum); err != nil {
		return nil, "", err
	}
	row := tableBodyRow
	for _, s := range x.Summaries {
		p := s.Project
		last := ""
		if !s.LastEntry.IsZero() {
			last = date(s.LastEntry)
		}
		daily := excelize.Cell{StyleID: st.scoreStyle}
		if s.DailyAssessments > 0 {
			daily.Value = s.DailyScore
		}
		cells := []any{st.text(p.OrgName), st.text(p.CollegeName), st.text(p.Title), st.text(p.CounselorName), st.text(p.SecretaryName),
			st.text(tr("project.st." + string(p.Status))), st.text(strconv.Itoa(s.MilestonesDone) + "/" + strconv.Itoa(s.MilestonesTotal)),
			st.integer(s.Overdue), st.integer(s.Entries), st.integer(s.Verified), st.text(last), st.integer(s.MissedMonths), daily}
		if err := sw.SetRow(cellRef(0, row), cells); err != nil {
			return nil, "", err
		}
		row++
	}
	if err := sw.Flush(); err != nil {
		return nil, "", err
	}
	cols := []tableColumn{{tr("project.org"), 14}, {tr("ledger.on"), 12}, {tr("ledger.entry_title"), 28}, {tr("ledger.kind"), 10},
		{tr("ledger.participants"), 8}, {tr("ledger.place"), 14}, {tr("ledger.milestone"), 20}, {tr("ledger.description"), 36},
		{tr("ledger.status"), 10}, {tr("ledger.author"), 10}, {tr("ledger.reviewer"), 10}, {tr("evidence.files"), 24}, {tr("evidence.links"), 36}}
	sw, err = streamSheet(f, tr("ledger.xlsx_entries"), false)
	if err != nil {
		return nil, "", err
	}
	if err := startTable(sw, st, x.Title+" "+tr("ledger.title"), cols); err != nil {
		return nil, "", err
	}
	row = tableBodyRow
	for _, lr := range x.Rows {
		e := lr.Entry
		cells := []any{st.text(lr.Project.OrgName), st.text(date(e.On)), st.text(e.Title), st.text(tr("ledger.kind." + string(e.Kind))),
			st.integer(e.Participants), st.text(e.Place), st.text(e.MilestoneTitle), st.text(e.Description),
			st.text(tr("ledger.st." + string(e.Status))), st.text(e.AuthorName), st.text(e.ReviewerName),
			st.text(strings.Join(lr.Files, "\n")), st.text(strings.Join(lr.Links, "\n"))}
		if err := sw.SetRow(cellRef(0, row), cells); err != nil {
			return nil, "", err
		}
		row++
	}
	if err := sw.Flush(); err != nil {
		return nil, "", err
	}
	b, err := workbookBytes(f)
	return b, x.Title + " " + tr("ledger.xlsx_title") + ".xlsx", err
}
