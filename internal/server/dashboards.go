package server

import (
	"net/http"
	"strconv"

	"github.com/a-h/templ"

	"github.com/campusorg/portal/internal/portal"
	"github.com/campusorg/portal/web"
)

// workbench is the one page of counselors, secretaries and supervisors.
func (s *Server) workbench(w http.ResponseWriter, r *http.Request) error {
	a := actorFrom(r.Context())
	wb, err := s.store.Workbench(r.Context(), a)
	if err != nil {
		return err
	}
	v := web.WorkbenchView{W: wb, IsCounselor: a.Has(portal.RoleCounselor),
		IsSupervisor: a.Has(portal.RoleSupervisor) || len(wb.Waiting) > 0}
	return s.page(w, r, web.WorkbenchPage(s.chrome(r, "nav.workbench", "workbench.title"), v))
}

// dashboard is the overview of a program's projects for managers, colleges and
// school leaders.
func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	programID, _ := strconv.ParseInt(q.Get("program"), 10, 64)
	orgID, _ := strconv.ParseInt(q.Get("org"), 10, 64)
	d, err := s.store.Dashboard(r.Context(), actorFrom(r.Context()), programID, orgID)
	if err != nil {
		return err
	}
	v := web.ProjDashboardView{D: d}
	for _, p := range d.Programs {
		v.Programs = append(v.Programs, web.Option{Value: strconv.FormatInt(p.ID, 10), Label: p.Title + " " + p.Batch + " " + strconv.Itoa(p.Year)})
	}
	if len(d.Programs) > 0 {
		// The figures' part is rendered once per copy of the figures and language.
		v.Figures, err = renderedOnce(r, d.Memo, "", func() templ.Component { return web.DashboardFigures(v) })
		if err != nil {
			return err
		}
	}
	return s.page(w, r, web.ProjDashboardPage(s.chrome(r, "nav.dashboard", "dashboard.title"), v))
}
