package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campusorg/portal/internal/demo"
	"github.com/campusorg/portal/internal/portal"
)

// seedPrograms inserts the demo programs (demo.Programs) in tx, their owners and
// scopes taken from ids (demo org key → org). Every program and track passes the
// same validation as one typed into the forms; a copy takes its source's tracks and
// themes when it lists none, and records the source as copied_from.
//
// The open and current programs' dates are written for demo.Today; seeded later,
// they move by as many days, so that a newcomer can always file today and the
// running batch stays in the middle of its implementation.
func seedPrograms(ctx context.Context, tx pgx.Tx, ids map[string]portal.Org, today time.Time) error {
	stored := map[string]portal.ProgramDetail{}
	designed, _ := time.Parse(time.DateOnly, demo.Today)
	shift := int(today.Sub(designed).Hours() / 24)
	for _, dp := range demo.Programs() {
		if (dp.Status == "open" || dp.Current) && shift > 0 {
			for i := range dp.Phases {
				dp.Phases[i].Starts = shiftDate(dp.Phases[i].Starts, shift)
				dp.Phases[i].Ends = shiftDate(dp.Phases[i].Ends, shift)
			}
		}
		d, err := demoProgram(dp, ids, stored)
		if err != nil {
			return fmt.Errorf("seed: program %s: %w (%v)", dp.Key, err, portal.FieldErrors(err))
		}
		id, err := insertCopy(ctx, tx, d)
		if err != nil {
			return fmt.Errorf("seed: program %s: %w", dp.Key, err)
		}
		d.ID = id
		stored[dp.Key] = d
	}
	return nil
}

// demoProgram builds a validated program from its demo description.
func demoProgram(dp demo.Program, ids map[string]portal.Org, stored map[string]portal.ProgramDetail) (portal.ProgramDetail, error) {
	owner, ok := ids[dp.Owner]
	if !ok {
		return portal.ProgramDetail{}, fmt.Errorf("unknown owner %q", dp.Owner)
	}
	scope, ok := ids[dp.Scope]
	if !ok {
		return portal.ProgramDetail{}, fmt.Errorf("unknown scope %q", dp.Scope)
	}
	in := portal.ProgramInput{OwnerOrgID: owner.ID, ScopeOrgID: scope.ID, Year: dp.Year, Title: dp.Title,
		Kind: portal.ProgramKind(dp.Kind), Batch: dp.Batch, Description: dp.Description, BanMonths: dp.BanMonths,
		Endorsements: kindsOf(dp.Endorsements), ExpectedKinds: kindsOf(dp.ExpectedKinds)}
	for _, ph := range dp.Phases {
		starts, err := time.Parse(time.DateOnly, ph.Starts)
		if err != nil {
			return portal.ProgramDetail{}, err
		}
		ends, err := time.Parse(time.DateOnly, ph.Ends)
		if err != nil {
			return portal.ProgramDetail{}, err
		}
		in.Phases = append(in.Phases, portal.Phase{Kind: portal.PhaseKind(ph.Kind), Starts: starts, Ends: ends})
	}
	if err := in.Validate(); err != nil {
		return portal.ProgramDetail{}, err
	}
	if err := portal.CheckProgramScope(owner, scope); err != nil {
		return portal.ProgramDetail{}, err
	}
	d := portal.ProgramDetail{Program: programOf(in)}
	d.Status = portal.ProgramStatus(dp.Status)
	if !d.Status.Valid() {
		return d, fmt.Errorf("unknown status %q", dp.Status)
	}
	var src portal.ProgramDetail
	if dp.CopyOf != "" {
		if src, ok = stored[dp.CopyOf]; !ok {
			return d, fmt.Errorf("copy of %q, which comes later or does not exist", dp.CopyOf)
		}
		d.CopiedFrom = src.ID
	}
	for _, dt := range dp.Tracks {
		t, err := demoTrack(dt)
		if err != nil {
			return d, fmt.Errorf("track %s: %w", dt.Name, err)
		}
		d.Tracks = append(d.Tracks, t)
	}
	for _, name := range dp.Themes {
		name, err := portal.ValidateThemeName(name)
		if err != nil {
			return d, err
		}
		d.Themes = append(d.Themes, portal.Theme{Name: name})
	}
	if dp.CopyOf != "" && len(d.Tracks) == 0 && len(d.Themes) == 0 {
		c := portal.CopyForYear(src, dp.Year)
		d.Tracks, d.Themes = c.Tracks, c.Themes
		for i := range d.Tracks {
			d.Tracks[i].Deadline = time.Time{}
		}
	}
	if d.Status == portal.ProgramOpen {
		if err := portal.CheckOpen(d); err != nil {
			return d, err
		}
	}
	return d, nil
}

func demoTrack(dt demo.Track) (portal.Track, error) {
	in := portal.TrackInput{Name: dt.Name, Quota: dt.Quota, GrantYuan: dt.GrantYuan, CycleMonths: dt.CycleMonths,
		EligibleKinds: kindsOf(dt.EligibleKinds), MinAgeYears: dt.MinAgeYears, MinPerOrg: dt.MinPerOrg, MaxPerOrg: dt.MaxPerOrg}
	if dt.Deadline != "" {
		var err error
		if in.Deadline, err = time.Parse(time.DateOnly, dt.Deadline); err != nil {
			return portal.Track{}, err
		}
	}
	for _, f := range dt.Fields {
		in.Fields = append(in.Fields, portal.FieldDef{Key: f.Key, Label: f.Label, Type: portal.FieldType(f.Type),
			Required: f.Required, Help: f.Help, Options: f.Options})
	}
	if err := in.Validate(); err != nil {
		return portal.Track{}, err
	}
	return trackOf(in), nil
}

// shiftDate moves a YYYY-MM-DD date by days; a malformed date is returned as it is,
// for validation to report.
func shiftDate(date string, days int) string {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return date
	}
	return t.AddDate(0, 0, days).Format(time.DateOnly)
}
