package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campusorg/portal/internal/portal"
)

// Work plans: a plan with its sections, tasks (responsible people, months,
// targets), schedule lines, year-round items and progress reports. Every write locks
// the plan row first, so that checks made on the plan as read (numbers, metrics,
// the status) hold until the write commits. Managers act on plans of organizations
// their grants cover (portal.ActManagePlan); a task's responsible people report on
// it (portal.CanReportProgress) and read the plan (portal.CanViewPlan) once it is
// issued; anyone else is told the plan does not exist.

// planRecord is what the audit log keeps of a plan.
type planRecord struct {
	OrgID   int64  `json:"org_id"`
	Year    int    `json:"year"`
	Title   string `json:"title"`
	Status  string `json:"status"`
	Intro   string `json:"intro,omitempty"`
	Closing string `json:"closing,omitempty"`
}

func planRecordOf(p portal.Plan) planRecord {
	return planRecord{OrgID: p.OrgID, Year: p.Year, Title: p.Title, Status: string(p.Status), Intro: p.Intro, Closing: p.Closing}
}

// taskRecord is what the audit log keeps of a task.
type taskRecord struct {
	PlanID    int64          `json:"plan_id"`
	SectionID int64          `json:"section_id"`
	Number    int            `json:"number"`
	Title     string         `json:"title"`
	People    []int64        `json:"people"`
	Months    []int          `json:"months"`
	Targets   []targetRecord `json:"targets,omitempty"`
}

type targetRecord struct {
	Metric     string  `json:"metric"`
	Label      string  `json:"label"`
	Comparator string  `json:"comparator"`
	Value      float64 `json:"value"`
	Unit       string  `json:"unit"`
}

func taskRecordOf(t portal.PlanTask) taskRecord {
	r := taskRecord{PlanID: t.PlanID, SectionID: t.SectionID, Number: t.Number, Title: t.Title, People: t.PeopleIDs(), Months: t.Months}
	for _, x := range t.Targets {
		r.Targets = append(r.Targets, targetRecord{x.Metric, x.Label, string(x.Comparator), x.Value, x.Unit})
	}
	return r
}

// progressRecord is what the audit log keeps of a progress report.
type progressRecord struct {
	TaskID     int64             `json:"task_id"`
	ReportedOn string            `json:"reported_on"`
	Status     string            `json:"status"`
	Values     map[int64]float64 `json:"values,omitempty"`
	Note       string            `json:"note,omitempty"`
	Evidence   string            `json:"evidence,omitempty"`
}

const planColumns = `p.id, p.org_id, o.path, o.name, p.year, p.title, p.intro, p.closing, p.status, p.version, p.created_at`

func scanPlan(row pgx.Row, extra ...any) (portal.Plan, error) {
	var p portal.Plan
	err := row.Scan(append([]any{&p.ID, &p.OrgID, &p.OrgPath, &p.OrgName, &p.Year, &p.Title, &p.Intro, &p.Closing, &p.Status,
		&p.Version, &p.CreatedAt}, extra...)...)
	return p, err
}

// loadPlan reads a plan with its sections, tasks, schedule, year-round items, each
// task's latest report and the facts its targets roll up from.
func loadPlan(ctx context.Context, tx pgx.Tx, id int64) (portal.PlanDetail, error) {
	var d portal.PlanDetail
	var err error
	d.Plan, err = scanPlan(tx.QueryRow(ctx, `SELECT `+planColumns+` FROM work_plans p JOIN orgs o ON o.id = p.org_id WHERE p.id = $1`, id))
	if err != nil {
		return d, err
	}
	rows, err := tx.Query(ctx, `SELECT id, plan_id, position, title FROM plan_sections WHERE plan_id = $1 ORDER BY position, id`, id)
	if err != nil {
		return d, err
	}
	d.Sections, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (portal.PlanSection, error) {
		var s portal.PlanSection
		return s, r.Scan(&s.ID, &s.PlanID, &s.Position, &s.Title)
	})
	if err != nil {
		return d, err
	}
	if d.Tasks, err = loadTasks(ctx, tx, id); err != nil {
		return d, err
	}
	rows, err = tx.Query(ctx, `SELECT id, plan_id, number, months, text, note, coalesce(task_id, 0)
		FROM plan_schedule_items WHERE plan_id = $1 ORDER BY number`, id)
	if err != nil {
		return d, err
	}
	d.Schedule, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (portal.ScheduleItem, error) {
		var s portal.ScheduleItem
		var months []int32
		err := r.Scan(&s.ID, &s.PlanID, &s.Number, &months, &s.Text, &s.Note, &s.TaskID)
		s.Months = intsOf(months)
		return s, err
	})
	if err != nil {
		return d, err
	}
	rows, err = tx.Query(ctx, `SELECT id, plan_id, number, title, text, rhythms, coalesce(task_id, 0)
		FROM plan_recurring_items WHERE plan_id = $1 ORDER BY number`, id)
	if err != nil {
		return d, err
	}
	d.Recurring, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (portal.RecurringItem, error) {
		var it portal.RecurringItem
		var rhythms []byte
		if err := r.Scan(&it.ID, &it.PlanID, &it.Number, &it.Title, &it.Text, &rhythms, &it.TaskID); err != nil {
			return it, err
		}
		return it, json.Unmarshal(rhythms, &it.Rhythms)
	})
	if err != nil {
		return d, err
	}
	latest, err := reportsOf(ctx, tx, `SELECT DISTINCT ON (r.task_id) `+reportColumns+` FROM plan_progress r
		WHERE r.plan_id = $1 ORDER BY r.task_id, r.reported_on DESC, r.id DESC`, id)
	if err != nil {
		return d, err
	}
	d.Latest = map[int64]portal.ProgressReport{}
	for _, r := range latest {
		d.Latest[r.TaskID] = r
	}
	d.Facts, d.Ledger, err = planFacts(ctx, tx, d)
	return d, err
}

