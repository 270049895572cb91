package server

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
)

// Bad input on the application routes: each case checks the status, the message the
// person sees, and that the database holds what it held before.

// pdfBytes is a small file whose content reads as a PDF.
var pdfBytes = []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")

// appState summarizes everything a refused request must leave alone on an
// application: status, versions, content, files, history and frozen versions.
func (a *testApp) appState(t *testing.T, id string) string {
	t.Helper()
	var s string
	err := a.store.Pool().QueryRow(context.Background(), `SELECT concat_ws('|', a.status, a.version, a.versions, a.title,
			md5(a.content::text), a.endorse_step,
			(SELECT count(*) FROM attachments WHERE application_id = a.id),
			(SELECT count(*) FROM attachments WHERE application_id = a.id AND removed_at IS NULL),
			(SELECT count(*) FROM application_events WHERE application_id = a.id),
			(SELECT count(*) FROM application_versions WHERE application_id = a.id))
		FROM applications a WHERE a.id = $1`, id).Scan(&s)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// appVersion returns the application's current version, as its forms carry it.
func (a *testApp) appVersion(t *testing.T, id string) string {
	t.Helper()
	return strconv.Itoa(a.count(t, `SELECT version FROM applications WHERE id = $1`, id))
}

// completeDraft is the secretary's draft (“书香经管”读书会) filled in completely, as
// sending requires, for the version given.
func completeDraft(version string) url.Values {
	return url.Values{
		"version": {version}, "title": {"“书香经管”读书会"},
		"leader_name": {"赵雨桐"}, "leader_post": {"团总支副书记"}, "leader_phone": {"13803710099"}, "leader_political": {"共青团员"},
		"purpose": {"营造浓厚学风，培养阅读习惯。"}, "content": {"每月共读一本经典，开展读书分享会。"}, "form": {"线下读书会、线上打卡"},
		"expected":  {"开展读书会10期，覆盖学生500人次。"},
		"step_on_0": {"2027-03-01"}, "step_what_0": {"招募会员，确定书目"},
		"budget_item_0": {"图书采购"}, "budget_amount_0": {"1200.50"}, "budget_note_0": {"30册"},
		"custom_plan": {"按月推进，每学期评选阅读之星。"}, "custom_difficulties": {"参与持续性不足：以打卡积分激励。"},
	}
}

// saveDraft saves the complete draft and fails the test unless it is stored.
func saveDraft(t *testing.T, app *testApp, c *client, id string) {
	t.Helper()
	res, body := c.post("/applications/"+id+"/edit", completeDraft(app.appVersion(t, id)))
	if res.StatusCode != see {
		t.Fatalf("save the complete draft: %d\n%.2000s", res.StatusCode, body)
	}
}

// keptValue reports whether the re-rendered form shows val in the control name: as
// the value attribute of an input, or as the text of a textarea.
func keptValue(body, name, val string) bool {
	esc := regexp.QuoteMeta(html.EscapeString(val))
	re := regexp.MustCompile(`name="` + regexp.QuoteMeta(name) + `"[^>]*(value="` + esc + `"|>` + esc + `</textarea>)`)
	return re.MatchString(body)
}

// errorBeside returns the field error shown between the control name and the next
// control of the form, or "" if there is none.
func errorBeside(body, name string) string {
	i := strings.Index(body, `name="`+name+`"`)
	if i < 0 {
		return ""
	}
	rest := body[i+len(name)+7:]
	if j := strings.Index(rest, ` name="`); j >= 0 {
		rest = rest[:j]
	}
	m := regexp.MustCompile(`<p class="field-error"[^>]*>([^<]*)</p>`).FindStringSubmatch(rest)
	if m == nil {
		return ""
	}
	return m[1]
}

// flashAfter follows a 303 and returns the page it leads to, where the flash shows.
func flashAfter(t *testing.T, c *client, res *http.Response) string {
	t.Helper()
	if res.StatusCode != see {
		t.Fatalf("status %d, want 303", res.StatusCode)
	}
	page, body := c.get(res.Header.Get("Location"))
	if page.StatusCode != ok {
		t.Fatalf("GET %s after the redirect: %d", res.Header.Get("Location"), page.StatusCode)
	}
	return body
}

// A draft saved with a bad value answers 422 with the error beside that field and
// every typed value kept, and stores nothing.
func TestAppSaveRefusesBadInputAndKeepsIt(t *testing.T) {
	app := newTestApp(t)
	c := app.signIn("secretary")
	draft := app.fill(t)("{draft}")
	long := strings.Repeat("书", 201)
	cases := []struct {
		name, field, value, msg string
	}{
		{"negative amount", "budget_amount_0", "-5", "请填写不小于 0 的金额，最多两位小数。"},
		{"amount not a number", "budget_amount_0", "abc", "请填写不小于 0 的金额，最多两位小数。"},
		{"amount with three decimals", "budget_amount_0", "1.234", "请填写不小于 0 的金额，最多两位小数。"},
		{"title of 201 characters", "title", long, "内容过长。"},
		{"no such day", "step_on_0", "2027-02-30", "日期格式应为 年-月-日，且须为真实日期。"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := app.appState(t, draft)
			form := completeDraft(app.appVersion(t, draft))
			form.Set(tc.field, tc.value)
			res, body := c.post("/applications/"+draft+"/edit", form)
			if res.StatusCode != bad {
				t.Fatalf("status %d, want 422\n%.1000s", res.StatusCode, body)
			}
			if got := errorBeside(body, tc.field); got != tc.msg {
				t.Errorf("error beside %s: %q, want %q", tc.field, got, tc.msg)
			}
			for k := range form {
				if !keptValue(body, k, form.Get(k)) {
					t.Errorf("the re-rendered form lost %s = %.40q", k, form.Get(k))
				}
			}
			if after := app.appState(t, draft); after != before {
				t.Errorf("a refused save changed the draft:\n%s\n%s", before, after)
			}
		})
	}
	if n := app.count(t, `SELECT count(*) FROM applications WHERE id = $1 AND content->>'purpose' = '营造浓厚学风，培养阅读习惯。'
		AND content->>'content' = ''`, draft); n != 1 {
		t.Error("the draft's saved content is not what the demo stored")
	}
}

