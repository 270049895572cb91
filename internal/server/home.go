package server

import (
	"net/http"

	"github.com/campusorg/portal/internal/portal"
	"github.com/campusorg/portal/web"
)

// home shows one workspace per role the person holds, with what waits for them.
// Later features add their counts here.
func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	a := actorFrom(r.Context())
	var v web.HomeView
	for _, role := range a.Roles() {
		ws := web.Workspace{Role: role, Count: -1, Label: "home.ws." + string(role)}
		for _, g := range a.Grants {
			if g.Role == role {
				ws.Orgs = append(ws.Orgs, g.OrgName)
			}
		}
		switch role {
		case portal.RoleAdmin:
			ws.Links = []web.Link{{Label: "nav.orgs", Href: "/orgs"}, {Label: "nav.users", Href: "/users"}, {Label: "nav.import", Href: "/import"}, {Label: "nav.audit", Href: "/audit"}}
		default:
			ws.Links = []web.Link{{Label: "nav.orgs", Href: "/orgs"}}
		}
		v.Workspaces = append(v.Workspaces, ws)
	}
	return s.page(w, r, web.HomePage(s.chrome(r, "nav.home", "nav.home"), v))
}
