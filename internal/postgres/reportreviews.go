package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campusorg/portal/internal/portal"
)

// Review rounds of the mid-term and final stages: their items are projects' reports
// (round_items.report_id), reviewers score the report, and finalizing the round
// applies each decision as the project's outcome through applyOutcome.

// addReportItems puts into a mid-term or final round the projects of the tracks
// whose report of the stage portal.ReportReviewable admits, ordered by track then
// project, with blind codes. A project without an application (a unit recognised
// without applying) has no round item and keeps the direct outcome on its page. The
// projects and reports taken in are locked, so that an outcome recorded directly at
// the same moment (DecideOutcome, which locks the project) either lands first and
// keeps the report out, or waits and then sees the round.
func addReportItems(ctx context.Context, tx pgx.Tx, roundID int64, d portal.ProgramDetail, trackIDs []int64, stage portal.Stage) error {
	type candidate struct {
		ReportID      int64
		ApplicationID int64
		Versions      int
		ProjectStatus portal.ProjectStatus
		ReportStatus  string
		Outcome       portal.Outcome
		InOpenRound   bool
	}
	for ti, t := range d.Tracks {
		if !containsID(trackIDs, t.ID) {
			continue
		}
		rows, err := tx.Query(ctx, `SELECT rp.id, pr.application_id, a.versions, pr.status, rp.status, rp.outcome,
			EXISTS (SELECT 1 FROM round_items ri JOIN review_rounds rr ON rr.id = ri.round_id
				WHERE ri.report_id = rp.id AND rr.status <> 'final')
			FROM projects pr JOIN project_reports rp ON rp.project_id = pr.id AND rp.stage = $2
			JOIN applications a ON a.id = pr.application_id
			WHERE pr.program_id = $3 AND pr.track_id = $1 AND rp.status = 'submitted' ORDER BY pr.id
			FOR UPDATE OF pr, rp`, t.ID, stage, d.ID)
		if err != nil {
			return err
		}
		list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[candidate])
		if err != nil {
			return err
		}
		n := 0
		for _, c := range list {
			if !portal.ReportReviewable(portal.ReportCandidate{ProjectStatus: c.ProjectStatus, ReportStatus: c.ReportStatus,
				Outcome: c.Outcome, InOpenRound: c.InOpenRound}) {
				continue
			}
			n++
			if _, err := tx.Exec(ctx, `INSERT INTO round_items (round_id, application_id, track_id, version_number, position, code, report_id)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, roundID, c.ApplicationID, t.ID, c.Versions, n, portal.BlindCode(ti, n), c.ReportID); err != nil {
				return err
			}
		}
	}
	return nil
}

// ReviewedReport is a project's report as its reviewers read it.
type ReviewedReport struct {
	Stage       portal.Stage
	Summary     string
	Results     string
	Late        bool
	SubmittedAt time.Time
	Links       []Evidence // evidence links; the files are the sheet's Files
}

// reportSheet fills a sheet of a mid-term or final round with the report under
// review: its summary, results, links and files. In a blind round the files and links
// are named by the item's code and the report's author is not shown.
func reportSheet(ctx context.Context, tx pgx.Tx, out *ReviewSheet, reportID int64) error {
	rep := ReviewedReport{}
	var submitted *time.Time
	if err := tx.QueryRow(ctx, `SELECT rp.stage, rp.summary, rp.results, rp.late, rp.submitted_at, pr.title, coalesce(u.display_name, '')
		FROM project_reports rp JOIN projects pr ON pr.id = rp.project_id LEFT JOIN users u ON u.id = rp.submitted_by
		WHERE rp.id = $1`, reportID).Scan(&rep.Stage, &rep.Summary, &rep.Results, &rep.Late, &submitted, &out.Version.Title,
		&out.Version.SentByName); err != nil {
		return err
	}
	if submitted != nil {
		rep.SubmittedAt = *submitted
		out.Version.SentAt = *submitted
	}
	rows, err := tx.Query(ctx, `SELECT `+evidenceColumns+` FROM evidence WHERE report_id = $1 ORDER BY id`, reportID)
	if err != nil {
		return err
	}
	evidence, err := collectEvidence(rows)
	if err != nil {
		return err
	}
	for i, e := range evidence {
		name := e.Name
		if out.Round.Blind {
			ext := ""
			if dot := strings.LastIndex(name, "."); dot >= 0 && e.Kind == "file" {
				ext = name[dot:]
			}
			name = fmt.Sprintf("%s-%d%s", out.Code, i+1, ext)
		}
		if e.Kind == "link" {
			e.Name = name
			rep.Links = append(rep.Links, e)
			continue
		}
		out.Files = append(out.Files, portal.Attachment{ID: e.ID, Name: name, ContentType: e.ContentType, Size: e.Size, UploadedAt: e.UploadedAt})
	}
	if out.Round.Blind {
		out.OrgName = ""
		out.Version.SentByName = ""
	}
	out.Report = &rep
	return nil
}

// ProjectRound is a review round holding one of a project's reports.
type ProjectRound struct {
	RoundID  int64
	Title    string
	Stage    portal.Stage
	Status   portal.RoundStatus
	Decision string // the round's decision on the report, "" before it
}

// projectRounds lists the review rounds holding a project's reports, oldest first.
func projectRounds(ctx context.Context, tx pgx.Tx, projectID int64) ([]ProjectRound, error) {
	// The project's reports (two at most) drive: each one's items through
	// round_items_report_idx.
	rows, err := tx.Query(ctx, `SELECT rr.id, rr.title, rr.stage, rr.status,
			coalesce((SELECT dc.outcome FROM round_decisions dc WHERE dc.item_id = ri.id), '')
		FROM project_reports rp, LATERAL (SELECT ri.id, ri.round_id FROM round_items ri WHERE ri.report_id = rp.id OFFSET 0) ri
		JOIN review_rounds rr ON rr.id = ri.round_id
		WHERE rp.project_id = $1 ORDER BY rr.id`, projectID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[ProjectRound])
}

// reportRoundStages returns the stages of the review rounds holding a project's
// reports, for portal.CheckDirectOutcome.
func reportRoundStages(ctx context.Context, tx pgx.Tx, projectID int64) ([]portal.Stage, error) {
	rounds, err := projectRounds(ctx, tx, projectID)
	if err != nil {
		return nil, err
	}
	var out []portal.Stage
	for _, r := range rounds {
		out = append(out, r.Stage)
	}
	return out, nil
}

// applyRoundOutcomes makes a mid-term or final round's decisions the projects'
// outcomes, each through applyOutcome: the decision's outcome (portal.RoundOutcome,
// taken when the committee decided), the round's title and the item's score as the
// note, and for rectification the decision's own date or else rectifyBy, the date
// the manager gave when finalizing (refused as a field error "rectify_by" when
// missing or not after today). The date used is kept on the decision.
func (s *Store) applyRoundOutcomes(ctx context.Context, tx pgx.Tx, actor *portal.Actor, r Round, d portal.ProgramDetail, rectifyBy time.Time) error {
	items, err := roundItems(ctx, tx, r.ID)
	if err != nil {
		return err
	}
	res, err := results(ctx, tx, r, d, items)
	if err != nil {
		return err
	}
	scores := map[int64]portal.Stats{}
	for _, tr := range res {
		for _, ir := range tr.Items {
			scores[ir.Item.ID] = ir.Stats
		}
	}
	rows, err := tx.Query(ctx, `SELECT dc.id, dc.item_id, dc.outcome, dc.rectify_by, rp.project_id
		FROM round_decisions dc JOIN round_items i ON i.id = dc.item_id JOIN project_reports rp ON rp.id = i.report_id
		WHERE dc.round_id = $1 ORDER BY i.track_id, i.position, i.id`, r.ID)
	if err != nil {
		return err
	}
	type decision struct {
		ID        int64
		ItemID    int64
		Outcome   portal.Outcome
		RectifyBy *time.Time
		ProjectID int64
	}
	decs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[decision])
	if err != nil {
		return err
	}
	for _, dc := range decs {
		p, err := projectFor(ctx, tx, actor, dc.ProjectID, true)
		if err != nil {
			return err
		}
		note := r.Title
		if st := scores[dc.ItemID]; st.Count > 0 {
			note += " · " + scoreText(st.TrimmedMean)
		}
		in := portal.OutcomeInput{Stage: r.Stage, Outcome: dc.Outcome, Note: note}
		if dc.Outcome == portal.OutcomeRectify {
			in.RectifyBy = rectifyBy
			if dc.RectifyBy != nil {
				in.RectifyBy = *dc.RectifyBy
			}
		}
		if err := s.applyOutcome(ctx, tx, actor, p, in, r.ID); err != nil {
			return err
		}
		if !in.RectifyBy.IsZero() {
			if _, err := tx.Exec(ctx, `UPDATE round_decisions SET rectify_by = $2 WHERE id = $1`, dc.ID, portal.DateOf(in.RectifyBy)); err != nil {
				return err
			}
		}
	}
	return nil
}

// scoreText writes a score with at most two decimals, as the results page does.
func scoreText(x float64) string {
	t := fmt.Sprintf("%.2f", x)
	t = strings.TrimRight(strings.TrimRight(t, "0"), ".")
	if t == "" || t == "-0" {
		return "0"
	}
	return t
}
