package portal

import (
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ProjectStatus is where an approved project stands: running until its final
// acceptance, then passed, excellent or failed; rectify while it must put things
// right by a date (限期整改).
type ProjectStatus string

// The project statuses.
const (
	ProjectRunning   ProjectStatus = "running"
	ProjectPassed    ProjectStatus = "passed"
	ProjectExcellent ProjectStatus = "excellent"
	ProjectRectify   ProjectStatus = "rectify"
	ProjectFailed    ProjectStatus = "failed"
)

// ProjectStatuses lists the statuses in display order.
var ProjectStatuses = []ProjectStatus{ProjectRunning, ProjectRectify, ProjectPassed, ProjectExcellent, ProjectFailed}

// Open reports whether work on the project goes on: ledger entries, milestones and
// reports may still be written.
func (s ProjectStatus) Open() bool { return s == ProjectRunning || s == ProjectRectify }

// Completed reports whether the project passed its final acceptance.
func (s ProjectStatus) Completed() bool { return s == ProjectPassed || s == ProjectExcellent }

// ProjectScope is where a project sits, for the policy: its organization and the
// owner of its program.
type ProjectScope struct {
	OrgPath   string
	OwnerPath string
}

// Project is an approved application running: the awarded grant, the cycle, the
// people responsible and, once decided, the outcome of its acceptance.
type Project struct {
	ID             int64
	ApplicationID  int64
	ProgramID      int64
	ProgramTitle   string
	ProgramKind    ProgramKind
	ProgramYear    int
	ProgramBatch   string
	OwnerPath      string
	BanMonths      int
	TrackID        int64
	TrackName      string
	OrgID          int64
	OrgPath        string
	OrgName        string
	CollegeName    string
	Title          string
	GrantYuan      int64
	Starts, Ends   time.Time // calendar days, both included
	Status         ProjectStatus
	AutoRecognised bool
	SecretaryID    int64
	SecretaryName  string
	CounselorID    int64
	CounselorName  string
	OutcomeNote    string
	RectifyBy      time.Time
	DecidedAt      time.Time
	HasCase        bool
	Version        int
}

// Scope returns where the project sits.
func (p Project) Scope() ProjectScope {
	return ProjectScope{OrgPath: p.OrgPath, OwnerPath: p.OwnerPath}
}

// GrantCents returns the award in fen.
func (p Project) GrantCents() int64 { return p.GrantYuan * 100 }

// InCycle reports whether the calendar day lies within the project's cycle.
func (p Project) InCycle(day time.Time) bool {
	d := calendarDay(day)
	return !d.Before(calendarDay(p.Starts)) && !d.After(calendarDay(p.Ends))
}

// Day returns the calendar day of the instant t in loc, as midnight UTC: the form in
// which the portal compares days (dates read from the database are already so).
func Day(t time.Time, loc *time.Location) time.Time { return calendarDay(t.In(loc)) }

// DateOf returns the calendar day of a date value whatever its location.
func DateOf(t time.Time) time.Time { return calendarDay(t) }

// daysBetween returns b − a in whole calendar days.
func daysBetween(a, b time.Time) int {
	return int(calendarDay(b).Sub(calendarDay(a)).Hours() / 24)
}

// MonthEnd returns the last day of t's month.
func MonthEnd(t time.Time) time.Time {
	y, m, _ := t.Date()
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC)
}

// Limits of the project's records.
const (
	MaxChecklistItems = 30
	MaxChecklistTitle = 100
	MaxMilestoneTitle = 200
	MaxNote           = 2000
	MaxMilestones     = 100
)

// MilestoneStatus is what the people responsible say of a milestone; Overdue is
// worked out from the due date.
type MilestoneStatus string

// The milestone statuses.
const (
	MilestoneNotStarted MilestoneStatus = "not_started"
	MilestoneInProgress MilestoneStatus = "in_progress"
	MilestoneDone       MilestoneStatus = "done"
	// MilestoneOverdue is shown, never stored: past due and not done.
	MilestoneOverdue MilestoneStatus = "overdue"
)

