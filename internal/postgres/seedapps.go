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
	return nil
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
