package web

import (
	"context"
	"fmt"
	"math"
	"net/url"
	"sort"
	"strconv"
	"time"

	"github.com/campusorg/portal/internal/portal"
	"github.com/campusorg/portal/internal/postgres"
)

// ProjectListView lists the projects a person may read.
type ProjectListView struct {
	Rows     []postgres.ProjectRow
	Programs []Option
	Query    url.Values
	Today    time.Time
}

// ProjectPageView is a project's page with its forms.
type ProjectPageView struct {
	D postgres.ProjectDetail
	// One form per section, so that an error re-renders beside its own form.
	MilestoneForm, NewMilestoneForm, SupervisionForm, OutcomeForm, CaseForm, PaymentForm, ExpenseForm *Form
	// FormMilestone is the milestone whose form MilestoneForm holds (0: none).
	FormMilestone int64
}

// ProjectReportView is the report form of a stage.
type ProjectReportView struct {
	R    postgres.ReportForm
	Form *Form
}

// ProjectRulesView is the form of a program's project rules and checklist.
type ProjectRulesView struct {
	Program   portal.ProgramDetail
	Form      *Form
	Items     int // rows of the checklist table
	CanManage bool
}

// CasesPageView lists cases and the commended projects.
type CasesPageView struct {
	V postgres.CasesView
}

// OrgProfileView is an organization's profile.
type OrgProfileView struct {
	P postgres.OrgProfile
}

func projectURL(id int64) string { return "/projects/" + itoa(id) }

func milestoneURL(id int64) string { return "/milestones/" + itoa(id) }

func entryURL(id int64) string { return "/ledger/" + itoa(id) }

func evidenceURL(id int64) string { return "/evidence/" + itoa(id) }

func reportURL(projectID int64, s portal.Stage) string {
	return projectURL(projectID) + "/reports/" + string(s)
}

// projStatusBadge returns the badge class of a project status.
func projStatusBadge(s portal.ProjectStatus) string {
	switch s {
	case portal.ProjectExcellent, portal.ProjectPassed:
		return "badge badge-ok"
	case portal.ProjectRectify:
		return "badge badge-warn"
	case portal.ProjectFailed:
		return "badge badge-danger"
	}
	return "badge badge-muted"
}

// milestoneBadge returns the badge class of a milestone's state.
func milestoneBadge(s portal.MilestoneStatus) string {
	switch s {
	case portal.MilestoneDone:
		return "badge badge-ok"
	case portal.MilestoneOverdue:
		return "badge badge-danger"
	case portal.MilestoneInProgress:
		return "badge badge-warn"
	}
	return "badge badge-muted"
}

// entryBadge returns the badge class of a ledger entry's status.
func entryBadge(e portal.LedgerEntry) string {
	switch {
	case !e.Current():
		return "badge badge-muted"
	case e.Status == portal.EntryVerified:
		return "badge badge-ok"
	case e.Status == portal.EntryReturned:
		return "badge badge-danger"
	}
	return "badge badge-warn"
}

// entryStatusKey names an entry's status, an old revision as replaced.
func entryStatusKey(e portal.LedgerEntry) string {
	if !e.Current() {
		return "ledger.st.replaced"
	}
	return "ledger.st." + string(e.Status)
}

// complianceClass returns the heat-map class of a month: deeper red for a broken
// rule, lighter for months kept, the lightest for months not yet judged.
func complianceClass(c portal.MonthCompliance) string {
	switch c.State {
	case portal.ComplianceMissed:
		return "h3"
	case portal.ComplianceOK:
		return "h1"
	case portal.ComplianceOpen:
		return "h0"
	case portal.ComplianceNone:
		if c.Entries > 0 {
			return "h1"
		}
		return "h0"
	}
	return ""
}