// loadTasks reads a plan's tasks by number, with their people, months and targets.
func loadTasks(ctx context.Context, tx pgx.Tx, planID int64) ([]portal.PlanTask, error) {
	rows, err := tx.Query(ctx, `SELECT t.id, t.plan_id, t.section_id, t.number, t.title, t.description, t.version,
			coalesce((SELECT array_agg(m.month ORDER BY m.month) FROM plan_task_months m WHERE m.task_id = t.id), '{}')
		FROM plan_tasks t WHERE t.plan_id = $1 ORDER BY t.number`, planID)
	if err != nil {
		return nil, err
	}
	tasks, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (portal.PlanTask, error) {
		var t portal.PlanTask
		var months []int32
		err := r.Scan(&t.ID, &t.PlanID, &t.SectionID, &t.Number, &t.Title, &t.Description, &t.Version, &months)
		t.Months = intsOf(months)
		return t, err
	})
	if err != nil {
		return nil, err
	}
	index := map[int64]int{}
	for i, t := range tasks {
		index[t.ID] = i
	}
	rows, err = tx.Query(ctx, `SELECT tp.task_id, tp.user_id, u.display_name FROM plan_task_people tp
		JOIN plan_tasks t ON t.id = tp.task_id JOIN users u ON u.id = tp.user_id
		WHERE t.plan_id = $1 ORDER BY tp.task_id, tp.position, tp.user_id`, planID)
	if err != nil {
		return nil, err
	}
	var taskID int64
	var person portal.TaskPerson
	if _, err := pgx.ForEachRow(rows, []any{&taskID, &person.UserID, &person.Name}, func() error {
		t := &tasks[index[taskID]]
		t.People = append(t.People, person)
		return nil
	}); err != nil {
		return nil, err
	}
	rows, err = tx.Query(ctx, `SELECT id, task_id, position, metric, label, comparator, value, unit
		FROM plan_targets WHERE plan_id = $1 ORDER BY task_id, position, id`, planID)
	if err != nil {
		return nil, err
	}
	var x portal.Target
	if _, err := pgx.ForEachRow(rows, []any{&x.ID, &x.TaskID, &x.Position, &x.Metric, &x.Label, &x.Comparator, &x.Value, &x.Unit}, func() error {
		t := &tasks[index[x.TaskID]]
		t.Targets = append(t.Targets, x)
		return nil
	}); err != nil {
		return nil, err
	}
	return tasks, nil
}

const reportColumns = `r.id, r.plan_id, r.task_id, r.reported_on, r.status, r.note, r.evidence, coalesce(r.author_id, 0),
	r.author_name, r.created_at,
	coalesce((SELECT jsonb_object_agg(v.target_id::text, v.value) FROM plan_progress_values v WHERE v.report_id = r.id), '{}')`

// reportsOf runs a query selecting reportColumns.
func reportsOf(ctx context.Context, tx pgx.Tx, sql string, args ...any) ([]portal.ProgressReport, error) {
	rows, err := tx.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (portal.ProgressReport, error) {
		var p portal.ProgressReport
		var values map[int64]float64
		err := r.Scan(&p.ID, &p.PlanID, &p.TaskID, &p.ReportedOn, &p.Status, &p.Note, &p.Evidence, &p.AuthorID, &p.AuthorName,
			&p.CreatedAt, &values)
		p.Values = values
		return p, err
	})
}

// planFacts returns the dated figures a plan's targets roll up from (portal.RollUp),
// in date order, and each ledger-fed target's share of the ledger: the progress
// reports' values, each a level (the value reached so far on the report's day),
// and, for targets whose metric names a ledger source (portal.LedgerSourceOf), the
// ledger's verified entries as increments (planLedger, portal.LedgerFacts). How a
// report and the ledger avoid counting an activity twice is portal's contract
// (planledger.go): an entry dated on or before a report's day is in its level.
func planFacts(ctx context.Context, tx pgx.Tx, d portal.PlanDetail) ([]portal.Fact, map[string]portal.LedgerTally, error) {
	rows, err := tx.Query(ctx, `SELECT r.reported_on, t.metric, v.value, true
		FROM plan_progress r JOIN plan_progress_values v ON v.report_id = r.id JOIN plan_targets t ON t.id = v.target_id
		WHERE r.plan_id = $1 ORDER BY r.reported_on, r.id`, d.ID)
	if err != nil {
		return nil, nil, err
	}
	facts, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (portal.Fact, error) {
		var f portal.Fact
		return f, r.Scan(&f.On, &f.Metric, &f.Value, &f.Level)
	})
	if err != nil {
		return nil, nil, err
	}
	kinds := d.LedgerTargets()
	if len(kinds) == 0 {
		return facts, nil, nil
	}
	days, err := planLedger(ctx, tx, d.OrgPath, d.Year, kinds)
	if err != nil {
		return nil, nil, err
	}
	ledger, tallies := portal.LedgerFacts(d.AllTargets(), days)
	facts = append(facts, ledger...)
	sort.SliceStable(facts, func(i, j int) bool { return facts[i].On.Before(facts[j].On) })
	return facts, tallies, nil
}

