package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/campusorg/portal/internal/portal"
)

// withCodes gives the fixture's orgs the codes an import sheet refers to them by.
func (f *fixture) withCodes(t *testing.T) {
	t.Helper()
	for code, id := range map[string]int64{"sch": f.school.ID, "tw": f.committee.ID, "jd": f.college.ID, "jd-tzz": f.tzz.ID, "jx2301": f.class.ID} {
		if _, err := f.store.pool.Exec(context.Background(), `UPDATE orgs SET code = $2 WHERE id = $1`, id, code); err != nil {
			t.Fatal(err)
		}
	}
}

func importSheet(orgs [][]string, people [][]string) *portal.ImportSheet {
	var sheets []portal.RawSheet
	if orgs != nil {
		sheets = append(sheets, portal.RawSheet{Kind: portal.SheetOrgs, Rows: append([][]string{
			{"编码", "名称", "类型", "上级编码", "成立日期", "团员数", "28岁以下青年数", "团干部数"}}, orgs...)})
	}
	if people != nil {
		sheets = append(sheets, portal.RawSheet{Kind: portal.SheetPeople, Rows: append([][]string{
			{"用户名", "姓名", "手机号", "所属组织编码", "初始密码", "角色", "角色组织编码"}}, people...)})
	}
	s := portal.ParseImport(sheets, portal.SheetOptions{Today: time.Now()})
	s.Source = "test.xlsx"
	return s
}

func (f *fixture) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := f.store.pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImportCreatesOrgsAndPeople(t *testing.T) {
	f := newFixture(t)
	f.withCodes(t)
	ctx := context.Background()
	sheet := importSheet([][]string{
		{"jx2302", "机械2302班", "class", "jd-tzz", "2023-09-08", "40", "45", "4"},
		{"jx2302-tzb", "机械2302班团支部", "league_branch", "jx2302", "2023-10-12", "40", "45", "3"},
		{"tw-bgs", "团委办公室", "department", "tw"},
	}, [][]string{
		{"wang.wu", "王五", "13900000001", "jx2302", "Initial-2026", "secretary", ""},
		{"zhao.liu", "赵六", "", "jd-tzz", "Initial-2026", "counselor", "jx2302"},
		{"qian.qi", "钱七", "", "tw-bgs", "Initial-2026"},
	})
	res, err := f.store.Import(ctx, f.admin, sheet)
	if err != nil {
		t.Fatal(err)
	}
	if res != (ImportResult{Orgs: 3, People: 3, Grants: 2}) {
		t.Errorf("result %+v", res)
	}
	var class, branch portal.Org
	for code, o := range map[string]*portal.Org{"jx2302": &class, "jx2302-tzb": &branch} {
		var err error
		if *o, err = scanOrg(f.store.pool.QueryRow(ctx, `SELECT `+orgColumns+` FROM orgs o WHERE o.code = $1`, code)); err != nil {
			t.Fatal(err)
		}
	}
	if class.ParentID != f.tzz.ID || class.Path != portal.PathOf(f.tzz.Path, class.ID) || class.LeagueMembers != 40 ||
		class.FoundedOn.Format("2006-01-02") != "2023-09-08" {
		t.Errorf("class %+v", class)
	}
	if branch.ParentID != class.ID || branch.Path != portal.PathOf(class.Path, branch.ID) || branch.Kind != portal.KindLeagueBranch {
		t.Errorf("branch under an org of the same sheet: %+v", branch)
	}
	u, err := f.store.SignIn(ctx, "wang.wu", "Initial-2026", "")
	if err != nil || !u.MustChangePassword || u.HomeOrgID != class.ID || u.Phone != "13900000001" {
		t.Fatalf("imported account signs in: %+v %v", u, err)
	}
	actor, _, err := f.store.LoadActor(ctx, u.ID)
	if err != nil || !actor.HasOn(class.Path, portal.RoleSecretary) {
		t.Errorf("role granted at home: %+v %v", actor, err)
	}
	if n := f.count(t, `SELECT count(*) FROM role_grants g JOIN users u ON u.id = g.user_id
		WHERE u.username = 'zhao.liu' AND g.role = 'counselor' AND g.org_id = $1`, class.ID); n != 1 {
		t.Errorf("role on another org: %d grants", n)
	}
	for action, want := range map[string]int{"import.run": 1, "org.create": 3, "user.create": 3, "grant.add": 2} {
		if got := f.audits(t, action); got != want {
			t.Errorf("%s events: %d, want %d", action, got, want)
		}
	}
	var after []byte
	var orgPath string
	if err := f.store.pool.QueryRow(ctx, `SELECT after, org_path FROM audit_events WHERE action = 'import.run'`).Scan(&after, &orgPath); err != nil {
		t.Fatal(err)
	}
	var rec importRecord
	if err := json.Unmarshal(after, &rec); err != nil || rec != (importRecord{Source: "test.xlsx", Orgs: 3, People: 3, Grants: 2}) {
		t.Errorf("import event %s (%v)", after, err)
	}
	if orgPath != f.school.Path {
		t.Errorf("import event scoped to %q, want the common ancestor %q", orgPath, f.school.Path)
	}
}

