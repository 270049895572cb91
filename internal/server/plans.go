package server

import (
	"bytes"
	"math"
	"mime"
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

// Work plans: the list, a plan's page and its forms, tasks and progress reports,
// the printed plan, this month's work, supervision (督查) and the .xlsx export.

var planFields = []string{"org_id", "year", "title", "intro", "closing", "version"}

// taskFields are the fields of the task form, target rows included.
var taskFields = func() []string {
	f := []string{"section_id", "number", "title", "description", "people", "months", "version"}
	for i := 0; i < portal.MaxTaskTargets; i++ {
		for _, part := range []string{"id", "label", "cmp", "value", "unit", "metric"} {
			f = append(f, portal.TargetField(i, part))
		}
	}
	return f
}()

var recurringFields = []string{"number", "title", "text", "task_id",
	portal.RhythmField(0, "label"), portal.RhythmField(0, "cadence"), portal.RhythmField(0, "from")}

// parsePlanDecimal reads a number typed into a form: digits with at most two decimals,
// thousands commas allowed ("2,500"); ok is false for anything else.
func parsePlanDecimal(s string) (float64, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, false
	}
	if _, frac, ok := strings.Cut(s, "."); ok && len(frac) > 2 {
		return 0, false
	}
	return x, true
}

// optDecimal reads an optional decimal field: given is false when it is left blank.
func optDecimal(d *decoder, name string) (x float64, given bool) {
	s := strings.TrimSpace(d.values.Get(name))
	if s == "" {
		return 0, false
	}
	x, ok := parsePlanDecimal(s)
	if !ok {
		d.v.Add(name, "plantarget.not_number")
	}
	return x, true
}

// checkedInts reads a multi-valued field of whole numbers (checkboxes).
func checkedInts(d *decoder, name string) []int {
	var out []int
	for _, s := range d.values[name] {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			d.v.Add(name, "form.choose")
			continue
		}
		out = append(out, n)
	}
	return out
}

// checkedIDs reads a multi-valued field of ids (checkboxes).
func checkedIDs(d *decoder, name string) []int64 {
	var out []int64
	for _, s := range d.values[name] {
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil || n <= 0 {
			d.v.Add(name, "form.choose")
			continue
		}
		out = append(out, n)
	}
	return out
}

// yearMonth returns the current year and month in the portal's zone.
func (s *Server) yearMonth() (y int, m int) {
	now := s.now().In(i18n.Zone)
	return now.Year(), int(now.Month())
}

func (s *Server) planIndex(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := actorFrom(ctx)
	q := r.URL.Query()
	before, _ := strconv.ParseInt(q.Get("before"), 10, 64)
	page, err := s.store.ListPlans(ctx, a, postgres.PlanFilter{Before: before})
	if err != nil {
		return err
	}
	v := web.PlanIndexView{Query: q, CanCreate: portal.CanAny(a, portal.ActManagePlan), Plans: page.Items, Next: page.Next}
	return s.page(w, r, web.PlanIndexPage(s.chrome(r, "nav.plans", "plan.index_title"), v))
}

// monthParam reads the month of ?m=, this month when absent or malformed.
func (s *Server) monthParam(r *http.Request) int {
	m, err := strconv.Atoi(r.URL.Query().Get("m"))
	if err != nil || m < 1 || m > 12 {
		_, m = s.yearMonth()
	}
	return m
}

// planMine is the person's work in a month across the issued plans she has tasks in.
func (s *Server) planMine(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := actorFrom(ctx)
	plans, err := s.store.MyPlans(ctx, a)
	if err != nil {
		return err
	}
	v := web.MyMonthView{Month: s.monthParam(r), Now: s.now()}
	for _, d := range plans {
		mp := web.MyPlanMonth{Plan: d}
		for _, pm := range d.MonthWork(v.Month) {
			if pm.Person.UserID == a.UserID {
				mp.Work = pm
			}
		}
		for _, rv := range d.Review(s.now().In(i18n.Zone)) {
			for _, t := range mp.Work.Tasks {
				if t.ID == rv.Task.ID {
					mp.Reviews = append(mp.Reviews, rv)
				}
			}
		}
		v.Plans = append(v.Plans, mp)
	}
	return s.page(w, r, web.MyMonthPage(s.chrome(r, "nav.plans", "plan.mine_title"), v))
}

// plan loads the plan named by the URL, when the actor may see it.
func (s *Server) plan(r *http.Request) (portal.PlanDetail, error) {
	id, err := idParam(r, "id")
	if err != nil {
		return portal.PlanDetail{}, err
	}
	return s.store.GetPlan(r.Context(), actorFrom(r.Context()), id)
}

// managedPlan loads the plan named by the URL, when the actor manages it.
func (s *Server) managedPlan(r *http.Request) (portal.PlanDetail, error) {
	d, err := s.plan(r)
	if err == nil && !portal.Can(actorFrom(r.Context()), portal.ActManagePlan, d.OrgPath) {
		return d, portal.NotFound()
	}
	return d, err
}

