package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campusorg/portal/internal/portal"
)

// projectColumns and projectFrom read a project with its program, track,
// organization, college and people responsible.
const projectColumns = `pr.id, coalesce(pr.application_id, 0), pr.program_id, pg.title, pg.kind, pg.year, pg.batch,
	(SELECT po.path FROM orgs po WHERE po.id = pg.owner_org_id), pg.ban_months, pr.track_id, t.name, pr.org_id, pr.org_path,
	(SELECT o.name FROM orgs o WHERE o.id = pr.org_id),
	coalesce((SELECT c.name FROM orgs c WHERE c.id = college_of(pr.org_path)), ''), pr.title, pr.grant_yuan,
	pr.starts_on, pr.ends_on, pr.status, pr.auto_recognised, coalesce(pr.secretary_id, 0),
	coalesce((SELECT su.display_name FROM users su WHERE su.id = pr.secretary_id), ''),
	coalesce(pr.counselor_id, 0), coalesce((SELECT cu.display_name FROM users cu WHERE cu.id = pr.counselor_id), ''),
	pr.outcome_note, pr.rectify_by, pr.decided_at,
	EXISTS (SELECT 1 FROM project_cases pc WHERE pc.project_id = pr.id), pr.version`

// projectFrom joins the small tables; organizations and people, which are many,
// are read by primary key in projectColumns' subqueries, which joins over them
// would not always be (a hash join reads them whole).
const projectFrom = ` FROM projects pr
	JOIN programs pg ON pg.id = pr.program_id
	JOIN tracks t ON t.id = pr.track_id`

// projectVisible returns the SQL condition mirroring portal.CanViewProject on the
// project pr: its organization lies in the actor's scope for ActViewProjects, or its
// program's owner in her scope for ActViewProgram. The scopes' bounds are appended
// to args (see inScope), so that an index on the project's path or program serves it.
func projectVisible(actor *portal.Actor, args *[]any) string {
	return `(` + inScope("pr.org_path", actor.RoleScope(portal.RolesFor(portal.ActViewProjects)...), args) +
		` OR pr.program_id = ANY (ARRAY(SELECT vpg.id FROM orgs vpo JOIN programs vpg ON vpg.owner_org_id = vpo.id WHERE ` +
		inScope("vpo.path", actor.RoleScope(portal.RolesFor(portal.ActViewProgram)...), args) + `)))`
}

func scanProject(row pgx.Row) (portal.Project, error) {
	var p portal.Project
	var rectify *time.Time
	var decided *time.Time
	err := row.Scan(&p.ID, &p.ApplicationID, &p.ProgramID, &p.ProgramTitle, &p.ProgramKind, &p.ProgramYear, &p.ProgramBatch,
		&p.OwnerPath, &p.BanMonths, &p.TrackID, &p.TrackName, &p.OrgID, &p.OrgPath, &p.OrgName, &p.CollegeName, &p.Title,
		&p.GrantYuan, &p.Starts, &p.Ends, &p.Status, &p.AutoRecognised, &p.SecretaryID, &p.SecretaryName, &p.CounselorID,
		&p.CounselorName, &p.OutcomeNote, &rectify, &decided, &p.HasCase, &p.Version)
	if rectify != nil {
		p.RectifyBy = *rectify
	}
	if decided != nil {
		p.DecidedAt = *decided
	}
	return p, err
}

func collectProjects(rows pgx.Rows) ([]portal.Project, error) {
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (portal.Project, error) { return scanProject(r) })
}

// projectFor loads a project the actor may read; lock takes its row lock.
func projectFor(ctx context.Context, tx pgx.Tx, actor *portal.Actor, id int64, lock bool) (portal.Project, error) {
	q := `SELECT ` + projectColumns + projectFrom + ` WHERE pr.id = $1`
	if lock {
		q += ` FOR UPDATE OF pr`
	}
	p, err := scanProject(tx.QueryRow(ctx, q, id))
	if err != nil {
		return p, err
	}
	if !portal.CanViewProject(actor, p.Scope()) {
		return p, portal.NotFound()
	}
	return p, nil
}

// today returns the current calendar day in the store's zone.
func (s *Store) todayDay() time.Time { return portal.Day(s.Now(), s.Zone) }