// MilestoneStatuses lists the statuses a person may set.
var MilestoneStatuses = []MilestoneStatus{MilestoneNotStarted, MilestoneInProgress, MilestoneDone}

// Valid reports whether s may be stored.
func (s MilestoneStatus) Valid() bool {
	return s == MilestoneNotStarted || s == MilestoneInProgress || s == MilestoneDone
}

// MilestoneSource says where a milestone came from.
type MilestoneSource string

// The milestone sources.
const (
	SourceChecklist MilestoneSource = "checklist" // the program's checklist (十个一)
	SourcePlan      MilestoneSource = "plan"      // a dated step of the application's plan
	SourceManual    MilestoneSource = "manual"    // added by the manager
)

// Milestone is a dated item of a project's work.
type Milestone struct {
	ID               int64
	ProjectID        int64
	Source           MilestoneSource
	Position         int
	Title            string
	Due              time.Time
	Status           MilestoneStatus
	CompletedOn      time.Time
	Note             string
	EvidenceRequired bool
	Evidence         int // evidence items attached
	Version          int
}

// Overdue reports whether the milestone is past due on day today and not done.
func (m Milestone) Overdue(today time.Time) bool {
	return m.Status != MilestoneDone && calendarDay(today).After(calendarDay(m.Due))
}

// DaysOverdue returns how many days past due the open milestone is on today (0 when
// it is not overdue).
func (m Milestone) DaysOverdue(today time.Time) int {
	if !m.Overdue(today) {
		return 0
	}
	return daysBetween(m.Due, today)
}

// State returns the status to show on day today: overdue for an open milestone past
// its due date, else the stored status.
func (m Milestone) State(today time.Time) MilestoneStatus {
	if m.Overdue(today) {
		return MilestoneOverdue
	}
	return m.Status
}

// ChecklistItem is one item of a program's checklist template: it becomes a
// milestone of every project, due at the end of month DueMonth of the cycle.
type ChecklistItem struct {
	ID               int64
	Title            string
	DueMonth         int
	EvidenceRequired bool
}

// ChecklistDue returns the due day of an item of month n (from 1) for a cycle
// starting on start: the last day of the cycle's n-th month, never after end.
func ChecklistDue(start, end time.Time, n int) time.Time {
	if n < 1 {
		n = 1
	}
	s := calendarDay(start)
	first := time.Date(s.Year(), s.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, n-1, 0)
	due := MonthEnd(first)
	if e := calendarDay(end); due.After(e) {
		due = e
	}
	return due
}

// BuildMilestones returns the milestones a project gets at approval: one per
// checklist item, then one per dated step of the application's plan that falls
// within the cycle (steps before the start were done before approval), ordered by
// due date, checklist first on the same day.
func BuildMilestones(start, end time.Time, items []ChecklistItem, steps []PlanStep) []Milestone {
	var out []Milestone
	for _, it := range items {
		out = append(out, Milestone{Source: SourceChecklist, Title: it.Title, Due: ChecklistDue(start, end, it.DueMonth),
			Status: MilestoneNotStarted, EvidenceRequired: it.EvidenceRequired})
	}
	s, e := calendarDay(start), calendarDay(end)
	for _, st := range steps {
		on, err := time.Parse("2006-01-02", strings.TrimSpace(st.On))
		what := strings.TrimSpace(st.What)
		if err != nil || what == "" || on.Before(s) || on.After(e) {
			continue
		}
		if utf8.RuneCountInString(what) > MaxMilestoneTitle {
			what = string([]rune(what)[:MaxMilestoneTitle])
		}
		out = append(out, Milestone{Source: SourcePlan, Title: what, Due: on, Status: MilestoneNotStarted})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Due.Before(out[j].Due) })
	if len(out) > MaxMilestones {
		out = out[:MaxMilestones]
	}
	for i := range out {
		out[i].Position = i + 1
	}
	return out
}

// MilestoneUpdate is what the people responsible (status, completion day, note) and
// the manager (also title and due date) change on a milestone.
type MilestoneUpdate struct {
	Status      MilestoneStatus
	CompletedOn time.Time
	Note        string
	// Set only by the manager; zero values keep what is there.
	Title string
	Due   time.Time
}

