package portal

import (
	"time"
)

// ProgramKind names the family a program belongs to; bans apply per kind.
type ProgramKind string

// The program kinds of the seed documents.
const (
	ProgramLeagueBrand    ProgramKind = "league_brand"    // 一团一品
	ProgramPartyBenchmark ProgramKind = "party_benchmark" // 对标争先
	ProgramClassCreation  ProgramKind = "class_creation"  // 焦裕禄班
	ProgramOther          ProgramKind = "other"
)

// ProgramKinds lists every kind in display order.
var ProgramKinds = []ProgramKind{ProgramLeagueBrand, ProgramPartyBenchmark, ProgramClassCreation, ProgramOther}

// Valid reports whether k is a known kind.
func (k ProgramKind) Valid() bool {
	for _, x := range ProgramKinds {
		if x == k {
			return true
		}
	}
	return false
}

// ProgramStatus is where a program stands: draft → open → closed → archived.
type ProgramStatus string

// The program statuses.
const (
	ProgramDraft    ProgramStatus = "draft"
	ProgramOpen     ProgramStatus = "open"
	ProgramClosed   ProgramStatus = "closed"
	ProgramArchived ProgramStatus = "archived"
)

// programMoves lists the status changes a manager may make.
var programMoves = map[ProgramStatus][]ProgramStatus{
	ProgramDraft:    {ProgramOpen, ProgramArchived},
	ProgramOpen:     {ProgramClosed},
	ProgramClosed:   {ProgramOpen, ProgramArchived},
	ProgramArchived: {},
}

// CanMoveTo reports whether a program may go from s to next.
func (s ProgramStatus) CanMoveTo(next ProgramStatus) bool {
	for _, n := range programMoves[s] {
		if n == next {
			return true
		}
	}
	return false
}

// PhaseKind is one stage of a program's year.
type PhaseKind string

// The phases of the seed documents, in order.
const (
	PhaseApplication    PhaseKind = "application"    // 申报
	PhaseApproval       PhaseKind = "approval"       // 立项评审
	PhaseImplementation PhaseKind = "implementation" // 实施推进
	PhaseMidterm        PhaseKind = "midterm"        // 中期考核
	PhaseFinal          PhaseKind = "final"          // 评审考核 / 验收
	PhasePublication    PhaseKind = "publication"    // 公示
)

// PhaseKinds lists the phases in order.
var PhaseKinds = []PhaseKind{PhaseApplication, PhaseApproval, PhaseImplementation, PhaseMidterm, PhaseFinal, PhasePublication}

// Phase is a dated stage. Dates are whole days in the portal's zone; Ends is the last
// day of the phase (a deadline is the end of that day).
type Phase struct {
	Kind   PhaseKind
	Starts time.Time
	Ends   time.Time
}

// Program is a call an owner organization opens for the organizations under it.
type Program struct {
	ID         int64
	OwnerOrgID int64
	OwnerPath  string
	OwnerName  string
	// ScopeOrgID is the subtree whose organizations may apply (often the school).
	ScopeOrgID  int64
	ScopePath   string
	ScopeName   string // filled by the program store's reads (GetProgram, lists)
	Year        int
	Title       string
	Kind        ProgramKind
	Batch       string // 第一批 / 第二批 where a campaign runs in batches
	Description string
	Status      ProgramStatus
	Phases      []Phase
	BanMonths   int // how long a unit that fails acceptance may not apply to this kind
	// Endorsements are the bodies whose opinion an application needs, in order,
	// before it reaches the owner: e.g. the college's 团总支 then its 党总支.
	Endorsements []OrgKind
	// ExpectedKinds are the kinds of organization under the owner expected to file at
	// least one application (every 团总支 submits a 一团一品 project).
	ExpectedKinds []OrgKind
	CopiedFrom    int64
	Version       int
	CreatedAt     time.Time
}

// Theme is one of a program's theme categories (一团一品's 思想引领类 ...).
type Theme struct {
	ID        int64
	ProgramID int64
	Name      string
}

// Phase returns the program's phase of kind k, and whether it has one.
func (p Program) Phase(k PhaseKind) (Phase, bool) {
	for _, ph := range p.Phases {
		if ph.Kind == k {
			return ph, true
		}
	}
	return Phase{}, false
}

