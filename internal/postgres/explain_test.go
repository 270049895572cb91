package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/campusorg/portal/internal/pgtest"
	"github.com/campusorg/portal/internal/portal"
	"github.com/campusorg/portal/internal/scale"
)

// The large tables: a list or dashboard query must never read one of them whole.
var largeTables = map[string]bool{
	"orgs": true, "users": true, "role_grants": true, "applications": true, "application_versions": true,
	"application_events": true, "notifications": true, "round_items": true, "review_assignments": true,
	"round_decisions": true, "audit_events": true, "projects": true, "milestones": true, "ledger_entries": true,
	"evidence": true, "project_events": true, "supervision_records": true, "disbursements": true, "expenses": true,
}

// queryLog records the statements the store sends (a pgx tracer), so that the
// test explains the store's own SQL with its own arguments.
type queryLog struct {
	mu      sync.Mutex
	on      bool
	queries []loggedQuery
}

type loggedQuery struct {
	sql   string
	args  []any
	start time.Time
	took  time.Duration
}

type queryStartKey struct{}

func (l *queryLog) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	return context.WithValue(ctx, queryStartKey{}, loggedQuery{sql: d.SQL, args: d.Args, start: time.Now()})
}

func (l *queryLog) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryEndData) {
	q, ok := ctx.Value(queryStartKey{}).(loggedQuery)
	if !ok {
		return
	}
	q.took = time.Since(q.start)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.on {
		l.queries = append(l.queries, q)
	}
}

func (l *queryLog) record(fn func() error) ([]loggedQuery, error) {
	l.mu.Lock()
	l.on, l.queries = true, nil
	l.mu.Unlock()
	err := fn()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.on = false
	return l.queries, err
}

// planNode is the part of EXPLAIN (FORMAT JSON) the test reads.
type planNode struct {
	NodeType     string     `json:"Node Type"`
	RelationName string     `json:"Relation Name"`
	IndexName    string     `json:"Index Name"`
	IndexCond    string     `json:"Index Cond"`
	Filter       string     `json:"Filter"`
	PlanRows     float64    `json:"Plan Rows"`
	Plans        []planNode `json:"Plans"`
}

// fullScans returns the scans that read a large table whole: sequential scans (of a
// table holding data, as rows counts it, unless seqOff says the plan was made with
// sequential scans off, where every one counts), and index scans without an index
// condition (which enable_seqscan = off puts in their place) unless a Limit above
// them stops them early. Tables the generator leaves empty are passed over: a plan
// made for no rows at all says nothing about an index.
func (n planNode) fullScans(limited bool, rows map[string]float64, seqOff bool) []string {
	var out []string
	switch {
	case !largeTables[n.RelationName]:
	case rows[n.RelationName] <= 0:
	case n.NodeType == "Seq Scan" && !seqOff && rows[n.RelationName] < 1000:
		// Planned knowing the table is nearly empty.
	case n.NodeType == "Seq Scan":
		out = append(out, fmt.Sprintf("Seq Scan on %s (filter %s)", n.RelationName, n.Filter))
	case (n.NodeType == "Index Scan" || n.NodeType == "Index Only Scan") && n.IndexCond == "" && !limited:
		out = append(out, fmt.Sprintf("%s on %s using %s without an index condition (filter %s)", n.NodeType, n.RelationName, n.IndexName, n.Filter))
	}
	limited = limited || n.NodeType == "Limit"
	for _, c := range n.Plans {
		out = append(out, c.fullScans(limited, rows, seqOff)...)
	}
	return out
}