// planLedger returns, day by day, how many current entries of the given kinds
// wait or stand verified in the ledgers of the projects in the subtree of orgPath,
// dated in year, and their participants. Returned entries and old revisions count
// nowhere. At province scale the ledger holds millions of rows: the projects are
// found by their path (projects_org_path_idx, a text_pattern_ops range), then
// each project's entries of the year by ledger_entries_project_idx (project_id,
// on_date) over current revisions; kind and status are filters on those rows.
func planLedger(ctx context.Context, tx pgx.Tx, orgPath string, year int, kinds []portal.EntryKind) ([]portal.LedgerDay, error) {
	rows, err := tx.Query(ctx, planLedgerSQL, planLedgerArgs(orgPath, year, kinds)...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (portal.LedgerDay, error) {
		var d portal.LedgerDay
		return d, r.Scan(&d.On, &d.Kind, &d.Status, &d.Entries, &d.Participants)
	})
}

// planLedgerSQL is planLedger's statement; its arguments are planLedgerArgs.
const planLedgerSQL = `SELECT e.on_date, e.kind, e.status, count(*)::int, coalesce(sum(e.participants), 0)::int
	FROM projects pr JOIN ledger_entries e ON e.project_id = pr.id AND e.replaced_by IS NULL
	WHERE pr.org_path ~>=~ $1 AND pr.org_path ~<~ $2
	  AND e.on_date >= $3 AND e.on_date < $4 AND e.kind = ANY($5) AND e.status IN ('verified', 'pending')
	GROUP BY e.on_date, e.kind, e.status ORDER BY e.on_date, e.kind, e.status`

// planLedgerArgs are planLedgerSQL's arguments: the subtree of orgPath as a range
// (underScope), the year as a range of days, and the kinds.
func planLedgerArgs(orgPath string, year int, kinds []portal.EntryKind) []any {
	from := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = string(k)
	}
	return []any{orgPath, orgPath[:len(orgPath)-1] + "0", from, from.AddDate(1, 0, 0), names}
}

func intsOf(xs []int32) []int {
	out := make([]int, len(xs))
	for i, x := range xs {
		out[i] = int(x)
	}
	return out
}

// planForUpdate locks the plan row and reads the plan.
func planForUpdate(ctx context.Context, tx pgx.Tx, id int64) (portal.PlanDetail, error) {
	if _, err := tx.Exec(ctx, `SELECT 1 FROM work_plans WHERE id = $1 FOR UPDATE`, id); err != nil {
		return portal.PlanDetail{}, err
	}
	return loadPlan(ctx, tx, id)
}

// managedPlan locks and reads a plan the actor manages; any other plan is not found.
// editing refuses archived plans.
func managedPlan(ctx context.Context, tx pgx.Tx, actor *portal.Actor, id int64, editing bool) (portal.PlanDetail, error) {
	d, err := planForUpdate(ctx, tx, id)
	if err != nil {
		return d, err
	}
	if !portal.Can(actor, portal.ActManagePlan, d.OrgPath) {
		return d, portal.NotFound()
	}
	if editing && !d.Editable() {
		return d, portal.Errorf(portal.EINVALID, "plan.archived_readonly")
	}
	return d, nil
}

// canSeePlan is the read rule: whoever may view plans of the organization, and the
// plan's responsible people once it is issued (not while it is a draft).
func canSeePlan(actor *portal.Actor, d portal.PlanDetail) bool {
	return portal.CanViewPlan(actor, d.OrgPath, d.Status != portal.PlanDraft && d.ResponsibleIn(actor.UserID))
}

// GetPlan returns the plan with everything under it when the actor may see it.
func (s *Store) GetPlan(ctx context.Context, actor *portal.Actor, id int64) (portal.PlanDetail, error) {
	var d portal.PlanDetail
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		var err error
		if d, err = loadPlan(ctx, tx, id); err != nil {
			return err
		}
		if !canSeePlan(actor, d) {
			return portal.NotFound()
		}
		return nil
	})
	return d, err
}

