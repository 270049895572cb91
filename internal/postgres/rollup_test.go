package postgres

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campusorg/portal/internal/portal"
)

// TestLedgerRollups checks that the rollups the triggers keep (ledger_months,
// ledger_org_months) always equal what the ledger itself says: the monthly sums
// portal.LedgerMonths makes of the same entries, and what refresh_project_rollups
// rebuilds from scratch; through inserts, status changes, revisions, moved dates
// and an organization that moves in the tree. It also checks that the cadence
// judged from the rollup (the dashboard's heat map) is the one judged from the
// entries (the project page).
func TestLedgerRollups(t *testing.T) {
	ctx := context.Background()
	f := newProjectFixture(t)
	st := f.store
	rng := rand.New(rand.NewPCG(7, 7))
	kinds := []string{"activity", "publicity", "theme_meeting", "volunteer"}
	statuses := []string{"pending", "verified", "returned"}
	first := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	var ids []int64
	for i := 0; i < 120; i++ {
		var id int64
		on := first.AddDate(0, 0, rng.IntN(84))
		if err := st.pool.QueryRow(ctx, `INSERT INTO ledger_entries (project_id, org_path, on_date, title, kind, author_id, status)
			VALUES ($1, $2, $3, 'x', $4, $5, $6) RETURNING id`, f.project, f.tzz.Path, on, kinds[rng.IntN(len(kinds))],
			f.counselor.UserID, statuses[rng.IntN(len(statuses))]).Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	check := func(when string) {
		t.Helper()
		var entries []portal.LedgerEntry
		if err := st.inReadTx(ctx, func(tx pgx.Tx) error {
			var err error
			entries, err = projectEntries(ctx, tx, f.project)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		want := portal.LedgerMonths(entryDays(entries))
		for i := range want {
			for _, e := range entries {
				if e.Counts() && e.Status == portal.EntryVerified && portal.MonthOf(e.On) == want[i].Month {
					want[i].Verified++
				}
			}
		}
		var got map[int64]*ledgerState
		if err := st.inReadTx(ctx, func(tx pgx.Tx) error {
			var err error
			got, err = ledgerStates(ctx, tx, []int64{f.project})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got[f.project].months, want) {
			t.Fatalf("%s: the rollup\n %+v\nthe entries\n %+v", when, got[f.project].months, want)
		}
		rules := portal.DefaultRules()
		rules.LedgerEveryDays, rules.ShowcasePerMonth = 5, 2
		today := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
		starts, ends := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC)
		if a, b := portal.Compliance(rules, starts, ends, today, entryDays(entries)),
			portal.ComplianceFromMonths(rules, starts, ends, today, got[f.project].months); !reflect.DeepEqual(a, b) {
			t.Fatalf("%s: the cadence from the entries\n %+v\nfrom the rollup\n %+v", when, a, b)
		}
		// The organizations' rollup: every ancestor of the project's organization
		// holds the project's months.
		var path string
		if err := st.pool.QueryRow(ctx, `SELECT org_path FROM projects WHERE id = $1`, f.project).Scan(&path); err != nil {
			t.Fatal(err)
		}
		rows, err := st.pool.Query(ctx, `SELECT org_id, month, entries, verified, projects FROM ledger_org_months
			WHERE entries <> 0 OR verified <> 0 OR projects <> 0 ORDER BY org_id, month`)
		if err != nil {
			t.Fatal(err)
		}
		var orgRows []string
		var org int64
		var month time.Time
		var n, v, p int
		if _, err := pgx.ForEachRow(rows, []any{&org, &month, &n, &v, &p}, func() error {
			orgRows = append(orgRows, fmt.Sprintf("%d %s %d %d %d", org, month.Format("2006-01"), n, v, p))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		var wantRows []string
		for _, id := range pathIDs(path) {
			for _, m := range want {
				wantRows = append(wantRows, fmt.Sprintf("%d %s %d %d 1", id, m.Month, m.Entries, m.Verified))
			}
		}
		if !reflect.DeepEqual(slices.Sorted(slices.Values(orgRows)), slices.Sorted(slices.Values(wantRows))) {
			t.Fatalf("%s: the organizations' rollup\n %v\nwant\n %v", when, orgRows, slices.Sorted(slices.Values(wantRows)))
		}
		// Rebuilt from scratch, the rollups are the same.
		snapshot := func() string {
			var s string
			if err := st.pool.QueryRow(ctx, `SELECT coalesce(string_agg(x::text, ';' ORDER BY x::text), '') FROM (
				SELECT project_id, month, entries, showcases, verified, first_day, last_day, inner_gap FROM ledger_months WHERE entries > 0
				UNION ALL SELECT program_id, month, entries, verified, projects, NULL, NULL, org_id FROM ledger_org_months WHERE projects > 0) x`).Scan(&s); err != nil {
				t.Fatal(err)
			}
			return s
		}
		before := snapshot()
		if _, err := st.pool.Exec(ctx, `SELECT refresh_project_rollups()`); err != nil {
			t.Fatal(err)
		}
		if after := snapshot(); after != before {
			t.Fatalf("%s: rebuilt rollups differ\n %s\n %s", when, before, after)
		}
	}
	check("after inserts")
	// Entries added as the work goes on, each on or after the month's last day (the
	// rollup adds them up without recounting): the same day twice as the month's
	// first two, returned and verified ones among them, then one out of order.
	for _, e := range []struct {
		day          int
		kind, status string
	}{{5, "activity", "pending"}, {5, "publicity", "verified"}, {9, "activity", "returned"}, {9, "volunteer", "pending"},
		{17, "publicity", "pending"}, {30, "activity", "verified"}, {12, "activity", "pending"}} {
		if _, err := st.pool.Exec(ctx, `INSERT INTO ledger_entries (project_id, org_path, on_date, title, kind, author_id, status)
			VALUES ($1, $2, $3, 'x', $4, $5, $6)`, f.project, f.tzz.Path, time.Date(2027, 1, e.day, 0, 0, 0, 0, time.UTC), e.kind,
			f.counselor.UserID, e.status); err != nil {
			t.Fatal(err)
		}
		check(fmt.Sprintf("after an entry of January %d", e.day))
	}
	// Several entries in one statement (an import): a returned one first, then one
	// after it; each counts once.
	if _, err := st.pool.Exec(ctx, `INSERT INTO ledger_entries (project_id, org_path, on_date, title, kind, author_id, status)
		VALUES ($1, $2, '2027-03-03', 'x', 'activity', $3, 'returned'), ($1, $2, '2027-03-12', 'x', 'publicity', $3, 'pending'),
		($1, $2, '2027-02-20', 'x', 'activity', $3, 'verified')`, f.project, f.tzz.Path, f.counselor.UserID); err != nil {
		t.Fatal(err)
	}
	check("after three entries in one statement")
	for _, id := range ids[:40] {
		if _, err := st.pool.Exec(ctx, `UPDATE ledger_entries SET status = $2, on_date = on_date + $3::int WHERE id = $1`,
			id, statuses[rng.IntN(len(statuses))], rng.IntN(20)-10); err != nil {
			t.Fatal(err)
		}
	}
	check("after status and date changes")
	for _, id := range ids[40:60] {
		if _, err := st.pool.Exec(ctx, `DELETE FROM ledger_entries WHERE id = $1`, id); err != nil {
			t.Fatal(err)
		}
	}
	check("after deletes")
	// A revision through the store: the old one stops counting, the new one counts.
	in := portal.EntryInput{On: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), Title: "主题团日", Kind: portal.EntryPublicity,
		Links: []string{"https://mp.weixin.qq.com/s/y"}}
	id, err := st.AddEntry(ctx, f.counselor, f.project, in, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.ReviewEntry(ctx, f.supervisor, id, 1, portal.ReviewInput{Verify: true}); err != nil {
		t.Fatal(err)
	}
	in.On = time.Date(2026, 10, 3, 0, 0, 0, 0, time.UTC)
	if _, err := st.EditEntry(ctx, f.counselor, id, 2, in, nil); err != nil {
		t.Fatal(err)
	}
	check("after a revision")
	// The organization moves under another parent: the organizations' rollup follows.
	if _, err := st.pool.Exec(ctx, `UPDATE projects SET org_path = '/999' || org_path WHERE id = $1`, f.project); err != nil {
		t.Fatal(err)
	}
	var stale int
	if err := st.pool.QueryRow(ctx, `SELECT count(*) FROM ledger_org_months WHERE org_id = 999 AND projects = 1`).Scan(&stale); err != nil || stale == 0 {
		t.Fatalf("the moved project's months are not under its new ancestor: %d %v", stale, err)
	}
	check("after a move")
}

// pathIDs returns the ids of a materialized path, root first ('/1/5/' → 1, 5).
func pathIDs(path string) []int64 {
	var out []int64
	for _, p := range strings.Split(strings.Trim(path, "/"), "/") {
		id, _ := strconv.ParseInt(p, 10, 64)
		out = append(out, id)
	}
	return out
}

// TestProjectNextDue checks that projects.next_due_on (the earliest open milestone,
// kept by a trigger) follows milestones as they are added, done, moved and removed,
// that refresh_project_next_due rebuilds the same, and that a program with a project
// is marked as having projects.
func TestProjectNextDue(t *testing.T) {
	ctx := context.Background()
	f := newProjectFixture(t)
	st := f.store
	check := func(when string) {
		t.Helper()
		var got, want *time.Time
		if err := st.pool.QueryRow(ctx, `SELECT next_due_on, (SELECT min(due_on) FROM milestones WHERE project_id = $1 AND status <> 'done')
			FROM projects WHERE id = $1`, f.project).Scan(&got, &want); err != nil {
			t.Fatal(err)
		}
		if (got == nil) != (want == nil) || got != nil && !got.Equal(*want) {
			t.Fatalf("%s: next_due_on %v, the milestones say %v", when, got, want)
		}
		if _, err := st.pool.Exec(ctx, `SELECT refresh_project_next_due()`); err != nil {
			t.Fatal(err)
		}
		var again *time.Time
		if err := st.pool.QueryRow(ctx, `SELECT next_due_on FROM projects WHERE id = $1`, f.project).Scan(&again); err != nil {
			t.Fatal(err)
		}
		if (again == nil) != (got == nil) || again != nil && !again.Equal(*got) {
			t.Fatalf("%s: rebuilt %v, kept %v", when, again, got)
		}
	}
	var n int
	if err := st.pool.QueryRow(ctx, `SELECT count(*) FROM milestones WHERE project_id = $1`, f.project).Scan(&n); err != nil || n == 0 {
		t.Fatalf("the fixture's project has no milestones: %d %v", n, err)
	}
	check("after setup")
	var has bool
	if err := st.pool.QueryRow(ctx, `SELECT has_projects FROM programs WHERE id = $1`, f.program).Scan(&has); err != nil || !has {
		t.Fatalf("the program is not marked as having projects: %v %v", has, err)
	}
	if _, err := st.pool.Exec(ctx, `UPDATE milestones SET status = 'done', completed_on = due_on WHERE id =
		(SELECT id FROM milestones WHERE project_id = $1 ORDER BY due_on, id LIMIT 1)`, f.project); err != nil {
		t.Fatal(err)
	}
	check("after the first is done")
	if _, err := st.pool.Exec(ctx, `INSERT INTO milestones (project_id, source, title, due_on) VALUES ($1, 'manual', '补充节点', '2026-09-02')`, f.project); err != nil {
		t.Fatal(err)
	}
	check("after an earlier one is added")
	if _, err := st.pool.Exec(ctx, `UPDATE milestones SET due_on = due_on + 100 WHERE project_id = $1 AND status <> 'done'`, f.project); err != nil {
		t.Fatal(err)
	}
	check("after the open ones move")
	if _, err := st.pool.Exec(ctx, `UPDATE milestones SET status = 'done', completed_on = due_on WHERE project_id = $1`, f.project); err != nil {
		t.Fatal(err)
	}
	check("when all are done")
	if _, err := st.pool.Exec(ctx, `DELETE FROM milestones WHERE project_id = $1`, f.project); err != nil {
		t.Fatal(err)
	}
	check("when none is left")
}

// TestApplicationOrgCounts checks that the per-organization application counts kept
// by the trigger equal a count of the applications at every level of the tree,
// through drafts, sending, an organization moved and a deletion, and that
// refresh_application_org_counts rebuilds the same.
func TestApplicationOrgCounts(t *testing.T) {
	ctx := context.Background()
	f := newAppFixture(t)
	st := f.store
	check := func(when string) {
		t.Helper()
		var kept, counted, rebuilt string
		const keptSQL = `SELECT coalesce(string_agg(format('%s/%s/%s/%s=%s', program_id, org_id, track_id, status, n), ' '
			ORDER BY program_id, org_id, track_id, status), '') FROM application_org_counts WHERE n <> 0`
		if err := st.pool.QueryRow(ctx, keptSQL).Scan(&kept); err != nil {
			t.Fatal(err)
		}
		if err := st.pool.QueryRow(ctx, `SELECT coalesce(string_agg(format('%s/%s/%s/%s=%s', program_id, org_id, track_id, status, n), ' '
			ORDER BY program_id, org_id, track_id, status), '') FROM (SELECT a.program_id, u.id AS org_id, a.track_id, a.status, count(*) AS n
			FROM applications a, unnest(path_ids(a.org_path)) AS u(id) GROUP BY 1, 2, 3, 4) x`).Scan(&counted); err != nil {
			t.Fatal(err)
		}
		if kept != counted || kept == "" {
			t.Fatalf("%s: kept\n %s\ncounted\n %s", when, kept, counted)
		}
		if _, err := st.pool.Exec(ctx, `SELECT refresh_application_org_counts()`); err != nil {
			t.Fatal(err)
		}
		if err := st.pool.QueryRow(ctx, keptSQL).Scan(&rebuilt); err != nil || rebuilt != kept {
			t.Fatalf("%s: rebuilt\n %s\nkept\n %s (%v)", when, rebuilt, kept, err)
		}
	}
	id, err := st.CreateApplication(ctx, f.secretary, f.program, f.track, f.tzz.ID)
	if err != nil {
		t.Fatal(err)
	}
	check("a draft")
	if err := st.SaveDraft(ctx, f.secretary, id, 1, completeContent()); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Send(ctx, f.secretary, id, 2); err != nil {
		t.Fatal(err)
	}
	check("sent")
	if _, err := st.pool.Exec(ctx, `UPDATE applications SET org_path = '/999' || org_path WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	check("moved")
	if _, err := st.pool.Exec(ctx, `UPDATE applications SET status = 'received' WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	check("received")
	draft, err := st.CreateApplication(ctx, f.secretary, f.program, f.track, f.tzz.ID)
	if err != nil {
		t.Fatal(err)
	}
	check("another drafted")
	for _, q := range []string{`DELETE FROM application_events WHERE application_id = $1`, `DELETE FROM application_versions WHERE application_id = $1`,
		`DELETE FROM attachments WHERE application_id = $1`, `DELETE FROM applications WHERE id = $1`} {
		if _, err := st.pool.Exec(ctx, q, draft); err != nil {
			t.Fatalf("deleting the draft: %s: %v", q, err)
		}
	}
	check("the draft deleted")
}