// setupProject gives a project just created its milestones (the program's
// checklist and the dated steps of the application's plan) and its people
// responsible: the application's author as secretary (else a secretary over the
// organization) and the nearest counselor over it. The review store calls it when
// a round makes approved applications projects.
func setupProject(ctx context.Context, tx pgx.Tx, projectID int64) error {
	var programID int64
	var appID *int64
	var orgPath string
	var starts, ends time.Time
	if err := tx.QueryRow(ctx, `SELECT program_id, application_id, org_path, starts_on, ends_on FROM projects WHERE id = $1`,
		projectID).Scan(&programID, &appID, &orgPath, &starts, &ends); err != nil {
		return err
	}
	rules, err := loadRules(ctx, tx, programID)
	if err != nil {
		return err
	}
	var steps []portal.PlanStep
	var secretary *int64
	if appID != nil {
		c, author, err := appPlan(ctx, tx, *appID)
		if err != nil {
			return err
		}
		steps, secretary = c.Steps, &author
	}
	for _, m := range portal.BuildMilestones(starts, ends, rules.Checklist, steps) {
		if _, err := tx.Exec(ctx, `INSERT INTO milestones (project_id, source, position, title, due_on, evidence_required)
			VALUES ($1, $2, $3, $4, $5, $6)`, projectID, m.Source, m.Position, m.Title, m.Due, m.EvidenceRequired); err != nil {
			return err
		}
	}
	if secretary != nil {
		// The author counts when she is a secretary over the organization (not an
		// office that entered a paper form on its behalf).
		var ok bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM role_grants g JOIN orgs o ON o.id = g.org_id
			WHERE g.user_id = $1 AND g.role = 'secretary' AND $2 LIKE o.path || '%')`, *secretary, orgPath).Scan(&ok); err != nil {
			return err
		}
		if !ok {
			secretary = nil
		}
	}
	if secretary == nil {
		secretary = nearestGrantee(ctx, tx, portal.RoleSecretary, orgPath)
	}
	counselor := nearestGrantee(ctx, tx, portal.RoleCounselor, orgPath)
	_, err = tx.Exec(ctx, `UPDATE projects SET secretary_id = $2, counselor_id = $3 WHERE id = $1`, projectID, secretary, counselor)
	return err
}

// appPlan returns the application's newest frozen content (its plan) and author.
func appPlan(ctx context.Context, tx pgx.Tx, appID int64) (portal.AppContent, int64, error) {
	var c portal.AppContent
	var b []byte
	var author int64
	err := tx.QueryRow(ctx, `SELECT coalesce((SELECT v.content FROM application_versions v WHERE v.application_id = a.id
			ORDER BY v.number DESC LIMIT 1), a.content), a.author_id FROM applications a WHERE a.id = $1`, appID).Scan(&b, &author)
	if err != nil {
		return c, 0, err
	}
	return c, author, json.Unmarshal(b, &c)
}

// nearestGrantee returns the active person holding role on the nearest organization
// over path (the deepest), or nil.
func nearestGrantee(ctx context.Context, tx pgx.Tx, role portal.Role, path string) *int64 {
	var id int64
	err := tx.QueryRow(ctx, `SELECT g.user_id FROM role_grants g JOIN orgs o ON o.id = g.org_id JOIN users u ON u.id = g.user_id
		WHERE g.role = $1 AND u.active AND $2 LIKE o.path || '%' ORDER BY length(o.path) DESC, g.id LIMIT 1`, string(role), path).Scan(&id)
	if err != nil {
		return nil
	}
	return &id
}

// projectEvent appends to a project's history.
func projectEvent(ctx context.Context, tx pgx.Tx, actor *portal.Actor, projectID int64, event, subject string, before, after any) error {
	var actorID *int64
	if actor.SignedIn() {
		actorID = &actor.UserID
	}
	b, err := jsonOrNil(before)
	if err != nil {
		return err
	}
	a, err := jsonOrNil(after)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO project_events (project_id, actor_id, actor_name, event, subject, before, after)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, projectID, actorID, actor.Name, event, subject, b, a)
	return err
}

// notifyLink posts a message to each user, linking to link. Whole numbers are
// stored as text (the messages take them with %s), so that they read back as written.
func notifyLink(ctx context.Context, tx pgx.Tx, userIDs []int64, key, link string, args ...any) error {
	for i, a := range args {
		if n, ok := a.(int); ok {
			args[i] = strconv.Itoa(n)
		}
	}
	b, _ := json.Marshal(args)
	seen := map[int64]bool{}
	for _, uid := range userIDs {
		if uid == 0 || seen[uid] {
			continue
		}
		seen[uid] = true
		if _, err := tx.Exec(ctx, `INSERT INTO notifications (user_id, message, args, link) VALUES ($1, $2, $3, $4)`, uid, key, b, link); err != nil {
			return err
		}
	}
	return nil
}

// projectLink returns the page of a project.
func projectLink(id int64) string { return fmt.Sprintf("/projects/%d", id) }

// responsible returns the people responsible for a project: its secretary and
// counselor, or when unset those holding the roles over its organization.
func responsible(ctx context.Context, tx pgx.Tx, p portal.Project) ([]int64, error) {
	var ids []int64
	if p.SecretaryID != 0 {
		ids = append(ids, p.SecretaryID)
	}
	if p.CounselorID != 0 {
		ids = append(ids, p.CounselorID)
	}
	if len(ids) > 0 {
		return ids, nil
	}
	for _, r := range []portal.Role{portal.RoleSecretary, portal.RoleCounselor} {
		more, err := usersWithRoleCovering(ctx, tx, r, p.OrgPath)
		if err != nil {
			return nil, err
		}
		ids = append(ids, more...)
	}
	return ids, nil
}

// ----- Rules -----

// loadRules returns a program's project rules with its checklist; a program that
// has not set any gets the defaults.
func loadRules(ctx context.Context, tx pgx.Tx, programID int64) (portal.ProjectRules, error) {
	r := portal.DefaultRules()
	err := tx.QueryRow(ctx, `SELECT showcase_per_month, ledger_every_days, evidence_required, pay_after_completion, late_reports,
		remind_days, escalate_days, version FROM program_rules WHERE program_id = $1`, programID).Scan(&r.ShowcasePerMonth,
		&r.LedgerEveryDays, &r.EvidenceRequired, &r.PayAfterCompletion, &r.LateReports, &r.RemindDays, &r.EscalateDays, &r.Version)
	if err != nil && err != pgx.ErrNoRows {
		return r, err
	}
	rows, err := tx.Query(ctx, `SELECT id, title, due_month, evidence_required FROM checklist_items WHERE program_id = $1
		ORDER BY position, id`, programID)
	if err != nil {
		return r, err
	}
	r.Checklist, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (portal.ChecklistItem, error) {
		var it portal.ChecklistItem
		err := row.Scan(&it.ID, &it.Title, &it.DueMonth, &it.EvidenceRequired)
		return it, err
	})
	return r, err
}

// ProgramRules returns a program's project rules to those who may view it, and
// whether the actor may change them.
func (s *Store) ProgramRules(ctx context.Context, actor *portal.Actor, programID int64) (portal.ProgramDetail, portal.ProjectRules, bool, error) {
	var d portal.ProgramDetail
	var r portal.ProjectRules
	var manage bool
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		var err error
		if d, err = loadProgram(ctx, tx, programID); err != nil {
			return err
		}
		if !portal.Can(actor, portal.ActViewProgram, d.OwnerPath) {
			return portal.NotFound()
		}
		manage = portal.Can(actor, portal.ActManageProgram, d.OwnerPath)
		r, err = loadRules(ctx, tx, programID)
		return err
	})
	return d, r, manage, err
}

// SaveRules stores a program's project rules and checklist. The checklist shapes
// the milestones of projects approved from now on; running projects keep theirs.
func (s *Store) SaveRules(ctx context.Context, actor *portal.Actor, programID int64, version int, r portal.ProjectRules) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		d, err := loadProgram(ctx, tx, programID)
		if err != nil {
			return err
		}
		if !portal.Can(actor, portal.ActManageProgram, d.OwnerPath) {
			return portal.NotFound()
		}
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(7310005, $1::int)`, int32(programID)); err != nil {
			return err
		}
		old, err := loadRules(ctx, tx, programID)
		if err != nil {
			return err
		}
		if old.Version != version {
			return portal.Conflict("rules.stale")
		}
		if err := r.Validate(); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO program_rules (program_id, showcase_per_month, ledger_every_days, evidence_required,
			pay_after_completion, late_reports, remind_days, escalate_days) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (program_id) DO UPDATE SET showcase_per_month = $2, ledger_every_days = $3, evidence_required = $4,
			pay_after_completion = $5, late_reports = $6, remind_days = $7, escalate_days = $8, version = program_rules.version + 1`,
			programID, r.ShowcasePerMonth, r.LedgerEveryDays, r.EvidenceRequired, r.PayAfterCompletion, r.LateReports,
			r.RemindDays, r.EscalateDays); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM checklist_items WHERE program_id = $1`, programID); err != nil {
			return err
		}
		for i, it := range r.Checklist {
			if _, err := tx.Exec(ctx, `INSERT INTO checklist_items (program_id, position, title, due_month, evidence_required)
				VALUES ($1, $2, $3, $4, $5)`, programID, i+1, it.Title, it.DueMonth, it.EvidenceRequired); err != nil {
				return err
			}
		}
		old.Version = 0
		r.Version = 0
		return audit(ctx, tx, actor, "rules.save", "program", programID, d.OwnerPath, old, r)
	})
}