// Of two saves from the same version, the second answers 409 with its text kept in
// the form and overwrites nothing.
func TestAppSaveStaleVersionConflicts(t *testing.T) {
	app := newTestApp(t)
	draft := app.fill(t)("{draft}")
	first, second := app.signIn("secretary"), app.signIn("secretary") // two windows, or two people
	version := app.appVersion(t, draft)

	mine := completeDraft(version)
	mine.Set("purpose", "第一位保存的目的")
	if res, body := first.post("/applications/"+draft+"/edit", mine); res.StatusCode != see {
		t.Fatalf("first save: %d\n%.1000s", res.StatusCode, body)
	}
	saved := app.appState(t, draft)

	theirs := completeDraft(version)
	theirs.Set("purpose", "第二位填写的目的")
	theirs.Set("budget_note_0", "第二位的备注")
	res, body := second.post("/applications/"+draft+"/edit", theirs)
	if res.StatusCode != cfl {
		t.Fatalf("second save with the same version: %d, want 409\n%.1000s", res.StatusCode, body)
	}
	if !strings.Contains(body, "该申报已被他人修改") {
		t.Error("the conflict page does not say someone else saved")
	}
	if !keptValue(body, "purpose", "第二位填写的目的") || !keptValue(body, "budget_note_0", "第二位的备注") {
		t.Error("the second person's text was not kept in the form")
	}
	if after := app.appState(t, draft); after != saved {
		t.Errorf("the stale save changed the draft:\n%s\n%s", saved, after)
	}
	if n := app.count(t, `SELECT count(*) FROM applications WHERE id = $1 AND content->>'purpose' = '第一位保存的目的'`, draft); n != 1 {
		t.Error("the first person's content was overwritten")
	}
}

// A field the form does not have refuses the whole save.
func TestAppSaveRefusesUnknownField(t *testing.T) {
	app := newTestApp(t)
	c := app.signIn("secretary")
	draft := app.fill(t)("{draft}")
	before := app.appState(t, draft)
	form := completeDraft(app.appVersion(t, draft))
	form.Set("status", "submitted")
	res, body := c.post("/applications/"+draft+"/edit", form)
	if res.StatusCode != bad || !strings.Contains(body, "表单包含无法识别的字段") {
		t.Fatalf("unknown field: %d, want 422 with the unknown-field message\n%.1000s", res.StatusCode, body)
	}
	if after := app.appState(t, draft); after != before {
		t.Errorf("a form with an unknown field changed the draft:\n%s\n%s", before, after)
	}
}

