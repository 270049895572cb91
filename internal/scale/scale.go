// Package scale generates a synthetic but realistic data set at a chosen scale, for
// benchmarks and for tests of query plans: a province's colleges with their
// organization trees, people and roles, several years of programs, applications,
// review rounds with scores, running and finished projects with their milestones
// and work ledgers, and an audit log.
//
// The data goes in with COPY (pgx CopyFrom) into a freshly migrated database. The
// migrations run first; the foreign keys and the secondary indexes are then set
// aside, the tables filled over two connections, and the same indexes and foreign
// keys created again from their saved definitions (the foreign keys validated in
// full), so that the schema ends exactly as the migrations made it, which the
// generator checks. Statistics are gathered at the end (VACUUM ANALYZE).
//
// Everything is deterministic for a seed and a date. Every synthetic account has
// the password Password, with one argon2id hash computed once and shared by all
// (hashing 200,000 passwords would take almost two hours at ≈33 ms each).
package scale

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campusorg/portal/internal/portal"
	"github.com/campusorg/portal/migrations"
)

// Password is the password of every synthetic account.
const Password = "scale-bench-2026"

// Scale sets how much data to make.
type Scale struct {
	Name           string
	Schools        int
	Colleges       int // per school
	Classes        int // per college (each with its League branch)
	LeagueBranches int // per college, under its League general branch
	PartyBranches  int // per college
	Users          int // people in all
	Years          int // years of programs, the last being the current one
	SchoolApps     int // applications per school program
	// ProvinceApps is the number of applications to the province's current call,
	// the one being scored; ProvincePastApps to each earlier one.
	ProvinceApps               int
	ProvincePastApps           int
	SchoolReviewers            int // per school
	ProvinceReviewersPerSchool int // of which sit on the province's panel
	ReviewersPerItem           int
	Ledger                     int // ledger entries in all (about)
	Audit                      int // audit events
	BenchDrafts                int // drafts of the bench filer, for uploads
}

// Scales are the named scales: smoke (seconds, for tests of the tooling), school
// (a few schools, for query-plan tests) and province (a hundred schools).
var Scales = map[string]Scale{
	"smoke": {Name: "smoke", Schools: 2, Colleges: 2, Classes: 4, LeagueBranches: 2, PartyBranches: 2, Users: 400, Years: 3,
		SchoolApps: 8, ProvinceApps: 20, ProvincePastApps: 10, SchoolReviewers: 6, ProvinceReviewersPerSchool: 3,
		ReviewersPerItem: 3, Ledger: 2000, Audit: 2000, BenchDrafts: 20},
	"school": {Name: "school", Schools: 6, Colleges: 10, Classes: 18, LeagueBranches: 6, PartyBranches: 5, Users: 12000, Years: 5,
		SchoolApps: 28, ProvinceApps: 1800, ProvincePastApps: 400, SchoolReviewers: 20, ProvinceReviewersPerSchool: 3,
		ReviewersPerItem: 5, Ledger: 200000, Audit: 20000, BenchDrafts: 100},
	"province": {Name: "province", Schools: 100, Colleges: 10, Classes: 18, LeagueBranches: 6, PartyBranches: 5, Users: 200000, Years: 5,
		SchoolApps: 28, ProvinceApps: 34000, ProvincePastApps: 6500, SchoolReviewers: 20, ProvinceReviewersPerSchool: 3,
		ReviewersPerItem: 5, Ledger: 5000000, Audit: 300000, BenchDrafts: 300},
}

// ByName returns a named scale.
func ByName(name string) (Scale, error) {
	sc, ok := Scales[name]
	if !ok {
		var names []string
		for n := range Scales {
			names = append(names, n)
		}
		sort.Strings(names)
		return Scale{}, fmt.Errorf("unknown scale %q (have %s)", name, strings.Join(names, ", "))
	}
	return sc, nil
}

// Options tunes a generation.
type Options struct {
	Seed uint64
	// Today is the date the data is made for (open calls, running projects); zero
	// is today in China.
	Today time.Time
	// Logf reports progress; nil is silent.
	Logf func(format string, args ...any)
}

// Report says what was made and how long it took.
type Report struct {
	Scale   string
	Rows    map[string]int64
	Steps   []Step
	Elapsed time.Duration
}

// Step is one timed phase of a generation.
type Step struct {
	Name string
	Took time.Duration
}

