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

// appListColumns are appColumns without the form (an empty one in its place): the
// lists never show it, and decoding fifty forms cost more than the rest of a page.
var appListColumns = strings.Replace(appColumns, "a.content", "'{}'::jsonb", 1)

// MyApplications returns the applications of the organizations the actor files for,
// newest first. The statement is planned for its scope (a generic plan joins every
// organization by hash).
func (s *Store) MyApplications(ctx context.Context, actor *portal.Actor, limit int) ([]portal.Application, error) {
	var out []portal.Application
	args := []any{clampLimit(limit)}
	cond := inScope("a.org_path", actor.RoleScope(portal.RolesFor(portal.ActFileApplication)...), &args)
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+appListColumns+appFrom+` WHERE `+cond+`
			ORDER BY a.updated_at DESC, a.id DESC LIMIT $1`, planned(args...)...)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (portal.Application, error) { return scanApp(r) })
		return err
	})
	return out, err
}

// EndorsementInbox returns the applications waiting for the opinion of a body the
// actor endorses for, oldest first.
func (s *Store) EndorsementInbox(ctx context.Context, actor *portal.Actor) ([]portal.Application, error) {
	var out []portal.Application
	var args []any
	cond := inScope("(a.endorser_paths[a.endorse_step + 1])", actor.RoleScope(portal.RolesFor(portal.ActEndorse)...), &args)
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+appListColumns+appFrom+` WHERE a.status = 'endorsing' AND `+cond+`
			ORDER BY a.updated_at, a.id LIMIT 200`, args...)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (portal.Application, error) { return scanApp(r) })
		return err
	})
	return out, err
}

// AppFilter narrows a program's application list. After is the keyset cursor (the
// last id of the previous page; the list runs by id).
type AppFilter struct {
	TrackID   int64
	ThemeID   int64
	CollegeID int64
	Status    portal.AppStatus
	Query     string
	After     int64
	Limit     int // 0: a page of 50 (without the forms); -1: every row with its form (exports)
}

// AppCount is how many applications fall under one label.
type AppCount struct {
	ID    int64
	Label string
	N     int
}

// AppList is one page of a program's applications with counts over the whole filter.
type AppList struct {
	Page[portal.Application]
	ByTrack   []AppCount
	ByCollege []AppCount
	Total     int
}

// ProgramApplications lists the applications to a program that the actor may
// view as its manager or viewer, drafts excluded (they are the secretary's own).
// Pages run by id (keyset), so that a late page costs what the first does; the
// counts by track and by college come from the application_org_counts rollup,
// except for a search or a theme filter, which count the matching rows.
func (s *Store) ProgramApplications(ctx context.Context, actor *portal.Actor, programID int64, f AppFilter) (AppList, error) {
	var out AppList
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		d, err := loadProgram(ctx, tx, programID)
		if err != nil {
			return err
		}
		if !portal.Can(actor, portal.ActViewProgram, d.OwnerPath) {
			return portal.NotFound()
		}
		q := newAppQuery(d, f)
		if out.Page, err = q.rows(ctx, tx); err != nil {
			return err
		}
		out.ByTrack, out.ByCollege, err = q.counts(ctx, tx)
		out.Total = total(out.ByTrack)
		return err
	})
	return out, err
}

// AppsPage is everything a program's application list page shows.
type AppsPage struct {
	AppList
	Program  portal.ProgramDetail
	Missing  []portal.Org // expected applicants that have not applied (MissingApplicants)
	Colleges []portal.Org // the organizations under the scope (and the one filtered on), id and name only, for the filter
	// Memo keeps what the views derive from the page (its rendered part) for as
	// long as the page is kept in memory. A page is shared by every request that is
	// given it: its callers must not change it.
	Memo *Memo
}

// appsFacets are the parts of the list page besides its rows.
type appsFacets struct {
	byTrack, byCollege []AppCount
	missing, colleges  []portal.Org
}

func (p *AppsPage) setFacets(fc appsFacets) {
	p.ByTrack, p.ByCollege, p.Missing, p.Colleges = fc.byTrack, fc.byCollege, fc.missing, fc.colleges
	p.Total = total(p.ByTrack)
}

