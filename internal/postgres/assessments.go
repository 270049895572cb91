package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/campusorg/portal/internal/portal"
)

// Organization assessments: indicator systems, assessment rounds with their
// organizations, self-assessments and the assessors' scores, and branch gradings.
// Managers act on what their owner organization's grants cover
// (portal.ActManageAssessment); a round's assessors score (portal.CanAssessOrg) and
// an assessed organization writes its self-assessment (portal.ActSelfAssess); each
// write locks the row it changes, and anyone else is told the record does not exist.

// systemRecord is what the audit log keeps of an indicator system.
type systemRecord struct {
	OwnerOrgID int64              `json:"owner_org_id"`
	Name       string             `json:"name"`
	StatusName string             `json:"status_name"`
	Threshold  float64            `json:"threshold"`
	Indicators []portal.Indicator `json:"indicators"`
}

func systemRecordOf(s portal.IndicatorSystem) systemRecord {
	return systemRecord{OwnerOrgID: s.OwnerOrgID, Name: s.Name, StatusName: s.StatusName, Threshold: s.Threshold, Indicators: s.Indicators}
}

// loadSystem reads an indicator system with its indicators.
func loadSystem(ctx context.Context, tx pgx.Tx, id int64) (portal.IndicatorSystem, error) {
	var s portal.IndicatorSystem
	err := tx.QueryRow(ctx, `SELECT s.id, s.owner_org_id, o.path, o.name, s.name, s.description, s.status_name, s.threshold, s.version,
			EXISTS (SELECT 1 FROM assessment_rounds r WHERE r.system_id = s.id)
		FROM indicator_systems s JOIN orgs o ON o.id = s.owner_org_id WHERE s.id = $1`, id).Scan(
		&s.ID, &s.OwnerOrgID, &s.OwnerPath, &s.OwnerName, &s.Name, &s.Description, &s.StatusName, &s.Threshold, &s.Version, &s.InUse)
	if err != nil {
		return s, err
	}
	rows, err := tx.Query(ctx, `SELECT id, position, code, name, criteria, max_score, weight, key_indicator
		FROM indicators WHERE system_id = $1 ORDER BY position, id`, id)
	if err != nil {
		return s, err
	}
	s.Indicators, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (portal.Indicator, error) {
		var i portal.Indicator
		return i, r.Scan(&i.ID, &i.Position, &i.Code, &i.Name, &i.Criteria, &i.MaxScore, &i.Weight, &i.Key)
	})
	return s, err
}

// checkOwner reads an owner organization: active, and one where the actor manages
// assessments; else a field error on field.
func checkOwner(ctx context.Context, tx pgx.Tx, actor *portal.Actor, orgID int64, field string) (portal.Org, error) {
	o, err := scanOrg(tx.QueryRow(ctx, `SELECT `+orgColumns+` FROM orgs o WHERE o.id = $1`, orgID))
	if errors.Is(err, pgx.ErrNoRows) || err == nil && (!o.Active || !portal.Can(actor, portal.ActManageAssessment, o.Path)) {
		return o, &portal.Error{Code: portal.EINVALID, Message: "error.invalid_form", Fields: map[string]string{field: "form.choose"}}
	}
	return o, err
}

// CreateSystem creates an indicator system owned by in.OwnerOrgID, where the actor
// must manage assessments.
func (s *Store) CreateSystem(ctx context.Context, actor *portal.Actor, in portal.SystemInput) (portal.IndicatorSystem, error) {
	var out portal.IndicatorSystem
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if !portal.CanAny(actor, portal.ActManageAssessment) {
			return portal.NotFound()
		}
		if err := in.Validate(); err != nil {
			return err
		}
		if _, err := checkOwner(ctx, tx, actor, in.OwnerOrgID, "owner_org_id"); err != nil {
			return err
		}
		id, err := insertSystem(ctx, tx, in)
		if err != nil {
			return err
		}
		if out, err = loadSystem(ctx, tx, id); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "assessment.system_create", "indicator_system", id, out.OwnerPath, nil, systemRecordOf(out))
	})
	return out, err
}

func insertSystem(ctx context.Context, tx pgx.Tx, in portal.SystemInput) (int64, error) {
	var id int64
	if err := tx.QueryRow(ctx, `INSERT INTO indicator_systems (owner_org_id, name, description, status_name, threshold)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, in.OwnerOrgID, in.Name, in.Description, in.StatusName, in.Threshold).Scan(&id); err != nil {
		return 0, err
	}
	return id, insertIndicators(ctx, tx, id, in.Indicators)
}

func insertIndicators(ctx context.Context, tx pgx.Tx, systemID int64, inds []portal.IndicatorInput) error {
	for i, x := range inds {
		if _, err := tx.Exec(ctx, `INSERT INTO indicators (system_id, position, code, name, criteria, max_score, weight, key_indicator)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, systemID, i+1, x.Code, x.Name, x.Criteria, x.MaxScore, x.Weight, x.Key); err != nil {
			return err
		}
	}
	return nil
}