// planView builds a plan's page; forms not given start empty.
func (s *Server) planView(r *http.Request, d portal.PlanDetail, v web.PlanView) templComponent {
	ctx := r.Context()
	v.Plan, v.Now = d, s.now()
	v.Reviews = d.Review(v.Now.In(i18n.Zone))
	v.CanManage = portal.Can(actorFrom(ctx), portal.ActManagePlan, d.OrgPath)
	for _, f := range []**web.Form{&v.ActionForm, &v.SectionForm, &v.ScheduleForm, &v.RecurringForm} {
		if *f == nil {
			*f = web.NewForm(nil)
		}
	}
	for _, t := range d.Tasks {
		v.TaskOptions = append(v.TaskOptions, web.Option{Value: strconv.FormatInt(t.ID, 10), Label: strconv.Itoa(t.Number) + ". " + t.Title})
	}
	c := s.chrome(r, "nav.plans", "")
	c.Title = d.Title
	return web.PlanPage(c, v)
}

func (s *Server) planShow(w http.ResponseWriter, r *http.Request) error {
	d, err := s.plan(r)
	if err != nil {
		return err
	}
	return s.page(w, r, s.planView(r, d, web.PlanView{}))
}

// renderPlanForm renders the plan form, or re-renders it with f's errors.
func (s *Server) renderPlanForm(w http.ResponseWriter, r *http.Request, f *web.Form, p portal.Plan, err error) error {
	v := web.PlanFormView{Form: f, Plan: p}
	if p.ID == 0 {
		opts, oerr := s.orgOptions(r, portal.ActManagePlan)
		if oerr != nil {
			return oerr
		}
		v.Orgs = opts
	}
	title := "plan.new"
	if p.ID != 0 {
		title = "plan.edit_title"
	}
	view := web.PlanFormPage(s.chrome(r, "nav.plans", title), v)
	if err == nil {
		return s.page(w, r, view)
	}
	return s.formError(w, r, f, err, func() templComponent { return view })
}

func (s *Server) planNewForm(w http.ResponseWriter, r *http.Request) error {
	if err := requireAction(r, portal.ActManagePlan); err != nil {
		return err
	}
	f := web.NewForm(nil)
	y, _ := s.yearMonth()
	f.Set("year", strconv.Itoa(y))
	return s.renderPlanForm(w, r, f, portal.Plan{}, nil)
}

func decodePlan(values url.Values) (portal.PlanInput, *decoder) {
	d := &decoder{values: values}
	return portal.PlanInput{OrgID: d.id("org_id"), Year: d.int("year"), Title: values.Get("title"), Intro: values.Get("intro"),
		Closing: values.Get("closing")}, d
}

func (s *Server) planCreate(w http.ResponseWriter, r *http.Request) error {
	if err := requireAction(r, portal.ActManagePlan); err != nil {
		return err
	}
	values, err := parseForm(w, r, planFields...)
	if err != nil {
		return err
	}
	in, d := decodePlan(values)
	f := web.NewForm(values)
	if err := d.merge(nil); err != nil {
		return s.renderPlanForm(w, r, f, portal.Plan{}, d.merge(in.Validate()))
	}
	p, err := s.store.CreatePlan(r.Context(), actorFrom(r.Context()), in)
	if err != nil {
		return s.renderPlanForm(w, r, f, portal.Plan{}, err)
	}
	return s.redirect(w, r, "/plans/"+strconv.FormatInt(p.ID, 10), "success", "plan.created")
}

func (s *Server) planEditForm(w http.ResponseWriter, r *http.Request) error {
	d, err := s.managedPlan(r)
	if err != nil {
		return err
	}
	if !d.Editable() {
		return s.redirect(w, r, "/plans/"+strconv.FormatInt(d.ID, 10), "error", "plan.archived_readonly")
	}
	f := web.NewForm(nil)
	f.Set("year", strconv.Itoa(d.Year))
	f.Set("title", d.Title)
	f.Set("intro", d.Intro)
	f.Set("closing", d.Closing)
	f.Set("version", strconv.Itoa(d.Version))
	return s.renderPlanForm(w, r, f, d.Plan, nil)
}

func (s *Server) planUpdate(w http.ResponseWriter, r *http.Request) error {
	d, err := s.managedPlan(r)
	if err != nil {
		return err
	}
	values, err := parseForm(w, r, planFields...)
	if err != nil {
		return err
	}
	in, dec := decodePlan(values)
	version := dec.int("version")
	in.OrgID = d.OrgID
	f := web.NewForm(values)
	if err := dec.merge(nil); err != nil {
		return s.renderPlanForm(w, r, f, d.Plan, dec.merge(in.Validate()))
	}
	if _, err := s.store.UpdatePlan(r.Context(), actorFrom(r.Context()), d.ID, version, in); err != nil {
		return s.renderPlanForm(w, r, f, d.Plan, err)
	}
	return s.redirect(w, r, "/plans/"+strconv.FormatInt(d.ID, 10), "success", "plan.saved")
}

