package portal

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