// TaskReports returns the progress reports on a task of a plan the actor may see,
// newest first.
func (s *Store) TaskReports(ctx context.Context, actor *portal.Actor, planID, taskID int64) ([]portal.ProgressReport, error) {
	var out []portal.ProgressReport
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		d, err := loadPlan(ctx, tx, planID)
		if err != nil {
			return err
		}
		if _, ok := d.Task(taskID); !ok || !canSeePlan(actor, d) {
			return portal.NotFound()
		}
		out, err = reportsOf(ctx, tx, `SELECT `+reportColumns+` FROM plan_progress r
			WHERE r.task_id = $1 ORDER BY r.reported_on DESC, r.id DESC`, taskID)
		return err
	})
	return out, err
}

// PlanSummary is a plan in a list.
type PlanSummary struct {
	portal.Plan
	Tasks      int
	Mine       int       // tasks the actor is responsible for
	LastReport time.Time // zero without reports
}

// PlanFilter narrows ListPlans.
type PlanFilter struct {
	Year   int   // 0 for any
	Before int64 // keyset cursor: ids below this
	Limit  int
}

// ListPlans lists, newest first, the plans the actor may see: those of
// organizations where she may view plans, and the issued plans she is responsible
// for a task of.
func (s *Store) ListPlans(ctx context.Context, actor *portal.Actor, f PlanFilter) (Page[PlanSummary], error) {
	limit := clampLimit(f.Limit)
	rows, err := s.pool.Query(ctx, `SELECT `+planColumns+`,
			(SELECT count(*) FROM plan_tasks t WHERE t.plan_id = p.id),
			(SELECT count(*) FROM plan_tasks t JOIN plan_task_people tp ON tp.task_id = t.id WHERE t.plan_id = p.id AND tp.user_id = $2),
			(SELECT max(r.reported_on) FROM plan_progress r WHERE r.plan_id = p.id)
		FROM work_plans p JOIN orgs o ON o.id = p.org_id
		WHERE (o.path LIKE ANY($1) OR p.status <> 'draft' AND EXISTS (SELECT 1 FROM plan_tasks t
				JOIN plan_task_people tp ON tp.task_id = t.id WHERE t.plan_id = p.id AND tp.user_id = $2))
		  AND ($3::int = 0 OR p.year = $3) AND ($4::bigint = 0 OR p.id < $4)
		ORDER BY p.id DESC LIMIT $5`,
		likeScope(actor.RoleScope(portal.RolesFor(portal.ActViewPlan)...)), actor.UserID, f.Year, f.Before, limit+1)
	if err != nil {
		return Page[PlanSummary]{}, err
	}
	items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (PlanSummary, error) {
		var ps PlanSummary
		var last *time.Time
		p, err := scanPlan(r, &ps.Tasks, &ps.Mine, &last)
		ps.Plan = p
		if last != nil {
			ps.LastReport = *last
		}
		return ps, err
	})
	if err != nil {
		return Page[PlanSummary]{}, err
	}
	var page Page[PlanSummary]
	if len(items) > limit {
		items = items[:limit]
		page.Next = items[limit-1].ID
	}
	page.Items = items
	return page, nil
}

// MyPlans returns the issued plans in which the actor is responsible for a task,
// newest first (at most 20), each with everything under it.
func (s *Store) MyPlans(ctx context.Context, actor *portal.Actor) ([]portal.PlanDetail, error) {
	var out []portal.PlanDetail
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT DISTINCT p.id FROM work_plans p JOIN plan_tasks t ON t.plan_id = p.id
			JOIN plan_task_people tp ON tp.task_id = t.id
			WHERE tp.user_id = $1 AND p.status = 'active' ORDER BY p.id DESC LIMIT 20`, actor.UserID)
		if err != nil {
			return err
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return err
		}
		for _, id := range ids {
			d, err := loadPlan(ctx, tx, id)
			if err != nil {
				return err
			}
			out = append(out, d)
		}
		return nil
	})
	return out, err
}

// checkPlanOrg reads the plan's organization: active, and one where the actor may
// manage plans; else a field error on org_id.
func checkPlanOrg(ctx context.Context, tx pgx.Tx, actor *portal.Actor, orgID int64) (portal.Org, error) {
	o, err := scanOrg(tx.QueryRow(ctx, `SELECT `+orgColumns+` FROM orgs o WHERE o.id = $1`, orgID))
	if errors.Is(err, pgx.ErrNoRows) || err == nil && (!o.Active || !portal.Can(actor, portal.ActManagePlan, o.Path)) {
		return o, &portal.Error{Code: portal.EINVALID, Message: "error.invalid_form", Fields: map[string]string{"org_id": "form.choose"}}
	}
	return o, err
}

// CreatePlan creates a draft plan of in.OrgID, where the actor must manage plans.
func (s *Store) CreatePlan(ctx context.Context, actor *portal.Actor, in portal.PlanInput) (portal.Plan, error) {
	var p portal.Plan
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if !portal.CanAny(actor, portal.ActManagePlan) {
			return portal.NotFound()
		}
		if err := in.Validate(); err != nil {
			return err
		}
		if _, err := checkPlanOrg(ctx, tx, actor, in.OrgID); err != nil {
			return err
		}
		id, err := insertPlan(ctx, tx, in, portal.PlanDraft)
		if err != nil {
			return err
		}
		d, err := loadPlan(ctx, tx, id)
		p = d.Plan
		if err != nil {
			return err
		}
		return audit(ctx, tx, actor, "plan.create", "plan", id, p.OrgPath, nil, planRecordOf(p))
	})
	return p, err
}

func insertPlan(ctx context.Context, tx pgx.Tx, in portal.PlanInput, status portal.PlanStatus) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO work_plans (org_id, year, title, intro, closing, status) VALUES ($1, $2, $3, $4, $5, $6)
		RETURNING id`, in.OrgID, in.Year, in.Title, in.Intro, in.Closing, status).Scan(&id)
	return id, err
}

