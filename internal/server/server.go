// Package server is the portal's HTTP layer: routes (all in routes.go), thin handlers
// that decode, validate, call the store and render or redirect, middleware, and the
// one place where errors become status codes and pages.
package server

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/a-h/templ"
	"github.com/alexedwards/scs/v2"

	"github.com/campusorg/portal/internal/i18n"
	"github.com/campusorg/portal/internal/portal"
	"github.com/campusorg/portal/internal/postgres"
	"github.com/campusorg/portal/web"
)

// Options configures a Server.
type Options struct {
	// SessionLifetime is the absolute lifetime of a session.
	SessionLifetime time.Duration
	// IdleTimeout ends a session unused for this long.
	IdleTimeout time.Duration
	// SecureCookies marks cookies Secure (set when served over TLS).
	SecureCookies bool
	// ImportMaxBytes bounds an uploaded import sheet.
	ImportMaxBytes int64
	// UploadMaxBytes bounds an attachment.
	UploadMaxBytes int64
	// UploadConcurrency is how many requests on the upload routes may read and store
	// their files at once (see admitUploads); the rest wait, their bodies unread.
	UploadConcurrency int
	// UploadWait is how long a request waits for an upload slot before it is
	// answered 503, "busy, try again".
	UploadWait time.Duration
	// Bench registers the benchmark's baseline route (GET /bench/fortunes, see
	// bench.go). Only `portal bench` sets it; production and tests never do.
	Bench bool
	// MailEnabled says the portal sends mail (an SMTP server is configured); the
	// account page tells people when it does not.
	MailEnabled bool
}

// DefaultOptions are the options used where a field is zero.
var DefaultOptions = Options{
	SessionLifetime:   12 * time.Hour,
	IdleTimeout:       2 * time.Hour,
	ImportMaxBytes:    10 << 20,
	UploadMaxBytes:    20 << 20,
	UploadConcurrency: 2,
	UploadWait:        30 * time.Second,
}

// Server holds what handlers share.
type Server struct {
	store    *postgres.Store
	sessions *scs.SessionManager
	log      *slog.Logger
	opt      Options
	limits   *signInLimits
	uploads  *uploadGate
	now      func() time.Time
}

// New returns a Server over store. Sessions live in the store's database, so that
// several instances share them.
func New(store *postgres.Store, log *slog.Logger, opt Options) *Server {
	if opt.SessionLifetime == 0 {
		opt.SessionLifetime = DefaultOptions.SessionLifetime
	}
	if opt.IdleTimeout == 0 {
		opt.IdleTimeout = DefaultOptions.IdleTimeout
	}
	if opt.UploadMaxBytes == 0 {
		opt.UploadMaxBytes = DefaultOptions.UploadMaxBytes
	}
	if opt.ImportMaxBytes == 0 {
		opt.ImportMaxBytes = DefaultOptions.ImportMaxBytes
	}
	if opt.UploadConcurrency == 0 {
		opt.UploadConcurrency = DefaultOptions.UploadConcurrency
	}
	if opt.UploadWait == 0 {
		opt.UploadWait = DefaultOptions.UploadWait
	}
	sm := scs.New()
	sm.Store = store.Sessions()
	sm.Codec = sessionCodec{}
	sm.Lifetime = opt.SessionLifetime
	// No scs IdleTimeout: it would write the session on every request. Idle expiry is
	// enforced in loadActor with a timestamp refreshed at most every few minutes.
	sm.Cookie.Name = "portal_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = opt.SecureCookies
	sm.Cookie.Persist = false
	return &Server{store: store, sessions: sm, log: log, opt: opt, limits: newSignInLimits(),
		uploads: newUploadGate(opt.UploadConcurrency, opt.UploadWait), now: time.Now}
}

// handlerFunc is a handler that returns an error for the server to show.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// h adapts a handlerFunc: a returned error is logged and shown by handleError.
func (s *Server) h(fn handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			s.handleError(w, r, err)
		}
	}
}

// statusOf maps an error code to its HTTP status. Forbidden answers as not found, so
// that nobody learns what exists beyond what they may see.
func statusOf(code string) int {
	switch code {
	case portal.ENOTFOUND, portal.EFORBIDDEN:
		return http.StatusNotFound
	case portal.EINVALID:
		return http.StatusUnprocessableEntity
	case portal.ECONFLICT:
		return http.StatusConflict
	}
	return http.StatusInternalServerError
}

