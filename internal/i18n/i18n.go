// Package i18n holds every user-facing string of the portal in one catalogue, in
// Simplified Chinese (the default) and English, and formats dates and numbers the
// way each language expects.
package i18n

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Lang is an interface language.
type Lang string

// The supported languages. ZH is the default.
const (
	ZH Lang = "zh"
	EN Lang = "en"
)

// Parse returns the language named by s, or ZH for anything unknown.
func Parse(s string) Lang {
	if Lang(s) == EN {
		return EN
	}
	return ZH
}

// Other returns the language the switch offers from l.
func (l Lang) Other() Lang {
	if l == EN {
		return ZH
	}
	return EN
}

type ctxKey struct{}

// WithLang returns ctx carrying lang for templates and handlers.
func WithLang(ctx context.Context, lang Lang) context.Context {
	return context.WithValue(ctx, ctxKey{}, lang)
}

// FromContext returns the language in ctx, ZH when none was set.
func FromContext(ctx context.Context) Lang {
	if l, ok := ctx.Value(ctxKey{}).(Lang); ok {
		return l
	}
	return ZH
}

// T returns the message for key in lang, formatted with args (fmt verbs) when given.
// An unknown key returns the key itself, so that a missing entry shows on the page
// and the catalogue test catches it.
func T(lang Lang, key string, args ...any) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	s := m.zh
	if lang == EN {
		s = m.en
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Has reports whether key is in the catalogue.
func Has(key string) bool {
	_, ok := messages[key]
	return ok
}

// Keys returns every catalogue key (for tests).
func Keys() []string {
	keys := make([]string, 0, len(messages))
	for k := range messages {
		keys = append(keys, k)
	}
	return keys
}

// Zone is the time zone dates are shown and deadlines judged in. The server sets it
// from configuration at start; it defaults to Asia/Shanghai.
var Zone = mustZone("Asia/Shanghai")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}

// Date formats t as a date: 2026年11月22日 in Chinese, 2026-11-22 in English. A zero time is "".
func Date(lang Lang, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(Zone)
	if lang == EN {
		return t.Format("2006-01-02")
	}
	return fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day())
}

// DateTime formats t with minutes, in Zone.
func DateTime(lang Lang, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return Date(lang, t) + " " + t.In(Zone).Format("15:04")
}

// Int formats n with thousands separators (both languages use commas).
func Int(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