// UpdatePlan changes a plan's year, title and texts, provided nobody changed it
// since version. The organization stays.
func (s *Store) UpdatePlan(ctx context.Context, actor *portal.Actor, id int64, version int, in portal.PlanInput) (portal.Plan, error) {
	var p portal.Plan
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		before, err := managedPlan(ctx, tx, actor, id, true)
		if err != nil {
			return err
		}
		if before.Version != version {
			return portal.Conflict("error.edit_conflict")
		}
		in.OrgID = before.OrgID
		if err := in.Validate(); err != nil {
			return err
		}
		if in.Year != before.Year {
			var n int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM plan_progress WHERE plan_id = $1`, id).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return &portal.Error{Code: portal.EINVALID, Message: "error.invalid_form", Fields: map[string]string{"year": "plan.year_has_progress"}}
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE work_plans SET year = $2, title = $3, intro = $4, closing = $5, version = version + 1,
			updated_at = now() WHERE id = $1`, id, in.Year, in.Title, in.Intro, in.Closing); err != nil {
			return err
		}
		d, err := loadPlan(ctx, tx, id)
		p = d.Plan
		if err != nil {
			return err
		}
		return audit(ctx, tx, actor, "plan.update", "plan", id, p.OrgPath, planRecordOf(before.Plan), planRecordOf(p))
	})
	return p, err
}

// SetPlanStatus moves a plan to next (issue, archive, reopen), provided nobody
// changed it since version; a plan is issued with at least one task.
func (s *Store) SetPlanStatus(ctx context.Context, actor *portal.Actor, id int64, version int, next portal.PlanStatus) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		d, err := managedPlan(ctx, tx, actor, id, false)
		if err != nil {
			return err
		}
		if d.Version != version {
			return portal.Conflict("error.edit_conflict")
		}
		if !d.Status.CanMoveTo(next) {
			return portal.Errorf(portal.EINVALID, "plan.bad_move")
		}
		if next == portal.PlanActive && len(d.Tasks) == 0 {
			return portal.Errorf(portal.EINVALID, "plan.activate_needs_task")
		}
		if _, err := tx.Exec(ctx, `UPDATE work_plans SET status = $2, version = version + 1, updated_at = now() WHERE id = $1`, id, next); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "plan.status", "plan", id, d.OrgPath,
			map[string]string{"status": string(d.Status)}, map[string]string{"status": string(next)})
	})
}

// AddSection adds a section at the end of the plan. Titles are unique in a plan.
func (s *Store) AddSection(ctx context.Context, actor *portal.Actor, planID int64, title string) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		d, err := managedPlan(ctx, tx, actor, planID, true)
		if err != nil {
			return err
		}
		if title, err = portal.ValidateSectionTitle(title); err != nil {
			return err
		}
		for _, sec := range d.Sections {
			if sec.Title == title {
				return &portal.Error{Code: portal.EINVALID, Message: "error.invalid_form", Fields: map[string]string{"title": "plan.section_taken"}}
			}
		}
		id, err := insertSection(ctx, tx, planID, title)
		if err != nil {
			return err
		}
		return audit(ctx, tx, actor, "plan.section_add", "plan_section", id, d.OrgPath, nil, map[string]any{"plan_id": planID, "title": title})
	})
}

func insertSection(ctx context.Context, tx pgx.Tx, planID int64, title string) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO plan_sections (plan_id, title, position)
		VALUES ($1, $2, (SELECT coalesce(max(position), 0) + 1 FROM plan_sections WHERE plan_id = $1)) RETURNING id`, planID, title).Scan(&id)
	return id, uniqueAs(err, "plan_sections_plan_id_title_key", "title", "plan.section_taken")
}

// DeleteSection removes a section without tasks.
func (s *Store) DeleteSection(ctx context.Context, actor *portal.Actor, planID, sectionID int64) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		d, err := managedPlan(ctx, tx, actor, planID, true)
		if err != nil {
			return err
		}
		sec, ok := d.Section(sectionID)
		if !ok {
			return portal.NotFound()
		}
		for _, t := range d.Tasks {
			if t.SectionID == sectionID {
				return portal.Errorf(portal.EINVALID, "plan.section_has_tasks")
			}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM plan_sections WHERE id = $1`, sectionID); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "plan.section_delete", "plan_section", sectionID, d.OrgPath, map[string]any{"plan_id": planID, "title": sec.Title}, nil)
	})
}