// ----- Evidence -----

// Upload is a file sent with a form, its type judged from its content by the caller.
type Upload struct {
	Name        string
	ContentType string
	Data        []byte
}

// Evidence is a file or link attached to a milestone, a ledger entry or a report.
type Evidence struct {
	ID          int64
	Kind        string // file or link
	Name        string
	URL         string
	ContentType string
	Size        int64
	UploadedAt  time.Time
	MilestoneID int64
	EntryID     int64
	ReportID    int64
}

// evidenceTarget names what evidence hangs on: one of the ids is set.
type evidenceTarget struct {
	milestone, entry, report int64
}

func optID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// addEvidence stores files and links on a target of a project.
func addEvidence(ctx context.Context, tx pgx.Tx, actor *portal.Actor, projectID int64, t evidenceTarget, files []Upload, links []string) error {
	for _, f := range files {
		ext, ok := portal.AttachmentExt(f.ContentType)
		if !ok {
			return &portal.Error{Code: portal.EINVALID, Message: "app.file_type", Fields: map[string]string{"file": "app.file_type"}}
		}
		sum := sha256.Sum256(f.Data)
		if _, err := tx.Exec(ctx, `INSERT INTO evidence (project_id, milestone_id, entry_id, report_id, kind, name, content_type, size,
			sha256, data, uploaded_by) VALUES ($1, $2, $3, $4, 'file', $5, $6, $7, $8, $9, $10)`,
			projectID, optID(t.milestone), optID(t.entry), optID(t.report), portal.CleanFileName(f.Name, ext), f.ContentType,
			len(f.Data), hex.EncodeToString(sum[:]), f.Data, actor.UserID); err != nil {
			return err
		}
	}
	for _, l := range links {
		name := l
		if len([]rune(name)) > 200 {
			name = string([]rune(name)[:200])
		}
		if _, err := tx.Exec(ctx, `INSERT INTO evidence (project_id, milestone_id, entry_id, report_id, kind, name, url, uploaded_by)
			VALUES ($1, $2, $3, $4, 'link', $5, $6, $7)`, projectID, optID(t.milestone), optID(t.entry), optID(t.report),
			name, l, actor.UserID); err != nil {
			return err
		}
	}
	return nil
}

const evidenceColumns = `id, kind, name, url, content_type, size, uploaded_at, coalesce(milestone_id, 0), coalesce(entry_id, 0), coalesce(report_id, 0)`

func collectEvidence(rows pgx.Rows) ([]Evidence, error) {
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Evidence, error) {
		var e Evidence
		err := r.Scan(&e.ID, &e.Kind, &e.Name, &e.URL, &e.ContentType, &e.Size, &e.UploadedAt, &e.MilestoneID, &e.EntryID, &e.ReportID)
		return e, err
	})
}

// EvidenceFile returns an evidence file and its bytes to those who may read its project.
func (s *Store) EvidenceFile(ctx context.Context, actor *portal.Actor, id int64) (Evidence, []byte, error) {
	var e Evidence
	var data []byte
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		var projectID int64
		if err := tx.QueryRow(ctx, `SELECT project_id FROM evidence WHERE id = $1 AND kind = 'file'`, id).Scan(&projectID); err != nil {
			return err
		}
		if _, err := projectFor(ctx, tx, actor, projectID, false); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT `+evidenceColumns+` FROM evidence WHERE id = $1`, id)
		if err != nil {
			return err
		}
		list, err := collectEvidence(rows)
		if err != nil || len(list) == 0 {
			return portal.NotFound()
		}
		e = list[0]
		return tx.QueryRow(ctx, `SELECT data FROM evidence WHERE id = $1`, id).Scan(&data)
	})
	return e, data, err
}

// ----- Milestones -----

const milestoneColumns = `m.id, m.project_id, m.source, m.position, m.title, m.due_on, m.status, m.completed_on, m.note,
	m.evidence_required, (SELECT count(*) FROM evidence e WHERE e.milestone_id = m.id), m.version`

func scanMilestone(r pgx.Row) (portal.Milestone, error) {
	var m portal.Milestone
	var done *time.Time
	err := r.Scan(&m.ID, &m.ProjectID, &m.Source, &m.Position, &m.Title, &m.Due, &m.Status, &done, &m.Note, &m.EvidenceRequired,
		&m.Evidence, &m.Version)
	if done != nil {
		m.CompletedOn = *done
	}
	return m, err
}

func projectMilestones(ctx context.Context, tx pgx.Tx, projectID int64) ([]portal.Milestone, error) {
	ms, err := milestonesOf(ctx, tx, []int64{projectID})
	return ms[projectID], err
}

// milestonesOf returns the milestones of projects by project, each project's by
// due day, in one statement.
func milestonesOf(ctx context.Context, tx pgx.Tx, projectIDs []int64) (map[int64][]portal.Milestone, error) {
	rows, err := tx.Query(ctx, `SELECT `+milestoneColumns+` FROM milestones m WHERE m.project_id = ANY($1)
		ORDER BY m.project_id, m.due_on, m.position, m.id`, projectIDs)
	if err != nil {
		return nil, err
	}
	out := make(map[int64][]portal.Milestone, len(projectIDs))
	for rows.Next() {
		m, err := scanMilestone(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out[m.ProjectID] = append(out[m.ProjectID], m)
	}
	return out, rows.Err()
}

// MilestoneProject returns the project of a milestone the actor may read.
func (s *Store) MilestoneProject(ctx context.Context, actor *portal.Actor, id int64) (int64, error) {
	var projectID int64
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT project_id FROM milestones WHERE id = $1`, id).Scan(&projectID); err != nil {
			return err
		}
		_, err := projectFor(ctx, tx, actor, projectID, false)
		return err
	})
	return projectID, err
}

