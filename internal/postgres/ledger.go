package postgres

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campusorg/portal/internal/portal"
)

// entryColumns and entryFrom read a ledger entry with its milestone, project and
// organization; the evidence count is that of the entry's first revision.
const entryColumns = `e.id, e.project_id, e.org_path, coalesce(e.root_id, e.id), coalesce(e.previous_id, 0), coalesce(e.replaced_by, 0),
	e.revision, e.on_date, e.title, e.kind, e.description, e.participants, e.place, coalesce(e.milestone_id, 0),
	coalesce((SELECT m.title FROM milestones m WHERE m.id = e.milestone_id), ''),
	e.author_id, e.author_name, e.status, e.reviewer_name, e.reviewed_at, e.review_note,
	(SELECT count(*) FROM evidence ev WHERE ev.entry_id = coalesce(e.root_id, e.id)), e.version, e.created_at,
	(SELECT pr.title FROM projects pr WHERE pr.id = e.project_id),
	(SELECT o.name FROM projects pr JOIN orgs o ON o.id = pr.org_id WHERE pr.id = e.project_id)`

// entryFrom reads entries alone: the milestone's title and the project's title and
// organization are subqueries by primary key, which joins over those tables would
// not always be (a hash join reads them whole).
const entryFrom = ` FROM ledger_entries e`

func scanEntry(r pgx.Row) (portal.LedgerEntry, error) {
	var e portal.LedgerEntry
	var reviewed *time.Time
	err := r.Scan(&e.ID, &e.ProjectID, &e.OrgPath, &e.RootID, &e.PreviousID, &e.ReplacedBy, &e.Revision, &e.On, &e.Title, &e.Kind,
		&e.Description, &e.Participants, &e.Place, &e.MilestoneID, &e.MilestoneTitle, &e.AuthorID, &e.AuthorName, &e.Status,
		&e.ReviewerName, &reviewed, &e.ReviewNote, &e.Evidence, &e.Version, &e.CreatedAt, &e.ProjectTitle, &e.OrgName)
	if reviewed != nil {
		e.ReviewedAt = *reviewed
	}
	return e, err
}

func collectEntries(rows pgx.Rows) ([]portal.LedgerEntry, error) {
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (portal.LedgerEntry, error) { return scanEntry(r) })
}

// ProjectEntriesShown is how many entries the project page lists, newest first;
// the ledger export has them all.
const ProjectEntriesShown = 100

// projectEntries returns the newest revision of every entry of a project, newest first.
func projectEntries(ctx context.Context, tx pgx.Tx, projectID int64) ([]portal.LedgerEntry, error) {
	return projectEntriesLimit(ctx, tx, projectID, math.MaxInt32)
}

// projectEntriesLimit is projectEntries up to limit entries.
func projectEntriesLimit(ctx context.Context, tx pgx.Tx, projectID int64, limit int) ([]portal.LedgerEntry, error) {
	rows, err := tx.Query(ctx, `SELECT `+entryColumns+entryFrom+` WHERE e.project_id = $1 AND e.replaced_by IS NULL
		ORDER BY e.on_date DESC, e.id DESC LIMIT $2`, projectID, limit)
	if err != nil {
		return nil, err
	}
	return collectEntries(rows)
}

// EntryForm is what the ledger form needs: the project, its milestones to link an
// entry to, the rules, and the kind the person used last.
type EntryForm struct {
	Project    portal.Project
	Milestones []portal.Milestone
	Rules      portal.ProjectRules
	LastKind   portal.EntryKind
	Today      time.Time
}