// ProgramAppsPage returns a program's application list page (ProgramApplications,
// MissingApplicants, the filter's organizations and the program) to its managers
// and viewers. For the filters the rollup counts (all but a search and a theme),
// the page is kept in memory until something of the program or one of its listed
// applications changes (cache.go, migrations 00013 and 00014): its rows per
// filter and cursor, the rest per filter, each read in one statement or
// transaction, so the parts may come from different moments, each consistent in
// itself. A search or a theme filter reads everything, in one transaction.
func (s *Store) ProgramAppsPage(ctx context.Context, actor *portal.Actor, programID int64, f AppFilter) (AppsPage, error) {
	d, err := s.programDetail(ctx, programID)
	if err != nil {
		return AppsPage{}, err
	}
	if !portal.Can(actor, portal.ActViewProgram, d.OwnerPath) {
		return AppsPage{}, portal.NotFound()
	}
	q := newAppQuery(d, f)
	if q.live() {
		out := AppsPage{Program: d}
		err := s.inReadTx(ctx, func(tx pgx.Tx) error {
			var err error
			if out.Page, err = q.rows(ctx, tx); err != nil {
				return err
			}
			fc, err := q.facets(ctx, tx)
			out.setFacets(fc)
			return err
		})
		return out, err
	}
	filter := fmt.Sprint(f.TrackID, "/", f.Status, "/", f.CollegeID)
	page, err := cached(s, s.cache.lists, progKey{program: programID, what: "application list", part: filter + "/" + strconv.FormatInt(f.After, 10)},
		func() (*AppsPage, time.Time, error) {
			// The program again, now that the page's ticket is taken: a copy of it
			// older than a change heard since is not kept with the page.
			d, err := s.programDetail(ctx, programID)
			if err != nil {
				return nil, time.Time{}, err
			}
			q := newAppQuery(d, f)
			out := &AppsPage{Program: d, Memo: &Memo{}}
			if out.Page, err = q.rows(ctx, s.pool); err != nil {
				return nil, time.Time{}, mapErr(err)
			}
			fc, err := cached(s, s.cache.programs, progKey{program: programID, what: "application list facets", part: filter},
				func() (any, time.Time, error) {
					var fc appsFacets
					err := s.inReadTx(ctx, func(tx pgx.Tx) error {
						var err error
						fc, err = q.facets(ctx, tx)
						return err
					})
					return fc, time.Time{}, err
				})
			if err != nil {
				return nil, time.Time{}, err
			}
			out.setFacets(fc.(appsFacets))
			return out, time.Time{}, nil
		})
	if err != nil {
		return AppsPage{}, err
	}
	return *page, nil
}

// facets reads the page's counts, who has not applied and the filter's
// organizations: the organizations under the scope, and the one chosen when it
// lies deeper.
func (q *appQuery) facets(ctx context.Context, tx pgx.Tx) (appsFacets, error) {
	var fc appsFacets
	var err error
	if fc.byTrack, fc.byCollege, err = q.counts(ctx, tx); err != nil {
		return fc, err
	}
	if fc.missing, err = missingApplicants(ctx, tx, q.d); err != nil {
		return fc, err
	}
	rows, err := tx.Query(ctx, `SELECT o.id, o.name FROM orgs o WHERE o.active AND (o.parent_id = $1 OR o.id = $2)
		ORDER BY o.parent_id <> $1, o.name, o.id`, q.d.ScopeOrgID, q.f.CollegeID)
	if err != nil {
		return fc, err
	}
	fc.colleges, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (portal.Org, error) {
		var o portal.Org
		err := r.Scan(&o.ID, &o.Name)
		return o, err
	})
	return fc, err
}

func total(counts []AppCount) (n int) {
	for _, c := range counts {
		n += c.N
	}
	return n
}

// querier is what a transaction and the pool share: a statement that returns rows.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// appQuery is a program's application list under a filter: its conditions, built
// once for the rows and the counts. Only the filters given become conditions, so
// that each combination gets the plan (and the index) that suits it.
type appQuery struct {
	d     portal.ProgramDetail
	f     AppFilter
	where string
	args  []any
}

