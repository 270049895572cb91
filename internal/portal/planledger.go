package portal

import (
	"sort"
	"strings"
	"time"
)

// Work plans fed by the work ledger. A plan's target says what it counts by its
// metric key. Most metrics are figures the responsible people report
// ("posts", "first_aid"); a metric of the form "ledger_<kind>" or
// "ledger_<kind>_people" names a ledger source instead: the verified ledger
// entries of that kind (EntryKind) of the projects in the plan's organization
// subtree, dated in the plan's year, count toward the target, one per entry
// ("开展主题团日活动不少于40次": ledger_theme_meeting) or by their participants
// ("志愿服务不少于600人次": ledger_volunteer_people).
//
// Double counting. A progress report's value is a level: everything reached by
// its day, the ledger included (the plan page shows each ledger-fed target's
// ledger figures beside the reported ones, and the progress form names them, so
// the reporter starts from them). RollUp adds to the latest level only the ledger
// entries dated after its day; entries dated on or before it are taken as
// counted in it. So an entry counts once, either in a report or on its own, and
// a target nobody reports on is the ledger's sum. Entries waiting for
// verification count toward nothing; the page shows them apart, so nobody adds
// them by hand in the meantime.

// LedgerMetricPrefix starts every metric key that names a ledger source.
const LedgerMetricPrefix = "ledger_"

// ledgerPeopleSuffix ends the metric keys that add up participants.
const ledgerPeopleSuffix = "_people"

// LedgerSource is what a ledger-fed target counts: the entries of Kind, one per
// entry, or, when People, their participants (人次).
type LedgerSource struct {
	Kind   EntryKind
	People bool
}

// Metric returns the metric key that names the source.
func (s LedgerSource) Metric() string {
	m := LedgerMetricPrefix + string(s.Kind)
	if s.People {
		m += ledgerPeopleSuffix
	}
	return m
}

// LedgerSourceOf returns the ledger source a metric key names; ok is false for a
// metric fed by progress reports only, including a "ledger_" key that names no
// kind (which target validation refuses).
func LedgerSourceOf(metric string) (LedgerSource, bool) {
	rest, ok := strings.CutPrefix(metric, LedgerMetricPrefix)
	if !ok {
		return LedgerSource{}, false
	}
	if k := EntryKind(rest); k.Valid() {
		return LedgerSource{Kind: k}, true
	}
	if k, ok := strings.CutSuffix(rest, ledgerPeopleSuffix); ok && EntryKind(k).Valid() {
		return LedgerSource{Kind: EntryKind(k), People: true}, true
	}
	return LedgerSource{}, false
}

// LedgerSources lists every ledger source, by kind in display order, the entry
// count before the participants.
func LedgerSources() []LedgerSource {
	out := make([]LedgerSource, 0, 2*len(EntryKinds))
	for _, k := range EntryKinds {
		out = append(out, LedgerSource{Kind: k}, LedgerSource{Kind: k, People: true})
	}
	return out
}

// checkLedgerMetric adds the errors of target row i whose metric starts with
// LedgerMetricPrefix: it must name a source, and a percentage is a level that no
// sum of entries gives.
func checkLedgerMetric(v *Invalid, i int, t *TargetInput) {
	if !strings.HasPrefix(t.Metric, LedgerMetricPrefix) {
		return
	}
	if _, ok := LedgerSourceOf(t.Metric); !ok {
		v.Add(TargetField(i, "metric"), "plantarget.ledger_unknown")
		return
	}
	if t.Unit == "%" {
		v.Add(TargetField(i, "unit"), "plantarget.ledger_rate")
	}
}

// LedgerDay is the ledger of a plan's subtree on one day: how many current
// entries of one kind stand in one status, and their participants.
type LedgerDay struct {
	On           time.Time
	Kind         EntryKind
	Status       EntryStatus
	Entries      int
	Participants int
}

// LedgerTally is a ledger-fed target's share of the ledger in the plan's year.
type LedgerTally struct {
	Source   LedgerSource
	Verified int     // verified entries: they count (see RollUp)
	Value    float64 // what the verified entries add up to, in the target's unit
	Pending  int     // entries waiting for verification: shown, not counted
	// PendingValue is what the waiting entries would add once verified.
	PendingValue float64
}

// LedgerFacts turns a plan's ledger days into the increments of its ledger-fed
// targets (verified entries only, in date order) and each such target's tally,
// by metric. Rate targets take nothing from the ledger; returned entries count
// nowhere.
func LedgerFacts(targets []Target, days []LedgerDay) ([]Fact, map[string]LedgerTally) {
	var facts []Fact
	tallies := map[string]LedgerTally{}
	for _, x := range targets {
		src, ok := LedgerSourceOf(x.Metric)
		if !ok || x.Rate() {
			continue
		}
		tally := LedgerTally{Source: src}
		for _, d := range days {
			if d.Kind != src.Kind || d.Entries == 0 {
				continue
			}
			v := float64(d.Entries)
			if src.People {
				v = float64(d.Participants)
			}
			switch d.Status {
			case EntryVerified:
				tally.Verified += d.Entries
				tally.Value += v
				facts = append(facts, Fact{On: d.On, Metric: x.Metric, Value: v})
			case EntryPending:
				tally.Pending += d.Entries
				tally.PendingValue += v
			}
		}
		tallies[x.Metric] = tally
	}
	sort.SliceStable(facts, func(i, j int) bool { return facts[i].On.Before(facts[j].On) })
	return facts, tallies
}

// LedgerTargets returns the entry kinds the plan's ledger-fed targets count, in
// the order the tasks name them; none when no target is fed by the ledger.
func (d PlanDetail) LedgerTargets() []EntryKind {
	var kinds []EntryKind
	seen := map[EntryKind]bool{}
	for _, t := range d.Tasks {
		for _, x := range t.Targets {
			if src, ok := LedgerSourceOf(x.Metric); ok && !x.Rate() && !seen[src.Kind] {
				seen[src.Kind] = true
				kinds = append(kinds, src.Kind)
			}
		}
	}
	return kinds
}

// AllTargets returns every target of the plan, task by task.
func (d PlanDetail) AllTargets() []Target {
	var out []Target
	for _, t := range d.Tasks {
		out = append(out, t.Targets...)
	}
	return out
}