// UpdateSystem changes an indicator system no round applies yet, provided nobody
// changed it since version. Once a round applies it, its indicators are fixed: the
// scores given refer to them.
func (s *Store) UpdateSystem(ctx context.Context, actor *portal.Actor, id int64, version int, in portal.SystemInput) (portal.IndicatorSystem, error) {
	var out portal.IndicatorSystem
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT 1 FROM indicator_systems WHERE id = $1 FOR UPDATE`, id); err != nil {
			return err
		}
		before, err := loadSystem(ctx, tx, id)
		if err != nil {
			return err
		}
		if !portal.Can(actor, portal.ActManageAssessment, before.OwnerPath) {
			return portal.NotFound()
		}
		if before.Version != version {
			return portal.Conflict("error.edit_conflict")
		}
		if before.InUse {
			return portal.Errorf(portal.EINVALID, "indicator.system_in_use")
		}
		in.OwnerOrgID = before.OwnerOrgID
		if err := in.Validate(); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE indicator_systems SET name = $2, description = $3, status_name = $4, threshold = $5,
			version = version + 1, updated_at = now() WHERE id = $1`, id, in.Name, in.Description, in.StatusName, in.Threshold); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM indicators WHERE system_id = $1`, id); err != nil {
			return err
		}
		if err := insertIndicators(ctx, tx, id, in.Indicators); err != nil {
			return err
		}
		if out, err = loadSystem(ctx, tx, id); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "assessment.system_update", "indicator_system", id, out.OwnerPath, systemRecordOf(before), systemRecordOf(out))
	})
	return out, err
}

// GetSystem returns an indicator system the actor may view assessments of.
func (s *Store) GetSystem(ctx context.Context, actor *portal.Actor, id int64) (portal.IndicatorSystem, error) {
	var out portal.IndicatorSystem
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		var err error
		if out, err = loadSystem(ctx, tx, id); err != nil {
			return err
		}
		if !portal.Can(actor, portal.ActViewAssessment, out.OwnerPath) {
			return portal.NotFound()
		}
		return nil
	})
	return out, err
}

// AssessChoices is what the forms of assessments offer an actor.
type AssessChoices struct {
	Owners  []portal.Org // organizations where the actor manages assessments (her grants' own)
	Scopes  []portal.Org // those and every active organization above them
	Systems []portal.IndicatorSystem
	People  []portal.TaskPerson // possible assessors: active accounts under the widest scope
}

// AssessmentChoices returns the choices of the system, round and grading forms.
func (s *Store) AssessmentChoices(ctx context.Context, actor *portal.Actor) (AssessChoices, error) {
	var c AssessChoices
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		paths := actor.RoleScope(portal.RolesFor(portal.ActManageAssessment)...)
		if paths == nil {
			paths = []string{}
		}
		rows, err := tx.Query(ctx, `SELECT `+orgColumns+` FROM orgs o WHERE o.active AND o.path = ANY($1) ORDER BY o.path`, paths)
		if err != nil {
			return err
		}
		if c.Owners, err = collectOrgs(rows, false); err != nil {
			return err
		}
		rows, err = tx.Query(ctx, `SELECT `+orgColumns+` FROM orgs o
			WHERE o.active AND EXISTS (SELECT 1 FROM unnest($1::text[]) g(path) WHERE starts_with(g.path, o.path))
			ORDER BY o.path`, paths)
		if err != nil {
			return err
		}
		if c.Scopes, err = collectOrgs(rows, false); err != nil {
			return err
		}
		rows, err = tx.Query(ctx, `SELECT s.id FROM indicator_systems s JOIN orgs o ON o.id = s.owner_org_id
			WHERE o.path LIKE ANY($1) ORDER BY s.id DESC LIMIT 100`, likeScope(paths))
		if err != nil {
			return err
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return err
		}
		for _, id := range ids {
			sys, err := loadSystem(ctx, tx, id)
			if err != nil {
				return err
			}
			c.Systems = append(c.Systems, sys)
		}
		var roots []string
		for _, o := range c.Scopes {
			roots = append(roots, o.Path)
		}
		rows, err = tx.Query(ctx, `SELECT u.id, u.display_name FROM users u JOIN orgs h ON h.id = u.home_org_id
			WHERE u.active AND h.path LIKE ANY($1) ORDER BY h.path, u.display_name, u.id LIMIT $2`, likeScope(portalMinimal(roots)), maxPick)
		if err != nil {
			return err
		}
		c.People, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (portal.TaskPerson, error) {
			var p portal.TaskPerson
			return p, r.Scan(&p.UserID, &p.Name)
		})
		return err
	})
	return c, err
}

// portalMinimal drops paths covered by another in the list.
func portalMinimal(paths []string) []string {
	a := &portal.Actor{}
	for _, p := range paths {
		a.Grants = append(a.Grants, portal.Grant{Role: portal.RoleViewer, OrgPath: p})
	}
	return a.RoleScope()
}

// kindOrgs returns the ids of the active organizations of kind in the subtree at
// path, oldest first (the order they were set up in, which for a school is the
// order of its colleges).
func kindOrgs(ctx context.Context, tx pgx.Tx, kind portal.OrgKind, path string) ([]int64, error) {
	rows, err := tx.Query(ctx, `SELECT id FROM orgs WHERE active AND kind = $1 AND starts_with(path, $2) ORDER BY id`, kind, path)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// checkScope reads the scope organization of a round or grading owned by owner.
func checkScope(ctx context.Context, tx pgx.Tx, owner portal.Org, scopeID int64) (portal.Org, error) {
	scope, err := scanOrg(tx.QueryRow(ctx, `SELECT `+orgColumns+` FROM orgs o WHERE o.id = $1`, scopeID))
	if errors.Is(err, pgx.ErrNoRows) {
		return scope, &portal.Error{Code: portal.EINVALID, Message: "error.invalid_form", Fields: map[string]string{"scope_org_id": "form.choose"}}
	}
	if err != nil {
		return scope, err
	}
	return scope, portal.CheckProgramScope(owner, scope)
}

// CreateAssessmentRound opens an assessment round of a system the actor manages, over every
// active organization of in.OrgKind in the scope (which must hold the system's
// owner), with assessors from the scope.
func (s *Store) CreateAssessmentRound(ctx context.Context, actor *portal.Actor, in portal.AssessmentRoundInput) (int64, error) {
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if !portal.CanAny(actor, portal.ActManageAssessment) {
			return portal.NotFound()
		}
		if err := in.Validate(); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `SELECT 1 FROM indicator_systems WHERE id = $1 FOR SHARE`, in.SystemID); err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		sys, err := loadSystem(ctx, tx, in.SystemID)
		if errors.Is(err, pgx.ErrNoRows) || err == nil && !portal.Can(actor, portal.ActManageAssessment, sys.OwnerPath) {
			return &portal.Error{Code: portal.EINVALID, Message: "error.invalid_form", Fields: map[string]string{"system_id": "form.choose"}}
		}
		if err != nil {
			return err
		}
		owner, err := scanOrg(tx.QueryRow(ctx, `SELECT `+orgColumns+` FROM orgs o WHERE o.id = $1`, sys.OwnerOrgID))
		if err != nil {
			return err
		}
		scope, err := checkScope(ctx, tx, owner, in.ScopeOrgID)
		if err != nil {
			return err
		}
		orgs, err := kindOrgs(ctx, tx, in.OrgKind, scope.Path)
		if err != nil {
			return err
		}
		if len(orgs) == 0 {
			return &portal.Error{Code: portal.EINVALID, Message: "error.invalid_form", Fields: map[string]string{"org_kind": "assess.no_orgs"}}
		}
		var inScope int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM users u JOIN orgs h ON h.id = u.home_org_id
			WHERE u.id = ANY($1) AND u.active AND starts_with(h.path, $2)`, in.Assessors, scope.Path).Scan(&inScope); err != nil {
			return err
		}
		if inScope != len(in.Assessors) {
			return &portal.Error{Code: portal.EINVALID, Message: "error.invalid_form", Fields: map[string]string{"assessors": "assess.assessor_outside"}}
		}
		if id, err = insertRound(ctx, tx, sys, in, orgs); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "assessment.round_create", "assessment_round", id, sys.OwnerPath, nil, in)
	})
	return id, err
}

