package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/campusorg/portal/internal/portal"
)

// Programs, their phases, tracks and themes. Every write locks the program row first,
// so that a status change, a track deletion and a track save on the same program run
// one after the other; managers act on programs whose owner organization their
// manager grant covers, and anyone else is told the program does not exist.

// programRecord is what the audit log keeps of a program.
type programRecord struct {
	OwnerOrgID    int64             `json:"owner_org_id"`
	ScopeOrgID    int64             `json:"scope_org_id"`
	Year          int               `json:"year"`
	Title         string            `json:"title"`
	Kind          string            `json:"kind"`
	Batch         string            `json:"batch,omitempty"`
	Description   string            `json:"description,omitempty"`
	Status        string            `json:"status"`
	BanMonths     int               `json:"ban_months"`
	Endorsements  []portal.OrgKind  `json:"endorsements"`
	ExpectedKinds []portal.OrgKind  `json:"expected_kinds"`
	Phases        map[string]string `json:"phases,omitempty"`
	CopiedFrom    int64             `json:"copied_from,omitempty"`
}

func programRecordOf(p portal.Program) programRecord {
	r := programRecord{OwnerOrgID: p.OwnerOrgID, ScopeOrgID: p.ScopeOrgID, Year: p.Year, Title: p.Title, Kind: string(p.Kind),
		Batch: p.Batch, Description: p.Description, Status: string(p.Status), BanMonths: p.BanMonths,
		Endorsements: p.Endorsements, ExpectedKinds: p.ExpectedKinds, CopiedFrom: p.CopiedFrom}
	if len(p.Phases) > 0 {
		r.Phases = map[string]string{}
		for _, ph := range p.Phases {
			r.Phases[string(ph.Kind)] = ph.Starts.Format(time.DateOnly) + "/" + ph.Ends.Format(time.DateOnly)
		}
	}
	return r
}

// trackRecord is what the audit log keeps of a track.
type trackRecord struct {
	ProgramID     int64             `json:"program_id"`
	Name          string            `json:"name"`
	Quota         int               `json:"quota"`
	GrantYuan     int64             `json:"grant_yuan"`
	CycleMonths   int               `json:"cycle_months"`
	EligibleKinds []portal.OrgKind  `json:"eligible_kinds"`
	MinAgeYears   int               `json:"min_age_years"`
	MinPerOrg     int               `json:"min_per_org"`
	MaxPerOrg     int               `json:"max_per_org"`
	Deadline      string            `json:"deadline,omitempty"`
	Fields        []portal.FieldDef `json:"fields,omitempty"`
}

func trackRecordOf(t portal.Track) trackRecord {
	r := trackRecord{ProgramID: t.ProgramID, Name: t.Name, Quota: t.Quota, GrantYuan: t.GrantYuan, CycleMonths: t.CycleMonths,
		EligibleKinds: t.EligibleKinds, MinAgeYears: t.MinAgeYears, MinPerOrg: t.MinPerOrg, MaxPerOrg: t.MaxPerOrg, Fields: t.Fields}
	if !t.Deadline.IsZero() {
		r.Deadline = t.Deadline.Format(time.DateOnly)
	}
	return r
}

// themeRecord is what the audit log keeps of a theme.
type themeRecord struct {
	ProgramID int64  `json:"program_id"`
	Name      string `json:"name"`
}

// programForUpdate locks the program row and reads the program with its phases,
// tracks (with their versions) and themes.
func programForUpdate(ctx context.Context, tx pgx.Tx, id int64) (portal.ProgramDetail, error) {
	if _, err := tx.Exec(ctx, `SELECT 1 FROM programs WHERE id = $1 FOR UPDATE`, id); err != nil {
		return portal.ProgramDetail{}, err
	}
	return loadProgramVersions(ctx, tx, id)
}