// Validate checks the update against the project and the milestone on day today:
// a done milestone needs its completion day, not in the future and not before the
// cycle began, and evidence when the milestone requires it (evidence counts what is
// attached, with what comes with the update). Other statuses carry no completion
// day. A new due date must lie within the cycle.
func (u *MilestoneUpdate) Validate(p Project, m Milestone, today time.Time, evidence int) error {
	var v Invalid
	u.Note = strings.TrimSpace(u.Note)
	u.Title = strings.TrimSpace(u.Title)
	if !u.Status.Valid() {
		v.Add("status", "form.choose")
	}
	if u.Status == MilestoneDone {
		switch {
		case u.CompletedOn.IsZero():
			v.Add("completed_on", "form.required")
		case calendarDay(u.CompletedOn).After(calendarDay(today)):
			v.Add("completed_on", "milestone.completed_future")
		case calendarDay(u.CompletedOn).Before(calendarDay(p.Starts)):
			v.Add("completed_on", "milestone.completed_before_start")
		}
		if m.EvidenceRequired && evidence == 0 {
			v.Add("evidence", "milestone.evidence_required")
		}
	} else {
		u.CompletedOn = time.Time{}
	}
	if utf8.RuneCountInString(u.Note) > MaxNote {
		v.Add("note", "form.too_long")
	}
	if utf8.RuneCountInString(u.Title) > MaxMilestoneTitle {
		v.Add("title", "form.too_long")
	}
	if !u.Due.IsZero() && !p.InCycle(u.Due) {
		v.Add("due_on", "milestone.due_outside_cycle")
	}
	return v.Err()
}

// NewMilestoneInput is a milestone the manager adds to a running project.
type NewMilestoneInput struct {
	Title            string
	Due              time.Time
	EvidenceRequired bool
}

// Validate checks the new milestone: a title and a due day within the cycle.
func (in *NewMilestoneInput) Validate(p Project) error {
	var v Invalid
	in.Title = strings.TrimSpace(in.Title)
	switch {
	case in.Title == "":
		v.Add("title", "form.required")
	case utf8.RuneCountInString(in.Title) > MaxMilestoneTitle:
		v.Add("title", "form.too_long")
	}
	switch {
	case in.Due.IsZero():
		v.Add("due_on", "form.required")
	case !p.InCycle(in.Due):
		v.Add("due_on", "milestone.due_outside_cycle")
	}
	return v.Err()
}

// ProjectRules are how a program's projects are run: the cadence of the ledger and
// of showcases, whether ledger entries need evidence, whether grants wait for
// completion, whether late reports are accepted, when reminders go out, and the
// checklist template.
type ProjectRules struct {
	ShowcasePerMonth   int  // progress showcases (动态展示) required a month; 0: none
	LedgerEveryDays    int  // the ledger must be updated at least every N days; 0: no rule
	EvidenceRequired   bool // every ledger entry carries evidence
	PayAfterCompletion bool // grants are paid once the project passed acceptance (一团一品)
	LateReports        bool // reports after the deadline are accepted, marked late
	RemindDays         int  // deadlines within this many days are announced
	EscalateDays       int  // what stays overdue this many days goes up to the manager
	Checklist          []ChecklistItem
	Version            int
}

// DefaultRules are the rules of a program that has not set its own.
func DefaultRules() ProjectRules { return ProjectRules{RemindDays: 7, EscalateDays: 7} }

