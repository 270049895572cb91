package postgres

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/campusorg/portal/internal/demo"
	"github.com/campusorg/portal/internal/pgtest"
	"github.com/campusorg/portal/internal/portal"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// person creates an account at home holding role on each org, and returns its actor.
func (f *fixture) person(t *testing.T, username string, role portal.Role, orgs ...portal.Org) *portal.Actor {
	t.Helper()
	id, err := f.store.createUserForTest(context.Background(), username, orgs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	a := &portal.Actor{UserID: id, Name: username}
	for _, o := range orgs {
		a.Grants = append(a.Grants, portal.Grant{Role: role, OrgID: o.ID, OrgPath: o.Path, OrgKind: o.Kind})
	}
	return a
}

// programFixture adds to the fixture a Party committee, a second college's 团总支, and
// managers of the League and Party committees.
type programFixture struct {
	*fixture
	dangwei, college2, tzz2    portal.Org
	tuanwei, zuzhibu, leagueSe *portal.Actor
}

func newProgramFixture(t *testing.T) *programFixture {
	t.Helper()
	f := &programFixture{fixture: newFixture(t)}
	ctx := context.Background()
	err := f.store.inTx(ctx, func(tx pgxTx) error {
		var err error
		if f.dangwei, err = insertOrg(ctx, tx, f.school.Path, portal.OrgInput{ParentID: f.school.ID, Kind: portal.KindPartyCommittee, Name: "党委"}); err != nil {
			return err
		}
		if f.college2, err = insertOrg(ctx, tx, f.school.Path, portal.OrgInput{ParentID: f.school.ID, Kind: portal.KindCollege, Name: "信息工程学院"}); err != nil {
			return err
		}
		f.tzz2, err = insertOrg(ctx, tx, f.college2.Path, portal.OrgInput{ParentID: f.college2.ID, Kind: portal.KindLeagueGeneralBranch, Name: "信息工程学院团总支"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	f.tuanwei = f.person(t, "tuanwei", portal.RoleManager, f.committee)
	f.zuzhibu = f.person(t, "zuzhibu", portal.RoleManager, f.dangwei)
	f.leagueSe = f.person(t, "secretary", portal.RoleSecretary, f.tzz)
	return f
}

// brandInput is a 一团一品 call of the League committee for the whole school.
func (f *programFixture) brandInput(year int) portal.ProgramInput {
	y := func(md string) time.Time { return day(fmt.Sprintf("%d-%s", year, md)) }
	return portal.ProgramInput{OwnerOrgID: f.committee.ID, ScopeOrgID: f.school.ID, Year: year, Title: "“一团一品”品牌创建",
		Kind: portal.ProgramLeagueBrand, Endorsements: []portal.OrgKind{portal.KindLeagueGeneralBranch, portal.KindPartyGeneralBranch},
		ExpectedKinds: []portal.OrgKind{portal.KindLeagueGeneralBranch},
		Phases: []portal.Phase{
			{Kind: portal.PhaseApplication, Starts: y("03-01"), Ends: y("03-30")},
			{Kind: portal.PhaseImplementation, Starts: y("04-01"), Ends: y("11-30")},
		}}
}

func (f *programFixture) create(t *testing.T, actor *portal.Actor, in portal.ProgramInput) portal.ProgramDetail {
	t.Helper()
	d, err := f.store.CreateProgram(context.Background(), actor, in)
	if err != nil {
		t.Fatalf("create: %v (%v)", err, portal.FieldErrors(err))
	}
	return d
}

func (f *programFixture) addTrack(t *testing.T, programID int64, name string) portal.Track {
	t.Helper()
	tr, err := f.store.SaveTrack(context.Background(), f.tuanwei, programID, 0, 0,
		portal.TrackInput{Name: name, EligibleKinds: []portal.OrgKind{portal.KindLeagueGeneralBranch}, MinPerOrg: 1})
	if err != nil {
		t.Fatalf("track: %v (%v)", err, portal.FieldErrors(err))
	}
	return tr
}

func TestCreateProgram(t *testing.T) {
	f := newProgramFixture(t)
	ctx := context.Background()
	d := f.create(t, f.tuanwei, f.brandInput(2021))
	if d.ID == 0 || d.Status != portal.ProgramDraft || d.Version != 1 || d.OwnerPath != f.committee.Path || d.ScopePath != f.school.Path {
		t.Errorf("created %+v", d.Program)
	}
	if len(d.Phases) != 2 || d.Phases[0].Kind != portal.PhaseApplication || d.Phases[0].Ends.Format(time.DateOnly) != "2021-03-30" {
		t.Errorf("phases %+v", d.Phases)
	}
	if len(d.Endorsements) != 2 || d.Endorsements[0] != portal.KindLeagueGeneralBranch {
		t.Errorf("endorsements %v", d.Endorsements)
	}
	if f.audits(t, "program.create") != 1 {
		t.Error("no audit event")
	}

	bad := f.brandInput(2021)
	bad.Title = ""
	bad.Phases[1].Starts = day("2021-02-01")
	_, err := f.store.CreateProgram(ctx, f.tuanwei, bad)
	if fe := portal.FieldErrors(err); fe["title"] == "" || fe["phase_implementation_starts"] == "" {
		t.Errorf("invalid input: %v %v", err, fe)
	}
	// Owned by an org the actor does not manage.
	other := f.brandInput(2021)
	other.OwnerOrgID = f.dangwei.ID
	if _, err := f.store.CreateProgram(ctx, f.tuanwei, other); portal.FieldErrors(err)["owner_org_id"] == "" {
		t.Errorf("owner outside the grant: %v", err)
	}
	// A scope that does not hold the owner.
	narrow := f.brandInput(2021)
	narrow.ScopeOrgID = f.college.ID
	if _, err := f.store.CreateProgram(ctx, f.tuanwei, narrow); portal.FieldErrors(err)["scope_org_id"] != "program.scope_invalid" {
		t.Errorf("scope beside the owner: %v", err)
	}
	if _, err := f.store.CreateProgram(ctx, f.leagueSe, f.brandInput(2021)); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("a secretary created a program: %v", err)
	}
	if _, err := f.store.CreateProgram(ctx, f.admin, f.brandInput(2021)); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("an administrator (not a manager) created a program: %v", err)
	}
	if f.audits(t, "program.create") != 1 {
		t.Error("a refused creation was audited")
	}
}

func TestUpdateProgramVersionConflict(t *testing.T) {
	f := newProgramFixture(t)
	ctx := context.Background()
	d := f.create(t, f.tuanwei, f.brandInput(2021))
	in := f.brandInput(2021)
	in.Title = "改过的标题"
	in.OwnerOrgID = f.dangwei.ID // ignored: the owner stays
	in.Phases = append(in.Phases, portal.Phase{Kind: portal.PhaseFinal, Starts: day("2021-12-01"), Ends: day("2021-12-31")})
	up, err := f.store.UpdateProgram(ctx, f.tuanwei, d.ID, d.Version, in)
	if err != nil {
		t.Fatal(err, portal.FieldErrors(err))
	}
	if up.Title != "改过的标题" || up.Version != 2 || up.OwnerOrgID != f.committee.ID || len(up.Phases) != 3 {
		t.Errorf("updated %+v", up.Program)
	}
	in.Title = "另一个标题"
	if _, err := f.store.UpdateProgram(ctx, f.tuanwei, d.ID, d.Version, in); portal.ErrorCode(err) != portal.ECONFLICT {
		t.Fatalf("stale version: %v, want conflict", err)
	}
	got, err := f.store.GetProgram(ctx, f.tuanwei, d.ID)
	if err != nil || got.Title != "改过的标题" || got.Version != 2 {
		t.Errorf("after the conflict: %+v %v", got.Program, err)
	}
	if _, err := f.store.UpdateProgram(ctx, f.zuzhibu, d.ID, 2, in); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("another committee's manager edited: %v", err)
	}
	if f.audits(t, "program.update") != 1 {
		t.Error("want one update audited")
	}
}

func TestProgramStatusMoves(t *testing.T) {
	f := newProgramFixture(t)
	ctx := context.Background()
	in := f.brandInput(2026)
	in.Phases = in.Phases[1:] // no application phase yet
	d := f.create(t, f.tuanwei, in)
	set := func(version int, next portal.ProgramStatus) (portal.ProgramDetail, error) {
		return f.store.SetProgramStatus(ctx, f.tuanwei, d.ID, version, next)
	}
	if _, err := set(1, portal.ProgramOpen); portal.ErrorCode(err) != portal.EINVALID || err.(*portal.Error).Message != "program.open_needs_track" {
		t.Fatalf("open without a track: %v", err)
	}
	f.addTrack(t, d.ID, "团总支品牌项目")
	if _, err := set(1, portal.ProgramOpen); portal.ErrorCode(err) != portal.EINVALID || err.(*portal.Error).Message != "program.open_needs_application" {
		t.Fatalf("open without an application phase: %v", err)
	}
	up, err := f.store.UpdateProgram(ctx, f.tuanwei, d.ID, 1, f.brandInput(2026))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := set(up.Version, portal.ProgramClosed); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("closed a draft: %v", err)
	}
	if _, err := set(up.Version-1, portal.ProgramOpen); portal.ErrorCode(err) != portal.ECONFLICT {
		t.Errorf("stale version: %v", err)
	}
	if _, err := f.store.SetProgramStatus(ctx, f.leagueSe, d.ID, up.Version, portal.ProgramOpen); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("a secretary opened it: %v", err)
	}
	open, err := set(up.Version, portal.ProgramOpen)
	if err != nil || open.Status != portal.ProgramOpen {
		t.Fatalf("open: %v %s", err, open.Status)
	}
	// An open program keeps its application phase and its last track.
	noApp := f.brandInput(2026)
	noApp.Phases = noApp.Phases[1:]
	if _, err := f.store.UpdateProgram(ctx, f.tuanwei, d.ID, open.Version, noApp); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("removed the application phase of an open program: %v", err)
	}
	if err := f.store.DeleteTrack(ctx, f.tuanwei, d.ID, open.Tracks[0].ID); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("deleted the last track of an open program: %v", err)
	}
	closed, err := set(open.Version, portal.ProgramClosed)
	if err != nil {
		t.Fatal(err)
	}
	archived, err := set(closed.Version, portal.ProgramArchived)
	if err != nil || archived.Status != portal.ProgramArchived {
		t.Fatalf("archive: %v", err)
	}
	if _, err := set(archived.Version, portal.ProgramOpen); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("reopened an archived program: %v", err)
	}
	if _, err := f.store.UpdateProgram(ctx, f.tuanwei, d.ID, archived.Version, f.brandInput(2026)); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("edited an archived program: %v", err)
	}
	if _, err := f.store.SaveTheme(ctx, f.tuanwei, d.ID, 0, "思想引领类"); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("added a theme to an archived program: %v", err)
	}
	if n := f.audits(t, "program.status"); n != 3 {
		t.Errorf("%d status changes audited, want 3", n)
	}
}