func insertRound(ctx context.Context, tx pgx.Tx, sys portal.IndicatorSystem, in portal.AssessmentRoundInput, orgs []int64) (int64, error) {
	var id int64
	if err := tx.QueryRow(ctx, `INSERT INTO assessment_rounds (system_id, owner_org_id, scope_org_id, org_kind, year, title,
			target_share, stretch_share) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		sys.ID, sys.OwnerOrgID, in.ScopeOrgID, in.OrgKind, in.Year, in.Title, in.TargetShare, in.StretchShare).Scan(&id); err != nil {
		return 0, err
	}
	for i, u := range in.Assessors {
		if _, err := tx.Exec(ctx, `INSERT INTO assessment_assessors (round_id, user_id, position) VALUES ($1, $2, $3)`, id, u, i+1); err != nil {
			return 0, err
		}
	}
	for _, o := range orgs {
		if _, err := tx.Exec(ctx, `INSERT INTO assessment_orgs (round_id, org_id) VALUES ($1, $2)`, id, o); err != nil {
			return 0, err
		}
	}
	return id, nil
}

const assessRoundColumns = `r.id, r.system_id, s.name, r.owner_org_id, ow.path, ow.name, r.scope_org_id, sc.path, sc.name, r.org_kind,
	r.year, r.title, r.target_share, r.stretch_share, r.status, r.version, r.created_at`

const assessRoundFrom = ` FROM assessment_rounds r JOIN indicator_systems s ON s.id = r.system_id
	JOIN orgs ow ON ow.id = r.owner_org_id JOIN orgs sc ON sc.id = r.scope_org_id`

// loadAssessRound reads a round with its system, assessors and organizations.
func loadAssessRound(ctx context.Context, tx pgx.Tx, id int64) (portal.RoundDetail, error) {
	var d portal.RoundDetail
	r := &d.AssessmentRound
	err := tx.QueryRow(ctx, `SELECT `+assessRoundColumns+assessRoundFrom+` WHERE r.id = $1`, id).Scan(&r.ID, &r.SystemID, &r.SystemName,
		&r.OwnerOrgID, &r.OwnerPath, &r.OwnerName, &r.ScopeOrgID, &r.ScopePath, &r.ScopeName, &r.OrgKind, &r.Year, &r.Title,
		&r.TargetShare, &r.StretchShare, &r.Status, &r.Version, &r.CreatedAt)
	if err != nil {
		return d, err
	}
	if d.System, err = loadSystem(ctx, tx, r.SystemID); err != nil {
		return d, err
	}
	rows, err := tx.Query(ctx, `SELECT a.user_id, u.display_name FROM assessment_assessors a JOIN users u ON u.id = a.user_id
		WHERE a.round_id = $1 ORDER BY a.position, a.user_id`, id)
	if err != nil {
		return d, err
	}
	if r.Assessors, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (portal.TaskPerson, error) {
		var p portal.TaskPerson
		return p, row.Scan(&p.UserID, &p.Name)
	}); err != nil {
		return d, err
	}
	rows, err = tx.Query(ctx, `SELECT ao.org_id, o.path, o.name, coalesce(sa.scores, '{}'), coalesce(sa.note, ''), coalesce(sa.evidence, ''),
			sa.submitted_at, coalesce(sa.author_name, ''), ao.score_note, ao.scored_by_name, ao.scored_at, ao.version,
			coalesce((SELECT jsonb_object_agg(x.indicator_id::text, x.score) FROM assessment_scores x
				WHERE x.round_id = ao.round_id AND x.org_id = ao.org_id), '{}')
		FROM assessment_orgs ao JOIN orgs o ON o.id = ao.org_id
		LEFT JOIN self_assessments sa ON sa.round_id = ao.round_id AND sa.org_id = ao.org_id
		WHERE ao.round_id = $1 ORDER BY o.id`, id)
	if err != nil {
		return d, err
	}
	d.Orgs, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (portal.AssessedOrg, error) {
		o := portal.AssessedOrg{RoundID: id}
		var submitted, scored *time.Time
		err := row.Scan(&o.OrgID, &o.OrgPath, &o.OrgName, &o.SelfScores, &o.SelfNote, &o.Evidence, &submitted, &o.SelfBy,
			&o.ScoreNote, &o.ScoredBy, &scored, &o.Version, &o.Scores)
		if submitted != nil {
			o.SelfSubmittedAt = *submitted
		}
		if scored != nil {
			o.ScoredAt = *scored
		}
		return o, err
	})
	return d, err
}

// visibleAssessRound applies the read rule of a round (portal.CanViewRound): managers,
// viewers and assessors see every organization; an assessed organization sees its own.
func visibleAssessRound(actor *portal.Actor, d portal.RoundDetail) (portal.RoundDetail, bool) {
	var paths []string
	for _, o := range d.Orgs {
		paths = append(paths, o.OrgPath)
	}
	if !portal.CanViewRound(actor, d.OwnerPath, d.AssessorIDs(), paths) {
		return d, false
	}
	if portal.Can(actor, portal.ActViewAssessment, d.OwnerPath) || portal.IsAssessor(actor, d.AssessorIDs()) {
		return d, true
	}
	var own []portal.AssessedOrg
	for _, o := range d.Orgs {
		if portal.Can(actor, portal.ActSelfAssess, o.OrgPath) {
			own = append(own, o)
		}
	}
	d.Orgs, d.Limited = own, true
	return d, true
}

// GetAssessmentRound returns a round the actor may see, with the organizations she may see.
func (s *Store) GetAssessmentRound(ctx context.Context, actor *portal.Actor, id int64) (portal.RoundDetail, error) {
	var d portal.RoundDetail
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		full, err := loadAssessRound(ctx, tx, id)
		if err != nil {
			return err
		}
		var ok bool
		if d, ok = visibleAssessRound(actor, full); !ok {
			return portal.NotFound()
		}
		return nil
	})
	return d, err
}

// SetAssessmentRoundStatus closes or reopens a round the actor manages.
func (s *Store) SetAssessmentRoundStatus(ctx context.Context, actor *portal.Actor, id int64, version int, next portal.AssessStatus) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT 1 FROM assessment_rounds WHERE id = $1 FOR UPDATE`, id); err != nil {
			return err
		}
		d, err := loadAssessRound(ctx, tx, id)
		if err != nil {
			return err
		}
		if !portal.Can(actor, portal.ActManageAssessment, d.OwnerPath) {
			return portal.NotFound()
		}
		if d.Version != version {
			return portal.Conflict("error.edit_conflict")
		}
		if !next.Valid() || next == d.Status {
			return portal.Errorf(portal.EINVALID, "plan.bad_move")
		}
		if _, err := tx.Exec(ctx, `UPDATE assessment_rounds SET status = $2, version = version + 1 WHERE id = $1`, id, next); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "assessment.round_status", "assessment_round", id, d.OwnerPath,
			map[string]string{"status": string(d.Status)}, map[string]string{"status": string(next)})
	})
}