func TestImportBadSheetImportsNothing(t *testing.T) {
	f := newFixture(t)
	f.withCodes(t)
	ctx := context.Background()
	orgsBefore, usersBefore := f.count(t, `SELECT count(*) FROM orgs`), f.count(t, `SELECT count(*) FROM users`)
	auditsBefore := f.count(t, `SELECT count(*) FROM audit_events`)
	sheet := importSheet([][]string{
		{"ok-1", "机械2302班", "class", "jd-tzz"},               // 2: good, created then rolled back
		{"bad-kind", "某组织", "committee", "jd-tzz"},           // 3: unknown kind
		{"orphan", "孤儿班", "class", "no-such-code"},           // 4: unknown parent
		{"neg", "机械2303班", "class", "jd-tzz", "", "-5"},      // 5: negative figure
		{"misfit", "机械2304班", "class", "sch"},                // 6: a class cannot stand under a school
		{"twin", "机械2301班", "class", "jd-tzz"},               // 7: the name is taken under the parent
		{"jx2301", "机械2399班", "class", "jd-tzz"},             // 8: the code is taken
		{"early", "早到的团支部", "league_branch", "late"},         // 9: its parent comes later
		{"late", "机械2305班", "class", "jd-tzz"},               // 10: good
		{"under-bad", "坏班级团支部", "league_branch", "bad-kind"}, // 11: its parent failed: not reported again
	}, [][]string{
		{"admin", "重名者", "", "ok-1", "Initial-2026"},                              // 2: the username is taken
		{"new.person", "新人", "", "nowhere", "Initial-2026"},                       // 3: unknown home org
		{"other.person", "他人", "", "ok-1", "Initial-2026", "boss"},                // 4: unknown role
		{"good.person", "好人", "", "ok-1", "Initial-2026", "secretary", "nowhere"}, // 5: unknown role org
	})
	_, err := f.store.Import(ctx, f.admin, sheet)
	var ie *portal.ImportErrors
	if !errors.As(err, &ie) || portal.ErrorCode(err) != portal.EINVALID {
		t.Fatalf("err = %v, want import errors", err)
	}
	var got []string
	for _, e := range ie.Errors {
		got = append(got, fmt.Sprintf("%s %d %s %s", e.Sheet, e.Row, e.Column, e.Message))
	}
	want := []string{
		"orgs 3 类型 import.kind_unknown",
		"orgs 4 上级编码 import.parent_not_found",
		"orgs 5 团员数 form.not_negative",
		"orgs 6 类型 org.kind_not_allowed",
		"orgs 7 名称 org.name_taken",
		"orgs 8 编码 org.code_taken",
		"orgs 9 上级编码 import.parent_after",
		"people 2 用户名 user.username_taken",
		"people 3 所属组织编码 import.org_not_found",
		"people 4 角色 import.role_unknown",
		"people 5 角色组织编码 import.org_not_found",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if ie.Errors[6].Args[0] != 10 {
		t.Errorf("parent_after names row %v, want 10", ie.Errors[6].Args)
	}
	if f.count(t, `SELECT count(*) FROM orgs`) != orgsBefore || f.count(t, `SELECT count(*) FROM users`) != usersBefore ||
		f.count(t, `SELECT count(*) FROM audit_events`) != auditsBefore {
		t.Error("a bad sheet changed something")
	}
}

func TestImportScope(t *testing.T) {
	f := newFixture(t)
	f.withCodes(t)
	ctx := context.Background()
	collegeAdmin := &portal.Actor{UserID: f.admin.UserID, Grants: []portal.Grant{{Role: portal.RoleAdmin, OrgPath: f.college.Path}}}
	sheet := importSheet([][]string{
		{"in-scope", "机械2302班", "class", "jd-tzz"},
		{"out-of-scope", "团委办公室", "department", "tw"},
	}, [][]string{
		{"li.lei", "李雷", "", "tw", "Initial-2026"},
		{"han.mei", "韩梅", "", "jd-tzz", "Initial-2026", "admin", "sch"},
	})
	_, err := f.store.Import(ctx, collegeAdmin, sheet)
	var ie *portal.ImportErrors
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v", err)
	}
	var got []string
	for _, e := range ie.Errors {
		got = append(got, fmt.Sprintf("%s %d %s %s", e.Sheet, e.Row, e.Column, e.Message))
	}
	want := "orgs 3 上级编码 import.parent_not_found\npeople 2 所属组织编码 import.org_not_found\npeople 3 角色组织编码 import.org_not_found"
	if strings.Join(got, "\n") != want {
		t.Errorf("a college administrator outside the college:\n%s\nwant:\n%s", strings.Join(got, "\n"), want)
	}
	secretary := &portal.Actor{UserID: f.admin.UserID, Grants: []portal.Grant{{Role: portal.RoleSecretary, OrgPath: f.school.Path}}}
	if _, err := f.store.Import(ctx, secretary, importSheet([][]string{{"x", "甲", "class", "jd-tzz"}}, nil)); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("a secretary imported: %v", err)
	}
	malformed := portal.ParseImport([]portal.RawSheet{{Kind: portal.SheetOrgs, Rows: [][]string{{"编码", "备注"}, {"x", "y"}}}}, portal.SheetOptions{})
	if _, err := f.store.Import(ctx, f.admin, malformed); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("a malformed sheet: %v", err)
	}
}
