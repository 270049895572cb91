package portal

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits of a program, its tracks and themes. The database checks the same bounds.
const (
	MinProgramYear  = 2000
	MaxProgramYear  = 2100
	MaxProgramTitle = 200
	MaxBatch        = 50
	MaxDescription  = 20000
	MaxBanMonths    = 120
	// MaxEndorsements is the longest endorsement chain a program may ask for.
	MaxEndorsements = 3

	MaxTrackName    = 100
	MaxQuota        = 10000
	MaxGrantYuan    = 100_000_000
	MaxCycleMonths  = 120
	MaxMinAgeYears  = 100
	MaxPerOrgLimit  = 1000
	MaxTrackFields  = 30
	MaxFieldKey     = 40
	MaxFieldLabel   = 100
	MaxFieldHelp    = 500
	MaxFieldOptions = 50
	MaxOptionLength = 100

	MaxThemeName = 50
)

// Moves returns the statuses a program in status s may move to, in display order.
func (s ProgramStatus) Moves() []ProgramStatus { return programMoves[s] }

// ProgramStatuses lists every program status in display order.
var ProgramStatuses = []ProgramStatus{ProgramDraft, ProgramOpen, ProgramClosed, ProgramArchived}

// Valid reports whether s is a known status.
func (s ProgramStatus) Valid() bool {
	_, ok := programMoves[s]
	return ok
}

// Valid reports whether k is a known phase kind.
func (k PhaseKind) Valid() bool {
	for _, x := range PhaseKinds {
		if x == k {
			return true
		}
	}
	return false
}

// PhaseField returns the form field name of one date of a phase: part is "starts"
// or "ends". ProgramInput.Validate reports phase errors under these names.
func PhaseField(k PhaseKind, part string) string { return "phase_" + string(k) + "_" + part }

// Current reports whether the day of the instant t in loc lies inside the phase, both
// ends included. Phase dates are calendar days, read as written whatever their zone.
func (ph Phase) Current(t time.Time, loc *time.Location) bool {
	day := calendarDay(t.In(loc))
	return !day.Before(calendarDay(ph.Starts)) && !day.After(calendarDay(ph.Ends))
}

// Past reports whether the phase's last day ended before the instant t (days in loc).
func (ph Phase) Past(t time.Time, loc *time.Location) bool {
	return calendarDay(t.In(loc)).After(calendarDay(ph.Ends))
}

// calendarDay returns t's calendar date as midnight UTC, for comparing days.
func calendarDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// ProgramInput is what a manager types to create or edit a program. Phases may come
// in any order; the kinds not given are phases the program does not have.
type ProgramInput struct {
	OwnerOrgID    int64
	ScopeOrgID    int64
	Year          int
	Title         string
	Kind          ProgramKind
	Batch         string
	Description   string
	BanMonths     int
	Endorsements  []OrgKind
	ExpectedKinds []OrgKind
	Phases        []Phase
}

