package web

import (
	"context"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/campusorg/portal/internal/i18n"
	"github.com/campusorg/portal/internal/portal"
	"github.com/campusorg/portal/internal/postgres"
)

// PlanIndexView is the list of work plans.
type PlanIndexView struct {
	Query     url.Values
	CanCreate bool
	Plans     []postgres.PlanSummary
	Next      int64
}

// PlanFormView is the form to create or edit a plan.
type PlanFormView struct {
	Form *Form
	Plan portal.Plan // ID 0 when new
	Orgs []Option    // for a new plan
}

// PlanView is a plan's page: its sections and tasks with their standing, the
// schedule and the year-round items, and, for managers, the forms to add to them.
type PlanView struct {
	Plan      portal.PlanDetail
	Reviews   []portal.TaskReview
	Now       time.Time
	CanManage bool
	// Forms of the manager's additions, and the refusal of a button action.
	ActionForm, SectionForm, ScheduleForm, RecurringForm *Form
	TaskOptions                                          []Option
}

// tasksIn returns the reviews of the tasks of a section, in number order.
func (v PlanView) tasksIn(sectionID int64) []portal.TaskReview {
	var out []portal.TaskReview
	for _, r := range v.Reviews {
		if r.Task.SectionID == sectionID {
			out = append(out, r)
		}
	}
	return out
}

// counts returns how many tasks are behind and how many are done.
func (v PlanView) counts() (behind, done int) {
	for _, r := range v.Reviews {
		if r.Behind() {
			behind++
		}
		if r.Status == portal.TaskDone {
			done++
		}
	}
	return behind, done
}

// TaskFormView is the form to create or edit a task.
type TaskFormView struct {
	Form     *Form
	Plan     portal.PlanDetail
	Task     portal.PlanTask // ID 0 when new
	Sections []Option
	People   []Option
	Rows     int // target rows shown
}

// TaskView is a task's page: its targets with their pace, the progress form for
// whoever may report, and the history of reports.
type TaskView struct {
	Plan      portal.PlanDetail
	Review    portal.TaskReview
	Reports   []portal.ProgressReport
	Schedule  []portal.ScheduleItem
	Recurring []portal.RecurringItem
	CanReport bool
	CanManage bool
	Form      *Form // the progress form
	Now       time.Time
}

// PlanPrintView is a plan as the document prints it.
type PlanPrintView struct {
	Plan portal.PlanDetail
}

// SupervisionView is the supervision (督查) of a plan: the tasks behind schedule or
// below target pace, by section and by person.
type SupervisionView struct {
	Plan      portal.PlanDetail
	Reviews   []portal.TaskReview
	BySection []portal.SupervisionGroup
	ByPerson  []portal.SupervisionGroup
	Person    int64 // filter: one person's tasks, 0 for all
	Section   int64 // filter: one section's tasks, 0 for all
	Now       time.Time
}

// behind returns the tasks behind, narrowed by the filters.
func (v SupervisionView) behind() []portal.TaskReview {
	var out []portal.TaskReview
	for _, r := range v.Reviews {
		if !r.Behind() || v.Person != 0 && !r.Task.Responsible(v.Person) || v.Section != 0 && r.Task.SectionID != v.Section {
			continue
		}
		out = append(out, r)
	}
	return out
}

// PlanMonthView is a month's work of a plan, person by person.
type PlanMonthView struct {
	Plan  portal.PlanDetail
	Month int
	Work  []portal.PersonMonth
	Now   time.Time
}

// MyMonthView is the signed-in person's work this month across the plans she has tasks in.
type MyMonthView struct {
	Month int
	Plans []MyPlanMonth
	Now   time.Time
}

// MyPlanMonth is one plan's part of a person's month.
type MyPlanMonth struct {
	Plan    portal.PlanDetail
	Work    portal.PersonMonth
	Reviews []portal.TaskReview
}

func planURL(id int64) string { return "/plans/" + itoa(id) }

func planTaskURL(planID, taskID int64) string { return planURL(planID) + "/tasks/" + itoa(taskID) }

// planSubtitle is the line under a plan's title: organization, year, status.
func planSubtitle(ctx context.Context, p portal.Plan) string {
	return t(ctx, "plan.subtitle", p.OrgName, p.Year, t(ctx, "plan.st."+string(p.Status)))
}

