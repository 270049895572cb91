package server

import (
	"bytes"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/campusorg/portal/internal/portal"
)

// upload posts a file to path as the import form does.
func (c *client) upload(path, filename string, content []byte) (*http.Response, string) {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", filename)
	if err != nil {
		c.t.Fatal(err)
	}
	if _, err := fw.Write(content); err != nil {
		c.t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		c.t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, c.app.srv.URL+path, &body)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", c.app.srv.URL)
	return c.do(req)
}

const (
	orgsCSVHeader   = "编码,名称,类型,上级编码,成立日期,团员数,28岁以下青年数,团干部数\n"
	peopleCSVHeader = "用户名,姓名,手机号,所属组织编码,初始密码,角色,角色组织编码\n"
)

// importCounts returns how many orgs, accounts and audit events there are.
func (a *testApp) importCounts(t *testing.T) [3]int {
	return [3]int{a.count(t, `SELECT count(*) FROM orgs`), a.count(t, `SELECT count(*) FROM users`), a.count(t, `SELECT count(*) FROM audit_events`)}
}

func TestImportCSV(t *testing.T) {
	app := newTestApp(t)
	if app.orgs["econ-league"] == 0 {
		t.Fatal("the demo has no econ-league")
	}
	c := app.signIn("admin")

	// One good row and one bad: nothing is imported, both rows are reported.
	before := app.importCounts(t)
	res, body := c.upload("/import", "orgs.csv", []byte("\xEF\xBB\xBF"+orgsCSVHeader+
		"t-ec2399,电商2399班,行政班级,econ-league,2023-09-08,30,32,2\n"+
		"t-ec2398,电商2398班,班委,econ-league,2023-09-08,-3,32,2\n"))
	if res.StatusCode != bad {
		t.Fatalf("bad CSV: %d, want 422\n%.500s", res.StatusCode, body)
	}
	for _, want := range []string{"发现 2 处问题", "<td class=\"num\">3</td>", "类型", "无法识别的组织类型", "团员数", "不能为负数"} {
		if !strings.Contains(body, want) {
			t.Errorf("the problems page lacks %q", want)
		}
	}
	if after := app.importCounts(t); after != before {
		t.Errorf("a bad sheet changed counts %v to %v", before, after)
	}

	// The good row alone, in GBK as Excel on Chinese Windows writes it.
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(orgsCSVHeader + "t-ec2399,电商2399班,行政班级,econ-league,2023/9/8,30,32,2\n")
	if err != nil {
		t.Fatal(err)
	}
	res, body = c.upload("/import", "orgs.csv", []byte(gbk))
	if res.StatusCode != see || res.Header.Get("Location") != "/orgs" {
		t.Fatalf("good GBK CSV: %d to %q\n%.500s", res.StatusCode, res.Header.Get("Location"), body)
	}
	if n := app.count(t, `SELECT count(*) FROM orgs WHERE code = 't-ec2399' AND name = '电商2399班' AND kind = 'class'
		AND founded_on = '2023-09-08' AND parent_id = $1`, app.orgs["econ-league"]); n != 1 {
		t.Error("the class was not imported as written")
	}
	if _, body = c.get("/orgs"); !strings.Contains(body, "导入成功") {
		t.Error("no flash after the import")
	}

	// People in a second CSV, under the org the first one created.
	res, body = c.upload("/import", "people.csv", []byte(peopleCSVHeader+
		"t.wang,王同学,13911112222,t-ec2399,Initial-2026,支部书记,\n"))
	if res.StatusCode != see {
		t.Fatalf("people CSV: %d\n%.500s", res.StatusCode, body)
	}
	if n := app.count(t, `SELECT count(*) FROM users u JOIN role_grants g ON g.user_id = u.id JOIN orgs o ON o.id = u.home_org_id
		WHERE u.username = 't.wang' AND u.must_change_password AND o.code = 't-ec2399' AND g.role = 'secretary' AND g.org_id = o.id`); n != 1 {
		t.Error("the person was not imported with a secretary grant at home")
	}
	if n := app.count(t, `SELECT count(*) FROM audit_events WHERE action = 'import.run'`); n != 2 {
		t.Errorf("import events: %d, want 2", n)
	}
}

