package postgres

import (
	"context"

	"github.com/campusorg/portal/internal/portal"
)

// maxPick bounds the orgs offered in one select; beyond it a person narrows by search.
const maxPick = 1000

// OrgPicks returns the active orgs on which the actor may take action, in tree order,
// for a select (at most maxPick).
func (s *Store) OrgPicks(ctx context.Context, actor *portal.Actor, action portal.Action) ([]portal.Org, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+orgColumns+` FROM orgs o
		WHERE o.path LIKE ANY($1) AND o.active ORDER BY o.path LIMIT $2`,
		likeScope(actor.RoleScope(portal.RolesFor(action)...)), maxPick)
	if err != nil {
		return nil, err
	}
	return collectOrgs(rows, false)
}

// MoveTargets returns the orgs org may move under: active, managed by the actor, of a
// kind that may contain it, outside its own subtree, other than its current parent.
func (s *Store) MoveTargets(ctx context.Context, actor *portal.Actor, org portal.Org) ([]portal.Org, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+orgColumns+` FROM orgs o
		WHERE o.path LIKE ANY($1) AND o.active AND o.kind = ANY($2) AND o.path NOT LIKE $3 || '%' AND o.id <> $4
		ORDER BY o.path LIMIT $5`,
		likeScope(actor.RoleScope(portal.RolesFor(portal.ActManageOrg)...)), kindStrings(org.Kind.ParentKinds()),
		org.Path, org.ParentID, maxPick)
	if err != nil {
		return nil, err
	}
	return collectOrgs(rows, false)
}
