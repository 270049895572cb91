package server

import (
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/campusorg/portal/internal/portal"
	"github.com/campusorg/portal/internal/postgres"
	"github.com/campusorg/portal/web"
)

// projectIndex lists the projects the person may read, by program and status.
func (s *Server) projectIndex(w http.ResponseWriter, r *http.Request) error {
	a := actorFrom(r.Context())
	q := r.URL.Query()
	f := postgres.ProjectFilter{}
	f.ProgramID, _ = strconv.ParseInt(q.Get("program"), 10, 64)
	for _, st := range portal.ProjectStatuses {
		if string(st) == q.Get("status") {
			f.Status = st
		}
	}
	rows, err := s.store.ListProjects(r.Context(), a, f)
	if err != nil {
		return err
	}
	v := web.ProjectListView{Rows: rows, Query: q}
	all := rows
	if f.ProgramID != 0 || f.Status != "" {
		if all, err = s.store.ListProjects(r.Context(), a, postgres.ProjectFilter{}); err != nil {
			return err
		}
	}
	seen := map[int64]bool{}
	for _, row := range all {
		p := row.Project
		if !seen[p.ProgramID] {
			seen[p.ProgramID] = true
			v.Programs = append(v.Programs, web.Option{Value: strconv.FormatInt(p.ProgramID, 10),
				Label: p.ProgramTitle + " " + p.ProgramBatch + " " + strconv.Itoa(p.ProgramYear)})
		}
	}
	return s.page(w, r, web.ProjectListPage(s.chrome(r, "nav.projects", "project.list_title"), v))
}

// projectShow shows a project's page.
func (s *Server) projectShow(w http.ResponseWriter, r *http.Request) error {
	return s.renderProject(w, r, http.StatusOK, nil)
}

// renderProject renders the project of the URL with status; edit, when given, puts
// a form sent back with its errors into the view.
func (s *Server) renderProject(w http.ResponseWriter, r *http.Request, status int, edit func(*web.ProjectPageView)) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	return s.renderProjectID(w, r, status, id, edit)
}

func (s *Server) renderProjectID(w http.ResponseWriter, r *http.Request, status int, id int64, edit func(*web.ProjectPageView)) error {
	d, err := s.store.GetProject(r.Context(), actorFrom(r.Context()), id)
	if err != nil {
		return err
	}
	v := web.ProjectPageView{D: d}
	if edit != nil {
		edit(&v)
	}
	s.render(w, r, status, web.ProjectPage(s.chrome(r, "nav.projects", ""), v))
	return nil
}