// LedgerForm returns what the ledger form of a project shows, to those who keep its
// ledger while it is open.
func (s *Store) LedgerForm(ctx context.Context, actor *portal.Actor, projectID int64) (EntryForm, error) {
	var f EntryForm
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		var err error
		if f.Project, err = projectFor(ctx, tx, actor, projectID, false); err != nil {
			return err
		}
		if !portal.CanKeepLedger(actor, f.Project.Scope()) {
			return portal.NotFound()
		}
		if !f.Project.Status.Open() {
			return portal.Errorf(portal.EINVALID, "project.closed")
		}
		if f.Milestones, err = projectMilestones(ctx, tx, projectID); err != nil {
			return err
		}
		if f.Rules, err = loadRules(ctx, tx, f.Project.ProgramID); err != nil {
			return err
		}
		f.Today = s.todayDay()
		f.LastKind = portal.EntryActivity
		var k string
		if err := tx.QueryRow(ctx, `SELECT kind FROM ledger_entries WHERE author_id = $1 ORDER BY id DESC LIMIT 1`, actor.UserID).Scan(&k); err == nil {
			f.LastKind = portal.EntryKind(k)
		}
		return nil
	})
	return f, err
}

// checkEntry validates an entry of p: the input, its milestone (one of the
// project's), and the program's evidence rule given what is attached already.
func checkEntry(ctx context.Context, tx pgx.Tx, p portal.Project, in *portal.EntryInput, today time.Time, attached, files int) error {
	err := in.Validate(p, today)
	if in.MilestoneID != 0 {
		var ok bool
		if qerr := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM milestones WHERE id = $1 AND project_id = $2)`, in.MilestoneID, p.ID).Scan(&ok); qerr != nil {
			return qerr
		}
		if !ok {
			fe := portal.FieldErrors(err)
			if fe == nil {
				fe = map[string]string{}
			}
			fe["milestone_id"] = "form.choose"
			return &portal.Error{Code: portal.EINVALID, Message: "error.invalid_form", Fields: fe}
		}
	}
	if err != nil {
		return err
	}
	rules, err := loadRules(ctx, tx, p.ProgramID)
	if err != nil {
		return err
	}
	return portal.CheckEntryEvidence(rules.EvidenceRequired, attached+files, len(in.Links))
}

// AddEntry adds a ledger entry with its evidence to an open project, by its
// secretary or counselor. It waits for verification.
func (s *Store) AddEntry(ctx context.Context, actor *portal.Actor, projectID int64, in portal.EntryInput, files []Upload) (int64, error) {
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		p, err := projectFor(ctx, tx, actor, projectID, false)
		if err != nil {
			return err
		}
		if !portal.CanKeepLedger(actor, p.Scope()) {
			return portal.NotFound()
		}
		if !p.Status.Open() {
			return portal.Errorf(portal.EINVALID, "project.closed")
		}
		if err := checkEntry(ctx, tx, p, &in, s.todayDay(), 0, len(files)); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO ledger_entries (project_id, org_path, on_date, title, kind, description, participants,
			place, milestone_id, author_id, author_name) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
			projectID, p.OrgPath, portal.DateOf(in.On), in.Title, in.Kind, in.Description, in.Participants, in.Place,
			optID(in.MilestoneID), actor.UserID, actor.Name).Scan(&id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE ledger_entries SET root_id = id WHERE id = $1`, id); err != nil {
			return err
		}
		if err := addEvidence(ctx, tx, actor, projectID, evidenceTarget{entry: id}, files, in.Links); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "ledger.create", "ledger_entry", id, p.OrgPath, nil, entryRecord(in))
	})
	return id, err
}

func entryRecord(in portal.EntryInput) map[string]any {
	return map[string]any{"on": in.On.Format("2006-01-02"), "title": in.Title, "kind": in.Kind, "participants": in.Participants,
		"place": in.Place, "milestone": in.MilestoneID, "description": in.Description}
}

func entryRecordOf(e portal.LedgerEntry) map[string]any {
	return map[string]any{"on": e.On.Format("2006-01-02"), "title": e.Title, "kind": e.Kind, "participants": e.Participants,
		"place": e.Place, "milestone": e.MilestoneID, "description": e.Description, "status": e.Status}
}

