package web

import (
	"context"
	"net/url"
	"strconv"
	"time"

	"github.com/campusorg/portal/internal/i18n"
	"github.com/campusorg/portal/internal/portal"
)

// Chrome is what the layout needs on every page: who is signed in, which navigation
// item is current, the flash message and the page title.
type Chrome struct {
	Actor *portal.Actor
	Nav   string // key of the current navigation item
	Title string // translated page title
	Flash Flash
	Path  string // the request path, for the language switch to come back to
}

// Flash is a one-time message shown at the top of a page. Message is a catalogue key.
type Flash struct {
	Kind    string // success, error, info
	Message string
}

// navItem is one entry of the main navigation.
type navItem struct {
	Key, Href string
}

// navItems returns the navigation the actor's roles open.
func navItems(a *portal.Actor) []navItem {
	items := []navItem{{"nav.home", "/"}, {"nav.orgs", "/orgs"}}
	if portal.CanAny(a, portal.ActViewProgram) || a.Has(portal.RoleSecretary) {
		items = append(items, navItem{"nav.programs", "/programs"})
	}
	if a.Has(portal.RoleSecretary) || a.Has(portal.RoleEndorser) {
		items = append(items, navItem{"nav.applications", "/applications"})
	}
	if a.Has(portal.RoleReviewer) {
		items = append(items, navItem{"nav.reviews", "/reviews"})
	}
	if portal.CanAny(a, portal.ActKeepLedger) || portal.CanAny(a, portal.ActSupervise) {
		items = append(items, navItem{"nav.workbench", "/workbench"}) // projects.go
	}
	if portal.CanAny(a, portal.ActViewProgram) || portal.CanAny(a, portal.ActSupervise) {
		items = append(items, navItem{"nav.dashboard", "/dashboard"})
	}
	if a.SignedIn() {
		items = append(items, navItem{"nav.publications", "/publications"})
		items = append(items, navItem{"nav.notifications", "/notifications"})
	}
	items = append(items, navItem{"nav.plans", "/plans"}, navItem{"nav.assessments", "/assessments"})
	if portal.CanAny(a, portal.ActManageUsers) {
		items = append(items, navItem{"nav.users", "/users"})
	}
	if portal.CanAny(a, portal.ActImport) {
		items = append(items, navItem{"nav.import", "/import"})
	}
	if portal.CanAny(a, portal.ActViewAudit) {
		items = append(items, navItem{"nav.audit", "/audit"})
	}
	return items
}

// Form holds what a person typed into a form and what was wrong with it, so that a
// form re-renders with the input kept and every message beside its field.
type Form struct {
	Values url.Values
	Errors map[string]string // field → catalogue key
	Error  string            // catalogue key of a message for the whole form
	// ErrorArgs fill Error's message (a date, a limit).
	ErrorArgs []any
}

// NewForm returns a form over values (nil for an empty form).
func NewForm(values url.Values) *Form {
	if values == nil {
		values = url.Values{}
	}
	return &Form{Values: values}
}

// Get returns the first value of a field.
func (f *Form) Get(name string) string {
	if f == nil {
		return ""
	}
	return f.Values.Get(name)
}

// Err returns the catalogue key of a field's error, or "".
func (f *Form) Err(name string) string {
	if f == nil {
		return ""
	}
	return f.Errors[name]
}

// Set sets a field's value.
func (f *Form) Set(name, value string) { f.Values.Set(name, value) }

// Option is one choice of a select.
type Option struct {
	Value, Label string
}

// KindOptions returns the org kinds as options, labelled in the request's language.
func KindOptions(ctx context.Context, kinds []portal.OrgKind) []Option {
	out := make([]Option, len(kinds))
	for i, k := range kinds {
		out[i] = Option{string(k), t(ctx, "kind."+string(k))}
	}
	return out
}

// RoleOptions returns every role as an option.
func RoleOptions(ctx context.Context) []Option {
	out := make([]Option, len(portal.Roles))
	for i, r := range portal.Roles {
		out[i] = Option{string(r), t(ctx, "role."+string(r))}
	}
	return out
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func num(n int) string { return i18n.Int(int64(n)) }

func htmlLang(ctx context.Context) string {
	if lang(ctx) == i18n.EN {
		return "en"
	}
	return "zh-CN"
}

// pageURL returns base with the query values q plus the key/value pairs kv.
func pageURL(base string, q url.Values, kv ...string) string {
	v := url.Values{}
	for k, vs := range q {
		v[k] = vs
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			v.Del(kv[i])
		} else {
			v.Set(kv[i], kv[i+1])
		}
	}
	if len(v) == 0 {
		return base
	}
	return base + "?" + v.Encode()
}

// queryLink returns a maker of links to base with the query q and the parameter
// name set to the value given: q is encoded once, for a list of links that differ
// in that parameter alone.
func queryLink(base string, q url.Values, name string) func(value string) string {
	rest := pageURL(base, q, name, "")
	sep := "?"
	if len(rest) > len(base) {
		sep = "&"
	}
	return func(value string) string { return rest + sep + url.QueryEscape(name) + "=" + url.QueryEscape(value) }
}

// withCursor returns q with the cursor name set to at, or q itself when at is 0.
func withCursor(q url.Values, name string, at int64) url.Values {
	if at == 0 {
		return q
	}
	v := url.Values{name: {strconv.FormatInt(at, 10)}}
	for k, vs := range q {
		if k != name {
			v[k] = vs
		}
	}
	return v
}

func dateStr(ctx context.Context, t time.Time) string { return i18n.Date(lang(ctx), t) }

func dateTimeStr(ctx context.Context, t time.Time) string { return i18n.DateTime(lang(ctx), t) }

func percent(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) + "%" }
