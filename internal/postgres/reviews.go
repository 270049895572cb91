package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campusorg/portal/internal/portal"
)

// Round is a review round as its pages show it.
type Round struct {
	ID          int64
	ProgramID   int64
	Stage       portal.Stage
	Title       string
	Starts      time.Time
	Ends        time.Time
	Status      portal.RoundStatus
	Rubric      portal.Rubric
	Blind       bool
	Normalise   bool
	PerItem     int
	Defence     bool
	CurrentItem int64
	PublishDays int
	PublishedAt time.Time
	Version     int
	TrackIDs    []int64
}

// PublicationEnds returns when the round's 公示 closes (zero before publication).
func (r Round) PublicationEnds(zone *time.Location) time.Time {
	if r.PublishedAt.IsZero() {
		return time.Time{}
	}
	return portal.PublicationEnds(r.PublishedAt, r.PublishDays, zone)
}

const roundColumns = `r.id, r.program_id, r.stage, r.title, r.starts_on, r.ends_on, r.status, r.rubric, r.blind, r.normalise,
	r.reviewers_per_item, r.defence, coalesce(r.current_item, 0), r.publish_days, r.published_at, r.version,
	ARRAY(SELECT track_id FROM round_tracks rt WHERE rt.round_id = r.id ORDER BY track_id)`

func scanRound(row pgx.Row) (Round, error) {
	var r Round
	var rubric []byte
	var published *time.Time
	err := row.Scan(&r.ID, &r.ProgramID, &r.Stage, &r.Title, &r.Starts, &r.Ends, &r.Status, &rubric, &r.Blind, &r.Normalise,
		&r.PerItem, &r.Defence, &r.CurrentItem, &r.PublishDays, &published, &r.Version, &r.TrackIDs)
	if err != nil {
		return r, err
	}
	if published != nil {
		r.PublishedAt = *published
	}
	return r, json.Unmarshal(rubric, &r.Rubric)
}

// rowAround is a row of a statement that selects the columns of a scan function
// (such as scanRound) with more before and after them: Scan fills before, the
// function's own, then after.
type rowAround struct {
	row           pgx.Row
	before, after []any
}

func (r rowAround) Scan(dest ...any) error {
	all := append(append(append(make([]any, 0, len(r.before)+len(dest)+len(r.after)), r.before...), dest...), r.after...)
	return r.row.Scan(all...)
}

// roundFor loads a round and its program; manage requires the actor to manage the
// program, else viewing it is enough. lock takes the round's row lock.
func roundFor(ctx context.Context, tx pgx.Tx, actor *portal.Actor, id int64, manage, lock bool) (Round, portal.ProgramDetail, error) {
	q := `SELECT ` + roundColumns + ` FROM review_rounds r WHERE r.id = $1`
	if lock {
		q += ` FOR UPDATE`
	}
	r, err := scanRound(tx.QueryRow(ctx, q, id))
	if err != nil {
		return r, portal.ProgramDetail{}, err
	}
	d, err := loadProgram(ctx, tx, r.ProgramID)
	if err != nil {
		return r, d, err
	}
	act := portal.ActViewProgram
	if manage {
		act = portal.ActManageProgram
	}
	if !portal.Can(actor, act, d.OwnerPath) {
		return r, d, portal.NotFound()
	}
	return r, d, nil
}

// CreateRound opens a review round of a program over some of its tracks. An
// approval round takes in every submitted or received application of those tracks;
// a mid-term or final round takes in the projects of those tracks whose report of
// the stage portal.ReportReviewable admits. Each item is labelled with a blind code.
// The reviewer pool starts with everyone holding a reviewer grant over the program's
// owner.
func (s *Store) CreateRound(ctx context.Context, actor *portal.Actor, programID int64, in portal.RoundInput) (int64, error) {
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		d, err := loadProgram(ctx, tx, programID)
		if err != nil {
			return err
		}
		if !portal.Can(actor, portal.ActManageProgram, d.OwnerPath) {
			return portal.NotFound()
		}
		if err := in.Validate(d); err != nil {
			return err
		}
		rubric, _ := json.Marshal(in.Rubric)
		if err := tx.QueryRow(ctx, `INSERT INTO review_rounds (program_id, stage, title, starts_on, ends_on, rubric, blind, normalise,
			reviewers_per_item, defence, publish_days) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
			programID, in.Stage, in.Title, in.Starts, in.Ends, rubric, in.Blind, in.Normalise, in.PerItem, in.Defence, in.PublishDays).Scan(&id); err != nil {
			return err
		}
		for _, t := range in.TrackIDs {
			if _, err := tx.Exec(ctx, `INSERT INTO round_tracks (round_id, track_id) VALUES ($1, $2)`, id, t); err != nil {
				return err
			}
		}
		if in.Stage == portal.StageApproval {
			if err := addApprovalItems(ctx, tx, id, d, in.TrackIDs); err != nil {
				return err
			}
		} else if err := addReportItems(ctx, tx, id, d, in.TrackIDs, in.Stage); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO round_reviewers (round_id, user_id)
			SELECT DISTINCT $1::bigint, g.user_id FROM role_grants g JOIN orgs o ON o.id = g.org_id JOIN users u ON u.id = g.user_id
			WHERE g.role = 'reviewer' AND u.active AND $2 LIKE o.path || '%'`, id, d.OwnerPath); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "review.create", "review_round", id, d.OwnerPath, nil,
			map[string]any{"program": programID, "stage": in.Stage, "title": in.Title, "tracks": in.TrackIDs})
	})
	return id, err
}

