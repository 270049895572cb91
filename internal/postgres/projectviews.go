package postgres

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campusorg/portal/internal/portal"
)

// ProjectFilter narrows ListProjects.
type ProjectFilter struct {
	ProgramID int64
	Status    portal.ProjectStatus
	CollegeID int64
}

// ProjectRow is one line of a project list.
type ProjectRow struct {
	Project        portal.Project
	MilestonesDone int
	Milestones     int
	Overdue        int
	Entries        int
	Waiting        int
	LastEntry      time.Time
}

// ListProjects lists the projects the actor may read, newest programs first.
func (s *Store) ListProjects(ctx context.Context, actor *portal.Actor, f ProjectFilter) ([]ProjectRow, error) {
	var out []ProjectRow
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		college := "/"
		if f.CollegeID != 0 {
			if err := tx.QueryRow(ctx, `SELECT path FROM orgs WHERE id = $1`, f.CollegeID).Scan(&college); err != nil {
				return err
			}
		}
		// Counts come from the ledger's monthly rollup and the small index of
		// entries not yet verified, not from the ledger itself.
		args := []any{f.ProgramID, string(f.Status), college, college[:len(college)-1] + "0", s.todayDay()}
		rows, err := tx.Query(ctx, `SELECT `+projectColumns+`,
				(SELECT count(*) FILTER (WHERE m.status = 'done') FROM milestones m WHERE m.project_id = pr.id),
				(SELECT count(*) FROM milestones m WHERE m.project_id = pr.id),
				(SELECT count(*) FROM milestones m WHERE m.project_id = pr.id AND m.status <> 'done' AND m.due_on < $5),
				(SELECT coalesce(sum(lm.entries), 0) FROM ledger_months lm WHERE lm.project_id = pr.id),
				(SELECT count(*) FROM ledger_entries e WHERE e.project_id = pr.id AND e.replaced_by IS NULL AND e.status = 'pending'),
				(SELECT max(lm.last_day) FROM ledger_months lm WHERE lm.project_id = pr.id)
			`+projectFrom+` WHERE ($1 = 0 OR pr.program_id = $1) AND ($2 = '' OR pr.status = $2)
			  AND pr.org_path ~>=~ $3 AND pr.org_path ~<~ $4 AND `+projectVisible(actor, &args)+`
			ORDER BY pg.year DESC, pr.program_id DESC, pr.org_path, pr.id LIMIT 1000`, args...)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (ProjectRow, error) {
			var x ProjectRow
			var last *time.Time
			var p portal.Project
			var rectify, decided *time.Time
			err := r.Scan(&p.ID, &p.ApplicationID, &p.ProgramID, &p.ProgramTitle, &p.ProgramKind, &p.ProgramYear, &p.ProgramBatch,
				&p.OwnerPath, &p.BanMonths, &p.TrackID, &p.TrackName, &p.OrgID, &p.OrgPath, &p.OrgName, &p.CollegeName, &p.Title,
				&p.GrantYuan, &p.Starts, &p.Ends, &p.Status, &p.AutoRecognised, &p.SecretaryID, &p.SecretaryName, &p.CounselorID,
				&p.CounselorName, &p.OutcomeNote, &rectify, &decided, &p.HasCase, &p.Version,
				&x.MilestonesDone, &x.Milestones, &x.Overdue, &x.Entries, &x.Waiting, &last)
			if rectify != nil {
				p.RectifyBy = *rectify
			}
			if decided != nil {
				p.DecidedAt = *decided
			}
			if !p.Status.Open() {
				x.Overdue = 0
			}
			if last != nil {
				x.LastEntry = *last
			}
			x.Project = p
			return x, err
		})
		return err
	})
	return out, err
}

// WorkItem is a project on a person's workbench with what it lacks.
type WorkItem struct {
	Project    portal.Project
	Missing    portal.Missing
	Done       int
	Milestones int
	Next       []portal.Milestone // open milestones, soonest first (at most 3)
	Recent     []portal.MonthCompliance
	Supervised time.Time // the newest supervision record
}

// ClassRow is an organization a counselor is responsible for, with its projects.
type ClassRow struct {
	Org      portal.Org
	Projects []int64 // ids of WorkItems
}