// planBadge returns the badge class of a plan status.
func planBadge(s portal.PlanStatus) string {
	switch s {
	case portal.PlanActive:
		return "badge badge-ok"
	case portal.PlanDraft:
		return "badge badge-warn"
	}
	return "badge badge-muted"
}

// planTaskBadge returns the badge class of a task status.
func planTaskBadge(s portal.TaskStatus) string {
	switch s {
	case portal.TaskDone:
		return "badge badge-ok"
	case portal.TaskStalled:
		return "badge badge-danger"
	case portal.TaskInProgress:
		return "badge badge-warn"
	}
	return "badge badge-muted"
}

// planPaceBadge returns the badge class of a pace status.
func planPaceBadge(s portal.PaceStatus) string {
	switch {
	case s.Problem():
		return "badge badge-danger"
	case s == portal.PaceMet || s == portal.PaceOnTrack:
		return "badge badge-ok"
	}
	return "badge badge-muted"
}

// planFig formats a figure: whole numbers with thousands separators, others with
// up to two decimals.
func planFig(x float64) string {
	x = math.Round(x*100) / 100
	if x == math.Trunc(x) && math.Abs(x) < 1e15 {
		return i18n.Int(int64(x))
	}
	return strconv.FormatFloat(x, 'f', -1, 64)
}

// planLedgerText writes a ledger-fed target's share of the ledger ("台账12条，计12次"),
// shown beside the reported figures so that nobody counts an entry by hand again;
// "" for a target the ledger does not feed.
func planLedgerText(ctx context.Context, d portal.PlanDetail, x portal.Target) string {
	l, ok := d.Ledger[x.Metric]
	if !ok {
		return ""
	}
	return t(ctx, "planpace.ledger", l.Verified, planFig(l.Value), x.Unit)
}

// planLedgerPending writes how many of a ledger-fed target's entries wait for
// verification, "" when none does.
func planLedgerPending(ctx context.Context, d portal.PlanDetail, x portal.Target) string {
	if l := d.Ledger[x.Metric]; l.Pending > 0 {
		return t(ctx, "planpace.ledger_pending", l.Pending)
	}
	return ""
}

// planLedgerHelp is the progress form's note under a ledger-fed target's value:
// what the ledger holds, to be included in the total reported.
func planLedgerHelp(ctx context.Context, d portal.PlanDetail, x portal.Target) string {
	l, ok := d.Ledger[x.Metric]
	if !ok {
		return t(ctx, "planprogress.value_help")
	}
	return t(ctx, "planprogress.value_help") + " " + t(ctx, "planprogress.ledger_help", l.Verified, planFig(l.Value), x.Unit)
}

// planHasLedger reports whether any target of the plan is fed by the ledger.
func planHasLedger(d portal.PlanDetail) bool { return len(d.Ledger) > 0 }

// planTargetText writes a target as the plan does: "全年发布内容不少于200个".
func planTargetText(ctx context.Context, x portal.Target) string {
	return t(ctx, "plantarget.text", x.Label, t(ctx, "plancmp."+string(x.Comparator)), planFig(x.Value), x.Unit)
}

// planMonthName names a month: "3月", "March".
func planMonthName(ctx context.Context, m int) string { return t(ctx, "planmonth."+strconv.Itoa(m)) }

// planMonthsLabel names a set of months as the schedule does: runs of consecutive
// months as spans ("7-8月", "3-12月"), runs joined by the list separator.
func planMonthsLabel(ctx context.Context, months []int) string {
	if len(months) == 12 {
		return t(ctx, "plan.all_year")
	}
	var parts []string
	for i := 0; i < len(months); {
		j := i
		for j+1 < len(months) && months[j+1] == months[j]+1 {
			j++
		}
		if j == i {
			parts = append(parts, planMonthName(ctx, months[i]))
		} else {
			parts = append(parts, t(ctx, "plan.month_span", planMonthName(ctx, months[i]), planMonthName(ctx, months[j]), months[i], months[j]))
		}
		i = j + 1
	}
	return strings.Join(parts, t(ctx, "program.list_sep"))
}

// planPeopleNames lists a task's responsible people.
func planPeopleNames(ctx context.Context, people []portal.TaskPerson) string {
	names := make([]string, len(people))
	for i, p := range people {
		names[i] = p.Name
	}
	return strings.Join(names, t(ctx, "program.list_sep"))
}

// planTaskNo returns the number of the task with id, 0 when none.
func planTaskNo(d portal.PlanDetail, id int64) int {
	if t, ok := d.Task(id); ok {
		return t.Number
	}
	return 0
}

