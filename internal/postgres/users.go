package postgres

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campusorg/portal/internal/portal"
)

const userColumns = `u.id, u.username, coalesce(u.phone, ''), u.display_name, u.home_org_id, h.name, h.path,
	u.lang, u.active, u.must_change_password, u.session_epoch, u.version, coalesce(u.email, '')`

const userFrom = ` FROM users u JOIN orgs h ON h.id = u.home_org_id `

func scanUser(row pgx.Row) (portal.User, error) {
	var u portal.User
	err := row.Scan(&u.ID, &u.Username, &u.Phone, &u.DisplayName, &u.HomeOrgID, &u.HomeOrgName, &u.HomeOrgPath,
		&u.Lang, &u.Active, &u.MustChangePassword, &u.SessionEpoch, &u.Version, &u.Email)
	return u, err
}

// userRecord is what the audit log keeps of an account (never the password hash).
type userRecord struct {
	Username    string `json:"username"`
	Phone       string `json:"phone,omitempty"`
	Email       string `json:"email,omitempty"`
	DisplayName string `json:"display_name"`
	HomeOrgID   int64  `json:"home_org_id"`
	Active      bool   `json:"active"`
}

func userRecordOf(u portal.User) userRecord {
	return userRecord{u.Username, u.Phone, u.Email, u.DisplayName, u.HomeOrgID, u.Active}
}

// SignIn checks a username (or phone) and password and records the attempt in the
// audit log. A wrong name or password gives the same invalid error; a disabled
// account, once the password matched, says so.
func (s *Store) SignIn(ctx context.Context, login, password, remote string) (portal.User, error) {
	var u portal.User
	var signInErr error
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var hash string
		var err error
		login = strings.TrimSpace(login)
		row := tx.QueryRow(ctx, `SELECT `+userColumns+`, u.password_hash`+userFrom+`
			WHERE lower(u.username) = lower($1) OR u.phone = $1 ORDER BY lower(u.username) = lower($1) DESC LIMIT 1`, login)
		err = row.Scan(&u.ID, &u.Username, &u.Phone, &u.DisplayName, &u.HomeOrgID, &u.HomeOrgName, &u.HomeOrgPath,
			&u.Lang, &u.Active, &u.MustChangePassword, &u.SessionEpoch, &u.Version, &u.Email, &hash)
		if err == pgx.ErrNoRows {
			portal.VerifyPassword(portal.DummyHash, password)
			signInErr = portal.Errorf(portal.EINVALID, "auth.bad_credentials")
			return nil
		}
		if err != nil {
			return err
		}
		who := &portal.Actor{UserID: u.ID, Name: u.DisplayName, Remote: remote}
		switch {
		case !portal.VerifyPassword(hash, password):
			signInErr = portal.Errorf(portal.EINVALID, "auth.bad_credentials")
			return audit(ctx, tx, who, "user.sign_in_failed", "user", u.ID, u.HomeOrgPath, nil, nil)
		case !u.Active:
			signInErr = portal.Errorf(portal.EINVALID, "auth.disabled")
			return audit(ctx, tx, who, "user.sign_in_refused", "user", u.ID, u.HomeOrgPath, nil, nil)
		}
		return audit(ctx, tx, who, "user.sign_in", "user", u.ID, u.HomeOrgPath, nil, nil)
	})
	if err != nil {
		return portal.User{}, err
	}
	if signInErr != nil {
		return portal.User{}, signInErr
	}
	return u, nil
}

// RecordSignOut writes the sign-out to the audit log.
func (s *Store) RecordSignOut(ctx context.Context, actor *portal.Actor) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		return audit(ctx, tx, actor, "user.sign_out", "user", actor.UserID, actor.HomePath, nil, nil)
	})
}