func TestCopyProgramShiftsDates(t *testing.T) {
	f := newProgramFixture(t)
	ctx := context.Background()
	in := f.brandInput(2024)
	in.Title = "2024年“一团一品”品牌创建"
	in.Phases[0] = portal.Phase{Kind: portal.PhaseApplication, Starts: day("2024-02-29"), Ends: day("2024-03-30")}
	d := f.create(t, f.tuanwei, in)
	tr, err := f.store.SaveTrack(ctx, f.tuanwei, d.ID, 0, 0, portal.TrackInput{Name: "团总支品牌项目", Quota: 8, GrantYuan: 3000,
		CycleMonths: 9, Deadline: day("2024-02-29"), EligibleKinds: []portal.OrgKind{portal.KindLeagueGeneralBranch},
		Fields: []portal.FieldDef{{Key: "plan", Label: "项目实施方案", Type: portal.FieldTextarea, Required: true}}})
	if err != nil {
		t.Fatal(err, portal.FieldErrors(err))
	}
	for _, name := range []string{"思想引领类", "其他"} {
		if _, err := f.store.SaveTheme(ctx, f.tuanwei, d.ID, 0, name); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.store.CopyProgram(ctx, f.tuanwei, d.ID, 1999); portal.FieldErrors(err)["year"] == "" {
		t.Errorf("copy to 1999: %v", err)
	}
	if _, err := f.store.CopyProgram(ctx, f.zuzhibu, d.ID, 2025); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("another committee copied it: %v", err)
	}
	c, err := f.store.CopyProgram(ctx, f.tuanwei, d.ID, 2025)
	if err != nil {
		t.Fatal(err)
	}
	if c.ID == d.ID || c.CopiedFrom != d.ID || c.Status != portal.ProgramDraft || c.Year != 2025 || c.Title != "2025年“一团一品”品牌创建" {
		t.Errorf("copy %+v", c.Program)
	}
	app, _ := c.Phase(portal.PhaseApplication)
	if app.Starts.Format(time.DateOnly) != "2025-02-28" || app.Ends.Format(time.DateOnly) != "2025-03-30" {
		t.Errorf("application phase %v – %v", app.Starts, app.Ends)
	}
	if impl, _ := c.Phase(portal.PhaseImplementation); impl.Ends.Format(time.DateOnly) != "2025-11-30" {
		t.Errorf("implementation ends %v", impl.Ends)
	}
	if len(c.Tracks) != 1 {
		t.Fatalf("tracks %+v", c.Tracks)
	}
	ct := c.Tracks[0]
	if ct.ID == tr.ID || ct.Name != tr.Name || ct.Quota != 8 || ct.GrantYuan != 3000 || ct.Deadline.Format(time.DateOnly) != "2025-02-28" ||
		len(ct.Fields) != 1 || ct.Fields[0].Key != "plan" || len(ct.EligibleKinds) != 1 || ct.Version != 1 {
		t.Errorf("copied track %+v", ct)
	}
	if len(c.Themes) != 2 || c.Themes[0].Name != "思想引领类" || c.Themes[1].Name != "其他" {
		t.Errorf("themes %+v", c.Themes)
	}
	if f.audits(t, "program.copy") != 1 {
		t.Error("copy not audited")
	}
}