// planAction re-renders the plan page with a refused action's reason in the form
// that asked for it, or returns errors that are not refusals.
func (s *Server) planAction(w http.ResponseWriter, r *http.Request, d portal.PlanDetail, f *web.Form, v web.PlanView, err error) error {
	return s.formError(w, r, f, err, func() templComponent { return s.planView(r, d, v) })
}

func (s *Server) planStatus(w http.ResponseWriter, r *http.Request) error {
	d, err := s.managedPlan(r)
	if err != nil {
		return err
	}
	values, err := parseForm(w, r, "status", "version")
	if err != nil {
		return err
	}
	dec := &decoder{values: values}
	version := dec.int("version")
	next := portal.PlanStatus(values.Get("status"))
	if err := s.store.SetPlanStatus(r.Context(), actorFrom(r.Context()), d.ID, version, next); err != nil {
		f := web.NewForm(nil)
		return s.planAction(w, r, d, f, web.PlanView{ActionForm: f}, err)
	}
	return s.redirect(w, r, "/plans/"+strconv.FormatInt(d.ID, 10), "success", "plan.status_changed")
}

func (s *Server) planSectionAdd(w http.ResponseWriter, r *http.Request) error {
	d, err := s.managedPlan(r)
	if err != nil {
		return err
	}
	values, err := parseForm(w, r, "title")
	if err != nil {
		return err
	}
	if err := s.store.AddSection(r.Context(), actorFrom(r.Context()), d.ID, values.Get("title")); err != nil {
		f := web.NewForm(values)
		return s.planAction(w, r, d, f, web.PlanView{SectionForm: f}, err)
	}
	return s.redirect(w, r, "/plans/"+strconv.FormatInt(d.ID, 10), "success", "plan.section_added")
}

func (s *Server) planSectionDelete(w http.ResponseWriter, r *http.Request) error {
	d, err := s.managedPlan(r)
	if err != nil {
		return err
	}
	sid, err := idParam(r, "sid")
	if err != nil {
		return err
	}
	if err := s.store.DeleteSection(r.Context(), actorFrom(r.Context()), d.ID, sid); err != nil {
		f := web.NewForm(nil)
		return s.planAction(w, r, d, f, web.PlanView{ActionForm: f}, err)
	}
	return s.redirect(w, r, "/plans/"+strconv.FormatInt(d.ID, 10), "success", "plan.section_deleted")
}

func (s *Server) scheduleAdd(w http.ResponseWriter, r *http.Request) error {
	d, err := s.managedPlan(r)
	if err != nil {
		return err
	}
	values, err := parseForm(w, r, "number", "months", "text", "note", "task_id")
	if err != nil {
		return err
	}
	dec := &decoder{values: values}
	in := portal.ScheduleInput{Number: dec.int("number"), Months: checkedInts(dec, "months"), Text: values.Get("text"), Note: values.Get("note"),
		TaskID: dec.id("task_id")}
	f := web.NewForm(values)
	if err := dec.merge(nil); err != nil {
		return s.planAction(w, r, d, f, web.PlanView{ScheduleForm: f}, dec.merge(in.Validate()))
	}
	if err := s.store.AddScheduleItem(r.Context(), actorFrom(r.Context()), d.ID, in); err != nil {
		return s.planAction(w, r, d, f, web.PlanView{ScheduleForm: f}, err)
	}
	return s.redirect(w, r, "/plans/"+strconv.FormatInt(d.ID, 10), "success", "plan.line_added")
}

func (s *Server) scheduleDelete(w http.ResponseWriter, r *http.Request) error {
	d, err := s.managedPlan(r)
	if err != nil {
		return err
	}
	iid, err := idParam(r, "iid")
	if err != nil {
		return err
	}
	if err := s.store.DeleteScheduleItem(r.Context(), actorFrom(r.Context()), d.ID, iid); err != nil {
		f := web.NewForm(nil)
		return s.planAction(w, r, d, f, web.PlanView{ActionForm: f}, err)
	}
	return s.redirect(w, r, "/plans/"+strconv.FormatInt(d.ID, 10), "success", "plan.line_deleted")
}