// projectFormError re-renders the project page with a section's form and its
// errors (422, or 409 for a stale version), or passes other errors on.
//
// allowed says whether the person may use the form at all: a form refused for its
// input alone (before the store) is shown only to those who may send it.
func (s *Server) projectFormError(w http.ResponseWriter, r *http.Request, projectID int64, vals url.Values, err error,
	allowed func(postgres.ProjectDetail) bool, set func(*web.ProjectPageView, *web.Form)) error {
	code := portal.ErrorCode(err)
	if code != portal.EINVALID && code != portal.ECONFLICT {
		return err
	}
	d, gerr := s.store.GetProject(r.Context(), actorFrom(r.Context()), projectID)
	if gerr != nil {
		return gerr
	}
	if !allowed(d) {
		return portal.NotFound()
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
	v := web.ProjectPageView{D: d}
	set(&v, f)
	s.render(w, r, status, web.ProjectPage(s.chrome(r, "nav.projects", ""), v))
	return nil
}

// Who may send each form of the project page.
func canManage(d postgres.ProjectDetail) bool    { return d.CanManage }
func canKeep(d postgres.ProjectDetail) bool      { return d.CanKeep }
func canSupervise(d postgres.ProjectDetail) bool { return d.CanSupervise }
func canProgress(d postgres.ProjectDetail) bool  { return d.CanKeep || d.CanManage }

func projectPath(id int64) string { return "/projects/" + strconv.FormatInt(id, 10) }

// milestoneAdd lets the program's manager add a milestone.
func (s *Server) milestoneAdd(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	vals, err := parseForm(w, r, "title", "due_on", "evidence_required")
	if err != nil {
		return err
	}
	d := decoder{values: vals}
	in := portal.NewMilestoneInput{Title: vals.Get("title"), Due: d.date("due_on"), EvidenceRequired: vals.Get("evidence_required") == "1"}
	err = d.merge(nil)
	if err == nil {
		_, err = s.store.AddMilestone(r.Context(), actorFrom(r.Context()), id, in)
	}
	if err != nil {
		return s.projectFormError(w, r, id, vals, err, canManage, func(v *web.ProjectPageView, f *web.Form) { v.NewMilestoneForm = f })
	}
	return s.redirect(w, r, projectPath(id)+"#milestones", "success", "milestone.added")
}

// milestoneUpdate records progress on a milestone with its evidence.
func (s *Server) milestoneUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	a := actorFrom(r.Context())
	projectID, err := s.store.MilestoneProject(r.Context(), a, id)
	if err != nil {
		return err
	}
	vals, files, uerr := s.uploadForm(w, r, "version", "status", "completed_on", "note", "title", "due_on", "link")
	if uerr != nil && portal.FieldErrors(uerr) == nil {
		return uerr
	}
	d := decoder{values: vals}
	version, _ := strconv.Atoi(vals.Get("version"))
	u := portal.MilestoneUpdate{Status: portal.MilestoneStatus(vals.Get("status")), CompletedOn: d.date("completed_on"),
		Note: vals.Get("note"), Title: vals.Get("title"), Due: d.date("due_on")}
	err = d.merge(uerr)
	if err == nil {
		_, err = s.store.UpdateMilestone(r.Context(), a, id, version, u, files, vals["link"])
	}
	if err != nil {
		return s.projectFormError(w, r, projectID, vals, err, canProgress, func(v *web.ProjectPageView, f *web.Form) {
			v.MilestoneForm, v.FormMilestone = f, id
		})
	}
	return s.redirect(w, r, projectPath(projectID)+"#m"+strconv.FormatInt(id, 10), "success", "milestone.saved")
}

// supervisionAdd records a daily assessment or a phase material review.
func (s *Server) supervisionAdd(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	vals, err := parseForm(w, r, "kind", "sv_on", "score", "result", "sv_title", "sv_note")
	if err != nil {
		return err
	}
	d := decoder{values: vals}
	in := portal.SupervisionInput{Kind: portal.SupervisionKind(vals.Get("kind")), On: d.date("sv_on"), Result: vals.Get("result"),
		Title: vals.Get("sv_title"), Note: vals.Get("sv_note")}
	if in.Kind == portal.SupervisionDaily {
		sc := strings.TrimSpace(vals.Get("score"))
		x, perr := strconv.ParseFloat(sc, 64)
		if sc == "" || perr != nil {
			d.v.Add("score", "supervision.score_range")
		}
		in.Score = x
	}
	err = d.merge(nil)
	if err == nil {
		err = s.store.AddSupervision(r.Context(), actorFrom(r.Context()), id, in)
	}
	if err != nil {
		return s.projectFormError(w, r, id, vals, err, canSupervise, func(v *web.ProjectPageView, f *web.Form) { v.SupervisionForm = f })
	}
	return s.redirect(w, r, projectPath(id)+"#supervision", "success", "supervision.saved")
}

// disbursementAdd records a grant payment.
func (s *Server) disbursementAdd(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	vals, err := parseForm(w, r, "paid_on", "amount", "note")
	if err != nil {
		return err
	}
	d := decoder{values: vals}
	in := portal.DisbursementInput{PaidOn: d.date("paid_on"), Note: vals.Get("note")}
	in.Cents = d.yuan("amount")
	err = d.merge(nil)
	if err == nil {
		err = s.store.AddDisbursement(r.Context(), actorFrom(r.Context()), id, in)
	}
	if err != nil {
		return s.projectFormError(w, r, id, vals, err, canManage, func(v *web.ProjectPageView, f *web.Form) { v.PaymentForm = f })
	}
	return s.redirect(w, r, projectPath(id)+"#grants", "success", "funds.disbursed")
}

