package postgres

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campusorg/portal/internal/portal"
)

// programColumns and programFrom read a program with its owner organization.
const programColumns = `p.id, p.owner_org_id, o.path, o.name, p.scope_org_id, sc.path, p.year, p.title, p.kind, p.batch, p.description,
	p.status, p.ban_months, p.endorsements, p.expected_kinds, coalesce(p.copied_from, 0), p.version, p.created_at`

const programFrom = ` FROM programs p JOIN orgs o ON o.id = p.owner_org_id JOIN orgs sc ON sc.id = p.scope_org_id`

func scanProgram(row pgx.Row) (portal.Program, error) {
	var p portal.Program
	var endorsements, expected []string
	err := row.Scan(&p.ID, &p.OwnerOrgID, &p.OwnerPath, &p.OwnerName, &p.ScopeOrgID, &p.ScopePath, &p.Year, &p.Title, &p.Kind, &p.Batch,
		&p.Description, &p.Status, &p.BanMonths, &endorsements, &expected, &p.CopiedFrom, &p.Version, &p.CreatedAt)
	p.Endorsements = kindsOf(endorsements)
	p.ExpectedKinds = kindsOf(expected)
	return p, err
}

func kindsOf(ss []string) []portal.OrgKind {
	out := make([]portal.OrgKind, len(ss))
	for i, s := range ss {
		out[i] = portal.OrgKind(s)
	}
	return out
}

// loadProgram reads a program with its phases, tracks and themes. It checks no
// permission: callers decide what the actor may do with it. The four statements
// go in one batch (one round trip): nearly every page about a program reads it.
func loadProgram(ctx context.Context, tx pgx.Tx, id int64) (portal.ProgramDetail, error) {
	var d portal.ProgramDetail
	var phases []portal.Phase
	b := &pgx.Batch{}
	b.Queue(`SELECT `+programColumns+programFrom+` WHERE p.id = $1`, id).QueryRow(func(row pgx.Row) error {
		var err error
		d.Program, err = scanProgram(row)
		return err
	})
	b.Queue(`SELECT kind, starts_on, ends_on FROM program_phases WHERE program_id = $1`, id).Query(func(rows pgx.Rows) error {
		var err error
		phases, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (portal.Phase, error) {
			var ph portal.Phase
			err := r.Scan(&ph.Kind, &ph.Starts, &ph.Ends)
			return ph, err
		})
		return err
	})
	b.Queue(`SELECT id, program_id, name, position, quota, grant_yuan, cycle_months, eligible_kinds,
		min_age_years, min_per_org, max_per_org, deadline, fields FROM tracks WHERE program_id = $1 ORDER BY position, id`, id).Query(
		func(rows pgx.Rows) error {
			var err error
			d.Tracks, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (portal.Track, error) {
				var t portal.Track
				var kinds []string
				var deadline *time.Time
				var fields []byte
				err := r.Scan(&t.ID, &t.ProgramID, &t.Name, &t.Position, &t.Quota, &t.GrantYuan, &t.CycleMonths, &kinds,
					&t.MinAgeYears, &t.MinPerOrg, &t.MaxPerOrg, &deadline, &fields)
				if err != nil {
					return t, err
				}
				t.EligibleKinds = kindsOf(kinds)
				if deadline != nil {
					t.Deadline = *deadline
				}
				return t, json.Unmarshal(fields, &t.Fields)
			})
			return err
		})
	b.Queue(`SELECT id, program_id, name FROM themes WHERE program_id = $1 ORDER BY position, id`, id).Query(func(rows pgx.Rows) error {
		var err error
		d.Themes, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (portal.Theme, error) {
			var t portal.Theme
			err := r.Scan(&t.ID, &t.ProgramID, &t.Name)
			return t, err
		})
		return err
	})
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return portal.ProgramDetail{}, err
	}
	// Phases in their natural order, whatever order they were stored in.
	for _, k := range portal.PhaseKinds {
		for _, ph := range phases {
			if ph.Kind == k {
				d.Phases = append(d.Phases, ph)
			}
		}
	}
	return d, nil
}

// ProgramDetailFor returns a program with its tracks and themes to those who may
// view it as its manager or viewer.
func (s *Store) ProgramDetailFor(ctx context.Context, actor *portal.Actor, id int64) (portal.ProgramDetail, error) {
	var d portal.ProgramDetail
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		var err error
		if d, err = loadProgram(ctx, tx, id); err != nil {
			return err
		}
		if !portal.Can(actor, portal.ActViewProgram, d.OwnerPath) {
			return portal.NotFound()
		}
		return nil
	})
	return d, err
}