// Total returns the rows written to the tables named.
func (r Report) Total(tables ...string) int64 {
	var n int64
	for _, t := range tables {
		n += r.Rows[t]
	}
	return n
}

// String is a summary: rows per table and the time of each step.
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "scale %s built in %s\n", r.Scale, r.Elapsed.Round(100*time.Millisecond))
	var names []string
	for n := range r.Rows {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool { return r.Rows[names[i]] > r.Rows[names[j]] })
	for _, n := range names {
		fmt.Fprintf(&b, "  %-22s %10d\n", n, r.Rows[n])
	}
	for _, s := range r.Steps {
		fmt.Fprintf(&b, "  step %-17s %8s\n", s.Name, s.Took.Round(10*time.Millisecond))
	}
	return b.String()
}

// Generate migrates the database at dsn and fills it at scale sc. The database
// must be empty, or hold an earlier generation (which is replaced): anything else
// is refused, so that demo or real data is never touched.
func Generate(ctx context.Context, dsn string, sc Scale, opt Options) (Report, error) {
	start := time.Now()
	rep := Report{Scale: sc.Name, Rows: map[string]int64{}}
	logf := func(format string, args ...any) {
		if opt.Logf != nil {
			opt.Logf(format, args...)
		}
	}
	step := func(name string, t0 time.Time) {
		rep.Steps = append(rep.Steps, Step{name, time.Since(t0)})
		logf("scale: %s done in %s", name, time.Since(t0).Round(10*time.Millisecond))
	}
	t0 := time.Now()
	if err := migrations.Up(ctx, dsn); err != nil {
		return rep, err
	}
	conns := make([]*pgx.Conn, 2)
	for i := range conns {
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			return rep, err
		}
		defer c.Close(context.Background())
		for _, set := range []string{`SET synchronous_commit = off`, `SET maintenance_work_mem = '768MB'`, `SET work_mem = '256MB'`,
			`SET max_parallel_maintenance_workers = 0`} {
			if _, err := c.Exec(ctx, set); err != nil {
				return rep, err
			}
		}
		conns[i] = c
	}
	conn := conns[0]
	if err := clearEarlier(ctx, conn); err != nil {
		return rep, err
	}
	before, err := schemaSnapshot(ctx, conn)
	if err != nil {
		return rep, err
	}
	// As a superuser, the foreign keys stay in place and COPY skips their per-row
	// checks (session_replication_role = replica); one query per table checks
	// them all after the load. Otherwise they are dropped and added again.
	replica := true
	for _, c := range conns {
		if _, err := c.Exec(ctx, `SET session_replication_role = replica`); err != nil {
			replica = false
		}
	}
	if !replica {
		for _, c := range conns {
			if _, err := c.Exec(ctx, `SET session_replication_role = origin`); err != nil {
				return rep, err
			}
		}
	}
	saved, err := setAside(ctx, conn, !replica)
	if err != nil {
		return rep, err
	}
	step("migrate", t0)

	t0 = time.Now()
	today := opt.Today
	if today.IsZero() {
		today = time.Now().In(time.FixedZone("CST", 8*3600))
	}
	today = day(today.Year(), today.Month(), today.Day())
	w := &world{sc: sc, seed: opt.Seed, today: today, last: today.Year()}
	w.first = w.last - max(1, sc.Years) + 1
	if w.hash, err = portal.HashPassword(Password); err != nil {
		return rep, err
	}
	w.build()
	step("model", t0)

	t0 = time.Now()
	tables := w.tables()
	var mu sync.Mutex
	next := 0
	err = parallel(ctx, conns, func(ctx context.Context, c *pgx.Conn) error {
		for {
			mu.Lock()
			if next >= len(tables) {
				mu.Unlock()
				return nil
			}
			t := tables[next]
			next++
			mu.Unlock()
			t1 := time.Now()
			n, err := t.copy(ctx, c)
			if err != nil {
				return err
			}
			mu.Lock()
			rep.Rows[t.name] += n
			mu.Unlock()
			logf("scale: %s: %d rows in %s", t.name, n, time.Since(t1).Round(10*time.Millisecond))
		}
	})
	if err != nil {
		return rep, err
	}
	step("copy", t0)

	t0 = time.Now()
	for _, c := range conns {
		if _, err := c.Exec(ctx, `SET session_replication_role = origin`); err != nil {
			return rep, err
		}
	}
	if err := restore(ctx, conns, saved, replica, logf); err != nil {
		return rep, err
	}
	step("indexes and keys", t0)

	t0 = time.Now()
	if err := finish(ctx, conns); err != nil {
		return rep, err
	}
	after, err := schemaSnapshot(ctx, conn)
	if err != nil {
		return rep, err
	}
	if !slices.Equal(before, after) {
		return rep, fmt.Errorf("scale: the schema differs from the migrations' after the load:\n%s", diff(before, after))
	}
	step("vacuum analyze", t0)
	rep.Elapsed = time.Since(start)
	// The database remembers how it was made, for the benchmark's report.
	var name string
	if err := conn.QueryRow(ctx, `SELECT current_database()`).Scan(&name); err != nil {
		return rep, err
	}
	note := fmt.Sprintf("scale %s, seed %d, built in %s on %s", sc.Name, opt.Seed, rep.Elapsed.Round(100*time.Millisecond),
		time.Now().UTC().Format("2006-01-02"))
	if _, err := conn.Exec(ctx, `COMMENT ON DATABASE `+pgx.Identifier{name}.Sanitize()+` IS `+quoteLiteral(note)); err != nil {
		return rep, err
	}
	return rep, nil
}

