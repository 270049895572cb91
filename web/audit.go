package web

import (
	"net/url"

	"github.com/campusorg/portal/internal/portal"
)

// AuditView is the audit log with its filters.
type AuditView struct {
	Query  url.Values
	Events []portal.AuditEvent
	Next   int64
}

// auditActions are the action filters offered, as prefixes or exact actions.
var auditActions = []string{"user.sign_in", "user.sign_in_failed", "user.", "grant.", "org.", "import.", "program.", "application.", "attachment."}

func auditLabel(action string) string { return "audit." + action }