// uploadAs posts one file to an application's attachments as the edit page does.
func (c *client) uploadAs(path, filename string, content []byte) (*http.Response, string) {
	c.t.Helper()
	name := strings.NewReplacer("\\", "\\\\", `"`, "\\\"").Replace(filename) // as mime/multipart quotes it
	return c.uploadPart(path, `form-data; name="file"; filename="`+name+`"`, content)
}

// uploadPart posts one part with the Content-Disposition given, for names no
// browser would send as they are.
func (c *client) uploadPart(path, disposition string, content []byte) (*http.Response, string) {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreatePart(textproto.MIMEHeader{"Content-Disposition": {disposition}, "Content-Type": {"application/octet-stream"}})
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

// extValue writes s as an RFC 2231 / 5987 extended value: every byte outside the
// unreserved set percent-encoded, control bytes included.
func extValue(s string) string {
	var b strings.Builder
	b.WriteString("UTF-8''")
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch < 0x80 && (unicode.IsLetter(rune(ch)) || unicode.IsDigit(rune(ch)) || strings.IndexByte("-._~", ch) >= 0) {
			b.WriteByte(ch)
		} else {
			fmt.Fprintf(&b, "%%%02X", ch)
		}
	}
	return b.String()
}

// withOptions returns the portal over the same database, served with opt.
func (a *testApp) withOptions(t *testing.T, opt Options) *testApp {
	s := New(a.store, slog.New(slog.NewTextHandler(io.Discard, nil)), opt)
	h := s.Handler()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	b := *a
	b.t, b.srv, b.handler, b.server = t, srv, h, s
	return &b
}

// An upload is judged by its content, never its name, and bounded by
// Options.UploadMaxBytes; a refused one leaves the draft as it was.
func TestAppUploadJudgesContentAndSize(t *testing.T) {
	app := newTestApp(t)
	c := app.signIn("secretary")
	draft := app.fill(t)("{draft}")
	path := "/applications/" + draft + "/attachments"
	exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"), make([]byte, 64)...)
	exe[0x3c] = 0x40 // e_lfanew: the PE header follows
	exe = append(exe, []byte("PE\x00\x00")...)
	small := app.withOptions(t, Options{UploadMaxBytes: 1024})
	for _, tc := range []struct {
		name     string
		c        *client
		filename string
		content  []byte
		status   int
		msg      string
	}{
		{"an executable named .pdf", c, "申报书.pdf", exe, bad, "不支持该文件类型"},
		{"text named .docx", c, "x.docx", []byte("just some plain text, not a Word file\n"), bad, "不支持该文件类型"},
		{"over the size limit", small.signIn("secretary"), "big.pdf", append(append([]byte{}, pdfBytes...), bytes.Repeat([]byte("0"), 4096)...),
			http.StatusRequestEntityTooLarge, "文件过大"},
		{"far over the size limit", small.signIn("secretary"), "huge.pdf", append(append([]byte{}, pdfBytes...), bytes.Repeat([]byte("0"), 200<<10)...),
			http.StatusRequestEntityTooLarge, "文件过大"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := app.appState(t, draft)
			res, body := tc.c.uploadAs(path, tc.filename, tc.content)
			if res.StatusCode != tc.status || !strings.Contains(body, tc.msg) {
				t.Fatalf("status %d, want %d with %q\n%.1000s", res.StatusCode, tc.status, tc.msg, body)
			}
			if strings.Contains(body, "%!") || strings.Contains(body, "%d") {
				t.Error("a message on the page is badly formatted")
			}
			if got := errorBeside(body, "file"); !strings.Contains(got, tc.msg) {
				t.Errorf("error beside the file input: %q, want %q", got, tc.msg)
			}
			if after := app.appState(t, draft); after != before {
				t.Errorf("a refused upload changed the draft:\n%s\n%s", before, after)
			}
		})
	}
	if n := app.count(t, `SELECT count(*) FROM attachments a JOIN applications ap ON ap.id = a.application_id
		WHERE ap.id = $1`, draft); n != 0 {
		t.Errorf("refused uploads left %d files", n)
	}
}