// Validate checks the rules and the checklist: bounds, titles given and distinct,
// months within ten years.
func (r *ProjectRules) Validate() error {
	var v Invalid
	if r.ShowcasePerMonth < 0 || r.ShowcasePerMonth > 31 {
		v.Add("showcase_per_month", "rules.range_31")
	}
	if r.LedgerEveryDays < 0 || r.LedgerEveryDays > 366 {
		v.Add("ledger_every_days", "rules.range_366")
	}
	if r.RemindDays < 1 || r.RemindDays > 60 {
		v.Add("remind_days", "rules.range_60")
	}
	if r.EscalateDays < 1 || r.EscalateDays > 90 {
		v.Add("escalate_days", "rules.range_90")
	}
	if len(r.Checklist) > MaxChecklistItems {
		v.Add("checklist", "app.too_many_rows")
	}
	seen := map[string]bool{}
	for i := range r.Checklist {
		it := &r.Checklist[i]
		it.Title = strings.TrimSpace(it.Title)
		name := "item_title_" + strconv.Itoa(i)
		switch {
		case it.Title == "":
			v.Add(name, "form.required")
		case utf8.RuneCountInString(it.Title) > MaxChecklistTitle:
			v.Add(name, "form.too_long")
		case seen[it.Title]:
			v.Add(name, "rules.item_twice")
		}
		seen[it.Title] = true
		if it.DueMonth < 1 || it.DueMonth > MaxCycleMonths {
			v.Add("item_month_"+strconv.Itoa(i), "rules.month_range")
		}
	}
	return v.Err()
}

// Outcome is the result of a mid-term assessment or a final acceptance.
type Outcome string

// The outcomes.
const (
	OutcomePass      Outcome = "pass"
	OutcomeExcellent Outcome = "excellent"
	OutcomeRectify   Outcome = "rectify" // 限期整改
	OutcomeFail      Outcome = "fail"
)

// StageOutcomes returns the outcomes a manager may record at a stage: a mid-term
// assessment passes or asks for rectification; a final acceptance may also commend
// (excellent) or fail.
func StageOutcomes(s Stage) []Outcome {
	if s == StageMidterm {
		return []Outcome{OutcomePass, OutcomeRectify}
	}
	return []Outcome{OutcomeExcellent, OutcomePass, OutcomeRectify, OutcomeFail}
}

// OutcomeInput is the outcome a manager records for a project at a stage.
type OutcomeInput struct {
	Stage     Stage
	Outcome   Outcome
	Note      string
	RectifyBy time.Time
}

// Validate checks the outcome on day today: one the stage allows; rectification
// needs a later day to rectify by and a note saying what; failing needs the reason.
func (in *OutcomeInput) Validate(today time.Time) error {
	var v Invalid
	in.Note = strings.TrimSpace(in.Note)
	if in.Stage != StageMidterm && in.Stage != StageFinal {
		v.Add("stage", "form.choose")
	}
	allowed := false
	for _, o := range StageOutcomes(in.Stage) {
		if o == in.Outcome {
			allowed = true
		}
	}
	if !allowed {
		v.Add("outcome", "form.choose")
	}
	if in.Outcome == OutcomeRectify {
		switch {
		case in.RectifyBy.IsZero():
			v.Add("rectify_by", "form.required")
		case !calendarDay(in.RectifyBy).After(calendarDay(today)):
			v.Add("rectify_by", "outcome.rectify_past")
		}
	} else {
		in.RectifyBy = time.Time{}
	}
	if (in.Outcome == OutcomeRectify || in.Outcome == OutcomeFail) && in.Note == "" {
		v.Add("note", "outcome.note_required")
	}
	if utf8.RuneCountInString(in.Note) > MaxNote {
		v.Add("note", "form.too_long")
	}
	return v.Err()
}

// StatusAfter returns the project's status after an outcome at a stage: a final
// outcome decides it; at mid-term, rectification marks it and a pass clears it.
func StatusAfter(stage Stage, o Outcome) ProjectStatus {
	switch {
	case o == OutcomeRectify:
		return ProjectRectify
	case stage == StageMidterm:
		return ProjectRunning
	case o == OutcomeExcellent:
		return ProjectExcellent
	case o == OutcomeFail:
		return ProjectFailed
	}
	return ProjectPassed
}

// BanUntil returns the first day an organization that failed acceptance on day may
// apply again to programs of the kind, and whether it is barred at all (a program
// with no ban period bars no one): 对标争先 bars for 2 years.
func BanUntil(day time.Time, banMonths int) (time.Time, bool) {
	if banMonths <= 0 {
		return time.Time{}, false
	}
	return calendarDay(day).AddDate(0, banMonths, 0), true
}

