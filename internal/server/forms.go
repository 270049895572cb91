package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/campusorg/portal/internal/i18n"
	"github.com/campusorg/portal/internal/portal"
)

// maxFormBytes bounds an ordinary (non-upload) form body.
const maxFormBytes = 1 << 20

// parseForm reads a POST form of at most maxFormBytes and refuses fields outside
// allowed, so that a misspelt or forged field is a clear error rather than ignored.
func parseForm(w http.ResponseWriter, r *http.Request, allowed ...string) (url.Values, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		return nil, portal.Errorf(portal.EINVALID, "error.bad_request")
	}
	for k := range r.PostForm {
		ok := false
		for _, a := range allowed {
			if k == a || strings.HasSuffix(a, "*") && strings.HasPrefix(k, a[:len(a)-1]) {
				ok = true
				break
			}
		}
		if !ok {
			return nil, portal.Errorf(portal.EINVALID, "error.unknown_field")
		}
	}
	return r.PostForm, nil
}

// idParam returns the URL parameter name as an id; anything else is not found.
func idParam(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, name), 10, 64)
	if err != nil || id <= 0 {
		return 0, portal.NotFound()
	}
	return id, nil
}

// decoder reads typed values from a form, collecting a field error for each bad one.
type decoder struct {
	values url.Values
	v      portal.Invalid
}

// int reads a whole number; empty is 0.
func (d *decoder) int(name string) int {
	s := strings.TrimSpace(d.values.Get(name))
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		d.v.Add(name, "form.not_number")
		return 0
	}
	return n
}

// id reads a positive id; empty is 0.
func (d *decoder) id(name string) int64 {
	s := strings.TrimSpace(d.values.Get(name))
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		d.v.Add(name, "form.choose")
		return 0
	}
	return n
}

// date reads a YYYY-MM-DD date in the portal's zone; empty is the zero time.
func (d *decoder) date(name string) time.Time {
	s := strings.TrimSpace(d.values.Get(name))
	if s == "" {
		return time.Time{}
	}
	t, err := time.ParseInLocation("2006-01-02", s, i18n.Zone)
	if err != nil {
		d.v.Add(name, "form.bad_date")
		return time.Time{}
	}
	return t
}

// merge adds the decoder's field errors to err's (an input's own validation), or
// returns the decoder's alone.
func (d *decoder) merge(err error) error {
	if len(d.v.Fields) == 0 {
		return err
	}
	for k, m := range portal.FieldErrors(err) {
		d.v.Add(k, m)
	}
	return d.v.Err()
}