// complianceMark is the short text of a heat-map cell: the entries of the month and
// a mark for the month's verdict.
func complianceMark(c portal.MonthCompliance) string {
	switch c.State {
	case portal.ComplianceMissed:
		return "✗ " + strconv.Itoa(c.Entries)
	case portal.ComplianceOK:
		return "✓ " + strconv.Itoa(c.Entries)
	case portal.ComplianceOpen, portal.ComplianceNone:
		return strconv.Itoa(c.Entries)
	}
	return ""
}

// complianceTitle explains a cell in words (its tooltip).
func complianceTitle(ctx context.Context, c portal.MonthCompliance) string {
	if c.State == "" {
		return ""
	}
	s := t(ctx, "compliance.title", c.Month.String(), t(ctx, "compliance."+string(c.State)), c.Entries, c.Showcases, c.ShowcaseNeed, c.LongestGap)
	return s
}

// monthLabel writes a month as 2024-04 (or 4月 when short).
func monthLabel(m portal.Month, short bool) string {
	if short {
		return fmt.Sprintf("%d/%02d", m.Year%100, int(m.Month))
	}
	return m.String()
}

// missingItems returns what a project lacks as catalogue messages with arguments.
func missingItems(ctx context.Context, m portal.Missing) []string {
	var out []string
	if m.Overdue > 0 {
		out = append(out, t(ctx, "missing.overdue", m.Overdue))
	}
	if m.MissedMonths > 0 {
		out = append(out, t(ctx, "missing.months", m.MissedMonths))
	}
	if m.GapTooLong {
		out = append(out, t(ctx, "missing.gap", m.DaysSinceEntry))
	}
	if m.Returned > 0 {
		out = append(out, t(ctx, "missing.returned", m.Returned))
	}
	if m.NoEvidence > 0 {
		out = append(out, t(ctx, "missing.no_evidence", m.NoEvidence))
	}
	if m.ReportDue != "" {
		out = append(out, t(ctx, "missing.report."+string(m.ReportDue)))
	}
	return out
}

// milestoneEvidence returns the evidence of one milestone.
func milestoneEvidence(all []postgres.Evidence, id int64) []postgres.Evidence {
	var out []postgres.Evidence
	for _, e := range all {
		if e.MilestoneID == id {
			out = append(out, e)
		}
	}
	return out
}

// stageList is the report stages in order.
var stageList = []portal.Stage{portal.StageMidterm, portal.StageFinal}

// outcomeOptions returns the outcomes a manager may record directly as options
// "stage:outcome": those of each stage whose report is in no review round of the
// stage (portal.CheckDirectOutcome; the round records those).
func outcomeOptions(ctx context.Context, d postgres.ProjectDetail) []Option {
	var out []Option
	for _, s := range directStages(d) {
		for _, o := range portal.StageOutcomes(s) {
			out = append(out, Option{string(s) + ":" + string(o), t(ctx, "stage."+string(s)) + " · " + t(ctx, "outcome."+string(o))})
		}
	}
	return out
}

// directStages returns the report stages at which the project page may record an
// outcome: those with no review round of the stage holding the project's report.
func directStages(d postgres.ProjectDetail) []portal.Stage {
	var roundStages []portal.Stage
	for _, r := range d.Rounds {
		roundStages = append(roundStages, r.Stage)
	}
	var out []portal.Stage
	for _, s := range stageList {
		if portal.CheckDirectOutcome(s, roundStages) == nil {
			out = append(out, s)
		}
	}
	return out
}

// milestoneStatusOptions returns the statuses a person may set.
func milestoneStatusOptions(ctx context.Context) []Option {
	var out []Option
	for _, s := range portal.MilestoneStatuses {
		out = append(out, Option{string(s), t(ctx, "milestone.st."+string(s))})
	}
	return out
}

// EntryKindOptions returns the ledger entry kinds as options.
func EntryKindOptions(ctx context.Context) []Option {
	var out []Option
	for _, k := range portal.EntryKinds {
		out = append(out, Option{string(k), t(ctx, "ledger.kind."+string(k))})
	}
	return out
}

