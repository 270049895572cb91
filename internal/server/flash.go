package server

import (
	"context"
	"net/http"
	"strings"

	"github.com/campusorg/portal/internal/i18n"
	"github.com/campusorg/portal/web"
)

// Flash messages travel in a short-lived cookie rather than in the session, so that
// showing one never writes the session store. The cookie holds only a kind and a
// catalogue key; anything else is ignored.
const flashCookie = "portal_flash"

func setFlash(w http.ResponseWriter, kind, msg string) {
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: kind + ":" + msg, Path: "/", MaxAge: 60,
		HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

type flashKey struct{}

// takeFlash moves a flash from its cookie into the request context and clears the
// cookie, on GET requests only.
func takeFlash(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			if c, err := r.Cookie(flashCookie); err == nil {
				kind, msg, _ := strings.Cut(c.Value, ":")
				if (kind == "success" || kind == "error" || kind == "info") && i18n.Has(msg) {
					r = r.WithContext(context.WithValue(r.Context(), flashKey{}, web.Flash{Kind: kind, Message: msg}))
				}
				http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1})
			}
		}
		next.ServeHTTP(w, r)
	})
}

func flashFrom(ctx context.Context) web.Flash {
	f, _ := ctx.Value(flashKey{}).(web.Flash)
	return f
}