// yuan reads an amount in yuan as fen; empty or malformed is a field error.
func (d *decoder) yuan(name string) int64 {
	cents, ok := portal.ParseYuan(strings.TrimSpace(d.values.Get(name)))
	if !ok || strings.TrimSpace(d.values.Get(name)) == "" {
		d.v.Add(name, "app.amount_invalid")
		return 0
	}
	return cents
}

// expenseAdd records spending against a budget line.
func (s *Server) expenseAdd(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	vals, err := parseForm(w, r, "spent_on", "item", "amount", "note")
	if err != nil {
		return err
	}
	d := decoder{values: vals}
	in := portal.ExpenseInput{SpentOn: d.date("spent_on"), Item: vals.Get("item"), Note: vals.Get("note")}
	in.Cents = d.yuan("amount")
	err = d.merge(nil)
	if err == nil {
		err = s.store.AddExpense(r.Context(), actorFrom(r.Context()), id, in)
	}
	if err != nil {
		return s.projectFormError(w, r, id, vals, err, canKeep, func(v *web.ProjectPageView, f *web.Form) { v.ExpenseForm = f })
	}
	return s.redirect(w, r, projectPath(id)+"#grants", "success", "funds.expense_saved")
}

// outcomeRecord records a mid-term or final outcome.
func (s *Server) outcomeRecord(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	vals, err := parseForm(w, r, "version", "outcome", "rectify_by", "note")
	if err != nil {
		return err
	}
	d := decoder{values: vals}
	stage, outcome, _ := strings.Cut(vals.Get("outcome"), ":")
	in := portal.OutcomeInput{Stage: portal.Stage(stage), Outcome: portal.Outcome(outcome), Note: vals.Get("note"), RectifyBy: d.date("rectify_by")}
	version, _ := strconv.Atoi(vals.Get("version"))
	err = d.merge(nil)
	if err == nil {
		err = s.store.DecideOutcome(r.Context(), actorFrom(r.Context()), id, version, in)
	}
	if err != nil {
		return s.projectFormError(w, r, id, vals, err, canManage, func(v *web.ProjectPageView, f *web.Form) { v.OutcomeForm = f })
	}
	return s.redirect(w, r, projectPath(id)+"#reports", "success", "outcome.saved")
}

// caseMark marks a project's good practice as a case.
func (s *Server) caseMark(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	vals, err := parseForm(w, r, "case_title", "case_summary")
	if err != nil {
		return err
	}
	in := portal.CaseInput{Title: vals.Get("case_title"), Summary: vals.Get("case_summary")}
	if err := s.store.MarkCase(r.Context(), actorFrom(r.Context()), id, in); err != nil {
		return s.projectFormError(w, r, id, vals, err, canManage, func(v *web.ProjectPageView, f *web.Form) { v.CaseForm = f })
	}
	return s.redirect(w, r, projectPath(id)+"#reports", "success", "case.saved")
}

// stageParam reads a report stage from the URL.
func stageParam(r *http.Request) (portal.Stage, error) {
	st := portal.Stage(chi.URLParam(r, "stage"))
	if st != portal.StageMidterm && st != portal.StageFinal {
		return "", portal.NotFound()
	}
	return st, nil
}

// reportShow shows a project's report of a stage, as a form to its secretary.
func (s *Server) reportShow(w http.ResponseWriter, r *http.Request) error {
	return s.renderReport(w, r, http.StatusOK, nil)
}

func (s *Server) renderReport(w http.ResponseWriter, r *http.Request, status int, f *web.Form) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	st, err := stageParam(r)
	if err != nil {
		return err
	}
	rf, err := s.store.GetReport(r.Context(), actorFrom(r.Context()), id, st)
	if err != nil {
		return err
	}
	if f == nil {
		f = web.NewForm(nil)
		f.Set("summary", rf.Report.Summary)
		f.Set("results", rf.Report.Results)
	}
	s.render(w, r, status, web.ProjectReportPage(s.chrome(r, "nav.projects", "report.heading."+string(st)), web.ProjectReportView{R: rf, Form: f}))
	return nil
}

