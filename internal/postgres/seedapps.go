package postgres

import (
	"context"
	"fmt"

	"github.com/campusorg/portal/internal/demo"
	"github.com/campusorg/portal/internal/portal"
)

// demoPDF is the smallest file the portal accepts as a PDF.
var demoPDF = []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")

// seedApplications files the demo applications through the store's own methods,
// so that they pass every rule a person's would: eligibility, the form, the
// endorsement chain, the audit log and the notifications.
func (s *Store) seedApplications(ctx context.Context) error {
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
	for _, da := range demo.Applications() {
		sec, err := actor(da.Secretary)
		if err != nil {
			return err
		}
		var programID, trackID, orgID int64
		var themeID *int64
		err = s.pool.QueryRow(ctx, `SELECT p.id, t.id, o.id, (SELECT th.id FROM themes th WHERE th.program_id = p.id AND th.name = $4)
			FROM programs p JOIN tracks t ON t.program_id = p.id AND t.name = $2, orgs o
			WHERE p.title = $1 AND p.status = 'open' AND o.code = $3`,
			demoProgramTitle(da.Program), da.Track, da.Org, da.Theme).Scan(&programID, &trackID, &orgID, &themeID)
		if err != nil {
			return fmt.Errorf("seed: application %q: %w", da.Content.Title, err)
		}
		id, err := s.CreateApplication(ctx, sec, programID, trackID, orgID)
		if err != nil {
			return fmt.Errorf("seed: application %q: %w", da.Content.Title, err)
		}
		c, err := demoContent(da.Content)
		if err != nil {
			return err
		}
		if themeID != nil {
			c.ThemeID = *themeID
		}
		if err := s.SaveDraft(ctx, sec, id, 1, c); err != nil {
			return fmt.Errorf("seed: application %q: %w (%v)", c.Title, err, portal.FieldErrors(err))
		}
		version := 2
		if da.Attachment != "" {
			if _, err := s.AddAttachment(ctx, sec, id, "", da.Attachment, "application/pdf", demoPDF); err != nil {
				return fmt.Errorf("seed: attachment: %w", err)
			}
			version++
		}
		if !da.Send {
			continue
		}
		if _, err := s.Send(ctx, sec, id, version); err != nil {
			return fmt.Errorf("seed: send %q: %w (%v)", c.Title, err, portal.FieldErrors(err))
		}
		version++
		for _, op := range da.Opinions {
			e, err := actor(op.Endorser)
			if err != nil {
				return err
			}
			if err := s.Endorse(ctx, e, id, version, op.Agree, op.Text); err != nil {
				return fmt.Errorf("seed: opinion of %s on %q: %w", op.Endorser, c.Title, err)
			}
			version++
		}
	}
	return s.seedRounds(ctx, actor)
}

// demoProgramTitle returns the title of the demo program with key.
func demoProgramTitle(key string) string {
	for _, p := range demo.Programs() {
		if p.Key == key {
			return p.Title
		}
	}
	return ""
}

// demoContent turns a demo form into application content.
func demoContent(dc demo.Content) (portal.AppContent, error) {
	c := portal.AppContent{Title: dc.Title, Purpose: dc.Purpose, Content: dc.Content, Form: dc.Form, Features: dc.Features,
		Safeguards: dc.Safeguards, Expected: dc.Expected, Difficulties: dc.Difficulties, Custom: dc.Custom,
		Leader: portal.Leader{Name: dc.LeaderName, Post: dc.LeaderPost, Phone: dc.LeaderPhone, Political: dc.LeaderPolitical}}
	for _, st := range dc.Steps {
		c.Steps = append(c.Steps, portal.PlanStep{On: st[0], What: st[1]})
	}
	for _, b := range dc.Budget {
		cents, ok := portal.ParseYuan(b.Yuan)
		if !ok {
			return c, fmt.Errorf("seed: budget amount %q", b.Yuan)
		}
		c.Budget = append(c.Budget, portal.BudgetLine{Item: b.Item, Cents: cents, Note: b.Note})
	}
	return c, nil
}

// seedRounds opens the demo review rounds through the store: created, staffed
// automatically, moved to scoring, with some sheets started.
func (s *Store) seedRounds(ctx context.Context, actor func(string) (*portal.Actor, error)) error {
	for _, dr := range demo.Rounds() {
		m, err := actor(dr.Manager)
		if err != nil {
			return err
		}
		var programID int64
		if err := s.pool.QueryRow(ctx, `SELECT id FROM programs WHERE title = $1 AND status = 'open'`, demoProgramTitle(dr.Program)).Scan(&programID); err != nil {
			return fmt.Errorf("seed: round %q: %w", dr.Title, err)
		}
		d, err := s.ProgramDetailFor(ctx, m, programID)
		if err != nil {
			return err
		}
		in := portal.RoundInput{Stage: portal.StageApproval, Title: dr.Title, PerItem: 3, PublishDays: 5,
			Rubric: portal.Rubric{PassAt: dr.PassAt, ExcellentAt: 90}}
		if ph, ok := d.Phase(portal.PhaseApproval); ok {
			in.Starts, in.Ends = ph.Starts, ph.Ends
		}
		for _, t := range d.Tracks {
			in.TrackIDs = append(in.TrackIDs, t.ID)
		}
		for _, c := range dr.Rubric {
			in.Rubric.Criteria = append(in.Rubric.Criteria, portal.Criterion{Name: c.Name, Max: c.Max, KeyIndicator: c.Key})
		}
		id, err := s.CreateRound(ctx, m, programID, in)
		if err != nil {
			return fmt.Errorf("seed: round %q: %w (%v)", dr.Title, err, portal.FieldErrors(err))
		}
		if _, err := s.AutoAssign(ctx, m, id); err != nil {
			return err
		}
		if err := s.SetRoundStatus(ctx, m, id, 1, portal.RoundScoring); err != nil {
			return fmt.Errorf("seed: round %q: %w", dr.Title, err)
		}
		for username, scores := range dr.Drafts {
			rev, err := actor(username)
			if err != nil {
				return err
			}
			mine, err := s.MyReviews(ctx, rev)
			if err != nil || len(mine) == 0 {
				return fmt.Errorf("seed: %s has no sheet in %q: %v", username, dr.Title, err)
			}
			rs, err := s.GetReviewSheet(ctx, rev, mine[0].ID)
			if err != nil {
				return err
			}
			sh := portal.Sheet{Scores: map[string]float64{}}
			for i, x := range scores {
				sh.Scores[rs.Round.Rubric.Criteria[i].Key] = x
			}
			if err := s.SaveSheet(ctx, rev, mine[0].ID, mine[0].Version, sh, false); err != nil {
				return fmt.Errorf("seed: sheet of %s: %w", username, err)
			}
		}
	}
	return nil
}