func newAppQuery(d portal.ProgramDetail, f AppFilter) *appQuery {
	q := &appQuery{d: d, f: f, args: []any{d.ID}, where: ` WHERE a.program_id = $1 AND a.status <> 'draft'`}
	if f.TrackID != 0 {
		q.where += ` AND a.track_id = ` + q.arg(f.TrackID)
	}
	if f.ThemeID != 0 {
		q.where += ` AND a.theme_id = ` + q.arg(f.ThemeID)
	}
	if f.Status != "" {
		q.where += ` AND a.status = ` + q.arg(string(f.Status))
	}
	if f.CollegeID != 0 {
		q.where += ` AND a.org_path ~>=~ (SELECT path FROM orgs WHERE id = ` + q.arg(f.CollegeID) + `)
			AND a.org_path ~<~ (SELECT left(path, -1) || '0' FROM orgs WHERE id = ` + q.arg(f.CollegeID) + `)`
	}
	if f.Query != "" {
		p := q.arg(escapeLike(f.Query))
		q.where += ` AND (a.title ILIKE '%' || ` + p + ` || '%' OR ao.name ILIKE '%' || ` + p + ` || '%' OR a.leader_name ILIKE '%' || ` + p + ` || '%')`
	}
	return q
}

func (q *appQuery) arg(v any) string {
	q.args = append(q.args, v)
	return fmt.Sprintf("$%d", len(q.args))
}

// live reports whether the counts are of the matching rows (a search, a theme)
// rather than from the rollup.
func (q *appQuery) live() bool { return q.f.Query != "" || q.f.ThemeID != 0 }

// appListRow is what a page of the list shows of an application; the track's and
// theme's names and the program's are the program's own (ProgramDetail).
const appListRow = `a.id, a.track_id, coalesce(a.theme_id, 0), a.org_id, a.org_path, ao.name, ao.kind, a.status, a.title,
	a.budget_cents, a.leader_name, a.version, a.created_at, a.updated_at, a.submitted_at, coalesce(col.name, '')
	FROM applications a JOIN orgs ao ON ao.id = a.org_id
	LEFT JOIN LATERAL (SELECT c.name FROM orgs c WHERE c.id = ANY (path_ids(a.org_path)) AND c.kind = 'college' LIMIT 1) col ON true`

// rows reads the page after the filter's cursor: a page of 50 without the forms,
// or (Limit -1) every row with its form, for the exports.
func (q *appQuery) rows(ctx context.Context, db querier) (Page[portal.Application], error) {
	var out Page[portal.Application]
	args := append([]any(nil), q.args...)
	n := len(args)
	limit := clampLimit(q.f.Limit)
	page := ` AND a.id > $` + strconv.Itoa(n+1) + ` ORDER BY a.id LIMIT $` + strconv.Itoa(n+2)
	var items []portal.Application
	if q.f.Limit < 0 {
		limit = 100000
		rows, err := db.Query(ctx, `SELECT `+appColumns+appFrom+q.where+page, append(args, q.f.After, limit+1)...)
		if err != nil {
			return out, err
		}
		if items, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (portal.Application, error) { return scanApp(r) }); err != nil {
			return out, err
		}
	} else {
		tracks, themes := map[int64]string{}, map[int64]string{}
		for _, t := range q.d.Tracks {
			tracks[t.ID] = t.Name
		}
		for _, t := range q.d.Themes {
			themes[t.ID] = t.Name
		}
		rows, err := db.Query(ctx, `SELECT `+appListRow+q.where+page, append(args, q.f.After, limit+1)...)
		if err != nil {
			return out, err
		}
		if items, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (portal.Application, error) {
			a := portal.Application{ProgramID: q.d.ID, ProgramTitle: q.d.Title, OwnerPath: q.d.OwnerPath}
			var submitted *time.Time
			err := r.Scan(&a.ID, &a.TrackID, &a.ThemeID, &a.OrgID, &a.OrgPath, &a.OrgName, &a.OrgKind, &a.Status, &a.Title,
				&a.BudgetCents, &a.LeaderName, &a.Version, &a.CreatedAt, &a.UpdatedAt, &submitted, &a.CollegeName)
			if submitted != nil {
				a.SubmittedAt = *submitted
			}
			a.TrackName, a.ThemeName = tracks[a.TrackID], themes[a.ThemeID]
			return a, err
		}); err != nil {
			return out, err
		}
	}
	if len(items) > limit {
		items = items[:limit]
		out.Next = items[limit-1].ID
	}
	out.Items = items
	return out, nil
}

