package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campusorg/portal/internal/portal"
)

// appFixture adds to the small tree a 党总支, a League-brand program owned by the
// League committee (chain: 团总支 then 党总支; deadline 2026-12-20), and the people
// who act on it: the 团总支's secretary, the two endorsers and the manager.
type appFixture struct {
	*fixture
	dzz                                      portal.Org
	program, track                           int64
	secretary, endorserL, endorserP, manager *portal.Actor
	otherSecretary                           *portal.Actor
}

func newAppFixture(t *testing.T) *appFixture {
	t.Helper()
	f := &appFixture{fixture: newFixture(t)}
	ctx := context.Background()
	// Judge "now" as 2026-11-23 noon in Shanghai.
	f.store.Now = func() time.Time { return time.Date(2026, 11, 23, 12, 0, 0, 0, f.store.Zone) }
	err := f.store.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		f.dzz, err = insertOrg(ctx, tx, f.college.Path, portal.OrgInput{ParentID: f.college.ID, Kind: portal.KindPartyGeneralBranch, Name: "机电工程学院党总支"})
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE orgs SET league_members = 320, youth_under_28 = 400, league_cadres = 12 WHERE id = $1`, f.tzz.ID); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO programs (owner_org_id, scope_org_id, year, title, kind, status, endorsements, expected_kinds)
			VALUES ($1, $2, 2026, '一团一品', 'league_brand', 'open', '{league_general_branch,party_general_branch}', '{league_general_branch}')
			RETURNING id`, f.committee.ID, f.school.ID).Scan(&f.program); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO program_phases (program_id, kind, starts_on, ends_on) VALUES ($1, 'application', '2026-11-01', '2026-12-20')`, f.program); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `INSERT INTO tracks (program_id, name, eligible_kinds, max_per_org, fields)
			VALUES ($1, '团总支品牌项目', '{league_general_branch}', 2, '[{"key":"members","label":"参与人数","type":"number","required":true}]') RETURNING id`,
			f.program).Scan(&f.track)
	})
	if err != nil {
		t.Fatal(err)
	}
	person := func(name string, role portal.Role, o portal.Org) *portal.Actor {
		id, err := f.store.createUserForTest(ctx, name, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.store.pool.Exec(ctx, `INSERT INTO role_grants (user_id, role, org_id) VALUES ($1, $2, $3)`, id, role, o.ID); err != nil {
			t.Fatal(err)
		}
		return &portal.Actor{UserID: id, Name: name, Grants: []portal.Grant{{UserID: id, Role: role, OrgID: o.ID, OrgPath: o.Path}}}
	}
	f.secretary = person("secretary", portal.RoleSecretary, f.tzz)
	f.otherSecretary = person("other", portal.RoleSecretary, f.class)
	f.endorserL = person("endorser-l", portal.RoleEndorser, f.tzz)
	f.endorserP = person("endorser-p", portal.RoleEndorser, f.dzz)
	f.manager = person("manager", portal.RoleManager, f.committee)
	return f
}

func completeContent() portal.AppContent {
	return portal.AppContent{Title: "青春筑梦 志愿同行", Leader: portal.Leader{Name: "李明", Post: "团总支书记", Phone: "13800000000", Political: "中共党员"},
		Purpose: "目的", Content: "内容", Form: "形式", Expected: "成果",
		Steps:  []portal.PlanStep{{On: "2027-03-01", What: "启动"}},
		Budget: []portal.BudgetLine{{Item: "宣传", Cents: 150000}, {Item: "物资", Cents: 50050}},
		Custom: map[string][]string{"members": {"120"}}}
}

func TestApplicationFlow(t *testing.T) {
	f := newAppFixture(t)
	ctx := context.Background()

	opts, err := f.store.ApplyOptions(ctx, f.secretary, f.program)
	if err != nil || len(opts) != 1 || len(opts[0].Reasons) != 0 || opts[0].Org.ID != f.tzz.ID {
		t.Fatalf("apply options: %+v %v", opts, err)
	}
	if _, err := f.store.CreateApplication(ctx, f.otherSecretary, f.program, f.track, f.tzz.ID); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Fatalf("filing for an org without a grant: %v, want not found", err)
	}
	id, err := f.store.CreateApplication(ctx, f.secretary, f.program, f.track, f.tzz.ID)
	if err != nil {
		t.Fatal(err)
	}
	// A draft may be incomplete; sending needs every required field.
	if err := f.store.SaveDraft(ctx, f.secretary, id, 1, portal.AppContent{Title: "草稿"}); err != nil {
		t.Fatalf("save an incomplete draft: %v", err)
	}
	if _, err := f.store.Send(ctx, f.secretary, id, 2); portal.FieldErrors(err)["leader_name"] != "form.required" {
		t.Fatalf("send an incomplete draft: %v", err)
	}
	// A second writer with the old version gets a conflict and changes nothing.
	if err := f.store.SaveDraft(ctx, f.secretary, id, 1, completeContent()); portal.ErrorCode(err) != portal.ECONFLICT {
		t.Fatalf("stale save: %v, want conflict", err)
	}
	if err := f.store.SaveDraft(ctx, f.secretary, id, 2, completeContent()); err != nil {
		t.Fatal(err)
	}
	sent, err := f.store.Send(ctx, f.secretary, id, 3)
	if err != nil || !sent {
		t.Fatalf("send: %v %v", sent, err)
	}
	// The second click on the same send changes nothing.
	if sent, err := f.store.Send(ctx, f.secretary, id, 3); err != nil || sent {
		t.Fatalf("second send: %v %v", sent, err)
	}
	d, err := f.store.GetApplication(ctx, f.manager, id)
	if err != nil {
		t.Fatal(err)
	}
	if d.App.Status != portal.AppEndorsing || d.App.Versions != 1 || d.App.BudgetCents != 200050 || len(d.App.EndorserIDs) != 2 ||
		d.App.EndorserIDs[0] != f.tzz.ID || d.App.EndorserIDs[1] != f.dzz.ID {
		t.Fatalf("after sending: %+v", d.App)
	}
	if d.Versions[0].Content.Figures.LeagueMembers != 320 {
		t.Errorf("the frozen version did not take the figures from the profile: %+v", d.Versions[0].Content.Figures)
	}
	if err := f.store.SaveDraft(ctx, f.secretary, id, 4, completeContent()); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("editing after sending: %v", err)
	}
	// Only the waiting body may give its opinion.
	if err := f.store.Endorse(ctx, f.endorserP, id, 4, true, ""); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("the Party body endorsed before the League body: %v", err)
	}
	inbox, err := f.store.EndorsementInbox(ctx, f.endorserL)
	if err != nil || len(inbox) != 1 {
		t.Fatalf("League endorser's inbox: %d %v", len(inbox), err)
	}
	if err := f.store.Endorse(ctx, f.endorserL, id, 4, true, "同意推荐"); err != nil {
		t.Fatal(err)
	}
	if err := f.store.Endorse(ctx, f.endorserP, id, 5, false, ""); portal.FieldErrors(err)["opinion"] != "app.reason_required" {
		t.Errorf("a return without a reason: %v", err)
	}
	if err := f.store.Endorse(ctx, f.endorserP, id, 5, false, "请补充经费明细"); err != nil {
		t.Fatal(err)
	}
	c := completeContent()
	c.Budget = append(c.Budget, portal.BudgetLine{Item: "场地", Cents: 30000})
	if err := f.store.SaveDraft(ctx, f.secretary, id, 6, c); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.Send(ctx, f.secretary, id, 7); err != nil {
		t.Fatal(err)
	}
	if err := f.store.Endorse(ctx, f.endorserL, id, 8, true, "同意"); err != nil {
		t.Fatal(err)
	}
	if err := f.store.Endorse(ctx, f.endorserP, id, 9, true, "同意"); err != nil {
		t.Fatal(err)
	}
	d, err = f.store.GetApplication(ctx, f.manager, id)
	if err != nil || d.App.Status != portal.AppSubmitted || len(d.Versions) != 2 {
		t.Fatalf("after both opinions: %+v %v", d.App.Status, err)
	}
	changes := portal.Diff(d.Versions[1].Content, d.Versions[0].Content, d.Track.Fields)
	if len(changes) == 0 || changes[0].Field != "app.f.budget" {
		t.Errorf("changes between versions: %+v", changes)
	}
	list, err := f.store.ProgramApplications(ctx, f.manager, f.program, AppFilter{})
	if err != nil || len(list.Items) != 1 || list.Total != 1 {
		t.Fatalf("manager's list: %+v %v", list, err)
	}
	if _, err := f.store.ProgramApplications(ctx, f.secretary, f.program, AppFilter{}); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("a secretary read the manager's list: %v", err)
	}
	missing, err := f.store.MissingApplicants(ctx, f.manager, f.program)
	if err != nil || len(missing) != 0 {
		t.Errorf("missing applicants: %+v %v", missing, err)
	}
	if err := f.store.ManagerAct(ctx, f.manager, id, 10, portal.EvReceive, ""); err != nil {
		t.Fatal(err)
	}
	var notes int
	if err := f.store.pool.QueryRow(ctx, `SELECT count(*) FROM notifications WHERE user_id = $1`, f.secretary.UserID).Scan(&notes); err != nil || notes < 4 {
		t.Errorf("the secretary got %d notifications: %v", notes, err)
	}
	if f.audits(t, "application.send") != 2 || f.audits(t, "application.endorse") != 3 || f.audits(t, "application.return") != 1 {
		t.Error("the flow is not fully audited")
	}
}

func TestDeadlineAndExtension(t *testing.T) {
	f := newAppFixture(t)
	ctx := context.Background()
	id, err := f.store.CreateApplication(ctx, f.secretary, f.program, f.track, f.tzz.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.SaveDraft(ctx, f.secretary, id, 1, completeContent()); err != nil {
		t.Fatal(err)
	}
	// The deadline is the end of 20 December in Shanghai: one second later is too late.
	f.store.Now = func() time.Time { return time.Date(2026, 12, 20, 16, 0, 0, 0, time.UTC) }
	if _, err := f.store.Send(ctx, f.secretary, id, 2); err == nil || err.(*portal.Error).Message != "elig.deadline_passed" {
		t.Fatalf("sending after the deadline: %v", err)
	}
	if err := f.store.ExtendDeadline(ctx, f.manager, f.program, f.tzz.ID, time.Date(2026, 12, 27, 0, 0, 0, 0, time.UTC), "材料补充"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.Send(ctx, f.secretary, id, 2); err != nil {
		t.Fatalf("sending within the extension: %v", err)
	}
}

func TestAttachments(t *testing.T) {
	f := newAppFixture(t)
	ctx := context.Background()
	id, err := f.store.CreateApplication(ctx, f.secretary, f.program, f.track, f.tzz.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.AddAttachment(ctx, f.secretary, id, "", "x.exe", "application/x-msdownload", []byte("MZ")); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("an executable was accepted: %v", err)
	}
	at, err := f.store.AddAttachment(ctx, f.secretary, id, "", "../../etc/申报材料.pdf", "application/pdf", []byte("%PDF-1.4 test"))
	if err != nil {
		t.Fatal(err)
	}
	if at.Name != "申报材料.pdf" {
		t.Errorf("stored name %q", at.Name)
	}
	if _, _, err := f.store.AttachmentFile(ctx, f.otherSecretary, at.ID); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("another organization's secretary downloaded it: %v", err)
	}
	got, data, err := f.store.AttachmentFile(ctx, f.secretary, at.ID)
	if err != nil || string(data) != "%PDF-1.4 test" || got.ContentType != "application/pdf" {
		t.Errorf("download: %+v %q %v", got, data, err)
	}
	if err := f.store.RemoveAttachment(ctx, f.secretary, id, at.ID); err != nil {
		t.Fatal(err)
	}
	d, err := f.store.GetApplication(ctx, f.secretary, id)
	if err != nil || len(d.App.Content.Attachments) != 0 || !d.Attachments[0].Removed {
		t.Errorf("after removing: %+v %v", d.App.Content.Attachments, err)
	}
}
