package portal

import (
	"fmt"
	"sort"
	"time"
)

// Month is a calendar month.
type Month struct {
	Year  int
	Month time.Month
}

// MonthOf returns the calendar month of a day.
func MonthOf(day time.Time) Month {
	y, m, _ := day.Date()
	return Month{y, m}
}

// First returns the month's first day (midnight UTC, like every calendar day here).
func (m Month) First() time.Time { return time.Date(m.Year, m.Month, 1, 0, 0, 0, 0, time.UTC) }

// Last returns the month's last day.
func (m Month) Last() time.Time { return MonthEnd(m.First()) }

// Next returns the following month.
func (m Month) Next() Month { return MonthOf(m.First().AddDate(0, 1, 0)) }

// Days returns how many days the month has.
func (m Month) Days() int { return m.Last().Day() }

// String writes the month as 2024-04.
func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, int(m.Month)) }

// Before reports whether m comes before o.
func (m Month) Before(o Month) bool {
	return m.Year < o.Year || m.Year == o.Year && m.Month < o.Month
}

// MonthsBetween returns the months from the month of a to the month of b, both
// included (none when b is before a).
func MonthsBetween(a, b time.Time) []Month {
	var out []Month
	last := MonthOf(calendarDay(b))
	for m := MonthOf(calendarDay(a)); !last.Before(m); m = m.Next() {
		out = append(out, m)
		if len(out) > 12*MaxCycleMonths {
			break
		}
	}
	return out
}

// ComplianceState is how a project did against its program's cadence in a month.
type ComplianceState string

// The compliance states.
const (
	ComplianceFuture ComplianceState = "future" // the month has not begun
	ComplianceOpen   ComplianceState = "open"   // under way and nothing missed yet
	ComplianceOK     ComplianceState = "ok"     // over, every rule met
	ComplianceMissed ComplianceState = "missed" // a rule was broken
	ComplianceNone   ComplianceState = "none"   // nothing was required this month
)

// MonthCompliance is one project's month judged against the cadence.
type MonthCompliance struct {
	Month     Month
	State     ComplianceState
	Entries   int // entries that count, dated in the month
	Showcases int // of which progress showcases
	// ShowcaseNeed is how many showcases the month requires: the rule's number in
	// proportion to the days of the month the cycle covers, rounded half up (a
	// cycle starting on the 20th owes no showcase for its first month).
	ShowcaseNeed   int
	ShowcaseMissed bool
	// LongestGap is the longest run of days without a ledger update seen in the
	// judged days of the month (a run may start before the month: it counts from
	// the last update, or from the cycle's first day). "Updated at least every N
	// days" allows runs of at most N−1 days: GapMissed when a run reaches N.
	LongestGap int
	GapMissed  bool
}

// EntryDay is the day of a ledger entry that counts for the cadence, and whether it
// is a showcase.
type EntryDay struct {
	Day      time.Time
	Showcase bool
}

// LedgerMonth sums up a project's entries that count for the cadence in one month:
// how many, how many showcases and verified ones, the first and last day with an
// entry, and InnerGap, the longest run of days without an entry between two entry
// days of the month. It is what the store's ledger_months rollup keeps per project
// and month (migrations/00007_project_indexes.sql), so that the cadence is judged
// without reading the ledger.
type LedgerMonth struct {
	Month       Month
	Entries     int
	Showcases   int
	Verified    int
	First, Last time.Time // zero when Entries is 0
	InnerGap    int
}

// LedgerMonths sums entry days up by month, in month order: what the rollup holds
// for the same entries (Verified is left 0: an EntryDay does not say).
func LedgerMonths(entries []EntryDay) []LedgerMonth {
	days := make([]EntryDay, len(entries))
	for i, e := range entries {
		days[i] = EntryDay{Day: calendarDay(e.Day), Showcase: e.Showcase}
	}
	sort.SliceStable(days, func(i, j int) bool { return days[i].Day.Before(days[j].Day) })
	var out []LedgerMonth
	for i, e := range days {
		m := MonthOf(e.Day)
		if len(out) == 0 || out[len(out)-1].Month != m {
			out = append(out, LedgerMonth{Month: m, First: e.Day})
		} else if gap := daysBetween(days[i-1].Day, e.Day) - 1; gap > out[len(out)-1].InnerGap {
			out[len(out)-1].InnerGap = gap
		}
		lm := &out[len(out)-1]
		lm.Entries++
		if e.Showcase {
			lm.Showcases++
		}
		lm.Last = e.Day
	}
	return out
}

// Compliance judges a project of cycle start..end month by month against the rules
// on day today, from the days of its entries that count (LedgerEntry.Counts); it is
// ComplianceFromMonths over LedgerMonths(entries).
func Compliance(r ProjectRules, start, end, today time.Time, entries []EntryDay) []MonthCompliance {
	return ComplianceFromMonths(r, start, end, today, LedgerMonths(entries))
}