// LoadActor returns the signed-in person with every grant on an active org, and the
// account's session epoch. A disabled or missing account is not found. It runs on
// every signed-in request: it answers from memory while the listener runs (an
// account's or grant's change, or any organization's, is announced by a trigger),
// else its two statements go in one batch (one round trip).
func (s *Store) LoadActor(ctx context.Context, userID int64) (*portal.Actor, int, error) {
	rec, err := cached(s, s.cache.actors, userID, func() (actorRecord, time.Time, error) {
		a, epoch, err := s.loadActor(ctx, userID)
		return actorRecord{a, epoch}, time.Time{}, err
	})
	if err != nil {
		return nil, 0, err
	}
	a := rec.actor // a copy: callers set Remote; the grants are only read
	return &a, rec.epoch, nil
}

// actorRecord is LoadActor's answer as kept in memory.
type actorRecord struct {
	actor portal.Actor
	epoch int
}

func (s *Store) loadActor(ctx context.Context, userID int64) (portal.Actor, int, error) {
	a := portal.Actor{UserID: userID}
	var epoch int
	b := &pgx.Batch{}
	b.Queue(`SELECT u.username, u.display_name, u.lang, h.path, u.session_epoch, u.must_change_password`+userFrom+`
		WHERE u.id = $1 AND u.active`, userID).QueryRow(func(row pgx.Row) error {
		return row.Scan(&a.Username, &a.Name, &a.Lang, &a.HomePath, &epoch, &a.MustChangePassword)
	})
	b.Queue(`SELECT g.id, g.user_id, g.role, g.org_id, o.path, o.name, o.kind
		FROM role_grants g JOIN orgs o ON o.id = g.org_id WHERE g.user_id = $1 AND o.active ORDER BY o.path, g.role`, userID).Query(
		func(rows pgx.Rows) error {
			var err error
			a.Grants, err = pgx.CollectRows(rows, scanGrant)
			return err
		})
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return a, 0, mapErr(err)
	}
	return a, epoch, nil
}

func scanGrant(row pgx.CollectableRow) (portal.Grant, error) {
	var g portal.Grant
	err := row.Scan(&g.ID, &g.UserID, &g.Role, &g.OrgID, &g.OrgPath, &g.OrgName, &g.OrgKind)
	return g, err
}

// UserFilter narrows ListUsers.
type UserFilter struct {
	Query string // part of the name, username or phone
	After int64  // keyset cursor
	Limit int
}

// ListUsers lists the accounts whose home org lies in the subtrees the actor administers.
func (s *Store) ListUsers(ctx context.Context, actor *portal.Actor, f UserFilter) (Page[portal.User], error) {
	limit := clampLimit(f.Limit)
	q := escapeLike(f.Query)
	rows, err := s.pool.Query(ctx, `SELECT `+userColumns+userFrom+`
		WHERE h.path LIKE ANY($1) AND u.id > $2
		  AND ($3 = '' OR u.display_name ILIKE '%'||$3||'%' OR u.username ILIKE '%'||$3||'%' OR u.phone LIKE '%'||$3||'%')
		ORDER BY u.id LIMIT $4`,
		likeScope(actor.RoleScope(portal.RolesFor(portal.ActManageUsers)...)), f.After, q, limit+1)
	if err != nil {
		return Page[portal.User]{}, err
	}
	items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (portal.User, error) { return scanUser(r) })
	if err != nil {
		return Page[portal.User]{}, err
	}
	var p Page[portal.User]
	if len(items) > limit {
		items = items[:limit]
		p.Next = items[limit-1].ID
	}
	p.Items = items
	return p, nil
}

// GetUser returns an account with its grants, when the actor administers its home org.
func (s *Store) GetUser(ctx context.Context, actor *portal.Actor, id int64) (portal.User, error) {
	var u portal.User
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		var err error
		u, err = scanUser(tx.QueryRow(ctx, `SELECT `+userColumns+userFrom+` WHERE u.id = $1`, id))
		if err != nil {
			return err
		}
		if !portal.Can(actor, portal.ActManageUsers, u.HomeOrgPath) {
			return portal.NotFound()
		}
		rows, err := tx.Query(ctx, `SELECT g.id, g.user_id, g.role, g.org_id, o.path, o.name, o.kind
			FROM role_grants g JOIN orgs o ON o.id = g.org_id WHERE g.user_id = $1 ORDER BY o.path, g.role`, id)
		if err != nil {
			return err
		}
		u.Grants, err = pgx.CollectRows(rows, scanGrant)
		return err
	})
	return u, err
}

