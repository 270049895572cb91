package server

import (
	"net/http"

	"github.com/campusorg/portal/internal/portal"
	"github.com/campusorg/portal/web"
)

// home shows one workspace per role the person holds, with what waits for them.
func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	a := actorFrom(r.Context())
	counts, err := s.store.HomeCounts(r.Context(), a)
	if err != nil {
		return err
	}
	v := web.HomeView{Unread: counts.Unread}
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
		case portal.RoleSecretary:
			ws.Count, ws.Label = counts.ToRevise, "home.count.to_revise"
			ws.Links = []web.Link{{Label: "home.link.open_programs", Href: "/programs"}, {Label: "nav.applications", Href: "/applications"}}
		case portal.RoleEndorser:
			ws.Count, ws.Label = counts.AwaitOpinion, "home.count.await_opinion"
			ws.Links = []web.Link{{Label: "app.inbox_title", Href: "/applications"}}
		case portal.RoleManager:
			ws.Count, ws.Label = counts.ToReceive, "home.count.to_receive"
			ws.Links = []web.Link{{Label: "nav.programs", Href: "/programs"}}
		case portal.RoleCounselor, portal.RoleSupervisor:
			ws.Links = []web.Link{{Label: "nav.workbench", Href: "/workbench"}, {Label: "nav.dashboard", Href: "/dashboard"}}
		case portal.RoleViewer:
			ws.Links = []web.Link{{Label: "nav.programs", Href: "/programs"}, {Label: "nav.orgs", Href: "/orgs"}}
		default:
			ws.Links = []web.Link{{Label: "nav.orgs", Href: "/orgs"}}
		}
		v.Workspaces = append(v.Workspaces, ws)
	}
	return s.page(w, r, web.HomePage(s.chrome(r, "nav.home", "nav.home"), v))
}