// Workbench is the one page of the people keeping projects (counselors,
// secretaries) and of the supervision team.
type Workbench struct {
	Keeping    []WorkItem // projects the actor keeps
	Classes    []ClassRow // a counselor's classes, with or without projects
	Waiting    []portal.LedgerEntry
	Supervised []WorkItem // open projects the actor supervises
	Today      time.Time
}

// Workbench returns the actor's workbench: every project she keeps (responsible for
// it, or secretary or counselor over it) with what is missing, the classes she is
// counselor of, the entries waiting for her verification and the projects she
// supervises.
func (s *Store) Workbench(ctx context.Context, actor *portal.Actor) (Workbench, error) {
	var w Workbench
	w.Today = s.todayDay()
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		args := []any{actor.UserID}
		rows, err := tx.Query(ctx, `SELECT `+projectColumns+projectFrom+`
			WHERE (`+inScope("pr.org_path", actor.RoleScope(portal.RolesFor(portal.ActKeepLedger)...), &args)+`
			  OR pr.secretary_id = $1 OR pr.counselor_id = $1)
			ORDER BY pr.status IN ('running', 'rectify') DESC, pg.year DESC, pr.org_path LIMIT 200`, args...)
		if err != nil {
			return err
		}
		keeping, err := collectProjects(rows)
		if err != nil {
			return err
		}
		keeping = slices.DeleteFunc(keeping, func(p portal.Project) bool {
			return !portal.CanViewProject(actor, p.Scope()) && p.SecretaryID != actor.UserID && p.CounselorID != actor.UserID
		})
		wi := workItems{s: s, tx: tx, today: w.Today}
		if w.Keeping, err = wi.of(ctx, keeping); err != nil {
			return err
		}
		args = nil
		rows, err = tx.Query(ctx, `SELECT `+orgColumns+` FROM orgs o WHERE o.kind = 'class' AND o.active
			AND `+inScope("o.path", actor.RoleScope(portal.RoleCounselor), &args)+` ORDER BY o.path LIMIT 200`, args...)
		if err != nil {
			return err
		}
		classes, err := collectOrgs(rows, false)
		if err != nil {
			return err
		}
		for _, c := range classes {
			row := ClassRow{Org: c}
			for _, it := range w.Keeping {
				if portal.PathCovers(c.Path, it.Project.OrgPath) {
					row.Projects = append(row.Projects, it.Project.ID)
				}
			}
			w.Classes = append(w.Classes, row)
		}
		if sup := actor.RoleScope(portal.RolesFor(portal.ActSupervise)...); len(sup) > 0 {
			args = nil
			rows, err = tx.Query(ctx, `SELECT `+projectColumns+projectFrom+`
				WHERE `+inScope("pr.org_path", sup, &args)+` AND pr.status IN ('running', 'rectify') ORDER BY pr.org_path LIMIT 200`, args...)
			if err != nil {
				return err
			}
			supervised, err := collectProjects(rows)
			if err != nil {
				return err
			}
			if w.Supervised, err = wi.of(ctx, supervised); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return w, err
	}
	if actor.Has(portal.RoleSupervisor) || actor.Has(portal.RoleManager) {
		w.Waiting, err = s.WaitingEntries(ctx, actor, 100)
	}
	return w, err
}

// workItems works out what projects lack, reading each program once and the
// ledger from its rollup.
type workItems struct {
	s        *Store
	tx       pgx.Tx
	today    time.Time
	programs map[int64]portal.ProgramDetail
	rules    map[int64]portal.ProjectRules
}