// loadProgramVersions is loadProgram with every track's version and the scope's name
// filled in.
func loadProgramVersions(ctx context.Context, tx pgx.Tx, id int64) (portal.ProgramDetail, error) {
	d, err := loadProgram(ctx, tx, id)
	if err != nil {
		return d, err
	}
	rows, err := tx.Query(ctx, `SELECT id, version FROM tracks WHERE program_id = $1`, id)
	if err != nil {
		return d, err
	}
	versions := map[int64]int{}
	var tid int64
	var v int
	if _, err := pgx.ForEachRow(rows, []any{&tid, &v}, func() error { versions[tid] = v; return nil }); err != nil {
		return d, err
	}
	for i := range d.Tracks {
		d.Tracks[i].Version = versions[d.Tracks[i].ID]
	}
	err = tx.QueryRow(ctx, `SELECT name FROM orgs WHERE id = $1`, d.ScopeOrgID).Scan(&d.ScopeName)
	return d, err
}

// managedProgram locks and reads a program the actor manages; any other program is
// not found. Archived programs are refused: they are records of a past year.
func managedProgram(ctx context.Context, tx pgx.Tx, actor *portal.Actor, id int64, editing bool) (portal.ProgramDetail, error) {
	d, err := programForUpdate(ctx, tx, id)
	if err != nil {
		return d, err
	}
	if !portal.Can(actor, portal.ActManageProgram, d.OwnerPath) {
		return d, portal.NotFound()
	}
	if editing && !d.Editable() {
		return d, portal.Errorf(portal.EINVALID, "program.archived_readonly")
	}
	return d, nil
}

// canSeeProgram is the read rule of a program: its owner's managers, viewers and
// administrators see it in any status; a secretary whose organization lies in the
// applicant scope sees it while it is open or closed.
func canSeeProgram(actor *portal.Actor, p portal.Program) bool {
	if portal.Can(actor, portal.ActViewProgram, p.OwnerPath) {
		return true
	}
	return (p.Status == portal.ProgramOpen || p.Status == portal.ProgramClosed) && portal.CanSeeProgramAsApplicant(actor, p.ScopePath)
}

// GetProgram returns the program with its phases, tracks (with versions) and themes
// when the actor may see it (canSeeProgram), else a not-found error.
func (s *Store) GetProgram(ctx context.Context, actor *portal.Actor, id int64) (portal.ProgramDetail, error) {
	var d portal.ProgramDetail
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		var err error
		d, err = loadProgramVersions(ctx, tx, id)
		if err != nil {
			return err
		}
		if !canSeeProgram(actor, d.Program) {
			return portal.NotFound()
		}
		return nil
	})
	return d, err
}

// ProgramFilter narrows ListPrograms and ListOpenProgramsFor.
type ProgramFilter struct {
	Status portal.ProgramStatus // "" for any
	Before int64                // keyset cursor: ids below this (0 for the first page)
	Limit  int
}

// summaryColumns read a program in a list with its application phase and counts.
const summaryColumns = programColumns + `, sc.name, ph.starts_on, ph.ends_on,
	(SELECT count(*) FROM tracks t WHERE t.program_id = p.id),
	(SELECT count(*) FROM themes t WHERE t.program_id = p.id),
	(SELECT count(*) FROM applications a WHERE a.program_id = p.id AND a.status IN ('submitted', 'received', 'approved', 'rejected'))`

const summaryFrom = programFrom + ` LEFT JOIN program_phases ph ON ph.program_id = p.id AND ph.kind = 'application'`

func collectSummaries(rows pgx.Rows, limit int) (Page[portal.ProgramSummary], error) {
	var page Page[portal.ProgramSummary]
	items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (portal.ProgramSummary, error) {
		var ps portal.ProgramSummary
		var starts, ends *time.Time
		var endorsements, expected []string
		p := &ps.Program
		err := r.Scan(&p.ID, &p.OwnerOrgID, &p.OwnerPath, &p.OwnerName, &p.ScopeOrgID, &p.ScopePath, &p.Year, &p.Title, &p.Kind, &p.Batch,
			&p.Description, &p.Status, &p.BanMonths, &endorsements, &expected, &p.CopiedFrom, &p.Version, &p.CreatedAt,
			&p.ScopeName, &starts, &ends, &ps.Tracks, &ps.Themes, &ps.Submitted)
		p.Endorsements, p.ExpectedKinds = kindsOf(endorsements), kindsOf(expected)
		if starts != nil && ends != nil {
			ps.Application = portal.Phase{Kind: portal.PhaseApplication, Starts: *starts, Ends: *ends}
			p.Phases = []portal.Phase{ps.Application}
		}
		return ps, err
	})
	if err != nil {
		return page, err
	}
	if len(items) > limit {
		items = items[:limit]
		page.Next = items[limit-1].ID
	}
	page.Items = items
	return page, nil
}