// CreateUser creates an account at in.HomeOrgID, which the actor must administer.
// The person must change the password at first sign-in.
func (s *Store) CreateUser(ctx context.Context, actor *portal.Actor, in portal.UserInput) (portal.User, error) {
	if err := in.Validate(); err != nil {
		return portal.User{}, err
	}
	hash, err := portal.HashPassword(in.Password)
	if err != nil {
		return portal.User{}, err
	}
	var u portal.User
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		var home portal.Org
		home, err := scanOrg(tx.QueryRow(ctx, `SELECT `+orgColumns+` FROM orgs o WHERE o.id = $1 FOR SHARE`, in.HomeOrgID))
		if err != nil || !portal.Can(actor, portal.ActManageUsers, home.Path) || !home.Active {
			return &portal.Error{Code: portal.EINVALID, Message: "form.choose", Fields: map[string]string{"home_org_id": "form.choose"}}
		}
		u, err = insertUser(ctx, tx, in, hash, true)
		if err != nil {
			return err
		}
		return audit(ctx, tx, actor, "user.create", "user", u.ID, u.HomeOrgPath, nil, userRecordOf(u))
	})
	return u, err
}

// insertUser inserts a validated account with a hashed password.
func insertUser(ctx context.Context, tx pgx.Tx, in portal.UserInput, hash string, mustChange bool) (portal.User, error) {
	var id int64
	if err := tx.QueryRow(ctx, `INSERT INTO users (username, phone, email, display_name, password_hash, home_org_id, must_change_password)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		in.Username, nullText(in.Phone), nullText(in.Email), in.DisplayName, hash, in.HomeOrgID, mustChange).Scan(&id); err != nil {
		return portal.User{}, err
	}
	return scanUser(tx.QueryRow(ctx, `SELECT `+userColumns+userFrom+` WHERE u.id = $1`, id))
}

// userForAdmin locks an account the actor administers.
func userForAdmin(ctx context.Context, tx pgx.Tx, actor *portal.Actor, id int64) (portal.User, error) {
	u, err := scanUser(tx.QueryRow(ctx, `SELECT `+userColumns+userFrom+` WHERE u.id = $1 FOR UPDATE OF u`, id))
	if err != nil {
		return u, err
	}
	if !portal.Can(actor, portal.ActManageUsers, u.HomeOrgPath) {
		return u, portal.NotFound()
	}
	return u, nil
}

// SetUserActive enables or disables an account; a disabled account's sessions end at
// their next request. Nobody disables their own account.
func (s *Store) SetUserActive(ctx context.Context, actor *portal.Actor, id int64, active bool) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		before, err := userForAdmin(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if id == actor.UserID {
			return portal.Errorf(portal.EINVALID, "user.not_self")
		}
		if before.Active == active {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET active = $2, session_epoch = session_epoch + 1, version = version + 1,
			updated_at = now() WHERE id = $1`, id, active); err != nil {
			return err
		}
		after := before
		after.Active = active
		action := "user.disable"
		if active {
			action = "user.enable"
		}
		return audit(ctx, tx, actor, action, "user", id, before.HomeOrgPath, userRecordOf(before), userRecordOf(after))
	})
}