// addApprovalItems puts the submitted and received applications of the tracks into
// the round, ordered by track then id, with blind codes.
func addApprovalItems(ctx context.Context, tx pgx.Tx, roundID int64, d portal.ProgramDetail, trackIDs []int64) error {
	for ti, t := range d.Tracks {
		if !containsID(trackIDs, t.ID) {
			continue
		}
		rows, err := tx.Query(ctx, `SELECT id, versions FROM applications WHERE track_id = $1 AND status IN ('submitted', 'received')
			AND versions > 0 ORDER BY id`, t.ID)
		if err != nil {
			return err
		}
		apps, err := pgx.CollectRows(rows, pgx.RowToStructByPos[struct {
			ID       int64
			Versions int
		}])
		if err != nil {
			return err
		}
		for i, a := range apps {
			if _, err := tx.Exec(ctx, `INSERT INTO round_items (round_id, application_id, track_id, version_number, position, code)
				VALUES ($1, $2, $3, $4, $5, $6)`, roundID, a.ID, t.ID, a.Versions, i+1, portal.BlindCode(ti, i+1)); err != nil {
				return err
			}
		}
	}
	return nil
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// RoundItem is one submission in a round, with its sheets.
type RoundItem struct {
	ID            int64
	ApplicationID int64
	TrackID       int64
	Code          string
	Position      int
	Title         string
	OrgID         int64
	OrgName       string
	OrgPath       string
	AuthorID      int64
	EndorserIDs   []int64
	Sheets        []Assignment
	Decision      string
	// ReportID and ProjectID name the report a mid-term or final round reviews and
	// its project (0 at approval rounds).
	ReportID  int64
	ProjectID int64
	// Passed is the committee's own choice on the item (ticked), false before a
	// decision.
	Passed bool
}

// Assignment is one reviewer's sheet on one item.
type Assignment struct {
	ID           int64
	RoundID      int64
	ItemID       int64
	ReviewerID   int64
	ReviewerName string
	Status       string
	Sheet        portal.Sheet
	Note         string
	SubmittedAt  time.Time
	Version      int
}

// RoundReviewer is a member of a round's pool with the sheets assigned to them.
type RoundReviewer struct {
	UserID    int64
	Name      string
	Assigned  int
	Started   int
	Submitted int
}

// RoundDetail is a round with its items, pool and progress.
type RoundDetail struct {
	Round     Round
	Program   portal.ProgramDetail
	Items     []RoundItem
	Reviewers []RoundReviewer
	CanManage bool
}

// GetRound returns a round with everything its manager's page shows, to those who
// may view the program.
func (s *Store) GetRound(ctx context.Context, actor *portal.Actor, id int64) (RoundDetail, error) {
	var out RoundDetail
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		r, d, err := roundFor(ctx, tx, actor, id, false, false)
		if err != nil {
			return err
		}
		out.Round, out.Program = r, d
		out.CanManage = portal.Can(actor, portal.ActManageProgram, d.OwnerPath)
		if out.Items, err = roundItems(ctx, tx, id); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT u.id, u.display_name,
			count(a.id) FILTER (WHERE a.status IN ('assigned', 'started', 'submitted')),
			count(a.id) FILTER (WHERE a.status = 'started'), count(a.id) FILTER (WHERE a.status = 'submitted')
			FROM round_reviewers rr JOIN users u ON u.id = rr.user_id
			LEFT JOIN review_assignments a ON a.round_id = rr.round_id AND a.reviewer_id = u.id
			WHERE rr.round_id = $1 GROUP BY u.id, u.display_name ORDER BY u.display_name, u.id`, id)
		if err != nil {
			return err
		}
		out.Reviewers, err = pgx.CollectRows(rows, pgx.RowToStructByPos[RoundReviewer])
		return err
	})
	return out, err
}

// roundItems reads a round's items with their sheets and decisions.
func roundItems(ctx context.Context, tx pgx.Tx, roundID int64) ([]RoundItem, error) {
	rows, err := tx.Query(ctx, `SELECT i.id, i.application_id, i.track_id, i.code, i.position, a.title, a.org_id, o.name, a.org_path,
		a.author_id, a.endorser_ids, coalesce(d.outcome, ''), coalesce(i.report_id, 0), coalesce(rp.project_id, 0),
		coalesce(d.passed, false)
		FROM round_items i JOIN applications a ON a.id = i.application_id JOIN orgs o ON o.id = a.org_id
		LEFT JOIN round_decisions d ON d.item_id = i.id LEFT JOIN project_reports rp ON rp.id = i.report_id
		WHERE i.round_id = $1 ORDER BY i.track_id, i.position, i.id`, roundID)
	if err != nil {
		return nil, err
	}
	items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (RoundItem, error) {
		var it RoundItem
		err := r.Scan(&it.ID, &it.ApplicationID, &it.TrackID, &it.Code, &it.Position, &it.Title, &it.OrgID, &it.OrgName, &it.OrgPath,
			&it.AuthorID, &it.EndorserIDs, &it.Decision, &it.ReportID, &it.ProjectID, &it.Passed)
		return it, err
	})
	if err != nil {
		return nil, err
	}
	sheets, err := roundSheets(ctx, tx, roundID, 0)
	if err != nil {
		return nil, err
	}
	byItem := map[int64][]Assignment{}
	for _, a := range sheets {
		byItem[a.ItemID] = append(byItem[a.ItemID], a)
	}
	for i := range items {
		items[i].Sheets = byItem[items[i].ID]
	}
	return items, nil
}

// roundSheets reads a round's assignments (one reviewer's when reviewerID is set).
func roundSheets(ctx context.Context, tx pgx.Tx, roundID, reviewerID int64) ([]Assignment, error) {
	rows, err := tx.Query(ctx, `SELECT a.id, a.round_id, a.item_id, a.reviewer_id, u.display_name, a.status, a.scores, a.comments,
		a.overall, a.recommendation, a.note, a.submitted_at, a.version
		FROM review_assignments a JOIN users u ON u.id = a.reviewer_id
		WHERE a.round_id = $1 AND ($2 = 0 OR a.reviewer_id = $2) ORDER BY a.item_id, u.display_name, a.id`, roundID, reviewerID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanAssignment)
}

func scanAssignment(r pgx.CollectableRow) (Assignment, error) {
	var a Assignment
	var scores, comments []byte
	var submitted *time.Time
	if err := r.Scan(&a.ID, &a.RoundID, &a.ItemID, &a.ReviewerID, &a.ReviewerName, &a.Status, &scores, &comments,
		&a.Sheet.Overall, &a.Sheet.Recommendation, &a.Note, &submitted, &a.Version); err != nil {
		return a, err
	}
	if submitted != nil {
		a.SubmittedAt = *submitted
	}
	if err := json.Unmarshal(scores, &a.Sheet.Scores); err != nil {
		return a, err
	}
	return a, json.Unmarshal(comments, &a.Sheet.Comments)
}

// SetReviewer adds a person to a round's pool, or removes one (with their sheets not
// yet submitted), while the round is being set up or scored.
func (s *Store) SetReviewer(ctx context.Context, actor *portal.Actor, roundID, userID int64, add bool) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		r, d, err := roundFor(ctx, tx, actor, roundID, true, true)
		if err != nil {
			return err
		}
		if r.Status != portal.RoundDraft && r.Status != portal.RoundScoring {
			return portal.Errorf(portal.EINVALID, "review.not_editable")
		}
		var active bool
		if err := tx.QueryRow(ctx, `SELECT active FROM users WHERE id = $1`, userID).Scan(&active); err != nil || !active {
			return &portal.Error{Code: portal.EINVALID, Message: "error.invalid_form", Fields: map[string]string{"user_id": "form.choose"}}
		}
		if add {
			_, err = tx.Exec(ctx, `INSERT INTO round_reviewers (round_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, roundID, userID)
		} else {
			if _, err = tx.Exec(ctx, `DELETE FROM review_assignments WHERE round_id = $1 AND reviewer_id = $2 AND status <> 'submitted'`, roundID, userID); err != nil {
				return err
			}
			_, err = tx.Exec(ctx, `DELETE FROM round_reviewers WHERE round_id = $1 AND user_id = $2`, roundID, userID)
		}
		if err != nil {
			return err
		}
		action := "review.reviewer_add"
		if !add {
			action = "review.reviewer_remove"
		}
		return audit(ctx, tx, actor, action, "review_round", roundID, d.OwnerPath, nil, map[string]any{"user": userID})
	})
}

// poolActors loads the round's reviewers with their grants and home paths, for the
// conflict rule, and the orgs each declared a conflict with in this round.
func poolActors(ctx context.Context, tx pgx.Tx, roundID int64) ([]*portal.Actor, map[int64][]string, error) {
	rows, err := tx.Query(ctx, `SELECT u.id, u.display_name, h.path FROM round_reviewers rr JOIN users u ON u.id = rr.user_id
		JOIN orgs h ON h.id = u.home_org_id WHERE rr.round_id = $1 AND u.active ORDER BY u.id`, roundID)
	if err != nil {
		return nil, nil, err
	}
	actors, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*portal.Actor, error) {
		a := &portal.Actor{}
		err := r.Scan(&a.UserID, &a.Name, &a.HomePath)
		return a, err
	})
	if err != nil {
		return nil, nil, err
	}
	for _, a := range actors {
		rows, err := tx.Query(ctx, `SELECT g.id, g.user_id, g.role, g.org_id, o.path, o.name, o.kind
			FROM role_grants g JOIN orgs o ON o.id = g.org_id WHERE g.user_id = $1`, a.UserID)
		if err != nil {
			return nil, nil, err
		}
		if a.Grants, err = pgx.CollectRows(rows, scanGrant); err != nil {
			return nil, nil, err
		}
	}
	rows, err = tx.Query(ctx, `SELECT a.reviewer_id, ap.org_path FROM review_assignments a JOIN round_items i ON i.id = a.item_id
		JOIN applications ap ON ap.id = i.application_id WHERE a.round_id = $1 AND a.status = 'conflict'`, roundID)
	if err != nil {
		return nil, nil, err
	}
	declared := map[int64][]string{}
	for rows.Next() {
		var id int64
		var p string
		if err := rows.Scan(&id, &p); err != nil {
			return nil, nil, err
		}
		declared[id] = append(declared[id], p)
	}
	return actors, declared, rows.Err()
}

// AutoAssign gives every item of the round its reviewers, balanced, never one with a
// conflict; existing assignments stay. It returns the items it could not fully staff.
func (s *Store) AutoAssign(ctx context.Context, actor *portal.Actor, roundID int64) ([]int64, error) {
	var short []int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		r, d, err := roundFor(ctx, tx, actor, roundID, true, true)
		if err != nil {
			return err
		}
		if r.Status != portal.RoundDraft && r.Status != portal.RoundScoring {
			return portal.Errorf(portal.EINVALID, "review.not_editable")
		}
		short, err = assignRound(ctx, tx, r)
		if err != nil {
			return err
		}
		return audit(ctx, tx, actor, "review.assign", "review_round", roundID, d.OwnerPath, nil, map[string]any{"short": short})
	})
	return short, err
}