// An uploaded file is stored under a clean name (no directories, no control or
// reserved characters) and served as a download of its detected type, to those who
// may read its application only.
func TestAppUploadCleansNameAndServesSafely(t *testing.T) {
	app := newTestApp(t)
	c := app.signIn("secretary")
	fill := app.fill(t)
	draft := fill("{draft}")
	path := "/applications/" + draft + "/attachments"

	// A NUL in a quoted header value is a malformed part: refused whole, nothing stored.
	before := app.appState(t, draft)
	res, body := c.uploadAs(path, "../../etc/pass\x00wd<>.pdf", pdfBytes)
	if res.StatusCode != bad || !strings.Contains(body, "请选择要上传的文件。") || strings.Contains(body, "%!") {
		t.Errorf("a raw NUL in the file name: %d, want 422 asking for a file", res.StatusCode)
	}
	if after := app.appState(t, draft); after != before {
		t.Errorf("a malformed upload changed the draft:\n%s\n%s", before, after)
	}

	// The same name percent-encoded (RFC 2231), and a Windows path with a tab, reach
	// the handler: accepted, stored under a clean name.
	for _, disposition := range []string{
		`form-data; name="file"; filename*=` + extValue("../../etc/pass\x00wd<>.pdf"),
		"form-data; name=\"file\"; filename=\"..\\..\\windows\\pass\twd<>.pdf\"",
	} {
		t.Run(disposition, func(t *testing.T) {
			version := app.count(t, `SELECT version FROM applications WHERE id = $1`, draft)
			res, body := c.uploadPart(path, disposition, pdfBytes)
			if res.StatusCode != see {
				t.Fatalf("upload: %d\n%.1000s", res.StatusCode, body)
			}
			var id int64
			var name, ctype string
			if err := app.store.Pool().QueryRow(context.Background(), `SELECT id, name, content_type FROM attachments
				WHERE application_id = $1 ORDER BY id DESC LIMIT 1`, draft).Scan(&id, &name, &ctype); err != nil {
				t.Fatal(err)
			}
			if name != "pass_wd__.pdf" || ctype != "application/pdf" {
				t.Errorf("stored as %q (%s), want pass_wd__.pdf (application/pdf)", name, ctype)
			}
			if strings.ContainsAny(name, `/\<>`) || strings.Contains(name, "..") || strings.IndexFunc(name, unicode.IsControl) >= 0 {
				t.Errorf("the stored name %q is not clean", name)
			}
			if after := app.count(t, `SELECT version FROM applications WHERE id = $1`, draft); after != version+1 {
				t.Errorf("version %d after an upload, want %d", after, version+1)
			}
			if page := flashAfter(t, c, res); !strings.Contains(page, "附件已上传。") || !strings.Contains(page, ">"+name+"</a>") {
				t.Error("the edit page does not confirm the upload or list the file by its clean name")
			}

			res, data := c.get(fmt.Sprintf("/attachments/%d", id))
			if res.StatusCode != ok || data != string(pdfBytes) {
				t.Fatalf("download: %d, %d bytes", res.StatusCode, len(data))
			}
			if res.Header.Get("Content-Type") != "application/pdf" || res.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("served as %q, nosniff %q", res.Header.Get("Content-Type"), res.Header.Get("X-Content-Type-Options"))
			}
			disp, params, err := mime.ParseMediaType(res.Header.Get("Content-Disposition"))
			if err != nil || disp != "attachment" || params["filename"] != name {
				t.Errorf("Content-Disposition %q: %s %v (%v), want an attachment named %q",
					res.Header.Get("Content-Disposition"), disp, params, err, name)
			}
			// Someone who may not see the application does not learn the file exists.
			if res, body := app.signIn("counselor").get(fmt.Sprintf("/attachments/%d", id)); res.StatusCode != nf || strings.Contains(body, "%PDF") {
				t.Errorf("counselor downloading the file: %d, want 404", res.StatusCode)
			}
		})
	}

	// A name beyond ASCII goes out as an RFC 5987 filename*.
	res, _ = c.get("/attachments/" + fill("{attachment}"))
	cd := res.Header.Get("Content-Disposition")
	if _, params, err := mime.ParseMediaType(cd); err != nil || !strings.HasPrefix(cd, "attachment;") ||
		!strings.Contains(cd, "filename*=utf-8''") || params["filename"] != "项目实施方案.pdf" {
		t.Errorf("the demo file 项目实施方案.pdf has Content-Disposition %q", cd)
	}
	if res, body := app.signIn("counselor").get("/attachments/" + fill("{attachment}")); res.StatusCode != nf || strings.Contains(body, "%PDF") {
		t.Errorf("counselor downloading the demo file: %d, want 404", res.StatusCode)
	}
}