// ListPrograms lists, newest first, the programs whose owner organization lies under
// one of the actor's grants that allow viewing programs (managers, viewers,
// administrators), one page at a time. Only the application phase is filled in.
func (s *Store) ListPrograms(ctx context.Context, actor *portal.Actor, f ProgramFilter) (Page[portal.ProgramSummary], error) {
	limit := clampLimit(f.Limit)
	scope := likeScope(actor.RoleScope(portal.RolesFor(portal.ActViewProgram)...))
	rows, err := s.pool.Query(ctx, `SELECT `+summaryColumns+summaryFrom+`
		WHERE o.path LIKE ANY($1) AND ($2 = '' OR p.status = $2) AND ($3::bigint = 0 OR p.id < $3)
		ORDER BY p.id DESC LIMIT $4`, scope, string(f.Status), f.Before, limit+1)
	if err != nil {
		return Page[portal.ProgramSummary]{}, err
	}
	return collectSummaries(rows, limit)
}

// ListOpenProgramsFor lists, newest first, the open programs whose applicant scope
// covers one of the actor's secretary grants (portal.CanSeeProgramAsApplicant), one
// page at a time. f.Status is ignored.
func (s *Store) ListOpenProgramsFor(ctx context.Context, actor *portal.Actor, f ProgramFilter) (Page[portal.ProgramSummary], error) {
	limit := clampLimit(f.Limit)
	paths := actor.RoleScope(portal.RoleSecretary)
	if paths == nil {
		paths = []string{}
	}
	rows, err := s.pool.Query(ctx, `SELECT `+summaryColumns+summaryFrom+`
		WHERE p.status = 'open' AND EXISTS (SELECT 1 FROM unnest($1::text[]) g(path) WHERE starts_with(g.path, sc.path))
		  AND ($2::bigint = 0 OR p.id < $2)
		ORDER BY p.id DESC LIMIT $3`, paths, f.Before, limit+1)
	if err != nil {
		return Page[portal.ProgramSummary]{}, err
	}
	return collectSummaries(rows, limit)
}

// ProgramOrgChoices returns the organizations a program form offers: as owners, the
// active organizations of the actor's manager grants; as applicant scopes, those
// organizations and every active organization above them, root first.
func (s *Store) ProgramOrgChoices(ctx context.Context, actor *portal.Actor) (owners, scopes []portal.Org, err error) {
	err = s.inReadTx(ctx, func(tx pgx.Tx) error {
		paths := actor.RoleScope(portal.RolesFor(portal.ActManageProgram)...)
		if paths == nil {
			paths = []string{}
		}
		rows, err := tx.Query(ctx, `SELECT `+orgColumns+` FROM orgs o WHERE o.active AND o.path = ANY($1) ORDER BY o.path`, paths)
		if err != nil {
			return err
		}
		if owners, err = collectOrgs(rows, false); err != nil {
			return err
		}
		rows, err = tx.Query(ctx, `SELECT `+orgColumns+` FROM orgs o
			WHERE o.active AND EXISTS (SELECT 1 FROM unnest($1::text[]) g(path) WHERE starts_with(g.path, o.path))
			ORDER BY o.path`, paths)
		if err != nil {
			return err
		}
		scopes, err = collectOrgs(rows, false)
		return err
	})
	return owners, scopes, err
}