// assignRound staffs the round's items up to PerItem reviewers each.
func assignRound(ctx context.Context, tx pgx.Tx, r Round) ([]int64, error) {
	pool, declared, err := poolActors(ctx, tx, r.ID)
	if err != nil {
		return nil, err
	}
	items, err := roundItems(ctx, tx, r.ID)
	if err != nil {
		return nil, err
	}
	load := map[int64]int{}
	var inputs []portal.AssignInput
	for _, it := range items {
		in := portal.AssignInput{ItemID: it.ID, Excluded: map[int64]bool{}}
		for _, a := range it.Sheets {
			in.Excluded[a.ReviewerID] = true // never the same reviewer twice, declined or not
			if a.Status != "declined" && a.Status != "conflict" {
				in.Have = append(in.Have, a.ReviewerID)
				load[a.ReviewerID]++
			}
		}
		for _, p := range pool {
			if portal.ConflictReason(p, it.OrgPath, it.AuthorID, endorserUsers(ctx, tx, it.ApplicationID), declared[p.UserID]) != "" {
				in.Excluded[p.UserID] = true
			}
		}
		inputs = append(inputs, in)
	}
	var ids []int64
	for _, p := range pool {
		ids = append(ids, p.UserID)
	}
	pairs, short := portal.Assign(inputs, ids, r.PerItem, load)
	for _, p := range pairs {
		if _, err := tx.Exec(ctx, `INSERT INTO review_assignments (round_id, item_id, reviewer_id) VALUES ($1, $2, $3)
			ON CONFLICT (item_id, reviewer_id) DO NOTHING`, r.ID, p[0], p[1]); err != nil {
			return nil, err
		}
	}
	return short, nil
}

// endorserUsers returns who gave opinions on an application.
func endorserUsers(ctx context.Context, tx pgx.Tx, appID int64) []int64 {
	rows, err := tx.Query(ctx, `SELECT DISTINCT actor_id FROM application_events WHERE application_id = $1
		AND event IN ('endorse', 'return') AND actor_id IS NOT NULL`, appID)
	if err != nil {
		return nil
	}
	ids, _ := pgx.CollectRows(rows, pgx.RowTo[int64])
	return ids
}

// SetAssignment lets the manager add a reviewer to an item by hand (refused when the
// reviewer has a conflict) or take one off (a sheet not yet submitted).
func (s *Store) SetAssignment(ctx context.Context, actor *portal.Actor, roundID, itemID, reviewerID int64, add bool) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		r, d, err := roundFor(ctx, tx, actor, roundID, true, true)
		if err != nil {
			return err
		}
		if r.Status != portal.RoundDraft && r.Status != portal.RoundScoring {
			return portal.Errorf(portal.EINVALID, "review.not_editable")
		}
		if !add {
			tag, err := tx.Exec(ctx, `DELETE FROM review_assignments WHERE round_id = $1 AND item_id = $2 AND reviewer_id = $3
				AND status <> 'submitted'`, roundID, itemID, reviewerID)
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				return portal.Errorf(portal.EINVALID, "review.cannot_unassign")
			}
			return audit(ctx, tx, actor, "review.unassign", "review_round", roundID, d.OwnerPath, nil, map[string]any{"item": itemID, "reviewer": reviewerID})
		}
		pool, declared, err := poolActors(ctx, tx, roundID)
		if err != nil {
			return err
		}
		var rev *portal.Actor
		for _, p := range pool {
			if p.UserID == reviewerID {
				rev = p
			}
		}
		if rev == nil {
			return &portal.Error{Code: portal.EINVALID, Message: "review.not_in_pool", Fields: map[string]string{"reviewer_id": "review.not_in_pool"}}
		}
		var it RoundItem
		if err := tx.QueryRow(ctx, `SELECT i.id, i.application_id, a.org_path, a.author_id FROM round_items i JOIN applications a ON a.id = i.application_id
			WHERE i.id = $1 AND i.round_id = $2`, itemID, roundID).Scan(&it.ID, &it.ApplicationID, &it.OrgPath, &it.AuthorID); err != nil {
			return err
		}
		if why := portal.ConflictReason(rev, it.OrgPath, it.AuthorID, endorserUsers(ctx, tx, it.ApplicationID), declared[reviewerID]); why != "" {
			return &portal.Error{Code: portal.EINVALID, Message: why, Fields: map[string]string{"reviewer_id": why}}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO review_assignments (round_id, item_id, reviewer_id) VALUES ($1, $2, $3)
			ON CONFLICT (item_id, reviewer_id) DO UPDATE SET status = 'assigned', note = ''`, roundID, itemID, reviewerID); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "review.assign_one", "review_round", roundID, d.OwnerPath, nil, map[string]any{"item": itemID, "reviewer": reviewerID})
	})
}

// MissingSheets lists, for each item, the sheets not yet submitted: what keeps a
// round from moving on.
func missingSheets(items []RoundItem, perItem int) []string {
	var out []string
	for _, it := range items {
		submitted, open := 0, []string{}
		for _, a := range it.Sheets {
			switch a.Status {
			case "submitted":
				submitted++
			case "assigned", "started":
				open = append(open, a.ReviewerName)
			}
		}
		if len(open) > 0 || submitted < perItem {
			label := it.Code + " " + it.Title
			if len(open) > 0 {
				label += "（" + strings.Join(open, "、") + "）"
			}
			out = append(out, label)
		}
	}
	return out
}

// SetRoundStatus moves a round on: draft → scoring (every item staffed), scoring →
// deciding (every sheet submitted; the refusal lists what is missing), deciding →
// published (every item decided), published → final (the window closed and every
// objection answered; see Finalize). A step back from deciding to scoring reopens
// scoring; at a mid-term or final round it also clears the decisions on items, whose
// outcomes follow the scores, so that they are taken again.
func (s *Store) SetRoundStatus(ctx context.Context, actor *portal.Actor, roundID int64, version int, next portal.RoundStatus) error {
	if next == portal.RoundFinal {
		return s.Finalize(ctx, actor, roundID, version)
	}
	return s.inTx(ctx, func(tx pgx.Tx) error {
		r, d, err := roundFor(ctx, tx, actor, roundID, true, true)
		if err != nil {
			return err
		}
		if r.Version != version {
			return portal.Conflict("review.stale")
		}
		items, err := roundItems(ctx, tx, roundID)
		if err != nil {
			return err
		}
		switch {
		case r.Status == portal.RoundDraft && next == portal.RoundScoring:
			if len(items) == 0 {
				return portal.Errorf(portal.EINVALID, "review.no_items_to_score")
			}
			for _, it := range items {
				staffed := 0
				for _, a := range it.Sheets {
					if a.Status != "declined" && a.Status != "conflict" {
						staffed++
					}
				}
				if staffed == 0 {
					return portal.Errorf(portal.EINVALID, "review.unstaffed", it.Code+" "+it.Title)
				}
			}
		case r.Status == portal.RoundScoring && next == portal.RoundDeciding:
			if missing := missingSheets(items, 1); len(missing) > 0 {
				return portal.Errorf(portal.EINVALID, "review.scoring_incomplete", strings.Join(missing, "；"))
			}
		case r.Status == portal.RoundDeciding && next == portal.RoundScoring:
			if r.Stage != portal.StageApproval {
				if _, err := tx.Exec(ctx, `DELETE FROM round_decisions WHERE round_id = $1 AND item_id IS NOT NULL`, roundID); err != nil {
					return err
				}
			}
		case r.Status == portal.RoundDeciding && next == portal.RoundPublished:
			var undecided []string
			for _, it := range items {
				if it.Decision == "" {
					undecided = append(undecided, it.Code+" "+it.Title)
				}
			}
			if len(undecided) > 0 {
				return portal.Errorf(portal.EINVALID, "review.undecided", strings.Join(undecided, "；"))
			}
			if missing := missingSheets(items, 1); len(missing) > 0 {
				return portal.Errorf(portal.EINVALID, "review.scoring_incomplete", strings.Join(missing, "；"))
			}
			if _, err := tx.Exec(ctx, `UPDATE review_rounds SET published_at = $2 WHERE id = $1`, roundID, s.Now()); err != nil {
				return err
			}
			if err := notifyRound(ctx, tx, roundID, "notify.round_published", r.Title); err != nil {
				return err
			}
		default:
			return portal.Errorf(portal.EINVALID, "review.bad_move")
		}
		if _, err := tx.Exec(ctx, `UPDATE review_rounds SET status = $2, version = version + 1 WHERE id = $1`, roundID, next); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "review.status", "review_round", roundID, d.OwnerPath,
			map[string]any{"status": r.Status}, map[string]any{"status": next})
	})
}

// notifyRound tells the authors of a round's applications.
func notifyRound(ctx context.Context, tx pgx.Tx, roundID int64, key, title string) error {
	rows, err := tx.Query(ctx, `SELECT DISTINCT a.author_id FROM round_items i JOIN applications a ON a.id = i.application_id WHERE i.round_id = $1`, roundID)
	if err != nil {
		return err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return err
	}
	b, _ := json.Marshal([]any{title})
	for _, id := range ids {
		if _, err := tx.Exec(ctx, `INSERT INTO notifications (user_id, message, args, link) VALUES ($1, $2, $3, $4)`,
			id, key, b, fmt.Sprintf("/rounds/%d/publication", roundID)); err != nil {
			return err
		}
	}
	return nil
}

// MyReview is one sheet in a reviewer's list.
type MyReview struct {
	Assignment
	RoundTitle   string
	ProgramTitle string
	RoundStatus  portal.RoundStatus
	Code         string
	Title        string // empty in a blind round
	OrgName      string // empty in a blind round
	Position     int
	Current      bool // the presenter on stage in defence mode
}

// MyReviews lists the sheets assigned to the actor in rounds being scored or decided.
func (s *Store) MyReviews(ctx context.Context, actor *portal.Actor) ([]MyReview, error) {
	var out []MyReview
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT a.id, a.round_id, a.item_id, a.reviewer_id, u.display_name, a.status, a.scores, a.comments,
			a.overall, a.recommendation, a.note, a.submitted_at, a.version,
			r.title, p.title, r.status, i.code, CASE WHEN r.blind THEN '' ELSE ap.title END, CASE WHEN r.blind THEN '' ELSE o.name END,
			i.position, coalesce(r.current_item = i.id, false)
			FROM review_assignments a JOIN users u ON u.id = a.reviewer_id JOIN review_rounds r ON r.id = a.round_id
			JOIN programs p ON p.id = r.program_id JOIN round_items i ON i.id = a.item_id
			JOIN applications ap ON ap.id = i.application_id JOIN orgs o ON o.id = ap.org_id
			WHERE a.reviewer_id = $1 AND r.status IN ('scoring', 'deciding') AND a.status IN ('assigned', 'started', 'submitted')
			ORDER BY r.id, i.position, i.id`, actor.UserID)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (MyReview, error) {
			var m MyReview
			var scores, comments []byte
			var submitted *time.Time
			err := r.Scan(&m.ID, &m.RoundID, &m.ItemID, &m.ReviewerID, &m.ReviewerName, &m.Status, &scores, &comments,
				&m.Sheet.Overall, &m.Sheet.Recommendation, &m.Note, &submitted, &m.Version,
				&m.RoundTitle, &m.ProgramTitle, &m.RoundStatus, &m.Code, &m.Title, &m.OrgName, &m.Position, &m.Current)
			if submitted != nil {
				m.SubmittedAt = *submitted
			}
			return m, err
		})
		return err
	})
	return out, err
}

