package portal

import "time"

// AuditEvent records one state change: who did what to which record, when, and the
// record before and after. Store methods that change state write one in the same
// transaction.
type AuditEvent struct {
	ID        int64
	At        time.Time
	ActorID   int64
	ActorName string
	Action    string // e.g. "org.create", "user.sign_in"
	Entity    string // e.g. "org", "user", "grant"
	EntityID  int64
	OrgPath   string // scopes who may read the event
	Before    []byte // JSON, may be nil
	After     []byte // JSON, may be nil
	Remote    string
}
