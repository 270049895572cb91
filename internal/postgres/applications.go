package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campusorg/portal/internal/portal"
)

// appColumns and appFrom read an application with its program, track, theme,
// organization and author.
const appColumns = `a.id, a.program_id, a.track_id, coalesce(a.theme_id, 0), a.org_id, a.org_path, ao.name, ao.kind,
	a.author_id, au.display_name, a.status, a.title, a.content, a.budget_cents, a.leader_name, a.endorser_ids,
	a.endorser_paths, a.endorse_step, a.versions, a.version, a.created_at, a.updated_at, a.submitted_at,
	p.title, po.path, t.name, coalesce(th.name, ''), coalesce(col.name, '')`

const appFrom = ` FROM applications a` + appJoins

// appJoins are appFrom's joins, for queries that reach applications another way
// (through the subtrees of a scope, see underScope).
const appJoins = `
	JOIN orgs ao ON ao.id = a.org_id
	JOIN users au ON au.id = a.author_id
	JOIN programs p ON p.id = a.program_id
	JOIN orgs po ON po.id = p.owner_org_id
	JOIN tracks t ON t.id = a.track_id
	LEFT JOIN themes th ON th.id = a.theme_id
	LEFT JOIN LATERAL (SELECT c.name FROM orgs c WHERE c.id = ANY (path_ids(a.org_path)) AND c.kind = 'college' LIMIT 1) col ON true`

func scanApp(row pgx.Row) (portal.Application, error) {
	var a portal.Application
	var content []byte
	var submitted *time.Time
	err := row.Scan(&a.ID, &a.ProgramID, &a.TrackID, &a.ThemeID, &a.OrgID, &a.OrgPath, &a.OrgName, &a.OrgKind,
		&a.AuthorID, &a.AuthorName, &a.Status, &a.Title, &content, &a.BudgetCents, &a.LeaderName, &a.EndorserIDs,
		&a.EndorserPaths, &a.EndorseStep, &a.Versions, &a.Version, &a.CreatedAt, &a.UpdatedAt, &submitted,
		&a.ProgramTitle, &a.OwnerPath, &a.TrackName, &a.ThemeName, &a.CollegeName)
	if err != nil {
		return a, err
	}
	if submitted != nil {
		a.SubmittedAt = *submitted
	}
	return a, json.Unmarshal(content, &a.Content)
}

// ApplyOption is one way the actor could file an application to a program: a
// track, one of her organizations, and every reason she cannot (none: she may).
type ApplyOption struct {
	Track    portal.Track
	Org      portal.Org
	Reasons  []portal.Reason
	Deadline time.Time
	Filed    int
}

// ApplyOptions lists, for each track of the program and each organization the
// actor files for within the program's scope, whether she may apply and why not.
func (s *Store) ApplyOptions(ctx context.Context, actor *portal.Actor, programID int64) ([]ApplyOption, error) {
	var out []ApplyOption
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		d, err := loadProgram(ctx, tx, programID)
		if err != nil {
			return err
		}
		if !portal.CanSeeProgramAsApplicant(actor, d.ScopePath) || d.Status == portal.ProgramDraft {
			return portal.NotFound()
		}
		orgs, err := applicantOrgs(ctx, tx, actor, d)
		if err != nil {
			return err
		}
		for _, t := range d.Tracks {
			for _, o := range orgs {
				if len(t.EligibleKinds) > 0 && !containsKind(t.EligibleKinds, o.Kind) && !isGrantOrg(actor, o) {
					continue
				}
				in, err := eligibilityInput(ctx, tx, s, d, t, o)
				if err != nil {
					return err
				}
				out = append(out, ApplyOption{Track: t, Org: o, Reasons: portal.CheckEligibility(in), Deadline: in.Deadline(), Filed: in.Filed})
			}
		}
		return nil
	})
	return out, err
}

func containsKind(kinds []portal.OrgKind, k portal.OrgKind) bool {
	for _, x := range kinds {
		if x == k {
			return true
		}
	}
	return false
}

func isGrantOrg(actor *portal.Actor, o portal.Org) bool {
	for _, g := range actor.Grants {
		if g.Role == portal.RoleSecretary && g.OrgID == o.ID {
			return true
		}
	}
	return false
}

