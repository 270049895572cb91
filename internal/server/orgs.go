package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/campusorg/portal/internal/portal"
	"github.com/campusorg/portal/internal/postgres"
	"github.com/campusorg/portal/web"
)

var orgFields = []string{"kind", "name", "code", "founded_on", "league_members", "youth_under_28", "league_cadres", "version"}

// orgIndex shows the person's topmost orgs with their children, or search results.
func (s *Server) orgIndex(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := actorFrom(ctx)
	q := r.URL.Query()
	v := web.OrgIndexView{Query: q, Kinds: web.KindOptions(ctx, portal.OrgKinds)}
	if strings.TrimSpace(q.Get("q")) != "" || q.Get("kind") != "" {
		after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
		page, err := s.store.SearchOrgs(ctx, a, postgres.OrgFilter{Query: q.Get("q"), Kind: portal.OrgKind(q.Get("kind")), After: after})
		if err != nil {
			return err
		}
		v.Searching, v.Results, v.Next = true, page.Items, page.Next
	} else {
		roots, err := s.store.ScopeRoots(ctx, a)
		if err != nil {
			return err
		}
		for _, o := range roots {
			children, err := s.store.OrgChildren(ctx, a, o.ID, false)
			if err != nil {
				return err
			}
			v.Roots = append(v.Roots, web.OrgWithChildren{Org: o, Children: children})
		}
	}
	return s.page(w, r, web.OrgIndexPage(s.chrome(r, "nav.orgs", "org.index_title"), v))
}

func (s *Server) orgShow(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := actorFrom(ctx)
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	o, err := s.store.GetOrg(ctx, a, id)
	if err != nil {
		return err
	}
	crumbs, err := s.store.OrgsByPath(ctx, a, o.Path)
	if err != nil {
		return err
	}
	if len(crumbs) > 0 {
		crumbs = crumbs[:len(crumbs)-1]
	}
	canManage := portal.Can(a, portal.ActManageOrg, o.Path)
	showAll := canManage && r.URL.Query().Get("all") == "1"
	children, err := s.store.OrgChildren(ctx, a, id, showAll)
	if err != nil {
		return err
	}
	c := s.chrome(r, "nav.orgs", "")
	c.Title = o.Name
	return s.page(w, r, web.OrgPage(c, web.OrgView{Org: o, Breadcrumbs: crumbs, Children: children, CanManage: canManage, ShowAll: showAll}))
}

// managedOrg loads the org named by the URL, when the actor manages it.
func (s *Server) managedOrg(r *http.Request) (portal.Org, error) {
	id, err := idParam(r, "id")
	if err != nil {
		return portal.Org{}, err
	}
	a := actorFrom(r.Context())
	o, err := s.store.GetOrg(r.Context(), a, id)
	if err != nil {
		return o, err
	}
	if !portal.Can(a, portal.ActManageOrg, o.Path) {
		return o, portal.NotFound()
	}
	return o, nil
}

func (s *Server) orgNewForm(w http.ResponseWriter, r *http.Request) error {
	parent, err := s.managedOrg(r)
	if err != nil {
		return err
	}
	f := web.NewForm(nil)
	if kinds := parent.Kind.ChildKinds(); len(kinds) == 1 {
		f.Set("kind", string(kinds[0]))
	}
	return s.page(w, r, s.orgFormView(r, f, parent, portal.Org{}))
}

func (s *Server) orgFormView(r *http.Request, f *web.Form, parent, org portal.Org) templComponent {
	kinds := parent.Kind.ChildKinds()
	title := "org.new_title"
	if org.ID != 0 {
		title = "org.edit_title"
		if org.ParentID == 0 {
			kinds = []portal.OrgKind{portal.KindSchool}
		}
	}
	return web.OrgFormPage(s.chrome(r, "nav.orgs", title), web.OrgFormView{Form: f, Parent: parent, Org: org, Kinds: web.KindOptions(r.Context(), kinds)})
}

// decodeOrg reads an organization form into an input, collecting bad numbers and dates.
func decodeOrg(values map[string][]string, parentID int64) (portal.OrgInput, *decoder) {
	d := &decoder{values: values}
	in := portal.OrgInput{
		ParentID:      parentID,
		Kind:          portal.OrgKind(d.values.Get("kind")),
		Name:          d.values.Get("name"),
		Code:          d.values.Get("code"),
		FoundedOn:     d.date("founded_on"),
		LeagueMembers: d.int("league_members"),
		YouthUnder28:  d.int("youth_under_28"),
		LeagueCadres:  d.int("league_cadres"),
	}
	return in, d
}

func (s *Server) orgCreate(w http.ResponseWriter, r *http.Request) error {
	parent, err := s.managedOrg(r)
	if err != nil {
		return err
	}
	values, err := parseForm(w, r, orgFields...)
	if err != nil {
		return err
	}
	in, d := decodeOrg(values, parent.ID)
	f := web.NewForm(values)
	view := func() templComponent { return s.orgFormView(r, f, parent, portal.Org{}) }
	if err := d.merge(nil); err != nil {
		return s.formError(w, r, f, d.merge(in.Validate(parent.Kind, s.now())), view)
	}
	o, err := s.store.CreateOrg(r.Context(), actorFrom(r.Context()), in)
	if err != nil {
		return s.formError(w, r, f, err, view)
	}
	return s.redirect(w, r, "/orgs/"+strconv.FormatInt(o.ID, 10), "success", "org.created")
}

