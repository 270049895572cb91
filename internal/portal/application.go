package portal

import "time"

// AppStatus is where an application stands.
type AppStatus string

// The application statuses. An application starts as a draft; sending it freezes a
// version and passes it to the endorsement chain; the last endorsement submits it to
// the program's owner; a return at any point sends it back to the secretary.
const (
	AppDraft     AppStatus = "draft"     // 草稿
	AppEndorsing AppStatus = "endorsing" // 待签署意见
	AppReturned  AppStatus = "returned"  // 退回修改
	AppSubmitted AppStatus = "submitted" // 已提交
	AppReceived  AppStatus = "received"  // 已受理
	AppWithdrawn AppStatus = "withdrawn" // 已撤回
	AppApproved  AppStatus = "approved"  // 已立项
	AppRejected  AppStatus = "rejected"  // 未立项
)

// AppStatuses lists every status in display order.
var AppStatuses = []AppStatus{AppDraft, AppEndorsing, AppReturned, AppSubmitted, AppReceived, AppWithdrawn, AppApproved, AppRejected}

// AppEvent is something that happens to an application.
type AppEvent string

// The application events.
const (
	EvSend     AppEvent = "send"     // the secretary sends a draft for endorsement
	EvEndorse  AppEvent = "endorse"  // an endorser agrees
	EvReturn   AppEvent = "return"   // an endorser or the manager returns it for revision
	EvReceive  AppEvent = "receive"  // the manager marks it received
	EvWithdraw AppEvent = "withdraw" // the secretary withdraws it before a decision
	EvApprove  AppEvent = "approve"
	EvReject   AppEvent = "reject"
)

// Editable reports whether the secretary may change the application's content.
func (s AppStatus) Editable() bool { return s == AppDraft || s == AppReturned }

// Decided reports whether a decision has been taken.
func (s AppStatus) Decided() bool { return s == AppApproved || s == AppRejected }

// Transition returns the status after ev, given the endorsement step the application
// is at (0-based) and how many steps the chain has, with the step after it. An event
// that does not apply is an EINVALID error.
func Transition(s AppStatus, ev AppEvent, step, steps int) (AppStatus, int, error) {
	bad := func() (AppStatus, int, error) {
		return s, step, &Error{Code: EINVALID, Message: "app.bad_transition", Args: []any{string(s), string(ev)}}
	}
	switch ev {
	case EvSend:
		if !s.Editable() {
			return bad()
		}
		if steps == 0 {
			return AppSubmitted, 0, nil
		}
		return AppEndorsing, 0, nil
	case EvEndorse:
		if s != AppEndorsing || step >= steps {
			return bad()
		}
		if step+1 == steps {
			return AppSubmitted, step + 1, nil
		}
		return AppEndorsing, step + 1, nil
	case EvReturn:
		if s != AppEndorsing && s != AppSubmitted && s != AppReceived {
			return bad()
		}
		return AppReturned, 0, nil
	case EvReceive:
		if s != AppSubmitted {
			return bad()
		}
		return AppReceived, step, nil
	case EvWithdraw:
		if s == AppWithdrawn || s.Decided() {
			return bad()
		}
		return AppWithdrawn, 0, nil
	case EvApprove, EvReject:
		if s != AppSubmitted && s != AppReceived {
			return bad()
		}
		if ev == EvApprove {
			return AppApproved, step, nil
		}
		return AppRejected, step, nil
	}
	return bad()
}

// EndorserOrg finds the organization that gives the opinion of kind for an
// application filed by the org at applicantPath: the applicant itself or, walking up
// its ancestors, the first ancestor that is of that kind or has a child of that kind
// (the college's 党总支 for a 团总支's application). orgs holds the applicant's
// ancestors and their children. It returns false when none exists.
func EndorserOrg(applicantPath string, kind OrgKind, orgs []Org) (Org, bool) {
	byID := map[int64]Org{}
	children := map[int64][]Org{}
	for _, o := range orgs {
		byID[o.ID] = o
		children[o.ParentID] = append(children[o.ParentID], o)
	}
	ids := pathIDs(applicantPath)
	for i := len(ids) - 1; i >= 0; i-- {
		o, ok := byID[ids[i]]
		if !ok {
			continue
		}
		if o.Kind == kind && o.Active {
			return o, true
		}
		for _, c := range children[o.ID] {
			if c.Kind == kind && c.Active {
				return c, true
			}
		}
	}
	return Org{}, false
}

// pathIDs returns the ids of a materialized path, root first.
func pathIDs(path string) []int64 {
	var ids []int64
	var n int64
	in := false
	for _, r := range path {
		if r >= '0' && r <= '9' {
			n = n*10 + int64(r-'0')
			in = true
			continue
		}
		if in {
			ids = append(ids, n)
		}
		n, in = 0, false
	}
	return ids
}

// Application is an organization's application to a track of a program.
type Application struct {
	ID          int64
	ProgramID   int64
	TrackID     int64
	ThemeID     int64
	OrgID       int64
	OrgPath     string
	OrgName     string
	OrgKind     OrgKind
	AuthorID    int64
	AuthorName  string
	Status      AppStatus
	Title       string
	Content     AppContent
	BudgetCents int64
	LeaderName  string
	// EndorserIDs and EndorserPaths are the endorsement chain resolved when the
	// application was last sent; EndorseStep is the step it waits at.
	EndorserIDs   []int64
	EndorserPaths []string
	EndorseStep   int
	Versions      int // how many versions have been frozen
	Version       int // optimistic-lock version of the row
	CreatedAt     time.Time
	UpdatedAt     time.Time
	SubmittedAt   time.Time

	// Filled by list and detail queries.
	ProgramTitle string
	OwnerPath    string
	TrackName    string
	ThemeName    string
	CollegeName  string
}

// Scope returns where the application sits, for the policy.
func (a Application) Scope() AppScope {
	return AppScope{OrgPath: a.OrgPath, OwnerPath: a.OwnerPath, EndorserPaths: a.EndorserPaths}
}

// WaitingPath returns the path of the body whose opinion the application waits for,
// or "" when it waits for none.
func (a Application) WaitingPath() string {
	if a.Status != AppEndorsing || a.EndorseStep >= len(a.EndorserPaths) {
		return ""
	}
	return a.EndorserPaths[a.EndorseStep]
}

// AppEventRecord is one entry of an application's history.
type AppEventRecord struct {
	ID            int64
	At            time.Time
	ActorName     string
	Event         AppEvent
	VersionNumber int
	Step          int
	OrgName       string
	OrgKind       OrgKind
	Note          string
}

// AppVersion is a frozen copy of what was sent.
type AppVersion struct {
	Number     int
	Title      string
	Content    AppContent
	SentByName string
	SentAt     time.Time
}

// Attachment is a file attached to an application; Data is loaded only for download.
type Attachment struct {
	ID            int64
	ApplicationID int64
	FieldKey      string
	Name          string
	ContentType   string
	Size          int64
	SHA256        string
	UploadedAt    time.Time
	Removed       bool
}
