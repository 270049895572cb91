package server

import (
	"net/http"

	"github.com/campusorg/portal/web"
)

// accountView renders the actor's own account page; emailForm is the refused
// e-mail form, or nil for one holding the account's address.
func (s *Server) accountView(r *http.Request, emailForm *web.Form) (templComponent, error) {
	u, err := s.store.GetOwnAccount(r.Context(), actorFrom(r.Context()))
	if err != nil {
		return nil, err
	}
	return web.AccountPage(s.chrome(r, "", "account.title"),
		web.AccountView{User: u, EmailForm: emailFormOf(u, emailForm), MailEnabled: s.opt.MailEnabled}), nil
}

func (s *Server) accountShow(w http.ResponseWriter, r *http.Request) error {
	view, err := s.accountView(r, nil)
	if err != nil {
		return err
	}
	return s.page(w, r, view)
}

// accountEmail sets or clears the actor's own e-mail address.
func (s *Server) accountEmail(w http.ResponseWriter, r *http.Request) error {
	values, err := parseForm(w, r, "email", "version")
	if err != nil {
		return err
	}
	d := &decoder{values: values}
	version := d.int("version")
	err = d.merge(nil)
	if err == nil {
		err = s.store.SetOwnEmail(r.Context(), actorFrom(r.Context()), version, values.Get("email"))
	}
	if err != nil {
		f := web.NewForm(values)
		view, verr := s.accountView(r, f)
		if verr != nil {
			return verr
		}
		return s.formError(w, r, f, err, func() templComponent { return view })
	}
	return s.redirect(w, r, "/account", "success", "user.email_saved")
}