// ReviewSheet is what a reviewer sees to score one item: the frozen submission (at
// an approval round) or the project's report (at a mid-term or final round), its
// files (named by the blind code in a blind round) and the rubric.
type ReviewSheet struct {
	Assignment Assignment
	Round      Round
	Program    portal.ProgramDetail
	Track      portal.Track
	Code       string
	OrgName    string // empty in a blind round
	Version    portal.AppVersion
	Files      []portal.Attachment
	// Report is the report under review at a mid-term or final round, nil at an
	// approval round; Version then carries only the title.
	Report *ReviewedReport
}

// GetReviewSheet returns the sheet with id to the reviewer it is assigned to.
func (s *Store) GetReviewSheet(ctx context.Context, actor *portal.Actor, id int64) (ReviewSheet, error) {
	var out ReviewSheet
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		var err error
		out, err = reviewSheet(ctx, tx, actor, id)
		return err
	})
	return out, err
}

func reviewSheet(ctx context.Context, tx pgx.Tx, actor *portal.Actor, id int64) (ReviewSheet, error) {
	var out ReviewSheet
	rows, err := tx.Query(ctx, `SELECT a.id, a.round_id, a.item_id, a.reviewer_id, u.display_name, a.status, a.scores, a.comments,
		a.overall, a.recommendation, a.note, a.submitted_at, a.version
		FROM review_assignments a JOIN users u ON u.id = a.reviewer_id WHERE a.id = $1`, id)
	if err != nil {
		return out, err
	}
	out.Assignment, err = pgx.CollectExactlyOneRow(rows, scanAssignment)
	if err != nil {
		return out, err
	}
	if !portal.CanScore(actor, out.Assignment.ReviewerID) {
		return out, portal.NotFound()
	}
	if out.Round, err = scanRound(tx.QueryRow(ctx, `SELECT `+roundColumns+` FROM review_rounds r WHERE r.id = $1`, out.Assignment.RoundID)); err != nil {
		return out, err
	}
	if out.Program, err = loadProgram(ctx, tx, out.Round.ProgramID); err != nil {
		return out, err
	}
	var appID, trackID, reportID int64
	var number int
	if err := tx.QueryRow(ctx, `SELECT i.application_id, i.track_id, i.version_number, i.code, o.name, coalesce(i.report_id, 0)
		FROM round_items i JOIN applications a ON a.id = i.application_id JOIN orgs o ON o.id = a.org_id WHERE i.id = $1`, out.Assignment.ItemID).
		Scan(&appID, &trackID, &number, &out.Code, &out.OrgName, &reportID); err != nil {
		return out, err
	}
	out.Track, _ = out.Program.Track(trackID)
	if reportID != 0 {
		return out, reportSheet(ctx, tx, &out, reportID)
	}
	var content []byte
	if err := tx.QueryRow(ctx, `SELECT number, title, content, sent_by_name, sent_at FROM application_versions
		WHERE application_id = $1 AND number = $2`, appID, number).Scan(&out.Version.Number, &out.Version.Title, &content,
		&out.Version.SentByName, &out.Version.SentAt); err != nil {
		return out, err
	}
	if err := json.Unmarshal(content, &out.Version.Content); err != nil {
		return out, err
	}
	all, err := attachments(ctx, tx, appID)
	if err != nil {
		return out, err
	}
	for i, at := range all {
		if !containsID(out.Version.Content.Attachments, at.ID) {
			continue
		}
		if out.Round.Blind {
			ext := ""
			if dot := strings.LastIndex(at.Name, "."); dot >= 0 {
				ext = at.Name[dot:]
			}
			at.Name = fmt.Sprintf("%s-%d%s", out.Code, i+1, ext)
		}
		out.Files = append(out.Files, at)
	}
	if out.Round.Blind {
		out.OrgName = ""
		out.Version.SentByName = ""
		c := &out.Version.Content
		c.Leader = portal.Leader{}
		c.Figures = portal.Figures{}
	}
	return out, nil
}

// ReviewFile returns a file of the submission (or of the report's evidence) behind a
// sheet, to its reviewer, under the name the sheet shows (the blind code in a blind
// round).
func (s *Store) ReviewFile(ctx context.Context, actor *portal.Actor, sheetID, fileID int64) (portal.Attachment, []byte, error) {
	var at portal.Attachment
	var data []byte
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		rs, err := reviewSheet(ctx, tx, actor, sheetID)
		if err != nil {
			return err
		}
		for _, f := range rs.Files {
			if f.ID == fileID {
				at = f
				if rs.Report != nil {
					return tx.QueryRow(ctx, `SELECT data FROM evidence WHERE id = $1`, fileID).Scan(&data)
				}
				return tx.QueryRow(ctx, `SELECT data FROM attachments WHERE id = $1`, fileID).Scan(&data)
			}
		}
		return portal.NotFound()
	})
	return at, data, err
}