// assessOrgForUpdate locks an organization's row in a round and reads the round.
func assessOrgForUpdate(ctx context.Context, tx pgx.Tx, roundID, orgID int64) (portal.RoundDetail, portal.AssessedOrg, error) {
	if _, err := tx.Exec(ctx, `SELECT 1 FROM assessment_rounds WHERE id = $1 FOR SHARE`, roundID); err != nil {
		return portal.RoundDetail{}, portal.AssessedOrg{}, err
	}
	if _, err := tx.Exec(ctx, `SELECT 1 FROM assessment_orgs WHERE round_id = $1 AND org_id = $2 FOR UPDATE`, roundID, orgID); err != nil {
		return portal.RoundDetail{}, portal.AssessedOrg{}, err
	}
	d, err := loadAssessRound(ctx, tx, roundID)
	if err != nil {
		return d, portal.AssessedOrg{}, err
	}
	o, ok := d.Org(orgID)
	if !ok {
		return d, o, portal.NotFound()
	}
	return d, o, nil
}

// SaveSelfAssessment saves an organization's self-assessment in an open round: by
// whoever may self-assess the organization (portal.ActSelfAssess). Sending it
// (in.Submit) needs evidence and stamps the time; saving again after sending keeps
// it sent.
func (s *Store) SaveSelfAssessment(ctx context.Context, actor *portal.Actor, roundID, orgID int64, in portal.SelfInput) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		d, o, err := assessOrgForUpdate(ctx, tx, roundID, orgID)
		if err != nil {
			return err
		}
		if !portal.Can(actor, portal.ActSelfAssess, o.OrgPath) {
			return portal.NotFound()
		}
		if d.Status != portal.AssessOpen {
			return portal.Errorf(portal.EINVALID, "assess.round_closed")
		}
		if err := portal.CheckSelf(d.System, &in); err != nil {
			return err
		}
		if err := upsertSelf(ctx, tx, actor, roundID, orgID, in); err != nil {
			return err
		}
		action := "assessment.self_save"
		if in.Submit {
			action = "assessment.self_submit"
		}
		return audit(ctx, tx, actor, action, "assessment_org", orgID, o.OrgPath, nil,
			map[string]any{"round_id": roundID, "scores": in.Scores, "note": in.Note, "evidence": in.Evidence})
	})
}

