package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campusorg/portal/internal/demo"
	"github.com/campusorg/portal/internal/portal"
)

// seedPlans inserts the demo work plans (demo.Plans), the 关工委 indicator system
// with this year's assessment round, and the branch grading, in the seed's
// transaction. Everything passes the checks a person's input would; the plans are
// issued for today's year, and progress reports dated after today are left out.
func seedPlans(ctx context.Context, tx pgx.Tx, ids map[string]portal.Org, today time.Time) error {
	users := map[string]portal.TaskPerson{}
	rows, err := tx.Query(ctx, `SELECT username, id, display_name FROM users`)
	if err != nil {
		return err
	}
	var username string
	var p portal.TaskPerson
	if _, err := pgx.ForEachRow(rows, []any{&username, &p.UserID, &p.Name}, func() error { users[username] = p; return nil }); err != nil {
		return err
	}
	for _, dp := range demo.Plans() {
		if err := seedPlan(ctx, tx, ids, users, dp, today); err != nil {
			return fmt.Errorf("seed: plan %s: %w (%v)", dp.Key, err, portal.FieldErrors(err))
		}
	}
	if err := seedAssessment(ctx, tx, ids, users, today); err != nil {
		return fmt.Errorf("seed: assessment: %w (%v)", err, portal.FieldErrors(err))
	}
	if err := seedGrading(ctx, tx, ids, today); err != nil {
		return fmt.Errorf("seed: grading: %w (%v)", err, portal.FieldErrors(err))
	}
	return nil
}

// dayIn returns the day "MM-DD" of year.
func dayIn(year int, md string) (time.Time, error) {
	return time.Parse(time.DateOnly, fmt.Sprintf("%d-%s", year, md))
}

func seedPlan(ctx context.Context, tx pgx.Tx, ids map[string]portal.Org, users map[string]portal.TaskPerson, dp demo.Plan, today time.Time) error {
	org, ok := ids[dp.Org]
	if !ok {
		return fmt.Errorf("unknown org %q", dp.Org)
	}
	year := today.Year()
	in := portal.PlanInput{OrgID: org.ID, Year: year, Title: dp.Title, Intro: dp.Intro, Closing: dp.Closing}
	if err := in.Validate(); err != nil {
		return err
	}
	planID, err := insertPlan(ctx, tx, in, portal.PlanActive)
	if err != nil {
		return err
	}
	taskIDs := map[int]int64{}
	for _, ds := range dp.Sections {
		title, err := portal.ValidateSectionTitle(ds.Title)
		if err != nil {
			return err
		}
		sectionID, err := insertSection(ctx, tx, planID, title)
		if err != nil {
			return err
		}
		for _, dt := range ds.Tasks {
			ti := portal.TaskInput{SectionID: sectionID, Number: dt.Number, Title: dt.Title, Description: dt.Description, Months: dt.Months}
			for _, u := range dt.People {
				person, ok := users[u]
				if !ok {
					return fmt.Errorf("task %d: no account %q", dt.Number, u)
				}
				ti.People = append(ti.People, person.UserID)
			}
			for _, x := range dt.Targets {
				ti.Targets = append(ti.Targets, portal.TargetInput{Metric: x.Metric, Label: x.Label, Comparator: portal.Comparator(x.Cmp),
					Value: x.Value, Unit: x.Unit})
			}
			if err := ti.Validate(); err != nil {
				return fmt.Errorf("task %d: %w", dt.Number, err)
			}
			if err := checkPeople(ctx, tx, ti.People, org.Path); err != nil {
				return fmt.Errorf("task %d: %w", dt.Number, err)
			}
			if taskIDs[dt.Number], err = writeTask(ctx, tx, planID, 0, ti); err != nil {
				return fmt.Errorf("task %d: %w", dt.Number, err)
			}
		}
	}
	for _, l := range dp.Schedule {
		si := portal.ScheduleInput{Number: l.Number, Months: l.Months, Text: l.Text, TaskID: taskIDs[l.Task]}
		if err := si.Validate(); err != nil {
			return fmt.Errorf("schedule line %d: %w", l.Number, err)
		}
		if _, err := insertScheduleItem(ctx, tx, planID, si); err != nil {
			return err
		}
	}
	for _, r := range dp.Recurring {
		ri := portal.RecurringInput{Number: r.Number, Title: r.Title, Text: r.Text, TaskID: taskIDs[r.Task]}
		for _, rh := range r.Rhythms {
			from, err := dayIn(year, rh.From)
			if err != nil {
				return err
			}
			ri.Rhythms = append(ri.Rhythms, portal.Rhythm{Label: rh.Label, Cadence: portal.Cadence(rh.Cadence), From: from})
		}
		if err := ri.Validate(year); err != nil {
			return fmt.Errorf("year-round item %d: %w", r.Number, err)
		}
		if _, err := insertRecurringItem(ctx, tx, planID, ri); err != nil {
			return err
		}
	}
	d, err := loadPlan(ctx, tx, planID)
	if err != nil {
		return err
	}
	for _, pr := range dp.Progress {
		on, err := dayIn(year, pr.On)
		if err != nil {
			return err
		}
		if on.After(time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)) {
			continue
		}
		task, _ := d.Task(taskIDs[pr.Task])
		by, ok := users[pr.By]
		if !ok {
			return fmt.Errorf("report on task %d: no account %q", pr.Task, pr.By)
		}
		in := portal.ProgressInput{ReportedOn: on, Status: portal.TaskStatus(pr.Status), Note: pr.Note, Evidence: pr.Evidence, Values: map[int64]float64{}}
		for metric, v := range pr.Values {
			for _, x := range task.Targets {
				if x.Metric == metric {
					in.Values[x.ID] = v
				}
			}
		}
		actor := &portal.Actor{UserID: by.UserID, Name: by.Name}
		if !portal.CanReportProgress(actor, d.OrgPath, task.PeopleIDs()) {
			return fmt.Errorf("report on task %d: %s is not responsible", pr.Task, pr.By)
		}
		if err := portal.CheckProgress(d.Plan, task, &in, today); err != nil {
			return fmt.Errorf("report on task %d: %w", pr.Task, err)
		}
		if _, err := insertReport(ctx, tx, actor, d.Plan, task, in); err != nil {
			return err
		}
	}
	return nil
}