// counts returns the filter's counts by track and by the organizations under the
// one looked at (the filter's, or the program's scope): from the rollup per
// organization, a few rows each, or for a search or a theme over the matching rows.
func (q *appQuery) counts(ctx context.Context, db querier) (byTrack, byOrg []AppCount, err error) {
	count := func(sql string, args ...any) ([]AppCount, error) {
		rows, err := db.Query(ctx, sql, args...)
		if err != nil {
			return nil, err
		}
		return pgx.CollectRows(rows, func(r pgx.CollectableRow) (AppCount, error) {
			var c AppCount
			err := r.Scan(&c.ID, &c.Label, &c.N)
			return c, err
		})
	}
	focus := q.d.ScopeOrgID
	if q.f.CollegeID != 0 {
		focus = q.f.CollegeID
	}
	if q.live() {
		if byTrack, err = count(`SELECT t.id, t.name, count(*) FROM applications a JOIN orgs ao ON ao.id = a.org_id
			JOIN tracks t ON t.id = a.track_id`+q.where+` GROUP BY t.id, t.name, t.position ORDER BY t.position, t.id`, q.args...); err != nil {
			return nil, nil, err
		}
		args := append(q.args[:len(q.args):len(q.args)], focus)
		byOrg, err = count(`SELECT c.id, c.name, count(*) FROM applications a
			JOIN orgs ao ON ao.id = a.org_id
			JOIN orgs c ON c.id = ANY (path_ids(a.org_path)) AND c.parent_id = $`+strconv.Itoa(len(args))+q.where+`
			GROUP BY c.id, c.name ORDER BY c.name, c.id`, args...)
		return byTrack, byOrg, err
	}
	// As above, only the filters given become conditions; the children's counts
	// are planned for their arguments (a generic plan reads the program's every
	// row).
	args := []any{q.d.ID, focus}
	rwhere := ` AND c.status <> 'draft'`
	if q.f.TrackID != 0 {
		args = append(args, q.f.TrackID)
		rwhere += fmt.Sprintf(` AND c.track_id = $%d`, len(args))
	}
	if q.f.Status != "" {
		args = append(args, string(q.f.Status))
		rwhere += fmt.Sprintf(` AND c.status = $%d`, len(args))
	}
	if byTrack, err = count(`SELECT t.id, t.name, x.n FROM (SELECT c.track_id, sum(c.n) AS n FROM application_org_counts c
		WHERE c.program_id = $1 AND c.org_id = $2`+rwhere+` GROUP BY c.track_id HAVING sum(c.n) > 0) x
		JOIN tracks t ON t.id = x.track_id ORDER BY t.position, t.id`, args...); err != nil {
		return nil, nil, err
	}
	byOrg, err = count(`SELECT o.id, o.name, sum(c.n) FROM orgs o
		JOIN application_org_counts c ON c.program_id = $1 AND c.org_id = o.id`+rwhere+`
		WHERE o.parent_id = $2 GROUP BY o.id, o.name HAVING sum(c.n) > 0 ORDER BY o.name, o.id`, planned(args...)...)
	return byTrack, byOrg, err
}

// MissingApplicants returns the organizations of the program's expected kinds within
// its scope that have no application other than drafts and withdrawn ones: who
// should have applied and has not.
func (s *Store) MissingApplicants(ctx context.Context, actor *portal.Actor, programID int64) ([]portal.Org, error) {
	var out []portal.Org
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		d, err := loadProgram(ctx, tx, programID)
		if err != nil {
			return err
		}
		if !portal.Can(actor, portal.ActViewProgram, d.OwnerPath) {
			return portal.NotFound()
		}
		out, err = missingApplicants(ctx, tx, d)
		return err
	})
	return out, err
}

