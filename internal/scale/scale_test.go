package scale_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/campusorg/portal/internal/pgtest"
	"github.com/campusorg/portal/internal/portal"
	"github.com/campusorg/portal/internal/postgres"
	"github.com/campusorg/portal/internal/scale"
)

// TestSmoke generates the smoke scale into a fresh database, twice (the second
// run replaces the first), and reads it back through the store.
func TestSmoke(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.NewURL(t)
	sc, err := scale.ByName("smoke")
	if err != nil {
		t.Fatal(err)
	}
	today := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	var first scale.Report
	for run := 0; run < 2; run++ {
		rep, err := scale.Generate(ctx, dsn, sc, scale.Options{Seed: 1, Today: today, Logf: t.Logf})
		if err != nil {
			t.Fatal(err)
		}
		t.Log(rep.String())
		if run == 0 {
			first = rep
		} else {
			for table, n := range first.Rows {
				if rep.Rows[table] != n {
					t.Errorf("%s: %d rows, then %d: not deterministic", table, n, rep.Rows[table])
				}
			}
		}
	}
	for _, table := range []string{"orgs", "users", "role_grants", "programs", "applications", "review_assignments", "projects",
		"milestones", "ledger_entries", "audit_events"} {
		if first.Rows[table] == 0 {
			t.Errorf("no rows in %s", table)
		}
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	// Materialized paths agree with the parents.
	var bad int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM orgs o LEFT JOIN orgs p ON p.id = o.parent_id
		WHERE o.path <> coalesce(p.path, '/') || o.id || '/'`).Scan(&bad); err != nil || bad != 0 {
		t.Errorf("orgs with a wrong path: %d (%v)", bad, err)
	}
	// The bench accounts sign in with the shared password, and the store reads
	// what they see.
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	st := postgres.New(pool)
	u, err := st.SignIn(ctx, scale.BenchManager, scale.Password, "127.0.0.1")
	if err != nil {
		t.Fatalf("sign in: %v", err)
	}
	a, _, err := st.LoadActor(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	var programID int64
	if err := conn.QueryRow(ctx, `SELECT a.program_id FROM applications a JOIN programs p ON p.id = a.program_id
		WHERE p.owner_org_id = 1 AND a.status <> 'draft' GROUP BY a.program_id ORDER BY count(*) DESC, a.program_id LIMIT 1`).Scan(&programID); err != nil {
		t.Fatal(err)
	}
	list, err := st.ProgramApplications(ctx, a, programID, postgres.AppFilter{})
	if err != nil || list.Total == 0 {
		t.Fatalf("program applications: total %d, items %d, %v", list.Total, len(list.Items), err)
	}
	for _, app := range list.Items {
		if app.Status == portal.AppDraft {
			t.Errorf("draft in the manager's list")
		}
	}
	u, err = st.SignIn(ctx, scale.BenchReviewer, scale.Password, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	ra, _, err := st.LoadActor(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	sheets, err := st.MyReviews(ctx, ra)
	if err != nil || len(sheets) == 0 {
		t.Fatalf("reviewer's sheets: %d, %v", len(sheets), err)
	}
	if _, err := st.GetReviewSheet(ctx, ra, sheets[0].ID); err != nil {
		t.Fatalf("review sheet: %v", err)
	}
}