func (wi *workItems) of(ctx context.Context, projects []portal.Project) ([]WorkItem, error) {
	if len(projects) == 0 {
		return nil, nil
	}
	if wi.programs == nil {
		wi.programs, wi.rules = map[int64]portal.ProgramDetail{}, map[int64]portal.ProjectRules{}
	}
	ids := make([]int64, len(projects))
	for i, p := range projects {
		ids[i] = p.ID
	}
	ledgers, err := ledgerStates(ctx, wi.tx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]WorkItem, 0, len(projects))
	for _, p := range projects {
		if _, ok := wi.programs[p.ProgramID]; !ok {
			prog, err := loadProgram(ctx, wi.tx, p.ProgramID)
			if err != nil {
				return nil, err
			}
			rules, err := loadRules(ctx, wi.tx, p.ProgramID)
			if err != nil {
				return nil, err
			}
			wi.programs[p.ProgramID], wi.rules[p.ProgramID] = prog, rules
		}
		it, err := wi.s.workItem(ctx, wi.tx, p, wi.programs[p.ProgramID].Program, wi.rules[p.ProgramID], *ledgers[p.ID], wi.today)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, nil
}

// workItem works out what a project lacks.
func (s *Store) workItem(ctx context.Context, tx pgx.Tx, p portal.Project, prog portal.Program, rules portal.ProjectRules,
	lg ledgerState, today time.Time) (WorkItem, error) {
	it := WorkItem{Project: p}
	ms, err := projectMilestones(ctx, tx, p.ID)
	if err != nil {
		return it, err
	}
	reports, err := projectReports(ctx, tx, p.ID)
	if err != nil {
		return it, err
	}
	comp := portal.ComplianceFromMonths(rules, p.Starts, p.Ends, today, lg.months)
	it.Missing = missingOf(p, prog, rules, ms, lg, comp, reports, today, s)
	it.Milestones = len(ms)
	for _, m := range ms {
		if m.Status == portal.MilestoneDone {
			it.Done++
		} else if len(it.Next) < 3 && p.Status.Open() {
			it.Next = append(it.Next, m)
		}
	}
	// The last six months judged or under way.
	var recent []portal.MonthCompliance
	for _, c := range comp {
		if c.State != portal.ComplianceFuture {
			recent = append(recent, c)
		}
	}
	if len(recent) > 6 {
		recent = recent[len(recent)-6:]
	}
	it.Recent = recent
	var last *time.Time
	if err := tx.QueryRow(ctx, `SELECT max(on_date) FROM supervision_records WHERE project_id = $1`, p.ID).Scan(&last); err != nil {
		return it, err
	}
	if last != nil {
		it.Supervised = *last
	}
	return it, nil
}

// HeatRow is one project's line of the compliance heat map, one cell per month of
// the dashboard (State "" where the month is outside its cycle).
type HeatRow struct {
	Project portal.Project
	Cells   []portal.MonthCompliance
}

// GroupRow is an organization under the dashboard's focus, with its projects and
// one cell per month of the dashboard.
type GroupRow struct {
	Org      portal.Org
	Projects int
	Open     int
	Cells    []GroupCell
}

// GroupCell is a month of a GroupRow: how many of its projects were in their cycle
// (Running), how many of those had a ledger entry that counts (Active), and the
// entries.
type GroupCell struct {
	Month   portal.Month
	Running int
	Active  int
	Entries int
}

// Share returns the percentage of running projects that were active, -1 when none
// was running.
func (c GroupCell) Share() int {
	if c.Running == 0 {
		return -1
	}
	return min(100, c.Active*100/c.Running)
}

// OverdueRow is a milestone past due on the dashboard.
type OverdueRow struct {
	Project   portal.Project
	Milestone portal.Milestone
	Days      int
	Escalate  bool
}

// MonthActivity counts a month's ledger entries.
type MonthActivity struct {
	Month    portal.Month
	Entries  int
	Verified int
}

// MoneyRow is the grants of a group of projects (an organization, a program).
type MoneyRow struct {
	Label    string
	OrgID    int64
	Projects int
	Awarded  int64 // fen
	Paid     int64
	Spent    int64
}

// Dashboard is the overview of a program's projects under one organization (the
// focus), for managers, colleges and school leaders: what the actor may choose and
// where she stands (Programs, Trail), and the figures under the focus.
type Dashboard struct {
	Programs []portal.Program // programs with projects the actor sees, newest first (at most DashboardPrograms)
	Program  portal.Program
	Trail    []portal.Org // the focus's ancestors from the top the actor may look at, for going back up
	*DashFigures
}

