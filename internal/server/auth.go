package server

import (
	"context"
	"net/http"
	"time"

	"github.com/campusorg/portal/internal/i18n"
	"github.com/campusorg/portal/internal/portal"
	"github.com/campusorg/portal/web"
)

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return nil
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
	return nil
}

func notFound(w http.ResponseWriter, r *http.Request) error { return portal.NotFound() }

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) error {
	if actorFrom(r.Context()).SignedIn() {
		return s.redirect(w, r, "/", "", "")
	}
	f := web.NewForm(nil)
	f.Set("next", r.URL.Query().Get("next"))
	return s.page(w, r, web.LoginPage(s.chrome(r, "", "auth.title"), f))
}

// login signs a person in. Attempts are throttled per address and per account; the
// session token is renewed so that a planted token never becomes signed in.
func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return portal.Errorf(portal.EINVALID, "error.bad_request")
	}
	login, password := r.PostForm.Get("login"), r.PostForm.Get("password")
	f := web.NewForm(r.PostForm)
	f.Set("password", "") // never echoed back
	view := func() web.Chrome { return s.chrome(r, "", "auth.title") }
	now := s.now()
	if !s.limits.allow(clientIP(r), login, now) {
		f.Error = "auth.throttled"
		s.render(w, r, http.StatusTooManyRequests, web.LoginPage(view(), f))
		return nil
	}
	u, err := s.store.SignIn(r.Context(), login, password, clientIP(r))
	if err != nil {
		if portal.ErrorCode(err) == portal.EINVALID {
			s.limits.failed(login, now)
		}
		return s.formError(w, r, f, err, func() templComponent { return web.LoginPage(view(), f) })
	}
	ctx := r.Context()
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.sessions.Put(ctx, sessUser, u.ID)
	s.sessions.Put(ctx, sessEpoch, u.SessionEpoch)
	s.sessions.Put(ctx, sessSeen, now.Unix())
	return s.redirect(w, r, safeNext(r.PostForm.Get("next")), "", "")
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if err := s.store.RecordSignOut(r.Context(), actorFrom(r.Context())); err != nil {
		return err
	}
	if err := s.sessions.Destroy(r.Context()); err != nil {
		return err
	}
	return s.redirect(w, r, "/login", "info", "auth.signed_out")
}

// setLang switches the interface language: remembered on the account when signed in,
// in a cookie otherwise.
func (s *Server) setLang(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return portal.Errorf(portal.EINVALID, "error.bad_request")
	}
	lang := i18n.Parse(r.PostForm.Get("lang"))
	a := actorFrom(r.Context())
	if a.SignedIn() {
		if err := s.store.SetLang(r.Context(), a, string(lang)); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: "lang", Value: string(lang), Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.opt.SecureCookies})
	return s.redirect(w, r, safeNext(r.PostForm.Get("back")), "", "")
}

func (s *Server) passwordForm(w http.ResponseWriter, r *http.Request) error {
	must, err := s.store.MustChangePassword(r.Context(), actorFrom(r.Context()).UserID)
	if err != nil {
		return err
	}
	return s.page(w, r, web.PasswordPage(s.chrome(r, "", "account.password_title"), web.NewForm(nil), must))
}

// changePassword replaces the person's own password and renews the session token.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return portal.Errorf(portal.EINVALID, "error.bad_request")
	}
	ctx := r.Context()
	a := actorFrom(ctx)
	epoch, err := s.store.ChangeOwnPassword(ctx, a, r.PostForm.Get("current_password"), r.PostForm.Get("new_password"))
	if err != nil {
		f := web.NewForm(nil)
		must, _ := s.store.MustChangePassword(ctx, a.UserID)
		return s.formError(w, r, f, err, func() templComponent {
			return web.PasswordPage(s.chrome(r, "", "account.password_title"), f, must)
		})
	}
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.sessions.Put(ctx, sessEpoch, epoch)
	return s.redirect(w, r, "/", "success", "account.password_changed")
}