// reportSave saves the report as a draft or submits it, with attachments.
func (s *Server) reportSave(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	st, err := stageParam(r)
	if err != nil {
		return err
	}
	vals, files, err := s.uploadForm(w, r, "version", "summary", "results", "op")
	if err == nil {
		version, _ := strconv.Atoi(vals.Get("version"))
		submit := vals.Get("op") == "submit"
		in := portal.ReportInput{Summary: vals.Get("summary"), Results: vals.Get("results")}
		err = s.store.SaveReport(r.Context(), actorFrom(r.Context()), id, st, version, in, submit, files)
		if err == nil {
			msg := "report.saved"
			if submit {
				msg = "report.submitted"
			}
			return s.redirect(w, r, projectPath(id)+"/reports/"+string(st), "success", msg)
		}
	}
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
	return s.renderReport(w, r, status, f)
}

// rulesShow shows a program's project rules and checklist.
func (s *Server) rulesShow(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	d, rules, manage, err := s.store.ProgramRules(r.Context(), actorFrom(r.Context()), id)
	if err != nil {
		return err
	}
	f := web.NewForm(rulesValues(rules))
	return s.renderRules(w, r, http.StatusOK, d, f, manage)
}

func (s *Server) renderRules(w http.ResponseWriter, r *http.Request, status int, d portal.ProgramDetail, f *web.Form, manage bool) error {
	v := web.ProjectRulesView{Program: d, Form: f, CanManage: manage,
		Items: rowCount(f.Values, portal.MaxChecklistItems, "item_title_", "item_month_")}
	s.render(w, r, status, web.ProjectRulesPage(s.chrome(r, "nav.programs", "rules.title"), v))
	return nil
}

// rulesValues writes rules into the form's values.
func rulesValues(rules portal.ProjectRules) url.Values {
	v := url.Values{}
	v.Set("version", strconv.Itoa(rules.Version))
	v.Set("showcase_per_month", strconv.Itoa(rules.ShowcasePerMonth))
	v.Set("ledger_every_days", strconv.Itoa(rules.LedgerEveryDays))
	v.Set("remind_days", strconv.Itoa(rules.RemindDays))
	v.Set("escalate_days", strconv.Itoa(rules.EscalateDays))
	for name, on := range map[string]bool{"evidence_required": rules.EvidenceRequired, "pay_after_completion": rules.PayAfterCompletion,
		"late_reports": rules.LateReports} {
		if on {
			v.Set(name, "1")
		}
	}
	for i, it := range rules.Checklist {
		n := strconv.Itoa(i)
		v.Set("item_title_"+n, it.Title)
		v.Set("item_month_"+n, strconv.Itoa(it.DueMonth))
		if it.EvidenceRequired {
			v.Set("item_evidence_"+n, "1")
		}
	}
	return v
}