func (s *Server) recurringAdd(w http.ResponseWriter, r *http.Request) error {
	d, err := s.managedPlan(r)
	if err != nil {
		return err
	}
	values, err := parseForm(w, r, recurringFields...)
	if err != nil {
		return err
	}
	dec := &decoder{values: values}
	in := portal.RecurringInput{Number: dec.int("number"), Title: values.Get("title"), Text: values.Get("text"), TaskID: dec.id("task_id")}
	label, cadence, from := portal.RhythmField(0, "label"), portal.RhythmField(0, "cadence"), portal.RhythmField(0, "from")
	if strings.TrimSpace(values.Get(label)+values.Get(cadence)+values.Get(from)) != "" {
		in.Rhythms = append(in.Rhythms, portal.Rhythm{Label: values.Get(label), Cadence: portal.Cadence(values.Get(cadence)), From: dec.date(from)})
	}
	f := web.NewForm(values)
	if err := dec.merge(nil); err != nil {
		return s.planAction(w, r, d, f, web.PlanView{RecurringForm: f}, dec.merge(in.Validate(d.Year)))
	}
	if err := s.store.AddRecurringItem(r.Context(), actorFrom(r.Context()), d.ID, in); err != nil {
		return s.planAction(w, r, d, f, web.PlanView{RecurringForm: f}, err)
	}
	return s.redirect(w, r, "/plans/"+strconv.FormatInt(d.ID, 10), "success", "plan.line_added")
}

func (s *Server) recurringDelete(w http.ResponseWriter, r *http.Request) error {
	d, err := s.managedPlan(r)
	if err != nil {
		return err
	}
	iid, err := idParam(r, "iid")
	if err != nil {
		return err
	}
	if err := s.store.DeleteRecurringItem(r.Context(), actorFrom(r.Context()), d.ID, iid); err != nil {
		f := web.NewForm(nil)
		return s.planAction(w, r, d, f, web.PlanView{ActionForm: f}, err)
	}
	return s.redirect(w, r, "/plans/"+strconv.FormatInt(d.ID, 10), "success", "plan.line_deleted")
}

// planTask returns the plan and task named by the URL, when the actor may see them.
func (s *Server) planTask(r *http.Request) (portal.PlanDetail, portal.PlanTask, error) {
	d, err := s.plan(r)
	if err != nil {
		return d, portal.PlanTask{}, err
	}
	tid, err := idParam(r, "tid")
	if err != nil {
		return d, portal.PlanTask{}, err
	}
	t, ok := d.Task(tid)
	if !ok {
		return d, t, portal.NotFound()
	}
	return d, t, nil
}

// renderTaskForm renders the task form, or re-renders it with f's errors.
func (s *Server) renderTaskForm(w http.ResponseWriter, r *http.Request, f *web.Form, d portal.PlanDetail, task portal.PlanTask, err error) error {
	ctx := r.Context()
	members, merr := s.store.PlanMembers(ctx, actorFrom(ctx), d.ID)
	if merr != nil {
		return merr
	}
	v := web.TaskFormView{Form: f, Plan: d, Task: task, Rows: portal.MaxTaskTargets}
	for _, sec := range d.Sections {
		v.Sections = append(v.Sections, web.Option{Value: strconv.FormatInt(sec.ID, 10), Label: sec.Title})
	}
	listed := map[int64]bool{}
	for _, p := range members {
		listed[p.UserID] = true
		v.People = append(v.People, web.Option{Value: strconv.FormatInt(p.UserID, 10), Label: p.Name})
	}
	// People already responsible stay listed, even if they left the organization.
	for _, p := range task.People {
		if !listed[p.UserID] {
			v.People = append(v.People, web.Option{Value: strconv.FormatInt(p.UserID, 10), Label: p.Name})
		}
	}
	title := "plantask.new"
	if task.ID != 0 {
		title = "plantask.edit"
	}
	view := web.TaskFormPage(s.chrome(r, "nav.plans", title), v)
	if err == nil {
		return s.page(w, r, view)
	}
	return s.formError(w, r, f, err, func() templComponent { return view })
}

// decodeTask reads the task form; a target row left wholly blank is no target.
func decodeTask(values url.Values) (portal.TaskInput, *decoder) {
	d := &decoder{values: values}
	in := portal.TaskInput{SectionID: d.id("section_id"), Number: d.int("number"), Title: values.Get("title"),
		Description: values.Get("description"), People: checkedIDs(d, "people"), Months: checkedInts(d, "months")}
	for i := 0; i < portal.MaxTaskTargets; i++ {
		f := func(part string) string { return portal.TargetField(i, part) }
		if strings.TrimSpace(values.Get(f("label"))+values.Get(f("value"))+values.Get(f("unit"))+values.Get(f("metric"))) == "" {
			continue
		}
		x := portal.TargetInput{ID: d.id(f("id")), Label: values.Get(f("label")), Metric: values.Get(f("metric")),
			Comparator: portal.Comparator(values.Get(f("cmp"))), Unit: values.Get(f("unit"))}
		v, given := optDecimal(d, f("value"))
		if !given {
			d.v.Add(f("value"), "form.required")
		}
		x.Value = v
		in.Targets = append(in.Targets, x)
	}
	return in, d
}

