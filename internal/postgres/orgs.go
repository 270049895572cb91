package postgres

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campusorg/portal/internal/portal"
)

const orgColumns = `o.id, coalesce(o.parent_id, 0), o.path, o.kind, o.name, coalesce(o.code, ''), o.founded_on,
	o.league_members, o.youth_under_28, o.league_cadres, o.active, o.version`

// scanOrg scans orgColumns, then the extra destinations, from row.
func scanOrg(row pgx.Row, extra ...any) (portal.Org, error) {
	var o portal.Org
	err := scanOrgInto(row, &o, extra...)
	return o, err
}

func scanOrgInto(row pgx.Row, o *portal.Org, extra ...any) error {
	var founded *time.Time
	dest := append([]any{&o.ID, &o.ParentID, &o.Path, &o.Kind, &o.Name, &o.Code, &founded,
		&o.LeagueMembers, &o.YouthUnder28, &o.LeagueCadres, &o.Active, &o.Version}, extra...)
	if err := row.Scan(dest...); err != nil {
		return err
	}
	if founded != nil {
		o.FoundedOn = *founded
	}
	return nil
}

func collectOrgs(rows pgx.Rows, withChildCount bool) ([]portal.Org, error) {
	defer rows.Close()
	var out []portal.Org
	for rows.Next() {
		var o portal.Org
		var extra []any
		if withChildCount {
			extra = append(extra, &o.ChildCount)
		}
		if err := scanOrgInto(rows, &o, extra...); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// orgForUpdate reads one org and locks it for the rest of the transaction.
func orgForUpdate(ctx context.Context, tx pgx.Tx, id int64) (portal.Org, error) {
	return scanOrg(tx.QueryRow(ctx, `SELECT `+orgColumns+` FROM orgs o WHERE o.id = $1 FOR UPDATE`, id))
}

func nullDate(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func nullText(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// today returns the current date in the portal's zone.
func (s *Store) today() time.Time {
	return s.Now()
}

// GetOrg returns the org with id if the actor may see it, else a not-found error.
func (s *Store) GetOrg(ctx context.Context, actor *portal.Actor, id int64) (portal.Org, error) {
	var o portal.Org
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		if err := scanOrgInto(tx.QueryRow(ctx, `SELECT `+orgColumns+`,
			(SELECT count(*) FROM orgs c WHERE c.parent_id = o.id) FROM orgs o WHERE o.id = $1`, id), &o, &o.ChildCount); err != nil {
			return err
		}
		if !portal.Can(actor, portal.ActViewOrg, o.Path) {
			return portal.NotFound()
		}
		return nil
	})
	return o, err
}

// OrgsByPath returns the orgs on path (a root-first chain of ids) that the actor may see,
// root first: the breadcrumbs of a page.
func (s *Store) OrgsByPath(ctx context.Context, actor *portal.Actor, path string) ([]portal.Org, error) {
	var ids []int64
	for _, p := range strings.Split(strings.Trim(path, "/"), "/") {
		if id, err := strconv.ParseInt(p, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	rows, err := s.pool.Query(ctx, `SELECT `+orgColumns+` FROM orgs o
		WHERE o.id = ANY($1) AND o.path LIKE ANY($2) ORDER BY length(o.path)`, ids, likeScope(actor.RoleScope()))
	if err != nil {
		return nil, err
	}
	return collectOrgs(rows, false)
}

// OrgChildren returns the children of the org with id, with their child counts,
// when the actor may see that org.
func (s *Store) OrgChildren(ctx context.Context, actor *portal.Actor, id int64, includeInactive bool) ([]portal.Org, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+orgColumns+`, (SELECT count(*) FROM orgs c WHERE c.parent_id = o.id)
		FROM orgs o JOIN orgs p ON p.id = o.parent_id
		WHERE o.parent_id = $1 AND p.path LIKE ANY($2) AND (o.active OR $3)
		ORDER BY o.kind = 'class', o.name`, id, likeScope(actor.RoleScope()), includeInactive)
	if err != nil {
		return nil, err
	}
	return collectOrgs(rows, true)
}

// ScopeRoots returns the topmost orgs the actor may see: the orgs of their grants,
// less those inside another.
func (s *Store) ScopeRoots(ctx context.Context, actor *portal.Actor) ([]portal.Org, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+orgColumns+`, (SELECT count(*) FROM orgs c WHERE c.parent_id = o.id)
		FROM orgs o WHERE o.path = ANY($1) ORDER BY o.path`, actor.RoleScope())
	if err != nil {
		return nil, err
	}
	return collectOrgs(rows, true)
}

// OrgFilter narrows SearchOrgs.
type OrgFilter struct {
	Query string         // part of the name
	Kind  portal.OrgKind // "" for any
	Under string         // a path: only that subtree ("" for the whole scope)
	After int64          // keyset cursor: ids greater than this
	Limit int
}

// SearchOrgs lists active orgs the actor may see that match f, by id, one page at a time.
func (s *Store) SearchOrgs(ctx context.Context, actor *portal.Actor, f OrgFilter) (Page[portal.Org], error) {
	limit := clampLimit(f.Limit)
	under := f.Under + "%"
	rows, err := s.pool.Query(ctx, `SELECT `+orgColumns+`, (SELECT count(*) FROM orgs c WHERE c.parent_id = o.id)
		FROM orgs o
		WHERE o.path LIKE ANY($1) AND o.path LIKE $2 AND o.active
		  AND ($3 = '' OR o.name ILIKE '%' || $3 || '%')
		  AND ($4 = '' OR o.kind = $4) AND o.id > $5
		ORDER BY o.id LIMIT $6`,
		likeScope(actor.RoleScope()), under, escapeLike(f.Query), string(f.Kind), f.After, limit+1)
	if err != nil {
		return Page[portal.Org]{}, err
	}
	items, err := collectOrgs(rows, true)
	if err != nil {
		return Page[portal.Org]{}, err
	}
	var p Page[portal.Org]
	if len(items) > limit {
		items = items[:limit]
		p.Next = items[limit-1].ID
	}
	p.Items = items
	return p, nil
}

// escapeLike escapes LIKE wildcards in user text.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.TrimSpace(s))
}

// orgRecord is what the audit log keeps of an org.
type orgRecord struct {
	ParentID      int64  `json:"parent_id,omitempty"`
	Path          string `json:"path"`
	Kind          string `json:"kind"`
	Name          string `json:"name"`
	Code          string `json:"code,omitempty"`
	FoundedOn     string `json:"founded_on,omitempty"`
	LeagueMembers int    `json:"league_members"`
	YouthUnder28  int    `json:"youth_under_28"`
	LeagueCadres  int    `json:"league_cadres"`
	Active        bool   `json:"active"`
}

func recordOf(o portal.Org) orgRecord {
	r := orgRecord{ParentID: o.ParentID, Path: o.Path, Kind: string(o.Kind), Name: o.Name, Code: o.Code,
		LeagueMembers: o.LeagueMembers, YouthUnder28: o.YouthUnder28, LeagueCadres: o.LeagueCadres, Active: o.Active}
	if !o.FoundedOn.IsZero() {
		r.FoundedOn = o.FoundedOn.Format("2006-01-02")
	}
	return r
}

// CreateOrg creates an org under in.ParentID, which the actor must manage, and returns it.
func (s *Store) CreateOrg(ctx context.Context, actor *portal.Actor, in portal.OrgInput) (portal.Org, error) {
	var o portal.Org
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		parent, err := orgForUpdate(ctx, tx, in.ParentID)
		if err != nil {
			return err
		}
		if !portal.Can(actor, portal.ActManageOrg, parent.Path) {
			return portal.NotFound()
		}
		if !parent.Active {
			return &portal.Error{Code: portal.EINVALID, Message: "org.parent_inactive", Fields: map[string]string{"parent_id": "org.parent_inactive"}}
		}
		if err := in.Validate(parent.Kind, s.today()); err != nil {
			return err
		}
		o, err = insertOrg(ctx, tx, parent.Path, in)
		if err != nil {
			return err
		}
		return audit(ctx, tx, actor, "org.create", "org", o.ID, o.Path, nil, recordOf(o))
	})
	return o, err
}