// rulesSave stores a program's project rules and checklist.
func (s *Server) rulesSave(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	a := actorFrom(r.Context())
	d, _, manage, err := s.store.ProgramRules(r.Context(), a, id)
	if err != nil {
		return err
	}
	if !manage {
		return portal.NotFound()
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		return portal.Errorf(portal.EINVALID, "error.bad_request")
	}
	vals := r.PostForm
	for k := range vals {
		switch k {
		case "version", "showcase_per_month", "ledger_every_days", "remind_days", "escalate_days", "evidence_required",
			"pay_after_completion", "late_reports":
			continue
		}
		ok := false
		for _, p := range []string{"item_title_", "item_month_", "item_evidence_"} {
			if i, err := strconv.Atoi(strings.TrimPrefix(k, p)); strings.HasPrefix(k, p) && err == nil && i >= 0 && i < 100 {
				ok = true
			}
		}
		if !ok {
			return portal.Errorf(portal.EINVALID, "error.unknown_field")
		}
	}
	dec := decoder{values: vals}
	rules := portal.ProjectRules{ShowcasePerMonth: dec.int("showcase_per_month"), LedgerEveryDays: dec.int("ledger_every_days"),
		RemindDays: dec.int("remind_days"), EscalateDays: dec.int("escalate_days"), EvidenceRequired: vals.Get("evidence_required") == "1",
		PayAfterCompletion: vals.Get("pay_after_completion") == "1", LateReports: vals.Get("late_reports") == "1"}
	// Blank checklist rows are dropped and the rest renumbered, so that the rule's
	// errors (named by position) sit beside their rows when the form comes back.
	vals = renumberChecklist(vals)
	for i := 0; i < 100; i++ {
		n := strconv.Itoa(i)
		title, month := strings.TrimSpace(vals.Get("item_title_"+n)), strings.TrimSpace(vals.Get("item_month_"+n))
		if title == "" && month == "" {
			break
		}
		m, perr := strconv.Atoi(month)
		if perr != nil {
			m = 0
		}
		rules.Checklist = append(rules.Checklist, portal.ChecklistItem{Title: title, DueMonth: m, EvidenceRequired: vals.Get("item_evidence_"+n) == "1"})
	}
	version, _ := strconv.Atoi(vals.Get("version"))
	err = dec.merge(nil)
	if err == nil {
		err = s.store.SaveRules(r.Context(), a, id, version, rules)
	}
	if err != nil {
		code := portal.ErrorCode(err)
		if code != portal.EINVALID && code != portal.ECONFLICT {
			return err
		}
		var pe *portal.Error
		errors.As(err, &pe)
		f := web.NewForm(vals)
		f.Errors = pe.Fields
		if len(pe.Fields) == 0 || code == portal.ECONFLICT {
			f.Error, f.ErrorArgs = pe.Message, pe.Args
		}
		status := http.StatusUnprocessableEntity
		if code == portal.ECONFLICT {
			status = http.StatusConflict
		}
		return s.renderRules(w, r, status, d, f, true)
	}
	return s.redirect(w, r, "/programs/"+strconv.FormatInt(id, 10)+"/rules", "success", "rules.saved")
}

// renumberChecklist drops blank checklist rows so that rows are numbered as kept.
func renumberChecklist(vals url.Values) url.Values {
	out := url.Values{}
	for k, v := range vals {
		if !strings.HasPrefix(k, "item_") {
			out[k] = v
		}
	}
	j := 0
	for i := 0; i < 100; i++ {
		n := strconv.Itoa(i)
		if strings.TrimSpace(vals.Get("item_title_"+n)) == "" && strings.TrimSpace(vals.Get("item_month_"+n)) == "" {
			continue
		}
		m := strconv.Itoa(j)
		out.Set("item_title_"+m, vals.Get("item_title_"+n))
		out.Set("item_month_"+m, vals.Get("item_month_"+n))
		if vals.Get("item_evidence_"+n) != "" {
			out.Set("item_evidence_"+m, vals.Get("item_evidence_"+n))
		}
		j++
	}
	return out
}

// casesIndex lists the cases and the commended projects.
func (s *Server) casesIndex(w http.ResponseWriter, r *http.Request) error {
	v, err := s.store.Cases(r.Context(), actorFrom(r.Context()))
	if err != nil {
		return err
	}
	return s.page(w, r, web.CasesPage(s.chrome(r, "nav.projects", "case.title"), web.CasesPageView{V: v}))
}

// orgProfile shows an organization's projects, outcomes, bans and cases.
func (s *Server) orgProfile(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	p, err := s.store.OrgProfile(r.Context(), actorFrom(r.Context()), id)
	if err != nil {
		return err
	}
	return s.page(w, r, web.OrgProfilePage(s.chrome(r, "nav.orgs", ""), web.OrgProfileView{P: p}))
}

// evidenceDownload serves an evidence file to those who may read its project.
func (s *Server) evidenceDownload(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	e, data, err := s.store.EvidenceFile(r.Context(), actorFrom(r.Context()), id)
	if err != nil {
		return err
	}
	disposition := "attachment"
	if e.ContentType == "application/pdf" || strings.HasPrefix(e.ContentType, "image/") {
		disposition = "inline"
	}
	w.Header().Set("Content-Type", e.ContentType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": e.Name}))
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(data)
	return nil
}