// AddMilestone lets the program's manager add a milestone to an open project.
func (s *Store) AddMilestone(ctx context.Context, actor *portal.Actor, projectID int64, in portal.NewMilestoneInput) (int64, error) {
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		p, err := projectFor(ctx, tx, actor, projectID, true)
		if err != nil {
			return err
		}
		if !portal.CanManageProject(actor, p.Scope()) {
			return portal.NotFound()
		}
		if !p.Status.Open() {
			return portal.Errorf(portal.EINVALID, "project.closed")
		}
		if err := in.Validate(p); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO milestones (project_id, source, position, title, due_on, evidence_required)
			VALUES ($1, 'manual', (SELECT coalesce(max(position), 0) + 1 FROM milestones WHERE project_id = $1), $2, $3, $4) RETURNING id`,
			projectID, in.Title, in.Due, in.EvidenceRequired).Scan(&id); err != nil {
			return err
		}
		after := map[string]any{"title": in.Title, "due": in.Due.Format("2006-01-02")}
		if err := projectEvent(ctx, tx, actor, projectID, "milestone.add", in.Title, nil, after); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "milestone.add", "project", projectID, p.OrgPath, nil, after)
	})
	return id, err
}

// UpdateMilestone records progress on a milestone: its status, completion day, note
// and evidence, by the people responsible or the manager; the manager may also
// change its title and due date. Every change is kept in the project's history.
func (s *Store) UpdateMilestone(ctx context.Context, actor *portal.Actor, id int64, version int, u portal.MilestoneUpdate, files []Upload, links []string) (int64, error) {
	var projectID int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT project_id FROM milestones WHERE id = $1`, id).Scan(&projectID); err != nil {
			return err
		}
		p, err := projectFor(ctx, tx, actor, projectID, true)
		if err != nil {
			return err
		}
		manage := portal.CanManageProject(actor, p.Scope())
		if !manage && !portal.CanKeepLedger(actor, p.Scope()) {
			return portal.NotFound()
		}
		if !p.Status.Open() {
			return portal.Errorf(portal.EINVALID, "project.closed")
		}
		m, err := scanMilestone(tx.QueryRow(ctx, `SELECT `+milestoneColumns+` FROM milestones m WHERE m.id = $1 FOR UPDATE`, id))
		if err != nil {
			return err
		}
		if m.Version != version {
			return portal.Conflict("milestone.stale")
		}
		if !manage {
			u.Title, u.Due = "", time.Time{}
		}
		var cleanLinks []string
		for _, l := range links {
			if l = strings.TrimSpace(l); l != "" {
				if !portal.ValidLink(l) {
					return &portal.Error{Code: portal.EINVALID, Message: "error.invalid_form", Fields: map[string]string{"link": "ledger.link_invalid"}}
				}
				cleanLinks = append(cleanLinks, l)
			}
		}
		if err := u.Validate(p, m, s.todayDay(), m.Evidence+len(files)+len(cleanLinks)); err != nil {
			return err
		}
		if err := addEvidence(ctx, tx, actor, projectID, evidenceTarget{milestone: id}, files, cleanLinks); err != nil {
			return err
		}
		title, due := m.Title, m.Due
		if u.Title != "" {
			title = u.Title
		}
		if !u.Due.IsZero() {
			due = portal.DateOf(u.Due)
		}
		var completed *time.Time
		if !u.CompletedOn.IsZero() {
			c := portal.DateOf(u.CompletedOn)
			completed = &c
		}
		if _, err := tx.Exec(ctx, `UPDATE milestones SET status = $2, completed_on = $3, note = $4, title = $5, due_on = $6,
			version = version + 1, updated_at = now() WHERE id = $1`, id, u.Status, completed, u.Note, title, due); err != nil {
			return err
		}
		before := milestoneRecord(m.Title, m.Due, m.Status, m.CompletedOn, m.Note)
		after := milestoneRecord(title, due, u.Status, u.CompletedOn, u.Note)
		if n := len(files) + len(cleanLinks); n > 0 {
			after["evidence_added"] = n
		}
		if err := projectEvent(ctx, tx, actor, projectID, "milestone.update", title, before, after); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "milestone.update", "milestone", id, p.OrgPath, before, after)
	})
	return projectID, err
}

func milestoneRecord(title string, due time.Time, status portal.MilestoneStatus, done time.Time, note string) map[string]any {
	r := map[string]any{"title": title, "due": due.Format("2006-01-02"), "status": status, "note": note}
	if !done.IsZero() {
		r["completed"] = done.Format("2006-01-02")
	}
	return r
}

// ----- The project page -----

// ProjectEvent is one line of a project's history.
type ProjectEvent struct {
	At        time.Time
	ActorName string
	Event     string
	Subject   string
	Before    map[string]any
	After     map[string]any
}

// Report is a project's mid-term or final report with its outcome.
type Report struct {
	ID          int64
	Stage       portal.Stage
	Summary     string
	Results     string
	Status      string // draft, submitted; "" when none was started
	Late        bool
	SubmittedAt time.Time
	Outcome     portal.Outcome
	OutcomeNote string
	RectifyBy   time.Time
	DecidedAt   time.Time
	Version     int
	Evidence    []Evidence
}

// Disbursement is one grant payment.
type Disbursement struct {
	ID     int64
	PaidOn time.Time
	Cents  int64
	Note   string
	By     string
}

// Expense is spending against a budget line.
type Expense struct {
	ID      int64
	SpentOn time.Time
	Item    string
	Cents   int64
	Note    string
	By      string
}

// Case is good practice marked on a project.
type Case struct {
	ProjectID    int64
	ProjectTitle string
	OrgName      string
	ProgramTitle string
	ProgramBatch string
	ProgramYear  int
	Title        string
	Summary      string
	MarkedAt     time.Time
}

// ProjectDetail is a project with everything its page shows.
type ProjectDetail struct {
	Project     portal.Project
	Program     portal.ProgramDetail
	Rules       portal.ProjectRules
	Milestones  []portal.Milestone
	Evidence    []Evidence           // of milestones
	Entries     []portal.LedgerEntry // the newest ProjectEntriesShown
	EntryTotal  int                  // current entries in all
	Supervision []portal.SupervisionRecord
	Reports     map[portal.Stage]Report
	Rounds      []ProjectRound // the review rounds holding the project's reports
	Payments    []Disbursement
	Paid        int64
	Expenses    []Expense
	Budget      []portal.BudgetUse
	Events      []ProjectEvent
	Case        *Case
	Compliance  []portal.MonthCompliance
	Missing     portal.Missing
	Today       time.Time
	// What the actor may do.
	CanKeep, CanSupervise, CanManage, CanReport bool
}

