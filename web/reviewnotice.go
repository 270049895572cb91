package web

import (
	"context"
	"time"

	"github.com/campusorg/portal/internal/i18n"
	"github.com/campusorg/portal/internal/portal"
)

// NoticeView is a review round's results notice (立项通知 at an approval round) laid
// out as an official notice on an A4 sheet: heading, addressees, a paragraph with
// the count, one table per track, and the issuing organization with the date.
type NoticeView struct {
	RoundID      int64
	ProgramTitle string
	Stage        portal.Stage
	Issuer       string    // the program owner's name, which issues the notice
	On           time.Time // the notice's date: the day it is shown
	// Decided is true once some item of the round has a decision; before that the
	// page says the results are not decided yet instead of a notice.
	Decided   bool
	Undecided int // items still without a decision
	Count     int // units listed, the directly recognised included
	Auto      int // of which recognised directly
	// Tracks are the tracks with something to announce, in the program's order.
	Tracks []NoticeTrack
}

// NoticeTrack is one track's table in a notice.
type NoticeTrack struct {
	Name        string
	GrantYuan   int64 // each approved project's grant; 0 when the track grants nothing
	CycleMonths int   // the projects' cycle; 0 when the track sets none
	// Rows are the announced items in rank order, then the units recognised directly.
	Rows []NoticeRow
}

// NoticeRow is one unit listed in a notice.
type NoticeRow struct {
	OrgName string
	Title   string // the project, or the reason of a direct recognition
	Outcome string // the decision (shown at midterm and final rounds)
	Auto    bool   // recognised directly, outside the quota
}

// OutcomeKey returns the catalogue key of a committee decision's label
// ("review.outcome.approved").
func OutcomeKey(outcome string) string { return "review.outcome." + outcome }

// Approval reports whether the notice announces approved projects, with their grant
// and cycle, rather than results with a result column.
func (v NoticeView) Approval() bool { return v.Stage == portal.StageApproval }

// noticeHeading is the notice's title: 关于公布…立项结果的通知.
func noticeHeading(ctx context.Context, v NoticeView) string {
	return t(ctx, "reviewexport.notice.heading."+string(v.Stage), v.ProgramTitle)
}

// noticeBody is the notice's paragraph: what was decided and how many are listed,
// with the directly recognised counted apart when there are any.
func noticeBody(ctx context.Context, v NoticeView) string {
	s := t(ctx, "reviewexport.notice.body."+string(v.Stage), v.ProgramTitle, v.Count)
	if v.Auto > 0 {
		s += t(ctx, "reviewexport.notice.body_auto", v.Auto)
	}
	return s
}

// noticeResult is a row's result at a midterm or final round.
func noticeResult(ctx context.Context, r NoticeRow) string {
	if r.Auto {
		return t(ctx, "review.auto")
	}
	return t(ctx, OutcomeKey(r.Outcome))
}

// positiveInt shows n with thousands separators, or nothing when it is 0 (not set).
func positiveInt(n int64) string {
	if n <= 0 {
		return ""
	}
	return i18n.Int(n)
}
