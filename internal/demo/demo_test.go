package demo

import (
	"regexp"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/campusorg/portal/internal/portal"
)

// today is the day the eligibility cases are built for.
var today = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

var (
	keyRE      = regexp.MustCompile(`^[A-Za-z0-9_-]{1,40}$`)
	usernameRE = regexp.MustCompile(`^[A-Za-z0-9_.-]{3,40}$`)
	phoneRE    = regexp.MustCompile(`^[0-9+-]{5,20}$`)
)

// node is an org of the demo tree with its parent's key ("" for the root).
type node struct {
	Org
	parent string
}

// index walks the tree and returns every org by key, failing on duplicate keys.
func index(t *testing.T) map[string]node {
	t.Helper()
	orgs := map[string]node{}
	var walk func(o Org, parent string)
	walk = func(o Org, parent string) {
		if _, dup := orgs[o.Key]; dup {
			t.Errorf("duplicate key %q", o.Key)
		}
		orgs[o.Key] = node{o, parent}
		for _, c := range o.Children {
			walk(c, o.Key)
		}
	}
	walk(School(), "")
	return orgs
}

// collegeOf returns the key of the college above key, or "".
func collegeOf(orgs map[string]node, key string) string {
	for k := key; k != ""; k = orgs[k].parent {
		if orgs[k].Kind == string(portal.KindCollege) {
			return k
		}
	}
	return ""
}

func TestSchoolRoot(t *testing.T) {
	s := School()
	if s.Key != "school" || s.Kind != string(portal.KindSchool) {
		t.Fatalf("root is %q of kind %q, want school/school", s.Key, s.Kind)
	}
}

func TestOrgsValid(t *testing.T) {
	orgs := index(t)
	for key, o := range orgs {
		if !keyRE.MatchString(key) {
			t.Errorf("%q: key does not match %s", key, keyRE)
		}
		kind := portal.OrgKind(o.Kind)
		if !kind.Valid() {
			t.Errorf("%s: unknown kind %q", key, o.Kind)
		}
		if o.parent != "" {
			if pk := portal.OrgKind(orgs[o.parent].Kind); !pk.MayContain(kind) {
				t.Errorf("%s: a %s may not stand under a %s", key, kind, pk)
			}
		}
		if n := utf8.RuneCountInString(o.Name); n == 0 || n > portal.MaxOrgName {
			t.Errorf("%s: name %q has %d characters", key, o.Name, n)
		}
		founded, err := time.Parse("2006-01-02", o.Founded)
		switch {
		case err != nil:
			t.Errorf("%s: founded %q: %v", key, o.Founded, err)
		case founded.After(today):
			t.Errorf("%s: founded %s, after %s", key, o.Founded, today.Format("2006-01-02"))
		}
		if o.LeagueMembers < 0 || o.YouthUnder28 < 0 || o.LeagueCadres < 0 {
			t.Errorf("%s: negative figures %d/%d/%d", key, o.LeagueMembers, o.YouthUnder28, o.LeagueCadres)
		}
		if o.LeagueCadres > o.LeagueMembers {
			t.Errorf("%s: %d cadres but %d members", key, o.LeagueCadres, o.LeagueMembers)
		}
		in := portal.OrgInput{Kind: kind, Name: o.Name, Code: key, LeagueMembers: o.LeagueMembers,
			YouthUnder28: o.YouthUnder28, LeagueCadres: o.LeagueCadres, FoundedOn: founded}
		if err := in.Validate(portal.OrgKind(orgs[o.parent].Kind), today); err != nil {
			t.Errorf("%s: the portal refuses it: %v (%v)", key, err, portal.FieldErrors(err))
		}
		names := map[string]bool{}
		for _, c := range o.Children {
			if names[c.Name] {
				t.Errorf("%s: two children named %q", key, c.Name)
			}
			names[c.Name] = true
		}
	}
}

// The League figures of a 团总支 cover at least those of the branches and classes in it.
func TestLeagueFiguresAddUp(t *testing.T) {
	for key, o := range index(t) {
		if o.Kind != string(portal.KindLeagueGeneralBranch) {
			continue
		}
		sum := 0
		for _, c := range o.Children {
			sum += c.LeagueMembers
		}
		if sum > o.LeagueMembers {
			t.Errorf("%s: %d League members, but its branches and classes have %d", key, o.LeagueMembers, sum)
		}
	}
}