// checkProgramOrgs reads the owner and scope of in: the actor must manage programs
// on the owner (else not found), and the scope must pass portal.CheckProgramScope.
func checkProgramOrgs(ctx context.Context, tx pgx.Tx, actor *portal.Actor, in portal.ProgramInput) error {
	owner, err := scanOrg(tx.QueryRow(ctx, `SELECT `+orgColumns+` FROM orgs o WHERE o.id = $1`, in.OwnerOrgID))
	if errors.Is(err, pgx.ErrNoRows) || err == nil && (!owner.Active || !portal.Can(actor, portal.ActManageProgram, owner.Path)) {
		return &portal.Error{Code: portal.EINVALID, Message: "error.invalid_form", Fields: map[string]string{"owner_org_id": "form.choose"}}
	}
	if err != nil {
		return err
	}
	scope, err := scanOrg(tx.QueryRow(ctx, `SELECT `+orgColumns+` FROM orgs o WHERE o.id = $1`, in.ScopeOrgID))
	if errors.Is(err, pgx.ErrNoRows) {
		return &portal.Error{Code: portal.EINVALID, Message: "error.invalid_form", Fields: map[string]string{"scope_org_id": "form.choose"}}
	}
	if err != nil {
		return err
	}
	return portal.CheckProgramScope(owner, scope)
}

// CreateProgram creates a draft program owned by in.OwnerOrgID, on which the actor
// must hold a manager grant, and returns it.
func (s *Store) CreateProgram(ctx context.Context, actor *portal.Actor, in portal.ProgramInput) (portal.ProgramDetail, error) {
	var d portal.ProgramDetail
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if !portal.CanAny(actor, portal.ActManageProgram) {
			return portal.NotFound()
		}
		if err := in.Validate(); err != nil {
			return err
		}
		if err := checkProgramOrgs(ctx, tx, actor, in); err != nil {
			return err
		}
		p := programOf(in)
		p.Status = portal.ProgramDraft
		id, err := insertProgram(ctx, tx, p)
		if err != nil {
			return err
		}
		if d, err = loadProgramVersions(ctx, tx, id); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "program.create", "program", id, d.OwnerPath, nil, programRecordOf(d.Program))
	})
	return d, err
}

// programOf turns a validated input into a program's fields.
func programOf(in portal.ProgramInput) portal.Program {
	return portal.Program{OwnerOrgID: in.OwnerOrgID, ScopeOrgID: in.ScopeOrgID, Year: in.Year, Title: in.Title, Kind: in.Kind,
		Batch: in.Batch, Description: in.Description, BanMonths: in.BanMonths, Endorsements: in.Endorsements,
		ExpectedKinds: in.ExpectedKinds, Phases: in.Phases}
}

// insertProgram inserts p (its status and copied_from included) with its phases and
// returns its id.
func insertProgram(ctx context.Context, tx pgx.Tx, p portal.Program) (int64, error) {
	var copied *int64
	if p.CopiedFrom != 0 {
		copied = &p.CopiedFrom
	}
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO programs (owner_org_id, scope_org_id, year, title, kind, batch, description, status,
			ban_months, endorsements, expected_kinds, copied_from)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		p.OwnerOrgID, p.ScopeOrgID, p.Year, p.Title, p.Kind, p.Batch, p.Description, p.Status, p.BanMonths,
		kindStrings(p.Endorsements), kindStrings(p.ExpectedKinds), copied).Scan(&id)
	if err != nil {
		return 0, err
	}
	return id, insertPhases(ctx, tx, id, p.Phases)
}

func insertPhases(ctx context.Context, tx pgx.Tx, programID int64, phases []portal.Phase) error {
	for _, ph := range phases {
		if _, err := tx.Exec(ctx, `INSERT INTO program_phases (program_id, kind, starts_on, ends_on) VALUES ($1, $2, $3, $4)`,
			programID, ph.Kind, ph.Starts, ph.Ends); err != nil {
			return err
		}
	}
	return nil
}

