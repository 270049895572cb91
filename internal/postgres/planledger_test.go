package postgres

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/campusorg/portal/internal/portal"
)

// TestLedgerFeedsPlanTargets: a plan of 工学院团总支 with two ledger-fed targets
// (theme League days held, volunteer attendance). An entry written in one of its
// classes waits and counts nowhere; verified by the supervisor, it moves both
// targets. Entries outside the subtree, outside the plan's year, returned or of
// another kind do not. A progress report's level takes in the entries dated up
// to its day, and only later ones add to it.
func TestLedgerFeedsPlanTargets(t *testing.T) {
	s := newSeeded(t)
	ctx := context.Background()
	year := s.store.Now().In(s.store.Zone).Year()
	s.store.Now = func() time.Time { return time.Date(year, 11, 23, 10, 0, 0, 0, s.store.Zone) }
	day := func(m, d int) time.Time { return time.Date(year, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	manager, counselor, supervisor := s.actor("gongtuan"), s.actor("counselor"), s.actor("supervisor")

	var engLeague int64
	if err := s.store.pool.QueryRow(ctx, `SELECT id FROM orgs WHERE code = 'eng-league'`).Scan(&engLeague); err != nil {
		t.Fatal(err)
	}
	plan, err := s.store.CreatePlan(ctx, manager, portal.PlanInput{OrgID: engLeague, Year: year, Title: "工学院团总支年度工作要点"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.store.AddSection(ctx, manager, plan.ID, "一、思想引领"); err != nil {
		t.Fatal(err)
	}
	d, err := s.store.GetPlan(ctx, manager, plan.ID)
	if err != nil {
		t.Fatal(err)
	}
	task, err := s.store.SaveTask(ctx, manager, plan.ID, 0, 0, portal.TaskInput{SectionID: d.Sections[0].ID, Number: 1,
		Title: "深化“焦裕禄班”创建", People: []int64{manager.UserID}, Months: []int{3, 4, 5, 6, 7, 8, 9, 10, 11, 12},
		Targets: []portal.TargetInput{
			{Metric: "ledger_theme_meeting", Label: "开展主题团日活动", Comparator: portal.AtLeast, Value: 40, Unit: "次"},
			{Metric: "ledger_volunteer_people", Label: "志愿服务", Comparator: portal.AtLeast, Value: 600, Unit: "人次"},
		}})
	if err != nil {
		t.Fatal(err)
	}
	meetings, volunteers := task.Targets[0], task.Targets[1]

	// standing returns what each target reached and its ledger tally.
	type standing struct {
		meetings, volunteers float64
		tally                portal.LedgerTally
		vtally               portal.LedgerTally
	}
	now := func() standing {
		t.Helper()
		d, err := s.store.GetPlan(ctx, manager, plan.ID)
		if err != nil {
			t.Fatal(err)
		}
		r := reviewOf(d.Review(s.store.Now()), task.ID)
		return standing{r.Targets[0].Pace.Reached, r.Targets[1].Pace.Reached, d.Ledger[meetings.Metric], d.Ledger[volunteers.Metric]}
	}
	before := now()

	// A running project of 机械2301班 this year, and one of a class of 经济管理学院
	// (outside the plan's subtree) in the same program.
	project := func(code string) int64 {
		t.Helper()
		var id int64
		if err := s.store.pool.QueryRow(ctx, `INSERT INTO projects (program_id, track_id, org_id, org_path, title, starts_on, ends_on)
			SELECT p.id, tr.id, o.id, o.path, o.name || '创建', $2, $3
			FROM programs p JOIN tracks tr ON tr.program_id = p.id, orgs o
			WHERE p.kind = 'class_creation' AND o.code = $1 ORDER BY p.year, tr.position LIMIT 1 RETURNING id`,
			code, day(1, 1), day(12, 31)).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	inside, outside := project("eng-me2301"), project("econ-ba2301")

	// The counselor logs a theme League day and a volunteer day: they wait.
	add := func(on time.Time, kind portal.EntryKind, title string, n int) int64 {
		t.Helper()
		id, err := s.store.AddEntry(ctx, counselor, inside, portal.EntryInput{On: on, Kind: kind, Title: title, Participants: n}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	themeDay := add(day(10, 12), portal.EntryThemeMeeting, "“青春向党”主题团日", 41)
	volunteerDay := add(day(10, 20), portal.EntryVolunteer, "社区义务维修", 18)
	waiting := now()
	if waiting.meetings != before.meetings || waiting.volunteers != before.volunteers ||
		waiting.tally.Pending != before.tally.Pending+1 || waiting.vtally.PendingValue != before.vtally.PendingValue+18 {
		t.Fatalf("waiting entries: %+v, before %+v", waiting, before)
	}

	// The supervisor verifies both: the targets move, by one day and by 18 people.
	for _, id := range []int64{themeDay, volunteerDay} {
		if err := s.store.ReviewEntry(ctx, supervisor, id, 1, portal.ReviewInput{Verify: true}); err != nil {
			t.Fatal(err)
		}
	}
	verified := now()
	if verified.meetings != before.meetings+1 || verified.volunteers != before.volunteers+18 ||
		verified.tally.Verified != before.tally.Verified+1 || verified.tally.Pending != before.tally.Pending ||
		verified.vtally.Value != before.vtally.Value+18 {
		t.Fatalf("verified entries: %+v, before %+v", verified, before)
	}

	// Entries that must not count: outside the subtree, last year, returned, another kind.
	if _, err := s.store.pool.Exec(ctx, `INSERT INTO ledger_entries (project_id, org_path, on_date, title, kind, participants, author_id, status)
		SELECT pr.id, pr.org_path, x.on_date, x.title, x.kind, x.n, $3, x.status FROM projects pr,
		(VALUES ($1::bigint, $4::date, '外院主题团日', 'theme_meeting', 40, 'verified'),
		        ($2::bigint, $5::date, '去年的主题团日', 'theme_meeting', 40, 'verified'),
		        ($2::bigint, $6::date, '退回的主题团日', 'theme_meeting', 40, 'returned'),
		        ($2::bigint, $6::date, '观影活动', 'activity', 40, 'verified')) x(project_id, on_date, title, kind, n, status)
		WHERE pr.id = x.project_id`,
		outside, inside, counselor.UserID, day(10, 15), day(1, 1).AddDate(0, 0, -10), day(11, 2)); err != nil {
		t.Fatal(err)
	}
	if got := now(); got != verified {
		t.Errorf("entries outside the subtree or year, returned or of another kind moved the targets: %+v, was %+v", got, verified)
	}

	// Issued, the plan takes progress reports. A report of 20 theme League days as of 15 October takes in the verified entry
	// of the 12th; a day verified after that date adds to it.
	if d, err = s.store.GetPlan(ctx, manager, plan.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.store.SetPlanStatus(ctx, manager, plan.ID, d.Version, portal.PlanActive); err != nil {
		t.Fatal(err)
	}
	if _, err := s.store.ReportProgress(ctx, manager, plan.ID, task.ID, portal.ProgressInput{ReportedOn: day(10, 15),
		Status: portal.TaskInProgress, Values: map[int64]float64{meetings.ID: 20}}); err != nil {
		t.Fatal(err)
	}
	later := add(day(11, 6), portal.EntryThemeMeeting, "“学习二十大”主题团日", 38)
	if err := s.store.ReviewEntry(ctx, supervisor, later, 1, portal.ReviewInput{Verify: true}); err != nil {
		t.Fatal(err)
	}
	got := now()
	if got.meetings != 20+float64(laterEntries(t, s, engLeague, year, day(10, 15))) {
		t.Errorf("after the report: %v theme days, want the report's 20 plus the entries dated after it", got.meetings)
	}
	if got.tally.Verified != verified.tally.Verified+1 {
		t.Errorf("the tally counts %d verified, want %d", got.tally.Verified, verified.tally.Verified+1)
	}
}

// TestSeededEngLeaguePlanCountsLedger: the demo plan of 工学院团总支 takes its
// targets from the running 焦裕禄班 second batch's ledgers: verified entries count,
// waiting ones are tallied apart, and the June report's level takes in the
// entries dated up to it.
func TestSeededEngLeaguePlanCountsLedger(t *testing.T) {
	s := newSeeded(t)
	ctx := context.Background()
	d, err := s.store.GetPlan(ctx, s.actor("gongtuan"), s.planID("eng-league"))
	if err != nil {
		t.Fatal(err)
	}
	meetings, volunteers := d.Ledger["ledger_theme_meeting"], d.Ledger["ledger_volunteer_people"]
	if meetings.Verified == 0 || meetings.Pending == 0 || volunteers.Value == 0 || volunteers.Pending == 0 {
		t.Fatalf("ledger tallies: %+v, %+v", meetings, volunteers)
	}
	on := s.store.todayDay()
	task1, task2 := taskByNumber(t, d, 1), taskByNumber(t, d, 2)
	r1, r2 := reviewOf(d.Review(on), task1.ID), reviewOf(d.Review(on), task2.ID)
	report := d.Latest[task1.ID]
	after := float64(laterEntries(t, s, d.OrgID, d.Year, report.ReportedOn))
	if r1.Targets[0].Pace.Reached != 6+after || after == 0 {
		t.Errorf("theme days reached %v, want the report's 6 plus %v dated after it", r1.Targets[0].Pace.Reached, after)
	}
	if r2.Targets[1].Pace.Reached != volunteers.Value {
		t.Errorf("volunteer attendance reached %v, want the ledger's %v", r2.Targets[1].Pace.Reached, volunteers.Value)
	}
}

// laterEntries counts the verified, current theme-meeting entries in the subtree
// of org, dated in year after the day after.
func laterEntries(t *testing.T, s *seeded, org int64, year int, after time.Time) int {
	t.Helper()
	return s.count(`SELECT count(*) FROM ledger_entries e JOIN projects pr ON pr.id = e.project_id
		WHERE pr.org_path LIKE (SELECT path FROM orgs WHERE id = $1) || '%' AND e.replaced_by IS NULL AND e.status = 'verified'
		AND e.kind = 'theme_meeting' AND e.on_date > $2 AND extract(year FROM e.on_date) = $3`, org, after, year)
}

// TestPlanLedgerQueryIsIndexed explains the plan's ledger query over a ledger
// grown to 40,000 entries in 800 projects outside the plan's subtree, with
// sequential scans off: the subtree's projects are found by their path index and
// each one's entries of the year by ledger_entries_project_idx (project_id,
// on_date), never by reading either table whole.
func TestPlanLedgerQueryIsIndexed(t *testing.T) {
	s := newSeeded(t)
	ctx := context.Background()
	if _, err := s.store.pool.Exec(ctx, `
		WITH p AS (
			INSERT INTO projects (program_id, track_id, org_id, org_path, title, starts_on, ends_on)
			SELECT pr.program_id, pr.track_id, o.id, o.path, 'bulk ' || g, '2025-01-01', '2026-12-31'
			FROM (SELECT program_id, track_id FROM projects LIMIT 1) pr,
			     (SELECT id, path, row_number() OVER (ORDER BY id) AS n FROM orgs WHERE path NOT LIKE (SELECT path FROM orgs WHERE code = 'eng') || '%') o,
			     generate_series(1, 800) g
			WHERE o.n = 1 + g % 20
			RETURNING id, org_path)
		INSERT INTO ledger_entries (project_id, org_path, on_date, title, kind, participants, author_id, status)
		SELECT p.id, p.org_path, date '2025-01-01' + (i * 13) % 700, 'bulk', (ARRAY['activity', 'theme_meeting', 'volunteer', 'publicity'])[1 + i % 4],
			i % 50, (SELECT id FROM users ORDER BY id LIMIT 1), (ARRAY['verified', 'pending', 'returned'])[1 + i % 3]
		FROM p, generate_series(1, 50) i`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.store.pool.Exec(ctx, `ANALYZE projects; ANALYZE ledger_entries`); err != nil {
		t.Fatal(err)
	}
	tx, err := s.store.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
		t.Fatal(err)
	}
	var path string
	if err := tx.QueryRow(ctx, `SELECT path FROM orgs WHERE code = 'eng-league'`).Scan(&path); err != nil {
		t.Fatal(err)
	}
	rows, err := tx.Query(ctx, `EXPLAIN `+planLedgerSQL, planLedgerArgs(path, 2026, []portal.EntryKind{portal.EntryThemeMeeting, portal.EntryVolunteer})...)
	if err != nil {
		t.Fatal(err)
	}
	var plan []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, line)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	text := strings.Join(plan, "\n")
	if strings.Contains(text, "Seq Scan on projects") || strings.Contains(text, "Seq Scan on ledger_entries") ||
		!strings.Contains(text, "projects_org_path_idx") || !strings.Contains(text, "ledger_entries_project_idx") ||
		!strings.Contains(text, "project_id = pr.id") {
		t.Errorf("the plan's ledger query is not served by the indexes:\n%s", text)
	}
}