func missingApplicants(ctx context.Context, tx pgx.Tx, d portal.ProgramDetail) ([]portal.Org, error) {
	if len(d.ExpectedKinds) == 0 {
		return nil, nil
	}
	rows, err := tx.Query(ctx, `SELECT `+orgColumns+` FROM orgs o WHERE o.active AND o.path LIKE $1 AND o.kind = ANY($2)
		AND NOT EXISTS (SELECT 1 FROM applications a WHERE a.program_id = $3 AND a.org_id = o.id
			AND a.status NOT IN ('draft', 'withdrawn'))
		ORDER BY o.path LIMIT 500`, d.ScopePath+"%", kindStrings(d.ExpectedKinds), d.ID)
	if err != nil {
		return nil, err
	}
	return collectOrgs(rows, false)
}

// ExtendDeadline lets the program's manager give one organization a later deadline.
func (s *Store) ExtendDeadline(ctx context.Context, actor *portal.Actor, programID, orgID int64, until time.Time, reason string) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		d, err := loadProgram(ctx, tx, programID)
		if err != nil {
			return err
		}
		if !portal.Can(actor, portal.ActManageProgram, d.OwnerPath) {
			return portal.NotFound()
		}
		o, err := scanOrg(tx.QueryRow(ctx, `SELECT `+orgColumns+` FROM orgs o WHERE o.id = $1`, orgID))
		if err != nil || !portal.PathCovers(d.ScopePath, o.Path) {
			return &portal.Error{Code: portal.EINVALID, Message: "error.invalid_form", Fields: map[string]string{"org_id": "form.choose"}}
		}
		if msg := checkNote(reason, false); msg != "" {
			return &portal.Error{Code: portal.EINVALID, Message: "error.invalid_form", Fields: map[string]string{"reason": msg}}
		}
		if until.Before(s.Now().In(s.Zone).Truncate(24*time.Hour).AddDate(0, 0, -1)) {
			return &portal.Error{Code: portal.EINVALID, Message: "error.invalid_form", Fields: map[string]string{"until": "app.extension_past"}}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO deadline_extensions (program_id, org_id, until, reason, granted_by)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (program_id, org_id) DO UPDATE SET until = $3, reason = $4,
			granted_by = $5, granted_at = now()`, programID, orgID, until, reason, actor.UserID); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "program.extend_deadline", "program", programID, d.OwnerPath, nil,
			map[string]any{"org": o.Name, "until": until.Format("2006-01-02"), "reason": reason})
	})
}

// AddAttachment stores a file on an editable application. contentType is what the
// caller detected from the content, which must be an accepted type; name is cleaned.
func (s *Store) AddAttachment(ctx context.Context, actor *portal.Actor, appID int64, fieldKey, name, contentType string, data []byte) (portal.Attachment, error) {
	var at portal.Attachment
	ext, ok := portal.AttachmentExt(contentType)
	if !ok {
		return at, &portal.Error{Code: portal.EINVALID, Message: "app.file_type", Fields: map[string]string{"file": "app.file_type"}}
	}
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		a, err := appForUpdate(ctx, tx, appID, 0)
		if err != nil {
			return err
		}
		if !portal.Can(actor, portal.ActFileApplication, a.OrgPath) {
			return portal.NotFound()
		}
		if !a.Status.Editable() {
			return portal.Errorf(portal.EINVALID, "app.not_editable")
		}
		if fieldKey != "" {
			d, err := loadProgram(ctx, tx, a.ProgramID)
			if err != nil {
				return err
			}
			t, _ := d.Track(a.TrackID)
			found := false
			for _, f := range t.Fields {
				found = found || (f.Key == fieldKey && f.Type == portal.FieldFile)
			}
			if !found {
				return portal.Errorf(portal.EINVALID, "error.unknown_field")
			}
		}
		var live int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM attachments WHERE application_id = $1 AND removed_at IS NULL`, appID).Scan(&live); err != nil {
			return err
		}
		if live >= portal.MaxAttachments {
			return &portal.Error{Code: portal.EINVALID, Message: "app.too_many_files", Fields: map[string]string{"file": "app.too_many_files"}}
		}
		sum := sha256.Sum256(data)
		at = portal.Attachment{ApplicationID: appID, FieldKey: fieldKey, Name: portal.CleanFileName(name, ext),
			ContentType: contentType, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:])}
		if err := tx.QueryRow(ctx, `INSERT INTO attachments (application_id, field_key, name, content_type, size, sha256, data, uploaded_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id, uploaded_at`, appID, fieldKey, at.Name, contentType, at.Size,
			at.SHA256, data, actor.UserID).Scan(&at.ID, &at.UploadedAt); err != nil {
			return err
		}
		if err := bumpContentAttachments(ctx, tx, a); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "attachment.add", "application", appID, a.OrgPath, nil,
			map[string]any{"attachment": at.ID, "name": at.Name, "size": at.Size, "sha256": at.SHA256})
	})
	return at, err
}