func upsertSelf(ctx context.Context, tx pgx.Tx, actor *portal.Actor, roundID, orgID int64, in portal.SelfInput) error {
	scores := in.Scores
	if scores == nil {
		scores = map[int64]float64{}
	}
	b, err := json.Marshal(scores)
	if err != nil {
		return err
	}
	var author *int64
	if actor.SignedIn() {
		author = &actor.UserID
	}
	_, err = tx.Exec(ctx, `INSERT INTO self_assessments (round_id, org_id, scores, note, evidence, author_id, author_name, submitted_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, CASE WHEN $8 THEN now() END)
		ON CONFLICT (round_id, org_id) DO UPDATE SET scores = $3, note = $4, evidence = $5, author_id = $6, author_name = $7,
			submitted_at = CASE WHEN $8 THEN now() ELSE self_assessments.submitted_at END, updated_at = now()`,
		roundID, orgID, b, in.Note, in.Evidence, author, actor.Name, in.Submit)
	return err
}

// ScoreOrg saves the assessors' scores of an organization in an open round,
// provided nobody scored it since version: by one of the round's assessors, not
// for her own organization (portal.CanAssessOrg), every score within its
// indicator's maximum (portal.CheckScores). A sheet may be saved half-way.
func (s *Store) ScoreOrg(ctx context.Context, actor *portal.Actor, roundID, orgID int64, version int, scores map[int64]float64, note string) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		d, o, err := assessOrgForUpdate(ctx, tx, roundID, orgID)
		if err != nil {
			return err
		}
		if !portal.CanAssessOrg(actor, d.AssessorIDs(), o.OrgPath) {
			if portal.IsAssessor(actor, d.AssessorIDs()) {
				return portal.Errorf(portal.EINVALID, "assess.own_org")
			}
			return portal.NotFound()
		}
		if d.Status != portal.AssessOpen {
			return portal.Errorf(portal.EINVALID, "assess.round_closed")
		}
		if o.Version != version {
			return portal.Conflict("error.edit_conflict")
		}
		if err := portal.CheckScores(d.System, scores); err != nil {
			return err
		}
		if utf8.RuneCountInString(note) > portal.MaxAssessText {
			return &portal.Error{Code: portal.EINVALID, Message: "error.invalid_form", Fields: map[string]string{"note": "form.too_long"}}
		}
		if err := writeScores(ctx, tx, actor, roundID, orgID, scores, note); err != nil {
			return err
		}
		before, after := portal.Evaluate(d.System, o.Scores), portal.Evaluate(d.System, scores)
		return audit(ctx, tx, actor, "assessment.score", "assessment_org", orgID, o.OrgPath,
			map[string]any{"round_id": roundID, "scores": o.Scores, "total": before.Total, "reached": before.Reached},
			map[string]any{"round_id": roundID, "scores": scores, "total": after.Total, "reached": after.Reached})
	})
}