// renumberTargets moves the target rows' field errors to the rows they were typed
// in: blank rows are skipped by decodeTask, so target i of the input may stand in a
// later row of the form.
func renumberTargets(values url.Values, err error) error {
	fields := portal.FieldErrors(err)
	if len(fields) == 0 {
		return err
	}
	var rows []int
	for i := 0; i < portal.MaxTaskTargets; i++ {
		f := func(part string) string { return portal.TargetField(i, part) }
		if strings.TrimSpace(values.Get(f("label"))+values.Get(f("value"))+values.Get(f("unit"))+values.Get(f("metric"))) != "" {
			rows = append(rows, i)
		}
	}
	out := map[string]string{}
	for k, m := range fields {
		out[k] = m
		var i int
		var part string
		if n, _ := parseTargetField(k, &i, &part); n && i < len(rows) && rows[i] != i {
			delete(out, k)
			out[portal.TargetField(rows[i], part)] = m
		}
	}
	pe := *err.(*portal.Error)
	pe.Fields = out
	return &pe
}

// parseTargetField parses a target field name "t<i>_<part>".
func parseTargetField(name string, i *int, part *string) (bool, error) {
	if !strings.HasPrefix(name, "t") {
		return false, nil
	}
	num, p, ok := strings.Cut(name[1:], "_")
	if !ok {
		return false, nil
	}
	n, err := strconv.Atoi(num)
	if err != nil {
		return false, nil
	}
	*i, *part = n, p
	return true, nil
}

func (s *Server) taskNewForm(w http.ResponseWriter, r *http.Request) error {
	d, err := s.managedPlan(r)
	if err != nil {
		return err
	}
	if !d.Editable() {
		return s.redirect(w, r, "/plans/"+strconv.FormatInt(d.ID, 10), "error", "plan.archived_readonly")
	}
	f := web.NewForm(nil)
	f.Set("section_id", r.URL.Query().Get("section"))
	next := 1
	for _, t := range d.Tasks {
		next = max(next, t.Number+1)
	}
	f.Set("number", strconv.Itoa(next))
	return s.renderTaskForm(w, r, f, d, portal.PlanTask{}, nil)
}

func (s *Server) taskSave(w http.ResponseWriter, r *http.Request, d portal.PlanDetail, task portal.PlanTask) error {
	values, err := parseForm(w, r, taskFields...)
	if err != nil {
		return err
	}
	in, dec := decodeTask(values)
	version := dec.int("version")
	f := web.NewForm(values)
	if err := dec.merge(nil); err != nil {
		return s.renderTaskForm(w, r, f, d, task, renumberTargets(values, dec.merge(in.Validate())))
	}
	saved, err := s.store.SaveTask(r.Context(), actorFrom(r.Context()), d.ID, task.ID, version, in)
	if err != nil {
		if portal.ErrorCode(err) == portal.EINVALID {
			err = renumberTargets(values, err)
		}
		return s.renderTaskForm(w, r, f, d, task, err)
	}
	return s.redirect(w, r, "/plans/"+strconv.FormatInt(d.ID, 10)+"/tasks/"+strconv.FormatInt(saved.ID, 10), "success", "plantask.saved")
}

func (s *Server) taskCreate(w http.ResponseWriter, r *http.Request) error {
	d, err := s.managedPlan(r)
	if err != nil {
		return err
	}
	return s.taskSave(w, r, d, portal.PlanTask{})
}

// taskValues fills the task form from a task.
func taskValues(t portal.PlanTask) *web.Form {
	f := web.NewForm(nil)
	f.Set("section_id", strconv.FormatInt(t.SectionID, 10))
	f.Set("number", strconv.Itoa(t.Number))
	f.Set("title", t.Title)
	f.Set("description", t.Description)
	for _, p := range t.People {
		f.Values.Add("people", strconv.FormatInt(p.UserID, 10))
	}
	for _, m := range t.Months {
		f.Values.Add("months", strconv.Itoa(m))
	}
	for i, x := range t.Targets {
		f.Set(portal.TargetField(i, "id"), strconv.FormatInt(x.ID, 10))
		f.Set(portal.TargetField(i, "label"), x.Label)
		f.Set(portal.TargetField(i, "metric"), x.Metric)
		f.Set(portal.TargetField(i, "cmp"), string(x.Comparator))
		f.Set(portal.TargetField(i, "value"), strconv.FormatFloat(x.Value, 'f', -1, 64))
		f.Set(portal.TargetField(i, "unit"), x.Unit)
	}
	f.Set("version", strconv.Itoa(t.Version))
	return f
}

func (s *Server) taskEditForm(w http.ResponseWriter, r *http.Request) error {
	d, task, err := s.planTask(r)
	if err != nil {
		return err
	}
	if !portal.Can(actorFrom(r.Context()), portal.ActManagePlan, d.OrgPath) {
		return portal.NotFound()
	}
	if !d.Editable() {
		return s.redirect(w, r, "/plans/"+strconv.FormatInt(d.ID, 10), "error", "plan.archived_readonly")
	}
	return s.renderTaskForm(w, r, taskValues(task), d, task, nil)
}