// ResetPassword sets a new password chosen by an administrator, ends the person's
// sessions and makes them choose their own at next sign-in.
func (s *Store) ResetPassword(ctx context.Context, actor *portal.Actor, id int64, password string) error {
	if msg := portal.CheckPassword(password); msg != "" {
		return &portal.Error{Code: portal.EINVALID, Message: msg, Fields: map[string]string{"password": msg}}
	}
	hash, err := portal.HashPassword(password)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx pgx.Tx) error {
		u, err := userForAdmin(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET password_hash = $2, must_change_password = true,
			session_epoch = session_epoch + 1, updated_at = now() WHERE id = $1`, id, hash); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "user.reset_password", "user", id, u.HomeOrgPath, nil, nil)
	})
}

// ChangeOwnPassword replaces the actor's password after checking the current one.
// It returns the new session epoch, which the caller stores in the renewed session.
func (s *Store) ChangeOwnPassword(ctx context.Context, actor *portal.Actor, current, next string) (int, error) {
	var v portal.Invalid
	if msg := portal.CheckPassword(next); msg != "" {
		v.Add("new_password", msg)
	}
	if next == current {
		v.Add("new_password", "user.password_same")
	}
	if err := v.Err(); err != nil {
		return 0, err
	}
	hash, err := portal.HashPassword(next)
	if err != nil {
		return 0, err
	}
	var epoch int
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		var old string
		if err := tx.QueryRow(ctx, `SELECT password_hash FROM users WHERE id = $1 FOR UPDATE`, actor.UserID).Scan(&old); err != nil {
			return err
		}
		if !portal.VerifyPassword(old, current) {
			return &portal.Error{Code: portal.EINVALID, Message: "user.password_wrong", Fields: map[string]string{"current_password": "user.password_wrong"}}
		}
		if err := tx.QueryRow(ctx, `UPDATE users SET password_hash = $2, must_change_password = false,
			session_epoch = session_epoch + 1, updated_at = now() WHERE id = $1 RETURNING session_epoch`,
			actor.UserID, hash).Scan(&epoch); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "user.change_password", "user", actor.UserID, actor.HomePath, nil, nil)
	})
	return epoch, err
}

// GetOwnAccount returns the actor's own account with its grants, for the account page.
func (s *Store) GetOwnAccount(ctx context.Context, actor *portal.Actor) (portal.User, error) {
	var u portal.User
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		var err error
		if u, err = scanUser(tx.QueryRow(ctx, `SELECT `+userColumns+userFrom+` WHERE u.id = $1`, actor.UserID)); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT g.id, g.user_id, g.role, g.org_id, o.path, o.name, o.kind
			FROM role_grants g JOIN orgs o ON o.id = g.org_id WHERE g.user_id = $1 ORDER BY o.path, g.role`, actor.UserID)
		if err != nil {
			return err
		}
		u.Grants, err = pgx.CollectRows(rows, scanGrant)
		return err
	})
	return u, err
}

// SetUserEmail sets (or, with "", removes) the e-mail address of an account the
// actor administers, provided nobody changed the account since version.
func (s *Store) SetUserEmail(ctx context.Context, actor *portal.Actor, id int64, version int, email string) error {
	return s.setEmail(ctx, actor, id, version, email, func(tx pgx.Tx) (portal.User, error) {
		return userForAdmin(ctx, tx, actor, id)
	})
}

// SetOwnEmail sets (or, with "", removes) the actor's own e-mail address, provided
// the account did not change since version.
func (s *Store) SetOwnEmail(ctx context.Context, actor *portal.Actor, version int, email string) error {
	return s.setEmail(ctx, actor, actor.UserID, version, email, func(tx pgx.Tx) (portal.User, error) {
		return scanUser(tx.QueryRow(ctx, `SELECT `+userColumns+userFrom+` WHERE u.id = $1 FOR UPDATE OF u`, actor.UserID))
	})
}