// bumpContentAttachments refreshes the draft's list of live attachments and its version.
func bumpContentAttachments(ctx context.Context, tx pgx.Tx, a portal.Application) error {
	atts, err := attachments(ctx, tx, a.ID)
	if err != nil {
		return err
	}
	c := a.Content
	c.Attachments = liveIDs(atts)
	b, _ := json.Marshal(c)
	_, err = tx.Exec(ctx, `UPDATE applications SET content = $2, version = version + 1, updated_at = now() WHERE id = $1`, a.ID, b)
	return err
}

// RemoveAttachment takes a file off an editable application. The file itself is
// kept for the versions that were sent with it.
func (s *Store) RemoveAttachment(ctx context.Context, actor *portal.Actor, appID, attID int64) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		a, err := appForUpdate(ctx, tx, appID, 0)
		if err != nil {
			return err
		}
		if !portal.Can(actor, portal.ActFileApplication, a.OrgPath) {
			return portal.NotFound()
		}
		if !a.Status.Editable() {
			return portal.Errorf(portal.EINVALID, "app.not_editable")
		}
		tag, err := tx.Exec(ctx, `UPDATE attachments SET removed_at = now() WHERE id = $1 AND application_id = $2 AND removed_at IS NULL`, attID, appID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return portal.NotFound()
		}
		if err := bumpContentAttachments(ctx, tx, a); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "attachment.remove", "application", appID, a.OrgPath, map[string]any{"attachment": attID}, nil)
	})
}

// AttachmentFile returns an attachment with its bytes, to those who may read its
// application.
func (s *Store) AttachmentFile(ctx context.Context, actor *portal.Actor, attID int64) (portal.Attachment, []byte, error) {
	var at portal.Attachment
	var data []byte
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		var appID int64
		if err := tx.QueryRow(ctx, `SELECT application_id FROM attachments WHERE id = $1`, attID).Scan(&appID); err != nil {
			return err
		}
		a, err := scanApp(tx.QueryRow(ctx, `SELECT `+appColumns+appFrom+` WHERE a.id = $1`, appID))
		if err != nil {
			return err
		}
		if !portal.CanViewApplication(actor, a.Scope()) {
			return portal.NotFound()
		}
		return tx.QueryRow(ctx, `SELECT id, application_id, field_key, name, content_type, size, sha256, uploaded_at,
			removed_at IS NOT NULL, data FROM attachments WHERE id = $1`, attID).Scan(&at.ID, &at.ApplicationID, &at.FieldKey,
			&at.Name, &at.ContentType, &at.Size, &at.SHA256, &at.UploadedAt, &at.Removed, &data)
	})
	return at, data, err
}

// Notification is a message inside the portal.
type Notification struct {
	ID      int64
	At      time.Time
	Message string
	Args    []any
	Link    string
	Read    bool
}

// Notifications returns the actor's newest messages and how many are unread.
func (s *Store) Notifications(ctx context.Context, actor *portal.Actor, limit int) ([]Notification, int, error) {
	var out []Notification
	var unread int
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id, at, message, args, link, read_at IS NOT NULL FROM notifications
			WHERE user_id = $1 ORDER BY id DESC LIMIT $2`, actor.UserID, clampLimit(limit))
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Notification, error) {
			var n Notification
			var args []byte
			if err := r.Scan(&n.ID, &n.At, &n.Message, &args, &n.Link, &n.Read); err != nil {
				return n, err
			}
			return n, json.Unmarshal(args, &n.Args)
		})
		if err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT count(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL`, actor.UserID).Scan(&unread)
	})
	return out, unread, err
}