func TestImportXLSX(t *testing.T) {
	app := newTestApp(t)
	c := app.signIn("admin")
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetName("Sheet1", "说明"))
	_, err := f.NewSheet("组织机构")
	must(err)
	_, err = f.NewSheet("People")
	must(err)
	must(f.SetSheetRow("组织机构", "A1", &[]any{"编码", "名称", "类型", "上级编码", "成立日期", "团员数"}))
	must(f.SetSheetRow("组织机构", "A2", &[]any{"t-ec2399", "电商2399班", "class", "econ-league", nil, 30}))
	must(f.SetSheetRow("组织机构", "A4", &[]any{"t-ec2399-tzb", "电商2399班团支部", "League branch", "t-ec2399"}))
	// A date typed into a cell as a real date, shown in Excel's short date format.
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	must(err)
	must(f.SetCellValue("组织机构", "E2", 45177)) // 2023-09-08
	must(f.SetCellStyle("组织机构", "E2", "E2", dateStyle))
	must(f.SetSheetRow("People", "A1", &[]any{"Username", "Name", "Phone", "Home org code", "Initial password"}))
	must(f.SetSheetRow("People", "A2", &[]any{"t.li", "李同学", 13911113333, "t-ec2399-tzb", "Initial-2026"}))
	var buf bytes.Buffer
	must(f.Write(&buf))

	res, body := c.upload("/import", "whatever.bin", buf.Bytes())
	if res.StatusCode != see {
		t.Fatalf("xlsx: %d\n%.1500s", res.StatusCode, body)
	}
	if n := app.count(t, `SELECT count(*) FROM orgs c JOIN orgs b ON b.parent_id = c.id
		WHERE c.code = 't-ec2399' AND c.founded_on = '2023-09-08' AND c.league_members = 30
		  AND b.code = 't-ec2399-tzb' AND b.kind = 'league_branch'`); n != 1 {
		t.Error("the workbook's orgs were not imported as written")
	}
	if n := app.count(t, `SELECT count(*) FROM users WHERE username = 't.li' AND phone = '13911113333'`); n != 1 {
		t.Error("the workbook's person was not imported, or the phone number was mangled")
	}

	// The same workbook again: every row is now taken, and nothing changes.
	before := app.importCounts(t)
	res, body = c.upload("/import", "again.xlsx", buf.Bytes())
	if res.StatusCode != bad || !strings.Contains(body, "该编码已被其他组织使用") || !strings.Contains(body, "该用户名已被使用") {
		t.Fatalf("re-import: %d\n%.1500s", res.StatusCode, body)
	}
	if after := app.importCounts(t); after != before {
		t.Errorf("a refused import changed counts %v to %v", before, after)
	}
}