func TestTrackSaveAndDelete(t *testing.T) {
	f := newProgramFixture(t)
	ctx := context.Background()
	d := f.create(t, f.tuanwei, f.brandInput(2026))
	a := f.addTrack(t, d.ID, "甲")
	b := f.addTrack(t, d.ID, "乙")
	if a.Position >= b.Position || a.Version != 1 {
		t.Errorf("positions %d %d, version %d", a.Position, b.Position, a.Version)
	}
	if _, err := f.store.SaveTrack(ctx, f.tuanwei, d.ID, 0, 0, portal.TrackInput{Name: "甲"}); portal.FieldErrors(err)["name"] != "track.name_taken" {
		t.Errorf("duplicate name: %v", err)
	}
	up, err := f.store.SaveTrack(ctx, f.tuanwei, d.ID, a.ID, 1, portal.TrackInput{Name: "甲（改）", Quota: 3, MinPerOrg: 2, MaxPerOrg: 2})
	if err != nil || up.Name != "甲（改）" || up.Quota != 3 || up.Version != 2 {
		t.Fatalf("update: %+v %v", up, err)
	}
	if _, err := f.store.SaveTrack(ctx, f.tuanwei, d.ID, a.ID, 1, portal.TrackInput{Name: "甲（再改）"}); portal.ErrorCode(err) != portal.ECONFLICT {
		t.Errorf("stale track version: %v", err)
	}
	if _, err := f.store.SaveTrack(ctx, f.tuanwei, d.ID, a.ID, 2, portal.TrackInput{Name: "乙"}); portal.FieldErrors(err)["name"] != "track.name_taken" {
		t.Errorf("rename onto another track: %v", err)
	}
	// A track of another program is not found through this one.
	other := f.create(t, f.tuanwei, f.brandInput(2027))
	if _, err := f.store.SaveTrack(ctx, f.tuanwei, other.ID, a.ID, 2, portal.TrackInput{Name: "丙"}); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("track through another program: %v", err)
	}
	theme, err := f.store.SaveTheme(ctx, f.tuanwei, d.ID, 0, "志愿服务类")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.SaveTheme(ctx, f.tuanwei, d.ID, 0, " 志愿服务类 "); portal.FieldErrors(err)["name"] != "theme.name_taken" {
		t.Errorf("duplicate theme: %v", err)
	}
	// An application uses track a and the theme: neither may go.
	if _, err := f.store.pool.Exec(ctx, `INSERT INTO applications (program_id, track_id, theme_id, org_id, org_path, author_id)
		VALUES ($1, $2, $3, $4, $5, $6)`, d.ID, a.ID, theme.ID, f.tzz.ID, f.tzz.Path, f.leagueSe.UserID); err != nil {
		t.Fatal(err)
	}
	if err := f.store.DeleteTrack(ctx, f.tuanwei, d.ID, a.ID); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("deleted a track in use: %v", err)
	}
	if err := f.store.DeleteTheme(ctx, f.tuanwei, d.ID, theme.ID); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("deleted a theme in use: %v", err)
	}
	if err := f.store.DeleteTrack(ctx, f.zuzhibu, d.ID, b.ID); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("another committee deleted a track: %v", err)
	}
	if err := f.store.DeleteTrack(ctx, f.tuanwei, d.ID, b.ID); err != nil {
		t.Errorf("delete unused track: %v", err)
	}
	other2, err := f.store.SaveTheme(ctx, f.tuanwei, d.ID, 0, "其他")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.DeleteTheme(ctx, f.tuanwei, d.ID, other2.ID); err != nil {
		t.Errorf("delete unused theme: %v", err)
	}
	got, err := f.store.GetProgram(ctx, f.tuanwei, d.ID)
	if err != nil || len(got.Tracks) != 1 || len(got.Themes) != 1 {
		t.Errorf("after deletions: %d tracks, %d themes, %v", len(got.Tracks), len(got.Themes), err)
	}
	for action, want := range map[string]int{"track.create": 2, "track.update": 1, "track.delete": 1, "theme.create": 2, "theme.delete": 1} {
		if n := f.audits(t, action); n != want {
			t.Errorf("%s audited %d times, want %d", action, n, want)
		}
	}
}

