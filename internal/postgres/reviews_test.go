package postgres

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campusorg/portal/internal/portal"
)

// reviewFixture is the application fixture with two more colleges, each with its
// 团总支 and 党总支 and their people, three submitted applications (one per
// college), and three reviewers on the school, the first working in college 1.
type reviewFixture struct {
	*appFixture
	apps      []int64
	reviewers []*portal.Actor
	colleges  []portal.Org
}

func newReviewFixture(t *testing.T) *reviewFixture {
	t.Helper()
	f := &reviewFixture{appFixture: newAppFixture(t)}
	ctx := context.Background()
	person := func(name string, role portal.Role, o portal.Org, home portal.Org) *portal.Actor {
		id, err := f.store.createUserForTest(ctx, name, home.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.store.pool.Exec(ctx, `INSERT INTO role_grants (user_id, role, org_id) VALUES ($1, $2, $3)`, id, role, o.ID); err != nil {
			t.Fatal(err)
		}
		a, _, err := f.store.LoadActor(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	file := func(sec, el, ep *portal.Actor, org portal.Org, title string) {
		id, err := f.store.CreateApplication(ctx, sec, f.program, f.track, org.ID)
		if err != nil {
			t.Fatal(err)
		}
		c := completeContent()
		c.Title = title
		if err := f.store.SaveDraft(ctx, sec, id, 1, c); err != nil {
			t.Fatal(err)
		}
		if _, err := f.store.Send(ctx, sec, id, 2); err != nil {
			t.Fatal(err)
		}
		if err := f.store.Endorse(ctx, el, id, 3, true, "同意"); err != nil {
			t.Fatal(err)
		}
		if err := f.store.Endorse(ctx, ep, id, 4, true, "同意"); err != nil {
			t.Fatal(err)
		}
		f.apps = append(f.apps, id)
	}
	f.colleges = append(f.colleges, f.college)
	file(f.secretary, f.endorserL, f.endorserP, f.tzz, "项目一")
	for i, name := range []string{"信息工程学院", "艺术设计学院"} {
		var col, tzz, dzz portal.Org
		err := f.store.inTx(ctx, func(tx pgx.Tx) error {
			var err error
			if col, err = insertOrg(ctx, tx, f.school.Path, portal.OrgInput{ParentID: f.school.ID, Kind: portal.KindCollege, Name: name}); err != nil {
				return err
			}
			if tzz, err = insertOrg(ctx, tx, col.Path, portal.OrgInput{ParentID: col.ID, Kind: portal.KindLeagueGeneralBranch, Name: name + "团总支"}); err != nil {
				return err
			}
			dzz, err = insertOrg(ctx, tx, col.Path, portal.OrgInput{ParentID: col.ID, Kind: portal.KindPartyGeneralBranch, Name: name + "党总支"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		f.colleges = append(f.colleges, col)
		n := string(rune('a' + i))
		file(person("sec-"+n, portal.RoleSecretary, tzz, tzz), person("el-"+n, portal.RoleEndorser, tzz, tzz),
			person("ep-"+n, portal.RoleEndorser, dzz, dzz), tzz, []string{"项目二", "项目三"}[i])
	}
	for i, home := range []portal.Org{f.college, f.committee, f.committee} {
		f.reviewers = append(f.reviewers, person("reviewer"+string(rune('1'+i)), portal.RoleReviewer, f.school, home))
	}
	if _, err := f.store.pool.Exec(ctx, `UPDATE tracks SET quota = 1, grant_yuan = 10000, cycle_months = 12 WHERE id = $1`, f.track); err != nil {
		t.Fatal(err)
	}
	return f
}

func rubric() portal.Rubric {
	return portal.Rubric{Criteria: []portal.Criterion{{Name: "方案可行性", Max: 40}, {Name: "创新性", Max: 60}}, PassAt: 60}
}

func TestReviewRoundFromAssignmentToProjects(t *testing.T) {
	f := newReviewFixture(t)
	ctx := context.Background()
	in := portal.RoundInput{Stage: portal.StageApproval, Title: "立项评审", Starts: time.Date(2026, 12, 21, 0, 0, 0, 0, time.UTC),
		Ends: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC), TrackIDs: []int64{f.track}, Rubric: rubric(), PerItem: 2}
	if _, err := f.store.CreateRound(ctx, f.secretary, f.program, in); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Fatalf("a secretary opened a round: %v", err)
	}
	id, err := f.store.CreateRound(ctx, f.manager, f.program, in)
	if err != nil {
		t.Fatal(err)
	}
	short, err := f.store.AutoAssign(ctx, f.manager, id)
	if err != nil || len(short) != 0 {
		t.Fatalf("auto assign: short %v, %v", short, err)
	}
	rd, err := f.store.GetRound(ctx, f.manager, id)
	if err != nil || len(rd.Items) != 3 || len(rd.Reviewers) != 3 {
		t.Fatalf("round: %d items, %d reviewers, %v", len(rd.Items), len(rd.Reviewers), err)
	}
	for _, it := range rd.Items {
		if len(it.Sheets) != 2 {
			t.Errorf("item %s has %d reviewers, want 2", it.Code, len(it.Sheets))
		}
		for _, a := range it.Sheets {
			if it.OrgPath == f.tzz.Path && a.ReviewerID == f.reviewers[0].UserID {
				t.Errorf("reviewer1 works in the applicant's college and was assigned to it")
			}
		}
	}
	for _, r := range rd.Reviewers {
		if r.Assigned < 1 || r.Assigned > 3 {
			t.Errorf("unbalanced load: %+v", rd.Reviewers)
		}
	}
	if err := f.store.SetAssignment(ctx, f.manager, id, rd.Items[0].ID, f.reviewers[0].UserID, true); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("assigning a conflicted reviewer by hand: %v", err)
	}
	if err := f.store.SetRoundStatus(ctx, f.manager, id, 1, portal.RoundScoring); err != nil {
		t.Fatal(err)
	}
	// Each reviewer scores what is assigned: item k gets 50+10k from everyone.
	score := map[int64]float64{}
	for k, it := range rd.Items {
		score[it.ID] = float64(50 + 10*k)
	}
	var first Assignment
	for _, rev := range f.reviewers {
		mine, err := f.store.MyReviews(ctx, rev)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range mine {
			if first.ID == 0 {
				first = m.Assignment
				// Over the maximum, and a stale version, change nothing.
				bad := portal.Sheet{Scores: map[string]float64{"c1": 41}}
				if err := f.store.SaveSheet(ctx, rev, m.ID, m.Version, bad, false); portal.FieldErrors(err)["score_c1"] != "review.score_over_max" {
					t.Errorf("score over max: %v", err)
				}
				if err := f.store.SaveSheet(ctx, f.reviewers[(indexOf(f.reviewers, rev)+1)%3], m.ID, m.Version, bad, false); portal.ErrorCode(err) != portal.ENOTFOUND {
					t.Errorf("another reviewer's sheet: %v", err)
				}
				if err := f.store.SaveSheet(ctx, rev, m.ID, m.Version, portal.Sheet{Scores: map[string]float64{"c1": 10}}, false); err != nil {
					t.Fatal(err)
				}
				if err := f.store.SaveSheet(ctx, rev, m.ID, m.Version, portal.Sheet{}, false); portal.ErrorCode(err) != portal.ECONFLICT {
					t.Errorf("a stale sheet: %v", err)
				}
				m.Version++
				// Moving on while sheets are open is refused, listing what is missing.
				err := f.store.SetRoundStatus(ctx, f.manager, id, 2, portal.RoundDeciding)
				if portal.ErrorCode(err) != portal.EINVALID || !strings.Contains(err.(*portal.Error).Args[0].(string), rev.Name) {
					t.Errorf("deciding with open sheets: %v", err)
				}
			}
			total := score[m.ItemID]
			sh := portal.Sheet{Scores: map[string]float64{"c1": total * 0.4, "c2": total * 0.6}, Recommendation: "approve"}
			if err := f.store.SaveSheet(ctx, rev, m.ID, m.Version, sh, true); err != nil {
				t.Fatalf("submit: %v", err)
			}
			if err := f.store.SaveSheet(ctx, rev, m.ID, m.Version+1, sh, false); portal.ErrorCode(err) != portal.EINVALID {
				t.Errorf("changing a submitted sheet: %v", err)
			}
		}
	}
	if err := f.store.SetRoundStatus(ctx, f.manager, id, 2, portal.RoundDeciding); err != nil {
		t.Fatal(err)
	}
	res, err := f.store.RoundResults(ctx, f.manager, id)
	if err != nil || len(res) != 1 || len(res[0].Items) != 3 {
		t.Fatalf("results: %+v %v", res, err)
	}
	best := res[0].Items[0]
	if best.Item.ID != rd.Items[2].ID || best.Ranked.Rank != 1 || !best.Ranked.InQuota || res[0].Items[1].Ranked.InQuota ||
		best.Stats.Count != 2 || best.Stats.Mean != 70 {
		t.Errorf("ranking: %+v", res[0].Items)
	}
	two := []int64{rd.Items[2].ID, rd.Items[1].ID}
	if err := f.store.Decide(ctx, f.manager, id, 3, f.track, two, ""); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("past the quota without a reason: %v", err)
	}
	if err := f.store.SetRoundStatus(ctx, f.manager, id, 3, portal.RoundPublished); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("publishing undecided items: %v", err)
	}
	if err := f.store.Decide(ctx, f.manager, id, 3, f.track, two, "第二名与第一名差距很小，经评审委员会讨论同意增补"); err != nil {
		t.Fatal(err)
	}
	f.store.Now = func() time.Time { return time.Date(2027, 1, 4, 9, 0, 0, 0, f.store.Zone) }
	if err := f.store.SetRoundStatus(ctx, f.manager, id, 4, portal.RoundPublished); err != nil {
		t.Fatal(err)
	}
	pub, err := f.store.GetPublication(ctx, f.secretary, id)
	if err != nil || len(pub.Items) != 2 || !pub.Open {
		t.Fatalf("publication: %+v %v", pub.Items, err)
	}
	if err := f.store.RaiseObjection(ctx, f.secretary, id, "对评审结果有疑问"); err != nil {
		t.Fatal(err)
	}
	if err := f.store.Finalize(ctx, f.manager, id, 5); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("finalizing during the window: %v", err)
	}
	f.store.Now = func() time.Time { return time.Date(2027, 1, 10, 9, 0, 0, 0, f.store.Zone) }
	if err := f.store.Finalize(ctx, f.manager, id, 5); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("finalizing with an unanswered objection: %v", err)
	}
	pub, _ = f.store.GetPublication(ctx, f.manager, id)
	if err := f.store.AnswerObjection(ctx, f.manager, id, pub.Objections[0].ID, "经复核，评分无误。"); err != nil {
		t.Fatal(err)
	}
	if err := f.store.Finalize(ctx, f.manager, id, 5); err != nil {
		t.Fatal(err)
	}
	var projects int
	var ends time.Time
	if err := f.store.pool.QueryRow(ctx, `SELECT count(*), max(ends_on) FROM projects WHERE round_id = $1`, id).Scan(&projects, &ends); err != nil || projects != 2 {
		t.Fatalf("projects: %d %v", projects, err)
	}
	if ends.Format("2006-01-02") != "2027-12-31" {
		t.Errorf("cycle ends %v, want 2027-12-31", ends)
	}
	var approved, rejected int
	if err := f.store.pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE status = 'approved'), count(*) FILTER (WHERE status = 'rejected')
		FROM applications WHERE id = ANY($1)`, f.apps).Scan(&approved, &rejected); err != nil || approved != 2 || rejected != 1 {
		t.Errorf("applications: %d approved, %d rejected, %v", approved, rejected, err)
	}
	if f.audits(t, "review.finalize") != 1 || f.audits(t, "review.decide") != 1 {
		t.Error("the round is not fully audited")
	}
}

func indexOf(list []*portal.Actor, a *portal.Actor) int {
	for i, x := range list {
		if x == a {
			return i
		}
	}
	return -1
}

func TestDeclineReassigns(t *testing.T) {
	f := newReviewFixture(t)
	ctx := context.Background()
	in := portal.RoundInput{Stage: portal.StageApproval, Title: "立项评审", Starts: time.Date(2026, 12, 21, 0, 0, 0, 0, time.UTC),
		Ends: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC), TrackIDs: []int64{f.track}, Rubric: rubric(), PerItem: 1, Blind: true}
	id, err := f.store.CreateRound(ctx, f.manager, f.program, in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.AutoAssign(ctx, f.manager, id); err != nil {
		t.Fatal(err)
	}
	if err := f.store.SetRoundStatus(ctx, f.manager, id, 1, portal.RoundScoring); err != nil {
		t.Fatal(err)
	}
	rev := f.reviewers[1]
	mine, err := f.store.MyReviews(ctx, rev)
	if err != nil || len(mine) == 0 {
		t.Fatalf("reviewer2 has %d sheets: %v", len(mine), err)
	}
	if mine[0].Title != "" || mine[0].OrgName != "" {
		t.Errorf("a blind round shows the applicant: %+v", mine[0])
	}
	sheet, err := f.store.GetReviewSheet(ctx, rev, mine[0].ID)
	if err != nil || sheet.OrgName != "" || sheet.Version.Content.Leader.Name != "" {
		t.Errorf("blind sheet: %+v %v", sheet.Version.Content.Leader, err)
	}
	if err := f.store.DeclineSheet(ctx, rev, mine[0].ID, false, ""); portal.FieldErrors(err)["note"] != "app.reason_required" {
		t.Errorf("declining without a reason: %v", err)
	}
	if err := f.store.DeclineSheet(ctx, rev, mine[0].ID, true, "曾指导该项目"); err != nil {
		t.Fatal(err)
	}
	rd, err := f.store.GetRound(ctx, f.manager, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range rd.Items {
		if it.ID != mine[0].ItemID {
			continue
		}
		active := 0
		for _, a := range it.Sheets {
			if a.Status == "assigned" {
				active++
				if a.ReviewerID == rev.UserID {
					t.Error("the declining reviewer was assigned again")
				}
			}
		}
		if active != 1 {
			t.Errorf("the item was not reassigned: %+v", it.Sheets)
		}
	}
}