func TestImportTemplate(t *testing.T) {
	app := newTestApp(t)
	c := app.signIn("admin")
	res, body := c.get("/import/template.xlsx")
	if res.StatusCode != ok || res.Header.Get("Content-Type") != xlsxContentType {
		t.Fatalf("template: %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	disp, params, err := mime.ParseMediaType(res.Header.Get("Content-Disposition"))
	if err != nil || disp != "attachment" || params["filename"] != "组织与人员导入模板.xlsx" {
		t.Errorf("Content-Disposition %q: %v %v", res.Header.Get("Content-Disposition"), params, err)
	}
	f, err := excelize.OpenReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), ","); got != "组织机构,人员,说明" {
		t.Errorf("sheets %s", got)
	}
	for _, k := range portal.SheetKinds {
		rows, err := f.GetRows(k.SheetName(false))
		if err != nil || len(rows) != 2 {
			t.Fatalf("%s: %d rows, %v", k, len(rows), err)
		}
		if kind, ok := portal.SheetKindByHeader(rows[0]); !ok || kind != k {
			t.Errorf("%s: header %v is not recognised", k, rows[0])
		}
	}
	rows, _ := f.GetRows("说明")
	var text strings.Builder
	for _, r := range rows {
		text.WriteString(strings.Join(r, "|") + "\n")
	}
	for _, want := range []string{"行政班级|class|二级学院、团总支", "支部书记|secretary", "初始密码|是|"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("the instructions lack %q:\n%s", want, text.String())
		}
	}

	// The template uploaded as it is: its example rows are refused.
	res, body = c.upload("/import", "模板.xlsx", []byte(body))
	if res.StatusCode != bad || strings.Count(body, "示例行") != 2 {
		t.Errorf("the unchanged template: %d\n%.1500s", res.StatusCode, body)
	}

	// In English: English sheet and file names.
	if res, _ := c.post("/lang", map[string][]string{"lang": {"en"}, "back": {"/"}}); res.StatusCode != see {
		t.Fatal("switching language")
	}
	res, body = c.get("/import/template.xlsx")
	_, params, _ = mime.ParseMediaType(res.Header.Get("Content-Disposition"))
	fe, err := excelize.OpenReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer fe.Close()
	if got := strings.Join(fe.GetSheetList(), ","); got != "Organizations,People,Instructions" || params["filename"] != "import-template.xlsx" {
		t.Errorf("English template: sheets %s, file %q", got, params["filename"])
	}
}

func TestImportMalformedUploads(t *testing.T) {
	app := newTestApp(t)
	c := app.signIn("admin")
	before := app.importCounts(t)
	tests := []struct {
		name    string
		content []byte
		want    string
	}{
		{"empty file", nil, "请选择要导入的文件"},
		{"binary garbage", []byte("\x00\x01\x02garbage\x00"), "无法读取该文件"},
		{"broken zip", []byte("PK\x03\x04not really a zip"), "无法读取该文件"},
		{"old .xls", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), "另存为"},
		{"CSV of something else", []byte("姓名,成绩\n张三,90\n"), "无法识别 CSV 文件的第一行"},
		{"CSV with a broken quote", []byte(orgsCSVHeader + "a,\"b\"c\"\"\",class,p\n\"unterminated\n"), "CSV 文件第"},
		{"CSV with headers only", []byte(orgsCSVHeader), "没有可导入的数据行"},
		{"CSV with an unknown column", []byte("编码,名称,类型,上级编码,备注\nx,甲,class,econ-league,?\n"), "无法识别的列名"},
		{"workbook without our sheets", workbook(t, "Sheet1", [][]any{{"a", "b"}}), "没有「组织机构」或「人员」工作表"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, body := c.upload("/import", "x", tt.content)
			if res.StatusCode != bad || !strings.Contains(body, tt.want) {
				t.Errorf("%d, want 422 saying %q\n%.1500s", res.StatusCode, tt.want, body)
			}
			if !strings.Contains(body, `enctype="multipart/form-data"`) {
				t.Error("the upload form is not on the page")
			}
		})
	}
	// A form without a file, and a file over the limit.
	if res, body := c.post("/import", nil); res.StatusCode != bad || !strings.Contains(body, "请选择要导入的文件") {
		t.Errorf("no multipart body: %d", res.StatusCode)
	}
	app.server.opt.ImportMaxBytes = 1 << 20
	big := append([]byte(orgsCSVHeader), bytes.Repeat([]byte("x"), 1<<20)...)
	if res, body := c.upload("/import", "big.csv", big); res.StatusCode != bad || !strings.Contains(body, "1 MB") {
		t.Errorf("a file over the limit: %d\n%.800s", res.StatusCode, body)
	}
	if after := app.importCounts(t); after != before {
		t.Errorf("malformed uploads changed counts %v to %v", before, after)
	}
}

// workbook returns an .xlsx file with one sheet holding rows.
func workbook(t *testing.T, sheet string, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if sheet != "Sheet1" {
		if err := f.SetSheetName("Sheet1", sheet); err != nil {
			t.Fatal(err)
		}
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