// A second send of the same version changes nothing and says it was already sent.
func TestAppSendTwiceIsHarmless(t *testing.T) {
	app := newTestApp(t)
	c := app.signIn("secretary")
	draft := app.fill(t)("{draft}")
	saveDraft(t, app, c, draft)
	version := app.appVersion(t, draft)
	res, _ := c.post("/applications/"+draft+"/send", url.Values{"version": {version}})
	if page := flashAfter(t, c, res); !strings.Contains(page, "申报已送出") {
		t.Error("no flash after sending")
	}
	sent := app.appState(t, draft)
	res, _ = c.post("/applications/"+draft+"/send", url.Values{"version": {version}}) // the second click
	if page := flashAfter(t, c, res); !strings.Contains(page, "该申报已经提交，无需重复提交。") {
		t.Error("the second send does not say it was already sent")
	}
	if after := app.appState(t, draft); after != sent {
		t.Errorf("the second send changed the application:\n%s\n%s", sent, after)
	}
	if n := app.count(t, `SELECT count(*) FROM application_versions WHERE application_id = $1`, draft); n != 1 {
		t.Errorf("%d versions after sending twice, want 1", n)
	}
	if n := app.count(t, `SELECT count(*) FROM application_events WHERE application_id = $1 AND event = 'send'`, draft); n != 1 {
		t.Errorf("%d send events after sending twice, want 1", n)
	}
}

// A sent application is no longer editable: its form is not found, and saves and
// uploads change nothing.
func TestAppCannotBeEditedAfterSending(t *testing.T) {
	app := newTestApp(t)
	c := app.signIn("secretary")
	sent := app.fill(t)("{app}")
	before := app.appState(t, sent)
	if res, _ := c.get("/applications/" + sent + "/edit"); res.StatusCode != nf {
		t.Errorf("GET edit of a sent application: %d, want 404", res.StatusCode)
	}
	form := completeDraft(app.appVersion(t, sent))
	form.Set("title", "提交后偷偷修改的标题")
	res, _ := c.post("/applications/"+sent+"/edit", form)
	if res.StatusCode != nf && res.StatusCode != bad {
		t.Errorf("POST edit of a sent application: %d, want 404 or 422", res.StatusCode)
	}
	res, _ = c.uploadAs("/applications/"+sent+"/attachments", "补充.pdf", pdfBytes)
	if res.StatusCode != nf && res.StatusCode != bad {
		t.Errorf("upload to a sent application: %d, want 404 or 422", res.StatusCode)
	}
	if after := app.appState(t, sent); after != before {
		t.Errorf("the sent application changed:\n%s\n%s", before, after)
	}
}

// A secretary files only for the organizations she holds a grant on.
func TestAppApplyForAnotherCollegeRefused(t *testing.T) {
	app := newTestApp(t)
	c := app.signIn("secretary")
	fill := app.fill(t)
	var other int64
	if err := app.store.Pool().QueryRow(context.Background(), `SELECT id FROM orgs WHERE kind = 'league_general_branch'
		AND id <> $1 AND active ORDER BY id LIMIT 1`, fill("{org}")).Scan(&other); err != nil {
		t.Fatal(err)
	}
	apps := app.count(t, `SELECT count(*) FROM applications`)
	res, body := c.post(fill("/programs/{program}/apply"), url.Values{"track_id": {fill("{track}")}, "org_id": {fmt.Sprint(other)}})
	if res.StatusCode != nf {
		t.Errorf("filing for another college's 团总支: %d, want 404\n%.500s", res.StatusCode, body)
	}
	if n := app.count(t, `SELECT count(*) FROM applications`); n != apps {
		t.Errorf("%d applications after a refused filing, want %d", n, apps)
	}
}

