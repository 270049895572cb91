package postgres

import (
	"context"
	"testing"

	"github.com/campusorg/portal/internal/pgtest"
	"github.com/campusorg/portal/internal/portal"
)

// fixture is a small tree: school > (league committee, college > (团总支 > class)),
// with an administrator on the school.
type fixture struct {
	store                                  *Store
	admin                                  *portal.Actor
	school, committee, college, tzz, class portal.Org
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	s := New(pgtest.NewPool(t))
	f := &fixture{store: s}
	err := s.inTx(ctx, func(tx pgxTx) error {
		var err error
		f.school, err = insertOrg(ctx, tx, "", portal.OrgInput{Kind: portal.KindSchool, Name: "测试学院"})
		if err != nil {
			return err
		}
		f.committee, err = insertOrg(ctx, tx, f.school.Path, portal.OrgInput{ParentID: f.school.ID, Kind: portal.KindLeagueCommittee, Name: "团委"})
		if err != nil {
			return err
		}
		f.college, err = insertOrg(ctx, tx, f.school.Path, portal.OrgInput{ParentID: f.school.ID, Kind: portal.KindCollege, Name: "机电工程学院"})
		if err != nil {
			return err
		}
		f.tzz, err = insertOrg(ctx, tx, f.college.Path, portal.OrgInput{ParentID: f.college.ID, Kind: portal.KindLeagueGeneralBranch, Name: "机电工程学院团总支"})
		if err != nil {
			return err
		}
		f.class, err = insertOrg(ctx, tx, f.tzz.Path, portal.OrgInput{ParentID: f.tzz.ID, Kind: portal.KindClass, Name: "机械2301班"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	f.admin = &portal.Actor{UserID: 0, Name: "管理员", Grants: []portal.Grant{{Role: portal.RoleAdmin, OrgPath: f.school.Path}}}
	// The admin must exist for audit events to reference it.
	u, err := s.createUserForTest(ctx, "admin", f.school.ID)
	if err != nil {
		t.Fatal(err)
	}
	f.admin.UserID = u
	return f
}

func (f *fixture) audits(t *testing.T, action string) int {
	var n int
	if err := f.store.pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events WHERE action = $1`, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCreateOrgChecksPolicyAndAudits(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	in := portal.OrgInput{ParentID: f.tzz.ID, Kind: portal.KindClass, Name: "机械2302班", LeagueMembers: 40, YouthUnder28: 45, LeagueCadres: 4}
	o, err := f.store.CreateOrg(ctx, f.admin, in)
	if err != nil {
		t.Fatal(err)
	}
	if o.Path != portal.PathOf(f.tzz.Path, o.ID) || o.ParentID != f.tzz.ID || o.Version != 1 {
		t.Errorf("created org %+v", o)
	}
	if f.audits(t, "org.create") != 1 {
		t.Error("no audit event for the creation")
	}
	secretary := &portal.Actor{UserID: f.admin.UserID, Grants: []portal.Grant{{Role: portal.RoleSecretary, OrgPath: f.tzz.Path}}}
	in.Name = "机械2303班"
	if _, err := f.store.CreateOrg(ctx, secretary, in); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("a secretary created an org: %v", err)
	}
	in.Name = "机械2302班"
	if _, err := f.store.CreateOrg(ctx, f.admin, in); portal.FieldErrors(err)["name"] != "org.name_taken" {
		t.Errorf("duplicate sibling name: %v", err)
	}
}

func TestUpdateOrgVersionConflict(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	in := portal.OrgInput{Kind: portal.KindClass, Name: "机械2301班（改）"}
	if _, err := f.store.UpdateOrg(ctx, f.admin, f.class.ID, 1, in); err != nil {
		t.Fatal(err)
	}
	in.Name = "另一个名字"
	if _, err := f.store.UpdateOrg(ctx, f.admin, f.class.ID, 1, in); portal.ErrorCode(err) != portal.ECONFLICT {
		t.Fatalf("stale version: %v, want conflict", err)
	}
	got, err := f.store.GetOrg(ctx, f.admin, f.class.ID)
	if err != nil || got.Name != "机械2301班（改）" || got.Version != 2 {
		t.Errorf("after the conflict: %+v %v", got, err)
	}
}

func TestMoveOrgRewritesSubtreePaths(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	other, err := f.store.CreateOrg(ctx, f.admin, portal.OrgInput{ParentID: f.school.ID, Kind: portal.KindCollege, Name: "信息工程学院"})
	if err != nil {
		t.Fatal(err)
	}
	moved, err := f.store.MoveOrg(ctx, f.admin, f.tzz.ID, f.tzz.Version, other.ID)
	if err != nil {
		t.Fatal(err)
	}
	class, err := f.store.GetOrg(ctx, f.admin, f.class.ID)
	if err != nil {
		t.Fatal(err)
	}
	if moved.Path != portal.PathOf(other.Path, f.tzz.ID) || class.Path != portal.PathOf(moved.Path, f.class.ID) {
		t.Errorf("paths after move: %s, %s", moved.Path, class.Path)
	}
	if _, err := f.store.MoveOrg(ctx, f.admin, other.ID, other.Version, f.class.ID); portal.FieldErrors(err)["parent_id"] != "org.move_into_own_subtree" {
		t.Errorf("moving a college under its own class: %v", err)
	}
}

func TestDeactivateCascadesAndEndsGrants(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	uid, err := f.store.createUserForTest(ctx, "sec", f.tzz.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.AddGrant(ctx, f.admin, uid, portal.RoleSecretary, f.class.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.SetOrgActive(ctx, f.admin, f.tzz.ID, false); err != nil {
		t.Fatal(err)
	}
	class, _ := f.store.GetOrg(ctx, f.admin, f.class.ID)
	if class.Active {
		t.Error("the class under a deactivated 团总支 is still active")
	}
	actor, _, err := f.store.LoadActor(ctx, uid)
	if err != nil {
		t.Fatal(err)
	}
	if len(actor.Grants) != 0 {
		t.Errorf("a grant on an inactive org still counts: %+v", actor.Grants)
	}
	if _, err := f.store.SetOrgActive(ctx, f.admin, f.class.ID, true); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("reactivating under an inactive parent: %v", err)
	}
}

func TestListsAreScoped(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sec := &portal.Actor{UserID: f.admin.UserID, Grants: []portal.Grant{{Role: portal.RoleSecretary, OrgPath: f.tzz.Path}}}
	page, err := f.store.SearchOrgs(ctx, sec, OrgFilter{Query: "学院"})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range page.Items {
		if !portal.PathCovers(f.tzz.Path, o.Path) {
			t.Errorf("secretary's search returned %s outside her subtree", o.Name)
		}
	}
	if len(page.Items) != 1 || page.Items[0].ID != f.tzz.ID {
		t.Errorf("secretary's search: %+v", page.Items)
	}
	if _, err := f.store.GetOrg(ctx, sec, f.college.ID); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("secretary reads her parent college: %v", err)
	}
	users, err := f.store.ListUsers(ctx, sec, UserFilter{})
	if err != nil || len(users.Items) != 0 {
		t.Errorf("a secretary lists accounts: %d %v", len(users.Items), err)
	}
	audit, err := f.store.ListAudit(ctx, sec, AuditFilter{})
	if err != nil || len(audit.Items) != 0 {
		t.Errorf("a secretary reads the audit log: %d %v", len(audit.Items), err)
	}
}

func TestKeysetPagination(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for i := 0; i < 7; i++ {
		if _, err := f.store.CreateOrg(ctx, f.admin, portal.OrgInput{ParentID: f.tzz.ID, Kind: portal.KindClass, Name: "分页班" + string(rune('A'+i))}); err != nil {
			t.Fatal(err)
		}
	}
	seen := map[int64]bool{}
	var after int64
	pages := 0
	for {
		p, err := f.store.SearchOrgs(ctx, f.admin, OrgFilter{Query: "分页班", After: after, Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, o := range p.Items {
			if seen[o.ID] {
				t.Fatalf("org %d on two pages", o.ID)
			}
			seen[o.ID] = true
		}
		if p.Next == 0 {
			break
		}
		after = p.Next
	}
	if len(seen) != 7 || pages != 3 {
		t.Errorf("saw %d orgs over %d pages, want 7 over 3", len(seen), pages)
	}
}

func TestSignInAndPasswordChange(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.store.SignIn(ctx, "admin", "wrong password", "127.0.0.1"); portal.ErrorCode(err) != portal.EINVALID {
		t.Fatalf("wrong password: %v", err)
	}
	if _, err := f.store.SignIn(ctx, "nobody", "whatever1", "127.0.0.1"); portal.ErrorCode(err) != portal.EINVALID {
		t.Fatalf("unknown account: %v", err)
	}
	u, err := f.store.SignIn(ctx, "ADMIN", testPassword, "127.0.0.1")
	if err != nil || u.ID != f.admin.UserID {
		t.Fatalf("sign in (case-insensitive): %v", err)
	}
	epoch, err := f.store.ChangeOwnPassword(ctx, f.admin, testPassword, "新的密码足够长了吧")
	if err != nil || epoch <= u.SessionEpoch {
		t.Fatalf("change password: %v (epoch %d)", err, epoch)
	}
	if _, err := f.store.SignIn(ctx, "admin", "新的密码足够长了吧", "127.0.0.1"); err != nil {
		t.Errorf("sign in with the new password: %v", err)
	}
	if f.audits(t, "user.sign_in_failed") != 1 || f.audits(t, "user.change_password") != 1 {
		t.Error("sign-ins and password changes are not all audited")
	}
}
