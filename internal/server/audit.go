package server

import (
	"net/http"
	"strconv"

	"github.com/campusorg/portal/internal/portal"
	"github.com/campusorg/portal/internal/postgres"
	"github.com/campusorg/portal/web"
)

func (s *Server) auditIndex(w http.ResponseWriter, r *http.Request) error {
	if err := requireAction(r, portal.ActViewAudit); err != nil {
		return err
	}
	q := r.URL.Query()
	before, _ := strconv.ParseInt(q.Get("before"), 10, 64)
	page, err := s.store.ListAudit(r.Context(), actorFrom(r.Context()), postgres.AuditFilter{Action: q.Get("action"), Actor: q.Get("actor"), Before: before})
	if err != nil {
		return err
	}
	return s.page(w, r, web.AuditPage(s.chrome(r, "nav.audit", "audit.title"), web.AuditView{Query: q, Events: page.Items, Next: page.Next}))
}