// UpdateProgram changes a program's settings and phases, provided nobody changed it
// since version. The owner stays; an open program keeps its application phase.
func (s *Store) UpdateProgram(ctx context.Context, actor *portal.Actor, id int64, version int, in portal.ProgramInput) (portal.ProgramDetail, error) {
	var d portal.ProgramDetail
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		before, err := managedProgram(ctx, tx, actor, id, true)
		if err != nil {
			return err
		}
		if before.Version != version {
			return portal.Conflict("error.edit_conflict")
		}
		in.OwnerOrgID = before.OwnerOrgID
		if err := in.Validate(); err != nil {
			return err
		}
		if err := checkProgramOrgs(ctx, tx, actor, in); err != nil {
			return err
		}
		if before.Status == portal.ProgramOpen {
			after := before
			after.Phases = in.Phases
			if err := portal.CheckOpen(after); err != nil {
				return &portal.Error{Code: portal.EINVALID, Message: "program.open_needs_application",
					Fields: map[string]string{portal.PhaseField(portal.PhaseApplication, "starts"): "program.open_needs_application"}}
			}
		}
		p := programOf(in)
		if _, err := tx.Exec(ctx, `UPDATE programs SET scope_org_id = $2, year = $3, title = $4, kind = $5, batch = $6,
				description = $7, ban_months = $8, endorsements = $9, expected_kinds = $10, version = version + 1, updated_at = now()
			WHERE id = $1`, id, p.ScopeOrgID, p.Year, p.Title, p.Kind, p.Batch, p.Description, p.BanMonths,
			kindStrings(p.Endorsements), kindStrings(p.ExpectedKinds)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM program_phases WHERE program_id = $1`, id); err != nil {
			return err
		}
		if err := insertPhases(ctx, tx, id, p.Phases); err != nil {
			return err
		}
		if d, err = loadProgramVersions(ctx, tx, id); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "program.update", "program", id, d.OwnerPath, programRecordOf(before.Program), programRecordOf(d.Program))
	})
	return d, err
}

// SetProgramStatus moves a program to status next, provided nobody changed it since
// version and the move is allowed (portal.ProgramDetail.CheckStatusMove: opening needs
// a track and an application phase).
func (s *Store) SetProgramStatus(ctx context.Context, actor *portal.Actor, id int64, version int, next portal.ProgramStatus) (portal.ProgramDetail, error) {
	var d portal.ProgramDetail
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		before, err := managedProgram(ctx, tx, actor, id, false)
		if err != nil {
			return err
		}
		if before.Version != version {
			return portal.Conflict("error.edit_conflict")
		}
		if err := before.CheckStatusMove(next); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE programs SET status = $2, version = version + 1, updated_at = now() WHERE id = $1`, id, next); err != nil {
			return err
		}
		if d, err = loadProgramVersions(ctx, tx, id); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "program.status", "program", id, d.OwnerPath,
			map[string]string{"status": string(before.Status)}, map[string]string{"status": string(d.Status)})
	})
	return d, err
}

// CopyProgram copies a program the actor manages, in any status, to a new draft for
// year (portal.CopyForYear: dates shifted by whole years, tracks, custom fields and
// themes kept, copied_from set) and returns the copy.
func (s *Store) CopyProgram(ctx context.Context, actor *portal.Actor, id int64, year int) (portal.ProgramDetail, error) {
	var d portal.ProgramDetail
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		src, err := managedProgram(ctx, tx, actor, id, false)
		if err != nil {
			return err
		}
		if !portal.ValidProgramYear(year) {
			return &portal.Error{Code: portal.EINVALID, Message: "program.year_range", Fields: map[string]string{"year": "program.year_range"}}
		}
		c := portal.CopyForYear(src, year)
		newID, err := insertCopy(ctx, tx, c)
		if err != nil {
			return err
		}
		if d, err = loadProgramVersions(ctx, tx, newID); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "program.copy", "program", newID, d.OwnerPath, nil, programRecordOf(d.Program))
	})
	return d, err
}

