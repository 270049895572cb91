package portal

import (
	"testing"
	"time"
	_ "time/tzdata"
)

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func entryDays(showcase bool, days ...string) []EntryDay {
	var out []EntryDay
	for _, d := range days {
		out = append(out, EntryDay{Day: day(d), Showcase: showcase})
	}
	return out
}

// states returns the months' states as "2024-04:ok" strings.
func states(ms []MonthCompliance) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Month.String()+":"+string(m.State))
	}
	return out
}

func TestComplianceShowcasesPerMonth(t *testing.T) {
	oneAMonth := ProjectRules{ShowcasePerMonth: 1}
	tests := []struct {
		name       string
		rules      ProjectRules
		start, end string
		today      string
		entries    []EntryDay
		want       []string
	}{
		{
			name: "a showcase every month", rules: oneAMonth, start: "2024-04-01", end: "2024-06-30", today: "2024-07-05",
			entries: entryDays(true, "2024-04-12", "2024-05-03", "2024-06-30"),
			want:    []string{"2024-04:ok", "2024-05:ok", "2024-06:ok"},
		},
		{
			name: "a month without one is missed", rules: oneAMonth, start: "2024-04-01", end: "2024-06-30", today: "2024-07-05",
			entries: entryDays(true, "2024-04-12", "2024-06-01"),
			want:    []string{"2024-04:ok", "2024-05:missed", "2024-06:ok"},
		},
		{
			name: "entries that are not showcases do not count", rules: oneAMonth, start: "2024-04-01", end: "2024-04-30", today: "2024-05-01",
			entries: entryDays(false, "2024-04-02", "2024-04-20"),
			want:    []string{"2024-04:missed"},
		},
		{
			name: "the current month is open, later ones future", rules: oneAMonth, start: "2024-04-01", end: "2024-06-30", today: "2024-05-20",
			entries: entryDays(true, "2024-04-12"),
			want:    []string{"2024-04:ok", "2024-05:open", "2024-06:future"},
		},
		{
			// Starting on the 20th covers 11 of 30 days: round(11/30) = 0 showcases owed.
			name: "a short first month owes nothing", rules: oneAMonth, start: "2024-04-20", end: "2024-05-31", today: "2024-06-02",
			entries: entryDays(true, "2024-05-10"),
			want:    []string{"2024-04:none", "2024-05:ok"},
		},
		{
			// Starting on the 10th covers 21 of 30 days: round(0.7) = 1 showcase owed.
			name: "a long partial first month owes one", rules: oneAMonth, start: "2024-04-10", end: "2024-05-31", today: "2024-06-02",
			entries: entryDays(true, "2024-05-10"),
			want:    []string{"2024-04:missed", "2024-05:ok"},
		},
		{
			// Ending on 2024-03-15 covers 15 of 31 days: round(0.48) = 0.
			name: "a short last month owes nothing", rules: oneAMonth, start: "2024-02-01", end: "2024-03-15", today: "2024-04-01",
			entries: entryDays(true, "2024-02-10"),
			want:    []string{"2024-02:ok", "2024-03:none"},
		},
		{
			// The cycle ended on the 20th: the month is judged although the calendar
			// month still runs.
			name: "the last month is judged when the cycle ends", rules: oneAMonth, start: "2024-05-01", end: "2024-06-20", today: "2024-06-25",
			entries: entryDays(true, "2024-05-10"),
			want:    []string{"2024-05:ok", "2024-06:missed"},
		},
		{
			name: "two a month", rules: ProjectRules{ShowcasePerMonth: 2}, start: "2024-04-01", end: "2024-05-31", today: "2024-06-01",
			entries: entryDays(true, "2024-04-02", "2024-04-28", "2024-05-05"),
			want:    []string{"2024-04:ok", "2024-05:missed"},
		},
		{
			name: "no rule", rules: ProjectRules{}, start: "2024-04-01", end: "2024-05-31", today: "2024-06-01",
			want: []string{"2024-04:none", "2024-05:none"},
		},
	}
	for _, tt := range tests {
		got := states(Compliance(tt.rules, day(tt.start), day(tt.end), day(tt.today), tt.entries))
		if len(got) != len(tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
				break
			}
		}
	}
}

func TestComplianceLedgerEveryNDays(t *testing.T) {
	every10 := ProjectRules{LedgerEveryDays: 10}
	tests := []struct {
		name        string
		start, end  string
		today       string
		entries     []EntryDay
		want        []string
		longestGaps []int
	}{
		{
			name: "updated often enough", start: "2024-04-01", end: "2024-04-30", today: "2024-05-02",
			entries: entryDays(false, "2024-04-10", "2024-04-20", "2024-04-30"),
			want:    []string{"2024-04:ok"}, longestGaps: []int{9},
		},
		{
			// Nothing from 04-01 to 04-11: a run of 11 days.
			name: "the first entry came too late", start: "2024-04-01", end: "2024-04-30", today: "2024-05-02",
			entries: entryDays(false, "2024-04-12", "2024-04-20", "2024-04-30"),
			want:    []string{"2024-04:missed"}, longestGaps: []int{11},
		},
		{
			// The run after 04-25 goes on into May (04-26..05-06, 11 days): May broke the rule.
			name: "a gap across the month boundary counts in the later month", start: "2024-04-01", end: "2024-05-31", today: "2024-06-01",
			entries: entryDays(false, "2024-04-08", "2024-04-15", "2024-04-25", "2024-05-07", "2024-05-15", "2024-05-25"),
			want:    []string{"2024-04:ok", "2024-05:missed"}, longestGaps: []int{9, 11},
		},
		{
			name: "a gap too long makes the current month missed at once", start: "2024-04-01", end: "2024-06-30", today: "2024-05-20",
			entries: entryDays(false, "2024-04-05", "2024-04-15", "2024-04-25", "2024-05-05"),
			want:    []string{"2024-04:ok", "2024-05:missed", "2024-06:future"}, longestGaps: []int{9, 15, 0},
		},
		{
			// Ten days apart keep the rule (above); eleven apart break it.
			name: "eleven days apart", start: "2024-04-01", end: "2024-04-30", today: "2024-05-01",
			entries: entryDays(false, "2024-04-10", "2024-04-21", "2024-04-30"),
			want:    []string{"2024-04:missed"}, longestGaps: []int{10},
		},
		{
			name: "the current month is open while the gap is short", start: "2024-04-01", end: "2024-06-30", today: "2024-05-12",
			entries: entryDays(false, "2024-04-05", "2024-04-15", "2024-04-25", "2024-05-05"),
			want:    []string{"2024-04:ok", "2024-05:open", "2024-06:future"}, longestGaps: []int{9, 9, 0},
		},
	}
	for _, tt := range tests {
		ms := Compliance(every10, day(tt.start), day(tt.end), day(tt.today), tt.entries)
		got := states(ms)
		if len(got) != len(tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] || ms[i].LongestGap != tt.longestGaps[i] {
				t.Errorf("%s: %v gaps %v, want %v gaps %v", tt.name, got, gaps(ms), tt.want, tt.longestGaps)
				break
			}
		}
	}
}