// SaveSheet stores the reviewer's scores; submit locks them (only the manager can
// reopen). A stale version is a conflict (two tabs saving the same sheet).
func (s *Store) SaveSheet(ctx context.Context, actor *portal.Actor, id int64, version int, sh portal.Sheet, submit bool) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		// Only what saving needs, in one statement: the sheet (locked), its round
		// and the program's owner (for the audit), not the application the sheet shows.
		var rs ReviewSheet
		var a struct {
			ReviewerID, RoundID int64
			Status              string
			Version             int
		}
		var err error
		row := tx.QueryRow(ctx, `SELECT a.reviewer_id, a.round_id, a.status, a.version, `+roundColumns+`,
			(SELECT o.path FROM programs p JOIN orgs o ON o.id = p.owner_org_id WHERE p.id = r.program_id)
			FROM review_assignments a JOIN review_rounds r ON r.id = a.round_id WHERE a.id = $1 FOR UPDATE OF a`, id)
		if rs.Round, err = scanRound(rowAround{row, []any{&a.ReviewerID, &a.RoundID, &a.Status, &a.Version}, []any{&rs.Program.OwnerPath}}); err != nil {
			return err
		}
		if !portal.CanScore(actor, a.ReviewerID) {
			return portal.NotFound()
		}
		if rs.Round.Status != portal.RoundScoring || (a.Status != "assigned" && a.Status != "started") {
			return portal.Errorf(portal.EINVALID, "review.sheet_locked")
		}
		if a.Version != version {
			return portal.Conflict("review.sheet_stale")
		}
		if err := portal.CheckSheet(rs.Round.Rubric, rs.Round.Stage, sh, submit); err != nil {
			return err
		}
		scores, _ := json.Marshal(sh.Scores)
		comments, _ := json.Marshal(sh.Comments)
		status, action := "started", "review.sheet_started"
		if submit {
			status, action = "submitted", "review.sheet_submitted"
		}
		if _, err := tx.Exec(ctx, `UPDATE review_assignments SET scores = $2, comments = $3, overall = $4, recommendation = $5,
			status = $6, submitted_at = CASE WHEN $6 = 'submitted' THEN now() ELSE NULL END, version = version + 1 WHERE id = $1`,
			id, scores, comments, sh.Overall, sh.Recommendation, status); err != nil {
			return err
		}
		return audit(ctx, tx, actor, action, "review_assignment", id, rs.Program.OwnerPath, nil,
			map[string]any{"scores": sh.Scores, "total": portal.WeightedTotal(rs.Round.Rubric, sh), "recommendation": sh.Recommendation})
	})
}

// DeclineSheet lets a reviewer decline a sheet, or declare a conflict of interest;
// the item is given another reviewer from the pool where one is free of conflicts.
func (s *Store) DeclineSheet(ctx context.Context, actor *portal.Actor, id int64, conflict bool, note string) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		rs, err := reviewSheet(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if rs.Round.Status != portal.RoundScoring && rs.Round.Status != portal.RoundDraft || rs.Assignment.Status == "submitted" {
			return portal.Errorf(portal.EINVALID, "review.sheet_locked")
		}
		if msg := checkNote(note, !conflict); msg != "" {
			return &portal.Error{Code: portal.EINVALID, Message: "error.invalid_form", Fields: map[string]string{"note": msg}}
		}
		status, action := "declined", "review.sheet_declined"
		if conflict {
			status, action = "conflict", "review.sheet_conflict"
		}
		if _, err := tx.Exec(ctx, `UPDATE review_assignments SET status = $2, note = $3, version = version + 1 WHERE id = $1`, id, status, note); err != nil {
			return err
		}
		if _, err := assignRound(ctx, tx, rs.Round); err != nil {
			return err
		}
		return audit(ctx, tx, actor, action, "review_assignment", id, rs.Program.OwnerPath, nil, map[string]any{"note": note})
	})
}

// ReopenSheet lets the manager unlock a submitted sheet while the round is scored.
func (s *Store) ReopenSheet(ctx context.Context, actor *portal.Actor, roundID, sheetID int64) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		r, d, err := roundFor(ctx, tx, actor, roundID, true, true)
		if err != nil {
			return err
		}
		if r.Status != portal.RoundScoring {
			return portal.Errorf(portal.EINVALID, "review.not_editable")
		}
		tag, err := tx.Exec(ctx, `UPDATE review_assignments SET status = 'started', submitted_at = NULL, version = version + 1
			WHERE id = $1 AND round_id = $2 AND status = 'submitted'`, sheetID, roundID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return portal.NotFound()
		}
		return audit(ctx, tx, actor, "review.sheet_reopen", "review_assignment", sheetID, d.OwnerPath, nil, nil)
	})
}

// ItemResult is one item's aggregate in a round's results.
type ItemResult struct {
	Item    RoundItem
	Totals  []float64 // per submitted sheet, in sheet order (normalised when the round normalises)
	Stats   portal.Stats
	Ranked  portal.Ranked
	KeyFull bool
	Grade   portal.Grade // the trimmed mean against the rubric's pass and excellent lines
}

// TrackResult is one track's ranking.
type TrackResult struct {
	Track portal.Track
	Items []ItemResult // in rank order
	Auto  []AutoRecognised
}

// AutoRecognised is a unit recognised outside the quota without review.
type AutoRecognised struct {
	OrgID   int64
	OrgName string
	Reason  string
}

// RoundResults aggregates a round's submitted sheets: per item the weighted totals,
// mean, trimmed mean, median, standard deviation and count (normalised per reviewer
// when the round says so), the key-indicator rule, the grade, and per track the
// ranking with ties and the quota line. The quota limits places at approval rounds
// only: mid-term and final rounds rank without a line.
func (s *Store) RoundResults(ctx context.Context, actor *portal.Actor, roundID int64) ([]TrackResult, error) {
	var out []TrackResult
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		r, d, err := roundFor(ctx, tx, actor, roundID, false, false)
		if err != nil {
			return err
		}
		items, err := roundItems(ctx, tx, roundID)
		if err != nil {
			return err
		}
		out, err = results(ctx, tx, r, d, items)
		return err
	})
	return out, err
}

func results(ctx context.Context, tx pgx.Tx, r Round, d portal.ProgramDetail, items []RoundItem) ([]TrackResult, error) {
	raw := map[int64]map[int64]float64{} // reviewer → item → total
	for _, it := range items {
		for _, a := range it.Sheets {
			if a.Status == "submitted" {
				if raw[a.ReviewerID] == nil {
					raw[a.ReviewerID] = map[int64]float64{}
				}
				raw[a.ReviewerID][it.ID] = portal.WeightedTotal(r.Rubric, a.Sheet)
			}
		}
	}
	totals := raw
	if r.Normalise {
		totals = portal.Normalise(raw)
	}
	var out []TrackResult
	for _, t := range d.Tracks {
		if !containsID(r.TrackIDs, t.ID) {
			continue
		}
		tr := TrackResult{Track: t}
		var ranked []portal.Ranked
		byID := map[int64]ItemResult{}
		for _, it := range items {
			if it.TrackID != t.ID {
				continue
			}
			res := ItemResult{Item: it}
			var sheets []portal.Sheet
			for _, a := range it.Sheets {
				if a.Status == "submitted" {
					res.Totals = append(res.Totals, totals[a.ReviewerID][it.ID])
					sheets = append(sheets, a.Sheet)
				}
			}
			res.Stats = portal.Aggregate(res.Totals)
			res.KeyFull = portal.KeyIndicatorsFull(r.Rubric, sheets)
			res.Grade = r.Rubric.GradeOf(res.Stats.Count, res.Stats.TrimmedMean, res.KeyFull)
			keyOK := !r.Rubric.KeyFull || res.KeyFull
			ranked = append(ranked, portal.Ranked{ItemID: it.ID, Score: res.Stats.TrimmedMean, KeyOK: keyOK})
			byID[it.ID] = res
		}
		quota := t.Quota
		if r.Stage != portal.StageApproval {
			quota = 0
		}
		for _, rk := range portal.Rank(ranked, quota) {
			res := byID[rk.ItemID]
			res.Ranked = rk
			tr.Items = append(tr.Items, res)
		}
		rows, err := tx.Query(ctx, `SELECT d.org_id, o.name, d.reason FROM round_decisions d JOIN orgs o ON o.id = d.org_id
			WHERE d.round_id = $1 AND d.track_id = $2 AND d.auto_recognised ORDER BY o.name`, r.ID, t.ID)
		if err != nil {
			return nil, err
		}
		if tr.Auto, err = pgx.CollectRows(rows, pgx.RowToStructByPos[AutoRecognised]); err != nil {
			return nil, err
		}
		out = append(out, tr)
	}
	return out, nil
}

