package portal

import (
	"reflect"
	"testing"
)

// TestLedgerSourceOf: a metric key names a ledger source only as "ledger_<kind>"
// (entries) or "ledger_<kind>_people" (participants), for a known kind.
func TestLedgerSourceOf(t *testing.T) {
	tests := []struct {
		metric string
		want   LedgerSource
		ok     bool
	}{
		{"ledger_theme_meeting", LedgerSource{Kind: EntryThemeMeeting}, true},
		{"ledger_volunteer_people", LedgerSource{Kind: EntryVolunteer, People: true}, true},
		{"ledger_study_visit", LedgerSource{Kind: EntryStudyVisit}, true},
		{"ledger_study_visit_people", LedgerSource{Kind: EntryStudyVisit, People: true}, true},
		{"ledger_other", LedgerSource{Kind: EntryOther}, true},
		{"posts", LedgerSource{}, false},                  // reported by hand
		{"volunteers", LedgerSource{}, false},             // a kind's name without the prefix
		{"theme_meeting", LedgerSource{}, false},          // the same
		{"ledger_", LedgerSource{}, false},                // no kind
		{"ledger_meeting", LedgerSource{}, false},         // no such kind
		{"ledger_people", LedgerSource{}, false},          // the suffix alone
		{"ledger_volunteer_count", LedgerSource{}, false}, // an unknown measure
		{"my_ledger_volunteer", LedgerSource{}, false},
	}
	for _, tt := range tests {
		got, ok := LedgerSourceOf(tt.metric)
		if got != tt.want || ok != tt.ok {
			t.Errorf("LedgerSourceOf(%q) = %+v, %v; want %+v, %v", tt.metric, got, ok, tt.want, tt.ok)
		}
	}
	// Every source's key names it back, and every key is a valid metric key.
	for _, s := range LedgerSources() {
		if got, ok := LedgerSourceOf(s.Metric()); !ok || got != s {
			t.Errorf("%+v: its key %q names %+v", s, s.Metric(), got)
		}
		if !metricRE.MatchString(s.Metric()) {
			t.Errorf("%q is not a valid metric key", s.Metric())
		}
	}
	if len(LedgerSources()) != 2*len(EntryKinds) {
		t.Errorf("%d sources for %d kinds", len(LedgerSources()), len(EntryKinds))
	}
}

// TestLedgerTargetValidate: a "ledger_" metric must name a source, and cannot be a
// percentage.
func TestLedgerTargetValidate(t *testing.T) {
	tests := []struct {
		name   string
		target TargetInput
		want   []string
	}{
		{"theme League days", TargetInput{Metric: "ledger_theme_meeting", Label: "开展主题团日活动", Comparator: AtLeast, Value: 40, Unit: "次"}, nil},
		{"volunteer attendance", TargetInput{Metric: "ledger_volunteer_people", Label: "志愿服务", Comparator: AtLeast, Value: 600, Unit: "人次"}, nil},
		{"a limit from the ledger", TargetInput{Metric: "ledger_other", Label: "其他活动", Comparator: AtMost, Value: 10, Unit: "次"}, nil},
		{"an unknown kind", TargetInput{Metric: "ledger_meeting", Label: "会议", Comparator: AtLeast, Value: 4, Unit: "次"}, []string{"t0_metric"}},
		{"a rate from the ledger", TargetInput{Metric: "ledger_volunteer_people", Label: "参与率", Comparator: AtLeast, Value: 50, Unit: "%"}, []string{"t0_unit"}},
		{"a reported rate", TargetInput{Metric: "practice_rate", Label: "参与率", Comparator: AtLeast, Value: 50, Unit: "%"}, nil},
	}
	for _, tt := range tests {
		in := seedTask()
		in.Targets = []TargetInput{tt.target}
		err := in.Validate()
		if got := fieldKeys(err); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: bad fields %v, want %v (%v)", tt.name, got, tt.want, FieldErrors(err))
		}
	}
}