// milestoneOptions returns a project's milestones as options, open ones first.
func milestoneOptions(ms []portal.Milestone) []Option {
	var open, done []Option
	for _, m := range ms {
		o := Option{itoa(m.ID), m.Title}
		if m.Status == portal.MilestoneDone {
			done = append(done, o)
		} else {
			open = append(open, o)
		}
	}
	return append(open, done...)
}

// budgetOptions returns the budget lines as options.
func budgetOptions(uses []portal.BudgetUse) []Option {
	var out []Option
	for _, u := range uses {
		if u.Planned > 0 {
			out = append(out, Option{u.Item, u.Item})
		}
	}
	return out
}

// remaining returns the award not yet paid.
func remaining(d postgres.ProjectDetail) int64 {
	if r := d.Project.GrantCents() - d.Paid; r > 0 {
		return r
	}
	return 0
}

// eventText writes one history line's change in short.
func eventText(ctx context.Context, e postgres.ProjectEvent) string {
	var parts []string
	keys := make([]string, 0, len(e.After))
	for k := range e.After {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		after := fmt.Sprint(e.After[k])
		before, had := e.Before[k]
		if had && fmt.Sprint(before) == after {
			continue
		}
		had = had && fmt.Sprint(before) != ""
		label := t(ctx, "event.field."+k)
		if had {
			parts = append(parts, label+": "+valueText(ctx, k, fmt.Sprint(before))+" → "+valueText(ctx, k, after))
		} else {
			parts = append(parts, label+": "+valueText(ctx, k, after))
		}
	}
	out := ""
	for i, p := range parts {
		if i > 0 {
			out += "；"
		}
		out += p
	}
	return out
}

// valueText translates the coded values of history lines.
func valueText(ctx context.Context, key, v string) string {
	switch key {
	case "status":
		for _, s := range portal.MilestoneStatuses {
			if string(s) == v {
				return t(ctx, "milestone.st."+v)
			}
		}
		for _, s := range portal.ProjectStatuses {
			if string(s) == v {
				return t(ctx, "project.st."+v)
			}
		}
	case "outcome":
		return t(ctx, "outcome."+v)
	case "stage":
		return t(ctx, "stage."+v)
	}
	return v
}

// yuanText writes whole yuan with separators.
func yuanText(y int64) string { return portal.FormatYuan(y * 100) }

// ----- SVG charts, drawn by the server -----

// projBar is one bar of a chart.
type projBar struct {
	X, Y, W, H float64
	Label      string
	Value      string
	Alt        bool
}

// svgNum writes a coordinate with at most one decimal.
func svgNum(f float64) string { return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64) }

// statusBars lays out the projects by status as horizontal bars.
func statusBars(ctx context.Context, by map[portal.ProjectStatus]int, width float64) []projBar {
	most := 1
	for _, n := range by {
		if n > most {
			most = n
		}
	}
	var out []projBar
	for i, s := range portal.ProjectStatuses {
		n := by[s]
		out = append(out, projBar{X: 100, Y: float64(i * 28), W: float64(n) / float64(most) * width, H: 18,
			Label: t(ctx, "project.st."+string(s)), Value: strconv.Itoa(n), Alt: s != portal.ProjectRunning && s != portal.ProjectRectify})
	}
	return out
}

// activityBars lays out the entries per month as columns (verified in the main
// colour, the rest beside it), for a chart height units high.
func activityBars(acts []postgres.MonthActivity, height float64) (bars []projBar, width float64) {
	most := 1
	for _, a := range acts {
		if a.Entries > most {
			most = a.Entries
		}
	}
	step := 36.0
	for i, a := range acts {
		x := 30 + float64(i)*step
		h := float64(a.Entries) / float64(most) * height
		v := float64(a.Verified) / float64(most) * height
		bars = append(bars, projBar{X: x, Y: 10 + height - h, W: 24, H: h, Label: monthLabel(a.Month, true), Value: strconv.Itoa(a.Entries), Alt: true})
		bars = append(bars, projBar{X: x, Y: 10 + height - v, W: 24, H: v})
	}
	return bars, 30 + float64(len(acts))*step + 10
}