// applicantOrgs returns the organizations the actor files for within the program's
// scope: those of her secretary grants, and below them those of a kind some track
// accepts (a 团总支 secretary files for its classes). At most 200.
func applicantOrgs(ctx context.Context, tx pgx.Tx, actor *portal.Actor, d portal.ProgramDetail) ([]portal.Org, error) {
	var kinds []string
	for _, t := range d.Tracks {
		kinds = append(kinds, kindStrings(t.EligibleKinds)...)
	}
	var grantIDs []int64
	for _, g := range actor.Grants {
		if g.Role == portal.RoleSecretary {
			grantIDs = append(grantIDs, g.OrgID)
		}
	}
	rows, err := tx.Query(ctx, `SELECT `+orgColumns+` FROM orgs o
		WHERE o.path LIKE $1 AND o.active AND (o.id = ANY($2) OR (o.path LIKE ANY($3) AND o.kind = ANY($4)))
		ORDER BY o.path LIMIT 200`, d.ScopePath+"%", grantIDs, likeScope(actor.RoleScope(portal.RoleSecretary)), kinds)
	if err != nil {
		return nil, err
	}
	return collectOrgs(rows, false)
}

// eligibilityInput gathers what the eligibility rule needs about org and track.
func eligibilityInput(ctx context.Context, tx pgx.Tx, s *Store, d portal.ProgramDetail, t portal.Track, o portal.Org) (portal.EligibilityInput, error) {
	in := portal.EligibilityInput{Program: d.Program, Track: t, Org: o, Now: s.Now(), Zone: s.Zone}
	rows, err := tx.Query(ctx, `SELECT org_id, program_kind, until, reason FROM bans WHERE org_id = $1`, o.ID)
	if err != nil {
		return in, err
	}
	in.Bans, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (portal.Ban, error) {
		var b portal.Ban
		err := r.Scan(&b.OrgID, &b.Kind, &b.Until, &b.Reason)
		return b, err
	})
	if err != nil {
		return in, err
	}
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM applications WHERE track_id = $1 AND org_id = $2 AND status <> 'withdrawn'`,
		t.ID, o.ID).Scan(&in.Filed); err != nil {
		return in, err
	}
	var until *time.Time
	if err := tx.QueryRow(ctx, `SELECT max(until) FROM deadline_extensions WHERE program_id = $1 AND org_id = $2`,
		d.ID, o.ID).Scan(&until); err != nil {
		return in, err
	}
	if until != nil {
		in.Extended = *until
	}
	return in, nil
}

// CreateApplication starts a draft application of org to a track, if the actor files
// for org and org may apply now, and returns its id.
func (s *Store) CreateApplication(ctx context.Context, actor *portal.Actor, programID, trackID, orgID int64) (int64, error) {
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		d, err := loadProgram(ctx, tx, programID)
		if err != nil {
			return err
		}
		t, ok := d.Track(trackID)
		if !ok {
			return portal.NotFound()
		}
		o, err := scanOrg(tx.QueryRow(ctx, `SELECT `+orgColumns+` FROM orgs o WHERE o.id = $1`, orgID))
		if err != nil {
			return err
		}
		if !portal.Can(actor, portal.ActFileApplication, o.Path) || !portal.PathCovers(d.ScopePath, o.Path) {
			return portal.NotFound()
		}
		// Serialize filings of one org to one track, so that the per-org limit holds.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, $2)`, int32(trackID), int32(orgID)); err != nil {
			return err
		}
		in, err := eligibilityInput(ctx, tx, s, d, t, o)
		if err != nil {
			return err
		}
		if reasons := portal.CheckEligibility(in); len(reasons) > 0 {
			return &portal.Error{Code: portal.EINVALID, Message: reasons[0].Key, Args: reasonArgs(reasons[0], s.Zone)}
		}
		content := portal.AppContent{Figures: portal.FiguresOf(o)}
		b, _ := json.Marshal(content)
		if err := tx.QueryRow(ctx, `INSERT INTO applications (program_id, track_id, org_id, org_path, author_id, content)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, d.ID, t.ID, o.ID, o.Path, actor.UserID, b).Scan(&id); err != nil {
			return err
		}
		if err := appEvent(ctx, tx, actor, id, "create", 0, nil, "", ""); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "application.create", "application", id, o.Path, nil,
			map[string]any{"program": d.ID, "track": t.ID, "org": o.ID})
	})
	return id, err
}

// reasonArgs renders a reason's arguments for an error message: dates as days.
func reasonArgs(r portal.Reason, zone *time.Location) []any {
	out := make([]any, len(r.Args))
	for i, a := range r.Args {
		if t, ok := a.(time.Time); ok {
			out[i] = t.In(zone).Format("2006-01-02")
		} else {
			out[i] = a
		}
	}
	return out
}

// AppDetail is an application with what its pages show.
type AppDetail struct {
	App         portal.Application
	Program     portal.ProgramDetail
	Track       portal.Track
	Org         portal.Org
	Events      []portal.AppEventRecord
	Versions    []portal.AppVersion
	Attachments []portal.Attachment
	Deadline    time.Time
	// What the actor may do now.
	CanEdit, CanEndorse, CanManage, CanWithdraw bool
}

// GetApplication returns the application with id if the actor may read it.
func (s *Store) GetApplication(ctx context.Context, actor *portal.Actor, id int64) (AppDetail, error) {
	var d AppDetail
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		var err error
		d, err = appDetail(ctx, tx, s, actor, id)
		return err
	})
	return d, err
}

func appDetail(ctx context.Context, tx pgx.Tx, s *Store, actor *portal.Actor, id int64) (AppDetail, error) {
	var d AppDetail
	a, err := scanApp(tx.QueryRow(ctx, `SELECT `+appColumns+appFrom+` WHERE a.id = $1`, id))
	if err != nil {
		return d, err
	}
	if !portal.CanViewApplication(actor, a.Scope()) {
		return d, portal.NotFound()
	}
	d.App = a
	if d.Program, err = loadProgram(ctx, tx, a.ProgramID); err != nil {
		return d, err
	}
	d.Track, _ = d.Program.Track(a.TrackID)
	if d.Org, err = scanOrg(tx.QueryRow(ctx, `SELECT `+orgColumns+` FROM orgs o WHERE o.id = $1`, a.OrgID)); err != nil {
		return d, err
	}
	rows, err := tx.Query(ctx, `SELECT id, at, actor_name, event, version_number, coalesce(step, 0), org_name, org_kind, note
		FROM application_events WHERE application_id = $1 ORDER BY id`, id)
	if err != nil {
		return d, err
	}
	d.Events, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (portal.AppEventRecord, error) {
		var e portal.AppEventRecord
		err := r.Scan(&e.ID, &e.At, &e.ActorName, &e.Event, &e.VersionNumber, &e.Step, &e.OrgName, &e.OrgKind, &e.Note)
		return e, err
	})
	if err != nil {
		return d, err
	}
	rows, err = tx.Query(ctx, `SELECT number, title, content, sent_by_name, sent_at FROM application_versions
		WHERE application_id = $1 ORDER BY number DESC`, id)
	if err != nil {
		return d, err
	}
	d.Versions, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (portal.AppVersion, error) {
		var v portal.AppVersion
		var content []byte
		if err := r.Scan(&v.Number, &v.Title, &content, &v.SentByName, &v.SentAt); err != nil {
			return v, err
		}
		return v, json.Unmarshal(content, &v.Content)
	})
	if err != nil {
		return d, err
	}
	if d.Attachments, err = attachments(ctx, tx, id); err != nil {
		return d, err
	}
	in, err := eligibilityInput(ctx, tx, s, d.Program, d.Track, d.Org)
	if err != nil {
		return d, err
	}
	d.Deadline = in.Deadline()
	filer := portal.Can(actor, portal.ActFileApplication, a.OrgPath)
	d.CanEdit = filer && a.Status.Editable()
	d.CanWithdraw = filer && a.Status != portal.AppWithdrawn && !a.Status.Decided()
	d.CanEndorse = a.WaitingPath() != "" && portal.Can(actor, portal.ActEndorse, a.WaitingPath())
	d.CanManage = portal.Can(actor, portal.ActManageProgram, a.OwnerPath)
	return d, nil
}

func attachments(ctx context.Context, tx pgx.Tx, appID int64) ([]portal.Attachment, error) {
	rows, err := tx.Query(ctx, `SELECT id, application_id, field_key, name, content_type, size, sha256, uploaded_at,
		removed_at IS NOT NULL FROM attachments WHERE application_id = $1 ORDER BY id`, appID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (portal.Attachment, error) {
		var at portal.Attachment
		err := r.Scan(&at.ID, &at.ApplicationID, &at.FieldKey, &at.Name, &at.ContentType, &at.Size, &at.SHA256, &at.UploadedAt, &at.Removed)
		return at, err
	})
}

// appForUpdate locks the application and checks the version the person saw.
func appForUpdate(ctx context.Context, tx pgx.Tx, id int64, version int) (portal.Application, error) {
	a, err := scanApp(tx.QueryRow(ctx, `SELECT `+appColumns+appFrom+` WHERE a.id = $1 FOR UPDATE OF a`, id))
	if err != nil {
		return a, err
	}
	if version != 0 && a.Version != version {
		return a, portal.Conflict("app.stale")
	}
	return a, nil
}

// SaveDraft stores the form content of an editable application. A stale version is
// a conflict: someone else saved in between, and nothing is overwritten.
func (s *Store) SaveDraft(ctx context.Context, actor *portal.Actor, id int64, version int, c portal.AppContent) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		a, err := appForUpdate(ctx, tx, id, 0)
		if err != nil {
			return err
		}
		if !portal.Can(actor, portal.ActFileApplication, a.OrgPath) {
			return portal.NotFound()
		}
		if a.Version != version {
			return portal.Conflict("app.stale")
		}
		if !a.Status.Editable() {
			return portal.Errorf(portal.EINVALID, "app.not_editable")
		}
		d, err := loadProgram(ctx, tx, a.ProgramID)
		if err != nil {
			return err
		}
		t, _ := d.Track(a.TrackID)
		if c.ThemeID != 0 {
			if _, ok := d.Theme(c.ThemeID); !ok {
				return &portal.Error{Code: portal.EINVALID, Message: "error.invalid_form", Fields: map[string]string{"theme_id": "form.choose"}}
			}
		}
		atts, err := attachments(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := c.Validate(t.Fields, filesByField(atts), false); err != nil {
			return err
		}
		c.Attachments = liveIDs(atts)
		c.Figures = a.Content.Figures
		return writeContent(ctx, tx, actor, a, c, "application.save")
	})
}

func filesByField(atts []portal.Attachment) map[string]int {
	m := map[string]int{}
	for _, at := range atts {
		if !at.Removed {
			m[at.FieldKey]++
		}
	}
	return m
}

func liveIDs(atts []portal.Attachment) []int64 {
	var ids []int64
	for _, at := range atts {
		if !at.Removed {
			ids = append(ids, at.ID)
		}
	}
	return ids
}

// writeContent stores c as the application's content and bumps its version.
func writeContent(ctx context.Context, tx pgx.Tx, actor *portal.Actor, a portal.Application, c portal.AppContent, action string) error {
	b, err := json.Marshal(c)
	if err != nil {
		return err
	}
	var theme *int64
	if c.ThemeID != 0 {
		theme = &c.ThemeID
	}
	if _, err := tx.Exec(ctx, `UPDATE applications SET content = $2, title = $3, theme_id = $4, budget_cents = $5,
		leader_name = $6, version = version + 1, updated_at = now() WHERE id = $1`,
		a.ID, b, c.Title, theme, c.BudgetTotal(), c.Leader.Name); err != nil {
		return err
	}
	return audit(ctx, tx, actor, action, "application", a.ID, a.OrgPath, nil, map[string]any{"title": c.Title, "budget_cents": c.BudgetTotal()})
}

// Send freezes the application's current content as a new version and passes it to
// the first body of the endorsement chain (or straight to the owner when the
// program has none). Sending an application that this same version already sent is
// harmless: nothing changes and ok is false.
func (s *Store) Send(ctx context.Context, actor *portal.Actor, id int64, version int) (sent bool, err error) {
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		a, err := appForUpdate(ctx, tx, id, 0)
		if err != nil {
			return err
		}
		if !portal.Can(actor, portal.ActFileApplication, a.OrgPath) {
			return portal.NotFound()
		}
		if !a.Status.Editable() && a.Version == version+1 {
			return nil // a second click on the same send
		}
		if a.Version != version {
			return portal.Conflict("app.stale")
		}
		d, err := loadProgram(ctx, tx, a.ProgramID)
		if err != nil {
			return err
		}
		t, _ := d.Track(a.TrackID)
		o, err := scanOrg(tx.QueryRow(ctx, `SELECT `+orgColumns+` FROM orgs o WHERE o.id = $1`, a.OrgID))
		if err != nil {
			return err
		}
		// The deadline binds the first sending; a return for revision asks for another.
		if a.Versions == 0 {
			in, err := eligibilityInput(ctx, tx, s, d, t, o)
			if err != nil {
				return err
			}
			in.Filed = 0 // this application is one of those counted
			if reasons := portal.CheckEligibility(in); len(reasons) > 0 {
				return &portal.Error{Code: portal.EINVALID, Message: reasons[0].Key, Args: reasonArgs(reasons[0], s.Zone)}
			}
		}
		atts, err := attachments(ctx, tx, id)
		if err != nil {
			return err
		}
		c := a.Content
		if err := c.Validate(t.Fields, filesByField(atts), true); err != nil {
			return &portal.Error{Code: portal.EINVALID, Message: "app.incomplete", Fields: portal.FieldErrors(err), Err: err}
		}
		c.Attachments = liveIDs(atts)
		c.Figures = portal.FiguresOf(o)
		chain, err := resolveChain(ctx, tx, o, d.Endorsements)
		if err != nil {
			return err
		}
		next, step, err := portal.Transition(a.Status, portal.EvSend, 0, len(chain))
		if err != nil {
			return err
		}
		number := a.Versions + 1
		b, _ := json.Marshal(c)
		if _, err := tx.Exec(ctx, `INSERT INTO application_versions (application_id, number, title, content, sent_by, sent_by_name)
			VALUES ($1, $2, $3, $4, $5, $6)`, id, number, c.Title, b, actor.UserID, actor.Name); err != nil {
			return err
		}
		ids, paths := make([]int64, len(chain)), make([]string, len(chain))
		for i, e := range chain {
			ids[i], paths[i] = e.ID, e.Path
		}
		if _, err := tx.Exec(ctx, `UPDATE applications SET status = $2, endorse_step = $3, endorser_ids = $4, endorser_paths = $5,
			versions = $6, content = $7, version = version + 1, updated_at = now(),
			submitted_at = CASE WHEN $2 = 'submitted' THEN now() ELSE submitted_at END WHERE id = $1`,
			id, next, step, ids, paths, number, b); err != nil {
			return err
		}
		if err := appEvent(ctx, tx, actor, id, portal.EvSend, number, nil, "", ""); err != nil {
			return err
		}
		a.Status, a.EndorseStep, a.EndorserPaths, a.Versions = next, step, paths, number
		if err := notifyNext(ctx, tx, a); err != nil {
			return err
		}
		sent = true
		return audit(ctx, tx, actor, "application.send", "application", id, a.OrgPath, nil, map[string]any{"version": number, "status": next})
	})
	return sent, err
}

// resolveChain finds the endorsing body of each kind for an application of org.
func resolveChain(ctx context.Context, tx pgx.Tx, o portal.Org, kinds []portal.OrgKind) ([]portal.Org, error) {
	if len(kinds) == 0 {
		return nil, nil
	}
	// The applicant's ancestors and their children: where EndorserOrg looks.
	rows, err := tx.Query(ctx, `SELECT `+orgColumns+` FROM orgs o
		WHERE $1 LIKE o.path || '%' OR o.parent_id IN (SELECT a.id FROM orgs a WHERE $1 LIKE a.path || '%')`, o.Path)
	if err != nil {
		return nil, err
	}
	near, err := collectOrgs(rows, false)
	if err != nil {
		return nil, err
	}
	var chain []portal.Org
	for _, k := range kinds {
		e, ok := portal.EndorserOrg(o.Path, k, near)
		if !ok {
			return nil, portal.Errorf(portal.EINVALID, "app.no_endorser", string(k))
		}
		chain = append(chain, e)
	}
	return chain, nil
}

// Endorse records the waiting body's opinion: agree passes the application on (to
// the next body, or to the owner after the last); disagree returns it to the
// secretary, and then the opinion, the reason, is required.
func (s *Store) Endorse(ctx context.Context, actor *portal.Actor, id int64, version int, agree bool, opinion string) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		a, err := appForUpdate(ctx, tx, id, 0)
		if err != nil {
			return err
		}
		waiting := a.WaitingPath()
		if waiting == "" || !portal.Can(actor, portal.ActEndorse, waiting) {
			if portal.CanViewApplication(actor, a.Scope()) {
				return portal.Errorf(portal.EINVALID, "app.not_waiting_for_you")
			}
			return portal.NotFound()
		}
		if a.Version != version {
			return portal.Conflict("app.stale")
		}
		if msg := checkNote(opinion, !agree); msg != "" {
			return &portal.Error{Code: portal.EINVALID, Message: "error.invalid_form", Fields: map[string]string{"opinion": msg}}
		}
		ev := portal.EvEndorse
		if !agree {
			ev = portal.EvReturn
		}
		next, step, err := portal.Transition(a.Status, ev, a.EndorseStep, len(a.EndorserPaths))
		if err != nil {
			return err
		}
		body, err := scanOrg(tx.QueryRow(ctx, `SELECT `+orgColumns+` FROM orgs o WHERE o.id = $1`, a.EndorserIDs[a.EndorseStep]))
		if err != nil {
			return err
		}
		prevStep := a.EndorseStep
		if _, err := tx.Exec(ctx, `UPDATE applications SET status = $2, endorse_step = $3, version = version + 1, updated_at = now(),
			submitted_at = CASE WHEN $2 = 'submitted' THEN now() ELSE submitted_at END WHERE id = $1`, id, next, step); err != nil {
			return err
		}
		if err := appEvent(ctx, tx, actor, id, ev, a.Versions, &prevStep, body.Name, string(body.Kind), opinion, body.ID); err != nil {
			return err
		}
		a.Status, a.EndorseStep = next, step
		if err := notifyNext(ctx, tx, a); err != nil {
			return err
		}
		key := "notify.endorsed"
		if !agree {
			key = "notify.returned"
		}
		if err := notify(ctx, tx, []int64{a.AuthorID}, key, a.ID, a.Title, body.Name); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "application."+string(ev), "application", id, a.OrgPath, nil,
			map[string]any{"body": body.Name, "opinion": opinion, "status": next})
	})
}

// checkNote returns the catalogue key of what is wrong with an opinion or comment.
func checkNote(note string, required bool) string {
	switch {
	case required && len([]rune(note)) == 0:
		return "app.reason_required"
	case len([]rune(note)) > 2000:
		return "form.too_long"
	}
	return ""
}

// ManagerAct lets the program's manager return a submitted application for revision
// (a comment is required) or mark it received.
func (s *Store) ManagerAct(ctx context.Context, actor *portal.Actor, id int64, version int, ev portal.AppEvent, note string) error {
	if ev != portal.EvReturn && ev != portal.EvReceive {
		return portal.Errorf(portal.EINVALID, "error.bad_request")
	}
	return s.inTx(ctx, func(tx pgx.Tx) error {
		a, err := appForUpdate(ctx, tx, id, 0)
		if err != nil {
			return err
		}
		if !portal.Can(actor, portal.ActManageProgram, a.OwnerPath) {
			return portal.NotFound()
		}
		if a.Version != version {
			return portal.Conflict("app.stale")
		}
		if msg := checkNote(note, ev == portal.EvReturn); msg != "" {
			return &portal.Error{Code: portal.EINVALID, Message: "error.invalid_form", Fields: map[string]string{"note": msg}}
		}
		next, step, err := portal.Transition(a.Status, ev, a.EndorseStep, len(a.EndorserPaths))
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE applications SET status = $2, endorse_step = $3, version = version + 1, updated_at = now()
			WHERE id = $1`, id, next, step); err != nil {
			return err
		}
		if err := appEvent(ctx, tx, actor, id, ev, a.Versions, nil, "", "", note); err != nil {
			return err
		}
		key := "notify.received"
		if ev == portal.EvReturn {
			key = "notify.returned_by_owner"
		}
		if err := notify(ctx, tx, []int64{a.AuthorID}, key, a.ID, a.Title); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "application."+string(ev), "application", id, a.OrgPath, nil, map[string]any{"note": note, "status": next})
	})
}

