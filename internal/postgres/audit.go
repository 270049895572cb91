package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/campusorg/portal/internal/portal"
)

// AuditFilter narrows ListAudit.
type AuditFilter struct {
	Action   string // exact action, or a prefix ending in "." such as "org."
	Actor    string // part of the actor's name
	EntityID int64  // with Entity, one record's history
	Entity   string
	Before   int64 // keyset cursor: events older than this id
	Limit    int
}

// ListAudit lists audit events about the subtrees the actor may read the audit log of,
// newest first.
func (s *Store) ListAudit(ctx context.Context, actor *portal.Actor, f AuditFilter) (Page[portal.AuditEvent], error) {
	limit := clampLimit(f.Limit)
	before := f.Before
	if before <= 0 {
		before = 1<<63 - 1
	}
	rows, err := s.pool.Query(ctx, `SELECT id, at, coalesce(actor_id, 0), actor_name, action, entity, coalesce(entity_id, 0),
			org_path, before, after, remote
		FROM audit_events
		WHERE org_path LIKE ANY($1) AND id < $2
		  AND ($3 = '' OR action = $3 OR (right($3, 1) = '.' AND action LIKE $3 || '%'))
		  AND ($4 = '' OR actor_name ILIKE '%' || $4 || '%')
		  AND ($5 = '' OR (entity = $5 AND entity_id = $6))
		ORDER BY id DESC LIMIT $7`,
		likeScope(actor.RoleScope(portal.RolesFor(portal.ActViewAudit)...)), before, f.Action, escapeLike(f.Actor),
		f.Entity, f.EntityID, limit+1)
	if err != nil {
		return Page[portal.AuditEvent]{}, err
	}
	items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (portal.AuditEvent, error) {
		var e portal.AuditEvent
		err := r.Scan(&e.ID, &e.At, &e.ActorID, &e.ActorName, &e.Action, &e.Entity, &e.EntityID, &e.OrgPath, &e.Before, &e.After, &e.Remote)
		return e, err
	})
	if err != nil {
		return Page[portal.AuditEvent]{}, err
	}
	var p Page[portal.AuditEvent]
	if len(items) > limit {
		items = items[:limit]
		p.Next = items[limit-1].ID
	}
	p.Items = items
	return p, nil
}
