package web

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/campusorg/portal/internal/i18n"
	"github.com/campusorg/portal/internal/portal"
)

// ProgramIndexView is the programs page: the programs a person manages or reads
// along, and the calls open to the organizations where she is secretary.
type ProgramIndexView struct {
	Query     url.Values
	CanCreate bool // a manager somewhere: offer "new program"

	// ShowManaged is set for managers, viewers and administrators.
	ShowManaged bool
	Status      portal.ProgramStatus // the status filter, "" for all
	Managed     []portal.ProgramSummary
	ManagedNext int64 // cursor "before"

	// ShowOpen is set for secretaries.
	ShowOpen bool
	Open     []portal.ProgramSummary
	OpenNext int64 // cursor "open_before"

	Now time.Time
}

// ProgramView is one program's page.
type ProgramView struct {
	Program   portal.ProgramDetail
	CanManage bool
	Now       time.Time
	// ActionForm carries the refusal of a button action (status change, deletion).
	ActionForm *Form
	ThemeForm  *Form // the "add theme" form
	CopyForm   *Form // the "copy to another year" form
	// Apply lists, for a secretary, the tracks her organizations may apply to and
	// why not where they may not. The applications feature fills it; the page shows
	// nothing for it when it is empty.
	Apply []ApplyOption
	// CanViewApps shows the link to the program's applications (managers, viewers).
	CanViewApps bool
}

// ApplyOption is one track × organization a secretary could file for.
type ApplyOption struct {
	TrackID   int64
	TrackName string
	OrgID     int64
	OrgName   string
	// CanApply is true when she may start an application; else Reasons says why not.
	CanApply bool
	Reasons  []portal.Reason
	Deadline time.Time
	Filed    int // applications the organization already has in the track
}

// ProgramFormView is the form to create or edit a program.
type ProgramFormView struct {
	Form     *Form
	Program  portal.ProgramDetail // ID 0 when new
	Owners   []Option             // for a new program
	Scopes   []Option
	Kinds    []Option
	OrgKinds []Option
}

// TrackFormView is the form to create or edit a track with its custom fields.
type TrackFormView struct {
	Form       *Form
	Program    portal.ProgramDetail
	Track      portal.Track // ID 0 when new
	OrgKinds   []Option
	FieldTypes []Option
	// Rows is how many custom field rows the form shows (filled ones, then blanks).
	Rows int
}

// EndorseSteps is how many endorsement selects the program form shows.
const EndorseSteps = portal.MaxEndorsements

// EndorseField returns the form field of endorsement step i (from 1).
func EndorseField(i int) string { return "endorse_" + strconv.Itoa(i) }

// ProgramKindOptions returns the program kinds as options.
func ProgramKindOptions(ctx context.Context) []Option {
	out := make([]Option, len(portal.ProgramKinds))
	for i, k := range portal.ProgramKinds {
		out[i] = Option{string(k), t(ctx, "pkind."+string(k))}
	}
	return out
}

// FieldTypeOptions returns the custom field types as options.
func FieldTypeOptions(ctx context.Context) []Option {
	out := make([]Option, len(portal.FieldTypes))
	for i, k := range portal.FieldTypes {
		out[i] = Option{string(k), t(ctx, "ftype."+string(k))}
	}
	return out
}

func programURL(id int64) string { return "/programs/" + itoa(id) }

func trackURL(programID, trackID int64) string {
	return programURL(programID) + "/tracks/" + itoa(trackID)
}

// checked reports whether value is among the form's values of name (checkboxes).
func checked(f *Form, name, value string) bool {
	if f == nil {
		return false
	}
	for _, v := range f.Values[name] {
		if v == value {
			return true
		}
	}
	return false
}

// kindNames lists org kinds in the request's language, or "" for none.
func kindNames(ctx context.Context, kinds []portal.OrgKind) string {
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = t(ctx, "kind."+string(k))
	}
	return strings.Join(names, t(ctx, "program.list_sep"))
}

// chainNames shows an endorsement chain in order.
func chainNames(ctx context.Context, kinds []portal.OrgKind) string {
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = t(ctx, "kind."+string(k))
	}
	return strings.Join(names, " → ")
}

func yuan(ctx context.Context, n int64) string { return t(ctx, "program.yuan", i18n.Int(n)) }

// statusBadge returns the badge class of a program status.
func statusBadge(s portal.ProgramStatus) string {
	switch s {
	case portal.ProgramOpen:
		return "badge badge-ok"
	case portal.ProgramClosed:
		return "badge badge-warn"
	}
	return "badge badge-muted"
}

// phaseClass marks the phase a timeline is in, and those already over.
func phaseClass(ph portal.Phase, now time.Time) string {
	switch {
	case ph.Current(now, i18n.Zone):
		return "current"
	case ph.Past(now, i18n.Zone):
		return "muted"
	}
	return ""
}

func isoDate(t time.Time) string { return t.Format(time.DateOnly) }

// perOrg describes a track's per-organization limits.
func perOrg(ctx context.Context, tr portal.Track) string {
	switch {
	case tr.MinPerOrg > 0 && tr.MaxPerOrg > 0:
		return t(ctx, "track.per_org_range", tr.MinPerOrg, tr.MaxPerOrg)
	case tr.MinPerOrg > 0:
		return t(ctx, "track.per_org_min", tr.MinPerOrg)
	case tr.MaxPerOrg > 0:
		return t(ctx, "track.per_org_max", tr.MaxPerOrg)
	}
	return t(ctx, "track.no_limit")
}

// trackDeadline is the track's own deadline, else the program's application end.
func trackDeadline(ctx context.Context, p portal.Program, tr portal.Track) string {
	if !tr.Deadline.IsZero() {
		return dateStr(ctx, tr.Deadline)
	}
	if ph, ok := p.Phase(portal.PhaseApplication); ok {
		return dateStr(ctx, ph.Ends)
	}
	return t(ctx, "common.unknown")
}

// reasonText renders an eligibility reason: dates as dates, kinds by name.
func reasonText(ctx context.Context, r portal.Reason) string {
	args := make([]any, len(r.Args))
	for i, a := range r.Args {
		switch v := a.(type) {
		case time.Time:
			args[i] = dateStr(ctx, v)
		case portal.OrgKind:
			args[i] = t(ctx, "kind."+string(v))
		default:
			args[i] = v
		}
	}
	return t(ctx, r.Key, args...)
}

// rowIndexes returns 0..n-1 for ranging over form rows.
func rowIndexes(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// programSubtitle is the line under a program's title: owner, year, kind, batch.
func programSubtitle(ctx context.Context, p portal.Program) string {
	s := t(ctx, "program.subtitle", p.OwnerName, p.Year, t(ctx, "pkind."+string(p.Kind)))
	if p.Batch != "" {
		s += " · " + p.Batch
	}
	return s
}

// zone is the portal's time zone, where phases begin and end.
func zone() *time.Location { return i18n.Zone }
