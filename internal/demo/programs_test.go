package demo

import (
	"testing"
	"time"

	"github.com/campusorg/portal/internal/portal"
)

// TestProgramsValid checks the demo programs against the portal's own rules, so that
// the seed never fails on them: known owner and scope, a valid program and valid
// tracks, copies after their sources, and open calls inside their application phase
// on the demo's today with at least two weeks to go.
func TestProgramsValid(t *testing.T) {
	orgs := index(t)
	seen := map[string]Program{}
	for _, p := range Programs() {
		if _, dup := seen[p.Key]; dup || p.Key == "" {
			t.Errorf("program key %q empty or twice", p.Key)
		}
		seen[p.Key] = p
		owner, ok := orgs[p.Owner]
		if !ok {
			t.Errorf("%s: unknown owner %q", p.Key, p.Owner)
		}
		if _, ok := orgs[p.Scope]; !ok {
			t.Errorf("%s: unknown scope %q", p.Key, p.Scope)
		}
		// The scope holds the owner.
		covered := false
		for k := p.Owner; k != ""; k = orgs[k].parent {
			covered = covered || k == p.Scope
		}
		if !covered {
			t.Errorf("%s: scope %s does not hold owner %s (%s)", p.Key, p.Scope, p.Owner, owner.Kind)
		}
		in := portal.ProgramInput{OwnerOrgID: 1, ScopeOrgID: 1, Year: p.Year, Title: p.Title, Kind: portal.ProgramKind(p.Kind),
			Batch: p.Batch, Description: p.Description, BanMonths: p.BanMonths}
		for _, k := range p.Endorsements {
			in.Endorsements = append(in.Endorsements, portal.OrgKind(k))
		}
		for _, k := range p.ExpectedKinds {
			in.ExpectedKinds = append(in.ExpectedKinds, portal.OrgKind(k))
		}
		for _, ph := range p.Phases {
			starts, err1 := time.Parse(time.DateOnly, ph.Starts)
			ends, err2 := time.Parse(time.DateOnly, ph.Ends)
			if err1 != nil || err2 != nil {
				t.Errorf("%s: phase %s dates %s–%s", p.Key, ph.Kind, ph.Starts, ph.Ends)
			}
			in.Phases = append(in.Phases, portal.Phase{Kind: portal.PhaseKind(ph.Kind), Starts: starts, Ends: ends})
		}
		if err := in.Validate(); err != nil {
			t.Errorf("%s: %v %v", p.Key, err, portal.FieldErrors(err))
		}
		if !portal.ProgramStatus(p.Status).Valid() {
			t.Errorf("%s: status %q", p.Key, p.Status)
		}
		if p.CopyOf != "" {
			if _, ok := seen[p.CopyOf]; !ok {
				t.Errorf("%s: copy of %q, which does not come before it", p.Key, p.CopyOf)
			}
		}
		for _, tr := range p.Tracks {
			ti := portal.TrackInput{Name: tr.Name, Quota: tr.Quota, GrantYuan: tr.GrantYuan, CycleMonths: tr.CycleMonths,
				MinAgeYears: tr.MinAgeYears, MinPerOrg: tr.MinPerOrg, MaxPerOrg: tr.MaxPerOrg}
			for _, k := range tr.EligibleKinds {
				ti.EligibleKinds = append(ti.EligibleKinds, portal.OrgKind(k))
			}
			for _, f := range tr.Fields {
				ti.Fields = append(ti.Fields, portal.FieldDef{Key: f.Key, Label: f.Label, Type: portal.FieldType(f.Type), Required: f.Required, Help: f.Help, Options: f.Options})
			}
			if err := ti.Validate(); err != nil {
				t.Errorf("%s: track %s: %v %v", p.Key, tr.Name, err, portal.FieldErrors(err))
			}
		}
		if p.Status == string(portal.ProgramOpen) {
			app, ok := portal.ProgramDetail{Program: portal.Program{Phases: in.Phases}}.Phase(portal.PhaseApplication)
			if !ok || !app.Current(today, time.UTC) || app.Ends.Sub(today) < 14*24*time.Hour {
				t.Errorf("%s: open, but %s is not inside its application phase with weeks to go", p.Key, today.Format(time.DateOnly))
			}
			if len(p.Tracks) == 0 && p.CopyOf == "" {
				t.Errorf("%s: open without tracks", p.Key)
			}
		}
	}
	for _, key := range []string{ProgramBrand2021, ProgramBenchmark2022, ProgramJiaoyulu2024, ProgramBrandOpen, ProgramBenchmarkOpen, ProgramJiaoyuluOpen} {
		if _, ok := seen[key]; !ok {
			t.Errorf("no program %s", key)
		}
	}
}

// The manager and the class secretary of 焦裕禄班 work in 工学院: the manager on the
// 团总支 that owns the campaign, the secretary on one of its classes.
func TestJiaoyuluAccounts(t *testing.T) {
	orgs := index(t)
	people := map[string]Person{}
	for _, p := range People() {
		people[p.Username] = p
	}
	var owner string
	for _, p := range Programs() {
		if p.Key == ProgramJiaoyuluOpen {
			owner = p.Owner
		}
	}
	if g := first(people["gongtuan"], "manager"); g != owner {
		t.Errorf("gongtuan manages %q, want the campaign's owner %q", g, owner)
	}
	g := first(people["classsec"], "secretary")
	if orgs[g].Kind != string(portal.KindClass) || orgs[g].parent != owner {
		t.Errorf("classsec is secretary on %q, want a class under %s", g, owner)
	}
}