func writeScores(ctx context.Context, tx pgx.Tx, actor *portal.Actor, roundID, orgID int64, scores map[int64]float64, note string) error {
	if _, err := tx.Exec(ctx, `DELETE FROM assessment_scores WHERE round_id = $1 AND org_id = $2`, roundID, orgID); err != nil {
		return err
	}
	for id, x := range scores {
		if _, err := tx.Exec(ctx, `INSERT INTO assessment_scores (round_id, org_id, indicator_id, score) VALUES ($1, $2, $3, $4)`,
			roundID, orgID, id, x); err != nil {
			return err
		}
	}
	var by *int64
	if actor.SignedIn() {
		by = &actor.UserID
	}
	_, err := tx.Exec(ctx, `UPDATE assessment_orgs SET score_note = $3, scored_by = $4, scored_by_name = $5, scored_at = now(),
		version = version + 1 WHERE round_id = $1 AND org_id = $2`, roundID, orgID, note, by, actor.Name)
	return err
}

// AssessRoundSummary is a round in the assessments list, with its coverage.
type AssessRoundSummary struct {
	portal.AssessmentRound
	Coverage portal.Coverage
	Limited  bool // the reader sees only her own organization
}

// GradingSummary is a grading in the assessments list, with its star count.
type GradingSummary struct {
	portal.GradingRound
	Count portal.StarCount
}

// AssessIndex is what the assessments page lists for an actor.
type AssessIndex struct {
	Systems  []portal.IndicatorSystem
	Rounds   []AssessRoundSummary
	Gradings []GradingSummary
}

// AssessmentIndex lists, newest first (at most 50 of each), the indicator systems
// and gradings of the organizations where the actor may view assessments, and the
// rounds she may see: those, the rounds she assesses, and those assessing an
// organization where she may self-assess.
func (s *Store) AssessmentIndex(ctx context.Context, actor *portal.Actor) (AssessIndex, error) {
	var out AssessIndex
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		view := likeScope(actor.RoleScope(portal.RolesFor(portal.ActViewAssessment)...))
		self := likeScope(actor.RoleScope(portal.RolesFor(portal.ActSelfAssess)...))
		rows, err := tx.Query(ctx, `SELECT s.id FROM indicator_systems s JOIN orgs o ON o.id = s.owner_org_id
			WHERE o.path LIKE ANY($1) ORDER BY s.id DESC LIMIT 50`, view)
		if err != nil {
			return err
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return err
		}
		for _, id := range ids {
			sys, err := loadSystem(ctx, tx, id)
			if err != nil {
				return err
			}
			out.Systems = append(out.Systems, sys)
		}
		rows, err = tx.Query(ctx, `SELECT r.id FROM assessment_rounds r JOIN orgs ow ON ow.id = r.owner_org_id
			WHERE ow.path LIKE ANY($1)
			   OR EXISTS (SELECT 1 FROM assessment_assessors a WHERE a.round_id = r.id AND a.user_id = $2)
			   OR EXISTS (SELECT 1 FROM assessment_orgs ao JOIN orgs o ON o.id = ao.org_id WHERE ao.round_id = r.id AND o.path LIKE ANY($3))
			ORDER BY r.year DESC, r.id DESC LIMIT 50`, view, actor.UserID, self)
		if err != nil {
			return err
		}
		if ids, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
			return err
		}
		for _, id := range ids {
			d, err := loadAssessRound(ctx, tx, id)
			if err != nil {
				return err
			}
			if d, ok := visibleAssessRound(actor, d); ok {
				out.Rounds = append(out.Rounds, AssessRoundSummary{AssessmentRound: d.AssessmentRound, Coverage: d.Coverage(), Limited: d.Limited})
			}
		}
		rows, err = tx.Query(ctx, `SELECT g.id FROM grading_rounds g JOIN orgs o ON o.id = g.owner_org_id
			WHERE o.path LIKE ANY($1) ORDER BY g.year DESC, g.id DESC LIMIT 50`, view)
		if err != nil {
			return err
		}
		if ids, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
			return err
		}
		for _, id := range ids {
			g, entries, err := loadGrading(ctx, tx, id)
			if err != nil {
				return err
			}
			out.Gradings = append(out.Gradings, GradingSummary{GradingRound: g, Count: portal.CountStars(g, entries)})
		}
		return nil
	})
	return out, err
}

