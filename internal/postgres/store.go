// Package postgres is the portal's store. Every public method is one transaction,
// checks the permission policy (portal.Can) against rows it has read inside that
// transaction, writes an audit event for every state change, and scopes list queries
// in SQL to what the actor may see.
package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/campusorg/portal/internal/portal"
)

// Store reads and writes the portal's data in PostgreSQL.
type Store struct {
	pool *pgxpool.Pool
	// Now returns the current time; tests may replace it.
	Now func() time.Time
	// Zone is where days begin and end: deadlines fall at the end of a day there.
	Zone *time.Location
	// Mail composes the mail that goes with the reminder job's notifications to
	// people who gave an e-mail address; nil (no SMTP server configured) queues
	// no mail.
	Mail MailText
	// cache holds the in-memory copies (cache.go), used while Listen runs.
	cache *caches
}

// New returns a Store over pool, judging days in Asia/Shanghai (see Zone).
// planned prefixes a query's arguments so that the server plans the statement for
// those very arguments (pgx's exec mode: an unnamed statement, planned each time),
// instead of the generic plan it may settle on for a cached statement after a few
// runs. Only for queries whose best plan depends on the values, such as the
// dashboard's over rollups where one program holds thousands of rows and another
// ten: a generic plan there can read a program's whole rollup to keep ten rows.
// Planning costs tens of microseconds, more than most queries take, so the others
// keep their cached statements.
func planned(args ...any) []any {
	return append([]any{pgx.QueryExecModeExec}, args...)
}

func New(pool *pgxpool.Pool) *Store {
	zone, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		zone = time.FixedZone("CST", 8*3600)
	}
	return &Store{pool: pool, Now: time.Now, Zone: zone, cache: newCaches()}
}

// Pool returns the underlying pool (for sessions and health checks).
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.pool.Ping(ctx) }

// inTx runs fn in a read-write transaction, committing when fn returns nil. While
// the in-memory copies are in use it returns only once this instance has forgotten
// every copy the transaction made wrong (see caches.expect).
func (s *Store) inTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	if !s.cache.live.Load() {
		return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error { return mapErr(fn(tx)) })
	}
	mark, done := s.cache.expect()
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := fn(tx); err != nil {
			return mapErr(err)
		}
		_, err := tx.Exec(ctx, `SELECT pg_notify('`+cacheChannel+`', $1)`, "w:"+mark)
		return err
	})
	s.cache.await(mark, done, err == nil)
	return err
}

// inReadTx runs fn in a read-only transaction that sees one snapshot.
func (s *Store) inReadTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead},
		func(tx pgx.Tx) error { return mapErr(fn(tx)) })
}

// constraintErrors maps unique and check constraints to a form field and message key.
var constraintErrors = map[string][2]string{
	"orgs_sibling_name_idx":               {"name", "org.name_taken"},
	"orgs_code_key":                       {"code", "org.code_taken"},
	"users_username_idx":                  {"username", "user.username_taken"},
	"users_phone_idx":                     {"phone", "user.phone_taken"},
	"users_email_idx":                     {"email", "user.email_taken"},
	"users_email_check":                   {"email", "user.email_invalid"},
	"role_grants_user_id_role_org_id_key": {"role", "grant.exists"},
}

// mapErr turns driver errors into portal errors: no rows into not found, a known
// constraint into a field error, anything else passes through (and shows as internal).
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return portal.NotFound()
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		if fe, ok := constraintErrors[pgErr.ConstraintName]; ok {
			code := portal.EINVALID
			if pgErr.Code == "23505" {
				code = portal.ECONFLICT
			}
			return &portal.Error{Code: code, Message: fe[1], Fields: map[string]string{fe[0]: fe[1]}, Err: err}
		}
	}
	return err
}

// audit writes one audit event in tx. before and after are marshalled to JSON when not nil.
func audit(ctx context.Context, tx pgx.Tx, actor *portal.Actor, action, entity string, entityID int64, orgPath string, before, after any) error {
	var actorID *int64
	name, remote := "", ""
	if actor.SignedIn() {
		actorID = &actor.UserID
		name = actor.Name
		remote = actor.Remote
	} else if actor != nil {
		remote = actor.Remote
	}
	b, err := jsonOrNil(before)
	if err != nil {
		return err
	}
	a, err := jsonOrNil(after)
	if err != nil {
		return err
	}
	if orgPath == "" {
		orgPath = "/"
	}
	_, err = tx.Exec(ctx, `INSERT INTO audit_events (actor_id, actor_name, action, entity, entity_id, org_path, before, after, remote)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, actorID, name, action, entity, entityID, orgPath, b, a, remote)
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

func jsonOrNil(v any) ([]byte, error) {
	if v == nil {
		return nil, nil
	}
	return json.Marshal(v)
}

// likeScope turns org paths into LIKE patterns covering their subtrees, for
// `path LIKE ANY($n)`. An empty scope matches nothing.
func likeScope(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = p + "%"
	}
	return out
}

// underScope is an SQL condition: the path in column col lies in the subtree of
// the org path base (an SQL expression, such as s.p for a scope joined as
// unnest($n::text[]) s(p), or o.path). Scopes from Actor.RoleScope are org paths,
// not LIKE patterns, never nested in each other, so that such a join adds no
// duplicates. Unlike col LIKE ANY(patterns), which no index serves, it is a range,
// [base, base with its last '/' turned into '0'), that a text_pattern_ops index on
// col serves (migrations/00006_scale.sql). An empty scope matches nothing.
func underScope(col, base string) string {
	return col + ` ~>=~ ` + base + ` AND ` + col + ` ~<~ (left(` + base + `, -1) || '0')`
}

// inScope is an SQL condition: the path in column col lies in one of the subtrees
// of paths (Actor.RoleScope), one range per path as in underScope, each bound a
// parameter appended to args, so that the server plans it knowing the values. An
// empty scope matches nothing.
func inScope(col string, paths []string, args *[]any) string {
	if len(paths) == 0 {
		return "false"
	}
	var conds []string
	for _, p := range paths {
		*args = append(*args, p, p[:len(p)-1]+"0")
		conds = append(conds, fmt.Sprintf("%s ~>=~ $%d AND %s ~<~ $%d", col, len(*args)-1, col, len(*args)))
	}
	return "(" + strings.Join(conds, " OR ") + ")"
}

// Page is one page of a keyset-paginated list: Items, and the cursor of the next page (0 when last).
type Page[T any] struct {
	Items []T
	Next  int64
}

// clampLimit bounds a page size.
func clampLimit(n int) int {
	if n <= 0 || n > 200 {
		return 50
	}
	return n
}