func gaps(ms []MonthCompliance) []int {
	var out []int
	for _, m := range ms {
		out = append(out, m.LongestGap)
	}
	return out
}

// TestComplianceShanghaiMonthBoundary: 2024-04-30 17:00 UTC is already 1 May in
// Shanghai, so April is over and judged; at 15:00 UTC it is still April there.
func TestComplianceShanghaiMonthBoundary(t *testing.T) {
	sh, err := time.LoadLocation("Asia/Shanghai") // time/tzdata is linked in: never missing
	if err != nil {
		t.Fatal(err)
	}
	r := ProjectRules{ShowcasePerMonth: 1}
	start, end := day("2024-04-01"), day("2024-05-31")
	for _, tt := range []struct {
		now  time.Time
		want string
	}{
		{time.Date(2024, 4, 30, 15, 0, 0, 0, time.UTC), "2024-04:open"},
		{time.Date(2024, 4, 30, 17, 0, 0, 0, time.UTC), "2024-04:missed"},
	} {
		ms := Compliance(r, start, end, Day(tt.now, sh), nil)
		if got := states(ms)[0]; got != tt.want {
			t.Errorf("at %v: %s, want %s", tt.now, got, tt.want)
		}
	}
	// An entry typed at 23:30 on 30 April in Shanghai is dated 30 April there,
	// although it is still the 30th in UTC only until 16:00.
	typed := time.Date(2024, 4, 30, 15, 30, 0, 0, time.UTC) // 23:30 in Shanghai
	ms := Compliance(r, start, end, day("2024-05-02"), []EntryDay{{Day: Day(typed, sh), Showcase: true}})
	if got := states(ms)[0]; got != "2024-04:ok" {
		t.Errorf("an entry late on the last evening: %s", got)
	}
	typed = time.Date(2024, 4, 30, 16, 30, 0, 0, time.UTC) // 00:30 on 1 May in Shanghai
	ms = Compliance(r, start, end, day("2024-05-02"), []EntryDay{{Day: Day(typed, sh), Showcase: true}})
	if got := states(ms)[0]; got != "2024-04:missed" {
		t.Errorf("an entry just after midnight counts for May: %s", got)
	}
}

func TestOverdueDetection(t *testing.T) {
	ms := []Milestone{
		{ID: 1, Title: "创建说明班会", Due: day("2024-04-30"), Status: MilestoneDone, CompletedOn: day("2024-04-28")},
		{ID: 2, Title: "主题团日", Due: day("2024-05-31"), Status: MilestoneInProgress},
		{ID: 3, Title: "观影", Due: day("2024-06-10"), Status: MilestoneNotStarted},
		{ID: 4, Title: "志愿服务", Due: day("2024-06-14"), Status: MilestoneNotStarted},
		{ID: 5, Title: "征文", Due: day("2024-06-20"), Status: MilestoneNotStarted},
	}
	today := day("2024-06-14")
	got := OverdueMilestones(ms, today, 7)
	if len(got) != 2 || got[0].Milestone.ID != 2 || got[0].Days != 14 || !got[0].Escalate ||
		got[1].Milestone.ID != 3 || got[1].Days != 4 || got[1].Escalate {
		t.Fatalf("overdue: %+v", got)
	}
	if ms[3].Overdue(today) || ms[3].State(today) != MilestoneNotStarted {
		t.Error("a milestone due today is not overdue yet")
	}
	if !ms[3].Overdue(day("2024-06-15")) || ms[3].State(day("2024-06-15")) != MilestoneOverdue {
		t.Error("a milestone is overdue the day after it was due")
	}
	if ms[0].Overdue(day("2025-01-01")) {
		t.Error("a done milestone is never overdue")
	}
	soon := DueSoon(ms, today, 7)
	if len(soon) != 2 || soon[0].ID != 4 || soon[1].ID != 5 {
		t.Errorf("due soon: %+v", soon)
	}
	if n := DaysSinceEntry(day("2024-04-01"), today, entryDays(false, "2024-06-01", "2024-05-01")); n != 13 {
		t.Errorf("days since entry %d", n)
	}
	if n := DaysSinceEntry(day("2024-06-10"), today, nil); n != 5 {
		t.Errorf("days since start %d", n)
	}
}
