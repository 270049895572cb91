package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campusorg/portal/internal/demo"
	"github.com/campusorg/portal/internal/portal"
)

// DemoPassword is every demo account's password.
const DemoPassword = demo.Password

// DemoAccounts returns each demo account's username and what it is for.
func DemoAccounts() [][2]string {
	var out [][2]string
	for _, p := range demo.People() {
		out = append(out, [2]string{p.Username, p.Summary})
	}
	return out
}

// system is the actor recorded for changes made by the command line and the seed.
var system = &portal.Actor{Name: "system", Remote: "cli"}

// SeedDemo loads the demo school, its accounts and programs into an empty database
// in one transaction, then files the demo applications, and reports whether it
// did. A database holding any organization is left alone.
func (s *Store) SeedDemo(ctx context.Context) (bool, error) {
	hash, err := portal.HashPassword(demo.Password)
	if err != nil {
		return false, err
	}
	seeded := false
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		// Serialize concurrent seeders (several instances starting at once).
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(7310001)`); err != nil {
			return err
		}
		var any bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM orgs)`).Scan(&any); err != nil {
			return err
		}
		if any {
			return nil
		}
		ids := map[string]portal.Org{}
		if err := seedOrg(ctx, tx, demo.School(), portal.Org{}, ids); err != nil {
			return err
		}
		for _, p := range demo.People() {
			home, ok := ids[p.HomeOrg]
			if !ok {
				return fmt.Errorf("seed: %s: unknown home org %q", p.Username, p.HomeOrg)
			}
			u, err := insertUser(ctx, tx, portal.UserInput{Username: p.Username, Phone: p.Phone, DisplayName: p.Name, HomeOrgID: home.ID}, hash, false)
			if err != nil {
				return fmt.Errorf("seed: %s: %w", p.Username, err)
			}
			for _, g := range p.Grants {
				org, ok := ids[g.OrgKey]
				if !ok {
					return fmt.Errorf("seed: %s: unknown org %q", p.Username, g.OrgKey)
				}
				if _, err := tx.Exec(ctx, `INSERT INTO role_grants (user_id, role, org_id) VALUES ($1, $2, $3)`, u.ID, g.Role, org.ID); err != nil {
					return fmt.Errorf("seed: %s: %w", p.Username, err)
				}
			}
		}
		if err := seedPrograms(ctx, tx, ids, s.Now()); err != nil {
			return err
		}
		if err := seedPlans(ctx, tx, ids, s.Now().In(s.Zone)); err != nil {
			return err
		}
		seeded = true
		return audit(ctx, tx, system, "seed.demo", "org", ids["school"].ID, ids["school"].Path, nil, map[string]int{"orgs": len(ids), "people": len(demo.People())})
	})
	if err != nil || !seeded {
		return seeded, err
	}
	// The demo applications go through the store's own methods, each its own
	// transaction, after the school and its programs exist.
	if err := s.seedApplications(ctx); err != nil {
		return true, err
	}
	return true, s.seedProjects(ctx) // seedprojects.go
}

func seedOrg(ctx context.Context, tx pgx.Tx, d demo.Org, parent portal.Org, ids map[string]portal.Org) error {
	founded, err := time.Parse("2006-01-02", d.Founded)
	if err != nil {
		return fmt.Errorf("seed: %s: %w", d.Key, err)
	}
	in := portal.OrgInput{ParentID: parent.ID, Kind: portal.OrgKind(d.Kind), Name: d.Name, Code: d.Key, FoundedOn: founded,
		LeagueMembers: d.LeagueMembers, YouthUnder28: d.YouthUnder28, LeagueCadres: d.LeagueCadres}
	if err := in.Validate(parent.Kind, time.Now()); err != nil {
		return fmt.Errorf("seed: %s: %w (%v)", d.Key, err, portal.FieldErrors(err))
	}
	o, err := insertOrg(ctx, tx, parent.Path, in)
	if err != nil {
		return fmt.Errorf("seed: %s: %w", d.Key, err)
	}
	ids[d.Key] = o
	for _, c := range d.Children {
		if err := seedOrg(ctx, tx, c, o, ids); err != nil {
			return err
		}
	}
	return nil
}

// CreateRootAdmin creates an administrator of the root organization (for the first
// sign-in of a new installation). The account must change its password at first sign-in.
func (s *Store) CreateRootAdmin(ctx context.Context, username, name, password string) error {
	if name == "" {
		name = username
	}
	in := portal.UserInput{Username: username, DisplayName: name, Password: password, HomeOrgID: 1}
	return s.inTx(ctx, func(tx pgx.Tx) error {
		var root portal.Org
		root, err := scanOrg(tx.QueryRow(ctx, `SELECT `+orgColumns+` FROM orgs o WHERE o.parent_id IS NULL ORDER BY o.id LIMIT 1`))
		if err != nil {
			return fmt.Errorf("no root organization: run `portal seed` or import one first: %w", err)
		}
		in.HomeOrgID = root.ID
		if err := in.Validate(); err != nil {
			return fmt.Errorf("%w: %v", err, portal.FieldErrors(err))
		}
		hash, err := portal.HashPassword(password)
		if err != nil {
			return err
		}
		u, err := insertUser(ctx, tx, in, hash, true)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO role_grants (user_id, role, org_id) VALUES ($1, 'admin', $2)`, u.ID, root.ID); err != nil {
			return err
		}
		return audit(ctx, tx, system, "user.create", "user", u.ID, root.Path, nil, userRecordOf(u))
	})
}

// SetPasswordByUsername sets an account's password from the command line; the person
// must change it at next sign-in, and their sessions end.
func (s *Store) SetPasswordByUsername(ctx context.Context, username, password string) error {
	if msg := portal.CheckPassword(password); msg != "" {
		return fmt.Errorf("password: %s", msg)
	}
	hash, err := portal.HashPassword(password)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx pgx.Tx) error {
		var id int64
		var path string
		if err := tx.QueryRow(ctx, `UPDATE users u SET password_hash = $2, must_change_password = true, session_epoch = session_epoch + 1,
			updated_at = now() FROM orgs h WHERE h.id = u.home_org_id AND lower(u.username) = lower($1) RETURNING u.id, h.path`,
			username, hash).Scan(&id, &path); err != nil {
			return err
		}
		return audit(ctx, tx, system, "user.reset_password", "user", id, path, nil, nil)
	})
}