// TestExplainListQueries seeds the "school" scale (six schools, about 3,000
// organizations, 12,000 people, 10,000 applications and 200,000 ledger entries),
// runs the store's list, count and dashboard methods as the people who use them,
// and explains every statement they send: none may read a large table whole.
// Each statement is explained as the server plans it, again with enable_seqscan
// off, where a sequential scan that remains (or an index scan with no index
// condition put in its place) is one no index can replace, whatever the size of
// the test data, and a third time in its generic plan (explainGeneric), which the
// server may use for a prepared statement whatever its arguments, unless the
// store has it planned for its arguments each time (planned).
//
// PORTAL_EXPLAIN_URL names an already seeded database to use instead (such as
// the province-sized "bench"); PORTAL_EXPLAIN_ANALYZE=1 also prints each
// statement's time.
func TestExplainListQueries(t *testing.T) {
	ctx := context.Background()
	dsn := os.Getenv("PORTAL_EXPLAIN_URL")
	if dsn == "" {
		dsn = pgtest.NewURL(t)
		sc, _ := scale.ByName("school")
		rep, err := scale.Generate(ctx, dsn, sc, scale.Options{Seed: 3, Today: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("school scale generated in %s", rep.Elapsed.Round(time.Millisecond))
	}
	log := &queryLog{}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.Tracer = log
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	st := New(pool)
	st.Now = func() time.Time { return time.Date(2026, 11, 23, 10, 0, 0, 0, st.Zone) }
	// Each statement is explained twice: as the server plans it, and with
	// sequential scans off.
	var explainers [3]*pgx.Conn
	for i := range explainers {
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close(ctx)
		explainers[i] = c
	}
	if _, err := explainers[1].Exec(ctx, `SET enable_seqscan = off`); err != nil {
		t.Fatal(err)
	}
	if _, err := explainers[2].Exec(ctx, `SET plan_cache_mode = force_generic_plan`); err != nil {
		t.Fatal(err)
	}

	actor := func(username string) *portal.Actor {
		t.Helper()
		var id int64
		if err := pool.QueryRow(ctx, `SELECT id FROM users WHERE username = $1`, username).Scan(&id); err != nil {
			t.Fatalf("%s: %v", username, err)
		}
		a, _, err := st.LoadActor(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	actorWith := func(role string) *portal.Actor {
		t.Helper()
		var name string
		if err := pool.QueryRow(ctx, `SELECT u.username FROM role_grants g JOIN users u ON u.id = g.user_id
			WHERE g.role = $1 AND u.username NOT LIKE 'bench.%' ORDER BY g.id LIMIT 1`, role).Scan(&name); err != nil {
			t.Fatalf("a %s: %v", role, err)
		}
		return actor(name)
	}
	manager, secretary := actor(scale.BenchManager), actor(scale.BenchSecretary)
	reviewer, counselor, supervisor := actor(scale.BenchReviewer), actor(scale.BenchCounselor), actor(scale.BenchSupervisor)
	admin, endorser, schoolManager := actor(scale.BenchAdmin), actorWith("endorser"), actorWith("manager")

	var program, track, college, after, project, dashProgram int64
	if err := pool.QueryRow(ctx, `SELECT p.id, t.id FROM programs p JOIN tracks t ON t.program_id = p.id
		WHERE p.owner_org_id = 1 ORDER BY p.year DESC, t.position LIMIT 1`).Scan(&program, &track); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctx, `SELECT id FROM applications WHERE program_id = $1 AND track_id = $2 AND status <> 'draft'
		ORDER BY id OFFSET (SELECT count(*) / 2 FROM applications WHERE program_id = $1) LIMIT 1`, program, track).Scan(&after); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctx, `SELECT id FROM orgs WHERE kind = 'college' ORDER BY id LIMIT 1`).Scan(&college); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctx, `SELECT pr.id, pr.program_id FROM projects pr WHERE pr.status = 'running'
		AND pr.org_path LIKE (SELECT o.path FROM role_grants g JOIN orgs o ON o.id = g.org_id WHERE g.user_id = $1 AND g.role = 'counselor' LIMIT 1) || '%'
		ORDER BY pr.id LIMIT 1`, counselor.UserID).Scan(&project, &dashProgram); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name string
		run  func() error
	}{
		{"home counts (secretary)", func() error { _, err := st.HomeCounts(ctx, secretary); return err }},
		{"home counts (manager)", func() error { _, err := st.HomeCounts(ctx, manager); return err }},
		{"home counts (endorser)", func() error { _, err := st.HomeCounts(ctx, endorser); return err }},
		{"application list page 1", func() error {
			_, err := st.ProgramApplications(ctx, manager, program, AppFilter{TrackID: track})
			return err
		}},
		{"application list later page", func() error {
			_, err := st.ProgramApplications(ctx, manager, program, AppFilter{TrackID: track, After: after})
			return err
		}},
		{"application list by status and college", func() error {
			_, err := st.ProgramApplications(ctx, manager, program, AppFilter{Status: portal.AppReceived, CollegeID: college})
			return err
		}},
		{"missing applicants", func() error { _, err := st.MissingApplicants(ctx, manager, program); return err }},
		{"organizations of a program's scope", func() error { _, err := st.ProgramAppsPage(ctx, manager, program, AppFilter{}); return err }},
		{"my applications (secretary)", func() error { _, err := st.MyApplications(ctx, secretary, 100); return err }},
		{"endorsement inbox", func() error { _, err := st.EndorsementInbox(ctx, endorser); return err }},
		{"reviewer's sheets", func() error { _, err := st.MyReviews(ctx, reviewer); return err }},
		{"notifications", func() error { _, _, err := st.Notifications(ctx, secretary, 50); return err }},
		{"org search", func() error { _, err := st.SearchOrgs(ctx, admin, OrgFilter{Query: "团支部"}); return err }},
		{"org search by kind", func() error { _, err := st.SearchOrgs(ctx, admin, OrgFilter{Kind: portal.KindCollege}); return err }},
		{"users search", func() error { _, err := st.ListUsers(ctx, admin, UserFilter{Query: "王"}); return err }},
		{"audit list", func() error { _, err := st.ListAudit(ctx, admin, AuditFilter{}); return err }},
		{"audit list by action", func() error { _, err := st.ListAudit(ctx, admin, AuditFilter{Action: "application."}); return err }},
		{"programs list", func() error { _, err := st.ListPrograms(ctx, schoolManager, ProgramFilter{}); return err }},
		{"open programs for a secretary", func() error { _, err := st.ListOpenProgramsFor(ctx, secretary, ProgramFilter{}); return err }},
		{"projects of a program (manager)", func() error {
			_, err := st.ListProjects(ctx, manager, ProjectFilter{ProgramID: dashProgram})
			return err
		}},
		{"projects of a college (counselor)", func() error { _, err := st.ListProjects(ctx, counselor, ProjectFilter{}); return err }},
		{"program dashboard", func() error { _, err := st.Dashboard(ctx, manager, dashProgram, 0); return err }},
		{"college dashboard", func() error { _, err := st.Dashboard(ctx, counselor, dashProgram, 0); return err }},
		{"counselor's workbench", func() error { _, err := st.Workbench(ctx, counselor); return err }},
		{"supervisor's workbench", func() error { _, err := st.Workbench(ctx, supervisor); return err }},
		{"entries waiting for verification", func() error { _, err := st.WaitingEntries(ctx, supervisor, 50); return err }},
		{"project page", func() error { _, err := st.GetProject(ctx, counselor, project); return err }},
		{"project ledger export", func() error { _, err := st.ProjectLedger(ctx, counselor, project); return err }},
	}
	tableRows := map[string]float64{}
	rows, err := pool.Query(ctx, `SELECT relname, reltuples FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		var n float64
		if err := rows.Scan(&name, &n); err != nil {
			t.Fatal(err)
		}
		tableRows[name] = n
	}
	analyze := os.Getenv("PORTAL_EXPLAIN_ANALYZE") != ""
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			queries, err := log.record(c.run)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if analyze {
				t.Logf("%d statements in %s", len(queries), time.Since(start).Round(10*time.Microsecond))
			}
			seen := map[string]bool{}
			for _, q := range queries {
				sql := strings.TrimSpace(q.sql)
				head := strings.ToUpper(sql[:min(len(sql), 6)])
				if head != "SELECT" && !strings.HasPrefix(head, "WITH") {
					continue
				}
				if analyze && q.took > time.Millisecond {
					t.Logf("%8s  %s", q.took.Round(10*time.Microsecond), oneLine(sql, 160))
				}
				key := sql + fmt.Sprint(q.args...)
				if seen[key] {
					continue
				}
				seen[key] = true
				for i, explain := range explainers {
					var raw []byte
					var err error
					switch {
					case i < 2:
						err = explain.QueryRow(ctx, "EXPLAIN (FORMAT JSON) "+sql, q.args...).Scan(&raw)
					case len(q.args) > 0 && isExecMode(q.args[0]):
						continue // planned for its arguments every time (planned)
					default:
						raw, err = explainGeneric(ctx, explain, sql, q.args)
					}
					if err != nil {
						t.Fatalf("explain %s: %v", oneLine(sql, 200), err)
					}
					var plans []struct{ Plan planNode }
					if err := json.Unmarshal(raw, &plans); err != nil {
						t.Fatal(err)
					}
					for _, p := range plans {
						for _, s := range p.Plan.fullScans(false, tableRows, i == 1) {
							t.Errorf("%s%s\n    in: %s", s, []string{"", " (with enable_seqscan off)", " (the generic plan)"}[i], oneLine(sql, 400))
						}
					}
				}
			}
		})
	}
}

func isExecMode(arg any) bool {
	_, ok := arg.(pgx.QueryExecMode)
	return ok
}

// explainGeneric explains the generic plan of sql, the plan the server may settle
// on for a statement the pool keeps prepared, after a few runs, whatever its
// arguments (PostgreSQL 15 has no EXPLAIN (GENERIC_PLAN)): the statement is
// prepared on conn, whose plan_cache_mode is force_generic_plan, and its EXECUTE
// explained with args.
func explainGeneric(ctx context.Context, conn *pgx.Conn, sql string, args []any) ([]byte, error) {
	sd, err := conn.Prepare(ctx, "generic_probe", sql)
	if err != nil {
		return nil, err
	}
	defer conn.Deallocate(ctx, "generic_probe")
	// EXECUTE takes no parameters of its own: each argument goes in as a literal.
	params := make([]string, len(sd.ParamOIDs))
	for i, oid := range sd.ParamOIDs {
		var typ string
		if err := conn.QueryRow(ctx, `SELECT format_type($1, NULL)`, oid).Scan(&typ); err != nil {
			return nil, err
		}
		var lit string
		if err := conn.QueryRow(ctx, `SELECT format('%L', $1::`+typ+`)`, args[i]).Scan(&lit); err != nil {
			return nil, err
		}
		params[i] = lit + "::" + typ
	}
	call := "EXPLAIN (FORMAT JSON) EXECUTE generic_probe"
	if len(params) > 0 {
		call += "(" + strings.Join(params, ", ") + ")"
	}
	var raw []byte
	err = conn.QueryRow(ctx, call).Scan(&raw)
	return raw, err
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		s = s[:n] + "…"
	}
	return s
}