// CreateGrading opens a branch grading owned by in.OwnerOrgID (where the actor
// manages assessments) over every active organization of in.OrgKind in the scope.
func (s *Store) CreateGrading(ctx context.Context, actor *portal.Actor, in portal.GradingInput) (int64, error) {
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if !portal.CanAny(actor, portal.ActManageAssessment) {
			return portal.NotFound()
		}
		if err := in.Validate(); err != nil {
			return err
		}
		owner, err := checkOwner(ctx, tx, actor, in.OwnerOrgID, "owner_org_id")
		if err != nil {
			return err
		}
		scope, err := checkScope(ctx, tx, owner, in.ScopeOrgID)
		if err != nil {
			return err
		}
		orgs, err := kindOrgs(ctx, tx, in.OrgKind, scope.Path)
		if err != nil {
			return err
		}
		if len(orgs) == 0 {
			return &portal.Error{Code: portal.EINVALID, Message: "error.invalid_form", Fields: map[string]string{"org_kind": "assess.no_orgs"}}
		}
		if id, err = insertGrading(ctx, tx, in, orgs); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "grading.create", "grading_round", id, owner.Path, nil, in)
	})
	return id, err
}

func insertGrading(ctx context.Context, tx pgx.Tx, in portal.GradingInput, orgs []int64) (int64, error) {
	var id int64
	if err := tx.QueryRow(ctx, `INSERT INTO grading_rounds (owner_org_id, scope_org_id, org_kind, year, title, five_at, four_at,
			three_at, two_at, five_cap, four_cap) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		in.OwnerOrgID, in.ScopeOrgID, in.OrgKind, in.Year, in.Title, in.FiveAt, in.FourAt, in.ThreeAt, in.TwoAt,
		in.FiveCap, in.FourCap).Scan(&id); err != nil {
		return 0, err
	}
	for _, o := range orgs {
		if _, err := tx.Exec(ctx, `INSERT INTO gradings (round_id, org_id) VALUES ($1, $2)`, id, o); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// loadGrading reads a grading and its entries, oldest organization first.
func loadGrading(ctx context.Context, tx pgx.Tx, id int64) (portal.GradingRound, []portal.GradingEntry, error) {
	var g portal.GradingRound
	var confirmed *time.Time
	err := tx.QueryRow(ctx, `SELECT g.id, g.owner_org_id, ow.path, ow.name, g.scope_org_id, sc.path, sc.name, g.org_kind, g.year, g.title,
			g.five_at, g.four_at, g.three_at, g.two_at, g.five_cap, g.four_cap, g.status, g.confirmed_at, g.version
		FROM grading_rounds g JOIN orgs ow ON ow.id = g.owner_org_id JOIN orgs sc ON sc.id = g.scope_org_id WHERE g.id = $1`, id).Scan(
		&g.ID, &g.OwnerOrgID, &g.OwnerPath, &g.OwnerName, &g.ScopeOrgID, &g.ScopePath, &g.ScopeName, &g.OrgKind, &g.Year, &g.Title,
		&g.FiveAt, &g.FourAt, &g.ThreeAt, &g.TwoAt, &g.FiveCap, &g.FourCap, &g.Status, &confirmed, &g.Version)
	if err != nil {
		return g, nil, err
	}
	if confirmed != nil {
		g.ConfirmedAt = *confirmed
	}
	rows, err := tx.Query(ctx, `SELECT x.org_id, o.path, o.name,
			coalesce((SELECT c.name FROM orgs c WHERE c.kind = 'college' AND starts_with(o.path, c.path) LIMIT 1), ''),
			x.score, coalesce(x.override, 0), x.note
		FROM gradings x JOIN orgs o ON o.id = x.org_id WHERE x.round_id = $1 ORDER BY o.id`, id)
	if err != nil {
		return g, nil, err
	}
	entries, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (portal.GradingEntry, error) {
		var e portal.GradingEntry
		var score *float64
		err := r.Scan(&e.OrgID, &e.OrgPath, &e.OrgName, &e.CollegeName, &score, &e.Override, &e.Note)
		if score != nil {
			e.Score, e.Scored = *score, true
		}
		return e, err
	})
	return g, entries, err
}

// GetGrading returns a grading the actor may view assessments of, with its entries.
func (s *Store) GetGrading(ctx context.Context, actor *portal.Actor, id int64) (portal.GradingRound, []portal.GradingEntry, error) {
	var g portal.GradingRound
	var entries []portal.GradingEntry
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		var err error
		if g, entries, err = loadGrading(ctx, tx, id); err != nil {
			return err
		}
		if !portal.Can(actor, portal.ActViewAssessment, g.OwnerPath) {
			return portal.NotFound()
		}
		return nil
	})
	return g, entries, err
}

// managedGrading locks and reads a draft grading the actor manages.
func managedGrading(ctx context.Context, tx pgx.Tx, actor *portal.Actor, id int64, version int) (portal.GradingRound, []portal.GradingEntry, error) {
	if _, err := tx.Exec(ctx, `SELECT 1 FROM grading_rounds WHERE id = $1 FOR UPDATE`, id); err != nil {
		return portal.GradingRound{}, nil, err
	}
	g, entries, err := loadGrading(ctx, tx, id)
	if err != nil {
		return g, nil, err
	}
	if !portal.Can(actor, portal.ActManageAssessment, g.OwnerPath) {
		return g, nil, portal.NotFound()
	}
	if g.Version != version {
		return g, nil, portal.Conflict("error.edit_conflict")
	}
	if g.Status != portal.GradingDraft {
		return g, nil, portal.Errorf(portal.EINVALID, "grading.not_draft")
	}
	return g, entries, nil
}

// SaveGrades saves the scores, lowered stars and notes of a draft grading's
// organizations (those not given stay as they are), provided nobody saved it since
// version; each is checked by portal.CheckGradeEntry.
func (s *Store) SaveGrades(ctx context.Context, actor *portal.Actor, id int64, version int, entries []portal.GradingEntry) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		g, current, err := managedGrading(ctx, tx, actor, id, version)
		if err != nil {
			return err
		}
		known := map[int64]bool{}
		for _, e := range current {
			known[e.OrgID] = true
		}
		var v portal.Invalid
		for _, e := range entries {
			if !known[e.OrgID] {
				return portal.Errorf(portal.EINVALID, "error.unknown_field")
			}
			portal.CheckGradeEntry(g, e, &v)
		}
		if err := v.Err(); err != nil {
			return err
		}
		for _, e := range entries {
			var score *float64
			var override *int
			if e.Scored {
				score = &e.Score
			}
			if e.Override > 0 {
				override = &e.Override
			}
			if _, err := tx.Exec(ctx, `UPDATE gradings SET score = $3, override = $4, note = $5, scored_by = $6, scored_at = now()
				WHERE round_id = $1 AND org_id = $2`, id, e.OrgID, score, override, e.Note, actor.UserID); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE grading_rounds SET version = version + 1 WHERE id = $1`, id); err != nil {
			return err
		}
		_, after, err := loadGrading(ctx, tx, id)
		if err != nil {
			return err
		}
		return audit(ctx, tx, actor, "grading.save", "grading_round", id, g.OwnerPath,
			portal.CountStars(g, current).ByStars, portal.CountStars(g, after).ByStars)
	})
}

// ConfirmGrading confirms a draft grading for good, provided nobody saved it since
// version and it passes portal.CheckConfirm: every organization scored, the five-
// and four-star caps kept. A refused confirmation changes nothing.
func (s *Store) ConfirmGrading(ctx context.Context, actor *portal.Actor, id int64, version int) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		g, entries, err := managedGrading(ctx, tx, actor, id, version)
		if err != nil {
			return err
		}
		if err := portal.CheckConfirm(g, entries); err != nil {
			return err
		}
		var by *int64
		if actor.SignedIn() {
			by = &actor.UserID
		}
		if _, err := tx.Exec(ctx, `UPDATE grading_rounds SET status = 'confirmed', confirmed_at = now(), confirmed_by = $2,
			version = version + 1 WHERE id = $1`, id, by); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "grading.confirm", "grading_round", id, g.OwnerPath, nil, portal.CountStars(g, entries).ByStars)
	})
}