// Withdraw withdraws an application before a decision, at the secretary's request.
func (s *Store) Withdraw(ctx context.Context, actor *portal.Actor, id int64, version int) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		a, err := appForUpdate(ctx, tx, id, 0)
		if err != nil {
			return err
		}
		if !portal.Can(actor, portal.ActFileApplication, a.OrgPath) {
			return portal.NotFound()
		}
		if a.Version != version {
			return portal.Conflict("app.stale")
		}
		next, _, err := portal.Transition(a.Status, portal.EvWithdraw, a.EndorseStep, len(a.EndorserPaths))
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE applications SET status = $2, version = version + 1, updated_at = now() WHERE id = $1`, id, next); err != nil {
			return err
		}
		if err := appEvent(ctx, tx, actor, id, portal.EvWithdraw, a.Versions, nil, "", ""); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "application.withdraw", "application", id, a.OrgPath, map[string]any{"status": a.Status}, map[string]any{"status": next})
	})
}

// appEvent appends to an application's history. orgID, when given, is the
// endorsing body's id.
func appEvent(ctx context.Context, tx pgx.Tx, actor *portal.Actor, appID int64, ev portal.AppEvent, version int, step *int, orgName, orgKind string, rest ...any) error {
	note := ""
	var orgID *int64
	if len(rest) > 0 {
		note, _ = rest[0].(string)
	}
	if len(rest) > 1 {
		if id, ok := rest[1].(int64); ok {
			orgID = &id
		}
	}
	_, err := tx.Exec(ctx, `INSERT INTO application_events (application_id, actor_id, actor_name, event, version_number, step,
		org_id, org_name, org_kind, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		appID, actor.UserID, actor.Name, string(ev), version, step, orgID, orgName, orgKind, note)
	return err
}