// DashFigures are the figures of a program's projects under one organization on
// one day, the same for everyone who may look there. They are kept in memory while
// the store's listener runs, until something of the program changes (cache.go).
type DashFigures struct {
	Focus     portal.Org   // the organization looked at
	Ancestors []portal.Org // the focus's ancestors, from the root
	Rules     portal.ProjectRules
	ByStatus  map[portal.ProjectStatus]int
	Total     int
	Months    []portal.Month
	// Heat has a line per project when the focus holds at most HeatProjects of
	// them; otherwise Groups has a line per organization under the focus.
	Heat         []HeatRow
	Groups       []GroupRow
	GroupMonths  []portal.Month // the months of Groups' cells: the last groupMonths of Months
	Overdue      []OverdueRow   // the longest overdue first, at most MaxOverdue
	OverdueTotal int
	Escalated    int
	Activity     []MonthActivity
	ByGroup      []MoneyRow
	Money        MoneyRow
	Today        time.Time
	// Memo keeps what the views derive from these figures (the rendered page
	// part, per language) for as long as the figures are kept.
	Memo *Memo
}

// Bounds of the dashboard.
const (
	DashboardPrograms = 100 // programs offered in its choice
	HeatProjects      = 60  // projects shown one by one
	MaxOverdue        = 30  // overdue milestones listed
	dashboardMonths   = 36
	groupMonths       = 12
)

// Dashboard returns the overview of one program's projects (the newest program with
// projects the actor sees when programID is 0) under the organization focusID (by
// default the program's applicant scope, or the actor's own subtree for those who
// see projects but not the program). Its figures come from the projects' rows and
// the ledger's rollups (ledger_months, ledger_org_months), never from the ledger,
// and are kept in memory per program, focus and day (see DashFigures), as is the
// choice of programs per scope (dashboardChoice). The parts may come from copies
// made at different moments: each is consistent in itself.
func (s *Store) Dashboard(ctx context.Context, actor *portal.Actor, programID, focusID int64) (Dashboard, error) {
	var d Dashboard
	var err error
	if d.Programs, err = s.dashboardChoice(ctx, actor); err != nil {
		return d, err
	}
	if programID == 0 {
		if len(d.Programs) == 0 {
			d.DashFigures = &DashFigures{}
			return d, nil // nothing to show yet
		}
		programID = d.Programs[0].ID
	}
	prog, err := s.programDetail(ctx, programID)
	if err != nil {
		return d, err
	}
	d.Program = prog.Program
	// The focus: the organization asked for when the actor may see every project
	// under it, else the top she may look at.
	var tops []string
	if portal.Can(actor, portal.ActViewProgram, d.Program.OwnerPath) {
		tops = []string{d.Program.ScopePath}
	} else {
		tops = actor.RoleScope(portal.RolesFor(portal.ActViewProjects)...)
	}
	if len(tops) == 0 {
		return d, portal.NotFound()
	}
	if d.DashFigures, err = s.dashFigures(ctx, d.Program, focusID, tops[0]); err != nil {
		return d, err
	}
	top := ""
	for _, t := range tops {
		if portal.PathCovers(t, d.Focus.Path) {
			top = t
		}
	}
	if top == "" {
		return d, portal.NotFound()
	}
	for _, o := range d.Ancestors {
		if portal.PathCovers(top, o.Path) {
			d.Trail = append(d.Trail, o)
		}
	}
	return d, nil
}

