package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// SessionStore keeps the web sessions (scs's Store and CtxStore) in the sessions
// table, shared by every instance, with a copy in memory while the store's
// listener runs (cache.go): a signed-in page then reads no session from the
// database. Every write and delete announces the token on portal_cache, so the
// other instances forget their copy when the transaction commits.
type SessionStore struct {
	s *Store
}

// Sessions returns the session store over s.
func (s *Store) Sessions() *SessionStore { return &SessionStore{s: s} }

type sessionRecord struct {
	data   []byte
	expiry time.Time
}

// FindCtx returns the data of the unexpired session token.
func (ss *SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	s := ss.s
	rec, err := cached(s, s.cache.sessions, token, func() (sessionRecord, time.Time, error) {
		var r sessionRecord
		err := s.pool.QueryRow(ctx, `SELECT data, expiry FROM sessions WHERE token = $1 AND current_timestamp < expiry`,
			token).Scan(&r.data, &r.expiry)
		return r, r.expiry, err
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return rec.data, true, nil
}

// CommitCtx writes the session token.
func (ss *SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	ss.s.cache.sessions.drop(token)
	_, err := ss.s.pool.Exec(ctx, `WITH w AS (INSERT INTO sessions (token, data, expiry) VALUES ($1, $2, $3)
		ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry RETURNING token)
		SELECT pg_notify('`+cacheChannel+`', 's:' || token) FROM w`, token, b, expiry)
	ss.s.cache.sessions.drop(token) // a copy read while the write was under way
	return err
}

// DeleteCtx ends the session token.
func (ss *SessionStore) DeleteCtx(ctx context.Context, token string) error {
	ss.s.cache.sessions.drop(token)
	_, err := ss.s.pool.Exec(ctx, `WITH d AS (DELETE FROM sessions WHERE token = $1 RETURNING token)
		SELECT pg_notify('`+cacheChannel+`', 's:' || token) FROM d`, token)
	ss.s.cache.sessions.drop(token)
	return err
}

// Find, Commit and Delete are scs's Store, which the CtxStore methods above replace.
func (ss *SessionStore) Find(token string) ([]byte, bool, error) {
	return ss.FindCtx(context.Background(), token)
}

func (ss *SessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return ss.CommitCtx(context.Background(), token, b, expiry)
}

func (ss *SessionStore) Delete(token string) error {
	return ss.DeleteCtx(context.Background(), token)
}

// SessionCleanupLoop deletes expired sessions every interval until ctx ends.
func (s *Store) SessionCleanupLoop(ctx context.Context, every time.Duration, onError func(error)) {
	repeat(ctx, every, every, func() {
		if _, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE expiry < current_timestamp`); err != nil && ctx.Err() == nil {
			onError(err)
		}
	})
}
