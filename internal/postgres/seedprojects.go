package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campusorg/portal/internal/demo"
	"github.com/campusorg/portal/internal/portal"
)

// demoEvidencePDF is a minimal PDF used as demo evidence.
var demoEvidencePDF = []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")

// at returns a copy of the store whose clock stands at 10:00 on day in its zone:
// the seed writes history through the store's own rules as of the day it happened.
func (s *Store) at(day string) *Store {
	t, err := time.ParseInLocation("2006-01-02", day, s.Zone)
	if err != nil {
		panic("seed: bad day " + day)
	}
	c := *s
	now := t.Add(10 * time.Hour)
	c.Now = func() time.Time { return now }
	return &c
}

// demoProgramID returns the id of the demo program with key.
func (s *Store) demoProgramID(ctx context.Context, key string) (int64, error) {
	for _, p := range demo.Programs() {
		if p.Key == key {
			var id int64
			err := s.pool.QueryRow(ctx, `SELECT id FROM programs WHERE title = $1 AND year = $2 AND batch = $3`, p.Title, p.Year, p.Batch).Scan(&id)
			return id, err
		}
	}
	return 0, fmt.Errorf("seed: no demo program %q", key)
}

// seedProjects loads the demo projects (demo.ProjectRules, demo.Projects): the
// programs' rules and checklists through SaveRules; each project's application and
// project rows as the closed programs left them, set up like any approved project;
// then its milestones, ledger, verdicts, supervision, report, outcome, case and
// grants through the store's own methods, each as of its day.
func (s *Store) seedProjects(ctx context.Context) error {
	actors := map[string]*portal.Actor{}
	actor := func(username string) (*portal.Actor, error) {
		if a, ok := actors[username]; ok {
			return a, nil
		}
		var id int64
		if err := s.pool.QueryRow(ctx, `SELECT id FROM users WHERE username = $1`, username).Scan(&id); err != nil {
			return nil, fmt.Errorf("seed: user %s: %w", username, err)
		}
		a, _, err := s.LoadActor(ctx, id)
		actors[username] = a
		return a, err
	}
	for _, dr := range demo.ProjectRules() {
		m, err := actor(dr.Manager)
		if err != nil {
			return err
		}
		id, err := s.demoProgramID(ctx, dr.Program)
		if err != nil {
			return err
		}
		r := portal.DefaultRules()
		r.ShowcasePerMonth, r.LedgerEveryDays, r.EvidenceRequired = dr.ShowcasePerMonth, dr.LedgerEveryDays, dr.EvidenceRequired
		r.PayAfterCompletion, r.LateReports = dr.PayAfterCompletion, dr.LateReports
		for _, it := range dr.Checklist {
			r.Checklist = append(r.Checklist, portal.ChecklistItem{Title: it.Title, DueMonth: it.Month, EvidenceRequired: it.Evidence})
		}
		if err := s.SaveRules(ctx, m, id, 0, r); err != nil {
			return fmt.Errorf("seed: rules of %s: %w (%v)", dr.Program, err, portal.FieldErrors(err))
		}
	}
	// The current programs' projects are written for demo.Today and move with the
	// days passed since, as their programs' phases do (seedPrograms).
	designed, _ := time.Parse(time.DateOnly, demo.Today)
	shift := max(0, int(s.Now().Sub(designed).Hours()/24))
	current := map[string]bool{}
	for _, p := range demo.Programs() {
		current[p.Key] = p.Current
	}
	for _, dp := range demo.Projects() {
		if current[dp.Program] {
			dp = dp.Shift(shift)
		}
		if err := s.seedProject(ctx, dp, actor); err != nil {
			return fmt.Errorf("seed: project %q: %w (%v)", dp.Title, err, portal.FieldErrors(err))
		}
	}
	return nil
}

