package server

import (
	"net/http"
	"strconv"

	"github.com/campusorg/portal/internal/portal"
	"github.com/campusorg/portal/internal/postgres"
	"github.com/campusorg/portal/web"
)

// requireAction answers not found unless the actor may take action somewhere; pages
// that only administrators reach use it before any query.
func requireAction(r *http.Request, action portal.Action) error {
	if !portal.CanAny(actorFrom(r.Context()), action) {
		return portal.NotFound()
	}
	return nil
}

func (s *Server) userIndex(w http.ResponseWriter, r *http.Request) error {
	if err := requireAction(r, portal.ActManageUsers); err != nil {
		return err
	}
	q := r.URL.Query()
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	page, err := s.store.ListUsers(r.Context(), actorFrom(r.Context()), postgres.UserFilter{Query: q.Get("q"), After: after})
	if err != nil {
		return err
	}
	return s.page(w, r, web.UserIndexPage(s.chrome(r, "nav.users", "user.index_title"), web.UserIndexView{Query: q, Users: page.Items, Next: page.Next}))
}

// orgOptions lists the orgs on which the actor may take action, for a select.
func (s *Server) orgOptions(r *http.Request, action portal.Action) ([]web.Option, error) {
	orgs, err := s.store.OrgPicks(r.Context(), actorFrom(r.Context()), action)
	if err != nil {
		return nil, err
	}
	return treeOptions(orgs), nil
}

func (s *Server) userNewView(r *http.Request, f *web.Form) (templComponent, error) {
	orgs, err := s.orgOptions(r, portal.ActManageUsers)
	if err != nil {
		return nil, err
	}
	return web.UserNewPage(s.chrome(r, "nav.users", "user.new"), web.UserNewView{Form: f, Orgs: orgs}), nil
}

func (s *Server) userNewForm(w http.ResponseWriter, r *http.Request) error {
	if err := requireAction(r, portal.ActManageUsers); err != nil {
		return err
	}
	f := web.NewForm(nil)
	f.Set("home_org_id", r.URL.Query().Get("org"))
	view, err := s.userNewView(r, f)
	if err != nil {
		return err
	}
	return s.page(w, r, view)
}

func (s *Server) userCreate(w http.ResponseWriter, r *http.Request) error {
	if err := requireAction(r, portal.ActManageUsers); err != nil {
		return err
	}
	values, err := parseForm(w, r, "display_name", "username", "phone", "email", "home_org_id", "password")
	if err != nil {
		return err
	}
	d := &decoder{values: values}
	in := portal.UserInput{Username: values.Get("username"), Phone: values.Get("phone"), Email: values.Get("email"),
		DisplayName: values.Get("display_name"), HomeOrgID: d.id("home_org_id"), Password: values.Get("password")}
	err = d.merge(nil)
	var u portal.User
	if err == nil {
		u, err = s.store.CreateUser(r.Context(), actorFrom(r.Context()), in)
	} else {
		err = d.merge(in.Validate())
	}
	if err != nil {
		f := web.NewForm(values)
		view, verr := s.userNewView(r, f)
		if verr != nil {
			return verr
		}
		return s.formError(w, r, f, err, func() templComponent { return view })
	}
	return s.redirect(w, r, "/users/"+strconv.FormatInt(u.ID, 10), "success", "user.created")
}

// userView renders an account's page with the given forms (nil for empty ones;
// an empty e-mail form shows the account's address).
func (s *Server) userView(r *http.Request, id int64, grantForm, resetForm *web.Form, emailForm ...*web.Form) (templComponent, error) {
	a := actorFrom(r.Context())
	u, err := s.store.GetUser(r.Context(), a, id)
	if err != nil {
		return nil, err
	}
	orgs, err := s.orgOptions(r, portal.ActManageUsers)
	if err != nil {
		return nil, err
	}
	if grantForm == nil {
		grantForm = web.NewForm(nil)
	}
	if resetForm == nil {
		resetForm = web.NewForm(nil)
	}
	ef := emailFormOf(u, emailForm...)
	c := s.chrome(r, "nav.users", "")
	c.Title = u.DisplayName
	return web.UserPage(c, web.UserView{User: u, GrantForm: grantForm, ResetForm: resetForm, EmailForm: ef, Orgs: orgs, IsSelf: u.ID == a.UserID}), nil
}