// seedAssessment stores 校关工委's indicator system and this year's round over every
// college's 关工委, with the self-assessments and the scores given so far.
func seedAssessment(ctx context.Context, tx pgx.Tx, ids map[string]portal.Org, users map[string]portal.TaskPerson, today time.Time) error {
	ds := demo.CareSystem()
	owner := ids[ds.Owner]
	in := portal.SystemInput{OwnerOrgID: owner.ID, Name: ds.Name, Description: ds.Description, StatusName: ds.StatusName, Threshold: ds.Threshold}
	for _, x := range ds.Indicators {
		in.Indicators = append(in.Indicators, portal.IndicatorInput{Code: x.Code, Name: x.Name, Criteria: x.Criteria, MaxScore: x.Max,
			Weight: x.Weight, Key: x.Key})
	}
	if err := in.Validate(); err != nil {
		return err
	}
	systemID, err := insertSystem(ctx, tx, in)
	if err != nil {
		return err
	}
	sys, err := loadSystem(ctx, tx, systemID)
	if err != nil {
		return err
	}
	school := ids["school"]
	ri := portal.AssessmentRoundInput{SystemID: systemID, ScopeOrgID: school.ID, OrgKind: portal.KindCollegeCareCommittee, Year: today.Year(),
		Title: fmt.Sprintf("%d年二级学院关工委优质化建设均衡发展考核", today.Year()), TargetShare: 90, StretchShare: 100}
	for _, u := range demo.CareRoundAssessors {
		ri.Assessors = append(ri.Assessors, users[u].UserID)
	}
	if err := ri.Validate(); err != nil {
		return err
	}
	orgs, err := kindOrgs(ctx, tx, portal.KindCollegeCareCommittee, school.Path)
	if err != nil {
		return err
	}
	roundID, err := insertRound(ctx, tx, sys, ri, orgs)
	if err != nil {
		return err
	}
	scores := func(xs []float64) map[int64]float64 {
		m := map[int64]float64{}
		for i, x := range xs {
			m[sys.Indicators[i].ID] = x
		}
		return m
	}
	for _, o := range demo.CareRoundOrgs() {
		org := ids[demo.CareKey(o.College)]
		if o.Self != nil {
			self := portal.SelfInput{Scores: scores(o.Self), Evidence: o.Evidence, Submit: o.SelfSubmit}
			if err := portal.CheckSelf(sys, &self); err != nil {
				return err
			}
			author := &portal.Actor{Name: org.Name}
			if o.College == "econ" {
				p := users[demo.EconCare]
				author = &portal.Actor{UserID: p.UserID, Name: p.Name}
			}
			if err := upsertSelf(ctx, tx, author, roundID, org.ID, self); err != nil {
				return err
			}
		}
		if o.Scores != nil {
			p := users[o.ScoredBy]
			actor := &portal.Actor{UserID: p.UserID, Name: p.Name}
			s := scores(o.Scores)
			if err := portal.CheckScores(sys, s); err != nil {
				return err
			}
			if err := writeScores(ctx, tx, actor, roundID, org.ID, s, o.Note); err != nil {
				return err
			}
		}
	}
	return nil
}

// seedGrading stores this year's grading of every League branch of the school, by
// 校团委, with every branch scored and nothing confirmed.
func seedGrading(ctx context.Context, tx pgx.Tx, ids map[string]portal.Org, today time.Time) error {
	dg := demo.BranchGrading()
	in := portal.GradingInput{OwnerOrgID: ids[dg.Owner].ID, ScopeOrgID: ids[dg.Scope].ID, OrgKind: portal.OrgKind(dg.Kind), Year: today.Year(),
		Title: fmt.Sprintf("%d年%s", today.Year(), dg.Title), FiveAt: dg.FiveAt, FourAt: dg.FourAt, ThreeAt: dg.ThreeAt, TwoAt: dg.TwoAt,
		FiveCap: dg.FiveCap, FourCap: dg.FourCap}
	if err := in.Validate(); err != nil {
		return err
	}
	orgs, err := kindOrgs(ctx, tx, in.OrgKind, ids[dg.Scope].Path)
	if err != nil {
		return err
	}
	id, err := insertGrading(ctx, tx, in, orgs)
	if err != nil {
		return err
	}
	for i, o := range orgs {
		if _, err := tx.Exec(ctx, `UPDATE gradings SET score = $3, scored_at = now() WHERE round_id = $1 AND org_id = $2`,
			id, o, demo.BranchScore(i)); err != nil {
			return err
		}
	}
	return nil
}
