package server

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/campusorg/portal/internal/i18n"
	"github.com/campusorg/portal/internal/portal"
)

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests logs every request at Info with its status and duration; server
// errors are logged at Error by handleError with their cause.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		level := slog.LevelInfo
		if sw.status >= 500 {
			level = slog.LevelError
		}
		attrs := []any{"method", r.Method, "path", r.URL.Path, "status", sw.status, "dur_ms", time.Since(start).Milliseconds()}
		if a := actorFrom(r.Context()); a.SignedIn() {
			attrs = append(attrs, "user", a.UserID)
		}
		s.log.Log(r.Context(), level, "request", attrs...)
	})
}

// recoverPanics turns a panic in a handler into a 500 page and a logged stack.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.handleError(w, r, fmt.Errorf("panic: %v\n%s", v, debug.Stack()))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// securityHeaders sets a strict Content-Security-Policy (no inline script or style,
// no framing) and the other headers every page carries.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

// crossOrigin refuses cross-site state-changing requests. Go's CrossOriginProtection
// checks Sec-Fetch-Site and Origin; it lets through requests carrying neither (old
// browsers, scripts), so those are refused too when they carry a session cookie.
func (s *Server) crossOrigin(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "cross-origin request refused", http.StatusForbidden)
	}))
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
		default:
			if r.Header.Get("Sec-Fetch-Site") == "" && r.Header.Get("Origin") == "" {
				if _, err := r.Cookie(s.sessions.Cookie.Name); err == nil {
					http.Error(w, "request without origin refused", http.StatusForbidden)
					return
				}
			}
		}
		next.ServeHTTP(w, r)
	})
	return cop.Handler(inner)
}

type actorKey struct{}

func actorFrom(ctx context.Context) *portal.Actor {
	a, _ := ctx.Value(actorKey{}).(*portal.Actor)
	if a == nil {
		return &portal.Actor{}
	}
	return a
}

// Session keys.
const (
	sessUser  = "uid"
	sessEpoch = "epoch"
	sessSeen  = "seen"
)

// loadActor puts the signed-in person (or an anonymous actor) and the language into
// the request context. It writes the session only when something changed: the idle
// stamp is refreshed at most every touchInterval, and a session whose account epoch
// moved (roles, password, status) is renewed or ended.
func (s *Server) loadActor(next http.Handler) http.Handler {
	touch := s.opt.IdleTimeout / 10
	if touch > 5*time.Minute {
		touch = 5 * time.Minute
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		actor := &portal.Actor{Remote: clientIP(r)}
		if uid := s.sessions.GetInt64(ctx, sessUser); uid != 0 {
			now := s.now().Unix()
			seen := s.sessions.GetInt64(ctx, sessSeen)
			a, epoch, err := s.store.LoadActor(ctx, uid)
			switch {
			case err != nil && portal.ErrorCode(err) != portal.ENOTFOUND:
				s.handleError(w, r, err)
				return
			case err != nil, now-seen > int64(s.opt.IdleTimeout/time.Second):
				// The account is gone or disabled, or the session sat idle too long.
				_ = s.sessions.Destroy(ctx)
			default:
				a.Remote = actor.Remote
				actor = a
				if s.sessions.GetInt(ctx, sessEpoch) != epoch {
					if err := s.sessions.RenewToken(ctx); err != nil {
						s.handleError(w, r, err)
						return
					}
					s.sessions.Put(ctx, sessEpoch, epoch)
				}
				if now-seen > int64(touch/time.Second) {
					s.sessions.Put(ctx, sessSeen, now)
				}
			}
		}
		lang := i18n.Parse(actor.Lang)
		if !actor.SignedIn() {
			if c, err := r.Cookie("lang"); err == nil {
				lang = i18n.Parse(c.Value)
			}
		}
		ctx = context.WithValue(ctx, actorKey{}, actor)
		ctx = i18n.WithLang(ctx, lang)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// requireSignIn sends anonymous visitors to the sign-in page, remembering where they
// were going, and people who must change their password to that form.
func (s *Server) requireSignIn(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := actorFrom(r.Context())
		if !a.SignedIn() {
			target := "/login"
			if r.Method == http.MethodGet && r.URL.Path != "/" {
				target += "?next=" + url.QueryEscape(r.URL.RequestURI())
			}
			http.Redirect(w, r, target, http.StatusSeeOther)
			return
		}
		if r.URL.Path != "/account/password" && a.MustChangePassword {
			http.Redirect(w, r, "/account/password", http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// clientIP returns the client's address without port. The portal trusts no
// forwarding header unless configured behind a proxy (see docs/operations.md).
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// safeNext returns next when it is a local path, else "/".
func safeNext(next string) string {
	if strings.HasPrefix(next, "/") && !strings.HasPrefix(next, "//") && !strings.HasPrefix(next, "/\\") {
		return next
	}
	return "/"
}