// Made returns how the database at dsn was generated (the note Generate leaves on
// it), or "" when it was not.
func Made(ctx context.Context, conn *pgx.Conn) (string, error) {
	var note *string
	err := conn.QueryRow(ctx, `SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = current_database()`).Scan(&note)
	if note == nil || !strings.HasPrefix(*note, "scale ") {
		return "", err
	}
	return *note, err
}

func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// parallel runs fn once on each connection and waits for all; the first error
// cancels the others.
func parallel(ctx context.Context, conns []*pgx.Conn, fn func(context.Context, *pgx.Conn) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make([]error, len(conns))
	var wg sync.WaitGroup
	for i, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if errs[i] = fn(ctx, c); errs[i] != nil {
				cancel()
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			return err
		}
	}
	return errors.Join(errs...)
}

// clearEarlier empties a database holding an earlier generation (marked by the
// bench_fortunes table) and refuses one holding any other data.
func clearEarlier(ctx context.Context, conn *pgx.Conn) error {
	var hasData, ours bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM orgs), to_regclass('public.bench_fortunes') IS NOT NULL`).Scan(&hasData, &ours); err != nil {
		return err
	}
	if hasData && !ours {
		return errors.New("scale: the database holds data that the generator did not make; use an empty database (portal seed -scale uses its own, \"bench\")")
	}
	if !ours {
		return nil
	}
	rows, err := conn.Query(ctx, `SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public'
		AND tablename NOT IN ('goose_db_version', 'bench_fortunes') ORDER BY 1`)
	if err != nil {
		return err
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	_, err = conn.Exec(ctx, `TRUNCATE `+strings.Join(names, ", ")+` RESTART IDENTITY CASCADE; DROP TABLE bench_fortunes`)
	return err
}

// schemaSnapshot lists every index and constraint of the public schema with its
// definition (and whether it is validated).
func schemaSnapshot(ctx context.Context, conn *pgx.Conn) ([]string, error) {
	rows, err := conn.Query(ctx, `
		SELECT 'index ' || c.relname || ': ' || pg_get_indexdef(i.indexrelid)
		FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
		WHERE c.relnamespace = 'public'::regnamespace AND i.indrelid <> coalesce(to_regclass('public.bench_fortunes'), 0)
		UNION ALL
		SELECT 'constraint ' || conrelid::regclass::text || '.' || conname || ': ' || pg_get_constraintdef(oid) ||
			CASE WHEN convalidated THEN '' ELSE ' (not validated)' END
		FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid <> coalesce(to_regclass('public.bench_fortunes'), 0)
		ORDER BY 1`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

func diff(a, b []string) string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, "- "+x)
		}
	}
	for _, x := range b {
		if !slices.Contains(a, x) {
			out = append(out, "+ "+x)
		}
	}
	return strings.Join(out, "\n")
}

// saved holds what setAside dropped, to be created again.
type saved struct {
	indexes []ddl // CREATE INDEX statements
	fks     []ddl // ALTER TABLE … ADD CONSTRAINT statements
}

type ddl struct {
	table string
	name  string
	sql   string
	size  int // ordering: larger tables first
}

// setAside drops every index that does not back a primary key or unique
// constraint and, with fks, every foreign key, returning their definitions.
func setAside(ctx context.Context, conn *pgx.Conn, fks bool) (saved, error) {
	var s saved
	rows, err := conn.Query(ctx, `SELECT conrelid::regclass::text, quote_ident(conname), pg_get_constraintdef(oid)
		FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace ORDER BY 1, 2`)
	if err != nil {
		return s, err
	}
	for rows.Next() {
		var d ddl
		var def string
		if err := rows.Scan(&d.table, &d.name, &def); err != nil {
			return s, err
		}
		d.sql = fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s %s", d.table, d.name, def)
		if fks {
			s.fks = append(s.fks, d)
		}
	}
	if err := rows.Err(); err != nil {
		return s, err
	}
	rows, err = conn.Query(ctx, `SELECT i.indrelid::regclass::text, quote_ident(c.relname), pg_get_indexdef(i.indexrelid)
		FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
		WHERE c.relnamespace = 'public'::regnamespace
			AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x'))
		ORDER BY 1, 2`)
	if err != nil {
		return s, err
	}
	for rows.Next() {
		var d ddl
		if err := rows.Scan(&d.table, &d.name, &d.sql); err != nil {
			return s, err
		}
		s.indexes = append(s.indexes, d)
	}
	if err := rows.Err(); err != nil {
		return s, err
	}
	for _, d := range s.fks {
		if _, err := conn.Exec(ctx, fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s", d.table, d.name)); err != nil {
			return s, err
		}
	}
	for _, d := range s.indexes {
		if _, err := conn.Exec(ctx, "DROP INDEX "+d.name); err != nil {
			return s, err
		}
	}
	return s, nil
}

// A job is one statement of the work after the load: an index to build, or a
// query checking foreign keys (check names the keys, in the order of the counts
// the query returns, each of which must be zero).
type job struct {
	table string
	sql   string
	check []string
	size  int64
}

// restore creates the set-aside indexes again and checks (as a superuser, where
// the keys stayed in place) or adds again the foreign keys, with the connections
// working side by side, the largest tables first.
func restore(ctx context.Context, conns []*pgx.Conn, s saved, replica bool, logf func(string, ...any)) error {
	size := map[string]int64{}
	rows, err := conns[0].Query(ctx, `SELECT c.oid::regclass::text, pg_relation_size(c.oid) FROM pg_class c
		WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var t string
		var n int64
		if err := rows.Scan(&t, &n); err != nil {
			return err
		}
		size[t] = n
	}
	if err := rows.Err(); err != nil {
		return err
	}
	var jobs []job
	for _, d := range s.indexes {
		jobs = append(jobs, job{table: d.table, sql: d.sql, size: size[d.table]})
	}
	if replica {
		// Statistics first, so that the checks' plans know the data.
		var tables []job
		for t := range size {
			tables = append(tables, job{table: t, sql: "ANALYZE " + t, size: size[t]})
		}
		if err := runJobs(ctx, conns, tables, logf); err != nil {
			return err
		}
		checks, err := foreignKeyChecks(ctx, conns[0])
		if err != nil {
			return err
		}
		for i := range checks {
			checks[i].size = size[checks[i].table]
		}
		jobs = append(jobs, checks...)
	}
	if err := runJobs(ctx, conns, jobs, logf); err != nil {
		return err
	}
	// Adding a foreign key locks the referenced table too, so that two at once
	// deadlock: they go one after the other, a table's keys in one statement.
	byTable := map[string][]string{}
	var order []string
	for _, d := range s.fks {
		if _, ok := byTable[d.table]; !ok {
			order = append(order, d.table)
		}
		byTable[d.table] = append(byTable[d.table], strings.TrimPrefix(d.sql, "ALTER TABLE "+d.table+" "))
	}
	for _, t := range order {
		t0 := time.Now()
		sql := "ALTER TABLE " + t + " " + strings.Join(byTable[t], ", ")
		if _, err := conns[0].Exec(ctx, sql); err != nil {
			return fmt.Errorf("scale: %s: %w", sql, err)
		}
		if el := time.Since(t0); el > time.Second {
			logf("scale: foreign keys of %s in %s", t, el.Round(10*time.Millisecond))
		}
	}
	if replica {
		// The rows went in with triggers off: rebuild what they keep up to date.
		for _, f := range []string{"refresh_application_counts", "refresh_application_org_counts", "refresh_project_rollups", "refresh_project_next_due"} {
			t0 := time.Now()
			if _, err := conns[0].Exec(ctx, `SELECT `+f+`()`); err != nil {
				return fmt.Errorf("scale: %s: %w", f, err)
			}
			logf("scale: %s() in %s", f, time.Since(t0).Round(10*time.Millisecond))
		}
	}
	return nil
}