// Decide records the committee's decision for one track. At an approval round the
// selected items are approved and the others rejected; selecting past the quota
// needs a written reason, which is kept. At a mid-term or final round the selected
// items are those the committee passes, and each item's outcome is
// portal.RoundOutcome of that choice and the item's grade (excellent, pass,
// rectify, fail); no quota applies.
func (s *Store) Decide(ctx context.Context, actor *portal.Actor, roundID int64, version int, trackID int64, selected []int64, overReason string) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		r, d, err := roundFor(ctx, tx, actor, roundID, true, true)
		if err != nil {
			return err
		}
		if r.Version != version {
			return portal.Conflict("review.stale")
		}
		if r.Status != portal.RoundDeciding {
			return portal.Errorf(portal.EINVALID, "review.not_deciding")
		}
		t, ok := d.Track(trackID)
		if !ok || !containsID(r.TrackIDs, trackID) {
			return portal.NotFound()
		}
		items, err := roundItems(ctx, tx, roundID)
		if err != nil {
			return err
		}
		inTrack := map[int64]RoundItem{}
		for _, it := range items {
			if it.TrackID == trackID {
				inTrack[it.ID] = it
			}
		}
		for _, id := range selected {
			if _, ok := inTrack[id]; !ok {
				return portal.Errorf(portal.EINVALID, "error.bad_request")
			}
		}
		over := ""
		grades := map[int64]portal.Grade{}
		if r.Stage == portal.StageApproval {
			if err := portal.CheckSelection(len(selected), t.Quota, overReason); err != nil {
				return err
			}
			if t.Quota > 0 && len(selected) > t.Quota {
				over = strings.TrimSpace(overReason)
			}
		} else {
			res, err := results(ctx, tx, r, d, items)
			if err != nil {
				return err
			}
			for _, tr := range res {
				for _, ir := range tr.Items {
					grades[ir.Item.ID] = ir.Grade
				}
			}
		}
		yes, no := "approved", "rejected"
		outcomes := map[int64]string{}
		ids := make([]int64, 0, len(inTrack))
		for id := range inTrack {
			ids = append(ids, id)
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		for _, id := range ids {
			passed := containsID(selected, id)
			outcome := no
			if passed {
				outcome = yes
			}
			if o, ok := portal.RoundOutcome(r.Stage, passed, grades[id]); ok {
				outcome = string(o)
			}
			outcomes[id] = outcome
			if _, err := tx.Exec(ctx, `INSERT INTO round_decisions (round_id, item_id, org_id, track_id, outcome, over_quota_reason, decided_by, passed)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (round_id, item_id) DO UPDATE SET outcome = $5, over_quota_reason = $6,
				decided_by = $7, decided_at = now(), passed = $8`, roundID, id, inTrack[id].OrgID, trackID, outcome, over, actor.UserID, passed); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE review_rounds SET version = version + 1 WHERE id = $1`, roundID); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "review.decide", "review_round", roundID, d.OwnerPath, nil,
			map[string]any{"track": t.Name, "selected": selected, "quota": t.Quota, "over_quota_reason": over, "outcomes": outcomes})
	})
}

// AddAutoRecognised records a unit already recognised at provincial level as
// recognised in a track, outside the quota and without review. Only approval rounds
// recognise units: a mid-term or final round judges running projects' reports.
func (s *Store) AddAutoRecognised(ctx context.Context, actor *portal.Actor, roundID, trackID, orgID int64, reason string) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		r, d, err := roundFor(ctx, tx, actor, roundID, true, true)
		if err != nil {
			return err
		}
		if r.Status == portal.RoundFinal || r.Status == portal.RoundPublished {
			return portal.Errorf(portal.EINVALID, "review.not_editable")
		}
		if r.Stage != portal.StageApproval {
			return portal.Errorf(portal.EINVALID, "review.auto_approval_only")
		}
		if _, ok := d.Track(trackID); !ok || !containsID(r.TrackIDs, trackID) {
			return &portal.Error{Code: portal.EINVALID, Message: "error.invalid_form", Fields: map[string]string{"track_id": "form.choose"}}
		}
		o, err := scanOrg(tx.QueryRow(ctx, `SELECT `+orgColumns+` FROM orgs o WHERE o.id = $1`, orgID))
		if err != nil || !portal.PathCovers(d.ScopePath, o.Path) {
			return &portal.Error{Code: portal.EINVALID, Message: "error.invalid_form", Fields: map[string]string{"org_id": "form.choose"}}
		}
		if msg := checkNote(reason, true); msg != "" {
			return &portal.Error{Code: portal.EINVALID, Message: "error.invalid_form", Fields: map[string]string{"auto_reason": msg}}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO round_decisions (round_id, org_id, track_id, outcome, auto_recognised, reason, decided_by)
			VALUES ($1, $2, $3, 'approved', true, $4, $5)`, roundID, orgID, trackID, reason, actor.UserID); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "review.auto_recognise", "review_round", roundID, d.OwnerPath, nil,
			map[string]any{"org": o.Name, "track": trackID, "reason": reason})
	})
}

// PublicItem is one line of a 公示.
type PublicItem struct {
	TrackName      string
	OrgName        string
	Title          string
	Outcome        string
	AutoRecognised bool
	Score          float64
	HasScore       bool
}

// Objection is one objection raised during a 公示 and its answer.
type Objection struct {
	ID         int64
	AuthorName string
	Text       string
	At         time.Time
	Answer     string
	AnsweredAt time.Time
	Mine       bool
}

// Publication is a round's 公示 page.
type Publication struct {
	Round      Round
	Program    portal.ProgramDetail
	Items      []PublicItem
	Ends       time.Time
	Open       bool // objections may be raised
	Objections []Objection
	CanManage  bool
}

// GetPublication returns a published round's results to any signed-in person: the
// 公示 page. The manager also sees every objection; others their own.
func (s *Store) GetPublication(ctx context.Context, actor *portal.Actor, roundID int64) (Publication, error) {
	var out Publication
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		r, err := scanRound(tx.QueryRow(ctx, `SELECT `+roundColumns+` FROM review_rounds r WHERE r.id = $1`, roundID))
		if err != nil {
			return err
		}
		if !actor.SignedIn() || (r.Status != portal.RoundPublished && r.Status != portal.RoundFinal) {
			return portal.NotFound()
		}
		d, err := loadProgram(ctx, tx, r.ProgramID)
		if err != nil {
			return err
		}
		out.Round, out.Program = r, d
		out.CanManage = portal.Can(actor, portal.ActManageProgram, d.OwnerPath)
		out.Ends = r.PublicationEnds(s.Zone)
		out.Open = r.Status == portal.RoundPublished && s.Now().Before(out.Ends)
		items, err := roundItems(ctx, tx, roundID)
		if err != nil {
			return err
		}
		res, err := results(ctx, tx, r, d, items)
		if err != nil {
			return err
		}
		for _, tr := range res {
			for _, ir := range tr.Items {
				if ir.Item.Decision == "approved" || ir.Item.Decision == "pass" || ir.Item.Decision == "excellent" || ir.Item.Decision == "rectify" {
					out.Items = append(out.Items, PublicItem{TrackName: tr.Track.Name, OrgName: ir.Item.OrgName, Title: ir.Item.Title,
						Outcome: ir.Item.Decision, Score: ir.Stats.TrimmedMean, HasScore: ir.Stats.Count > 0})
				}
			}
			for _, a := range tr.Auto {
				out.Items = append(out.Items, PublicItem{TrackName: tr.Track.Name, OrgName: a.OrgName, Title: a.Reason,
					Outcome: "approved", AutoRecognised: true})
			}
		}
		rows, err := tx.Query(ctx, `SELECT ob.id, u.display_name, ob.text, ob.created_at, ob.answer, coalesce(ob.answered_at, 'epoch'),
			ob.author_id = $2 FROM objections ob JOIN users u ON u.id = ob.author_id
			WHERE ob.round_id = $1 AND ($3 OR ob.author_id = $2) ORDER BY ob.id`, roundID, actor.UserID, out.CanManage)
		if err != nil {
			return err
		}
		out.Objections, err = pgx.CollectRows(rows, pgx.RowToStructByPos[Objection])
		return err
	})
	return out, err
}

