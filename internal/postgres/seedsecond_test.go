package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/campusorg/portal/internal/demo"
	"github.com/campusorg/portal/internal/pgtest"
	"github.com/campusorg/portal/internal/portal"
)

// TestDemoSecondBatchMovesWithToday seeds the demo 150 days after demo.Today: the
// running 焦裕禄班 second batch moves with the day, so 机械2301班 tells the same story
// (running, two entries waiting, one returned, overdue items, its last entry days
// ago) and the dashboard's months hold the day it is seeded.
func TestDemoSecondBatchMovesWithToday(t *testing.T) {
	designed, _ := time.Parse(time.DateOnly, demo.Today)
	s := New(pgtest.NewPool(t))
	later := designed.AddDate(0, 0, 150)
	s.Now = func() time.Time { return time.Date(later.Year(), later.Month(), later.Day(), 9, 0, 0, 0, s.Zone) }
	ctx := context.Background()
	if seeded, err := s.SeedDemo(ctx); err != nil || !seeded {
		t.Fatalf("seed: %v", err)
	}
	var id int64
	if err := s.pool.QueryRow(ctx, `SELECT id FROM users WHERE username = 'counselor'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	counselor, _, err := s.LoadActor(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	w, err := s.Workbench(ctx, counselor)
	if err != nil {
		t.Fatal(err)
	}
	var me1 WorkItem
	for _, it := range w.Keeping {
		if it.Project.OrgName == "机械2301班" {
			me1 = it
		}
	}
	if me1.Project.Status != portal.ProjectRunning || me1.Missing.Returned != 1 || me1.Missing.Waiting != 2 || me1.Missing.Overdue == 0 ||
		me1.Missing.Overdue > 2 {
		t.Errorf("机械2301班 seeded later: %+v", me1)
	}
	var last time.Time
	if err := s.pool.QueryRow(ctx, `SELECT max(on_date) FROM ledger_entries WHERE project_id = $1`, me1.Project.ID).Scan(&last); err != nil {
		t.Fatal(err)
	}
	if age := s.todayDay().Sub(last); age < 0 || age > 14*24*time.Hour {
		t.Errorf("the last entry of 机械2301班 is dated %v, today is %v", last, s.todayDay())
	}
	dash, err := s.Dashboard(ctx, counselor, me1.Project.ProgramID, 0)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, m := range dash.Months {
		found = found || m == portal.MonthOf(s.todayDay())
	}
	if !found {
		t.Errorf("the dashboard's months %v miss this month", dash.Months)
	}
}