// orDash returns s, or a dash when it is empty.
func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// formOr returns f, or an empty form.
func formOr(f *Form) *Form {
	if f == nil {
		return NewForm(nil)
	}
	return f
}

// rulesText says the program's cadence in a sentence.
func rulesText(ctx context.Context, r portal.ProjectRules) string {
	var parts []string
	if r.ShowcasePerMonth > 0 {
		parts = append(parts, t(ctx, "rules.says_showcase", r.ShowcasePerMonth))
	}
	if r.LedgerEveryDays > 0 {
		parts = append(parts, t(ctx, "rules.says_ledger", r.LedgerEveryDays))
	}
	if len(parts) == 0 {
		return t(ctx, "rules.says_none")
	}
	out := parts[0]
	for _, p := range parts[1:] {
		out += t(ctx, "rules.and") + p
	}
	return out
}

// milestoneFormValues returns the form of one milestone: the one sent back with
// errors, else its current values.
func milestoneFormValues(v ProjectPageView, m portal.Milestone) *Form {
	if v.FormMilestone == m.ID && v.MilestoneForm != nil {
		return v.MilestoneForm
	}
	f := NewForm(nil)
	f.Set("status", string(m.Status))
	if !m.CompletedOn.IsZero() {
		f.Set("completed_on", m.CompletedOn.Format("2006-01-02"))
	} else if m.Status != portal.MilestoneDone {
		f.Set("completed_on", v.D.Today.Format("2006-01-02"))
	}
	f.Set("note", m.Note)
	f.Set("title", m.Title)
	f.Set("due_on", m.Due.Format("2006-01-02"))
	return f
}

// caseFormValues returns the case form: sent back, the case marked, or empty.
func caseFormValues(v ProjectPageView) *Form {
	if v.CaseForm != nil {
		return v.CaseForm
	}
	f := NewForm(nil)
	if v.D.Case != nil {
		f.Set("case_title", v.D.Case.Title)
		f.Set("case_summary", v.D.Case.Summary)
	}
	return f
}

// supervisionKindOptions returns the kinds of supervision record.
func supervisionKindOptions(ctx context.Context) []Option {
	return []Option{{string(portal.SupervisionDaily), t(ctx, "supervision.kind.daily")}, {string(portal.SupervisionPhase), t(ctx, "supervision.kind.phase")}}
}

// supervisionResultOptions returns the results of a phase material review.
func supervisionResultOptions(ctx context.Context) []Option {
	return []Option{{"pass", t(ctx, "supervision.result.pass")}, {"needs_work", t(ctx, "supervision.result.needs_work")}}
}

// supervisionBadge returns the badge class of a review's result.
func supervisionBadge(result string) string {
	if result == "pass" {
		return "badge badge-ok"
	}
	return "badge badge-warn"
}

// outcomeBadgeOf returns the badge class of an outcome.
func outcomeBadgeOf(o portal.Outcome) string {
	switch o {
	case portal.OutcomeExcellent, portal.OutcomePass:
		return "badge badge-ok"
	case portal.OutcomeRectify:
		return "badge badge-warn"
	}
	return "badge badge-danger"
}

// subjectText names what a history line is about: a stage for reports and outcomes,
// else the milestone or case as written.
func subjectText(ctx context.Context, e postgres.ProjectEvent) string {
	if e.Event == "report.submit" || e.Event == "project.outcome" {
		return t(ctx, "stage."+e.Subject)
	}
	return e.Subject
}

// reportStages returns the stages a project's page lists: the final one always, the
// mid-term one where the program has a mid-term phase or a report of it exists.
func reportStages(d postgres.ProjectDetail) []portal.Stage {
	_, mid := d.Program.Phase(portal.PhaseMidterm)
	if _, ok := d.Reports[portal.StageMidterm]; mid || ok {
		return stageList
	}
	return []portal.Stage{portal.StageFinal}
}
