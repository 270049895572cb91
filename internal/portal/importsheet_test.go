package portal

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// importToday is the date the import tests run on.
var importToday = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// testLabels stands in for the catalogue: a few kinds and roles in both languages.
func testLabels(key string) []string {
	return map[string][]string{
		"kind.class":         {"行政班级", "Class"},
		"kind.league_branch": {"团支部", "League branch"},
		"role.secretary":     {"支部书记", "Branch secretary"},
		"role.viewer":        {"校领导（只读）", "Viewer (read-only)"},
	}[key]
}

var orgHeader = []string{"编码", "名称", "类型", "上级编码", "成立日期", "团员数", "28岁以下青年数", "团干部数"}
var peopleHeader = []string{"用户名", "姓名", "手机号", "所属组织编码", "初始密码", "角色", "角色组织编码"}

func parse(sheets ...RawSheet) *ImportSheet {
	return ParseImport(sheets, SheetOptions{Today: importToday, Labels: testLabels})
}

func orgSheet(rows ...[]string) RawSheet {
	return RawSheet{Kind: SheetOrgs, Rows: append([][]string{orgHeader}, rows...)}
}

func peopleSheet(rows ...[]string) RawSheet {
	return RawSheet{Kind: SheetPeople, Rows: append([][]string{peopleHeader}, rows...)}
}

// problems lists an import's problems as "sheet row column message" lines.
func problems(s *ImportSheet) []string {
	var ie *ImportErrors
	if !errors.As(s.Err(), &ie) {
		return nil
	}
	var out []string
	for _, e := range ie.Errors {
		out = append(out, fmt.Sprintf("%s %d %s %s", e.Sheet, e.Row, e.Column, e.Message))
	}
	return out
}

func TestParseImportCells(t *testing.T) {
	good := []string{"jd-2401", "机电2401班", "class", "jd-tzz", "2024-09-01", "38", "41", "3"}
	with := func(i int, v string) []string {
		r := append([]string(nil), good...)
		r[i] = v
		return r
	}
	tests := []struct {
		name string
		row  []string
		want []string // problems; nil when the row is good
	}{
		{"good row", good, nil},
		{"kind as Chinese label", with(2, "行政班级"), nil},
		{"kind as English label, any case", with(2, " class "), nil},
		{"kind as full-width label", with(2, "Ｃｌａｓｓ"), nil},
		{"unknown kind", with(2, "班委"), []string{"orgs 2 类型 import.kind_unknown"}},
		{"missing name", with(1, " "), []string{"orgs 2 名称 form.required"}},
		{"missing code", with(0, ""), []string{"orgs 2 编码 form.required"}},
		{"bad code", with(0, "机电"), []string{"orgs 2 编码 org.code_invalid"}},
		{"full-width code folds", with(0, "ｊｄ－２４０１"), nil},
		{"missing parent", with(3, ""), []string{"orgs 2 上级编码 form.required"}},
		{"negative figure", with(5, "-1"), []string{"orgs 2 团员数 form.not_negative"}},
		{"not a number", with(5, "很多"), []string{"orgs 2 团员数 form.not_number"}},
		{"thousands separator", with(6, "1,041"), nil},
		{"zero fraction", with(5, "38.0"), nil},
		{"cadres exceed members", with(7, "50"), []string{"orgs 2 团干部数 org.cadres_exceed_members"}},
		{"slash date", with(4, "2024/9/1"), nil},
		{"Chinese date", with(4, "2024年9月1日"), nil},
		{"Excel serial date", with(4, "45536"), nil},
		{"impossible date", with(4, "2024-02-30"), []string{"orgs 2 成立日期 form.bad_date"}},
		{"future date", with(4, "2030-01-01"), []string{"orgs 2 成立日期 form.date_future"}},
		{"school cannot be imported", with(2, "school"), []string{"orgs 2 类型 org.kind_not_allowed"}},
		{"template example row", with(1, "示例2401班"), nil},
		{"several problems in one row", []string{"", "", "班委", "", "昨天", "x", "", ""},
			[]string{"orgs 2 编码 form.required", "orgs 2 名称 form.required", "orgs 2 类型 import.kind_unknown",
				"orgs 2 上级编码 form.required", "orgs 2 成立日期 form.bad_date", "orgs 2 团员数 form.not_number"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := parse(orgSheet(tt.row))
			got := problems(s)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			if len(s.Orgs) != 1 || s.Orgs[0].Row != 2 {
				t.Fatalf("rows: %+v", s.Orgs)
			}
		})
	}
	ex := append([]string(nil), good...)
	ex[0], ex[1] = OrgColumns[0].Example, OrgColumns[1].Example
	if got := problems(parse(orgSheet(ex))); len(got) != 1 || !strings.HasSuffix(got[0], "import.example_row") {
		t.Errorf("the template's example row: %v", got)
	}
}