// handleError is the one place errors become responses: the status from the code, a
// page with the safe message, and the detail in the log.
func (s *Server) handleError(w http.ResponseWriter, r *http.Request, err error) {
	code := portal.ErrorCode(err)
	status := statusOf(code)
	msg := "error.internal"
	var pe *portal.Error
	if errors.As(err, &pe) && code != portal.EINTERNAL {
		msg = pe.Message
	}
	if errors.Is(err, context.Canceled) {
		return
	}
	if status >= 500 {
		s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	} else {
		s.log.DebugContext(r.Context(), "request refused", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	s.render(w, r, status, web.ErrorPage(s.chrome(r, "", ""), status, msg))
}

// pageBuffers are the buffers pages are rendered into, used again: a page of
// 100 KB grown anew on every request would be most of the request's garbage.
var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// render writes component with status, rendering into a buffer first so that a
// failure never leaves half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	buf := pageBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= 1<<20 {
			pageBuffers.Put(buf)
		}
	}()
	if err := c.Render(r.Context(), buf); err != nil {
		s.log.ErrorContext(r.Context(), "render failed", "path", r.URL.Path, "err", err)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// renderedOnce returns the HTML of the component view makes, rendered once per
// language and key while memo (the memo of a copy the store keeps) lasts; a nil
// memo renders it each time. The component must depend on nothing of the request
// but its language.
func renderedOnce(r *http.Request, memo *postgres.Memo, key string, view func() templ.Component) (string, error) {
	return memo.Get(string(i18n.FromContext(r.Context()))+"/"+key, func() (string, error) {
		var b strings.Builder
		err := view().Render(r.Context(), &b)
		return b.String(), err
	})
}

// page renders a full page with status 200.
func (s *Server) page(w http.ResponseWriter, r *http.Request, c templ.Component) error {
	s.render(w, r, http.StatusOK, c)
	return nil
}

// chrome returns the layout's data for this request.
func (s *Server) chrome(r *http.Request, nav, titleKey string) web.Chrome {
	c := web.Chrome{Actor: actorFrom(r.Context()), Nav: nav, Path: r.URL.RequestURI(), Flash: flashFrom(r.Context())}
	if titleKey != "" {
		c.Title = i18n.T(i18n.FromContext(r.Context()), titleKey)
	}
	return c
}

// redirect answers 303 See Other to url, with an optional flash for the next page.
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, url, flashKind, flashMsg string) error {
	if flashMsg != "" {
		setFlash(w, flashKind, flashMsg)
	}
	http.Redirect(w, r, url, http.StatusSeeOther)
	return nil
}

// formError re-renders a form with 422 when err is invalid input, and returns other
// errors for handleError. A conflict keeps the input too, with its message on top.
func (s *Server) formError(w http.ResponseWriter, r *http.Request, f *web.Form, err error, view func() templ.Component) error {
	status, ok := fillForm(f, err)
	if !ok {
		return err
	}
	s.render(w, r, status, view())
	return nil
}

// fillForm puts err's messages on f (per field, and on top when the error is about
// the whole form or is a conflict) and returns the status to answer with: 422 for
// invalid input, 409 for a lost edit race. ok is false for any other error, which
// is not the person's to fix and goes to handleError.
func fillForm(f *web.Form, err error) (status int, ok bool) {
	code := portal.ErrorCode(err)
	if code != portal.EINVALID && code != portal.ECONFLICT {
		return 0, false
	}
	var pe *portal.Error
	if !errors.As(err, &pe) {
		f.Error = "error.invalid_form"
		return http.StatusUnprocessableEntity, true
	}
	f.Errors = pe.Fields
	if len(pe.Fields) == 0 || code == portal.ECONFLICT || pe.Message != "error.invalid_form" {
		f.Error, f.ErrorArgs = pe.Message, pe.Args
	}
	if code == portal.ECONFLICT {
		return http.StatusConflict, true
	}
	return http.StatusUnprocessableEntity, true
}

// formFailure is fillForm on a new form holding the input vals.
func formFailure(vals url.Values, err error) (*web.Form, int, bool) {
	f := web.NewForm(vals)
	status, ok := fillForm(f, err)
	return f, status, ok
}

// templComponent is a templ component; forms re-render through one.
type templComponent = templ.Component
