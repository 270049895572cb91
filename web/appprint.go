package web

import (
	"context"
	"strings"
	"time"

	"github.com/campusorg/portal/internal/i18n"
	"github.com/campusorg/portal/internal/portal"
)

// AppPrintView is one application laid out as the paper application form (申报表,
// 一团一品's 附件1): what was sent last, or the draft when nothing was sent yet.
type AppPrintView struct {
	AppID        int64
	ProgramTitle string
	OrgName      string
	TrackName    string
	ThemeName    string
	// Content is the newest sent version's content, or the draft's when Draft.
	Content portal.AppContent
	// Figures are the League figures frozen with the version, or the organization's
	// current ones for a draft.
	Figures portal.Figures
	// Draft is true when no version was sent yet; Version, SentAt and SentBy describe
	// the newest version otherwise.
	Draft   bool
	Version int
	SentAt  time.Time
	SentBy  string
	// Custom are the track's own fields with their values, in the track's order.
	Custom []PrintField
	// Files are the names of the attached files not tied to a custom field.
	Files []string
	// Opinions are the endorsement boxes, one per body of the program's chain, in order.
	Opinions []OpinionBox
}

// PrintField is a custom field of the track with what was filled in.
type PrintField struct {
	Label  string
	Values []string
	Date   bool // the values are YYYY-MM-DD dates
}

// OpinionBox is one endorsing body's box (单位团组织意见（签章）): the kind of body, and
// its opinion when it gave one on the printed version.
type OpinionBox struct {
	Kind    portal.OrgKind
	Signed  bool
	Body    string // the endorsing organization's name
	Opinion string
	Signer  string
	On      time.Time
}

// opinionLabel returns the heading of an opinion box for a body of kind k: the
// paper form's own wording for the League and Party bodies, else one built from
// the kind's name.
func opinionLabel(ctx context.Context, k portal.OrgKind) string {
	if key := "print.opinion." + string(k); i18n.Has(key) {
		return t(ctx, key)
	}
	return t(ctx, "print.opinion.other", t(ctx, "kind."+string(k)))
}

// paragraphs splits a long text into its non-empty lines, each shown as a paragraph.
func paragraphs(s string) []string {
	var out []string
	for _, line := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// dayStr formats a YYYY-MM-DD day in the request's language, or returns it as it is
// when it is not such a day.
func dayStr(ctx context.Context, day string) string {
	d, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(day), i18n.Zone)
	if err != nil {
		return day
	}
	return dateStr(ctx, d)
}

// fieldValue renders a custom field's values, dates in the request's language.
func fieldValue(ctx context.Context, f PrintField) string {
	vals := f.Values
	if f.Date {
		vals = make([]string, len(f.Values))
		for i, v := range f.Values {
			vals[i] = dayStr(ctx, v)
		}
	}
	return strings.Join(vals, t(ctx, "print.list_sep"))
}

// ratioStr shows 团青比例, or nothing when no youths are recorded.
func ratioStr(f portal.Figures) string {
	if f.YouthUnder28 == 0 {
		return ""
	}
	return percent(f.Ratio())
}