// runJobs runs the jobs over the connections, the largest tables first.
func runJobs(ctx context.Context, conns []*pgx.Conn, jobs []job, logf func(string, ...any)) error {
	sort.SliceStable(jobs, func(i, j int) bool { return jobs[i].size > jobs[j].size })
	var mu sync.Mutex
	next := 0
	return parallel(ctx, conns, func(ctx context.Context, c *pgx.Conn) error {
		for {
			mu.Lock()
			if next >= len(jobs) {
				mu.Unlock()
				return nil
			}
			j := jobs[next]
			next++
			mu.Unlock()
			t := time.Now()
			if len(j.check) == 0 {
				if _, err := c.Exec(ctx, j.sql); err != nil {
					return fmt.Errorf("scale: %s: %w", j.sql, err)
				}
			} else {
				bad := make([]int64, len(j.check))
				dst := make([]any, len(bad))
				for i := range bad {
					dst[i] = &bad[i]
				}
				if err := c.QueryRow(ctx, j.sql).Scan(dst...); err != nil {
					return fmt.Errorf("scale: %s: %w", j.sql, err)
				}
				for i, n := range bad {
					if n > 0 {
						return fmt.Errorf("scale: %d rows of %s break foreign key %s", n, j.table, j.check[i])
					}
				}
			}
			if el := time.Since(t); el > time.Second {
				what := j.sql
				if len(what) > 90 {
					what = what[:90] + "…"
				}
				logf("scale: %s in %s", what, el.Round(10*time.Millisecond))
			}
		}
	})
}