// Validate trims the input and checks it on its own: required fields, lengths, the
// year's range, the endorsement chain (known kinds, none twice, at most
// MaxEndorsements), the expected kinds, and the phases: both dates given, the last
// day not before the first, no kind twice, and each phase starting no earlier than
// the phase before it in PhaseKinds order. Overlaps forward are allowed (a mid-term
// assessment falls inside the implementation phase). The phases are returned sorted.
// It returns an EINVALID error naming every bad field.
func (in *ProgramInput) Validate() error {
	var v Invalid
	in.Title = strings.TrimSpace(in.Title)
	in.Batch = strings.TrimSpace(in.Batch)
	in.Description = strings.TrimSpace(in.Description)
	if in.OwnerOrgID <= 0 {
		v.Add("owner_org_id", "form.choose")
	}
	if in.ScopeOrgID <= 0 {
		v.Add("scope_org_id", "form.choose")
	}
	switch {
	case in.Title == "":
		v.Add("title", "form.required")
	case utf8.RuneCountInString(in.Title) > MaxProgramTitle:
		v.Add("title", "form.too_long")
	}
	if !ValidProgramYear(in.Year) {
		v.Add("year", "program.year_range")
	}
	if !in.Kind.Valid() {
		v.Add("kind", "form.choose")
	}
	if utf8.RuneCountInString(in.Batch) > MaxBatch {
		v.Add("batch", "form.too_long")
	}
	if utf8.RuneCountInString(in.Description) > MaxDescription {
		v.Add("description", "form.too_long")
	}
	if in.BanMonths < 0 || in.BanMonths > MaxBanMonths {
		v.Add("ban_months", "program.ban_range")
	}
	if len(in.Endorsements) > MaxEndorsements {
		v.Add("endorsements", "program.endorsements_too_many")
	}
	if msg := checkKinds(in.Endorsements); msg != "" {
		v.Add("endorsements", msg)
	}
	if msg := checkKinds(in.ExpectedKinds); msg != "" {
		v.Add("expected_kinds", msg)
	}
	in.Phases = sortPhases(in.Phases, &v)
	var prev *Phase
	for i := range in.Phases {
		ph := &in.Phases[i]
		starts, ends := PhaseField(ph.Kind, "starts"), PhaseField(ph.Kind, "ends")
		if ph.Starts.IsZero() {
			v.Add(starts, "form.required")
		}
		if ph.Ends.IsZero() {
			v.Add(ends, "form.required")
		}
		if ph.Starts.IsZero() || ph.Ends.IsZero() {
			continue
		}
		if ph.Ends.Before(ph.Starts) {
			v.Add(ends, "program.phase_ends_before_starts")
		}
		if prev != nil && ph.Starts.Before(prev.Starts) {
			v.Add(starts, "program.phase_before_previous")
		}
		prev = ph
	}
	return v.Err()
}

// ValidProgramYear reports whether year lies in the range programs may have.
func ValidProgramYear(year int) bool { return year >= MinProgramYear && year <= MaxProgramYear }

// sortPhases returns the phases in PhaseKinds order, reporting unknown and repeated kinds.
func sortPhases(phases []Phase, v *Invalid) []Phase {
	var out []Phase
	seen := map[PhaseKind]bool{}
	for _, ph := range phases {
		if !ph.Kind.Valid() {
			v.Add("phases", "program.phase_unknown")
			continue
		}
		if seen[ph.Kind] {
			v.Add(PhaseField(ph.Kind, "starts"), "program.phase_twice")
			continue
		}
		seen[ph.Kind] = true
	}
	for _, k := range PhaseKinds {
		for _, ph := range phases {
			if ph.Kind == k {
				out = append(out, ph)
				break
			}
		}
	}
	return out
}

// checkKinds returns the catalogue key of what is wrong with a list of org kinds, or "".
func checkKinds(kinds []OrgKind) string {
	seen := map[OrgKind]bool{}
	for _, k := range kinds {
		if !k.Valid() {
			return "form.choose"
		}
		if seen[k] {
			return "program.kind_twice"
		}
		seen[k] = true
	}
	return ""
}

// CheckProgramScope reports whether scope may be the applicant scope of a program
// owned by owner: an active organization whose subtree holds the owner (the owner
// itself, or one above it, such as the school for a 校团委 program).
func CheckProgramScope(owner, scope Org) error {
	if !scope.Active || !PathCovers(scope.Path, owner.Path) {
		return &Error{Code: EINVALID, Message: "program.scope_invalid", Fields: map[string]string{"scope_org_id": "program.scope_invalid"}}
	}
	return nil
}

// CheckOpen reports whether a program may be open for applications: it needs at
// least one track to apply to and an application phase whose end is the deadline.
func CheckOpen(d ProgramDetail) error {
	if len(d.Tracks) == 0 {
		return Errorf(EINVALID, "program.open_needs_track")
	}
	if _, ok := d.Phase(PhaseApplication); !ok {
		return Errorf(EINVALID, "program.open_needs_application")
	}
	return nil
}

// CheckStatusMove reports whether the program may move to status next: the move must be
// one programMoves allows, and opening must pass CheckOpen.
func (d ProgramDetail) CheckStatusMove(next ProgramStatus) error {
	if !d.Status.CanMoveTo(next) {
		return Errorf(EINVALID, "program.bad_move")
	}
	if next == ProgramOpen {
		return CheckOpen(d)
	}
	return nil
}

// Editable reports whether the program's settings, tracks and themes may change:
// an archived program is a record and stays as it was.
func (p Program) Editable() bool { return p.Status != ProgramArchived }