// Limits of reports.
const (
	MaxReportText = 20000
)

// ReportInput is a mid-term or final report as its secretary writes it.
type ReportInput struct {
	Summary string
	Results string
}

// Validate checks the report's lengths; submitting also needs a summary.
func (in *ReportInput) Validate(submit bool) error {
	var v Invalid
	in.Summary = strings.TrimSpace(in.Summary)
	in.Results = strings.TrimSpace(in.Results)
	if submit && in.Summary == "" {
		v.Add("summary", "form.required")
	}
	if utf8.RuneCountInString(in.Summary) > MaxReportText {
		v.Add("summary", "form.too_long")
	}
	if utf8.RuneCountInString(in.Results) > MaxReportText {
		v.Add("results", "form.too_long")
	}
	return v.Err()
}

// ReportPhase returns the program's phase in which reports of a stage are due.
func ReportPhase(p Program, s Stage) (Phase, bool) {
	if s == StageMidterm {
		return p.Phase(PhaseMidterm)
	}
	return p.Phase(PhaseFinal)
}

// CheckReportTime decides whether a report of a stage may be submitted at now: not
// before its phase begins; after its last day only when late reports are accepted,
// and then it is late. A program without the phase takes reports any time.
func CheckReportTime(ph Phase, ok bool, now time.Time, zone *time.Location, lateAllowed bool) (late bool, err error) {
	if !ok {
		return false, nil
	}
	if Day(now, zone).Before(calendarDay(ph.Starts)) {
		return false, Errorf(EINVALID, "report.not_open", calendarDay(ph.Starts))
	}
	if ph.Past(now, zone) {
		if !lateAllowed {
			return false, Errorf(EINVALID, "report.deadline_passed", calendarDay(ph.Ends))
		}
		return true, nil
	}
	return false, nil
}

// DisbursementInput is a grant payment the manager records.
type DisbursementInput struct {
	PaidOn time.Time
	Cents  int64
	Note   string
}

// CheckDisbursement checks a payment on day today against the award (grantCents)
// and what was paid before (paidCents): a day not in the future, a positive amount
// that keeps the total within the award, and, where the program pays only after
// completion, a project that passed acceptance.
func CheckDisbursement(in *DisbursementInput, grantCents, paidCents int64, status ProjectStatus, payAfterCompletion bool, today time.Time) error {
	var v Invalid
	in.Note = strings.TrimSpace(in.Note)
	switch {
	case in.PaidOn.IsZero():
		v.Add("paid_on", "form.required")
	case calendarDay(in.PaidOn).After(calendarDay(today)):
		v.Add("paid_on", "funds.paid_future")
	}
	if utf8.RuneCountInString(in.Note) > 500 {
		v.Add("note", "form.too_long")
	}
	if in.Cents <= 0 {
		v.Add("amount", "funds.amount_positive")
	}
	if err := v.Err(); err != nil {
		return err
	}
	if payAfterCompletion && !status.Completed() {
		return Errorf(EINVALID, "funds.after_completion")
	}
	if paidCents+in.Cents > grantCents {
		left := grantCents - paidCents
		if left < 0 {
			left = 0
		}
		return &Error{Code: EINVALID, Message: "funds.over_award", Args: []any{FormatYuan(left)},
			Fields: map[string]string{"amount": "funds.over_award_field"}}
	}
	return nil
}

// ExpenseInput is spending recorded against a budget line of the application.
type ExpenseInput struct {
	SpentOn time.Time
	Item    string
	Cents   int64
	Note    string
}