func TestParseImportValues(t *testing.T) {
	s := parse(orgSheet([]string{" jd-2401 ", "机电2401班", "团支部", "jd-tzz", "2024/9/1", "38", "41", "3"}))
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	r := s.Orgs[0]
	in := r.Input
	if in.Code != "jd-2401" || in.Kind != KindLeagueBranch || r.ParentCode != "jd-tzz" || in.LeagueMembers != 38 ||
		in.YouthUnder28 != 41 || in.LeagueCadres != 3 || in.FoundedOn.Format("2006-01-02") != "2024-09-01" || in.ParentID != 0 {
		t.Errorf("parsed %+v", r)
	}
	serial := parse(orgSheet([]string{"a", "b", "class", "p", "45536"}))
	if got := serial.Orgs[0].Input.FoundedOn.Format("2006-01-02"); got != "2024-09-01" {
		t.Errorf("Excel serial 45536 = %s, want 2024-09-01", got)
	}
}

func TestParsePeople(t *testing.T) {
	good := []string{"zhang.san", "张三", "13800001111", "jd-2401", "Secret-2026", "", ""}
	with := func(kv ...any) []string {
		r := append([]string(nil), good...)
		for i := 0; i+1 < len(kv); i += 2 {
			r[kv[i].(int)] = kv[i+1].(string)
		}
		return r
	}
	tests := []struct {
		name      string
		row       []string
		role      Role
		grantCode string
		want      []string
	}{
		{"good, no role", good, "", "", nil},
		{"role by code, granted at home", with(5, "secretary"), RoleSecretary, "jd-2401", nil},
		{"role by label elsewhere", with(5, "支部书记", 6, "jd-tzz"), RoleSecretary, "jd-tzz", nil},
		{"role label with full-width brackets", with(5, "校领导(只读)"), RoleViewer, "jd-2401", nil},
		{"unknown role", with(5, "校长"), "", "", []string{"people 2 角色 import.role_unknown"}},
		{"grant org without role", with(6, "jd-tzz"), "", "jd-tzz", []string{"people 2 角色组织编码 import.grant_without_role"}},
		{"short password", with(4, "short"), "", "", []string{"people 2 初始密码 user.password_short"}},
		{"bad username", with(0, "张三"), "", "", []string{"people 2 用户名 user.username_invalid"}},
		{"bad phone", with(2, "phone"), "", "", []string{"people 2 手机号 user.phone_invalid"}},
		{"missing home org", with(3, ""), "", "", []string{"people 2 所属组织编码 form.required"}},
		{"missing name and password", with(1, "", 4, ""), "", "", []string{"people 2 姓名 form.required", "people 2 初始密码 form.required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := parse(peopleSheet(tt.row))
			if got := problems(s); strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			p := s.People[0]
			if p.Role != tt.role || p.GrantOrgCode != tt.grantCode || p.HomeOrgCode != strings.TrimSpace(tt.row[3]) {
				t.Errorf("parsed %+v", p)
			}
		})
	}
}