// foreignKeyChecks returns queries that verify every foreign key of the public
// schema against the data, as ADD CONSTRAINT would: per table, one scan with an
// outer join per key to another table, and one anti-join per key to the table
// itself (those columns are mostly empty).
func foreignKeyChecks(ctx context.Context, conn *pgx.Conn) ([]job, error) {
	rows, err := conn.Query(ctx, `SELECT c.conrelid::regclass::text, c.conname, c.confrelid::regclass::text, c.conrelid = c.confrelid,
			ARRAY(SELECT quote_ident(a.attname) FROM unnest(c.conkey) WITH ORDINALITY k(n, o)
				JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.o),
			ARRAY(SELECT quote_ident(a.attname) FROM unnest(c.confkey) WITH ORDINALITY k(n, o)
				JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.o)
		FROM pg_constraint c WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace ORDER BY 1, 2`)
	if err != nil {
		return nil, err
	}
	type fk struct {
		table, name, ref string
		self             bool
		cols, refCols    []string
	}
	var tables []string
	byTable := map[string][]fk{}
	for rows.Next() {
		var k fk
		if err := rows.Scan(&k.table, &k.name, &k.ref, &k.self, &k.cols, &k.refCols); err != nil {
			return nil, err
		}
		if _, ok := byTable[k.table]; !ok {
			tables = append(tables, k.table)
		}
		byTable[k.table] = append(byTable[k.table], k)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var jobs []job
	for _, table := range tables {
		var counts, joins, names []string
		for i, k := range byTable[table] {
			alias := fmt.Sprintf("r%d", i)
			var on, notNull []string
			for j := range k.cols {
				on = append(on, fmt.Sprintf("%s.%s = t.%s", alias, k.refCols[j], k.cols[j]))
				notNull = append(notNull, "t."+k.cols[j]+" IS NOT NULL")
			}
			if k.self {
				jobs = append(jobs, job{table: table, check: []string{k.name}, sql: fmt.Sprintf(
					"SELECT count(*) FROM ONLY %s t WHERE %s AND NOT EXISTS (SELECT 1 FROM ONLY %s %s WHERE %s)",
					table, strings.Join(notNull, " AND "), k.ref, alias, strings.Join(on, " AND "))})
				continue
			}
			joins = append(joins, fmt.Sprintf("LEFT JOIN ONLY %s %s ON %s", k.ref, alias, strings.Join(on, " AND ")))
			counts = append(counts, fmt.Sprintf("count(*) FILTER (WHERE %s AND %s.%s IS NULL)", strings.Join(notNull, " AND "), alias, k.refCols[0]))
			names = append(names, k.name)
		}
		if len(names) > 0 {
			jobs = append(jobs, job{table: table, check: names,
				sql: fmt.Sprintf("SELECT %s FROM ONLY %s t %s", strings.Join(counts, ", "), table, strings.Join(joins, " "))})
		}
	}
	return jobs, nil
}

// finish sets the identity sequences after the largest id, creates the table the
// benchmark's baseline reads, and gathers statistics.
func finish(ctx context.Context, conns []*pgx.Conn) error {
	conn := conns[0]
	rows, err := conn.Query(ctx, `SELECT quote_ident(c.relname), quote_ident(a.attname),
			pg_get_serial_sequence(quote_ident(c.relname), a.attname)
		FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
		WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND a.attidentity <> ''`)
	if err != nil {
		return err
	}
	type seq struct{ Table, Col, Seq string }
	seqs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[seq])
	if err != nil {
		return err
	}
	for _, s := range seqs {
		if _, err := conn.Exec(ctx, fmt.Sprintf(`SELECT setval('%s', coalesce((SELECT max(%s) FROM %s), 0) + 1, false)`, s.Seq, s.Col, s.Table)); err != nil {
			return err
		}
	}
	if err := createFortunes(ctx, conn); err != nil {
		return err
	}
	rows, err = conn.Query(ctx, `SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)
	if err != nil {
		return err
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	var mu sync.Mutex
	return parallel(ctx, conns, func(ctx context.Context, c *pgx.Conn) error {
		for {
			mu.Lock()
			if len(names) == 0 {
				mu.Unlock()
				return nil
			}
			n := names[0]
			names = names[1:]
			mu.Unlock()
			if _, err := c.Exec(ctx, "VACUUM (ANALYZE) "+n); err != nil {
				return err
			}
		}
	})
}

// Fortunes are the rows of the benchmark's baseline table: TechEmpower's Fortunes
// test data (the baseline adds one more row at request time).
var Fortunes = []string{
	"fortune: No such file or directory",
	"A computer scientist is someone who fixes things that aren't broken.",
	"After enough decimal places, nobody gives a damn.",
	"A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1",
	"A computer program does what you tell it to do, not what you want it to do.",
	"Emacs is a nice operating system, but I prefer UNIX. — Tom Christaensen",
	"Any program that runs right is obsolete.",
	"A list is only as strong as its weakest link. — Donald Knuth",
	"Feature: A bug with seniority.",
	"Computers make very fast, very accurate mistakes.",
	`<script>alert("This should not be displayed in a browser alert box.");</script>`,
	"フレームワークのベンチマーク",
}

// createFortunes makes bench_fortunes, read by the benchmark's baseline handler
// (GET /bench/fortunes in bench mode). It is the only table the migrations do not
// make, and it marks the database as the generator's.
func createFortunes(ctx context.Context, conn *pgx.Conn) error {
	if _, err := conn.Exec(ctx, `CREATE TABLE bench_fortunes (id integer PRIMARY KEY, message text NOT NULL)`); err != nil {
		return err
	}
	for i, f := range Fortunes {
		if _, err := conn.Exec(ctx, `INSERT INTO bench_fortunes (id, message) VALUES ($1, $2)`, i+1, f); err != nil {
			return err
		}
	}
	return nil
}

// Recreate drops database name (ending its connections) and creates it again
// empty, through the superuser URL admin; it returns the new database's URL.
func Recreate(ctx context.Context, admin, name string) (string, error) {
	if name == "" || name == "postgres" || strings.HasPrefix(name, "template") {
		return "", fmt.Errorf("scale: refusing to recreate database %q", name)
	}
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return "", err
	}
	defer conn.Close(context.Background())
	ident := pgx.Identifier{name}.Sanitize()
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+ident+" WITH (FORCE)"); err != nil {
		return "", err
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+ident); err != nil {
		return "", err
	}
	u, err := url.Parse(admin)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}