// Past the deadline (end of the application phase's last day, Beijing time) nobody
// files or sends; a manager's extension for one organization lets it send again.
func TestAppDeadlineAndExtension(t *testing.T) {
	app := newTestApp(t)
	c := app.signIn("secretary")
	fill := app.fill(t)
	draft := fill("{draft}")
	saveDraft(t, app, c, draft) // complete, so that only the deadline stands in the way

	// The deadline is the end of the application phase's last day in Beijing time.
	var lastDay time.Time
	if err := app.store.Pool().QueryRow(context.Background(), `SELECT coalesce(t.deadline, ph.ends_on) FROM tracks t
		JOIN program_phases ph ON ph.program_id = t.program_id AND ph.kind = 'application' WHERE t.id = $1`,
		fill("{track}")).Scan(&lastDay); err != nil {
		t.Fatal(err)
	}
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Date(lastDay.Year(), lastDay.Month(), lastDay.Day()+1, 0, 0, 0, 0, shanghai)
	app.store.Now = func() time.Time { return deadline.Add(time.Minute) }
	passed := "申报截止时间（" + lastDay.Format("2006-01-02") + "）已过"

	apps := app.count(t, `SELECT count(*) FROM applications`)
	res, _ := c.post(fill("/programs/{program}/apply"), url.Values{"track_id": {fill("{track}")}, "org_id": {fill("{org}")}})
	page := flashAfter(t, c, res)
	if !strings.Contains(page, "当前不能申报该赛道") || !strings.Contains(page, "）已过") {
		t.Errorf("the program page does not show why filing failed\n%.3000s", page)
	}
	if n := app.count(t, `SELECT count(*) FROM applications`); n != apps {
		t.Errorf("%d applications after filing past the deadline, want %d", n, apps)
	}

	before := app.appState(t, draft)
	res, body := c.post("/applications/"+draft+"/send", url.Values{"version": {app.appVersion(t, draft)}})
	if res.StatusCode != bad || !strings.Contains(body, passed) {
		t.Fatalf("sending past the deadline: %d, want 422 with %q\n%.1000s", res.StatusCode, passed, body)
	}
	if after := app.appState(t, draft); after != before {
		t.Errorf("a refused send changed the draft:\n%s\n%s", before, after)
	}

	// The program's manager gives the secretary's 团总支 a week more.
	manager := app.signIn("tuanwei")
	until := deadline.AddDate(0, 0, 7).Format("2006-01-02")
	res, body = manager.post(fill("/programs/{program}/extensions"), url.Values{"org_id": {fill("{org}")}, "until": {until}, "reason": {"学院活动冲突"}})
	if res.StatusCode != see {
		t.Fatalf("extension: %d\n%.1000s", res.StatusCode, body)
	}
	res, _ = c.post("/applications/"+draft+"/send", url.Values{"version": {app.appVersion(t, draft)}})
	if page := flashAfter(t, c, res); !strings.Contains(page, "申报已送出") {
		t.Error("no flash after sending within the extension")
	}
	if n := app.count(t, `SELECT count(*) FROM applications WHERE id = $1 AND versions = 1 AND status <> 'draft'`, draft); n != 1 {
		t.Error("the draft was not sent within the extension")
	}
}

// Returning an application needs a reason; without one nothing changes and nobody
// is notified.
func TestAppEndorserReturnNeedsReason(t *testing.T) {
	app := newTestApp(t)
	var id int64
	if err := app.store.Pool().QueryRow(context.Background(), `SELECT id FROM applications WHERE status = 'endorsing'
		AND title LIKE '%样板支部%' ORDER BY id LIMIT 1`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	appID := fmt.Sprint(id)
	c := app.signIn("endorser-party")
	before := app.appState(t, appID)
	notes := app.count(t, `SELECT count(*) FROM notifications`)
	res, body := c.post("/applications/"+appID+"/endorse", url.Values{"version": {app.appVersion(t, appID)}, "decision": {"return"}, "opinion": {"  "}})
	if res.StatusCode != bad {
		t.Fatalf("return without a reason: %d, want 422\n%.1000s", res.StatusCode, body)
	}
	if got := errorBeside(body, "opinion"); got != "请填写理由。" {
		t.Errorf("error beside the opinion: %q, want 请填写理由。", got)
	}
	if after := app.appState(t, appID); after != before {
		t.Errorf("a refused return changed the application:\n%s\n%s", before, after)
	}
	if n := app.count(t, `SELECT count(*) FROM notifications`); n != notes {
		t.Error("a refused return notified someone")
	}
}