func (s *Server) taskUpdate(w http.ResponseWriter, r *http.Request) error {
	d, task, err := s.planTask(r)
	if err != nil {
		return err
	}
	if !portal.Can(actorFrom(r.Context()), portal.ActManagePlan, d.OrgPath) {
		return portal.NotFound()
	}
	return s.taskSave(w, r, d, task)
}

func (s *Server) taskDelete(w http.ResponseWriter, r *http.Request) error {
	d, task, err := s.planTask(r)
	if err != nil {
		return err
	}
	if err := s.store.DeleteTask(r.Context(), actorFrom(r.Context()), d.ID, task.ID); err != nil {
		if code := portal.ErrorCode(err); code != portal.EINVALID {
			return err
		}
		f := web.NewForm(nil)
		return s.formError(w, r, f, err, func() templComponent {
			return s.planView(r, d, web.PlanView{ActionForm: f})
		})
	}
	return s.redirect(w, r, "/plans/"+strconv.FormatInt(d.ID, 10), "success", "plantask.deleted")
}

// taskView builds a task's page with the progress form f (a fresh one when nil).
func (s *Server) taskView(r *http.Request, d portal.PlanDetail, task portal.PlanTask, f *web.Form) (templComponent, error) {
	ctx := r.Context()
	a := actorFrom(ctx)
	reports, err := s.store.TaskReports(ctx, a, d.ID, task.ID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	v := web.TaskView{Plan: d, Reports: reports, Now: now, Form: f,
		CanReport: portal.CanReportProgress(a, d.OrgPath, task.PeopleIDs()),
		CanManage: portal.Can(a, portal.ActManagePlan, d.OrgPath)}
	for _, rv := range d.Review(now.In(i18n.Zone)) {
		if rv.Task.ID == task.ID {
			v.Review = rv
		}
	}
	for _, it := range d.Schedule {
		if it.TaskID == task.ID {
			v.Schedule = append(v.Schedule, it)
		}
	}
	for _, it := range d.Recurring {
		if it.TaskID == task.ID {
			v.Recurring = append(v.Recurring, it)
		}
	}
	if v.Form == nil {
		v.Form = web.NewForm(nil)
		today := now.In(i18n.Zone)
		if today.Year() != d.Year {
			today = today.AddDate(d.Year-today.Year(), 0, 0)
		}
		v.Form.Set("reported_on", today.Format("2006-01-02"))
		st := v.Review.Status
		if st == portal.TaskNotStarted {
			st = portal.TaskInProgress
		}
		v.Form.Set("status", string(st))
	}
	c := s.chrome(r, "nav.plans", "")
	c.Title = task.Title
	return web.TaskPage(c, v), nil
}

func (s *Server) taskShow(w http.ResponseWriter, r *http.Request) error {
	d, task, err := s.planTask(r)
	if err != nil {
		return err
	}
	view, err := s.taskView(r, d, task, nil)
	if err != nil {
		return err
	}
	return s.page(w, r, view)
}

// taskReport files a progress report. The form carries one value field per target.
func (s *Server) taskReport(w http.ResponseWriter, r *http.Request) error {
	d, task, err := s.planTask(r)
	if err != nil {
		return err
	}
	a := actorFrom(r.Context())
	if !portal.CanReportProgress(a, d.OrgPath, task.PeopleIDs()) {
		return portal.NotFound()
	}
	allowed := []string{"reported_on", "status", "note", "evidence"}
	for _, x := range task.Targets {
		allowed = append(allowed, portal.ValueField(x.ID))
	}
	values, err := parseForm(w, r, allowed...)
	if err != nil {
		return err
	}
	dec := &decoder{values: values}
	in := portal.ProgressInput{ReportedOn: dec.date("reported_on"), Status: portal.TaskStatus(values.Get("status")),
		Note: values.Get("note"), Evidence: values.Get("evidence"), Values: map[int64]float64{}}
	for _, x := range task.Targets {
		if v, given := optDecimal(dec, portal.ValueField(x.ID)); given {
			in.Values[x.ID] = v
		}
	}
	f := web.NewForm(values)
	err = dec.merge(nil)
	if err == nil {
		_, err = s.store.ReportProgress(r.Context(), a, d.ID, task.ID, in)
	} else {
		err = dec.merge(portal.CheckProgress(d.Plan, task, &in, s.now().In(i18n.Zone)))
	}
	if err != nil {
		view, verr := s.taskView(r, d, task, f)
		if verr != nil {
			return verr
		}
		return s.formError(w, r, f, err, func() templComponent { return view })
	}
	return s.redirect(w, r, "/plans/"+strconv.FormatInt(d.ID, 10)+"/tasks/"+strconv.FormatInt(task.ID, 10), "success", "planprogress.saved")
}

func (s *Server) planPrint(w http.ResponseWriter, r *http.Request) error {
	d, err := s.plan(r)
	if err != nil {
		return err
	}
	c := s.chrome(r, "nav.plans", "")
	c.Title = d.Title
	return s.page(w, r, web.PlanPrintPage(c, web.PlanPrintView{Plan: d}))
}

func (s *Server) planMonth(w http.ResponseWriter, r *http.Request) error {
	d, err := s.plan(r)
	if err != nil {
		return err
	}
	m := s.monthParam(r)
	v := web.PlanMonthView{Plan: d, Month: m, Work: d.MonthWork(m), Now: s.now()}
	c := s.chrome(r, "nav.plans", "")
	c.Title = d.Title
	return s.page(w, r, web.PlanMonthPage(c, v))
}

func (s *Server) planSupervision(w http.ResponseWriter, r *http.Request) error {
	d, err := s.plan(r)
	if err != nil {
		return err
	}
	now := s.now()
	v := web.SupervisionView{Plan: d, Reviews: d.Review(now.In(i18n.Zone)), Now: now}
	v.BySection, v.ByPerson = d.Supervise(v.Reviews)
	q := r.URL.Query()
	v.Person, _ = strconv.ParseInt(q.Get("person"), 10, 64)
	v.Section, _ = strconv.ParseInt(q.Get("section"), 10, 64)
	c := s.chrome(r, "nav.plans", "plansup.title")
	return s.page(w, r, web.SupervisionPage(c, v))
}

// planExport sends the plan with its progress as an .xlsx workbook: the tasks with
// each target's figures and pace, the month-by-month schedule, the year-round items.
func (s *Server) planExport(w http.ResponseWriter, r *http.Request) error {
	d, err := s.plan(r)
	if err != nil {
		return err
	}
	lang := i18n.FromContext(r.Context())
	b, err := planWorkbook(lang, d, d.Review(s.now().In(i18n.Zone)))
	if err != nil {
		return err
	}
	name := i18n.T(lang, "plan.export_filename", safeFileName(d.Title), d.Year)
	h := w.Header()
	h.Set("Content-Type", xlsxContentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	_, err = w.Write(b)
	return err
}

// planWorkbook builds the export in memory. User text is written as strings, never
// as formulas; figures are numbers.
func planWorkbook(lang i18n.Lang, d portal.PlanDetail, reviews []portal.TaskReview) ([]byte, error) {
	tr := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	f := excelize.NewFile()
	defer f.Close()
	var styleErr error
	style := func(st *excelize.Style) int {
		id, err := f.NewStyle(st)
		if styleErr == nil {
			styleErr = err
		}
		return id
	}
	border := []excelize.Border{{Type: "left", Color: "999999", Style: 1}, {Type: "right", Color: "999999", Style: 1},
		{Type: "top", Color: "999999", Style: 1}, {Type: "bottom", Color: "999999", Style: 1}}
	var (
		titleStyle = style(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
		headStyle  = style(&excelize.Style{Font: &excelize.Font{Bold: true}, Border: border, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
		textStyle = style(&excelize.Style{Border: border, NumFmt: 49, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
		numStyle  = style(&excelize.Style{Border: border, Alignment: &excelize.Alignment{Vertical: "top"}})
		redStyle  = style(&excelize.Style{Border: border, NumFmt: 49, Font: &excelize.Font{Color: "B71C1C", Bold: true}, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	)
	if styleErr != nil {
		return nil, styleErr
	}
	text := func(s string) excelize.Cell { return excelize.Cell{StyleID: textStyle, Value: s} }
	number := func(x float64) excelize.Cell { return excelize.Cell{StyleID: numStyle, Value: x} }
	sheet := func(name, title string, widths []float64, header []string, rows [][]any, first bool) error {
		if first {
			if err := f.SetSheetName(f.GetSheetName(0), name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return err
		}
		sw, err := f.NewStreamWriter(name)
		if err != nil {
			return err
		}
		for i, wd := range widths {
			if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
				return err
			}
		}
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}); err != nil {
			return err
		}
		if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: titleStyle, Value: title}}, excelize.RowOpts{Height: 28}); err != nil {
			return err
		}
		if err := sw.MergeCell("A1", portal.ColumnLetter(len(header)-1)+"1"); err != nil {
			return err
		}
		head := make([]any, len(header))
		for i, h := range header {
			head[i] = excelize.Cell{StyleID: headStyle, Value: h}
		}
		if err := sw.SetRow("A2", head, excelize.RowOpts{Height: 30}); err != nil {
			return err
		}
		for i, row := range rows {
			if err := sw.SetRow("A"+strconv.Itoa(i+3), row); err != nil {
				return err
			}
		}
		return sw.Flush()
	}
	sections := map[int64]string{}
	for _, sec := range d.Sections {
		sections[sec.ID] = sec.Title
	}
	var rows [][]any
	for _, rv := range reviews {
		t := rv.Task
		base := []any{number(float64(t.Number)), text(sections[t.SectionID]), text(t.Title), text(planPeopleText(lang, t.People)),
			text(planMonthsText(lang, t.Months))}
		status := text(tr("plantask.st." + string(rv.Status)))
		last := text("")
		if !rv.LastReport.IsZero() {
			last = text(rv.LastReport.Format("2006-01-02"))
		}
		issues := make([]string, len(rv.Issues))
		for i, k := range rv.Issues {
			issues[i] = tr(k)
		}
		issueCell := text(strings.Join(issues, tr("program.list_sep")))
		if len(issues) > 0 {
			issueCell = excelize.Cell{StyleID: redStyle, Value: strings.Join(issues, tr("program.list_sep"))}
		}
		if len(rv.Targets) == 0 {
			rows = append(rows, append(base, text(""), text(""), text(""), text(""), text(""), text(""), text(""), status, last, issueCell))
			continue
		}
		for _, st := range rv.Targets {
			x := st.Target
			var reached any = number(st.Pace.Reached)
			if !st.Pace.Reported {
				reached = text("")
			}
			rows = append(rows, append(append([]any(nil), base...), text(x.Label), text(tr("plancmp."+string(x.Comparator))), number(x.Value),
				text(x.Unit), reached, number(math.Round(st.Pace.Expected*100)/100), text(tr("planpace."+string(st.Pace.Status))), status, last, issueCell))
		}
	}
	header := []string{tr("plantask.number"), tr("plantask.section"), tr("plantask.title"), tr("plantask.people"), tr("plantask.months"), tr("plantarget.label"),
		tr("plantarget.cmp"), tr("plantarget.value"), tr("plantarget.unit"), tr("planpace.col_reached"), tr("planpace.col_expected"), tr("planpace.col_status"),
		tr("plantask.status"), tr("plan.last_report"), tr("plantask.issues")}
	widths := []float64{6, 22, 30, 24, 12, 22, 8, 10, 6, 10, 12, 10, 10, 12, 28}
	title := tr("plan.export_title", d.Title, d.Year)
	if err := sheet(tr("plan.export_sheet_tasks"), title, widths, header, rows, true); err != nil {
		return nil, err
	}
	rows = nil
	for _, it := range d.Schedule {
		ref := ""
		if n := planTaskNumber(d, it.TaskID); n != 0 {
			ref = strconv.Itoa(n)
		}
		rows = append(rows, []any{text(planMonthsText(lang, it.Months)), number(float64(it.Number)), text(it.Text), text(ref), text(it.Note)})
	}
	if err := sheet(tr("plan.export_sheet_schedule"), title, []float64{10, 6, 60, 10, 16},
		[]string{tr("plan.col_month"), tr("plan.line_number"), tr("plan.col_work"), tr("plan.col_task"), tr("plan.col_note")}, rows, false); err != nil {
		return nil, err
	}
	rows = nil
	for _, it := range d.Recurring {
		var rhythms []string
		for _, rh := range it.Rhythms {
			rhythms = append(rhythms, tr("plan.export_rhythm", rh.Label, tr("plancadence."+string(rh.Cadence)), len(portal.Occurrences(rh))))
		}
		rows = append(rows, []any{number(float64(it.Number)), text(it.Title), text(it.Text), text(strings.Join(rhythms, "\n"))})
	}
	if err := sheet(tr("plan.export_sheet_recurring"), title, []float64{6, 16, 60, 30},
		[]string{tr("plan.line_number"), tr("planrecur.title"), tr("planrecur.text"), tr("planrecur.rhythms")}, rows, false); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func planTaskNumber(d portal.PlanDetail, id int64) int {
	if t, ok := d.Task(id); ok {
		return t.Number
	}
	return 0
}

func planPeopleText(lang i18n.Lang, people []portal.TaskPerson) string {
	names := make([]string, len(people))
	for i, p := range people {
		names[i] = p.Name
	}
	return strings.Join(names, i18n.T(lang, "program.list_sep"))
}

// planMonthsText lists months briefly for the workbook: "3-12", "2, 7, 8".
func planMonthsText(lang i18n.Lang, months []int) string {
	var parts []string
	for i := 0; i < len(months); {
		j := i
		for j+1 < len(months) && months[j+1] == months[j]+1 {
			j++
		}
		if j == i {
			parts = append(parts, strconv.Itoa(months[i]))
		} else {
			parts = append(parts, strconv.Itoa(months[i])+"-"+strconv.Itoa(months[j]))
		}
		i = j + 1
	}
	return i18n.T(lang, "plan.export_months", strings.Join(parts, ", "))
}