// TaskStatusOptions are the task statuses as options.
func TaskStatusOptions(ctx context.Context) []Option {
	out := make([]Option, len(portal.TaskStatuses))
	for i, s := range portal.TaskStatuses {
		out[i] = Option{string(s), t(ctx, "plantask.st."+string(s))}
	}
	return out
}

// ComparatorOptions are the comparators as options.
func ComparatorOptions(ctx context.Context) []Option {
	out := make([]Option, len(portal.Comparators))
	for i, c := range portal.Comparators {
		out[i] = Option{string(c), t(ctx, "plancmp."+string(c))}
	}
	return out
}

// CadenceOptions are the cadences as options.
func CadenceOptions(ctx context.Context) []Option {
	out := make([]Option, len(portal.Cadences))
	for i, c := range portal.Cadences {
		out[i] = Option{string(c), t(ctx, "plancadence."+string(c))}
	}
	return out
}

// planRhythmText describes a rhythm with its occurrences in the year: "督学“青年大学习” ·
// 每周一次 · 自3月2日起 · 全年43次".
func planRhythmText(ctx context.Context, r portal.Rhythm) string {
	return t(ctx, "planrecur.rhythm", r.Label, t(ctx, "plancadence."+string(r.Cadence)), dateStr(ctx, r.From), len(portal.Occurrences(r)))
}

// planNextOccurrence returns the rhythm's first occurrence on or after the day now, zero when none is left.
func planNextOccurrence(r portal.Rhythm, now time.Time) time.Time {
	y, m, d := now.In(i18n.Zone).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	for _, o := range portal.Occurrences(r) {
		if !o.Before(today) {
			return o
		}
	}
	return time.Time{}
}

// planDayList lists days briefly: "3日、10日、17日" / "3, 10, 17".
func planDayList(ctx context.Context, days []time.Time) string {
	parts := make([]string, len(days))
	for i, d := range days {
		parts[i] = t(ctx, "plan.day", d.Day())
	}
	return strings.Join(parts, t(ctx, "program.list_sep"))
}

// planProgressBar is the geometry of a target's progress bar: the share reached and
// the share expected by now, both out of 100 and capped there.
type planProgressBar struct {
	Reached, Expected float64
}

func planBarOf(p portal.Pace, x portal.Target) planProgressBar {
	if x.Value <= 0 {
		return planProgressBar{}
	}
	clamp := func(f float64) float64 { return math.Max(0, math.Min(100, f)) }
	return planProgressBar{Reached: clamp(p.Reached / x.Value * 100), Expected: clamp(p.Expected / x.Value * 100)}
}

func planSVGNum(f float64) string { return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64) }

// planBarRow is one row of a horizontal bar chart.
type planBarRow struct {
	Y           int
	Label       string
	TotalW      float64 // the whole bar, in chart units
	PartW       float64 // the highlighted part
	Total, Part int
}

// planChartRows lays out supervision groups as bars of their tasks (total) and those
// behind (part), on a chart width units wide.
func planChartRows(groups []portal.SupervisionGroup, width float64) []planBarRow {
	most := 1
	for _, g := range groups {
		most = max(most, g.Total)
	}
	out := make([]planBarRow, len(groups))
	for i, g := range groups {
		out[i] = planBarRow{Y: i * 28, Label: g.Name, Total: g.Total, Part: len(g.Behind),
			TotalW: float64(g.Total) / float64(most) * width, PartW: float64(len(g.Behind)) / float64(most) * width}
	}
	return out
}

// planChartHeight is the height of a bar chart of n rows.
func planChartHeight(n int) string { return strconv.Itoa(n*28 + 8) }

// issueKeys joins a review's issues as text.
func planIssueText(ctx context.Context, r portal.TaskReview) string {
	parts := make([]string, len(r.Issues))
	for i, k := range r.Issues {
		parts[i] = t(ctx, k)
	}
	return strings.Join(parts, t(ctx, "program.list_sep"))
}

// planReportValue formats a report's value for a target, "—" when the report gives none.
func planReportValue(r portal.ProgressReport, x portal.Target) string {
	v, ok := r.Values[x.ID]
	if !ok {
		return "—"
	}
	return planFig(v) + " " + x.Unit
}

// planMonthURL links to month m of a month view.
func planMonthURL(base string, m int) string { return base + "?m=" + strconv.Itoa(m) }