// setEmail locks the account with lock (which also decides whether the actor may
// change it: someone else's account is not found before anything is said about
// the input), checks the address, and writes it with an audit event. An address
// another account holds (ignoring case) is a conflict on the field.
func (s *Store) setEmail(ctx context.Context, actor *portal.Actor, id int64, version int, email string, lock func(pgx.Tx) (portal.User, error)) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		before, err := lock(tx)
		if err != nil {
			return err
		}
		email, msg := portal.CheckEmail(email)
		if msg != "" {
			return &portal.Error{Code: portal.EINVALID, Message: msg, Fields: map[string]string{"email": msg}}
		}
		if before.Version != version {
			return portal.Conflict("error.edit_conflict")
		}
		if before.Email == email {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET email = $2, version = version + 1, updated_at = now() WHERE id = $1`,
			id, nullText(email)); err != nil {
			return err
		}
		after := before
		after.Email = email
		return audit(ctx, tx, actor, "user.set_email", "user", id, before.HomeOrgPath, userRecordOf(before), userRecordOf(after))
	})
}

// MustChangePassword reports whether the actor has to choose a new password before going on.
func (s *Store) MustChangePassword(ctx context.Context, userID int64) (bool, error) {
	var must bool
	err := s.pool.QueryRow(ctx, `SELECT must_change_password FROM users WHERE id = $1`, userID).Scan(&must)
	return must, mapErr(err)
}

// SetLang stores the actor's interface language.
func (s *Store) SetLang(ctx context.Context, actor *portal.Actor, lang string) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		var before string
		if err := tx.QueryRow(ctx, `SELECT lang FROM users WHERE id = $1 FOR UPDATE`, actor.UserID).Scan(&before); err != nil {
			return err
		}
		if before == lang {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET lang = $2, updated_at = now() WHERE id = $1`, actor.UserID, lang); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "user.set_lang", "user", actor.UserID, actor.HomePath,
			map[string]string{"lang": before}, map[string]string{"lang": lang})
	})
}

type grantRecord struct {
	UserID int64  `json:"user_id"`
	Role   string `json:"role"`
	OrgID  int64  `json:"org_id"`
	Org    string `json:"org"`
}

// AddGrant gives the person userID role on orgID. The actor must administer both the
// person's home org and orgID. The person's sessions are renewed with the new roles.
func (s *Store) AddGrant(ctx context.Context, actor *portal.Actor, userID int64, role portal.Role, orgID int64) error {
	if !role.Valid() {
		return &portal.Error{Code: portal.EINVALID, Message: "form.choose", Fields: map[string]string{"role": "form.choose"}}
	}
	return s.inTx(ctx, func(tx pgx.Tx) error {
		u, err := userForAdmin(ctx, tx, actor, userID)
		if err != nil {
			return err
		}
		org, err := scanOrg(tx.QueryRow(ctx, `SELECT `+orgColumns+` FROM orgs o WHERE o.id = $1 FOR SHARE`, orgID))
		if err != nil || !portal.Can(actor, portal.ActManageUsers, org.Path) || !org.Active {
			return &portal.Error{Code: portal.EINVALID, Message: "grant.org_missing", Fields: map[string]string{"org_id": "grant.org_missing"}}
		}
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO role_grants (user_id, role, org_id) VALUES ($1, $2, $3) RETURNING id`,
			userID, role, orgID).Scan(&id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET session_epoch = session_epoch + 1 WHERE id = $1`, userID); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "grant.add", "grant", id, u.HomeOrgPath, nil,
			grantRecord{userID, string(role), orgID, org.Name})
	})
}

// RevokeGrant removes a grant of the person userID. Nobody revokes their own last
// administrator grant.
func (s *Store) RevokeGrant(ctx context.Context, actor *portal.Actor, userID, grantID int64) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		u, err := userForAdmin(ctx, tx, actor, userID)
		if err != nil {
			return err
		}
		var g grantRecord
		var orgPath string
		if err := tx.QueryRow(ctx, `SELECT g.user_id, g.role, g.org_id, o.name, o.path FROM role_grants g JOIN orgs o ON o.id = g.org_id
			WHERE g.id = $1 AND g.user_id = $2`, grantID, userID).Scan(&g.UserID, &g.Role, &g.OrgID, &g.Org, &orgPath); err != nil {
			return err
		}
		if !portal.Can(actor, portal.ActManageUsers, orgPath) {
			return portal.NotFound()
		}
		if userID == actor.UserID && g.Role == string(portal.RoleAdmin) {
			return portal.Errorf(portal.EINVALID, "grant.not_own_admin")
		}
		if _, err := tx.Exec(ctx, `DELETE FROM role_grants WHERE id = $1`, grantID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET session_epoch = session_epoch + 1 WHERE id = $1`, userID); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "grant.revoke", "grant", grantID, u.HomeOrgPath, g, nil)
	})
}