// EntryDetail is a ledger entry with its revisions and evidence.
type EntryDetail struct {
	Entry      portal.LedgerEntry
	Project    portal.Project
	Revisions  []portal.LedgerEntry // every revision, newest first
	Evidence   []Evidence
	Milestones []portal.Milestone
	CanEdit    bool
	CanReview  bool
	// ReviewBlock is why a supervisor may not give a verdict (her own entry), "" else.
	ReviewBlock string
}

// GetEntry returns a ledger entry (any revision) to those who may read its project.
func (s *Store) GetEntry(ctx context.Context, actor *portal.Actor, id int64) (EntryDetail, error) {
	var d EntryDetail
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		var err error
		if d.Entry, err = scanEntry(tx.QueryRow(ctx, `SELECT `+entryColumns+entryFrom+` WHERE e.id = $1`, id)); err != nil {
			return err
		}
		if d.Project, err = projectFor(ctx, tx, actor, d.Entry.ProjectID, false); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT `+entryColumns+entryFrom+` WHERE coalesce(e.root_id, e.id) = $1 ORDER BY e.revision DESC`, d.Entry.RootID)
		if err != nil {
			return err
		}
		if d.Revisions, err = collectEntries(rows); err != nil {
			return err
		}
		rows, err = tx.Query(ctx, `SELECT `+evidenceColumns+` FROM evidence WHERE entry_id = $1 ORDER BY id`, d.Entry.RootID)
		if err != nil {
			return err
		}
		if d.Evidence, err = collectEvidence(rows); err != nil {
			return err
		}
		sc := d.Project.Scope()
		d.CanEdit = portal.CanKeepLedger(actor, sc) && d.Project.Status.Open() && d.Entry.Current()
		if d.CanEdit {
			if d.Milestones, err = projectMilestones(ctx, tx, d.Project.ID); err != nil {
				return err
			}
		}
		if portal.CanSupervise(actor, sc) && d.Entry.Current() && d.Entry.Status == portal.EntryPending {
			if rerr := portal.CheckReview(actor, d.Entry, sc); rerr != nil {
				d.ReviewBlock = rerr.(*portal.Error).Message
			} else {
				d.CanReview = true
			}
		}
		return nil
	})
	return d, err
}

// EditEntry corrects a ledger entry. An entry not yet verified (waiting, or
// returned) changes in place and waits for verification again; a verified entry is
// never changed: the correction becomes a new revision waiting for verification, and
// the verified one is kept. It returns the id of the entry's newest revision.
func (s *Store) EditEntry(ctx context.Context, actor *portal.Actor, id int64, version int, in portal.EntryInput, files []Upload) (int64, error) {
	newID := id
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		e, err := scanEntry(tx.QueryRow(ctx, `SELECT `+entryColumns+entryFrom+` WHERE e.id = $1 FOR UPDATE OF e`, id))
		if err != nil {
			return err
		}
		p, err := projectFor(ctx, tx, actor, e.ProjectID, false)
		if err != nil {
			return err
		}
		if !portal.CanKeepLedger(actor, p.Scope()) {
			return portal.NotFound()
		}
		if !p.Status.Open() {
			return portal.Errorf(portal.EINVALID, "project.closed")
		}
		if !e.Current() {
			return portal.Errorf(portal.EINVALID, "ledger.old_revision")
		}
		if e.Version != version {
			return portal.Conflict("ledger.stale")
		}
		if err := checkEntry(ctx, tx, p, &in, s.todayDay(), e.Evidence, len(files)); err != nil {
			return err
		}
		if e.Status == portal.EntryVerified {
			if err := tx.QueryRow(ctx, `INSERT INTO ledger_entries (project_id, org_path, root_id, previous_id, revision, on_date, title,
				kind, description, participants, place, milestone_id, author_id, author_name) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,
				$10, $11, $12, $13, $14) RETURNING id`, e.ProjectID, e.OrgPath, e.RootID, e.ID, e.Revision+1, portal.DateOf(in.On),
				in.Title, in.Kind, in.Description, in.Participants, in.Place, optID(in.MilestoneID), actor.UserID, actor.Name).Scan(&newID); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE ledger_entries SET replaced_by = $2, updated_at = now() WHERE id = $1`, id, newID); err != nil {
				return err
			}
		} else if _, err := tx.Exec(ctx, `UPDATE ledger_entries SET on_date = $2, title = $3, kind = $4, description = $5, participants = $6,
			place = $7, milestone_id = $8, status = 'pending', version = version + 1, updated_at = now() WHERE id = $1`,
			id, portal.DateOf(in.On), in.Title, in.Kind, in.Description, in.Participants, in.Place, optID(in.MilestoneID)); err != nil {
			return err
		}
		if err := addEvidence(ctx, tx, actor, e.ProjectID, evidenceTarget{entry: e.RootID}, files, in.Links); err != nil {
			return err
		}
		after := entryRecord(in)
		after["revision_of"] = id
		return audit(ctx, tx, actor, "ledger.edit", "ledger_entry", newID, p.OrgPath, entryRecordOf(e), after)
	})
	return newID, err
}