// dashboardChoice returns the programs the actor views (their owner in her scope)
// that have projects (programs.has_projects), and those with projects in her own
// subtree, newest first; kept in memory per scope until any program changes.
func (s *Store) dashboardChoice(ctx context.Context, actor *portal.Actor) ([]portal.Program, error) {
	programScope := actor.RoleScope(portal.RolesFor(portal.ActViewProgram)...)
	projectScope := actor.RoleScope(portal.RolesFor(portal.ActViewProjects)...)
	key := progKey{what: "dashboard choice", part: strings.Join(programScope, ",") + "|" + strings.Join(projectScope, ",")}
	v, err := cached(s, s.cache.programs, key, func() (any, time.Time, error) {
		var args []any
		var either []string
		if len(programScope) > 0 {
			either = append(either, `EXISTS (SELECT 1 FROM orgs vpo WHERE vpo.id = pg.owner_org_id AND `+inScope("vpo.path", programScope, &args)+`)`)
		}
		if len(projectScope) > 0 {
			either = append(either, `EXISTS (SELECT 1 FROM projects pr WHERE pr.program_id = pg.id AND `+inScope("pr.org_path", projectScope, &args)+`)`)
		}
		if len(either) == 0 {
			return []portal.Program(nil), time.Time{}, nil
		}
		rows, err := s.pool.Query(ctx, `SELECT pg.id, pg.title, pg.batch, pg.year FROM programs pg WHERE (`+strings.Join(either, `) OR (`)+`)
			AND pg.has_projects ORDER BY pg.year DESC, pg.id DESC LIMIT `+strconv.Itoa(DashboardPrograms), planned(args...)...)
		if err != nil {
			return nil, time.Time{}, err
		}
		programs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (portal.Program, error) {
			var p portal.Program
			err := r.Scan(&p.ID, &p.Title, &p.Batch, &p.Year)
			return p, err
		})
		return programs, time.Time{}, err
	})
	if err != nil {
		return nil, err
	}
	return v.([]portal.Program), nil
}

// programDetail is loadProgram in a read transaction of its own, kept in memory.
func (s *Store) programDetail(ctx context.Context, id int64) (portal.ProgramDetail, error) {
	v, err := cached(s, s.cache.programs, progKey{program: id, what: "detail"}, func() (any, time.Time, error) {
		var d portal.ProgramDetail
		err := s.inReadTx(ctx, func(tx pgx.Tx) error {
			var err error
			d, err = loadProgram(ctx, tx, id)
			return err
		})
		return d, time.Time{}, err
	})
	if err != nil {
		return portal.ProgramDetail{}, err
	}
	return v.(portal.ProgramDetail), nil
}

// dashFigures returns the figures of prog under the organization focusID (the one
// at path top when focusID is 0), today, from memory or read in one transaction.
func (s *Store) dashFigures(ctx context.Context, prog portal.Program, focusID int64, top string) (*DashFigures, error) {
	today := s.todayDay()
	part := today.Format("2006-01-02") + "/" + strconv.FormatInt(focusID, 10)
	if focusID == 0 {
		part += "/" + top
	}
	v, err := cached(s, s.cache.programs, progKey{program: prog.ID, what: "dashboard", part: part}, func() (any, time.Time, error) {
		f := &DashFigures{ByStatus: map[portal.ProjectStatus]int{}, Today: today, Memo: &Memo{}}
		err := s.inReadTx(ctx, func(tx pgx.Tx) error {
			var err error
			if focusID != 0 {
				f.Focus, err = scanOrg(tx.QueryRow(ctx, `SELECT `+orgColumns+` FROM orgs o WHERE o.id = $1`, focusID))
			} else {
				f.Focus, err = scanOrg(tx.QueryRow(ctx, `SELECT `+orgColumns+` FROM orgs o WHERE o.path = $1`, top))
			}
			if err != nil {
				return err
			}
			rows, err := tx.Query(ctx, `SELECT `+orgColumns+` FROM orgs o WHERE o.id = ANY (path_ids($1)) AND o.id <> $2
				ORDER BY length(o.path)`, f.Focus.Path, f.Focus.ID)
			if err != nil {
				return err
			}
			if f.Ancestors, err = collectOrgs(rows, false); err != nil {
				return err
			}
			if f.Rules, err = loadRules(ctx, tx, prog.ID); err != nil {
				return err
			}
			return s.dashboardFigures(ctx, tx, prog, f)
		})
		return f, time.Time{}, err
	})
	if err != nil {
		return nil, err
	}
	return v.(*DashFigures), nil
}

// Memo keeps strings derived from a copy kept in memory, by key, made once each.
// A nil Memo keeps nothing.
type Memo struct {
	mu sync.Mutex
	m  map[string]string
}