// insertOrg inserts a validated org under the org at parentPath ("" for a root).
func insertOrg(ctx context.Context, tx pgx.Tx, parentPath string, in portal.OrgInput) (portal.Org, error) {
	var id int64
	if err := tx.QueryRow(ctx, `SELECT nextval(pg_get_serial_sequence('orgs', 'id'))`).Scan(&id); err != nil {
		return portal.Org{}, err
	}
	var parentID *int64
	if in.ParentID != 0 {
		parentID = &in.ParentID
	}
	return scanOrg(tx.QueryRow(ctx, `INSERT INTO orgs AS o (id, parent_id, path, kind, name, code, founded_on,
			league_members, youth_under_28, league_cadres)
		OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		RETURNING `+orgColumns,
		id, parentID, portal.PathOf(parentPath, id), in.Kind, in.Name, nullText(in.Code), nullDate(in.FoundedOn),
		in.LeagueMembers, in.YouthUnder28, in.LeagueCadres))
}

// UpdateOrg changes an org's fields, provided nobody changed it since version.
func (s *Store) UpdateOrg(ctx context.Context, actor *portal.Actor, id int64, version int, in portal.OrgInput) (portal.Org, error) {
	var o portal.Org
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		before, err := orgForUpdate(ctx, tx, id)
		if err != nil {
			return err
		}
		if !portal.Can(actor, portal.ActManageOrg, before.Path) {
			return portal.NotFound()
		}
		if before.Version != version {
			return portal.Conflict("error.edit_conflict")
		}
		var parentKind portal.OrgKind
		if before.ParentID != 0 {
			if err := tx.QueryRow(ctx, `SELECT kind FROM orgs WHERE id = $1`, before.ParentID).Scan(&parentKind); err != nil {
				return err
			}
		}
		in.ParentID = before.ParentID
		if err := in.Validate(parentKind, s.today()); err != nil {
			return err
		}
		if in.Kind != before.Kind {
			var misfit int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM orgs WHERE parent_id = $1 AND NOT (kind = ANY($2))`,
				id, kindStrings(in.Kind.ChildKinds())).Scan(&misfit); err != nil {
				return err
			}
			if misfit > 0 {
				return &portal.Error{Code: portal.EINVALID, Message: "org.kind_children_misfit", Fields: map[string]string{"kind": "org.kind_children_misfit"}}
			}
		}
		o, err = scanOrg(tx.QueryRow(ctx, `UPDATE orgs o SET kind = $2, name = $3, code = $4, founded_on = $5,
				league_members = $6, youth_under_28 = $7, league_cadres = $8, version = version + 1, updated_at = now()
			WHERE id = $1 RETURNING `+orgColumns,
			id, in.Kind, in.Name, nullText(in.Code), nullDate(in.FoundedOn), in.LeagueMembers, in.YouthUnder28, in.LeagueCadres))
		if err != nil {
			return err
		}
		return audit(ctx, tx, actor, "org.update", "org", id, o.Path, recordOf(before), recordOf(o))
	})
	return o, err
}

func kindStrings(kinds []portal.OrgKind) []string {
	out := make([]string, len(kinds))
	for i, k := range kinds {
		out[i] = string(k)
	}
	return out
}

// MoveOrg moves an org and its subtree under newParentID. The actor must manage both
// the org and the new parent; an org never moves under itself or its descendants.
func (s *Store) MoveOrg(ctx context.Context, actor *portal.Actor, id int64, version int, newParentID int64) (portal.Org, error) {
	var o portal.Org
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		before, err := orgForUpdate(ctx, tx, id)
		if err != nil {
			return err
		}
		if !portal.Can(actor, portal.ActManageOrg, before.Path) || before.ParentID == 0 {
			return portal.NotFound()
		}
		if before.Version != version {
			return portal.Conflict("error.edit_conflict")
		}
		parent, err := orgForUpdate(ctx, tx, newParentID)
		if err != nil {
			return &portal.Error{Code: portal.EINVALID, Message: "org.parent_missing", Fields: map[string]string{"parent_id": "org.parent_missing"}}
		}
		if !portal.Can(actor, portal.ActManageOrg, parent.Path) {
			return &portal.Error{Code: portal.EINVALID, Message: "org.parent_missing", Fields: map[string]string{"parent_id": "org.parent_missing"}}
		}
		if err := portal.CheckMove(before, parent); err != nil {
			return err
		}
		newPath := portal.PathOf(parent.Path, id)
		if _, err := tx.Exec(ctx, `UPDATE orgs SET path = $2 || substr(path, length($1) + 1), updated_at = now()
			WHERE path LIKE $1 || '%'`, before.Path, newPath); err != nil {
			return err
		}
		o, err = scanOrg(tx.QueryRow(ctx, `UPDATE orgs o SET parent_id = $2, version = version + 1 WHERE id = $1 RETURNING `+orgColumns, id, parent.ID))
		if err != nil {
			return err
		}
		return audit(ctx, tx, actor, "org.move", "org", id, o.Path, recordOf(before), recordOf(o))
	})
	return o, err
}

// SetOrgActive deactivates an org with its whole subtree, or reactivates the org alone
// (its parent must be active). Grants on inactive orgs give no rights.
func (s *Store) SetOrgActive(ctx context.Context, actor *portal.Actor, id int64, active bool) (portal.Org, error) {
	var o portal.Org
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		before, err := orgForUpdate(ctx, tx, id)
		if err != nil {
			return err
		}
		if !portal.Can(actor, portal.ActManageOrg, before.Path) || before.ParentID == 0 {
			return portal.NotFound()
		}
		if before.Active == active {
			o = before
			return nil
		}
		if active {
			var parentActive bool
			if err := tx.QueryRow(ctx, `SELECT active FROM orgs WHERE id = $1`, before.ParentID).Scan(&parentActive); err != nil {
				return err
			}
			if !parentActive {
				return portal.Errorf(portal.EINVALID, "org.parent_inactive")
			}
			_, err = tx.Exec(ctx, `UPDATE orgs SET active = true, version = version + 1, updated_at = now() WHERE id = $1`, id)
		} else {
			_, err = tx.Exec(ctx, `UPDATE orgs SET active = false, version = version + 1, updated_at = now()
				WHERE path LIKE $1 || '%' AND active`, before.Path)
		}
		if err != nil {
			return err
		}
		// Grants under the subtree change meaning: their holders' sessions are renewed.
		if _, err := tx.Exec(ctx, `UPDATE users SET session_epoch = session_epoch + 1
			WHERE id IN (SELECT g.user_id FROM role_grants g JOIN orgs x ON x.id = g.org_id WHERE x.path LIKE $1 || '%')`, before.Path); err != nil {
			return err
		}
		o, err = scanOrg(tx.QueryRow(ctx, `SELECT `+orgColumns+` FROM orgs o WHERE o.id = $1`, id))
		if err != nil {
			return err
		}
		action := "org.deactivate"
		if active {
			action = "org.reactivate"
		}
		return audit(ctx, tx, actor, action, "org", id, o.Path, recordOf(before), recordOf(o))
	})
	return o, err
}