// ReviewEntry records a supervisor's verdict on a waiting entry: verified, or
// returned with a comment (its author is told). Nobody verifies their own entry.
func (s *Store) ReviewEntry(ctx context.Context, actor *portal.Actor, id int64, version int, in portal.ReviewInput) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		e, err := scanEntry(tx.QueryRow(ctx, `SELECT `+entryColumns+entryFrom+` WHERE e.id = $1 FOR UPDATE OF e`, id))
		if err != nil {
			return err
		}
		p, err := projectFor(ctx, tx, actor, e.ProjectID, false)
		if err != nil {
			return err
		}
		if err := portal.CheckReview(actor, e, p.Scope()); err != nil {
			return err
		}
		if e.Version != version {
			return portal.Conflict("ledger.stale")
		}
		if err := in.Validate(); err != nil {
			return err
		}
		status, action := portal.EntryVerified, "ledger.verify"
		if !in.Verify {
			status, action = portal.EntryReturned, "ledger.return"
		}
		if _, err := tx.Exec(ctx, `UPDATE ledger_entries SET status = $2, reviewer_id = $3, reviewer_name = $4, reviewed_at = now(),
			review_note = $5, version = version + 1, updated_at = now() WHERE id = $1`, id, status, actor.UserID, actor.Name, in.Note); err != nil {
			return err
		}
		if !in.Verify {
			if err := notifyLink(ctx, tx, []int64{e.AuthorID}, "notify.entry_returned", fmt.Sprintf("/ledger/%d", id), e.Title, actor.Name); err != nil {
				return err
			}
		}
		return audit(ctx, tx, actor, action, "ledger_entry", id, p.OrgPath, map[string]any{"status": e.Status},
			map[string]any{"status": status, "note": in.Note})
	})
}

// WaitingEntries lists the newest revisions waiting for verification that the actor
// may verify (not her own), oldest first.
func (s *Store) WaitingEntries(ctx context.Context, actor *portal.Actor, limit int) ([]portal.LedgerEntry, error) {
	var out []portal.LedgerEntry
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		// The queue is small (entries wait days, not years): it is read through
		// ledger_entries_waiting_idx for the supervision team's subtrees, and by
		// project (ledger_entries_unverified_idx) for the programs the actor manages;
		// each part only for those who hold its roles.
		args := []any{actor.UserID, clampLimit(limit)}
		either := []string{inScope("e.org_path", actor.RoleScope(portal.RolesFor(portal.ActSupervise)...), &args)}
		if manages := actor.RoleScope(portal.RolesFor(portal.ActManageProgram)...); len(manages) > 0 {
			either = append(either, `e.project_id = ANY (ARRAY(SELECT mpr.id FROM projects mpr WHERE mpr.program_id = ANY (ARRAY(
				SELECT mpg.id FROM orgs mpo JOIN programs mpg ON mpg.owner_org_id = mpo.id WHERE `+inScope("mpo.path", manages, &args)+`))))`)
		}
		rows, err := tx.Query(ctx, `SELECT `+entryColumns+entryFrom+`
			WHERE e.status = 'pending' AND e.replaced_by IS NULL AND e.author_id <> $1 AND (`+strings.Join(either, ` OR `)+`)
			ORDER BY e.created_at, e.id LIMIT $2`, args...)
		if err != nil {
			return err
		}
		out, err = collectEntries(rows)
		return err
	})
	return out, err
}