// RaiseObjection records an objection to a published round while its window is open.
func (s *Store) RaiseObjection(ctx context.Context, actor *portal.Actor, roundID int64, text string) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		r, err := scanRound(tx.QueryRow(ctx, `SELECT `+roundColumns+` FROM review_rounds r WHERE r.id = $1`, roundID))
		if err != nil {
			return err
		}
		if !actor.SignedIn() || (r.Status != portal.RoundPublished && r.Status != portal.RoundFinal) {
			return portal.NotFound()
		}
		if r.Status != portal.RoundPublished || !s.Now().Before(r.PublicationEnds(s.Zone)) {
			return portal.Errorf(portal.EINVALID, "review.publication_closed")
		}
		text = strings.TrimSpace(text)
		if msg := checkNote(text, true); msg != "" {
			return &portal.Error{Code: portal.EINVALID, Message: "error.invalid_form", Fields: map[string]string{"text": msg}}
		}
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO objections (round_id, author_id, text) VALUES ($1, $2, $3) RETURNING id`, roundID, actor.UserID, text).Scan(&id); err != nil {
			return err
		}
		d, err := loadProgram(ctx, tx, r.ProgramID)
		if err != nil {
			return err
		}
		managers, err := usersWithRoleCovering(ctx, tx, portal.RoleManager, d.OwnerPath)
		if err != nil {
			return err
		}
		b, _ := json.Marshal([]any{r.Title})
		for _, m := range managers {
			if _, err := tx.Exec(ctx, `INSERT INTO notifications (user_id, message, args, link) VALUES ($1, 'notify.objection', $2, $3)`,
				m, b, fmt.Sprintf("/rounds/%d/publication", roundID)); err != nil {
				return err
			}
		}
		return audit(ctx, tx, actor, "review.objection", "objection", id, d.OwnerPath, nil, map[string]any{"round": roundID, "text": text})
	})
}

// AnswerObjection records the manager's answer to an objection.
func (s *Store) AnswerObjection(ctx context.Context, actor *portal.Actor, roundID, objectionID int64, answer string) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		_, d, err := roundFor(ctx, tx, actor, roundID, true, true)
		if err != nil {
			return err
		}
		answer = strings.TrimSpace(answer)
		if msg := checkNote(answer, true); msg != "" {
			return &portal.Error{Code: portal.EINVALID, Message: "error.invalid_form", Fields: map[string]string{"answer": msg}}
		}
		var author int64
		if err := tx.QueryRow(ctx, `UPDATE objections SET answer = $3, answered_by = $4, answered_at = now()
			WHERE id = $1 AND round_id = $2 RETURNING author_id`, objectionID, roundID, answer, actor.UserID).Scan(&author); err != nil {
			return err
		}
		b, _ := json.Marshal([]any{answer})
		if _, err := tx.Exec(ctx, `INSERT INTO notifications (user_id, message, args, link) VALUES ($1, 'notify.objection_answered', $2, $3)`,
			author, b, fmt.Sprintf("/rounds/%d/publication", roundID)); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "review.objection_answer", "objection", objectionID, d.OwnerPath, nil, map[string]any{"answer": answer})
	})
}

// Finalize makes a published round's decisions final with no rectification date
// given: see FinalizeRound.
func (s *Store) Finalize(ctx context.Context, actor *portal.Actor, roundID int64, version int) error {
	return s.FinalizeRound(ctx, actor, roundID, version, time.Time{})
}

// FinalizeRound makes a published round's decisions final once its window has closed
// and every objection is answered. At an approval round, approved applications become
// projects (the track's grant, a cycle from the day after the round) and their status
// approved, the others rejected; every applicant is told. At a mid-term or final round
// each decision becomes its project's outcome through the same path as an outcome
// recorded on the project page (applyRoundOutcomes, applyOutcome): bans on a final
// fail, the commendation list on excellent, history, audit and notices. rectifyBy is
// the day by which projects told to rectify must do so; it is required (a field error
// "rectify_by") when some decision is to rectify, and ignored otherwise.
func (s *Store) FinalizeRound(ctx context.Context, actor *portal.Actor, roundID int64, version int, rectifyBy time.Time) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		r, d, err := roundFor(ctx, tx, actor, roundID, true, true)
		if err != nil {
			return err
		}
		if r.Version != version {
			return portal.Conflict("review.stale")
		}
		if r.Status != portal.RoundPublished {
			return portal.Errorf(portal.EINVALID, "review.bad_move")
		}
		if ends := r.PublicationEnds(s.Zone); s.Now().Before(ends) {
			return portal.Errorf(portal.EINVALID, "review.publication_running", ends.In(s.Zone).Format("2006-01-02 15:04"))
		}
		var open int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM objections WHERE round_id = $1 AND answered_at IS NULL`, roundID).Scan(&open); err != nil {
			return err
		}
		if open > 0 {
			return portal.Errorf(portal.EINVALID, "review.objections_open", open)
		}
		if r.Stage == portal.StageApproval {
			start := r.Ends.AddDate(0, 0, 1)
			rows, err := tx.Query(ctx, `SELECT dc.outcome, dc.auto_recognised, dc.org_id, dc.track_id, coalesce(i.application_id, 0),
				coalesce(a.title, dc.reason), coalesce(a.author_id, 0), o.path
				FROM round_decisions dc LEFT JOIN round_items i ON i.id = dc.item_id LEFT JOIN applications a ON a.id = i.application_id
				JOIN orgs o ON o.id = dc.org_id WHERE dc.round_id = $1`, roundID)
			if err != nil {
				return err
			}
			type dec struct {
				Outcome  string
				Auto     bool
				OrgID    int64
				TrackID  int64
				AppID    int64
				Title    string
				AuthorID int64
				OrgPath  string
			}
			decs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[dec])
			if err != nil {
				return err
			}
			for _, dc := range decs {
				t, _ := d.Track(dc.TrackID)
				if dc.Outcome == "approved" {
					var appID *int64
					if dc.AppID != 0 {
						appID = &dc.AppID
					}
					var projectID int64
					if err := tx.QueryRow(ctx, `INSERT INTO projects (application_id, program_id, track_id, org_id, org_path, title, grant_yuan,
						starts_on, ends_on, auto_recognised, round_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
						appID, d.ID, dc.TrackID, dc.OrgID, dc.OrgPath, dc.Title, t.GrantYuan, start, portal.CycleEnd(start, t.CycleMonths),
						dc.Auto, roundID).Scan(&projectID); err != nil {
						return err
					}
					// Milestones from the checklist and the plan, people responsible (projects.go).
					if err := setupProject(ctx, tx, projectID); err != nil {
						return err
					}
				}
				if dc.AppID == 0 {
					continue
				}
				status, key := "rejected", "notify.not_approved"
				if dc.Outcome == "approved" {
					status, key = "approved", "notify.approved"
				}
				if _, err := tx.Exec(ctx, `UPDATE applications SET status = $2, version = version + 1, updated_at = now() WHERE id = $1`, dc.AppID, status); err != nil {
					return err
				}
				ev := portal.EvApprove
				if status == "rejected" {
					ev = portal.EvReject
				}
				if _, err := tx.Exec(ctx, `INSERT INTO application_events (application_id, actor_id, actor_name, event, note) VALUES ($1, $2, $3, $4, $5)`,
					dc.AppID, actor.UserID, actor.Name, string(ev), r.Title); err != nil {
					return err
				}
				if err := notify(ctx, tx, []int64{dc.AuthorID}, key, dc.AppID, dc.Title, r.Title); err != nil {
					return err
				}
			}
		} else if err := s.applyRoundOutcomes(ctx, tx, actor, r, d, rectifyBy); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE review_rounds SET status = 'final', version = version + 1 WHERE id = $1`, roundID); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "review.finalize", "review_round", roundID, d.OwnerPath, map[string]any{"status": r.Status}, map[string]any{"status": "final"})
	})
}