// MarkNotificationsRead marks all the actor's messages read.
func (s *Store) MarkNotificationsRead(ctx context.Context, actor *portal.Actor) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL`, actor.UserID)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		return audit(ctx, tx, actor, "notifications.read", "user", actor.UserID, actor.HomePath, nil, map[string]int64{"count": tag.RowsAffected()})
	})
}

// HomeCounts are the figures of the home page's workspaces.
type HomeCounts struct {
	ToRevise     int // the secretary's drafts and returned applications
	AwaitOpinion int // applications waiting for the endorser's opinion
	ToReceive    int // submitted applications to the manager's programs
	Unread       int // unread messages
}

// HomeCounts returns what waits for the actor, each figure scoped like its list
// (the subtrees of the actor's grants of the roles that see it). It is one
// statement, without a transaction to open and close, whose plan does not depend
// on the person (the server plans it once per connection, not per request), each
// count served by an index on the subtrees (migrations/00006_scale.sql). The
// manager's figure, a sum over every program she manages (all of a province's
// for its League committee), is kept in memory per scope until any program
// changes (toReceive).
func (s *Store) HomeCounts(ctx context.Context, actor *portal.Actor) (HomeCounts, error) {
	var c HomeCounts
	roles := func(a portal.Action) []string {
		var out []string
		for _, r := range portal.RolesFor(a) {
			out = append(out, string(r))
		}
		return out
	}
	// The grants of the roles as subtrees; count(DISTINCT) since grants may nest.
	// The manager's figure comes from the application_counts rollup. Each count is
	// part of the statement only for those who hold one of its roles (the actor's
	// grants, loaded with her session), so that a secretary's home page asks for two
	// counts, not four.
	grants := `FROM role_grants g JOIN orgs s ON s.id = g.org_id AND s.active`
	holds := func(a portal.Action) bool {
		for _, r := range portal.RolesFor(a) {
			if actor.Has(r) {
				return true
			}
		}
		return false
	}
	args := []any{actor.UserID}
	count := func(a portal.Action, sql string) string {
		if !holds(a) {
			return `0`
		}
		args = append(args, roles(a))
		return strings.ReplaceAll(sql, "$roles", fmt.Sprintf("$%d", len(args)))
	}
	err := s.pool.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL), `+
		count(portal.ActFileApplication, `(SELECT count(DISTINCT a.id) `+grants+`
			JOIN applications a ON `+underScope("a.org_path", "s.path")+`
			WHERE g.user_id = $1 AND g.role = ANY ($roles) AND a.status IN ('draft', 'returned'))`)+`, `+
		count(portal.ActEndorse, `(SELECT count(DISTINCT a.id) `+grants+`
			JOIN applications a ON `+underScope("(a.endorser_paths[a.endorse_step + 1])", "s.path")+`
			WHERE g.user_id = $1 AND g.role = ANY ($roles) AND a.status = 'endorsing')`),
		args...,
	).Scan(&c.Unread, &c.ToRevise, &c.AwaitOpinion)
	if err != nil {
		return c, mapErr(err)
	}
	c.ToReceive, err = s.toReceive(ctx, actor.RoleScope(portal.RolesFor(portal.ActManageProgram)...))
	return c, err
}

// toReceive returns how many applications are submitted to the programs owned
// within scope (from the application_counts rollup), kept in memory per scope
// until any program changes.
func (s *Store) toReceive(ctx context.Context, scope []string) (int, error) {
	if len(scope) == 0 {
		return 0, nil
	}
	v, err := cached(s, s.cache.programs, progKey{what: "submitted to receive", part: strings.Join(scope, ",")}, func() (any, time.Time, error) {
		var args []any
		var n int
		err := s.pool.QueryRow(ctx, `SELECT coalesce(sum(ac.n), 0)::int FROM application_counts ac
			JOIN programs p ON p.id = ac.program_id JOIN orgs o ON o.id = p.owner_org_id
			WHERE ac.status = 'submitted' AND `+inScope("o.path", scope, &args), args...).Scan(&n)
		return n, time.Time{}, mapErr(err)
	})
	if err != nil {
		return 0, err
	}
	return v.(int), nil
}
