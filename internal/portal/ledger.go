package portal

import (
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// EntryKind is what a ledger entry records.
type EntryKind string

// The kinds of work the seed documents name: activities, theme class meetings and
// League days, publicity (the monthly 动态展示 of 对标争先), competitions (互联网+,
// 挑战杯), volunteer service, study visits (兰考, 焦裕禄纪念馆), lectures and talks.
const (
	EntryActivity     EntryKind = "activity"
	EntryThemeMeeting EntryKind = "theme_meeting"
	EntryPublicity    EntryKind = "publicity"
	EntryCompetition  EntryKind = "competition"
	EntryVolunteer    EntryKind = "volunteer"
	EntryStudyVisit   EntryKind = "study_visit"
	EntryLecture      EntryKind = "lecture"
	EntryOther        EntryKind = "other"
)

// EntryKinds lists the kinds in display order.
var EntryKinds = []EntryKind{EntryActivity, EntryThemeMeeting, EntryPublicity, EntryCompetition, EntryVolunteer,
	EntryStudyVisit, EntryLecture, EntryOther}

// Valid reports whether k is a known kind.
func (k EntryKind) Valid() bool {
	for _, x := range EntryKinds {
		if x == k {
			return true
		}
	}
	return false
}

// Showcase reports whether an entry of this kind counts as a progress showcase
// (动态展示) for the cadence rule.
func (k EntryKind) Showcase() bool { return k == EntryPublicity }

// EntryStatus is where a ledger entry stands with the supervision team.
type EntryStatus string

// The entry statuses.
const (
	EntryPending  EntryStatus = "pending"  // waiting for verification
	EntryVerified EntryStatus = "verified" // verified by a supervisor
	EntryReturned EntryStatus = "returned" // returned with a comment, to be corrected
)

// Limits of a ledger entry.
const (
	MaxEntryTitle       = 100
	MaxEntryDescription = 5000
	MaxEntryPlace       = 100
	MaxParticipants     = 100000
	MaxLinks            = 10
	MaxLinkLength       = 500
)

// LedgerEntry is one line of a project's work ledger (工作台账).
type LedgerEntry struct {
	ID             int64
	ProjectID      int64
	OrgPath        string
	RootID         int64 // the first revision; evidence hangs on it
	PreviousID     int64
	ReplacedBy     int64 // set on an old revision of an edited verified entry
	Revision       int
	On             time.Time
	Title          string
	Kind           EntryKind
	Description    string
	Participants   int
	Place          string
	MilestoneID    int64
	MilestoneTitle string
	AuthorID       int64
	AuthorName     string
	Status         EntryStatus
	ReviewerName   string
	ReviewedAt     time.Time
	ReviewNote     string
	Evidence       int
	Version        int
	CreatedAt      time.Time
	// Filled by lists that span projects.
	ProjectTitle string
	OrgName      string
}

// Current reports whether this is the entry's newest revision.
func (e LedgerEntry) Current() bool { return e.ReplacedBy == 0 }

// Counts reports whether the entry counts for the cadence: its newest revision, not
// returned.
func (e LedgerEntry) Counts() bool { return e.Current() && e.Status != EntryReturned }

// EntryInput is what a counselor or secretary types into the ledger form.
type EntryInput struct {
	On           time.Time
	Title        string
	Kind         EntryKind
	Description  string
	Participants int
	Place        string
	MilestoneID  int64
	Links        []string // links to published articles and albums
}

// Validate checks an entry of project p on day today: a date not in the future and
// within the cycle, a title, a known kind, sensible figures and lengths, and links
// that are web addresses. Milestone ids are checked by the store against the
// project's own.
func (in *EntryInput) Validate(p Project, today time.Time) error {
	var v Invalid
	in.Title = strings.TrimSpace(in.Title)
	in.Description = strings.TrimSpace(in.Description)
	in.Place = strings.TrimSpace(in.Place)
	switch {
	case in.On.IsZero():
		v.Add("on", "form.required")
	case calendarDay(in.On).After(calendarDay(today)):
		v.Add("on", "ledger.date_future")
	case !p.InCycle(in.On):
		v.Add("on", "ledger.date_outside_cycle")
	}
	switch {
	case in.Title == "":
		v.Add("title", "form.required")
	case utf8.RuneCountInString(in.Title) > MaxEntryTitle:
		v.Add("title", "form.too_long")
	}
	if !in.Kind.Valid() {
		v.Add("kind", "form.choose")
	}
	if utf8.RuneCountInString(in.Description) > MaxEntryDescription {
		v.Add("description", "form.too_long")
	}
	if utf8.RuneCountInString(in.Place) > MaxEntryPlace {
		v.Add("place", "form.too_long")
	}
	if in.Participants < 0 || in.Participants > MaxParticipants {
		v.Add("participants", "ledger.participants_range")
	}
	var links []string
	for _, l := range in.Links {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		if !ValidLink(l) {
			v.Add("link", "ledger.link_invalid")
		}
		links = append(links, l)
	}
	if len(links) > MaxLinks {
		v.Add("link", "app.too_many_rows")
	}
	in.Links = links
	return v.Err()
}

// ValidLink reports whether s is an absolute http or https address of sensible length.
func ValidLink(s string) bool {
	if utf8.RuneCountInString(s) > MaxLinkLength {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// CheckEntryEvidence refuses an entry without evidence (files counts what is
// attached and uploaded with it, links the links) where the program requires it.
func CheckEntryEvidence(required bool, files, links int) error {
	if required && files+links == 0 {
		return &Error{Code: EINVALID, Message: "ledger.evidence_required", Fields: map[string]string{"file": "ledger.evidence_required"}}
	}
	return nil
}

// ReviewInput is a supervisor's verdict on an entry: verify it, or return it with a
// comment saying what to correct.
type ReviewInput struct {
	Verify bool
	Note   string
}

// Validate checks the verdict: returning needs the comment.
func (in *ReviewInput) Validate() error {
	in.Note = strings.TrimSpace(in.Note)
	var v Invalid
	if !in.Verify && in.Note == "" {
		v.Add("note", "ledger.return_note_required")
	}
	if utf8.RuneCountInString(in.Note) > MaxNote {
		v.Add("note", "form.too_long")
	}
	return v.Err()
}

// CheckReview decides whether actor may give a verdict on entry e of a project at
// scope: a supervisor over its organization or a manager of its program, never on
// an entry they wrote, only on the newest revision while it waits.
func CheckReview(actor *Actor, e LedgerEntry, scope ProjectScope) error {
	if !CanSupervise(actor, scope) {
		return NotFound()
	}
	if e.AuthorID == actor.UserID {
		return Errorf(EINVALID, "ledger.own_entry")
	}
	if !e.Current() {
		return Errorf(EINVALID, "ledger.old_revision")
	}
	if e.Status != EntryPending {
		return Errorf(EINVALID, "ledger.not_waiting")
	}
	return nil
}

// SupervisionKind is what a supervision record is.
type SupervisionKind string

// The supervision records of seed 000.
const (
	SupervisionDaily SupervisionKind = "daily" // 日常表现考核: a score and a note
	SupervisionPhase SupervisionKind = "phase" // 阶段性材料审查: a result and a note
)

// SupervisionInput is a supervisor's record on a project.
type SupervisionInput struct {
	Kind   SupervisionKind
	On     time.Time
	Score  float64 // daily: 0..100
	Result string  // phase: pass or needs_work
	Title  string  // phase: which materials (e.g. 第一阶段材料)
	Note   string
}

// Validate checks a record on day today: a day not in the future; a daily
// assessment scores 0–100; a phase review names its materials and gives a result.
func (in *SupervisionInput) Validate(today time.Time) error {
	var v Invalid
	in.Note = strings.TrimSpace(in.Note)
	in.Title = strings.TrimSpace(in.Title)
	switch {
	case in.On.IsZero():
		v.Add("sv_on", "form.required")
	case calendarDay(in.On).After(calendarDay(today)):
		v.Add("sv_on", "ledger.date_future")
	}
	switch in.Kind {
	case SupervisionDaily:
		if in.Score < 0 || in.Score > 100 {
			v.Add("score", "supervision.score_range")
		}
		in.Result, in.Title = "", ""
	case SupervisionPhase:
		if in.Result != "pass" && in.Result != "needs_work" {
			v.Add("result", "form.choose")
		}
		if in.Title == "" {
			v.Add("sv_title", "form.required")
		}
		if in.Result == "needs_work" && in.Note == "" {
			v.Add("sv_note", "supervision.note_required")
		}
	default:
		v.Add("kind", "form.choose")
	}
	if utf8.RuneCountInString(in.Title) > MaxEntryTitle {
		v.Add("sv_title", "form.too_long")
	}
	if utf8.RuneCountInString(in.Note) > MaxNote {
		v.Add("sv_note", "form.too_long")
	}
	return v.Err()
}

// SupervisionRecord is a stored supervision record.
type SupervisionRecord struct {
	ID         int64
	ProjectID  int64
	Kind       SupervisionKind
	On         time.Time
	Score      float64
	Result     string
	Title      string
	Note       string
	AuthorName string
	CreatedAt  time.Time
}