// emailFormOf returns the refused e-mail form when there is one, else a form
// holding the account's address. Either carries the account's current version:
// after a lost edit race the page shows the address now stored, and sending the
// form again replaces it.
func emailFormOf(u portal.User, refused ...*web.Form) *web.Form {
	if len(refused) > 0 && refused[0] != nil {
		refused[0].Set("version", strconv.Itoa(u.Version))
		return refused[0]
	}
	f := web.NewForm(nil)
	f.Set("email", u.Email)
	f.Set("version", strconv.Itoa(u.Version))
	return f
}

// userSetEmail sets or clears the e-mail address of an account the administrator manages.
func (s *Server) userSetEmail(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	values, err := parseForm(w, r, "email", "version")
	if err != nil {
		return err
	}
	d := &decoder{values: values}
	version := d.int("version")
	err = d.merge(nil)
	if err == nil {
		err = s.store.SetUserEmail(r.Context(), actorFrom(r.Context()), id, version, values.Get("email"))
	}
	if err != nil {
		f := web.NewForm(values)
		view, verr := s.userView(r, id, nil, nil, f)
		if verr != nil {
			return verr
		}
		return s.formError(w, r, f, err, func() templComponent { return view })
	}
	return s.redirect(w, r, "/users/"+strconv.FormatInt(id, 10), "success", "user.email_saved")
}

func (s *Server) userShow(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	view, err := s.userView(r, id, nil, nil)
	if err != nil {
		return err
	}
	return s.page(w, r, view)
}

func (s *Server) userSetActive(w http.ResponseWriter, r *http.Request, active bool) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	if _, err := parseForm(w, r); err != nil {
		return err
	}
	if err := s.store.SetUserActive(r.Context(), actorFrom(r.Context()), id, active); err != nil {
		return err
	}
	msg := "user.disabled_done"
	if active {
		msg = "user.enabled_done"
	}
	return s.redirect(w, r, "/users/"+strconv.FormatInt(id, 10), "success", msg)
}

func (s *Server) userDisable(w http.ResponseWriter, r *http.Request) error {
	return s.userSetActive(w, r, false)
}

func (s *Server) userEnable(w http.ResponseWriter, r *http.Request) error {
	return s.userSetActive(w, r, true)
}

func (s *Server) userResetPassword(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	values, err := parseForm(w, r, "password")
	if err != nil {
		return err
	}
	if err := s.store.ResetPassword(r.Context(), actorFrom(r.Context()), id, values.Get("password")); err != nil {
		f := web.NewForm(values)
		view, verr := s.userView(r, id, nil, f)
		if verr != nil {
			return verr
		}
		return s.formError(w, r, f, err, func() templComponent { return view })
	}
	return s.redirect(w, r, "/users/"+strconv.FormatInt(id, 10), "success", "user.password_reset_done")
}

func (s *Server) grantAdd(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	values, err := parseForm(w, r, "role", "org_id")
	if err != nil {
		return err
	}
	d := &decoder{values: values}
	orgID := d.id("org_id")
	if orgID == 0 {
		d.v.Add("org_id", "form.choose")
	}
	err = d.merge(nil)
	if err == nil {
		err = s.store.AddGrant(r.Context(), actorFrom(r.Context()), id, portal.Role(values.Get("role")), orgID)
	}
	if err != nil {
		f := web.NewForm(values)
		view, verr := s.userView(r, id, f, nil)
		if verr != nil {
			return verr
		}
		return s.formError(w, r, f, err, func() templComponent { return view })
	}
	return s.redirect(w, r, "/users/"+strconv.FormatInt(id, 10), "success", "grant.added")
}

func (s *Server) grantRevoke(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	gid, err := idParam(r, "gid")
	if err != nil {
		return err
	}
	if _, err := parseForm(w, r); err != nil {
		return err
	}
	if err := s.store.RevokeGrant(r.Context(), actorFrom(r.Context()), id, gid); err != nil {
		return err
	}
	return s.redirect(w, r, "/users/"+strconv.FormatInt(id, 10), "success", "grant.revoked")
}