func (s *Store) seedProject(ctx context.Context, dp demo.Project, actor func(string) (*portal.Actor, error)) error {
	programID, err := s.demoProgramID(ctx, dp.Program)
	if err != nil {
		return err
	}
	author, err := actor(dp.Author)
	if err != nil {
		return err
	}
	var projectID int64
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		var trackID, grant int64
		if err := tx.QueryRow(ctx, `SELECT id, grant_yuan FROM tracks WHERE program_id = $1 AND name = $2`, programID, dp.Track).Scan(&trackID, &grant); err != nil {
			return err
		}
		o, err := scanOrg(tx.QueryRow(ctx, `SELECT `+orgColumns+` FROM orgs o WHERE o.code = $1`, dp.Org))
		if err != nil {
			return err
		}
		c := portal.AppContent{Title: dp.Title, Leader: portal.Leader{Name: author.Name}, Purpose: dp.Title, Figures: portal.FiguresOf(o)}
		for _, st := range dp.Steps {
			c.Steps = append(c.Steps, portal.PlanStep{On: st[0], What: st[1]})
		}
		for _, b := range dp.Budget {
			cents, ok := portal.ParseYuan(b.Yuan)
			if !ok {
				return fmt.Errorf("budget %q", b.Yuan)
			}
			c.Budget = append(c.Budget, portal.BudgetLine{Item: b.Item, Cents: cents, Note: b.Note})
		}
		content, _ := json.Marshal(c)
		sent := s.at(dp.Starts).Now().AddDate(0, 0, -10)
		var appID int64
		if err := tx.QueryRow(ctx, `INSERT INTO applications (program_id, track_id, org_id, org_path, author_id, status, title, content,
			budget_cents, leader_name, versions, created_at, updated_at, submitted_at) VALUES ($1, $2, $3, $4, $5, 'approved', $6, $7, $8,
			$9, 1, $10, $10, $10) RETURNING id`, programID, trackID, o.ID, o.Path, author.UserID, dp.Title, content, c.BudgetTotal(),
			author.Name, sent).Scan(&appID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO application_versions (application_id, number, title, content, sent_by, sent_by_name, sent_at)
			VALUES ($1, 1, $2, $3, $4, $5, $6)`, appID, dp.Title, content, author.UserID, author.Name, sent); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO application_events (application_id, at, actor_id, actor_name, event, version_number)
			VALUES ($1, $2, $3, $4, $5, 1)`, appID, sent, author.UserID, author.Name, string(portal.EvApprove)); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO projects (application_id, program_id, track_id, org_id, org_path, title, grant_yuan,
			starts_on, ends_on, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`, appID, programID, trackID,
			o.ID, o.Path, dp.Title, grant, dp.Starts, dp.Ends, sent).Scan(&projectID); err != nil {
			return err
		}
		if err := setupProject(ctx, tx, projectID); err != nil {
			return err
		}
		return audit(ctx, tx, system, "project.create", "project", projectID, o.Path, nil, map[string]any{"title": dp.Title})
	})
	if err != nil {
		return err
	}
	milestone := func(title string) (int64, int, error) {
		var id int64
		var version int
		err := s.pool.QueryRow(ctx, `SELECT id, version FROM milestones WHERE project_id = $1 AND title = $2`, projectID, title).Scan(&id, &version)
		if err != nil {
			return 0, 0, fmt.Errorf("milestone %q: %w", title, err)
		}
		return id, version, nil
	}
	files := func(name string) []Upload {
		if name == "" {
			return nil
		}
		return []Upload{{Name: name, ContentType: "application/pdf", Data: demoEvidencePDF}}
	}
	links := func(l string) []string {
		if l == "" {
			return nil
		}
		return []string{l}
	}
	day := func(d string) time.Time { t, _ := time.Parse("2006-01-02", d); return t }
	for _, md := range dp.Milestones {
		keeper, err := actor(keeperOf(dp))
		if err != nil {
			return err
		}
		id, version, err := milestone(md.Title)
		if err != nil {
			return err
		}
		u := portal.MilestoneUpdate{Status: portal.MilestoneDone, CompletedOn: day(md.On), Note: md.Note}
		if _, err := s.at(md.On).UpdateMilestone(ctx, keeper, id, version, u, files(md.File), links(md.Link)); err != nil {
			return fmt.Errorf("milestone %q: %w", md.Title, err)
		}
	}
	for _, de := range dp.Entries {
		by, err := actor(de.By)
		if err != nil {
			return err
		}
		in := portal.EntryInput{On: day(de.On), Title: de.Title, Kind: portal.EntryKind(de.Kind), Description: de.Description,
			Participants: de.Participants, Place: de.Place, Links: links(de.Link)}
		if de.Milestone != "" {
			if in.MilestoneID, _, err = milestone(de.Milestone); err != nil {
				return err
			}
		}
		id, err := s.at(de.On).AddEntry(ctx, by, projectID, in, files(de.File))
		if err != nil {
			return fmt.Errorf("entry %q: %w", de.Title, err)
		}
		if de.Verdict == "" {
			continue
		}
		rev, err := actor(de.Reviewer)
		if err != nil {
			return err
		}
		if err := s.ReviewEntry(ctx, rev, id, 1, portal.ReviewInput{Verify: de.Verdict == "verify", Note: de.Note}); err != nil {
			return fmt.Errorf("verdict on %q: %w", de.Title, err)
		}
	}
	for _, sv := range dp.Supervision {
		by, err := actor(sv.By)
		if err != nil {
			return err
		}
		in := portal.SupervisionInput{Kind: portal.SupervisionKind(sv.Kind), On: day(sv.On), Score: sv.Score, Result: sv.Result,
			Title: sv.Title, Note: sv.Note}
		if err := s.at(sv.On).AddSupervision(ctx, by, projectID, in); err != nil {
			return fmt.Errorf("supervision %s: %w", sv.On, err)
		}
	}
	if r := dp.Report; r != nil {
		by, err := actor(r.By)
		if err != nil {
			return err
		}
		in := portal.ReportInput{Summary: r.Summary, Results: r.Results}
		if err := s.at(r.On).SaveReport(ctx, by, projectID, portal.StageFinal, 0, in, true, files(r.File)); err != nil {
			return fmt.Errorf("report: %w", err)
		}
	}
	pay := func(after string) error {
		for _, py := range dp.Payments {
			if after == "" && dp.Outcome != nil && py.On > dp.Outcome.On || after != "" && py.On <= after {
				continue
			}
			m, err := actor(managerOf(dp))
			if err != nil {
				return err
			}
			cents, ok := portal.ParseYuan(py.Yuan)
			if !ok {
				return fmt.Errorf("payment %q", py.Yuan)
			}
			in := portal.DisbursementInput{PaidOn: day(py.On), Cents: cents, Note: py.Note}
			if err := s.at(py.On).AddDisbursement(ctx, m, projectID, in); err != nil {
				return fmt.Errorf("payment %s: %w", py.On, err)
			}
		}
		return nil
	}
	if err := pay(""); err != nil {
		return err
	}
	for _, o := range []*demo.Outcome{dp.Outcome, dp.Recheck} {
		if o == nil {
			continue
		}
		by, err := actor(o.By)
		if err != nil {
			return err
		}
		var version int
		if err := s.pool.QueryRow(ctx, `SELECT version FROM projects WHERE id = $1`, projectID).Scan(&version); err != nil {
			return err
		}
		in := portal.OutcomeInput{Stage: portal.StageFinal, Outcome: portal.Outcome(o.Outcome), Note: o.Note}
		if o.RectifyBy != "" {
			in.RectifyBy = day(o.RectifyBy)
		}
		if err := s.at(o.On).DecideOutcome(ctx, by, projectID, version, in); err != nil {
			return fmt.Errorf("outcome on %s: %w", o.On, err)
		}
		if err := pay(o.On); err != nil {
			return err
		}
	}
	if c := dp.Case; c != nil {
		m, err := actor(managerOf(dp))
		if err != nil {
			return err
		}
		if err := s.MarkCase(ctx, m, projectID, portal.CaseInput{Title: c.Title, Summary: c.Summary}); err != nil {
			return fmt.Errorf("case: %w", err)
		}
	}
	return nil
}

// keeperOf returns who records a demo project's milestones: the class's secretary
// or the program's office when they filed it, else its counselor.
func keeperOf(dp demo.Project) string {
	if dp.Author == "classsec" || dp.Author == managerOf(dp) {
		return dp.Author
	}
	return "counselor"
}

// managerOf returns the username managing a demo project's program.
func managerOf(dp demo.Project) string {
	for _, r := range demo.ProjectRules() {
		if r.Program == dp.Program {
			return r.Manager
		}
	}
	return ""
}