// notifyNext tells whoever must act next: the endorsers of the waiting body, or the
// program's managers once the application is submitted.
func notifyNext(ctx context.Context, tx pgx.Tx, a portal.Application) error {
	switch {
	case a.WaitingPath() != "":
		ids, err := usersWithRoleCovering(ctx, tx, portal.RoleEndorser, a.WaitingPath())
		if err != nil {
			return err
		}
		return notify(ctx, tx, ids, "notify.waiting_endorsement", a.ID, a.Title, a.OrgName)
	case a.Status == portal.AppSubmitted:
		ids, err := usersWithRoleCovering(ctx, tx, portal.RoleManager, a.OwnerPath)
		if err != nil {
			return err
		}
		return notify(ctx, tx, ids, "notify.submitted", a.ID, a.Title, a.OrgName)
	}
	return nil
}

// usersWithRoleCovering returns the active people holding role on an organization
// whose subtree contains path.
func usersWithRoleCovering(ctx context.Context, tx pgx.Tx, role portal.Role, path string) ([]int64, error) {
	rows, err := tx.Query(ctx, `SELECT DISTINCT g.user_id FROM role_grants g JOIN users u ON u.id = g.user_id
		WHERE g.org_id = ANY (path_ids($2)) AND g.role = $1 AND u.active`, string(role), path)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// notify posts a message to each user; args fill the message (the first is the
// application id, used for the link).
func notify(ctx context.Context, tx pgx.Tx, userIDs []int64, key string, appID int64, args ...any) error {
	b, _ := json.Marshal(args)
	link := fmt.Sprintf("/applications/%d", appID)
	for _, uid := range userIDs {
		if _, err := tx.Exec(ctx, `INSERT INTO notifications (user_id, message, args, link) VALUES ($1, $2, $3, $4)`, uid, key, b, link); err != nil {
			return err
		}
	}
	return nil
}