// GetProject returns a project with its milestones, ledger, supervision, reports,
// grants, history and compliance, to those who may read it.
func (s *Store) GetProject(ctx context.Context, actor *portal.Actor, id int64) (ProjectDetail, error) {
	var d ProjectDetail
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		var err error
		if d.Project, err = projectFor(ctx, tx, actor, id, false); err != nil {
			return err
		}
		p := d.Project
		d.Today = s.todayDay()
		if d.Program, err = loadProgram(ctx, tx, p.ProgramID); err != nil {
			return err
		}
		if d.Rules, err = loadRules(ctx, tx, p.ProgramID); err != nil {
			return err
		}
		if d.Milestones, err = projectMilestones(ctx, tx, id); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT `+evidenceColumns+` FROM evidence WHERE project_id = $1 AND milestone_id IS NOT NULL ORDER BY id`, id)
		if err != nil {
			return err
		}
		if d.Evidence, err = collectEvidence(rows); err != nil {
			return err
		}
		if d.Entries, err = projectEntriesLimit(ctx, tx, id, ProjectEntriesShown); err != nil {
			return err
		}
		if d.Supervision, err = supervisionRecords(ctx, tx, id); err != nil {
			return err
		}
		if d.Reports, err = projectReports(ctx, tx, id); err != nil {
			return err
		}
		if d.Rounds, err = projectRounds(ctx, tx, id); err != nil {
			return err
		}
		if err := projectMoney(ctx, tx, &d); err != nil {
			return err
		}
		if d.Events, err = projectEvents(ctx, tx, id); err != nil {
			return err
		}
		cases, err := casesWhere(ctx, tx, `pc.project_id = $1`, id)
		if err != nil {
			return err
		}
		if len(cases) > 0 {
			d.Case = &cases[0]
		}
		ledgers, err := ledgerStates(ctx, tx, []int64{id})
		if err != nil {
			return err
		}
		lg := *ledgers[id]
		for _, m := range lg.months {
			d.EntryTotal += m.Entries
		}
		d.EntryTotal += lg.returned
		d.Compliance = portal.ComplianceFromMonths(d.Rules, p.Starts, p.Ends, d.Today, lg.months)
		d.Missing = missingOf(p, d.Program.Program, d.Rules, d.Milestones, lg, d.Compliance, d.Reports, d.Today, s)
		sc := p.Scope()
		d.CanKeep = portal.CanKeepLedger(actor, sc) && p.Status.Open()
		d.CanSupervise = portal.CanSupervise(actor, sc)
		d.CanManage = portal.CanManageProject(actor, sc)
		d.CanReport = portal.CanFileReport(actor, sc) && p.Status.Open()
		return nil
	})
	return d, err
}

// entryDays returns the days of the entries that count for the cadence.
func entryDays(entries []portal.LedgerEntry) []portal.EntryDay {
	var out []portal.EntryDay
	for _, e := range entries {
		if e.Counts() {
			out = append(out, portal.EntryDay{Day: e.On, Showcase: e.Kind.Showcase()})
		}
	}
	return out
}

// ledgerState is what missingOf needs of a project's ledger: its monthly sums and
// how many current entries wait for verification or were returned.
type ledgerState struct {
	months            []portal.LedgerMonth
	waiting, returned int
}

// ledgerStates reads the ledger state of projects from the ledger's monthly rollup
// (ledger_months: the entries waiting for verification are those counted and not
// verified) and the returned entries from the index of entries not yet verified,
// without reading the ledger itself.
func ledgerStates(ctx context.Context, tx pgx.Tx, ids []int64) (map[int64]*ledgerState, error) {
	out := make(map[int64]*ledgerState, len(ids))
	for _, id := range ids {
		out[id] = &ledgerState{}
	}
	rows, err := tx.Query(ctx, `SELECT project_id, month, entries, showcases, verified, first_day, last_day, inner_gap
		FROM ledger_months WHERE project_id = ANY($1) AND entries > 0 ORDER BY project_id, month`, ids)
	if err != nil {
		return nil, err
	}
	var id int64
	var lm portal.LedgerMonth
	var month time.Time
	var first, last *time.Time
	if _, err := pgx.ForEachRow(rows, []any{&id, &month, &lm.Entries, &lm.Showcases, &lm.Verified, &first, &last, &lm.InnerGap}, func() error {
		lm.Month = portal.MonthOf(month)
		lm.First, lm.Last = *first, *last
		out[id].months = append(out[id].months, lm)
		out[id].waiting += lm.Entries - lm.Verified
		return nil
	}); err != nil {
		return nil, err
	}
	rows, err = tx.Query(ctx, `SELECT project_id, count(*) FROM ledger_entries
		WHERE project_id = ANY($1) AND replaced_by IS NULL AND status = 'returned' GROUP BY project_id`, ids)
	if err != nil {
		return nil, err
	}
	var returned int
	_, err = pgx.ForEachRow(rows, []any{&id, &returned}, func() error {
		out[id].returned = returned
		return nil
	})
	return out, err
}

// missingOf sums up what a project lacks on today.
func missingOf(p portal.Project, prog portal.Program, r portal.ProjectRules, ms []portal.Milestone, lg ledgerState,
	comp []portal.MonthCompliance, reports map[portal.Stage]Report, today time.Time, s *Store) portal.Missing {
	var m portal.Missing
	if !p.Status.Open() {
		return m
	}
	m.Overdue = len(portal.OverdueMilestones(ms, today, r.EscalateDays))
	m.DueSoon = len(portal.DueSoon(ms, today, r.RemindDays))
	for _, x := range ms {
		if x.Status == portal.MilestoneDone && x.EvidenceRequired && x.Evidence == 0 {
			m.NoEvidence++
		}
	}
	m.MissedMonths = portal.MissedMonths(comp)
	end := today
	if p.Ends.Before(end) {
		end = p.Ends
	}
	m.DaysSinceEntry = portal.DaysSinceEntryMonths(p.Starts, end, lg.months)
	m.GapTooLong = r.LedgerEveryDays > 0 && m.DaysSinceEntry >= r.LedgerEveryDays && !today.After(p.Ends)
	m.Returned, m.Waiting = lg.returned, lg.waiting
	for _, st := range []portal.Stage{portal.StageMidterm, portal.StageFinal} {
		ph, ok := portal.ReportPhase(prog, st)
		if !ok || reports[st].Status == "submitted" {
			continue
		}
		if ph.Current(s.Now(), s.Zone) || ph.Past(s.Now(), s.Zone) && reports[st].Outcome == "" {
			m.ReportDue = st
		}
	}
	return m
}

func projectEvents(ctx context.Context, tx pgx.Tx, id int64) ([]ProjectEvent, error) {
	rows, err := tx.Query(ctx, `SELECT at, actor_name, event, subject, before, after FROM project_events WHERE project_id = $1
		ORDER BY id DESC LIMIT 200`, id)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (ProjectEvent, error) {
		var e ProjectEvent
		var b, a []byte
		if err := r.Scan(&e.At, &e.ActorName, &e.Event, &e.Subject, &b, &a); err != nil {
			return e, err
		}
		if len(b) > 0 {
			_ = json.Unmarshal(b, &e.Before)
		}
		if len(a) > 0 {
			_ = json.Unmarshal(a, &e.After)
		}
		return e, nil
	})
}

func supervisionRecords(ctx context.Context, tx pgx.Tx, projectID int64) ([]portal.SupervisionRecord, error) {
	rows, err := tx.Query(ctx, `SELECT id, project_id, kind, on_date, coalesce(score, 0)::float8, result, title, note, author_name, created_at
		FROM supervision_records WHERE project_id = $1 ORDER BY on_date DESC, id DESC`, projectID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (portal.SupervisionRecord, error) {
		var x portal.SupervisionRecord
		err := r.Scan(&x.ID, &x.ProjectID, &x.Kind, &x.On, &x.Score, &x.Result, &x.Title, &x.Note, &x.AuthorName, &x.CreatedAt)
		return x, err
	})
}

func projectReports(ctx context.Context, tx pgx.Tx, projectID int64) (map[portal.Stage]Report, error) {
	rows, err := tx.Query(ctx, `SELECT id, stage, summary, results, status, late, submitted_at, outcome, outcome_note, rectify_by,
		decided_at, version FROM project_reports WHERE project_id = $1`, projectID)
	if err != nil {
		return nil, err
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Report, error) {
		var x Report
		var sub, rect, dec *time.Time
		err := r.Scan(&x.ID, &x.Stage, &x.Summary, &x.Results, &x.Status, &x.Late, &sub, &x.Outcome, &x.OutcomeNote, &rect, &dec, &x.Version)
		if sub != nil {
			x.SubmittedAt = *sub
		}
		if rect != nil {
			x.RectifyBy = *rect
		}
		if dec != nil {
			x.DecidedAt = *dec
		}
		return x, err
	})
	if err != nil {
		return nil, err
	}
	out := map[portal.Stage]Report{}
	for _, x := range list {
		rows, err := tx.Query(ctx, `SELECT `+evidenceColumns+` FROM evidence WHERE report_id = $1 ORDER BY id`, x.ID)
		if err != nil {
			return nil, err
		}
		if x.Evidence, err = collectEvidence(rows); err != nil {
			return nil, err
		}
		out[x.Stage] = x
	}
	return out, nil
}

// projectMoney fills the payments, spending and budget use of a project page.
func projectMoney(ctx context.Context, tx pgx.Tx, d *ProjectDetail) error {
	rows, err := tx.Query(ctx, `SELECT d.id, d.paid_on, d.cents, d.note, coalesce(u.display_name, '') FROM disbursements d
		LEFT JOIN users u ON u.id = d.created_by WHERE d.project_id = $1 ORDER BY d.paid_on, d.id`, d.Project.ID)
	if err != nil {
		return err
	}
	if d.Payments, err = pgx.CollectRows(rows, pgx.RowToStructByPos[Disbursement]); err != nil {
		return err
	}
	d.Paid = 0
	for _, x := range d.Payments {
		d.Paid += x.Cents
	}
	rows, err = tx.Query(ctx, `SELECT e.id, e.spent_on, e.budget_item, e.cents, e.note, coalesce(u.display_name, '') FROM expenses e
		LEFT JOIN users u ON u.id = e.created_by WHERE e.project_id = $1 ORDER BY e.spent_on, e.id`, d.Project.ID)
	if err != nil {
		return err
	}
	if d.Expenses, err = pgx.CollectRows(rows, pgx.RowToStructByPos[Expense]); err != nil {
		return err
	}
	lines, err := budgetLines(ctx, tx, d.Project.ApplicationID)
	if err != nil {
		return err
	}
	spent := map[string]int64{}
	for _, x := range d.Expenses {
		spent[x.Item] += x.Cents
	}
	d.Budget = portal.BudgetUses(lines, spent)
	return nil
}

// budgetLines returns the budget of the application a project came from.
func budgetLines(ctx context.Context, tx pgx.Tx, appID int64) ([]portal.BudgetLine, error) {
	if appID == 0 {
		return nil, nil
	}
	c, _, err := appPlan(ctx, tx, appID)
	return c.Budget, err
}

// ----- Grants -----

// AddDisbursement records a grant payment by the program's manager. Payments never
// exceed the award, and where the program pays after completion (一团一品) only a
// project that passed acceptance is paid.
func (s *Store) AddDisbursement(ctx context.Context, actor *portal.Actor, projectID int64, in portal.DisbursementInput) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		p, err := projectFor(ctx, tx, actor, projectID, true) // the row lock serializes payments
		if err != nil {
			return err
		}
		if !portal.CanManageProject(actor, p.Scope()) {
			return portal.NotFound()
		}
		rules, err := loadRules(ctx, tx, p.ProgramID)
		if err != nil {
			return err
		}
		var paid int64
		if err := tx.QueryRow(ctx, `SELECT coalesce(sum(cents), 0) FROM disbursements WHERE project_id = $1`, projectID).Scan(&paid); err != nil {
			return err
		}
		if err := portal.CheckDisbursement(&in, p.GrantCents(), paid, p.Status, rules.PayAfterCompletion, s.todayDay()); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `WITH d AS (INSERT INTO disbursements (project_id, paid_on, cents, note, created_by) VALUES ($1, $2, $3, $4, $5))
			UPDATE projects SET paid_cents = paid_cents + $3 WHERE id = $1`,
			projectID, portal.DateOf(in.PaidOn), in.Cents, in.Note, actor.UserID); err != nil {
			return err
		}
		after := map[string]any{"paid_on": in.PaidOn.Format("2006-01-02"), "yuan": portal.FormatYuan(in.Cents), "note": in.Note}
		if err := projectEvent(ctx, tx, actor, projectID, "funds.disburse", "", nil, after); err != nil {
			return err
		}
		ids, err := responsible(ctx, tx, p)
		if err != nil {
			return err
		}
		if err := notifyLink(ctx, tx, ids, "notify.funds_paid", projectLink(projectID), p.Title, portal.FormatYuan(in.Cents)); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "funds.disburse", "project", projectID, p.OrgPath, nil, after)
	})
}

// AddExpense records spending against a budget line, by the people responsible.
func (s *Store) AddExpense(ctx context.Context, actor *portal.Actor, projectID int64, in portal.ExpenseInput) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		p, err := projectFor(ctx, tx, actor, projectID, true)
		if err != nil {
			return err
		}
		if !portal.CanKeepLedger(actor, p.Scope()) {
			return portal.NotFound()
		}
		lines, err := budgetLines(ctx, tx, p.ApplicationID)
		if err != nil {
			return err
		}
		if err := in.Validate(p, lines, s.todayDay()); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `WITH x AS (INSERT INTO expenses (project_id, spent_on, budget_item, cents, note, created_by) VALUES ($1, $2, $3, $4, $5, $6))
			UPDATE projects SET spent_cents = spent_cents + $4 WHERE id = $1`,
			projectID, portal.DateOf(in.SpentOn), in.Item, in.Cents, in.Note, actor.UserID); err != nil {
			return err
		}
		after := map[string]any{"spent_on": in.SpentOn.Format("2006-01-02"), "item": in.Item, "yuan": portal.FormatYuan(in.Cents)}
		return audit(ctx, tx, actor, "funds.expense", "project", projectID, p.OrgPath, nil, after)
	})
}

// ----- Reports and outcomes -----

// ReportForm is what the report page shows.
type ReportForm struct {
	Project portal.Project
	Report  Report
	Phase   portal.Phase
	HasDue  bool
	Late    bool // the deadline has passed and late reports are accepted
	Closed  bool // the deadline has passed and late reports are refused
	CanEdit bool
}

// GetReport returns a project's report of a stage (an empty one when none was
// started) with its window.
func (s *Store) GetReport(ctx context.Context, actor *portal.Actor, projectID int64, stage portal.Stage) (ReportForm, error) {
	var f ReportForm
	if stage != portal.StageMidterm && stage != portal.StageFinal {
		return f, portal.NotFound()
	}
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		var err error
		if f.Project, err = projectFor(ctx, tx, actor, projectID, false); err != nil {
			return err
		}
		prog, err := loadProgram(ctx, tx, f.Project.ProgramID)
		if err != nil {
			return err
		}
		rules, err := loadRules(ctx, tx, f.Project.ProgramID)
		if err != nil {
			return err
		}
		reports, err := projectReports(ctx, tx, projectID)
		if err != nil {
			return err
		}
		f.Report = reports[stage]
		f.Report.Stage = stage
		f.Phase, f.HasDue = portal.ReportPhase(prog.Program, stage)
		if f.HasDue && f.Phase.Past(s.Now(), s.Zone) {
			f.Late, f.Closed = rules.LateReports, !rules.LateReports
		}
		f.CanEdit = portal.CanFileReport(actor, f.Project.Scope()) && f.Project.Status.Open() && f.Report.Status != "submitted"
		return nil
	})
	return f, err
}

// SaveReport stores the secretary's report of a stage as a draft, or submits it.
// Submitting checks the window: not before the phase, and after its last day only
// where the program accepts late reports (then marked late). The program's managers
// are told of a submitted report.
func (s *Store) SaveReport(ctx context.Context, actor *portal.Actor, projectID int64, stage portal.Stage, version int, in portal.ReportInput, submit bool, files []Upload) error {
	if stage != portal.StageMidterm && stage != portal.StageFinal {
		return portal.NotFound()
	}
	return s.inTx(ctx, func(tx pgx.Tx) error {
		p, err := projectFor(ctx, tx, actor, projectID, true)
		if err != nil {
			return err
		}
		if !portal.CanFileReport(actor, p.Scope()) {
			return portal.NotFound()
		}
		if !p.Status.Open() {
			return portal.Errorf(portal.EINVALID, "project.closed")
		}
		reports, err := projectReports(ctx, tx, projectID)
		if err != nil {
			return err
		}
		r, exists := reports[stage]
		if r.Version != version {
			return portal.Conflict("report.stale")
		}
		if r.Status == "submitted" {
			return portal.Errorf(portal.EINVALID, "report.already_submitted")
		}
		if err := in.Validate(submit); err != nil {
			return err
		}
		late := false
		if submit {
			prog, err := loadProgram(ctx, tx, p.ProgramID)
			if err != nil {
				return err
			}
			rules, err := loadRules(ctx, tx, p.ProgramID)
			if err != nil {
				return err
			}
			ph, ok := portal.ReportPhase(prog.Program, stage)
			if late, err = portal.CheckReportTime(ph, ok, s.Now(), s.Zone, rules.LateReports); err != nil {
				return err
			}
		}
		status := "draft"
		if submit {
			status = "submitted"
		}
		var id int64
		if !exists {
			err = tx.QueryRow(ctx, `INSERT INTO project_reports (project_id, stage, summary, results, status, late, submitted_by, submitted_at)
				VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $7 THEN $8::bigint END, CASE WHEN $7 THEN $9::timestamptz END) RETURNING id`,
				projectID, stage, in.Summary, in.Results, status, late, submit, actor.UserID, s.Now()).Scan(&id)
		} else {
			id = r.ID
			_, err = tx.Exec(ctx, `UPDATE project_reports SET summary = $2, results = $3, status = $4, late = $5,
				submitted_by = CASE WHEN $6 THEN $7::bigint END, submitted_at = CASE WHEN $6 THEN $8::timestamptz END, version = version + 1
				WHERE id = $1`, id, in.Summary, in.Results, status, late, submit, actor.UserID, s.Now())
		}
		if err != nil {
			return err
		}
		if err := addEvidence(ctx, tx, actor, projectID, evidenceTarget{report: id}, files, nil); err != nil {
			return err
		}
		action := "report.save"
		if submit {
			action = "report.submit"
			if err := projectEvent(ctx, tx, actor, projectID, action, string(stage), nil, map[string]any{"late": late}); err != nil {
				return err
			}
			ids, err := usersWithRoleCovering(ctx, tx, portal.RoleManager, p.OwnerPath)
			if err != nil {
				return err
			}
			if err := notifyLink(ctx, tx, ids, "notify.report_submitted", projectLink(projectID), p.Title, p.OrgName); err != nil {
				return err
			}
		}
		return audit(ctx, tx, actor, action, "project", projectID, p.OrgPath, nil, map[string]any{"stage": stage, "late": late})
	})
}

// DecideOutcome records the manager's outcome of a project's mid-term assessment or
// final acceptance directly on the project page. It is refused at a stage where the
// project's report is an item of a review round of that stage (portal.
// CheckDirectOutcome): that round's finalization records the outcome instead. The
// outcome takes effect through applyOutcome, as a round's do.
func (s *Store) DecideOutcome(ctx context.Context, actor *portal.Actor, projectID int64, version int, in portal.OutcomeInput) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		p, err := projectFor(ctx, tx, actor, projectID, true)
		if err != nil {
			return err
		}
		if !portal.CanManageProject(actor, p.Scope()) {
			return portal.NotFound()
		}
		if p.Version != version {
			return portal.Conflict("project.stale")
		}
		stages, err := reportRoundStages(ctx, tx, projectID)
		if err != nil {
			return err
		}
		if err := portal.CheckDirectOutcome(in.Stage, stages); err != nil {
			return err
		}
		return s.applyOutcome(ctx, tx, actor, p, in, 0)
	})
}

// applyOutcome is the one path by which an outcome of a project takes effect, whether
// a manager records it on the project page or a review round's finalization does. It
// refuses a closed project and checks the outcome (portal.OutcomeInput.Validate on
// today's date); writes it on the project's report of the stage; sets the project's
// status (portal.StatusAfter: a final outcome decides it, and an excellent one puts
// the project on the commendation list); on a final fail bars the organization from
// the program's kind for the program's ban period (portal.BanUntil; 2 years for
// 对标争先), which eligibility honours; and writes the project's history, the audit
// event and the notices to the people responsible. roundID names the round whose
// decision is applied, 0 for a direct outcome. The caller holds the project's row
// lock (projectFor with lock).
func (s *Store) applyOutcome(ctx context.Context, tx pgx.Tx, actor *portal.Actor, p portal.Project, in portal.OutcomeInput, roundID int64) error {
	projectID := p.ID
	if !p.Status.Open() {
		return portal.Errorf(portal.EINVALID, "project.closed")
	}
	today := s.todayDay()
	if err := in.Validate(today); err != nil {
		return err
	}
	var rectify *time.Time
	if !in.RectifyBy.IsZero() {
		r := portal.DateOf(in.RectifyBy)
		rectify = &r
	}
	if _, err := tx.Exec(ctx, `INSERT INTO project_reports (project_id, stage, outcome, outcome_note, rectify_by, decided_by, decided_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (project_id, stage) DO UPDATE SET outcome = $3, outcome_note = $4,
		rectify_by = $5, decided_by = $6, decided_at = $7, version = project_reports.version + 1`,
		projectID, in.Stage, in.Outcome, in.Note, rectify, actor.UserID, s.Now()); err != nil {
		return err
	}
	status := portal.StatusAfter(in.Stage, in.Outcome)
	if _, err := tx.Exec(ctx, `UPDATE projects SET status = $2, outcome_note = $3, rectify_by = $4, decided_at = $5,
		version = version + 1 WHERE id = $1`, projectID, status, in.Note, rectify, s.Now()); err != nil {
		return err
	}
	after := map[string]any{"stage": in.Stage, "outcome": in.Outcome, "note": in.Note, "status": status}
	if rectify != nil {
		after["rectify_by"] = rectify.Format("2006-01-02")
	}
	if roundID != 0 {
		after["round"] = roundID
	}
	if in.Stage == portal.StageFinal && in.Outcome == portal.OutcomeFail {
		if until, ok := portal.BanUntil(today, p.BanMonths); ok {
			if _, err := tx.Exec(ctx, `INSERT INTO bans (org_id, program_kind, until, reason, source_program_id) VALUES ($1, $2, $3, $4, $5)`,
				p.OrgID, p.ProgramKind, until, in.Note, p.ProgramID); err != nil {
				return err
			}
			after["banned_until"] = until.Format("2006-01-02")
		}
	}
	if err := projectEvent(ctx, tx, actor, projectID, "project.outcome", string(in.Stage), map[string]any{"status": p.Status}, after); err != nil {
		return err
	}
	ids, err := responsible(ctx, tx, p)
	if err != nil {
		return err
	}
	if err := notifyLink(ctx, tx, ids, "notify.outcome."+string(in.Outcome), projectLink(projectID), p.Title); err != nil {
		return err
	}
	return audit(ctx, tx, actor, "project.outcome", "project", projectID, p.OrgPath, map[string]any{"status": p.Status}, after)
}

// MarkCase marks a project's good practice as a case for later batches to read, or
// rewrites it.
func (s *Store) MarkCase(ctx context.Context, actor *portal.Actor, projectID int64, in portal.CaseInput) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		p, err := projectFor(ctx, tx, actor, projectID, true)
		if err != nil {
			return err
		}
		if !portal.CanManageProject(actor, p.Scope()) {
			return portal.NotFound()
		}
		if err := in.Validate(); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO project_cases (project_id, title, summary, marked_by) VALUES ($1, $2, $3, $4)
			ON CONFLICT (project_id) DO UPDATE SET title = $2, summary = $3, marked_by = $4, marked_at = now()`,
			projectID, in.Title, in.Summary, actor.UserID); err != nil {
			return err
		}
		after := map[string]any{"title": in.Title}
		if err := projectEvent(ctx, tx, actor, projectID, "project.case", in.Title, nil, after); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "project.case", "project", projectID, p.OrgPath, nil, after)
	})
}