// insertCopy inserts a program built in memory (a copy, or a seeded program) with its
// tracks and themes, in their order, and returns its id.
func insertCopy(ctx context.Context, tx pgx.Tx, c portal.ProgramDetail) (int64, error) {
	id, err := insertProgram(ctx, tx, c.Program)
	if err != nil {
		return 0, err
	}
	for i, t := range c.Tracks {
		if _, err := insertTrack(ctx, tx, id, i+1, t); err != nil {
			return 0, err
		}
	}
	for i, th := range c.Themes {
		if _, err := tx.Exec(ctx, `INSERT INTO themes (program_id, name, position) VALUES ($1, $2, $3)`, id, th.Name, i+1); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// trackOf turns a validated input into a track's fields.
func trackOf(in portal.TrackInput) portal.Track {
	return portal.Track{Name: in.Name, Quota: in.Quota, GrantYuan: in.GrantYuan, CycleMonths: in.CycleMonths,
		EligibleKinds: in.EligibleKinds, MinAgeYears: in.MinAgeYears, MinPerOrg: in.MinPerOrg, MaxPerOrg: in.MaxPerOrg,
		Deadline: in.Deadline, Fields: in.Fields}
}

func fieldsJSON(fields []portal.FieldDef) ([]byte, error) {
	if fields == nil {
		fields = []portal.FieldDef{}
	}
	return json.Marshal(fields)
}

func insertTrack(ctx context.Context, tx pgx.Tx, programID int64, position int, t portal.Track) (int64, error) {
	fields, err := fieldsJSON(t.Fields)
	if err != nil {
		return 0, err
	}
	var id int64
	err = tx.QueryRow(ctx, `INSERT INTO tracks (program_id, name, position, quota, grant_yuan, cycle_months, eligible_kinds,
			min_age_years, min_per_org, max_per_org, deadline, fields)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		programID, t.Name, position, t.Quota, t.GrantYuan, t.CycleMonths, kindStrings(t.EligibleKinds),
		t.MinAgeYears, t.MinPerOrg, t.MaxPerOrg, nullDate(t.Deadline), fields).Scan(&id)
	return id, uniqueAs(err, "tracks_program_id_name_key", "name", "track.name_taken")
}

// uniqueAs turns a unique violation of constraint into a field error (a race the
// explicit check before the write lost), and passes other errors through.
func uniqueAs(err error, constraint, field, msg string) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.ConstraintName == constraint {
		return &portal.Error{Code: portal.EINVALID, Message: "error.invalid_form", Fields: map[string]string{field: msg}, Err: err}
	}
	return err
}

// SaveTrack creates a track at the end of the program (trackID 0) or changes one,
// provided nobody changed it since version, and returns it. Track names are unique
// in a program.
func (s *Store) SaveTrack(ctx context.Context, actor *portal.Actor, programID, trackID int64, version int, in portal.TrackInput) (portal.Track, error) {
	var out portal.Track
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		d, err := managedProgram(ctx, tx, actor, programID, true)
		if err != nil {
			return err
		}
		var before portal.Track
		if trackID != 0 {
			var ok bool
			if before, ok = d.Track(trackID); !ok {
				return portal.NotFound()
			}
			if before.Version != version {
				return portal.Conflict("error.edit_conflict")
			}
		}
		if err := in.Validate(); err != nil {
			return err
		}
		for _, t := range d.Tracks {
			if t.ID != trackID && t.Name == in.Name {
				return &portal.Error{Code: portal.EINVALID, Message: "error.invalid_form", Fields: map[string]string{"name": "track.name_taken"}}
			}
		}
		t := trackOf(in)
		t.ProgramID = programID
		if trackID == 0 {
			position := 1
			if n := len(d.Tracks); n > 0 {
				position = d.Tracks[n-1].Position + 1
			}
			if trackID, err = insertTrack(ctx, tx, programID, position, t); err != nil {
				return err
			}
		} else {
			fields, err := fieldsJSON(t.Fields)
			if err != nil {
				return err
			}
			_, err = tx.Exec(ctx, `UPDATE tracks SET name = $2, quota = $3, grant_yuan = $4, cycle_months = $5, eligible_kinds = $6,
					min_age_years = $7, min_per_org = $8, max_per_org = $9, deadline = $10, fields = $11, version = version + 1
				WHERE id = $1`, trackID, t.Name, t.Quota, t.GrantYuan, t.CycleMonths, kindStrings(t.EligibleKinds),
				t.MinAgeYears, t.MinPerOrg, t.MaxPerOrg, nullDate(t.Deadline), fields)
			if err = uniqueAs(err, "tracks_program_id_name_key", "name", "track.name_taken"); err != nil {
				return err
			}
		}
		after, err := loadProgramVersions(ctx, tx, programID)
		if err != nil {
			return err
		}
		out, _ = after.Track(trackID)
		if before.ID == 0 {
			return audit(ctx, tx, actor, "track.create", "track", trackID, d.OwnerPath, nil, trackRecordOf(out))
		}
		return audit(ctx, tx, actor, "track.update", "track", trackID, d.OwnerPath, trackRecordOf(before), trackRecordOf(out))
	})
	return out, err
}

// DeleteTrack removes a track no application uses. The last track of an open program
// stays: an open program always has a track to apply to.
func (s *Store) DeleteTrack(ctx context.Context, actor *portal.Actor, programID, trackID int64) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		d, err := managedProgram(ctx, tx, actor, programID, true)
		if err != nil {
			return err
		}
		t, ok := d.Track(trackID)
		if !ok {
			return portal.NotFound()
		}
		var used int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM applications WHERE track_id = $1`, trackID).Scan(&used); err != nil {
			return err
		}
		if used > 0 {
			return portal.Errorf(portal.EINVALID, "track.in_use")
		}
		if d.Status == portal.ProgramOpen && len(d.Tracks) == 1 {
			return portal.Errorf(portal.EINVALID, "track.last_of_open")
		}
		if _, err := tx.Exec(ctx, `DELETE FROM tracks WHERE id = $1`, trackID); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "track.delete", "track", trackID, d.OwnerPath, trackRecordOf(t), nil)
	})
}