func TestParseImportSheetProblems(t *testing.T) {
	tests := []struct {
		name      string
		sheets    []RawSheet
		want      []string
		malformed bool // a problem of a sheet as a whole
	}{
		{"English headers, any case, with a required mark",
			[]RawSheet{{Kind: SheetOrgs, Rows: [][]string{{"CODE", "name*", "Kind", "parent_code"}, {"a1", "甲", "class", "p"}}}}, nil, false},
		{"aliases",
			[]RawSheet{{Kind: SheetOrgs, Rows: [][]string{{"组织编码", "组织名称", "组织类型", "上级组织编码", "团员总数"}, {"a1", "甲", "class", "p", "3"}}}}, nil, false},
		{"blank rows before the header and between data are skipped",
			[]RawSheet{{Kind: SheetOrgs, Rows: [][]string{{}, {"", " "}, orgHeader, {"a1", "甲", "class", "p"}, {}, {"a2", "乙", "class", "p", "", "-1"}}}},
			[]string{"orgs 6 团员数 form.not_negative"}, false},
		{"unknown, repeated and missing columns",
			[]RawSheet{{Kind: SheetOrgs, Rows: [][]string{{"编码", "名称", "名称", "备注"}, {"a1", "甲", "甲", "x"}}}},
			[]string{"orgs 1 名称 import.column_repeated", "orgs 1 备注 import.column_unknown",
				"orgs 1 类型 import.column_missing", "orgs 1 上级编码 import.column_missing"}, true},
		{"missing column named in the sheet's language",
			[]RawSheet{{Kind: SheetOrgs, Rows: [][]string{{"Code", "Name", "Kind"}, {"a1", "甲", "class"}}}},
			[]string{"orgs 1 Parent code import.column_missing"}, true},
		{"data under a column without header",
			[]RawSheet{{Kind: SheetOrgs, Rows: [][]string{{"编码", "名称", "类型", "上级编码", ""}, {"a1", "甲", "class", "p", "?"}}}},
			[]string{"orgs 1 E import.column_unnamed"}, true},
		{"codes, sibling names, usernames and phones repeated within the sheet",
			[]RawSheet{
				orgSheet([]string{"a1", "甲", "class", "p"}, []string{"a1", "乙", "class", "p"}, []string{"a3", "甲", "class", "p"}, []string{"a4", "甲", "class", "q"}),
				peopleSheet([]string{"Li.Si", "李四", "13800001111", "a1", "password1"}, []string{"li.si", "李四", "13800001111", "a1", "password1"}),
			},
			[]string{"orgs 3 编码 import.repeated", "orgs 4 名称 import.repeated",
				"people 3 用户名 import.repeated", "people 3 手机号 import.repeated"}, false},
		{"a sheet twice",
			[]RawSheet{orgSheet([]string{"a1", "甲", "class", "p"}), orgSheet([]string{"a2", "乙", "class", "p"})},
			[]string{"orgs 0  import.sheet_repeated"}, true},
		{"headers only", []RawSheet{orgSheet(), peopleSheet()}, []string{"orgs 0  import.nothing"}, true},
		{"nothing at all", []RawSheet{{Kind: SheetPeople}}, []string{"people 0  import.nothing"}, true},
		{"no sheet", nil, []string{"orgs 0  import.nothing"}, true},
		{"an empty sheet beside a full one is fine",
			[]RawSheet{{Kind: SheetOrgs}, peopleSheet([]string{"li.si", "李四", "", "a1", "password1"})}, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := parse(tt.sheets...)
			got := problems(s)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			if s.Malformed() != tt.malformed {
				t.Errorf("Malformed() = %v, want %v", s.Malformed(), tt.malformed)
			}
		})
	}
}

func TestParseImportTooManyRows(t *testing.T) {
	rows := make([][]string, MaxImportRows+1)
	for i := range rows {
		rows[i] = []string{fmt.Sprintf("c%d", i), "甲", "class", "p"}
	}
	s := parse(orgSheet(rows...))
	if got := problems(s); len(got) != 1 || got[0] != "orgs 0  import.too_many_rows" || len(s.Orgs) != 0 || !s.Malformed() {
		t.Errorf("too many rows: %v, %d rows kept", got, len(s.Orgs))
	}
	if s := parse(orgSheet(rows[:MaxImportRows]...)); len(s.Orgs) != MaxImportRows {
		t.Errorf("exactly the limit: %d rows", len(s.Orgs))
	}
}

func TestImportErrorsAreInvalid(t *testing.T) {
	s := parse(orgSheet([]string{"a1", "甲", "class", "p", "", "-1"}))
	s.Fail(SheetOrgs, 2, "parent_code", "import.parent_not_found")
	s.Fail(SheetOrgs, 2, "parent_code", "second message for the same cell")
	s.Fail(SheetPeople, 3, "home_org_code", "import.org_not_found")
	err := s.Err()
	if ErrorCode(err) != EINVALID {
		t.Errorf("code %q, want invalid", ErrorCode(err))
	}
	want := []string{"orgs 2 上级编码 import.parent_not_found", "orgs 2 团员数 form.not_negative", "people 3 所属组织编码 import.org_not_found"}
	if got := problems(s); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("ordered problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !s.RowFailed(SheetOrgs, 2) || s.RowFailed(SheetOrgs, 3) {
		t.Error("RowFailed wrong")
	}
	if parse(orgSheet([]string{"a1", "甲", "class", "p"})).Err() != nil {
		t.Error("a good sheet has errors")
	}
}