// Track is one line of a program with its own quota, grant and rules
// (对标争先's 标杆院部, 样板支部, 工作室, 创新项目).
type Track struct {
	ID             int64
	ProgramID      int64
	Name           string
	Position       int
	Quota          int   // how many may be approved; 0 for no limit
	GrantYuan      int64 // grant per approved project, in yuan
	CycleMonths    int
	EligibleKinds  []OrgKind
	MinAgeYears    int // the applicant organization's minimum age in whole years
	MinPerOrg      int // applications each eligible org is expected to file (0: none)
	MaxPerOrg      int // most applications per org in this track; 0 for no limit
	Deadline       time.Time
	Fields         []FieldDef
	AutoRecognised []int64 // orgs recognised outside the quota without applying
	// Version guards the track form against lost updates (set by the store's track
	// reads; loadProgram leaves it 0).
	Version int
}

// EndOfDay returns the last instant of t's day in loc: deadlines fall there.
func EndOfDay(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 23, 59, 59, int(time.Second-time.Nanosecond), loc)
}

// Ban bars an organization from applying to programs of a kind until a date.
type Ban struct {
	OrgID  int64
	Kind   ProgramKind
	Until  time.Time
	Reason string
}

// Reason is why an organization cannot apply: a catalogue key and its arguments.
type Reason struct {
	Key  string
	Args []any
}

// EligibilityInput is everything the eligibility rule looks at.
type EligibilityInput struct {
	Program  Program
	Track    Track
	Org      Org
	Bans     []Ban     // bans on the org (the rule picks those of the program's kind)
	Filed    int       // applications the org already has in the track, withdrawn ones excluded
	Now      time.Time // the current instant
	Zone     *time.Location
	Extended time.Time // a deadline extension granted to this org (zero: none)
}

// Deadline returns the deadline in force for the org: the track's own, else the end
// of the program's application phase, pushed back by an extension.
func (in EligibilityInput) Deadline() time.Time {
	d := in.Track.Deadline
	if d.IsZero() {
		if ph, ok := in.Program.Phase(PhaseApplication); ok {
			d = ph.Ends
		}
	}
	if !in.Extended.IsZero() && in.Extended.After(d) {
		d = in.Extended
	}
	if d.IsZero() {
		return d
	}
	return EndOfDay(d, in.Zone)
}

// CheckEligibility returns every reason the org cannot file a new application to the
// track now, in plain words; none means it may.
func CheckEligibility(in EligibilityInput) []Reason {
	var out []Reason
	if in.Program.Status != ProgramOpen {
		out = append(out, Reason{Key: "elig.not_open"})
	}
	if !in.Org.Active {
		out = append(out, Reason{Key: "elig.org_inactive"})
	}
	if len(in.Track.EligibleKinds) > 0 && !containsKind(in.Track.EligibleKinds, in.Org.Kind) {
		out = append(out, Reason{Key: "elig.wrong_kind", Args: []any{in.Org.Kind}})
	}
	if in.Track.MinAgeYears > 0 {
		age := in.Org.AgeYears(in.Now.In(in.Zone))
		switch {
		case age < 0:
			out = append(out, Reason{Key: "elig.age_unknown", Args: []any{in.Track.MinAgeYears}})
		case age < in.Track.MinAgeYears:
			out = append(out, Reason{Key: "elig.too_young", Args: []any{in.Track.MinAgeYears}})
		}
	}
	for _, b := range in.Bans {
		if b.Kind == in.Program.Kind && in.Now.Before(b.Until) {
			out = append(out, Reason{Key: "elig.barred", Args: []any{b.Until}})
			break
		}
	}
	if in.Track.MaxPerOrg > 0 && in.Filed >= in.Track.MaxPerOrg {
		out = append(out, Reason{Key: "elig.limit_reached", Args: []any{in.Track.MaxPerOrg}})
	}
	if d := in.Deadline(); !d.IsZero() && in.Now.After(d) {
		out = append(out, Reason{Key: "elig.deadline_passed", Args: []any{d}})
	}
	return out
}

func containsKind(kinds []OrgKind, k OrgKind) bool {
	for _, x := range kinds {
		if x == k {
			return true
		}
	}
	return false
}

// ProgramDetail is a program with its tracks and themes, in display order.
type ProgramDetail struct {
	Program
	Tracks []Track
	Themes []Theme
}

// Track returns the program's track with id, and whether it has one.
func (d ProgramDetail) Track(id int64) (Track, bool) {
	for _, t := range d.Tracks {
		if t.ID == id {
			return t, true
		}
	}
	return Track{}, false
}

// Theme returns the program's theme with id, and whether it has one.
func (d ProgramDetail) Theme(id int64) (Theme, bool) {
	for _, t := range d.Themes {
		if t.ID == id {
			return t, true
		}
	}
	return Theme{}, false
}