func TestTreeShape(t *testing.T) {
	orgs := index(t)
	count := map[portal.OrgKind]int{}
	young := 0
	for _, o := range orgs {
		count[portal.OrgKind(o.Kind)]++
		if o.Kind == string(portal.KindPartyBranch) {
			founded, _ := time.Parse("2006-01-02", o.Founded)
			if (portal.Org{FoundedOn: founded}).AgeYears(today) < 1 {
				young++
			}
		}
	}
	if n := count[portal.KindCollege]; n < 6 {
		t.Errorf("%d colleges, want at least 6", n)
	}
	if n := count[portal.KindPartyBranch] + count[portal.KindLeagueBranch] + count[portal.KindClass]; n < 40 {
		t.Errorf("%d branches and classes, want at least 40", n)
	}
	if young == 0 {
		t.Errorf("no Party branch is less than a year old on %s", today.Format("2006-01-02"))
	}
	for _, kind := range []portal.OrgKind{portal.KindPartyCommittee, portal.KindLeagueCommittee, portal.KindCareCommittee} {
		if count[kind] != 1 {
			t.Errorf("%d orgs of kind %s, want 1", count[kind], kind)
		}
	}
	// Every college has its three bodies.
	for key, o := range orgs {
		if o.Kind != string(portal.KindCollege) {
			continue
		}
		has := map[string]bool{}
		for _, c := range o.Children {
			has[c.Kind] = true
		}
		for _, kind := range []portal.OrgKind{portal.KindPartyGeneralBranch, portal.KindLeagueGeneralBranch, portal.KindCollegeCareCommittee} {
			if !has[string(kind)] {
				t.Errorf("college %s has no %s", key, kind)
			}
		}
	}
	if eng := engineering(t, orgs); eng != "" {
		classes := 0
		for key, o := range orgs {
			if o.Kind == string(portal.KindClass) && collegeOf(orgs, key) == eng {
				classes++
			}
		}
		if classes < 6 {
			t.Errorf("工学院 has %d classes, want at least 6", classes)
		}
	}
}

// engineering returns the key of 工学院.
func engineering(t *testing.T, orgs map[string]node) string {
	t.Helper()
	for key, o := range orgs {
		if o.Kind == string(portal.KindCollege) && o.Name == "工学院" {
			return key
		}
	}
	t.Error("no college is named 工学院")
	return ""
}

func TestPeopleValid(t *testing.T) {
	orgs := index(t)
	usernames, phones := map[string]bool{}, map[string]bool{}
	for _, p := range People() {
		if !usernameRE.MatchString(p.Username) {
			t.Errorf("username %q is invalid", p.Username)
		}
		if usernames[p.Username] {
			t.Errorf("username %q twice", p.Username)
		}
		usernames[p.Username] = true
		if p.Phone != "" {
			if !phoneRE.MatchString(p.Phone) {
				t.Errorf("%s: phone %q is invalid", p.Username, p.Phone)
			}
			if phones[p.Phone] {
				t.Errorf("%s: phone %q twice", p.Username, p.Phone)
			}
			phones[p.Phone] = true
		}
		if n := utf8.RuneCountInString(p.Name); n == 0 || n > 50 {
			t.Errorf("%s: name %q has %d characters", p.Username, p.Name, n)
		}
		if p.Summary == "" {
			t.Errorf("%s: no summary", p.Username)
		}
		if _, ok := orgs[p.HomeOrg]; !ok {
			t.Errorf("%s: unknown home org %q", p.Username, p.HomeOrg)
		}
		if len(p.Grants) == 0 {
			t.Errorf("%s: no grants", p.Username)
		}
		for _, g := range p.Grants {
			if !portal.Role(g.Role).Valid() {
				t.Errorf("%s: unknown role %q", p.Username, g.Role)
			}
			if _, ok := orgs[g.OrgKey]; !ok {
				t.Errorf("%s: grant on unknown org %q", p.Username, g.OrgKey)
			}
		}
	}
}