func TestSheetRecognition(t *testing.T) {
	tests := []struct {
		name string
		want SheetKind
		ok   bool
	}{
		{"组织机构", SheetOrgs, true},
		{" organizations ", SheetOrgs, true},
		{"人员", SheetPeople, true},
		{"PEOPLE", SheetPeople, true},
		{"说明", "", false},
		{"Sheet1", "", false},
	}
	for _, tt := range tests {
		if got, ok := SheetKindByName(tt.name); got != tt.want || ok != tt.ok {
			t.Errorf("SheetKindByName(%q) = %q, %v", tt.name, got, ok)
		}
	}
	headers := []struct {
		header []string
		want   SheetKind
		ok     bool
	}{
		{orgHeader, SheetOrgs, true},
		{peopleHeader, SheetPeople, true},
		{[]string{"\ufeffUsername", "Name", "Home org code", "Initial password"}, SheetPeople, true},
		{[]string{"编码", "名称"}, "", false},
		{nil, "", false},
	}
	for _, tt := range headers {
		if got, ok := SheetKindByHeader(tt.header); got != tt.want || ok != tt.ok {
			t.Errorf("SheetKindByHeader(%q) = %q, %v", tt.header, got, ok)
		}
	}
}

func TestCommonAncestor(t *testing.T) {
	tests := []struct {
		paths []string
		want  string
	}{
		{nil, ""},
		{[]string{"/1/5/"}, "/1/5/"},
		{[]string{"/1/5/23/", "/1/5/24/"}, "/1/5/"},
		{[]string{"/1/5/", "/1/52/"}, "/1/"},
		{[]string{"/1/", "/2/"}, ""},
	}
	for _, tt := range tests {
		if got := CommonAncestor(tt.paths...); got != tt.want {
			t.Errorf("CommonAncestor(%v) = %q, want %q", tt.paths, got, tt.want)
		}
	}
}

func TestColumnLetterAndSourceName(t *testing.T) {
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 27: "AB", 701: "ZZ", 702: "AAA"} {
		if got := ColumnLetter(i); got != want {
			t.Errorf("ColumnLetter(%d) = %q, want %q", i, got, want)
		}
	}
	if got := SourceName(`C:\Users\li\导入\组织.xlsx`); got != "组织.xlsx" {
		t.Errorf("SourceName = %q", got)
	}
	if got := SourceName("a\x00b\n.csv"); got != "ab.csv" {
		t.Errorf("SourceName with controls = %q", got)
	}
}

// TestParsePeopleEmail reads the optional e-mail column: trimmed and narrowed,
// checked, and unique within the sheet ignoring case.
func TestParsePeopleEmail(t *testing.T) {
	header := append(append([]string(nil), peopleHeader...), "电子邮箱")
	row := func(user, email string) []string {
		return []string{user, "张三", "", "jd-2401", "Secret-2026", "", "", email}
	}
	s := parse(RawSheet{Kind: SheetPeople, Rows: [][]string{header,
		row("zhang.san", " Zhang.San＠qq．com "), row("li.si", ""), row("wang.wu", "zhang.san@QQ.com"), row("zhao.liu", "zhao@")}})
	want := []string{"people 4 电子邮箱 import.repeated", "people 5 电子邮箱 user.email_invalid"}
	if got := problems(s); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if s.People[0].Input.Email != "Zhang.San@qq.com" || s.People[1].Input.Email != "" {
		t.Errorf("addresses %q, %q", s.People[0].Input.Email, s.People[1].Input.Email)
	}
	// Sheets made from the template before the column existed still read.
	if got := problems(parse(peopleSheet([]string{"zhang.san", "张三", "", "jd-2401", "Secret-2026", "", ""}))); got != nil {
		t.Errorf("a sheet without the column: %v", got)
	}
}