// PlanMembers returns the people who may be responsible for tasks of a plan the
// actor manages: active accounts belonging to the plan's organization (portal.Member),
// by name (at most maxPick).
func (s *Store) PlanMembers(ctx context.Context, actor *portal.Actor, planID int64) ([]portal.TaskPerson, error) {
	var out []portal.TaskPerson
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		d, err := loadPlan(ctx, tx, planID)
		if err != nil {
			return err
		}
		if !portal.Can(actor, portal.ActManagePlan, d.OrgPath) {
			return portal.NotFound()
		}
		rows, err := tx.Query(ctx, `SELECT u.id, u.display_name FROM users u JOIN orgs h ON h.id = u.home_org_id
			WHERE u.active AND (starts_with(h.path, $1) OR EXISTS (SELECT 1 FROM role_grants g JOIN orgs o ON o.id = g.org_id
				WHERE g.user_id = u.id AND starts_with(o.path, $1)))
			ORDER BY h.path, u.display_name, u.id LIMIT $2`, d.OrgPath, maxPick)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (portal.TaskPerson, error) {
			var p portal.TaskPerson
			return p, r.Scan(&p.UserID, &p.Name)
		})
		return err
	})
	return out, err
}

// checkPeople reports whether every person is an active account belonging to the
// organization at orgPath (portal.Member); else a field error on people.
func checkPeople(ctx context.Context, tx pgx.Tx, ids []int64, orgPath string) error {
	rows, err := tx.Query(ctx, `SELECT u.id, h.path, coalesce(array_agg(o.path) FILTER (WHERE o.path IS NOT NULL), '{}')
		FROM users u JOIN orgs h ON h.id = u.home_org_id
		LEFT JOIN role_grants g ON g.user_id = u.id LEFT JOIN orgs o ON o.id = g.org_id
		WHERE u.id = ANY($1) AND u.active GROUP BY u.id, h.path`, ids)
	if err != nil {
		return err
	}
	members := map[int64]bool{}
	var id int64
	var home string
	var grants []string
	if _, err := pgx.ForEachRow(rows, []any{&id, &home, &grants}, func() error {
		members[id] = portal.Member(home, grants, orgPath)
		return nil
	}); err != nil {
		return err
	}
	for _, id := range ids {
		if !members[id] {
			return &portal.Error{Code: portal.EINVALID, Message: "error.invalid_form", Fields: map[string]string{"people": "plantask.person_outside"}}
		}
	}
	return nil
}

// SaveTask creates a task (taskID 0) or changes one, provided nobody changed it
// since version: its section, number, texts, responsible people (who must belong
// to the plan's organization), months and targets. A target that has progress
// values stays; the form may change its label, value or unit but not drop it.
func (s *Store) SaveTask(ctx context.Context, actor *portal.Actor, planID, taskID int64, version int, in portal.TaskInput) (portal.PlanTask, error) {
	var out portal.PlanTask
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		d, err := managedPlan(ctx, tx, actor, planID, true)
		if err != nil {
			return err
		}
		var before portal.PlanTask
		if taskID != 0 {
			var ok bool
			if before, ok = d.Task(taskID); !ok {
				return portal.NotFound()
			}
			if before.Version != version {
				return portal.Conflict("error.edit_conflict")
			}
		}
		if err := in.Validate(); err != nil {
			return err
		}
		if err := portal.CheckTask(d, taskID, in); err != nil {
			return err
		}
		if err := checkPeople(ctx, tx, in.People, d.OrgPath); err != nil {
			return err
		}
		if taskID, err = writeTask(ctx, tx, planID, taskID, in); err != nil {
			return err
		}
		tasks, err := loadTasks(ctx, tx, planID)
		if err != nil {
			return err
		}
		for _, t := range tasks {
			if t.ID == taskID {
				out = t
			}
		}
		if before.ID == 0 {
			return audit(ctx, tx, actor, "plan.task_create", "plan_task", taskID, d.OrgPath, nil, taskRecordOf(out))
		}
		return audit(ctx, tx, actor, "plan.task_update", "plan_task", taskID, d.OrgPath, taskRecordOf(before), taskRecordOf(out))
	})
	return out, err
}

