package postgres

import (
	"context"
	"sort"
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
		orgScope, progScope := projectScopes(actor)
		college := "/"
		if f.CollegeID != 0 {
			if err := tx.QueryRow(ctx, `SELECT path FROM orgs WHERE id = $1`, f.CollegeID).Scan(&college); err != nil {
				return err
			}
		}
		rows, err := tx.Query(ctx, `SELECT `+projectColumns+`,
				(SELECT count(*) FILTER (WHERE m.status = 'done') FROM milestones m WHERE m.project_id = pr.id),
				(SELECT count(*) FROM milestones m WHERE m.project_id = pr.id),
				(SELECT count(*) FROM milestones m WHERE m.project_id = pr.id AND m.status <> 'done' AND m.due_on < $6),
				(SELECT count(*) FROM ledger_entries e WHERE e.project_id = pr.id AND e.replaced_by IS NULL),
				(SELECT count(*) FROM ledger_entries e WHERE e.project_id = pr.id AND e.replaced_by IS NULL AND e.status = 'pending'),
				(SELECT max(e.on_date) FROM ledger_entries e WHERE e.project_id = pr.id AND e.replaced_by IS NULL)
			`+projectFrom+` WHERE `+projectVisible+` AND ($3 = 0 OR pr.program_id = $3) AND ($4 = '' OR pr.status = $4)
			  AND pr.org_path LIKE $5
			ORDER BY pg.year DESC, pr.program_id DESC, pr.org_path, pr.id LIMIT 1000`,
			orgScope, progScope, f.ProgramID, string(f.Status), college+"%", s.todayDay())
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
		keep := likeScope(actor.RoleScope(portal.RolesFor(portal.ActKeepLedger)...))
		rows, err := tx.Query(ctx, `SELECT `+projectColumns+projectFrom+`
			WHERE (pr.org_path LIKE ANY($1) OR pr.secretary_id = $2 OR pr.counselor_id = $2)
			ORDER BY pr.status IN ('running', 'rectify') DESC, pg.year DESC, pr.org_path LIMIT 200`, keep, actor.UserID)
		if err != nil {
			return err
		}
		keeping, err := collectProjects(rows)
		if err != nil {
			return err
		}
		for _, p := range keeping {
			if !portal.CanViewProject(actor, p.Scope()) && p.SecretaryID != actor.UserID && p.CounselorID != actor.UserID {
				continue
			}
			it, err := s.workItem(ctx, tx, p, w.Today)
			if err != nil {
				return err
			}
			w.Keeping = append(w.Keeping, it)
		}
		counsel := likeScope(actor.RoleScope(portal.RoleCounselor))
		rows, err = tx.Query(ctx, `SELECT `+orgColumns+` FROM orgs o WHERE o.kind = 'class' AND o.active AND o.path LIKE ANY($1)
			ORDER BY o.path LIMIT 200`, counsel)
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
		sup := likeScope(actor.RoleScope(portal.RolesFor(portal.ActSupervise)...))
		if len(sup) > 0 {
			rows, err = tx.Query(ctx, `SELECT `+projectColumns+projectFrom+`
				WHERE pr.org_path LIKE ANY($1) AND pr.status IN ('running', 'rectify') ORDER BY pr.org_path LIMIT 200`, sup)
			if err != nil {
				return err
			}
			supervised, err := collectProjects(rows)
			if err != nil {
				return err
			}
			for _, p := range supervised {
				it, err := s.workItem(ctx, tx, p, w.Today)
				if err != nil {
					return err
				}
				w.Supervised = append(w.Supervised, it)
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

// workItem works out what a project lacks.
func (s *Store) workItem(ctx context.Context, tx pgx.Tx, p portal.Project, today time.Time) (WorkItem, error) {
	it := WorkItem{Project: p}
	prog, err := loadProgram(ctx, tx, p.ProgramID)
	if err != nil {
		return it, err
	}
	rules, err := loadRules(ctx, tx, p.ProgramID)
	if err != nil {
		return it, err
	}
	ms, err := projectMilestones(ctx, tx, p.ID)
	if err != nil {
		return it, err
	}
	entries, err := projectEntries(ctx, tx, p.ID)
	if err != nil {
		return it, err
	}
	reports, err := projectReports(ctx, tx, p.ID)
	if err != nil {
		return it, err
	}
	comp := portal.Compliance(rules, p.Starts, p.Ends, today, entryDays(entries))
	it.Missing = missingOf(p, prog.Program, rules, ms, entries, comp, reports, today, s)
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

// MoneyRow is the grants of a group of projects (a college, a program).
type MoneyRow struct {
	Label    string
	Projects int
	Awarded  int64 // fen
	Paid     int64
	Spent    int64
}

// Dashboard is the manager's and the college's overview of a program's projects.
type Dashboard struct {
	Programs  []portal.Program // the programs with projects the actor sees
	Program   portal.Program
	Colleges  []portal.Org
	CollegeID int64
	Rules     portal.ProjectRules
	ByStatus  map[portal.ProjectStatus]int
	Total     int
	Months    []portal.Month
	Heat      []HeatRow
	Overdue   []OverdueRow
	Activity  []MonthActivity
	ByCollege []MoneyRow
	Money     MoneyRow
	Today     time.Time
}

// Dashboard returns the overview of one program's projects that the actor may see
// (the newest program with projects when programID is 0), of one college when
// collegeID is given.
func (s *Store) Dashboard(ctx context.Context, actor *portal.Actor, programID, collegeID int64) (Dashboard, error) {
	d := Dashboard{ByStatus: map[portal.ProjectStatus]int{}, Today: s.todayDay(), CollegeID: collegeID}
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		orgScope, progScope := projectScopes(actor)
		rows, err := tx.Query(ctx, `SELECT DISTINCT pg.id, pg.year FROM projects pr JOIN programs pg ON pg.id = pr.program_id
			JOIN orgs po ON po.id = pg.owner_org_id WHERE `+projectVisible+` ORDER BY pg.year DESC, pg.id DESC`, orgScope, progScope)
		if err != nil {
			return err
		}
		ids, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (int64, error) {
			var id int64
			var year int
			err := r.Scan(&id, &year)
			return id, err
		})
		if err != nil {
			return err
		}
		for _, id := range ids {
			prog, err := loadProgram(ctx, tx, id)
			if err != nil {
				return err
			}
			d.Programs = append(d.Programs, prog.Program)
			if programID == 0 {
				programID = id
			}
			if id == programID {
				d.Program = prog.Program
			}
		}
		if d.Program.ID == 0 {
			if programID != 0 && len(ids) > 0 {
				return portal.NotFound()
			}
			return nil // nothing to show yet
		}
		if d.Rules, err = loadRules(ctx, tx, programID); err != nil {
			return err
		}
		rows, err = tx.Query(ctx, `SELECT `+projectColumns+projectFrom+` WHERE pr.program_id = $3 AND `+projectVisible+`
			ORDER BY pr.org_path, pr.id LIMIT 2000`, orgScope, progScope, programID)
		if err != nil {
			return err
		}
		all, err := collectProjects(rows)
		if err != nil {
			return err
		}
		// The colleges of the program's projects, for the filter.
		var paths []string
		var college portal.Org
		for _, p := range all {
			paths = append(paths, p.OrgPath)
		}
		rows, err = tx.Query(ctx, `SELECT `+orgColumns+` FROM orgs o WHERE o.kind = 'college'
			AND EXISTS (SELECT 1 FROM unnest($1::text[]) p WHERE p LIKE o.path || '%') ORDER BY o.path`, paths)
		if err != nil {
			return err
		}
		if d.Colleges, err = collectOrgs(rows, false); err != nil {
			return err
		}
		for _, c := range d.Colleges {
			if c.ID == collegeID {
				college = c
			}
		}
		var projects []portal.Project
		for _, p := range all {
			if collegeID == 0 || college.ID != 0 && portal.PathCovers(college.Path, p.OrgPath) {
				projects = append(projects, p)
			}
		}
		d.Total = len(projects)
		if len(projects) == 0 {
			return nil
		}
		first, last := projects[0].Starts, projects[0].Ends
		for _, p := range projects {
			d.ByStatus[p.Status]++
			if p.Starts.Before(first) {
				first = p.Starts
			}
			if p.Ends.After(last) {
				last = p.Ends
			}
		}
		d.Months = portal.MonthsBetween(first, last)
		if len(d.Months) > 36 {
			d.Months = d.Months[len(d.Months)-36:]
		}
		activity := map[portal.Month]*MonthActivity{}
		for _, m := range d.Months {
			activity[m] = &MonthActivity{Month: m}
		}
		money := map[string]*MoneyRow{}
		for _, p := range projects {
			ms, err := projectMilestones(ctx, tx, p.ID)
			if err != nil {
				return err
			}
			entries, err := projectEntries(ctx, tx, p.ID)
			if err != nil {
				return err
			}
			comp := portal.Compliance(d.Rules, p.Starts, p.Ends, d.Today, entryDays(entries))
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
			if p.Status.Open() {
				for _, o := range portal.OverdueMilestones(ms, d.Today, d.Rules.EscalateDays) {
					d.Overdue = append(d.Overdue, OverdueRow{Project: p, Milestone: o.Milestone, Days: o.Days, Escalate: o.Escalate})
				}
			}
			for _, e := range entries {
				if a, ok := activity[portal.MonthOf(e.On)]; ok {
					a.Entries++
					if e.Status == portal.EntryVerified {
						a.Verified++
					}
				}
			}
			mr := money[p.CollegeName]
			if mr == nil {
				mr = &MoneyRow{Label: p.CollegeName}
				money[p.CollegeName] = mr
			}
			var paid, spent int64
			if err := tx.QueryRow(ctx, `SELECT (SELECT coalesce(sum(cents), 0) FROM disbursements WHERE project_id = $1),
				(SELECT coalesce(sum(cents), 0) FROM expenses WHERE project_id = $1)`, p.ID).Scan(&paid, &spent); err != nil {
				return err
			}
			mr.Projects++
			mr.Awarded += p.GrantCents()
			mr.Paid += paid
			mr.Spent += spent
			d.Money.Projects++
			d.Money.Awarded += p.GrantCents()
			d.Money.Paid += paid
			d.Money.Spent += spent
		}
		sort.SliceStable(d.Overdue, func(i, j int) bool { return d.Overdue[i].Days > d.Overdue[j].Days })
		for _, m := range d.Months {
			d.Activity = append(d.Activity, *activity[m])
		}
		for _, k := range sortedKeys(money) {
			d.ByCollege = append(d.ByCollege, *money[k])
		}
		return nil
	})
	return d, err
}

func sortedKeys(m map[string]*MoneyRow) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
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
		orgScope, progScope := projectScopes(actor)
		rows, err := tx.Query(ctx, `SELECT `+projectColumns+projectFrom+` WHERE pr.org_path LIKE $3 AND `+projectVisible+`
			ORDER BY pg.year DESC, pr.starts_on DESC, pr.org_path LIMIT 500`, orgScope, progScope, v.Org.Path+"%")
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