// ComplianceFromMonths judges a project of cycle start..end month by month against
// the rules on day today, from its ledger's monthly sums (in any order). Days are
// calendar days: take today as Day(now, zone), so that a month ends at midnight in
// the portal's zone (Asia/Shanghai), not in UTC. The sums must cover entries dated
// within the cycle and not after today, which the ledger form enforces.
//
// A month is judged once it is over (or the cycle has ended in it): ok when the
// showcases reached their need and the ledger was never left longer than the rule
// allows, missed otherwise. The current month is open until a rule is broken (a gap
// already too long is missed at once; showcases are judged at its end). Months
// without any requirement are none.
func ComplianceFromMonths(r ProjectRules, start, end, today time.Time, months []LedgerMonth) []MonthCompliance {
	start, end, today = calendarDay(start), calendarDay(end), calendarDay(today)
	byMonth := make(map[Month]LedgerMonth, len(months))
	for _, lm := range months {
		byMonth[lm.Month] = lm
	}
	// last is the newest entry day before the month being judged, or the day
	// before the cycle began.
	last := start.AddDate(0, 0, -1)
	var out []MonthCompliance
	for _, m := range MonthsBetween(start, end) {
		lm := byMonth[m]
		mc := MonthCompliance{Month: m, Entries: lm.Entries, Showcases: lm.Showcases}
		from, to := m.First(), m.Last()
		if from.Before(start) {
			from = start
		}
		if to.After(end) {
			to = end
		}
		covered := daysBetween(from, to) + 1
		if r.ShowcasePerMonth > 0 {
			// Half up: need = floor(N × covered / days + 1/2).
			mc.ShowcaseNeed = (2*r.ShowcasePerMonth*covered + m.Days()) / (2 * m.Days())
		}
		if from.After(today) {
			mc.State = ComplianceFuture
			out = append(out, mc)
			continue
		}
		judgedTo := to
		if judgedTo.After(today) {
			judgedTo = today
		}
		if r.LedgerEveryDays > 0 {
			// A run of days without an entry is as long as the days from the last
			// entry to its end: the runs end before the month's first entry, between
			// two entries, and at the last day judged.
			if lm.Entries == 0 {
				mc.LongestGap = max(0, daysBetween(last, judgedTo))
			} else {
				if lm.First.After(from) {
					mc.LongestGap = daysBetween(last, lm.First) - 1
				}
				mc.LongestGap = max(mc.LongestGap, lm.InnerGap)
				if judgedTo.After(lm.Last) {
					mc.LongestGap = max(mc.LongestGap, daysBetween(lm.Last, judgedTo))
				}
			}
			mc.GapMissed = mc.LongestGap >= r.LedgerEveryDays
		}
		if lm.Entries > 0 && lm.Last.After(last) {
			last = lm.Last
		}
		over := to.Before(today)
		if over {
			mc.ShowcaseMissed = mc.Showcases < mc.ShowcaseNeed
		}
		switch {
		case mc.GapMissed || mc.ShowcaseMissed:
			mc.State = ComplianceMissed
		case mc.ShowcaseNeed == 0 && r.LedgerEveryDays == 0:
			mc.State = ComplianceNone
		case over:
			mc.State = ComplianceOK
		default:
			mc.State = ComplianceOpen
		}
		out = append(out, mc)
	}
	return out
}

// MissedMonths counts the months judged missed.
func MissedMonths(ms []MonthCompliance) int {
	n := 0
	for _, m := range ms {
		if m.State == ComplianceMissed {
			n++
		}
	}
	return n
}

// DaysSinceEntry returns how many days have passed on today since the newest entry
// day, or since the day before the cycle began when there is none.
func DaysSinceEntry(start, today time.Time, entries []EntryDay) int {
	return DaysSinceEntryMonths(start, today, LedgerMonths(entries))
}

// DaysSinceEntryMonths is DaysSinceEntry from the ledger's monthly sums.
func DaysSinceEntryMonths(start, today time.Time, months []LedgerMonth) int {
	today = calendarDay(today)
	last := calendarDay(start).AddDate(0, 0, -1)
	for _, lm := range months {
		if lm.Entries > 0 && lm.Last.After(last) && !lm.Last.After(today) {
			last = lm.Last
		}
	}
	return daysBetween(last, today)
}

// OverdueItem is a milestone past due, with how long, and whether it has been so
// long that it goes up to the program's manager.
type OverdueItem struct {
	Milestone Milestone
	Days      int
	Escalate  bool
}

// OverdueMilestones returns the open milestones past due on today, longest overdue
// first; those overdue escalateDays or more escalate.
func OverdueMilestones(ms []Milestone, today time.Time, escalateDays int) []OverdueItem {
	var out []OverdueItem
	for _, m := range ms {
		if d := m.DaysOverdue(today); d > 0 {
			out = append(out, OverdueItem{Milestone: m, Days: d, Escalate: escalateDays > 0 && d >= escalateDays})
		}
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Days > out[j-1].Days; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// DueSoon returns the open milestones due from today to within days after it.
func DueSoon(ms []Milestone, today time.Time, within int) []Milestone {
	var out []Milestone
	t := calendarDay(today)
	for _, m := range ms {
		d := calendarDay(m.Due)
		if m.Status != MilestoneDone && !d.Before(t) && daysBetween(t, d) <= within {
			out = append(out, m)
		}
	}
	return out
}

// Missing sums up what a project lacks on a day, for the people responsible.
type Missing struct {
	Overdue        int // milestones past due
	MissedMonths   int // months that broke the cadence
	DaysSinceEntry int
	GapTooLong     bool // the ledger has not been updated for longer than the rule
	Returned       int  // entries returned for correction
	Waiting        int  // entries waiting for verification
	DueSoon        int  // milestones due within the reminder days
	NoEvidence     int  // done milestones that require evidence and have none
	ReportDue      Stage
}

// Any reports whether anything is missing or waiting.
func (m Missing) Any() bool {
	return m.Overdue > 0 || m.MissedMonths > 0 || m.GapTooLong || m.Returned > 0 || m.NoEvidence > 0 || m.ReportDue != ""
}