// SaveTheme adds a theme at the end of the program's list (themeID 0) or renames
// one, and returns it. Theme names are unique in a program.
func (s *Store) SaveTheme(ctx context.Context, actor *portal.Actor, programID, themeID int64, name string) (portal.Theme, error) {
	var out portal.Theme
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		d, err := managedProgram(ctx, tx, actor, programID, true)
		if err != nil {
			return err
		}
		var before portal.Theme
		if themeID != 0 {
			var ok bool
			if before, ok = d.Theme(themeID); !ok {
				return portal.NotFound()
			}
		}
		if name, err = portal.ValidateThemeName(name); err != nil {
			return err
		}
		for _, th := range d.Themes {
			if th.ID != themeID && th.Name == name {
				return &portal.Error{Code: portal.EINVALID, Message: "error.invalid_form", Fields: map[string]string{"name": "theme.name_taken"}}
			}
		}
		if themeID == 0 {
			err = tx.QueryRow(ctx, `INSERT INTO themes (program_id, name, position)
				VALUES ($1, $2, (SELECT coalesce(max(position), 0) + 1 FROM themes WHERE program_id = $1)) RETURNING id`,
				programID, name).Scan(&themeID)
		} else {
			_, err = tx.Exec(ctx, `UPDATE themes SET name = $2 WHERE id = $1`, themeID, name)
		}
		if err = uniqueAs(err, "themes_program_id_name_key", "name", "theme.name_taken"); err != nil {
			return err
		}
		out = portal.Theme{ID: themeID, ProgramID: programID, Name: name}
		if before.ID == 0 {
			return audit(ctx, tx, actor, "theme.create", "theme", themeID, d.OwnerPath, nil, themeRecord{programID, name})
		}
		return audit(ctx, tx, actor, "theme.update", "theme", themeID, d.OwnerPath, themeRecord{programID, before.Name}, themeRecord{programID, name})
	})
	return out, err
}

// DeleteTheme removes a theme no application uses.
func (s *Store) DeleteTheme(ctx context.Context, actor *portal.Actor, programID, themeID int64) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		d, err := managedProgram(ctx, tx, actor, programID, true)
		if err != nil {
			return err
		}
		th, ok := d.Theme(themeID)
		if !ok {
			return portal.NotFound()
		}
		var used int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM applications WHERE theme_id = $1`, themeID).Scan(&used); err != nil {
			return err
		}
		if used > 0 {
			return portal.Errorf(portal.EINVALID, "theme.in_use")
		}
		if _, err := tx.Exec(ctx, `DELETE FROM themes WHERE id = $1`, themeID); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "theme.delete", "theme", themeID, d.OwnerPath, themeRecord{programID, th.Name}, nil)
	})
}