// AddSupervision records a daily performance assessment or a phase material review
// of a project by the supervision team (or the program's manager). The people
// responsible are told when materials need work.
func (s *Store) AddSupervision(ctx context.Context, actor *portal.Actor, projectID int64, in portal.SupervisionInput) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		p, err := projectFor(ctx, tx, actor, projectID, false)
		if err != nil {
			return err
		}
		if !portal.CanSupervise(actor, p.Scope()) {
			return portal.NotFound()
		}
		if err := in.Validate(s.todayDay()); err != nil {
			return err
		}
		var score *float64
		if in.Kind == portal.SupervisionDaily {
			score = &in.Score
		}
		if _, err := tx.Exec(ctx, `INSERT INTO supervision_records (project_id, kind, on_date, score, result, title, note, author_id, author_name)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, projectID, in.Kind, portal.DateOf(in.On), score, in.Result, in.Title, in.Note,
			actor.UserID, actor.Name); err != nil {
			return err
		}
		if in.Kind == portal.SupervisionPhase && in.Result == "needs_work" {
			ids, err := responsible(ctx, tx, p)
			if err != nil {
				return err
			}
			if err := notifyLink(ctx, tx, ids, "notify.materials_need_work", projectLink(projectID), p.Title, in.Title); err != nil {
				return err
			}
		}
		after := map[string]any{"kind": in.Kind, "on": in.On.Format("2006-01-02"), "score": in.Score, "result": in.Result, "note": in.Note}
		return audit(ctx, tx, actor, "supervision."+string(in.Kind), "project", projectID, p.OrgPath, nil, after)
	})
}

// LedgerRow is one entry of an exported ledger with its evidence named.
type LedgerRow struct {
	Project portal.Project
	Entry   portal.LedgerEntry
	Files   []string
	Links   []string
}

// LedgerSummary is one project's line of a college's creation ledger (创建工作台账).
type LedgerSummary struct {
	Project          portal.Project
	MilestonesDone   int
	MilestonesTotal  int
	Overdue          int
	Entries          int
	Verified         int
	LastEntry        time.Time
	MissedMonths     int
	DailyScore       float64 // mean of the daily assessments
	DailyAssessments int
}

// LedgerExport is what a ledger workbook holds.
type LedgerExport struct {
	Title     string
	Program   portal.Program
	Summaries []LedgerSummary
	Rows      []LedgerRow
}

// ProjectLedger returns one project's ledger for export.
func (s *Store) ProjectLedger(ctx context.Context, actor *portal.Actor, projectID int64) (LedgerExport, error) {
	var x LedgerExport
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		p, err := projectFor(ctx, tx, actor, projectID, false)
		if err != nil {
			return err
		}
		prog, err := loadProgram(ctx, tx, p.ProgramID)
		if err != nil {
			return err
		}
		x.Program, x.Title = prog.Program, p.OrgName+" · "+p.Title
		return s.ledgerOf(ctx, tx, []portal.Project{p}, &x)
	})
	return x, err
}

// CollegeLedger returns a program's creation ledger (创建工作台账) over the projects
// the actor may see, of one college when collegeID is given: a line per project and
// every entry.
func (s *Store) CollegeLedger(ctx context.Context, actor *portal.Actor, programID, collegeID int64) (LedgerExport, error) {
	var x LedgerExport
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		prog, err := loadProgram(ctx, tx, programID)
		if err != nil {
			return err
		}
		college := "/"
		if collegeID != 0 {
			o, err := scanOrg(tx.QueryRow(ctx, `SELECT `+orgColumns+` FROM orgs o WHERE o.id = $1`, collegeID))
			if err != nil {
				return err
			}
			college = o.Path
			x.Title = o.Name + " · "
		}
		args := []any{programID, college, college[:len(college)-1] + "0"}
		rows, err := tx.Query(ctx, `SELECT `+projectColumns+projectFrom+` WHERE pr.program_id = $1 AND pr.org_path ~>=~ $2 AND pr.org_path ~<~ $3
			AND `+projectVisible(actor, &args)+` ORDER BY pr.org_path, pr.id LIMIT 2000`, args...)
		if err != nil {
			return err
		}
		projects, err := collectProjects(rows)
		if err != nil {
			return err
		}
		if len(projects) == 0 && !portal.Can(actor, portal.ActViewProgram, prog.OwnerPath) {
			return portal.NotFound()
		}
		x.Program = prog.Program
		x.Title += prog.Title
		return s.ledgerOf(ctx, tx, projects, &x)
	})
	return x, err
}

// ledgerOf fills an export with the projects' summary lines and entries.
func (s *Store) ledgerOf(ctx context.Context, tx pgx.Tx, projects []portal.Project, x *LedgerExport) error {
	today := s.todayDay()
	for _, p := range projects {
		rules, err := loadRules(ctx, tx, p.ProgramID)
		if err != nil {
			return err
		}
		ms, err := projectMilestones(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		entries, err := projectEntries(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		sum := LedgerSummary{Project: p, MilestonesTotal: len(ms)}
		for _, m := range ms {
			if m.Status == portal.MilestoneDone {
				sum.MilestonesDone++
			}
		}
		if p.Status.Open() {
			sum.Overdue = len(portal.OverdueMilestones(ms, today, 0))
		}
		sum.MissedMonths = portal.MissedMonths(portal.Compliance(rules, p.Starts, p.Ends, today, entryDays(entries)))
		if err := tx.QueryRow(ctx, `SELECT coalesce(avg(score), 0)::float8, count(*) FROM supervision_records
			WHERE project_id = $1 AND kind = 'daily'`, p.ID).Scan(&sum.DailyScore, &sum.DailyAssessments); err != nil {
			return err
		}
		roots := make([]int64, len(entries))
		for i, e := range entries {
			roots[i] = e.RootID
		}
		rows, err := tx.Query(ctx, `SELECT entry_id, kind, name, url FROM evidence WHERE entry_id = ANY($1) ORDER BY id`, roots)
		if err != nil {
			return err
		}
		ev, err := pgx.CollectRows(rows, pgx.RowToStructByPos[struct {
			Entry           int64
			Kind, Name, URL string
		}])
		if err != nil {
			return err
		}
		evidence := map[int64][]struct{ Kind, Name, URL string }{}
		for _, v := range ev {
			evidence[v.Entry] = append(evidence[v.Entry], struct{ Kind, Name, URL string }{v.Kind, v.Name, v.URL})
		}
		for i := len(entries) - 1; i >= 0; i-- { // oldest first in the workbook
			e := entries[i]
			sum.Entries++
			if e.Status == portal.EntryVerified {
				sum.Verified++
			}
			if e.On.After(sum.LastEntry) {
				sum.LastEntry = e.On
			}
			row := LedgerRow{Project: p, Entry: e}
			for _, v := range evidence[e.RootID] {
				if v.Kind == "link" {
					row.Links = append(row.Links, v.URL)
				} else {
					row.Files = append(row.Files, v.Name)
				}
			}
			x.Rows = append(x.Rows, row)
		}
		x.Summaries = append(x.Summaries, sum)
	}
	return nil
}
