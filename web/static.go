// Package web holds the portal's templ components, pages and static assets. Every
// asset is embedded in the binary and served under a content-hashed name, so the
// portal works on a network with no internet and browsers may cache assets forever.
package web

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/campusorg/portal/internal/i18n"
)

//go:embed static
var staticFS embed.FS

// assets maps a logical asset name ("app.css") to its hashed name ("app.1a2b3c4d.css"), and back.
var assets, hashed = func() (map[string]string, map[string]string) {
	fwd, back := map[string]string{}, map[string]string{}
	_ = fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		name := strings.TrimPrefix(p, "static/")
		ext := path.Ext(name)
		h := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:4]) + ext
		fwd[name], back[h] = h, name
		return nil
	})
	return fwd, back
}()

// Asset returns the URL of the embedded asset name, with its content hash in the file name.
// An unknown name returns a URL that answers 404.
func Asset(name string) string {
	if h, ok := assets[name]; ok {
		return "/static/" + h
	}
	return "/static/" + name
}

// StaticHandler serves embedded assets by their hashed names with a year-long,
// immutable cache lifetime. Unhashed names answer 404 so that stale links show.
func StaticHandler() http.Handler {
	sub, _ := fs.Sub(staticFS, "static")
	files := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, ok := hashed[strings.TrimPrefix(r.URL.Path, "/static/")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		r2 := r.Clone(r.Context())
		r2.URL.Path = "/" + name
		files.ServeHTTP(w, r2)
	})
}

// t returns the catalogue message for key in the request's language.
func t(ctx context.Context, key string, args ...any) string {
	return i18n.T(i18n.FromContext(ctx), key, args...)
}

// lang returns the request's language.
func lang(ctx context.Context) i18n.Lang { return i18n.FromContext(ctx) }