// writeTask inserts (taskID 0) or updates a validated task with its people, months
// and targets, and returns its id.
func writeTask(ctx context.Context, tx pgx.Tx, planID, taskID int64, in portal.TaskInput) (int64, error) {
	var err error
	if taskID == 0 {
		err = tx.QueryRow(ctx, `INSERT INTO plan_tasks (plan_id, section_id, number, title, description) VALUES ($1, $2, $3, $4, $5)
			RETURNING id`, planID, in.SectionID, in.Number, in.Title, in.Description).Scan(&taskID)
	} else {
		_, err = tx.Exec(ctx, `UPDATE plan_tasks SET section_id = $2, number = $3, title = $4, description = $5, version = version + 1
			WHERE id = $1`, taskID, in.SectionID, in.Number, in.Title, in.Description)
	}
	if err = uniqueAs(err, "plan_tasks_plan_id_number_key", "number", "plantask.number_taken"); err != nil {
		return 0, err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM plan_task_people WHERE task_id = $1`, taskID); err != nil {
		return 0, err
	}
	for i, id := range in.People {
		if _, err := tx.Exec(ctx, `INSERT INTO plan_task_people (task_id, user_id, position) VALUES ($1, $2, $3)`, taskID, id, i+1); err != nil {
			return 0, err
		}
	}
	if _, err := tx.Exec(ctx, `DELETE FROM plan_task_months WHERE task_id = $1`, taskID); err != nil {
		return 0, err
	}
	for _, m := range in.Months {
		if _, err := tx.Exec(ctx, `INSERT INTO plan_task_months (task_id, month) VALUES ($1, $2)`, taskID, m); err != nil {
			return 0, err
		}
	}
	// Targets: drop those no longer listed (refused when they carry progress), then
	// park the kept ones' metrics so that metrics may trade places, then write.
	keep := []int64{}
	for _, t := range in.Targets {
		if t.ID != 0 {
			keep = append(keep, t.ID)
		}
	}
	var used int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM plan_progress_values v JOIN plan_targets t ON t.id = v.target_id
		WHERE t.task_id = $1 AND NOT t.id = ANY($2)`, taskID, keep).Scan(&used); err != nil {
		return 0, err
	}
	if used > 0 {
		return 0, portal.Errorf(portal.EINVALID, "plantarget.has_progress")
	}
	if _, err := tx.Exec(ctx, `DELETE FROM plan_targets WHERE task_id = $1 AND NOT id = ANY($2)`, taskID, keep); err != nil {
		return 0, err
	}
	if _, err := tx.Exec(ctx, `UPDATE plan_targets SET metric = 'parked_' || id WHERE task_id = $1`, taskID); err != nil {
		return 0, err
	}
	for i, t := range in.Targets {
		if t.ID != 0 {
			_, err = tx.Exec(ctx, `UPDATE plan_targets SET position = $2, metric = $3, label = $4, comparator = $5, value = $6, unit = $7
				WHERE id = $1 AND task_id = $8`, t.ID, i+1, t.Metric, t.Label, t.Comparator, t.Value, t.Unit, taskID)
		} else {
			_, err = tx.Exec(ctx, `INSERT INTO plan_targets (plan_id, task_id, position, metric, label, comparator, value, unit)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, planID, taskID, i+1, t.Metric, t.Label, t.Comparator, t.Value, t.Unit)
		}
		if err = uniqueAs(err, "plan_targets_plan_id_metric_key", portal.TargetField(i, "metric"), "plantarget.metric_taken"); err != nil {
			return 0, err
		}
	}
	return taskID, nil
}

// DeleteTask removes a task without progress reports; its schedule lines and
// year-round items stay, unlinked.
func (s *Store) DeleteTask(ctx context.Context, actor *portal.Actor, planID, taskID int64) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		d, err := managedPlan(ctx, tx, actor, planID, true)
		if err != nil {
			return err
		}
		t, ok := d.Task(taskID)
		if !ok {
			return portal.NotFound()
		}
		if _, reported := d.Latest[taskID]; reported {
			return portal.Errorf(portal.EINVALID, "plantask.has_progress")
		}
		if _, err := tx.Exec(ctx, `DELETE FROM plan_tasks WHERE id = $1`, taskID); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "plan.task_delete", "plan_task", taskID, d.OrgPath, taskRecordOf(t), nil)
	})
}

// ReportProgress files a progress report on a task: by one of its responsible
// people or whoever may report on any task of the plan (portal.CanReportProgress),
// checked by portal.CheckProgress against the plan as it stands and the store's
// today. Anyone else is told the task does not exist.
func (s *Store) ReportProgress(ctx context.Context, actor *portal.Actor, planID, taskID int64, in portal.ProgressInput) (portal.ProgressReport, error) {
	var out portal.ProgressReport
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT 1 FROM work_plans WHERE id = $1 FOR SHARE`, planID); err != nil {
			return err
		}
		d, err := loadPlan(ctx, tx, planID)
		if err != nil {
			return err
		}
		task, ok := d.Task(taskID)
		if !ok || !portal.CanReportProgress(actor, d.OrgPath, task.PeopleIDs()) {
			return portal.NotFound()
		}
		if err := portal.CheckProgress(d.Plan, task, &in, s.Now().In(s.Zone)); err != nil {
			return err
		}
		out, err = insertReport(ctx, tx, actor, d.Plan, task, in)
		if err != nil {
			return err
		}
		return audit(ctx, tx, actor, "plan.progress", "plan_task", taskID, d.OrgPath, nil, progressRecord{TaskID: taskID,
			ReportedOn: in.ReportedOn.Format(time.DateOnly), Status: string(in.Status), Values: in.Values, Note: in.Note, Evidence: in.Evidence})
	})
	return out, err
}

