package scale

import (
	"os"
	"testing"
	"time"
)

// TestLedgerStream checks that the ledger stream, cut in parts, writes each
// project's share of entries exactly once, in time order, with ids in sequence.
func TestLedgerStream(t *testing.T) {
	name := "smoke"
	if testing.Short() == false && os.Getenv("PORTAL_LEDGER_SCALE") != "" {
		name = os.Getenv("PORTAL_LEDGER_SCALE")
	}
	w := &world{sc: Scales[name], seed: 1, today: day(2026, 11, 23), last: 2026}
	w.first = w.last - w.sc.Years + 1
	w.build()
	for _, parts := range []int{1, 2, 3} {
		got := make([]int, len(w.projects))
		next := int64(1)
		var last time.Time
		for _, tb := range w.ledgerTables(parts) {
			row := make([]any, len(tb.cols))
			for tb.next(row) {
				if row[0].(int64) != next {
					t.Fatalf("%d parts: id %d, want %d", parts, row[0], next)
				}
				next++
				on := row[5].(time.Time)
				if on.Before(last) {
					t.Fatalf("%d parts: entry %d on %s after %s", parts, row[0], on, last)
				}
				last = on
				got[row[1].(int64)-1]++
				clear(row)
			}
		}
		for pj, pr := range w.projects {
			if got[pj] != pr.ledger {
				t.Fatalf("%d parts: project %d has %d entries, want %d", parts, pj+1, got[pj], pr.ledger)
			}
		}
		if int(next-1) != w.ledgerTotal {
			t.Fatalf("%d parts: %d entries, want %d", parts, next-1, w.ledgerTotal)
		}
	}
}