// The accounts of the README table, each with a role on the kind of org it names.
func TestReadmeAccounts(t *testing.T) {
	orgs := index(t)
	people := map[string]Person{}
	for _, p := range People() {
		people[p.Username] = p
	}
	for _, tc := range []struct {
		username, role string
		kind           portal.OrgKind
	}{
		{"admin", "admin", portal.KindSchool},
		{"tuanwei", "manager", portal.KindLeagueCommittee},
		{"zuzhibu", "manager", portal.KindPartyCommittee},
		{"guangongwei", "manager", portal.KindCareCommittee},
		{"secretary", "secretary", portal.KindLeagueGeneralBranch},
		{"branchsec", "secretary", portal.KindPartyBranch},
		{"endorser-league", "endorser", portal.KindLeagueGeneralBranch},
		{"endorser-party", "endorser", portal.KindPartyGeneralBranch},
		{"counselor", "counselor", portal.KindClass},
		{"supervisor", "supervisor", portal.KindLeagueGeneralBranch},
		{"reviewer1", "reviewer", portal.KindSchool},
		{"reviewer2", "reviewer", portal.KindSchool},
		{"reviewer3", "reviewer", portal.KindSchool},
		{"leader", "viewer", portal.KindSchool},
	} {
		p, ok := people[tc.username]
		if !ok {
			t.Errorf("no account %q", tc.username)
			continue
		}
		if g := first(p, tc.role); g == "" {
			t.Errorf("%s: no %s grant", tc.username, tc.role)
		} else if kind := orgs[g].Kind; kind != string(tc.kind) {
			t.Errorf("%s: %s grant on %s, a %s; want a %s", tc.username, tc.role, g, kind, tc.kind)
		}
	}
	if p := people["zuzhibu"]; orgs[p.HomeOrg].Kind != string(portal.KindDepartment) || orgs[orgs[p.HomeOrg].parent].Kind != string(portal.KindPartyCommittee) {
		t.Errorf("zuzhibu's home org %s is not the Party committee's department", p.HomeOrg)
	}
	if len(people) != len(People()) {
		t.Errorf("%d accounts but %d usernames", len(People()), len(people))
	}
}

// The secretary and both endorsers belong to one college, which is not 工学院; the
// counselor and supervisor work in 工学院.
func TestAccountsFitTogether(t *testing.T) {
	orgs := index(t)
	people := map[string]Person{}
	for _, p := range People() {
		people[p.Username] = p
	}
	eng := engineering(t, orgs)
	league := first(people["secretary"], "secretary")
	if league == "" {
		t.Fatal("secretary has no secretary grant")
	}
	college := orgs[league].parent
	if orgs[college].Kind != string(portal.KindCollege) {
		t.Fatalf("secretary's %s is not under a college", league)
	}
	if college == eng {
		t.Errorf("secretary is in 工学院; she must be in another college")
	}
	if g := first(people["endorser-league"], "endorser"); g != league {
		t.Errorf("endorser-league endorses on %q, want the secretary's %q", g, league)
	}
	g := first(people["endorser-party"], "endorser")
	if orgs[g].Kind != string(portal.KindPartyGeneralBranch) || orgs[g].parent != college {
		t.Errorf("endorser-party endorses on %q, want the 党总支 of %s", g, college)
	}
	for _, g := range people["counselor"].Grants {
		if g.Role == "counselor" && (orgs[g.OrgKey].Kind != string(portal.KindClass) || collegeOf(orgs, g.OrgKey) != eng) {
			t.Errorf("counselor grant on %s, not a class of 工学院", g.OrgKey)
		}
	}
	if n := len(people["counselor"].Grants); n < 2 {
		t.Errorf("counselor has %d classes, want several", n)
	}
	if g := first(people["supervisor"], "supervisor"); orgs[g].parent != eng {
		t.Errorf("supervisor on %q, want 工学院团总支", g)
	}
}

// first returns the key of the first org on which p holds role, or "".
func first(p Person, role string) string {
	for _, g := range p.Grants {
		if g.Role == role {
			return g.OrgKey
		}
	}
	return ""
}