// TestLedgerFacts: verified entries of the matching kind become increments (one
// per entry, or their participants); waiting ones are tallied apart; returned
// ones, other kinds, rate targets and reported metrics take nothing.
func TestLedgerFacts(t *testing.T) {
	targets := []Target{
		{Metric: "ledger_theme_meeting", Unit: "次"},
		{Metric: "ledger_volunteer_people", Unit: "人次"},
		{Metric: "posts", Unit: "个"},
		{Metric: "ledger_publicity", Unit: "%"},
	}
	days := []LedgerDay{
		{On: date("2026-05-04"), Kind: EntryThemeMeeting, Status: EntryVerified, Entries: 3, Participants: 120},
		{On: date("2026-04-10"), Kind: EntryThemeMeeting, Status: EntryVerified, Entries: 1, Participants: 40},
		{On: date("2026-11-20"), Kind: EntryThemeMeeting, Status: EntryPending, Entries: 2, Participants: 80},
		{On: date("2026-06-01"), Kind: EntryThemeMeeting, Status: EntryReturned, Entries: 1, Participants: 40},
		{On: date("2026-07-30"), Kind: EntryVolunteer, Status: EntryVerified, Entries: 2, Participants: 26},
		{On: date("2026-11-21"), Kind: EntryVolunteer, Status: EntryPending, Entries: 1, Participants: 18},
		{On: date("2026-09-01"), Kind: EntryPublicity, Status: EntryVerified, Entries: 5},
		{On: date("2026-09-02"), Kind: EntryActivity, Status: EntryVerified, Entries: 7, Participants: 300},
	}
	facts, tallies := LedgerFacts(targets, days)
	want := []Fact{
		{On: date("2026-04-10"), Metric: "ledger_theme_meeting", Value: 1},
		{On: date("2026-05-04"), Metric: "ledger_theme_meeting", Value: 3},
		{On: date("2026-07-30"), Metric: "ledger_volunteer_people", Value: 26},
	}
	if !reflect.DeepEqual(facts, want) {
		t.Errorf("facts %+v, want %+v", facts, want)
	}
	wantTallies := map[string]LedgerTally{
		"ledger_theme_meeting":    {Source: LedgerSource{Kind: EntryThemeMeeting}, Verified: 4, Value: 4, Pending: 2, PendingValue: 2},
		"ledger_volunteer_people": {Source: LedgerSource{Kind: EntryVolunteer, People: true}, Verified: 2, Value: 26, Pending: 1, PendingValue: 18},
	}
	if !reflect.DeepEqual(tallies, wantTallies) {
		t.Errorf("tallies %+v, want %+v", tallies, wantTallies)
	}
	d := PlanDetail{Tasks: []PlanTask{{Targets: targets[:2]}, {Targets: targets[2:]}}}
	if got := d.LedgerTargets(); !reflect.DeepEqual(got, []EntryKind{EntryThemeMeeting, EntryVolunteer}) {
		t.Errorf("ledger kinds %v", got)
	}
	if got := (PlanDetail{Tasks: []PlanTask{{Targets: targets[2:3]}}}).LedgerTargets(); got != nil {
		t.Errorf("a plan without ledger targets counts %v", got)
	}
}

// TestLedgerCountsOnceWithReports: the ledger's increments and a progress report
// roll up without double counting: entries up to the report's day are in its
// level, later ones add to it, and with no report the ledger's sum stands.
func TestLedgerCountsOnceWithReports(t *testing.T) {
	targets := []Target{{Metric: "ledger_theme_meeting", Unit: "次"}}
	days := []LedgerDay{
		{On: date("2026-04-10"), Kind: EntryThemeMeeting, Status: EntryVerified, Entries: 2},
		{On: date("2026-06-30"), Kind: EntryThemeMeeting, Status: EntryVerified, Entries: 1},
		{On: date("2026-09-15"), Kind: EntryThemeMeeting, Status: EntryVerified, Entries: 4},
		{On: date("2026-10-01"), Kind: EntryThemeMeeting, Status: EntryPending, Entries: 9},
	}
	ledger, _ := LedgerFacts(targets, days)
	level := Fact{On: date("2026-06-30"), Metric: "ledger_theme_meeting", Value: 5, Level: true} // 3 from the ledger, 2 held elsewhere
	from, to := date("2026-01-01"), date("2026-11-23")
	tests := []struct {
		name  string
		facts []Fact
		want  float64
	}{
		{"the ledger alone", ledger, 7},
		{"a report and the ledger after it", append(append([]Fact{}, ledger...), level), 9},
		{"a report after every entry", append(append([]Fact{}, ledger...), Fact{On: date("2026-10-31"), Metric: "ledger_theme_meeting", Value: 8, Level: true}), 8},
	}
	for _, tt := range tests {
		if got, _ := RollUp(tt.facts, "ledger_theme_meeting", from, to, false); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}