func TestProgramScoping(t *testing.T) {
	f := newProgramFixture(t)
	ctx := context.Background()
	brand := f.create(t, f.tuanwei, f.brandInput(2026))
	f.addTrack(t, brand.ID, "团总支品牌项目")
	bench := f.create(t, f.zuzhibu, portal.ProgramInput{OwnerOrgID: f.dangwei.ID, ScopeOrgID: f.school.ID, Year: 2026, Title: "对标争先",
		Kind: portal.ProgramPartyBenchmark, BanMonths: 24})
	// A draft of the League committee, and an open call scoped to another college.
	draft := f.create(t, f.tuanwei, f.brandInput(2027))
	collegeMgr := f.person(t, "tzz2mgr", portal.RoleManager, f.tzz2)
	narrow := f.create(t, collegeMgr, portal.ProgramInput{OwnerOrgID: f.tzz2.ID, ScopeOrgID: f.tzz2.ID, Year: 2026, Title: "焦裕禄班",
		Kind: portal.ProgramClassCreation, Phases: []portal.Phase{{Kind: portal.PhaseApplication, Starts: day("2026-11-01"), Ends: day("2026-12-20")}}})
	if _, err := f.store.SaveTrack(ctx, collegeMgr, narrow.ID, 0, 0, portal.TrackInput{Name: "创建班级"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.SetProgramStatus(ctx, collegeMgr, narrow.ID, narrow.Version, portal.ProgramOpen); err != nil {
		t.Fatal(err)
	}
	ids := func(p Page[portal.ProgramSummary], err error) []int64 {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, s := range p.Items {
			out = append(out, s.ID)
		}
		return out
	}
	same := func(got []int64, want ...int64) bool {
		if len(got) != len(want) {
			return false
		}
		for i := range got {
			if got[i] != want[i] {
				return false
			}
		}
		return true
	}
	if got := ids(f.store.ListPrograms(ctx, f.zuzhibu, ProgramFilter{})); !same(got, bench.ID) {
		t.Errorf("the Party committee's manager lists %v, want only %d", got, bench.ID)
	}
	if _, err := f.store.GetProgram(ctx, f.zuzhibu, brand.ID); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("the Party committee's manager read the League's program: %v", err)
	}
	if got := ids(f.store.ListPrograms(ctx, f.tuanwei, ProgramFilter{})); !same(got, draft.ID, brand.ID) {
		t.Errorf("the League committee's manager lists %v", got)
	}
	leader := f.person(t, "leader", portal.RoleViewer, f.school)
	if got := ids(f.store.ListPrograms(ctx, leader, ProgramFilter{})); !same(got, narrow.ID, draft.ID, bench.ID, brand.ID) {
		t.Errorf("the school leader lists %v", got)
	}
	if got := ids(f.store.ListPrograms(ctx, f.admin, ProgramFilter{Status: portal.ProgramOpen})); !same(got, narrow.ID) {
		t.Errorf("open programs for the administrator: %v", got)
	}
	if got := ids(f.store.ListPrograms(ctx, f.leagueSe, ProgramFilter{})); len(got) != 0 {
		t.Errorf("a secretary lists managed programs %v", got)
	}
	// Pages of one.
	page, err := f.store.ListPrograms(ctx, leader, ProgramFilter{Limit: 1})
	if err != nil || len(page.Items) != 1 || page.Next != narrow.ID {
		t.Fatalf("first page %v next %d: %v", ids(page, nil), page.Next, err)
	}
	if got := ids(f.store.ListPrograms(ctx, leader, ProgramFilter{Limit: 2, Before: page.Next})); !same(got, draft.ID, bench.ID) {
		t.Errorf("second page %v", got)
	}

	// The secretary of the first college's 团总支 sees the League committee's call
	// once it is open, never the draft nor the other college's call.
	if got := ids(f.store.ListOpenProgramsFor(ctx, f.leagueSe, ProgramFilter{})); len(got) != 0 {
		t.Errorf("open programs before opening: %v", got)
	}
	if _, err := f.store.GetProgram(ctx, f.leagueSe, brand.ID); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("a secretary read a draft: %v", err)
	}
	if _, err := f.store.SetProgramStatus(ctx, f.tuanwei, brand.ID, brand.Version, portal.ProgramOpen); err != nil {
		t.Fatal(err)
	}
	if got := ids(f.store.ListOpenProgramsFor(ctx, f.leagueSe, ProgramFilter{})); !same(got, brand.ID) {
		t.Errorf("open programs for the secretary: %v, want %d", got, brand.ID)
	}
	if _, err := f.store.GetProgram(ctx, f.leagueSe, brand.ID); err != nil {
		t.Errorf("the secretary cannot read an open program in scope: %v", err)
	}
	if _, err := f.store.GetProgram(ctx, f.leagueSe, narrow.ID); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("the secretary read another college's call: %v", err)
	}
	if _, err := f.store.GetProgram(ctx, f.leagueSe, draft.ID); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("the secretary read a draft: %v", err)
	}
	classSe := f.person(t, "classsec", portal.RoleSecretary, f.class)
	if got := ids(f.store.ListOpenProgramsFor(ctx, classSe, ProgramFilter{})); !same(got, brand.ID) {
		t.Errorf("open programs for a class secretary under the school: %v", got)
	}
	s, err := f.store.ListOpenProgramsFor(ctx, f.leagueSe, ProgramFilter{})
	if err != nil || s.Items[0].Tracks != 1 || s.Items[0].Application.Ends.Format(time.DateOnly) != "2026-03-30" {
		t.Errorf("summary %+v %v", s.Items, err)
	}
}