// ListRounds returns a program's rounds to those who may view it.
func (s *Store) ListRounds(ctx context.Context, actor *portal.Actor, programID int64) ([]Round, error) {
	var out []Round
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		d, err := loadProgram(ctx, tx, programID)
		if err != nil {
			return err
		}
		if !portal.Can(actor, portal.ActViewProgram, d.OwnerPath) {
			return portal.NotFound()
		}
		rows, err := tx.Query(ctx, `SELECT `+roundColumns+` FROM review_rounds r WHERE r.program_id = $1 ORDER BY r.id DESC`, programID)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Round, error) { return scanRound(r) })
		return err
	})
	return out, err
}

// PublishedRounds lists the rounds whose 公示 is open or final, newest first, for
// every signed-in person.
func (s *Store) PublishedRounds(ctx context.Context, actor *portal.Actor) ([]Round, error) {
	var out []Round
	if !actor.SignedIn() {
		return nil, portal.NotFound()
	}
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+roundColumns+` FROM review_rounds r WHERE r.status IN ('published', 'final')
			ORDER BY r.published_at DESC NULLS LAST, r.id DESC LIMIT 50`)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Round, error) { return scanRound(r) })
		return err
	})
	return out, err
}

// RemindReviewers posts a reminder to every reviewer of the round with sheets not
// yet submitted, and returns how many were reminded.
func (s *Store) RemindReviewers(ctx context.Context, actor *portal.Actor, roundID int64) (int, error) {
	var n int
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		r, d, err := roundFor(ctx, tx, actor, roundID, true, false)
		if err != nil {
			return err
		}
		if r.Status != portal.RoundScoring {
			return portal.Errorf(portal.EINVALID, "review.not_scoring")
		}
		rows, err := tx.Query(ctx, `SELECT reviewer_id, count(*) FROM review_assignments WHERE round_id = $1
			AND status IN ('assigned', 'started') GROUP BY reviewer_id`, roundID)
		if err != nil {
			return err
		}
		type behind struct {
			ID    int64
			Count int
		}
		list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[behind])
		if err != nil {
			return err
		}
		for _, b := range list {
			args, _ := json.Marshal([]any{r.Title, b.Count})
			if _, err := tx.Exec(ctx, `INSERT INTO notifications (user_id, message, args, link) VALUES ($1, 'notify.review_reminder', $2, '/reviews')`,
				b.ID, args); err != nil {
				return err
			}
		}
		n = len(list)
		return audit(ctx, tx, actor, "review.remind", "review_round", roundID, d.OwnerPath, nil, map[string]any{"reviewers": n})
	})
	return n, err
}

// SetPresentation sets the on-site defence (答辩/路演) order, positions by item id,
// and the item presenting now (0 for none).
func (s *Store) SetPresentation(ctx context.Context, actor *portal.Actor, roundID int64, positions map[int64]int, current int64) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		r, d, err := roundFor(ctx, tx, actor, roundID, true, true)
		if err != nil {
			return err
		}
		if r.Status == portal.RoundFinal || r.Status == portal.RoundPublished {
			return portal.Errorf(portal.EINVALID, "review.not_editable")
		}
		for item, pos := range positions {
			if pos < 1 || pos > 10000 {
				return &portal.Error{Code: portal.EINVALID, Message: "error.invalid_form", Fields: map[string]string{fmt.Sprintf("pos_%d", item): "review.position_invalid"}}
			}
			tag, err := tx.Exec(ctx, `UPDATE round_items SET position = $3 WHERE id = $2 AND round_id = $1`, roundID, item, pos)
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				return portal.Errorf(portal.EINVALID, "error.bad_request")
			}
		}
		var cur *int64
		if current != 0 {
			var ok bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM round_items WHERE id = $1 AND round_id = $2)`, current, roundID).Scan(&ok); err != nil {
				return err
			}
			if !ok {
				return portal.Errorf(portal.EINVALID, "error.bad_request")
			}
			cur = &current
		}
		if _, err := tx.Exec(ctx, `UPDATE review_rounds SET current_item = $2, version = version + 1 WHERE id = $1`, roundID, cur); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "review.presentation", "review_round", roundID, d.OwnerPath, nil, map[string]any{"current": current, "positions": positions})
	})
}

// RubricTemplate is a rubric saved for reuse.
type RubricTemplate struct {
	ID     int64
	Name   string
	Owner  string
	Rubric portal.Rubric
}

// SaveRubricTemplate saves a rubric under a name for the organization whose
// programs the actor manages; the same name replaces the earlier one.
func (s *Store) SaveRubricTemplate(ctx context.Context, actor *portal.Actor, ownerOrgID int64, name string, r portal.Rubric) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		o, err := scanOrg(tx.QueryRow(ctx, `SELECT `+orgColumns+` FROM orgs o WHERE o.id = $1`, ownerOrgID))
		if err != nil || !portal.Can(actor, portal.ActManageProgram, o.Path) {
			return portal.NotFound()
		}
		name = strings.TrimSpace(name)
		if name == "" || len([]rune(name)) > 100 {
			return &portal.Error{Code: portal.EINVALID, Message: "error.invalid_form", Fields: map[string]string{"template_name": "form.required"}}
		}
		if err := r.Validate(); err != nil {
			return err
		}
		b, _ := json.Marshal(r)
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO rubric_templates (owner_org_id, name, rubric) VALUES ($1, $2, $3)
			ON CONFLICT (owner_org_id, name) DO UPDATE SET rubric = $3 RETURNING id`, ownerOrgID, name, b).Scan(&id); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "review.template_save", "rubric_template", id, o.Path, nil, map[string]any{"name": name})
	})
}

// RubricTemplates lists the templates of the organizations whose programs the actor
// manages.
func (s *Store) RubricTemplates(ctx context.Context, actor *portal.Actor) ([]RubricTemplate, error) {
	var out []RubricTemplate
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT t.id, t.name, o.name, t.rubric FROM rubric_templates t JOIN orgs o ON o.id = t.owner_org_id
			WHERE o.path LIKE ANY($1) ORDER BY t.name LIMIT 200`, likeScope(actor.RoleScope(portal.RolesFor(portal.ActManageProgram)...)))
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (RubricTemplate, error) {
			var t RubricTemplate
			var b []byte
			if err := r.Scan(&t.ID, &t.Name, &t.Owner, &b); err != nil {
				return t, err
			}
			return t, json.Unmarshal(b, &t.Rubric)
		})
		return err
	})
	return out, err
}

// ReviewerChoices lists the active people a manager may add to a round's pool:
// those holding a reviewer grant anywhere the actor manages, and everyone whose home
// lies there (experts the manager adds). At most 500, by name.
func (s *Store) ReviewerChoices(ctx context.Context, actor *portal.Actor, roundID int64) ([]portal.User, error) {
	var out []portal.User
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		_, d, err := roundFor(ctx, tx, actor, roundID, true, false)
		if err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT `+userColumns+userFrom+` WHERE u.active AND (h.path LIKE $1 OR EXISTS (
			SELECT 1 FROM role_grants g JOIN orgs o ON o.id = g.org_id WHERE g.user_id = u.id AND g.role = 'reviewer'))
			AND NOT EXISTS (SELECT 1 FROM round_reviewers rr WHERE rr.round_id = $2 AND rr.user_id = u.id)
			ORDER BY u.display_name, u.id LIMIT 500`, d.ScopePath+"%", roundID)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (portal.User, error) { return scanUser(r) })
		return err
	})
	return out, err
}

// ApplicantChoices lists the active organizations within a program's scope of a kind
// some track accepts, for the manager's forms (auto-recognition). At most 500.
func (s *Store) ApplicantChoices(ctx context.Context, actor *portal.Actor, programID int64) ([]portal.Org, error) {
	var out []portal.Org
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		d, err := loadProgram(ctx, tx, programID)
		if err != nil {
			return err
		}
		if !portal.Can(actor, portal.ActManageProgram, d.OwnerPath) {
			return portal.NotFound()
		}
		var kinds []string
		for _, t := range d.Tracks {
			kinds = append(kinds, kindStrings(t.EligibleKinds)...)
		}
		rows, err := tx.Query(ctx, `SELECT `+orgColumns+` FROM orgs o WHERE o.active AND o.path LIKE $1
			AND (cardinality($2::text[]) = 0 OR o.kind = ANY($2)) ORDER BY o.path LIMIT 500`, d.ScopePath+"%", kinds)
		if err != nil {
			return err
		}
		out, err = collectOrgs(rows, false)
		return err
	})
	return out, err
}