// Validate checks the spending on day today: a day within the cycle and not in the
// future, a budget line of the application (any line name when it had none), and a
// positive amount.
func (in *ExpenseInput) Validate(p Project, lines []BudgetLine, today time.Time) error {
	var v Invalid
	in.Item = strings.TrimSpace(in.Item)
	in.Note = strings.TrimSpace(in.Note)
	switch {
	case in.SpentOn.IsZero():
		v.Add("spent_on", "form.required")
	case calendarDay(in.SpentOn).After(calendarDay(today)):
		v.Add("spent_on", "ledger.date_future")
	case !p.InCycle(in.SpentOn):
		v.Add("spent_on", "ledger.date_outside_cycle")
	}
	switch {
	case in.Item == "":
		v.Add("item", "form.choose")
	case utf8.RuneCountInString(in.Item) > MaxShortText:
		v.Add("item", "form.too_long")
	case len(lines) > 0:
		found := false
		for _, l := range lines {
			if l.Item == in.Item {
				found = true
			}
		}
		if !found {
			v.Add("item", "form.choose")
		}
	}
	if in.Cents <= 0 {
		v.Add("amount", "funds.amount_positive")
	}
	if utf8.RuneCountInString(in.Note) > 500 {
		v.Add("note", "form.too_long")
	}
	return v.Err()
}

// BudgetUse is one budget line with what was spent on it.
type BudgetUse struct {
	Item           string
	Planned, Spent int64 // fen
}

// Over reports whether more was spent than planned.
func (b BudgetUse) Over() bool { return b.Spent > b.Planned }

// BudgetUses returns, for each budget line in order, the planned amount and the
// spending recorded against it (spent maps line names to fen). Spending on a name
// the budget does not have is listed after, with nothing planned.
func BudgetUses(lines []BudgetLine, spent map[string]int64) []BudgetUse {
	var out []BudgetUse
	seen := map[string]bool{}
	for _, l := range lines {
		if seen[l.Item] {
			continue
		}
		seen[l.Item] = true
		var planned int64
		for _, x := range lines {
			if x.Item == l.Item {
				planned += x.Cents
			}
		}
		out = append(out, BudgetUse{Item: l.Item, Planned: planned, Spent: spent[l.Item]})
	}
	var extra []string
	for k := range spent {
		if !seen[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	for _, k := range extra {
		out = append(out, BudgetUse{Item: k, Spent: spent[k]})
	}
	return out
}

// CaseInput is good practice a manager marks on a project (案例).
type CaseInput struct {
	Title   string
	Summary string
}

// Validate checks a case: a title and a summary of what later batches can learn.
func (in *CaseInput) Validate() error {
	var v Invalid
	in.Title = strings.TrimSpace(in.Title)
	in.Summary = strings.TrimSpace(in.Summary)
	switch {
	case in.Title == "":
		v.Add("case_title", "form.required")
	case utf8.RuneCountInString(in.Title) > MaxShortText:
		v.Add("case_title", "form.too_long")
	}
	switch {
	case in.Summary == "":
		v.Add("case_summary", "form.required")
	case utf8.RuneCountInString(in.Summary) > 5000:
		v.Add("case_summary", "form.too_long")
	}
	return v.Err()
}

// CanViewProject reports whether the actor may read a project: the people of its
// organization (secretaries, counselors, supervisors, viewers) and whoever may view
// its program.
func CanViewProject(actor *Actor, p ProjectScope) bool {
	return Can(actor, ActViewProjects, p.OrgPath) || Can(actor, ActViewProgram, p.OwnerPath)
}

// CanKeepLedger reports whether the actor keeps the project's ledger and milestones:
// its organization's secretaries and counselors.
func CanKeepLedger(actor *Actor, p ProjectScope) bool { return Can(actor, ActKeepLedger, p.OrgPath) }

// CanSupervise reports whether the actor may verify the project's ledger and record
// supervision: the supervision team over its organization, and the program's managers.
func CanSupervise(actor *Actor, p ProjectScope) bool {
	return Can(actor, ActSupervise, p.OrgPath) || Can(actor, ActManageProgram, p.OwnerPath)
}

// CanManageProject reports whether the actor manages the project: its program's
// managers (milestones, outcomes, grants, cases).
func CanManageProject(actor *Actor, p ProjectScope) bool {
	return Can(actor, ActManageProgram, p.OwnerPath)
}

// CanFileReport reports whether the actor writes the project's mid-term and final
// reports: the secretaries of its organization, and its counselors (a class's League
// secretary is a student who often has no account; the counselor files for her).
func CanFileReport(actor *Actor, p ProjectScope) bool { return CanKeepLedger(actor, p) }