// ShiftYears returns t moved by whole years, keeping month, day and time of day;
// 29 February becomes 28 February in a year that has none. A zero time stays zero.
func ShiftYears(t time.Time, years int) time.Time {
	if t.IsZero() || years == 0 {
		return t
	}
	y, m, d := t.Date()
	y += years
	if m == time.February && d == 29 && !isLeap(y) {
		d = 28
	}
	return time.Date(y, m, d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// yearInText matches a four-digit year standing on its own in a title.
var yearInText = regexp.MustCompile(`(^|[^0-9])((?:19|20)[0-9]{2})($|[^0-9])`)

// ShiftTitleYears moves every year written in a title by years, so that the copy of
// "2021年“一团一品”" for 2022 reads "2022年“一团一品”" and "2021-2022学年" reads
// "2022-2023学年". Other numbers are left alone.
func ShiftTitleYears(title string, years int) string {
	if years == 0 {
		return title
	}
	// Matches share their non-digit borders, so replace until nothing changes place.
	var b strings.Builder
	rest := title
	for {
		loc := yearInText.FindStringSubmatchIndex(rest)
		if loc == nil {
			b.WriteString(rest)
			return b.String()
		}
		y, _ := strconv.Atoi(rest[loc[4]:loc[5]])
		b.WriteString(rest[:loc[4]])
		b.WriteString(strconv.Itoa(y + years))
		rest = rest[loc[5]:]
	}
}

// CopyForYear returns the program as a new draft for year: every date (phases, track
// deadlines) moves by the same whole number of years (ShiftYears), years in the title
// move with them, the tracks, their custom fields and the themes are kept, and the
// copy records where it came from. Ids are zero: the copy is not stored yet.
func CopyForYear(d ProgramDetail, year int) ProgramDetail {
	delta := year - d.Year
	c := ProgramDetail{Program: d.Program}
	c.ID, c.Version, c.CreatedAt = 0, 1, time.Time{}
	c.Year = year
	c.Title = ShiftTitleYears(d.Title, delta)
	c.Status = ProgramDraft
	c.CopiedFrom = d.ID
	c.Endorsements = append([]OrgKind(nil), d.Endorsements...)
	c.ExpectedKinds = append([]OrgKind(nil), d.ExpectedKinds...)
	c.Phases = nil
	for _, ph := range d.Phases {
		c.Phases = append(c.Phases, Phase{Kind: ph.Kind, Starts: ShiftYears(ph.Starts, delta), Ends: ShiftYears(ph.Ends, delta)})
	}
	for _, t := range d.Tracks {
		nt := t
		nt.ID, nt.ProgramID = 0, 0
		nt.Deadline = ShiftYears(t.Deadline, delta)
		nt.EligibleKinds = append([]OrgKind(nil), t.EligibleKinds...)
		nt.Fields = append([]FieldDef(nil), t.Fields...)
		nt.AutoRecognised = nil // recognition is for one year's call
		c.Tracks = append(c.Tracks, nt)
	}
	for _, th := range d.Themes {
		c.Themes = append(c.Themes, Theme{Name: th.Name})
	}
	return c
}

// TrackInput is what a manager types to create or edit a track.
type TrackInput struct {
	Name          string
	Quota         int
	GrantYuan     int64
	CycleMonths   int
	EligibleKinds []OrgKind
	MinAgeYears   int
	MinPerOrg     int
	MaxPerOrg     int
	Deadline      time.Time // zero: the end of the program's application phase
	Fields        []FieldDef
}

// TrackFieldName returns the form field name of one part of the custom field in row
// i (from 0): part is key, label, type, required, help or options. TrackInput.Validate
// reports custom field errors under these names.
func TrackFieldName(i int, part string) string { return "f" + strconv.Itoa(i) + "_" + part }

// fieldKeyRE is the shape of a custom field's key: it names the value in stored forms.
var fieldKeyRE = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// Validate trims the input and checks it: a name, counts and amounts not negative and
// within bounds, known eligible kinds, max per org not below min per org when both are
// set, and the custom fields (TrackFieldName rows): a key of lower-case letters,
// digits and _ starting with a letter, unique in the track; a label; a known type;
// options for choice types, none empty or repeated. It returns an EINVALID error
// naming every bad field.
func (in *TrackInput) Validate() error {
	var v Invalid
	in.Name = strings.TrimSpace(in.Name)
	switch {
	case in.Name == "":
		v.Add("name", "form.required")
	case utf8.RuneCountInString(in.Name) > MaxTrackName:
		v.Add("name", "form.too_long")
	}
	bound := func(field string, n, max int64) {
		if n < 0 {
			v.Add(field, "form.not_negative")
		} else if n > max {
			v.Add(field, "form.too_large")
		}
	}
	bound("quota", int64(in.Quota), MaxQuota)
	bound("grant_yuan", in.GrantYuan, MaxGrantYuan)
	bound("cycle_months", int64(in.CycleMonths), MaxCycleMonths)
	bound("min_age_years", int64(in.MinAgeYears), MaxMinAgeYears)
	bound("min_per_org", int64(in.MinPerOrg), MaxPerOrgLimit)
	bound("max_per_org", int64(in.MaxPerOrg), MaxPerOrgLimit)
	if in.MinPerOrg > 0 && in.MaxPerOrg > 0 && in.MaxPerOrg < in.MinPerOrg {
		v.Add("max_per_org", "track.max_below_min")
	}
	if msg := checkKinds(in.EligibleKinds); msg != "" {
		v.Add("eligible_kinds", msg)
	}
	if len(in.Fields) > MaxTrackFields {
		v.Add("fields", "track.too_many_fields")
	}
	keys := map[string]bool{}
	for i := range in.Fields {
		f := &in.Fields[i]
		name := func(part string) string { return TrackFieldName(i, part) }
		f.Key = strings.TrimSpace(f.Key)
		f.Label = strings.TrimSpace(f.Label)
		f.Help = strings.TrimSpace(f.Help)
		switch {
		case f.Key == "":
			v.Add(name("key"), "form.required")
		case len(f.Key) > MaxFieldKey || !fieldKeyRE.MatchString(f.Key):
			v.Add(name("key"), "track.field_key_invalid")
		case keys[f.Key]:
			v.Add(name("key"), "track.field_key_twice")
		}
		keys[f.Key] = true
		switch {
		case f.Label == "":
			v.Add(name("label"), "form.required")
		case utf8.RuneCountInString(f.Label) > MaxFieldLabel:
			v.Add(name("label"), "form.too_long")
		}
		if utf8.RuneCountInString(f.Help) > MaxFieldHelp {
			v.Add(name("help"), "form.too_long")
		}
		if !f.Type.Valid() {
			v.Add(name("type"), "form.choose")
		}
		var opts []string
		seen := map[string]bool{}
		for _, o := range f.Options {
			o = strings.TrimSpace(o)
			if o == "" {
				continue
			}
			if seen[o] {
				v.Add(name("options"), "track.option_twice")
			}
			if utf8.RuneCountInString(o) > MaxOptionLength {
				v.Add(name("options"), "form.too_long")
			}
			seen[o] = true
			opts = append(opts, o)
		}
		f.Options = opts
		if f.Type == FieldChoice || f.Type == FieldMulti {
			if len(opts) == 0 {
				v.Add(name("options"), "track.options_required")
			}
		} else if len(opts) > 0 {
			v.Add(name("options"), "track.options_not_allowed")
		}
		if len(opts) > MaxFieldOptions {
			v.Add(name("options"), "track.too_many_options")
		}
	}
	return v.Err()
}

// Valid reports whether t is a known field type.
func (t FieldType) Valid() bool {
	for _, x := range FieldTypes {
		if x == t {
			return true
		}
	}
	return false
}

// ValidateThemeName trims a theme's name and checks it: present and at most
// MaxThemeName characters. The error names the field "name".
func ValidateThemeName(name string) (string, error) {
	name = strings.TrimSpace(name)
	var v Invalid
	switch {
	case name == "":
		v.Add("name", "form.required")
	case utf8.RuneCountInString(name) > MaxThemeName:
		v.Add("name", "form.too_long")
	}
	return name, v.Err()
}

// ProgramSummary is a program in a list, with what the list shows beside it.
type ProgramSummary struct {
	Program
	// Application is the application phase, zero when the program has none.
	Application Phase
	Tracks      int
	Themes      int
	// Submitted counts applications that reached the owner (submitted, received,
	// approved or rejected).
	Submitted int
}