// orgValues fills a form from an org.
func orgValues(o portal.Org) *web.Form {
	f := web.NewForm(nil)
	f.Set("kind", string(o.Kind))
	f.Set("name", o.Name)
	f.Set("code", o.Code)
	if !o.FoundedOn.IsZero() {
		f.Set("founded_on", o.FoundedOn.Format("2006-01-02"))
	}
	f.Set("league_members", strconv.Itoa(o.LeagueMembers))
	f.Set("youth_under_28", strconv.Itoa(o.YouthUnder28))
	f.Set("league_cadres", strconv.Itoa(o.LeagueCadres))
	f.Set("version", strconv.Itoa(o.Version))
	return f
}

// parentOf returns the parent of o (zero for a root), as seen by the actor's grants on o.
func (s *Server) parentOf(r *http.Request, o portal.Org) portal.Org {
	if o.ParentID == 0 {
		return portal.Org{}
	}
	p, err := s.store.GetOrg(r.Context(), actorFrom(r.Context()), o.ParentID)
	if err != nil {
		// The actor's grant is on o itself: offer the kinds o's parent kind allows.
		return portal.Org{ID: o.ParentID, Kind: parentKindFor(o.Kind)}
	}
	return p
}

// parentKindFor guesses a parent kind that may hold k, for an actor who cannot see
// the real parent; the store checks the real one on save.
func parentKindFor(k portal.OrgKind) portal.OrgKind {
	if ps := k.ParentKinds(); len(ps) > 0 {
		return ps[0]
	}
	return ""
}

func (s *Server) orgEditForm(w http.ResponseWriter, r *http.Request) error {
	o, err := s.managedOrg(r)
	if err != nil {
		return err
	}
	return s.page(w, r, s.orgFormView(r, orgValues(o), s.parentOf(r, o), o))
}

func (s *Server) orgUpdate(w http.ResponseWriter, r *http.Request) error {
	o, err := s.managedOrg(r)
	if err != nil {
		return err
	}
	values, err := parseForm(w, r, orgFields...)
	if err != nil {
		return err
	}
	in, d := decodeOrg(values, o.ParentID)
	version := d.int("version")
	f := web.NewForm(values)
	view := func() templComponent { return s.orgFormView(r, f, s.parentOf(r, o), o) }
	if err := d.merge(nil); err != nil {
		return s.formError(w, r, f, err, view)
	}
	if _, err := s.store.UpdateOrg(r.Context(), actorFrom(r.Context()), o.ID, version, in); err != nil {
		return s.formError(w, r, f, err, view)
	}
	return s.redirect(w, r, "/orgs/"+strconv.FormatInt(o.ID, 10), "success", "org.saved")
}

func (s *Server) orgMoveView(r *http.Request, f *web.Form, o portal.Org) (templComponent, error) {
	targets, err := s.store.MoveTargets(r.Context(), actorFrom(r.Context()), o)
	if err != nil {
		return nil, err
	}
	return web.OrgMovePage(s.chrome(r, "nav.orgs", "org.move_title"), web.OrgMoveView{Form: f, Org: o, Parents: treeOptions(targets)}), nil
}

// treeOptions labels orgs for a select, indented by depth.
func treeOptions(orgs []portal.Org) []web.Option {
	out := make([]web.Option, len(orgs))
	base := -1
	for _, o := range orgs {
		if d := portal.Depth(o.Path); base < 0 || d < base {
			base = d
		}
	}
	for i, o := range orgs {
		out[i] = web.Option{Value: strconv.FormatInt(o.ID, 10), Label: strings.Repeat("　", portal.Depth(o.Path)-base) + o.Name}
	}
	return out
}

func (s *Server) orgMoveForm(w http.ResponseWriter, r *http.Request) error {
	o, err := s.managedOrg(r)
	if err != nil {
		return err
	}
	if o.ParentID == 0 {
		return portal.NotFound()
	}
	f := web.NewForm(nil)
	f.Set("version", strconv.Itoa(o.Version))
	view, err := s.orgMoveView(r, f, o)
	if err != nil {
		return err
	}
	return s.page(w, r, view)
}

func (s *Server) orgMove(w http.ResponseWriter, r *http.Request) error {
	o, err := s.managedOrg(r)
	if err != nil {
		return err
	}
	values, err := parseForm(w, r, "parent_id", "version")
	if err != nil {
		return err
	}
	d := &decoder{values: values}
	parentID, version := d.id("parent_id"), d.int("version")
	if parentID == 0 {
		d.v.Add("parent_id", "form.choose")
	}
	err = d.merge(nil)
	if err == nil {
		_, err = s.store.MoveOrg(r.Context(), actorFrom(r.Context()), o.ID, version, parentID)
	}
	if err != nil {
		f := web.NewForm(values)
		view, verr := s.orgMoveView(r, f, o)
		if verr != nil {
			return verr
		}
		return s.formError(w, r, f, err, func() templComponent { return view })
	}
	return s.redirect(w, r, "/orgs/"+strconv.FormatInt(o.ID, 10), "success", "org.moved")
}

func (s *Server) orgSetActive(active bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := idParam(r, "id")
		if err != nil {
			return err
		}
		if _, err := parseForm(w, r); err != nil {
			return err
		}
		if _, err := s.store.SetOrgActive(r.Context(), actorFrom(r.Context()), id, active); err != nil {
			return err
		}
		msg := "org.deactivated"
		if active {
			msg = "org.reactivated"
		}
		return s.redirect(w, r, "/orgs/"+strconv.FormatInt(id, 10), "success", msg)
	}
}

func (s *Server) orgDeactivate(w http.ResponseWriter, r *http.Request) error {
	return s.orgSetActive(false)(w, r)
}

func (s *Server) orgReactivate(w http.ResponseWriter, r *http.Request) error {
	return s.orgSetActive(true)(w, r)
}