// insertReport writes a checked progress report with its values.
func insertReport(ctx context.Context, tx pgx.Tx, actor *portal.Actor, p portal.Plan, task portal.PlanTask, in portal.ProgressInput) (portal.ProgressReport, error) {
	r := portal.ProgressReport{PlanID: p.ID, TaskID: task.ID, ReportedOn: in.ReportedOn, Status: in.Status, Note: in.Note,
		Evidence: in.Evidence, Values: in.Values}
	var author *int64
	if actor.SignedIn() {
		author = &actor.UserID
		r.AuthorID, r.AuthorName = actor.UserID, actor.Name
	}
	err := tx.QueryRow(ctx, `INSERT INTO plan_progress (plan_id, task_id, reported_on, status, note, evidence, author_id, author_name)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id, created_at`,
		p.ID, task.ID, in.ReportedOn, in.Status, in.Note, in.Evidence, author, r.AuthorName).Scan(&r.ID, &r.CreatedAt)
	if err != nil {
		return r, err
	}
	for id, v := range in.Values {
		if _, err := tx.Exec(ctx, `INSERT INTO plan_progress_values (report_id, target_id, value) VALUES ($1, $2, $3)`, r.ID, id, v); err != nil {
			return r, err
		}
	}
	return r, nil
}

// checkPlanTask reports a field error unless taskID is 0 or a task of the plan.
func checkPlanTask(d portal.PlanDetail, taskID int64) error {
	if _, ok := d.Task(taskID); taskID != 0 && !ok {
		return &portal.Error{Code: portal.EINVALID, Message: "error.invalid_form", Fields: map[string]string{"task_id": "form.choose"}}
	}
	return nil
}

// AddScheduleItem adds a line to the plan's month-by-month schedule.
func (s *Store) AddScheduleItem(ctx context.Context, actor *portal.Actor, planID int64, in portal.ScheduleInput) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		d, err := managedPlan(ctx, tx, actor, planID, true)
		if err != nil {
			return err
		}
		if err := in.Validate(); err != nil {
			return err
		}
		if err := checkPlanTask(d, in.TaskID); err != nil {
			return err
		}
		id, err := insertScheduleItem(ctx, tx, planID, in)
		if err != nil {
			return err
		}
		return audit(ctx, tx, actor, "plan.schedule_add", "plan_schedule_item", id, d.OrgPath, nil, in)
	})
}

func insertScheduleItem(ctx context.Context, tx pgx.Tx, planID int64, in portal.ScheduleInput) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO plan_schedule_items (plan_id, number, months, text, note, task_id)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, planID, in.Number, in.Months, in.Text, in.Note, nullID(in.TaskID)).Scan(&id)
	return id, uniqueAs(err, "plan_schedule_items_plan_id_number_key", "number", "plantask.number_taken")
}

// DeleteScheduleItem removes a line of the schedule.
func (s *Store) DeleteScheduleItem(ctx context.Context, actor *portal.Actor, planID, itemID int64) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		d, err := managedPlan(ctx, tx, actor, planID, true)
		if err != nil {
			return err
		}
		for _, it := range d.Schedule {
			if it.ID == itemID {
				if _, err := tx.Exec(ctx, `DELETE FROM plan_schedule_items WHERE id = $1`, itemID); err != nil {
					return err
				}
				return audit(ctx, tx, actor, "plan.schedule_delete", "plan_schedule_item", itemID, d.OrgPath, it, nil)
			}
		}
		return portal.NotFound()
	})
}

// AddRecurringItem adds a year-round item to the plan.
func (s *Store) AddRecurringItem(ctx context.Context, actor *portal.Actor, planID int64, in portal.RecurringInput) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		d, err := managedPlan(ctx, tx, actor, planID, true)
		if err != nil {
			return err
		}
		if err := in.Validate(d.Year); err != nil {
			return err
		}
		if err := checkPlanTask(d, in.TaskID); err != nil {
			return err
		}
		id, err := insertRecurringItem(ctx, tx, planID, in)
		if err != nil {
			return err
		}
		return audit(ctx, tx, actor, "plan.recurring_add", "plan_recurring_item", id, d.OrgPath, nil, in)
	})
}

func insertRecurringItem(ctx context.Context, tx pgx.Tx, planID int64, in portal.RecurringInput) (int64, error) {
	rhythms := in.Rhythms
	if rhythms == nil {
		rhythms = []portal.Rhythm{}
	}
	b, err := json.Marshal(rhythms)
	if err != nil {
		return 0, err
	}
	var id int64
	err = tx.QueryRow(ctx, `INSERT INTO plan_recurring_items (plan_id, number, title, text, rhythms, task_id)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, planID, in.Number, in.Title, in.Text, b, nullID(in.TaskID)).Scan(&id)
	return id, uniqueAs(err, "plan_recurring_items_plan_id_number_key", "number", "plantask.number_taken")
}

// DeleteRecurringItem removes a year-round item.
func (s *Store) DeleteRecurringItem(ctx context.Context, actor *portal.Actor, planID, itemID int64) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		d, err := managedPlan(ctx, tx, actor, planID, true)
		if err != nil {
			return err
		}
		for _, it := range d.Recurring {
			if it.ID == itemID {
				if _, err := tx.Exec(ctx, `DELETE FROM plan_recurring_items WHERE id = $1`, itemID); err != nil {
					return err
				}
				return audit(ctx, tx, actor, "plan.recurring_delete", "plan_recurring_item", itemID, d.OrgPath, it, nil)
			}
		}
		return portal.NotFound()
	})
}

func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}