// casesWhere lists cases matching a condition on pc (project_cases), pr and pg.
func casesWhere(ctx context.Context, tx pgx.Tx, cond string, args ...any) ([]Case, error) {
	rows, err := tx.Query(ctx, `SELECT pc.project_id, pr.title, o.name, pg.title, pg.batch, pg.year, pc.title, pc.summary, pc.marked_at
		FROM project_cases pc JOIN projects pr ON pr.id = pc.project_id JOIN programs pg ON pg.id = pr.program_id
		JOIN orgs o ON o.id = pr.org_id WHERE `+cond+` ORDER BY pg.year DESC, pc.marked_at DESC`, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Case])
}

// CasesView is the page of cases and commendations.
type CasesView struct {
	Cases     []Case
	Commended []portal.Project
}

// Cases lists the good practice marked on projects, for later batches: every case
// of a program whose applicant scope reaches one of the actor's organizations (or
// that the actor may view), and the projects commended as excellent that the actor
// may see.
func (s *Store) Cases(ctx context.Context, actor *portal.Actor) (CasesView, error) {
	var v CasesView
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		var grants []string
		for _, g := range actor.Grants {
			grants = append(grants, g.OrgPath)
		}
		programScope := likeScope(actor.RoleScope(portal.RolesFor(portal.ActViewProgram)...))
		var err error
		v.Cases, err = casesWhere(ctx, tx, `EXISTS (SELECT 1 FROM orgs so WHERE so.id = pg.scope_org_id
				AND (so.path LIKE ANY($1) OR EXISTS (SELECT 1 FROM unnest($2::text[]) g WHERE g LIKE so.path || '%')))
			OR EXISTS (SELECT 1 FROM orgs ow WHERE ow.id = pg.owner_org_id AND ow.path LIKE ANY($3))`,
			likeScope(grants), grants, programScope)
		if err != nil {
			return err
		}
		var args []any
		rows, err := tx.Query(ctx, `SELECT `+projectColumns+projectFrom+` WHERE `+projectVisible(actor, &args)+` AND pr.status = 'excellent'
			ORDER BY pg.year DESC, pr.program_id, pr.org_path LIMIT 500`, args...)
		if err != nil {
			return err
		}
		v.Commended, err = collectProjects(rows)
		return err
	})
	return v, err
}