func TestProgramOrgChoices(t *testing.T) {
	f := newProgramFixture(t)
	owners, scopes, err := f.store.ProgramOrgChoices(context.Background(), f.tuanwei)
	if err != nil {
		t.Fatal(err)
	}
	if len(owners) != 1 || owners[0].ID != f.committee.ID {
		t.Errorf("owners %+v", owners)
	}
	if len(scopes) != 2 || scopes[0].ID != f.school.ID || scopes[1].ID != f.committee.ID {
		t.Errorf("scopes %+v", scopes)
	}
	owners, scopes, err = f.store.ProgramOrgChoices(context.Background(), f.leagueSe)
	if err != nil || len(owners) != 0 || len(scopes) != 0 {
		t.Errorf("a secretary may own %v in %v (%v)", owners, scopes, err)
	}
}

func TestSeedDemoPrograms(t *testing.T) {
	s := New(pgtest.NewPool(t))
	ctx := context.Background()
	if ok, err := s.SeedDemo(ctx); err != nil || !ok {
		t.Fatalf("seed: %v %v", ok, err)
	}
	rows, err := s.pool.Query(ctx, `SELECT p.id FROM programs p ORDER BY p.id`)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if len(ids) != len(demo.Programs()) {
		t.Fatalf("%d programs seeded, want %d", len(ids), len(demo.Programs()))
	}
	today := time.Date(2026, 11, 23, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	for i, dp := range demo.Programs() {
		var d portal.ProgramDetail
		err := s.inReadTx(ctx, func(tx pgxTx) error {
			var err error
			d, err = loadProgram(ctx, tx, ids[i])
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if string(d.Status) != dp.Status || d.Year != dp.Year || d.Title != dp.Title {
			t.Errorf("%s: seeded as %s %d %q", dp.Key, d.Status, d.Year, d.Title)
		}
		if dp.CopyOf != "" && d.CopiedFrom == 0 {
			t.Errorf("%s: copied_from not set", dp.Key)
		}
		if d.Status == portal.ProgramOpen {
			app, _ := d.Phase(portal.PhaseApplication)
			if !app.Current(today, time.UTC) || app.Ends.Sub(today) < 14*24*time.Hour {
				t.Errorf("%s: application phase %v – %v does not hold 2026-11-23 with weeks to go", dp.Key, app.Starts, app.Ends)
			}
			if len(d.Tracks) == 0 {
				t.Errorf("%s: open without tracks", dp.Key)
			}
		}
		switch dp.Key {
		case demo.ProgramBrandOpen, demo.ProgramBrand2021:
			if len(d.Themes) != 8 || d.Themes[0].Name != "思想引领类" || d.Themes[7].Name != "其他" || len(d.Tracks) != 1 || d.Tracks[0].MinPerOrg != 1 {
				t.Errorf("%s: themes %v tracks %v", dp.Key, d.Themes, d.Tracks)
			}
		case demo.ProgramBenchmarkOpen, demo.ProgramBenchmark2022:
			want := []struct {
				quota  int
				grant  int64
				months int
			}{{4, 20000, 24}, {10, 10000, 12}, {6, 10000, 24}, {10, 5000, 12}}
			if len(d.Tracks) != 4 || d.BanMonths != 24 {
				t.Fatalf("%s: %d tracks, ban %d", dp.Key, len(d.Tracks), d.BanMonths)
			}
			for j, w := range want {
				tr := d.Tracks[j]
				if tr.Quota != w.quota || tr.GrantYuan != w.grant || tr.CycleMonths != w.months {
					t.Errorf("%s: track %s is %d × %d for %d months", dp.Key, tr.Name, tr.Quota, tr.GrantYuan, tr.CycleMonths)
				}
			}
		}
	}
}
