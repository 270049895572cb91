package portal

import (
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Yearly work plans (工作方案 / 工作要点): an organization's plan for a year, in
// sections (强党建, 强思政 ...) of numbered tasks. Each task names its responsible
// people (责任人), the months it is scheduled in and optional numeric targets
// ("全年发布内容不少于200个"); beside the tasks stand the month-by-month schedule
// (月份 | 工作内容) and the year-round recurring work (一周一次, 双周一次). The
// responsible people report progress; supervision (督查) compares what was reached
// with what the elapsed share of the scheduled months asks for.

// PlanStatus is where a plan stands: draft → active ⇄ archived.
type PlanStatus string

// The plan statuses.
const (
	PlanDraft    PlanStatus = "draft"    // being written; nobody reports yet
	PlanActive   PlanStatus = "active"   // issued: the responsible people report progress
	PlanArchived PlanStatus = "archived" // a record of its year: read only
)

// PlanStatuses lists the statuses in display order.
var PlanStatuses = []PlanStatus{PlanDraft, PlanActive, PlanArchived}

var planMoves = map[PlanStatus][]PlanStatus{
	PlanDraft:    {PlanActive},
	PlanActive:   {PlanArchived},
	PlanArchived: {PlanActive},
}

// Valid reports whether s is a known status.
func (s PlanStatus) Valid() bool { _, ok := planMoves[s]; return ok }

// Moves returns the statuses a plan in status s may move to.
func (s PlanStatus) Moves() []PlanStatus { return planMoves[s] }

// CanMoveTo reports whether a plan may go from s to next.
func (s PlanStatus) CanMoveTo(next PlanStatus) bool {
	for _, n := range planMoves[s] {
		if n == next {
			return true
		}
	}
	return false
}

// Plan is an organization's work plan for a year.
type Plan struct {
	ID      int64
	OrgID   int64
	OrgPath string
	OrgName string
	Year    int
	Title   string
	// Intro is the text before the tasks (指导思想, 工作目标); Closing the text after
	// them (工作要求). Both print as written, paragraph by paragraph.
	Intro     string
	Closing   string
	Status    PlanStatus
	Version   int
	CreatedAt time.Time
}

// Editable reports whether the plan's contents may change: an archived plan is a record.
func (p Plan) Editable() bool { return p.Status != PlanArchived }

// PlanSection is one part of a plan, such as "强党建，永葆对党忠诚的政治底色".
type PlanSection struct {
	ID       int64
	PlanID   int64
	Position int
	Title    string
}

// TaskPerson is a responsible person (责任人) of a task, or an assessor of a round.
type TaskPerson struct {
	UserID int64
	Name   string
}

// PlanTask is one numbered task of a plan.
type PlanTask struct {
	ID          int64
	PlanID      int64
	SectionID   int64
	Number      int
	Title       string
	Description string
	People      []TaskPerson // in the order the plan names them
	Months      []int        // 1..12, sorted
	Targets     []Target
	Version     int
}

// Responsible reports whether the person with userID is one of the task's responsible people.
func (t PlanTask) Responsible(userID int64) bool {
	for _, p := range t.People {
		if p.UserID == userID && userID != 0 {
			return true
		}
	}
	return false
}

// PeopleIDs returns the ids of the task's responsible people.
func (t PlanTask) PeopleIDs() []int64 {
	out := make([]int64, len(t.People))
	for i, p := range t.People {
		out[i] = p.UserID
	}
	return out
}

// InMonth reports whether the task is scheduled in month m.
func (t PlanTask) InMonth(m int) bool { return containsInt(t.Months, m) }

// Comparator says how a target's value binds: a goal to reach (at least, more
// than) or a limit to stay within (at most, less than).
type Comparator string

// The comparators.
const (
	AtLeast  Comparator = "at_least"  // ≥, 不少于 / 至少
	MoreThan Comparator = "more_than" // >, 超过 / 以上
	AtMost   Comparator = "at_most"   // ≤, 不超过
	LessThan Comparator = "less_than" // <, 低于
)

// Comparators lists the comparators in display order.
var Comparators = []Comparator{AtLeast, MoreThan, AtMost, LessThan}

// Valid reports whether c is a known comparator.
func (c Comparator) Valid() bool {
	for _, x := range Comparators {
		if x == c {
			return true
		}
	}
	return false
}

// Goal reports whether c names a goal to reach rather than a limit to stay within.
func (c Comparator) Goal() bool { return c == AtLeast || c == MoreThan }

// Holds reports whether reached satisfies the comparator against value.
func (c Comparator) Holds(reached, value float64) bool {
	const eps = 1e-9
	switch c {
	case AtLeast:
		return reached >= value-eps
	case MoreThan:
		return reached > value+eps
	case AtMost:
		return reached <= value+eps
	case LessThan:
		return reached < value-eps
	}
	return false
}

// Target is a numeric target of a task: "全年发布内容不少于200个" is the metric
// "posts", labelled 全年发布内容, at least 200, unit 个.
type Target struct {
	ID       int64
	TaskID   int64
	Position int
	// Metric is the target's key, unique in the plan: progress values and ledger
	// entries tagged with it roll up into the target (RollUp).
	Metric     string
	Label      string
	Comparator Comparator
	Value      float64
	Unit       string
}

// Rate reports whether the target is a percentage (unit "%"): a level such as a
// participation rate, which is measured, never added up.
func (t Target) Rate() bool { return t.Unit == "%" }

// TaskStatus is what a responsible person reports about a task.
type TaskStatus string

// The task statuses.
const (
	TaskNotStarted TaskStatus = "not_started" // 未开始
	TaskInProgress TaskStatus = "in_progress" // 推进中
	TaskDone       TaskStatus = "done"        // 已完成
	TaskStalled    TaskStatus = "stalled"     // 受阻
)

// TaskStatuses lists the statuses in display order.
var TaskStatuses = []TaskStatus{TaskNotStarted, TaskInProgress, TaskDone, TaskStalled}

// Valid reports whether s is a known status.
func (s TaskStatus) Valid() bool {
	for _, x := range TaskStatuses {
		if x == s {
			return true
		}
	}
	return false
}

// ProgressReport is one report on a task by one of its responsible people (or a
// manager of the plan): the status, the value reached so far of each target it
// gives, and evidence.
type ProgressReport struct {
	ID         int64
	PlanID     int64
	TaskID     int64
	ReportedOn time.Time // the day the figures stand at
	Status     TaskStatus
	Note       string
	Evidence   string
	Values     map[int64]float64 // target id → value reached so far
	AuthorID   int64
	AuthorName string
	CreatedAt  time.Time
}

// ScheduleItem is one numbered line of the month-by-month schedule (工作纲要安排):
// "5.启动红十字会应急救护员培训工作" in February. TaskID links it to the task it
// serves, 0 for none.
type ScheduleItem struct {
	ID     int64
	PlanID int64
	Number int
	Months []int
	Text   string
	Note   string // 备注
	TaskID int64
}

// Cadence is how often recurring work comes back.
type Cadence string

// The cadences.
const (
	Weekly   Cadence = "weekly"   // 一周一次
	Biweekly Cadence = "biweekly" // 双周一次
	Monthly  Cadence = "monthly"  // 每月一次
)

// Cadences lists the cadences in display order.
var Cadences = []Cadence{Weekly, Biweekly, Monthly}

// Valid reports whether c is a known cadence.
func (c Cadence) Valid() bool { return c == Weekly || c == Biweekly || c == Monthly }

// Rhythm is one recurring activity of a year-round item: "青年大学习" weekly from
// its first occurrence.
type Rhythm struct {
	Label   string    `json:"label"`
	Cadence Cadence   `json:"cadence"`
	From    time.Time `json:"from"`
}

// RecurringItem is one numbered item of the year-round work (贯穿全年工作), with the
// rhythms of its recurring activities (none for work that has no fixed rhythm).
type RecurringItem struct {
	ID      int64
	PlanID  int64
	Number  int
	Title   string // "理论学习"
	Text    string
	Rhythms []Rhythm
	TaskID  int64
}

// PlanDetail is a plan with everything under it, as the store reads it.
type PlanDetail struct {
	Plan
	Sections  []PlanSection
	Tasks     []PlanTask // by number
	Schedule  []ScheduleItem
	Recurring []RecurringItem
	// Latest is each task's latest progress report (by its date, then its filing).
	Latest map[int64]ProgressReport
	// Facts are the dated figures the targets roll up from (see RollUp): the
	// progress reports' levels and the ledger's increments (LedgerFacts).
	Facts []Fact
	// Ledger is each ledger-fed target's share of the ledger, by metric (LedgerFacts).
	Ledger map[string]LedgerTally
}

// Task returns the plan's task with id, and whether it has one.
func (d PlanDetail) Task(id int64) (PlanTask, bool) {
	for _, t := range d.Tasks {
		if t.ID == id {
			return t, true
		}
	}
	return PlanTask{}, false
}

// Section returns the plan's section with id, and whether it has one.
func (d PlanDetail) Section(id int64) (PlanSection, bool) {
	for _, s := range d.Sections {
		if s.ID == id {
			return s, true
		}
	}
	return PlanSection{}, false
}

// ResponsibleIn reports whether the person with userID is responsible for a task of the plan.
func (d PlanDetail) ResponsibleIn(userID int64) bool {
	for _, t := range d.Tasks {
		if t.Responsible(userID) {
			return true
		}
	}
	return false
}

// People returns every responsible person of the plan, in the order they first appear.
func (d PlanDetail) People() []TaskPerson {
	var out []TaskPerson
	seen := map[int64]bool{}
	for _, t := range d.Tasks {
		for _, p := range t.People {
			if !seen[p.UserID] {
				seen[p.UserID] = true
				out = append(out, p)
			}
		}
	}
	return out
}

// Limits of a plan and its parts. The database checks the same bounds.
const (
	MaxPlanTitle      = 200
	MaxPlanText       = 20000
	MaxSectionTitle   = 200
	MaxTaskNumber     = 999
	MaxTaskTitle      = 200
	MaxTaskText       = 5000
	MaxTaskPeople     = 12
	MaxTaskTargets    = 5
	MaxTargetLabel    = 100
	MaxTargetUnit     = 10
	MaxTargetValue    = 1_000_000_000
	MaxProgressText   = 2000
	MaxScheduleText   = 500
	MaxScheduleNote   = 200
	MaxRecurringTitle = 50
	MaxRecurringText  = 1000
	MaxRhythms        = 3
	MaxRhythmLabel    = 50
)

// PlanInput is what a manager types to create or edit a plan.
type PlanInput struct {
	OrgID   int64
	Year    int
	Title   string
	Intro   string
	Closing string
}

// Validate trims the input and checks it on its own.
func (in *PlanInput) Validate() error {
	var v Invalid
	in.Title = strings.TrimSpace(in.Title)
	in.Intro = strings.TrimSpace(in.Intro)
	in.Closing = strings.TrimSpace(in.Closing)
	if in.OrgID <= 0 {
		v.Add("org_id", "form.choose")
	}
	if !ValidProgramYear(in.Year) {
		v.Add("year", "program.year_range")
	}
	requiredText(&v, "title", in.Title, MaxPlanTitle)
	if utf8.RuneCountInString(in.Intro) > MaxPlanText {
		v.Add("intro", "form.too_long")
	}
	if utf8.RuneCountInString(in.Closing) > MaxPlanText {
		v.Add("closing", "form.too_long")
	}
	return v.Err()
}

// ValidateSectionTitle trims a section's title and checks it; the error names the field "title".
func ValidateSectionTitle(title string) (string, error) {
	title = strings.TrimSpace(title)
	var v Invalid
	requiredText(&v, "title", title, MaxSectionTitle)
	return title, v.Err()
}

// requiredText adds form.required or form.too_long for field.
func requiredText(v *Invalid, field, s string, max int) {
	switch {
	case s == "":
		v.Add(field, "form.required")
	case utf8.RuneCountInString(s) > max:
		v.Add(field, "form.too_long")
	}
}

// TargetInput is one target row of the task form. A row left wholly blank is no target.
type TargetInput struct {
	ID         int64 // the target it edits, 0 for a new one
	Metric     string
	Label      string
	Comparator Comparator
	Value      float64
	Unit       string
}

// TargetField returns the form field name of one part of the target row i (from 0):
// part is id, metric, label, cmp, value or unit. Task validation reports target
// errors under these names.
func TargetField(i int, part string) string { return "t" + strconv.Itoa(i) + "_" + part }

// metricRE is the shape of a metric key: it tags progress values and ledger entries.
var metricRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// TaskInput is what a manager types to create or edit a task.
type TaskInput struct {
	SectionID   int64
	Number      int
	Title       string
	Description string
	People      []int64 // user ids, in order
	Months      []int
	Targets     []TargetInput
}

// Validate trims the input and checks it on its own: a section, a number, a title,
// one to MaxTaskPeople responsible people (none twice), at least one month (each
// 1..12, none twice; returned sorted), and the targets (checkTarget, checkLedgerMetric). It returns an
// EINVALID error naming every bad field.
func (in *TaskInput) Validate() error {
	var v Invalid
	in.Title = strings.TrimSpace(in.Title)
	in.Description = strings.TrimSpace(in.Description)
	if in.SectionID <= 0 {
		v.Add("section_id", "form.choose")
	}
	if in.Number < 1 || in.Number > MaxTaskNumber {
		v.Add("number", "plantask.number_range")
	}
	requiredText(&v, "title", in.Title, MaxTaskTitle)
	if utf8.RuneCountInString(in.Description) > MaxTaskText {
		v.Add("description", "form.too_long")
	}
	switch {
	case len(in.People) == 0:
		v.Add("people", "plantask.people_required")
	case len(in.People) > MaxTaskPeople:
		v.Add("people", "plantask.too_many_people")
	case hasDuplicate(in.People):
		v.Add("people", "plantask.person_twice")
	}
	var ok bool
	if in.Months, ok = cleanMonths(in.Months); !ok {
		v.Add("months", "plantask.month_invalid")
	} else if len(in.Months) == 0 {
		v.Add("months", "plantask.months_required")
	}
	if len(in.Targets) > MaxTaskTargets {
		v.Add("targets", "plantask.too_many_targets")
	}
	metrics := map[string]bool{}
	for i := range in.Targets {
		t := &in.Targets[i]
		checkTarget(&v, i, t)
		checkLedgerMetric(&v, i, t)
		if t.Metric != "" {
			if metrics[t.Metric] {
				v.Add(TargetField(i, "metric"), "plantarget.metric_taken")
			}
			metrics[t.Metric] = true
		}
	}
	return v.Err()
}

// checkTarget trims and checks target row i: a label, a metric key, a known
// comparator, a unit (a number without a unit means nothing on paper), and a value
// that can be met: a goal above 0, a limit not below 0 (less than 0 cannot hold),
// nothing beyond MaxTargetValue; a percentage no higher than 100, and "more than
// 100%" or "less than 0%" are impossible.
func checkTarget(v *Invalid, i int, t *TargetInput) {
	f := func(part string) string { return TargetField(i, part) }
	t.Label = strings.TrimSpace(t.Label)
	t.Metric = strings.TrimSpace(t.Metric)
	t.Unit = strings.TrimSpace(t.Unit)
	requiredText(v, f("label"), t.Label, MaxTargetLabel)
	switch {
	case t.Metric == "":
		v.Add(f("metric"), "form.required")
	case !metricRE.MatchString(t.Metric):
		v.Add(f("metric"), "plantarget.metric_invalid")
	}
	switch {
	case t.Unit == "":
		v.Add(f("unit"), "plantarget.unit_required")
	case utf8.RuneCountInString(t.Unit) > MaxTargetUnit:
		v.Add(f("unit"), "form.too_long")
	}
	if !t.Comparator.Valid() {
		v.Add(f("cmp"), "form.choose")
		return
	}
	x := t.Value
	rate := t.Unit == "%"
	switch {
	case math.IsNaN(x) || math.IsInf(x, 0):
		v.Add(f("value"), "plantarget.value_invalid")
	case x < 0:
		v.Add(f("value"), "form.not_negative")
	case x > MaxTargetValue:
		v.Add(f("value"), "form.too_large")
	case t.Comparator.Goal() && x == 0:
		v.Add(f("value"), "plantarget.goal_zero")
	case t.Comparator == LessThan && x == 0:
		v.Add(f("value"), "plantarget.impossible")
	case rate && x > 100:
		v.Add(f("value"), "plantarget.rate_over_100")
	case rate && t.Comparator == MoreThan && x >= 100:
		v.Add(f("value"), "plantarget.impossible")
	}
}

// CheckTask checks a validated task input against its plan: the section is the
// plan's, the number is not another task's, and no target's metric is another
// task's. taskID is the task edited, 0 for a new one.
func CheckTask(d PlanDetail, taskID int64, in TaskInput) error {
	var v Invalid
	if _, ok := d.Section(in.SectionID); !ok {
		v.Add("section_id", "form.choose")
	}
	for _, t := range d.Tasks {
		if t.ID == taskID {
			continue
		}
		if t.Number == in.Number {
			v.Add("number", "plantask.number_taken")
		}
		for _, x := range t.Targets {
			for i, nt := range in.Targets {
				if nt.Metric == x.Metric {
					v.Add(TargetField(i, "metric"), "plantarget.metric_taken")
				}
			}
		}
	}
	if task, ok := d.Task(taskID); ok {
		for i, nt := range in.Targets {
			if nt.ID == 0 {
				continue
			}
			found := false
			for _, x := range task.Targets {
				found = found || x.ID == nt.ID
			}
			if !found {
				v.Add(TargetField(i, "label"), "plantarget.unknown")
			}
		}
	}
	return v.Err()
}

// cleanMonths returns the months sorted without repeats, and false when one lies
// outside 1..12.
func cleanMonths(months []int) ([]int, bool) {
	seen := map[int]bool{}
	var out []int
	for _, m := range months {
		if m < 1 || m > 12 {
			return months, false
		}
		if !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	sort.Ints(out)
	return out, true
}

func hasDuplicate(ids []int64) bool {
	seen := map[int64]bool{}
	for _, id := range ids {
		if seen[id] {
			return true
		}
		seen[id] = true
	}
	return false
}

func containsInt(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// ProgressInput is what a responsible person types to report progress.
type ProgressInput struct {
	ReportedOn time.Time
	Status     TaskStatus
	Note       string
	Evidence   string
	Values     map[int64]float64 // target id → value reached so far; targets left blank are absent
}

// ValueField returns the progress form's field name of a target's value.
func ValueField(targetID int64) string { return "v" + strconv.FormatInt(targetID, 10) }

// CheckProgress checks a progress report on task of plan p, made on the day today:
// the plan is active; the report's day lies in the plan's year (progress beyond the
// plan's year belongs to another plan) and is not in the future; the status is
// known; each value belongs to one of the task's targets, is not negative nor
// beyond MaxTargetValue, and a percentage is at most 100.
func CheckProgress(p Plan, task PlanTask, in *ProgressInput, today time.Time) error {
	if p.Status != PlanActive {
		return Errorf(EINVALID, "planprogress.plan_not_active")
	}
	var v Invalid
	in.Note = strings.TrimSpace(in.Note)
	in.Evidence = strings.TrimSpace(in.Evidence)
	switch {
	case in.ReportedOn.IsZero():
		v.Add("reported_on", "form.required")
	case in.ReportedOn.Year() != p.Year:
		v.Add("reported_on", "planprogress.outside_year")
	case calendarDay(in.ReportedOn).After(calendarDay(today)):
		v.Add("reported_on", "form.date_future")
	}
	if !in.Status.Valid() {
		v.Add("status", "form.choose")
	}
	if utf8.RuneCountInString(in.Note) > MaxProgressText {
		v.Add("note", "form.too_long")
	}
	if utf8.RuneCountInString(in.Evidence) > MaxProgressText {
		v.Add("evidence", "form.too_long")
	}
	for id, x := range in.Values {
		var target *Target
		for i := range task.Targets {
			if task.Targets[i].ID == id {
				target = &task.Targets[i]
			}
		}
		f := ValueField(id)
		switch {
		case target == nil:
			v.Add(f, "plantarget.unknown")
		case math.IsNaN(x) || math.IsInf(x, 0):
			v.Add(f, "plantarget.value_invalid")
		case x < 0:
			v.Add(f, "form.not_negative")
		case x > MaxTargetValue:
			v.Add(f, "form.too_large")
		case target.Rate() && x > 100:
			v.Add(f, "plantarget.rate_over_100")
		}
	}
	if in.Status == TaskNotStarted && len(in.Values) > 0 {
		for _, x := range in.Values {
			if x > 0 {
				v.Add("status", "planprogress.not_started_with_values")
				break
			}
		}
	}
	return v.Err()
}

// ScheduleInput is one line of the month-by-month schedule as a manager types it.
type ScheduleInput struct {
	Number int
	Months []int
	Text   string
	Note   string
	TaskID int64
}

// Validate trims and checks the line: a number, at least one month, the text.
func (in *ScheduleInput) Validate() error {
	var v Invalid
	in.Text = strings.TrimSpace(in.Text)
	in.Note = strings.TrimSpace(in.Note)
	if in.Number < 1 || in.Number > MaxTaskNumber {
		v.Add("number", "plantask.number_range")
	}
	var ok bool
	if in.Months, ok = cleanMonths(in.Months); !ok {
		v.Add("months", "plantask.month_invalid")
	} else if len(in.Months) == 0 {
		v.Add("months", "plantask.months_required")
	}
	requiredText(&v, "text", in.Text, MaxScheduleText)
	if utf8.RuneCountInString(in.Note) > MaxScheduleNote {
		v.Add("note", "form.too_long")
	}
	return v.Err()
}

// RecurringInput is one year-round item as a manager types it.
type RecurringInput struct {
	Number  int
	Title   string
	Text    string
	Rhythms []Rhythm
	TaskID  int64
}

// RhythmField returns the form field name of one part of rhythm row i: label, cadence or from.
func RhythmField(i int, part string) string { return "r" + strconv.Itoa(i) + "_" + part }

// Validate trims and checks the item in a plan of year: a number, a title, the
// text, and each rhythm's label, cadence and first day, which lies in the year.
func (in *RecurringInput) Validate(year int) error {
	var v Invalid
	in.Title = strings.TrimSpace(in.Title)
	in.Text = strings.TrimSpace(in.Text)
	if in.Number < 1 || in.Number > MaxTaskNumber {
		v.Add("number", "plantask.number_range")
	}
	requiredText(&v, "title", in.Title, MaxRecurringTitle)
	if utf8.RuneCountInString(in.Text) > MaxRecurringText {
		v.Add("text", "form.too_long")
	}
	if len(in.Rhythms) > MaxRhythms {
		v.Add("rhythms", "planrecur.too_many")
	}
	for i := range in.Rhythms {
		r := &in.Rhythms[i]
		r.Label = strings.TrimSpace(r.Label)
		requiredText(&v, RhythmField(i, "label"), r.Label, MaxRhythmLabel)
		if !r.Cadence.Valid() {
			v.Add(RhythmField(i, "cadence"), "form.choose")
		}
		switch {
		case r.From.IsZero():
			v.Add(RhythmField(i, "from"), "form.required")
		case r.From.Year() != year:
			v.Add(RhythmField(i, "from"), "planprogress.outside_year")
		}
	}
	return v.Err()
}

// Occurrences returns the days a rhythm falls on from its first day to the end of
// that day's year: every 7 or 14 days, or on the same day each month (the month's
// last day where it has fewer days).
func Occurrences(r Rhythm) []time.Time {
	if r.From.IsZero() || !r.Cadence.Valid() {
		return nil
	}
	first := calendarDay(r.From)
	year := first.Year()
	var out []time.Time
	for i := 0; ; i++ {
		var d time.Time
		switch r.Cadence {
		case Weekly:
			d = first.AddDate(0, 0, 7*i)
		case Biweekly:
			d = first.AddDate(0, 0, 14*i)
		case Monthly:
			m := time.Month(int(first.Month()) + i)
			if int(m) > 12 {
				return out
			}
			day := first.Day()
			if last := daysIn(year, m); day > last {
				day = last
			}
			d = time.Date(year, m, day, 0, 0, 0, 0, time.UTC)
		}
		if d.Year() != year {
			return out
		}
		out = append(out, d)
	}
}

// OccurrencesIn returns the occurrences that fall in month m.
func OccurrencesIn(r Rhythm, m int) []time.Time {
	var out []time.Time
	for _, d := range Occurrences(r) {
		if int(d.Month()) == m {
			out = append(out, d)
		}
	}
	return out
}

func daysIn(year int, m time.Month) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// ElapsedShare returns how much of a task's schedule has elapsed on the day on, from
// 0 to 1: each scheduled month of year counts whole once it has ended and by the
// share of its days gone (today included) while it runs; the sum is divided by the
// number of scheduled months. No months means the whole year.
func ElapsedShare(year int, months []int, on time.Time) float64 {
	if len(months) == 0 {
		months = []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	}
	day := calendarDay(on)
	var sum float64
	for _, m := range months {
		start := time.Date(year, time.Month(m), 1, 0, 0, 0, 0, time.UTC)
		n := daysIn(year, time.Month(m))
		end := start.AddDate(0, 0, n) // the day after the month
		switch {
		case !day.Before(end):
			sum++
		case !day.Before(start):
			sum += float64(day.Sub(start).Hours()/24+1) / float64(n)
		}
	}
	return sum / float64(len(months))
}

// PaceStatus is how a target stands against its pace.
type PaceStatus string

// The pace statuses. Behind, Missed and Exceeded are what supervision looks for.
const (
	PaceNotDue   PaceStatus = "not_due"  // no scheduled month has begun
	PaceOnTrack  PaceStatus = "on_track" // at or above the expected value (within a limit)
	PaceBehind   PaceStatus = "behind"   // below the expected value
	PaceMet      PaceStatus = "met"      // the target is reached (a limit kept to the end)
	PaceMissed   PaceStatus = "missed"   // the schedule is over and the goal is not reached
	PaceExceeded PaceStatus = "exceeded" // a limit is broken
)

// Problem reports whether the status calls for supervision.
func (s PaceStatus) Problem() bool { return s == PaceBehind || s == PaceMissed || s == PaceExceeded }

// Pace is a target's standing on a day.
type Pace struct {
	Share    float64 // elapsed share of the scheduled months, 0..1
	Expected float64 // what the day asks for: the pro-rated goal, or the limit itself
	Reached  float64
	Reported bool // whether any figure was reported or rolled up
	Status   PaceStatus
}

// TargetPace judges a target on the day on, given the value reached (reported
// false when nothing was reported yet, which counts as 0).
//
// Goals ("at least", "more than") are pro-rated: the value expected by now is the
// target × the elapsed share of the task's scheduled months (ElapsedShare), and the
// target is on track when the value reached is at least that. A goal reached is met
// at any time; a goal not reached when the schedule is over is missed.
//
// Limits ("at most", "less than") are not pro-rated: a limit binds at every moment,
// so a limit is on track while the value stays within it, exceeded as soon as it
// does not, and met once the schedule is over within it.
//
// Percentages follow the same rules. A rate is a level, not a sum (RollUp takes its
// latest figure and never adds rates up), and a participation rate builds up over
// the scheduled months as more people take part: "over 50% of students by the
// year's end" expects 25% halfway through the schedule.
func TargetPace(t Target, year int, months []int, reached float64, reported bool, on time.Time) Pace {
	p := Pace{Share: ElapsedShare(year, months, on), Reached: reached, Reported: reported}
	if !t.Comparator.Goal() {
		p.Expected = t.Value
		switch {
		case !t.Comparator.Holds(reached, t.Value):
			p.Status = PaceExceeded
		case p.Share >= 1:
			p.Status = PaceMet
		case p.Share == 0:
			p.Status = PaceNotDue
		default:
			p.Status = PaceOnTrack
		}
		return p
	}
	p.Expected = t.Value * p.Share
	switch {
	case t.Comparator.Holds(reached, t.Value):
		p.Status = PaceMet
	case p.Share == 0:
		p.Status = PaceNotDue
	case p.Share >= 1:
		p.Status = PaceMissed
	case reached >= p.Expected-1e-9:
		p.Status = PaceOnTrack
	default:
		p.Status = PaceBehind
	}
	return p
}

// Fact is one dated figure about a metric. A level (Level true) states the whole
// value reached so far on its day: a progress report's "value reached so far". An
// increment adds to it: a ledger entry tagged with the metric ("120 people trained
// on 3 March"). Facts are how figures recorded elsewhere roll up into a plan's
// targets, so that nothing is typed twice.
type Fact struct {
	On     time.Time
	Metric string
	Value  float64
	Level  bool
}

// RollUp returns the value a metric reached by the day to, counting facts dated
// from the day from: the latest level on or before to (the last given wins on one
// day) plus every increment dated after that level's day; with no level, the sum of
// the increments. Increments dated on or before a level are taken as counted in it.
// A rate (a percentage) is a level only: increments are ignored, since rates do
// not add up. ok is false when no fact counts.
func RollUp(facts []Fact, metric string, from, to time.Time, rate bool) (value float64, ok bool) {
	from, to = calendarDay(from), calendarDay(to)
	in := func(f Fact) bool {
		d := calendarDay(f.On)
		return f.Metric == metric && !d.Before(from) && !d.After(to)
	}
	var level *Fact
	for i := range facts {
		f := &facts[i]
		if in(*f) && f.Level && (level == nil || !calendarDay(f.On).Before(calendarDay(level.On))) {
			level = f
		}
	}
	if level != nil {
		value, ok = level.Value, true
	}
	if rate {
		return value, ok
	}
	for _, f := range facts {
		if !in(f) || f.Level {
			continue
		}
		if level != nil && !calendarDay(f.On).After(calendarDay(level.On)) {
			continue
		}
		value += f.Value
		ok = true
	}
	return value, ok
}

// TargetStanding is one target with its pace.
type TargetStanding struct {
	Target Target
	Pace   Pace
}

// TaskReview is a task as supervision (督查) sees it on a day.
type TaskReview struct {
	Task   PlanTask
	Status TaskStatus // the latest report's, TaskNotStarted without one
	// LastReport is the day of the latest report, zero without one.
	LastReport time.Time
	Share      float64 // elapsed share of the scheduled months
	Targets    []TargetStanding
	// Issues are catalogue keys of what is wrong, empty when nothing is.
	Issues []string
}

// Behind reports whether supervision should look at the task.
func (r TaskReview) Behind() bool { return len(r.Issues) > 0 }

// The issues supervision reports, as catalogue keys.
const (
	IssueNotStarted = "plansup.issue.not_started" // the first scheduled month is over without a start
	IssueOverdue    = "plansup.issue.overdue"     // the last scheduled month is over and the task is not done
	IssueStalled    = "plansup.issue.stalled"     // reported as stalled
	IssueBelowPace  = "plansup.issue.below_pace"  // a goal is behind its pace, or missed
	IssueOverLimit  = "plansup.issue.over_limit"  // a limit is broken
)

// ReviewTask judges a task of a plan of year on the day on, from its latest report
// (nil for none) and the facts its targets roll up from. A task is behind schedule
// when its first scheduled month has ended without a start, when its last has
// ended and it is not done, or when it is reported stalled; it is below target pace
// when a goal is behind or missed, or a limit broken (TargetPace).
func ReviewTask(year int, t PlanTask, latest *ProgressReport, facts []Fact, on time.Time) TaskReview {
	r := TaskReview{Task: t, Status: TaskNotStarted, Share: ElapsedShare(year, t.Months, on)}
	if latest != nil {
		r.Status, r.LastReport = latest.Status, latest.ReportedOn
	}
	from := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, x := range t.Targets {
		v, ok := RollUp(facts, x.Metric, from, on, x.Rate())
		r.Targets = append(r.Targets, TargetStanding{Target: x, Pace: TargetPace(x, year, t.Months, v, ok, on)})
	}
	if len(t.Months) > 0 && r.Status != TaskDone {
		first, last := t.Months[0], t.Months[len(t.Months)-1]
		if r.Status == TaskNotStarted && monthOver(year, first, on) {
			r.Issues = append(r.Issues, IssueNotStarted)
		}
		if monthOver(year, last, on) {
			r.Issues = append(r.Issues, IssueOverdue)
		}
	}
	if r.Status == TaskStalled {
		r.Issues = append(r.Issues, IssueStalled)
	}
	below, over := false, false
	for _, s := range r.Targets {
		below = below || s.Pace.Status == PaceBehind || s.Pace.Status == PaceMissed
		over = over || s.Pace.Status == PaceExceeded
	}
	if below {
		r.Issues = append(r.Issues, IssueBelowPace)
	}
	if over {
		r.Issues = append(r.Issues, IssueOverLimit)
	}
	return r
}

// monthOver reports whether month m of year has ended before the day on.
func monthOver(year, m int, on time.Time) bool {
	end := time.Date(year, time.Month(m)+1, 1, 0, 0, 0, 0, time.UTC)
	return !calendarDay(on).Before(end)
}

// Review judges every task of the plan on the day on (ReviewTask), in task order.
func (d PlanDetail) Review(on time.Time) []TaskReview {
	out := make([]TaskReview, 0, len(d.Tasks))
	for _, t := range d.Tasks {
		var latest *ProgressReport
		if r, ok := d.Latest[t.ID]; ok {
			latest = &r
		}
		out = append(out, ReviewTask(d.Year, t, latest, d.Facts, on))
	}
	return out
}

// SupervisionGroup is one line of the supervision summary: a section or a person,
// with how many of their tasks there are and which are behind.
type SupervisionGroup struct {
	Key    int64  // section id or user id
	Name   string // section title or person's name
	Total  int
	Behind []TaskReview
}

// Supervise groups the reviews by section (in the plan's order) and by responsible
// person (in the order people first appear); a task with several responsible
// people counts for each.
func (d PlanDetail) Supervise(reviews []TaskReview) (bySection, byPerson []SupervisionGroup) {
	for _, s := range d.Sections {
		g := SupervisionGroup{Key: s.ID, Name: s.Title}
		for _, r := range reviews {
			if r.Task.SectionID == s.ID {
				g.Total++
				if r.Behind() {
					g.Behind = append(g.Behind, r)
				}
			}
		}
		bySection = append(bySection, g)
	}
	for _, p := range d.People() {
		g := SupervisionGroup{Key: p.UserID, Name: p.Name}
		for _, r := range reviews {
			if r.Task.Responsible(p.UserID) {
				g.Total++
				if r.Behind() {
					g.Behind = append(g.Behind, r)
				}
			}
		}
		byPerson = append(byPerson, g)
	}
	return bySection, byPerson
}

// PersonMonth is one person's work in a month: the tasks scheduled then that they
// are responsible for, the schedule lines and year-round items linked to them.
type PersonMonth struct {
	Person    TaskPerson // zero for the lines no task links to
	Tasks     []PlanTask
	Schedule  []ScheduleItem
	Recurring []RecurringItem
}

// MonthWork returns, for month m, each responsible person's work (people in the
// order they first appear; people with nothing that month left out), then the
// schedule lines of the month that link to no task under a zero Person.
func (d PlanDetail) MonthWork(m int) []PersonMonth {
	var out []PersonMonth
	for _, p := range d.People() {
		pm := PersonMonth{Person: p}
		mine := map[int64]bool{}
		for _, t := range d.Tasks {
			if t.Responsible(p.UserID) {
				mine[t.ID] = true
				if t.InMonth(m) {
					pm.Tasks = append(pm.Tasks, t)
				}
			}
		}
		for _, s := range d.Schedule {
			if s.TaskID != 0 && mine[s.TaskID] && containsInt(s.Months, m) {
				pm.Schedule = append(pm.Schedule, s)
			}
		}
		for _, ri := range d.Recurring {
			if ri.TaskID != 0 && mine[ri.TaskID] {
				pm.Recurring = append(pm.Recurring, ri)
			}
		}
		if len(pm.Tasks)+len(pm.Schedule)+len(pm.Recurring) > 0 {
			out = append(out, pm)
		}
	}
	rest := PersonMonth{}
	for _, s := range d.Schedule {
		if s.TaskID == 0 && containsInt(s.Months, m) {
			rest.Schedule = append(rest.Schedule, s)
		}
	}
	for _, ri := range d.Recurring {
		if ri.TaskID == 0 {
			rest.Recurring = append(rest.Recurring, ri)
		}
	}
	if len(rest.Schedule)+len(rest.Recurring) > 0 {
		out = append(out, rest)
	}
	return out
}

// ScheduleRow is one row of the printed schedule: the lines that share a month span.
type ScheduleRow struct {
	Months []int
	Items  []ScheduleItem
}

// ScheduleRows groups the schedule, in number order, into rows of consecutive lines
// with the same months, as the document prints it (2月 | 1…5, 3月 | 6…10, 7-8月 | …).
func ScheduleRows(items []ScheduleItem) []ScheduleRow {
	sorted := append([]ScheduleItem(nil), items...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Number < sorted[j].Number })
	var out []ScheduleRow
	for _, it := range sorted {
		if n := len(out); n > 0 && sameInts(out[n-1].Months, it.Months) {
			out[n-1].Items = append(out[n-1].Items, it)
			continue
		}
		out = append(out, ScheduleRow{Months: it.Months, Items: []ScheduleItem{it}})
	}
	return out
}

func sameInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Member reports whether a person belongs to the organization at orgPath: their
// home organization lies in its subtree, or they hold a role on an organization
// there. A plan's responsible people must belong to the plan's organization.
func Member(homePath string, grantPaths []string, orgPath string) bool {
	if PathCovers(orgPath, homePath) {
		return true
	}
	for _, g := range grantPaths {
		if PathCovers(orgPath, g) {
			return true
		}
	}
	return false
}