// Get returns the string kept under key, or makes it and keeps it.
func (m *Memo) Get(key string, make func() (string, error)) (string, error) {
	if m == nil {
		return make()
	}
	m.mu.Lock()
	v, ok := m.m[key]
	m.mu.Unlock()
	if ok {
		return v, nil
	}
	v, err := make()
	if err != nil {
		return "", err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil {
		m.m = map[string]string{}
	}
	m.m[key] = v
	return v, nil
}

// dashboardFigures fills d with the figures of prog under d.Focus.
func (s *Store) dashboardFigures(ctx context.Context, tx pgx.Tx, prog portal.Program, d *DashFigures) error {
	type light struct {
		id, child          int64
		status             portal.ProjectStatus
		starts, ends       time.Time
		grant, paid, spent int64
	}
	path := d.Focus.Path
	rows, err := tx.Query(ctx, `SELECT pr.id, coalesce(nullif(split_part(substr(pr.org_path, length($2) + 1), '/', 1), '')::bigint, 0),
			pr.status, pr.starts_on, pr.ends_on, pr.grant_yuan * 100, pr.paid_cents, pr.spent_cents
		FROM projects pr WHERE pr.program_id = $1 AND pr.org_path ~>=~ $2 AND pr.org_path ~<~ $3`,
		planned(prog.ID, path, path[:len(path)-1]+"0")...)
	if err != nil {
		return err
	}
	var projects []light
	var l light
	if _, err := pgx.ForEachRow(rows, []any{&l.id, &l.child, &l.status, &l.starts, &l.ends, &l.grant, &l.paid, &l.spent}, func() error {
		projects = append(projects, l)
		return nil
	}); err != nil {
		return err
	}
	d.Total = len(projects)
	if d.Total == 0 {
		return nil
	}
	first, last := projects[0].starts, projects[0].ends
	var childIDs []int64
	money := map[int64]*MoneyRow{}
	for _, p := range projects {
		d.ByStatus[p.status]++
		first, last = minTime(first, p.starts), maxTime(last, p.ends)
		mr := money[p.child]
		if mr == nil {
			mr = &MoneyRow{OrgID: p.child}
			money[p.child] = mr
			childIDs = append(childIDs, p.child)
		}
		for _, r := range []*MoneyRow{mr, &d.Money} {
			r.Projects++
			r.Awarded += p.grant
			r.Paid += p.paid
			r.Spent += p.spent
		}
	}
	d.Months = portal.MonthsBetween(first, last)
	if len(d.Months) > dashboardMonths {
		d.Months = d.Months[len(d.Months)-dashboardMonths:]
	}
	monthIndex := map[portal.Month]int{}
	for i, m := range d.Months {
		monthIndex[m] = i
		d.Activity = append(d.Activity, MonthActivity{Month: m})
	}
	rows, err = tx.Query(ctx, `SELECT `+orgColumns+` FROM orgs o WHERE o.id = ANY ($1) ORDER BY o.path`, childIDs)
	if err != nil {
		return err
	}
	children, err := collectOrgs(rows, false)
	if err != nil {
		return err
	}
	for _, c := range children {
		money[c.ID].Label = c.Name
		d.ByGroup = append(d.ByGroup, *money[c.ID])
	}
	if mr := money[0]; mr != nil { // projects of the focus itself
		mr.Label, mr.OrgID = d.Focus.Name, d.Focus.ID
		d.ByGroup = append(d.ByGroup, *mr)
	}
	// Ledger activity under the focus, by month, from the organizations' rollup:
	// the focus and its children, each read through the rollup's key (a list of
	// ids, org_id = ANY($n), would let a generic plan read the program's every row).
	rows, err = tx.Query(ctx, `SELECT l.org_id, l.month, l.entries, l.verified, l.projects
		FROM orgs o JOIN ledger_org_months l ON l.program_id = $1 AND l.org_id = o.id AND l.month BETWEEN $3 AND $4
		WHERE o.id = $2 OR o.parent_id = $2`,
		planned(prog.ID, d.Focus.ID, d.Months[0].First(), d.Months[len(d.Months)-1].First())...)
	if err != nil {
		return err
	}
	type orgMonth struct {
		entries, verified, projects int
	}
	byOrg := map[int64]map[portal.Month]orgMonth{}
	var orgID int64
	var month time.Time
	var om orgMonth
	if _, err := pgx.ForEachRow(rows, []any{&orgID, &month, &om.entries, &om.verified, &om.projects}, func() error {
		if byOrg[orgID] == nil {
			byOrg[orgID] = map[portal.Month]orgMonth{}
		}
		byOrg[orgID][portal.MonthOf(month)] = om
		return nil
	}); err != nil {
		return err
	}
	for i, m := range d.Months {
		d.Activity[i].Entries, d.Activity[i].Verified = byOrg[d.Focus.ID][m].entries, byOrg[d.Focus.ID][m].verified
	}
	if d.Total <= HeatProjects {
		if err := s.dashboardHeat(ctx, tx, prog, d); err != nil {
			return err
		}
	} else {
		d.GroupMonths = d.Months[max(0, len(d.Months)-groupMonths):]
		first := len(d.Months) - len(d.GroupMonths)
		groups := map[int64]*GroupRow{}
		for _, c := range children {
			g := &GroupRow{Org: c, Cells: make([]GroupCell, len(d.GroupMonths))}
			for i, m := range d.GroupMonths {
				g.Cells[i] = GroupCell{Month: m, Active: byOrg[c.ID][m].projects, Entries: byOrg[c.ID][m].entries}
			}
			groups[c.ID] = g
		}
		for _, p := range projects {
			g := groups[p.child]
			if g == nil {
				continue // the focus's own projects are counted in its totals only
			}
			g.Projects++
			if p.status.Open() {
				g.Open++
			}
			for _, m := range portal.MonthsBetween(p.starts, p.ends) {
				if i, ok := monthIndex[m]; ok && i >= first {
					g.Cells[i-first].Running++
				}
			}
		}
		for _, c := range children {
			d.Groups = append(d.Groups, *groups[c.ID])
		}
	}
	return s.dashboardOverdue(ctx, tx, prog, d)
}

// dashboardHeat fills the heat map with one line per project under the focus, its
// months judged from the ledger's monthly rollup.
func (s *Store) dashboardHeat(ctx context.Context, tx pgx.Tx, prog portal.Program, d *DashFigures) error {
	path := d.Focus.Path
	rows, err := tx.Query(ctx, `SELECT `+projectColumns+projectFrom+` WHERE pr.program_id = $1
		AND pr.org_path ~>=~ $2 AND pr.org_path ~<~ $3 ORDER BY pr.org_path, pr.id`, planned(prog.ID, path, path[:len(path)-1]+"0")...)
	if err != nil {
		return err
	}
	projects, err := collectProjects(rows)
	if err != nil {
		return err
	}
	ids := make([]int64, len(projects))
	for i, p := range projects {
		ids[i] = p.ID
	}
	ledgers, err := ledgerStates(ctx, tx, ids)
	if err != nil {
		return err
	}
	for _, p := range projects {
		comp := portal.ComplianceFromMonths(d.Rules, p.Starts, p.Ends, d.Today, ledgers[p.ID].months)
		row := HeatRow{Project: p}
		byMonth := map[portal.Month]portal.MonthCompliance{}
		for _, c := range comp {
			byMonth[c.Month] = c
		}
		for _, m := range d.Months {
			c, ok := byMonth[m]
			if !ok {
				c = portal.MonthCompliance{Month: m}
			}
			row.Cells = append(row.Cells, c)
		}
		d.Heat = append(d.Heat, row)
	}
	return nil
}

// dashboardOverdue lists the open projects' milestones past due under the focus,
// the longest overdue first (at most MaxOverdue), and counts them all. The
// projects with an open milestone due before today drive (projects.next_due_on,
// kept by a trigger), each one's open milestones read through
// milestones_project_open_idx: walked by due date instead, the milestones of every
// program come first.
func (s *Store) dashboardOverdue(ctx context.Context, tx pgx.Tx, prog portal.Program, d *DashFigures) error {
	path := d.Focus.Path
	rows, err := tx.Query(ctx, `WITH p AS MATERIALIZED (SELECT pr.id FROM projects pr WHERE pr.program_id = $1
			AND pr.org_path ~>=~ $2 AND pr.org_path ~<~ $3 AND pr.status IN ('running', 'rectify') AND pr.next_due_on < $4)
		SELECT `+milestoneColumns+` FROM p, LATERAL (SELECT * FROM milestones m WHERE m.project_id = p.id
			AND m.status <> 'done' AND m.due_on < $4 OFFSET 0) m ORDER BY m.due_on, m.id`,
		planned(prog.ID, path, path[:len(path)-1]+"0", d.Today)...)
	if err != nil {
		return err
	}
	ms, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (portal.Milestone, error) { return scanMilestone(r) })
	if err != nil {
		return err
	}
	overdue := portal.OverdueMilestones(ms, d.Today, d.Rules.EscalateDays)
	d.OverdueTotal = len(overdue)
	for _, o := range overdue {
		if o.Escalate {
			d.Escalated++
		}
	}
	overdue = overdue[:min(len(overdue), MaxOverdue)]
	if len(overdue) == 0 {
		return nil
	}
	var ids []int64
	for _, o := range overdue {
		ids = append(ids, o.Milestone.ProjectID)
	}
	// The list names the organization and the counselor only.
	rows, err = tx.Query(ctx, `SELECT pr.id, (SELECT o.name FROM orgs o WHERE o.id = pr.org_id),
		coalesce((SELECT u.display_name FROM users u WHERE u.id = pr.counselor_id), '') FROM projects pr WHERE pr.id = ANY ($1)`, ids)
	if err != nil {
		return err
	}
	byID := map[int64]portal.Project{}
	var p portal.Project
	if _, err := pgx.ForEachRow(rows, []any{&p.ID, &p.OrgName, &p.CounselorName}, func() error {
		byID[p.ID] = p
		return nil
	}); err != nil {
		return err
	}
	for _, o := range overdue {
		d.Overdue = append(d.Overdue, OverdueRow{Project: byID[o.Milestone.ProjectID], Milestone: o.Milestone, Days: o.Days, Escalate: o.Escalate})
	}
	return nil
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// OrgProfile is an organization's one page across programs and years.
type OrgProfile struct {
	Org      portal.Org
	Projects []portal.Project
	Bans     []portal.Ban
	Cases    []Case
	Today    time.Time
}

// OrgProfile returns an organization's projects (its own and its subtree's that the
// actor may read), outcomes, bans and cases, to those who may view it.
func (s *Store) OrgProfile(ctx context.Context, actor *portal.Actor, orgID int64) (OrgProfile, error) {
	var v OrgProfile
	v.Today = s.todayDay()
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		var err error
		if v.Org, err = scanOrg(tx.QueryRow(ctx, `SELECT `+orgColumns+` FROM orgs o WHERE o.id = $1`, orgID)); err != nil {
			return err
		}
		if !portal.Can(actor, portal.ActViewOrg, v.Org.Path) {
			return portal.NotFound()
		}
		args := []any{v.Org.Path, v.Org.Path[:len(v.Org.Path)-1] + "0"}
		rows, err := tx.Query(ctx, `SELECT `+projectColumns+projectFrom+` WHERE pr.org_path ~>=~ $1 AND pr.org_path ~<~ $2
			AND `+projectVisible(actor, &args)+` ORDER BY pg.year DESC, pr.starts_on DESC, pr.org_path LIMIT 500`, args...)
		if err != nil {
			return err
		}
		if v.Projects, err = collectProjects(rows); err != nil {
			return err
		}
		rows, err = tx.Query(ctx, `SELECT org_id, program_kind, until, reason FROM bans WHERE org_id = $1 ORDER BY until DESC`, orgID)
		if err != nil {
			return err
		}
		v.Bans, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (portal.Ban, error) {
			var b portal.Ban
			err := r.Scan(&b.OrgID, &b.Kind, &b.Until, &b.Reason)
			return b, err
		})
		if err != nil {
			return err
		}
		var ids []int64
		for _, p := range v.Projects {
			ids = append(ids, p.ID)
		}
		v.Cases, err = casesWhere(ctx, tx, `pc.project_id = ANY($1)`, ids)
		return err
	})
	return v, err
}
