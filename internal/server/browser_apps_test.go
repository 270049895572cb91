package server

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"github.com/campusorg/portal/internal/demo"
	"github.com/campusorg/portal/internal/i18n"
)

// TestBrowserAppsBrandApplicationRoundTrip walks issue 3 in a real browser on the
// open 一团一品 call: the 团总支 secretary starts an application from the program
// page, fills the form (a bad amount first: the field error keeps what she typed),
// attaches a PDF and sends it; the League body agrees, the Party body returns it;
// she changes the budget and sends again; both bodies agree. The program manager
// then finds it in the program's list, reads what changed in version 2, and
// downloads the summary sheet, checked row by row against the database.
func TestBrowserAppsBrandApplicationRoundTrip(t *testing.T) {
	app := newTestApp(t)
	ctx := newBrowser(t)
	base := app.srv.URL
	db, bg := app.store.Pool(), context.Background()
	zh := func(key string, args ...any) string { return i18n.T(i18n.ZH, key, args...) }

	var programID int64
	var programTitle string
	if err := db.QueryRow(bg, `SELECT id, title FROM programs WHERE kind = 'league_brand' AND status = 'open'`).Scan(&programID, &programTitle); err != nil {
		t.Fatalf("the open 一团一品 program: %v", err)
	}
	var themeID int64
	if err := db.QueryRow(bg, `SELECT id FROM themes WHERE program_id = $1 AND name = '社会实践类'`, programID).Scan(&themeID); err != nil {
		t.Fatalf("the theme 社会实践类: %v", err)
	}
	var newThemeID int64
	if err := db.QueryRow(bg, `SELECT id FROM themes WHERE program_id = $1 AND name = '志愿服务类'`, programID).Scan(&newThemeID); err != nil {
		t.Fatalf("the theme 志愿服务类: %v", err)
	}
	programURL := base + "/programs/" + strconv.FormatInt(programID, 10)
	const (
		orgName = "经济管理学院团总支"
		title   = "“红色足迹”寻访社会实践"
		leader  = "王晓峰"
		phone   = "13903710088"
	)

	// Every confirmation (data-confirm) is answered yes, and its question kept.
	var dialogs struct {
		sync.Mutex
		asked []string
	}
	// The download of the summary sheet reports its name and completion here.
	began := make(chan browserDownload, 4)
	done := make(chan string, 4)
	chromedp.ListenTarget(ctx, func(ev any) {
		switch e := ev.(type) {
		case *page.EventJavascriptDialogOpening:
			dialogs.Lock()
			dialogs.asked = append(dialogs.asked, e.Message)
			dialogs.Unlock()
			go func() { _ = chromedp.Run(ctx, page.HandleJavaScriptDialog(true)) }()
		case *browser.EventDownloadWillBegin:
			began <- browserDownload{e.GUID, e.SuggestedFilename}
		case *browser.EventDownloadProgress:
			if e.State == browser.DownloadProgressStateCompleted {
				done <- e.GUID
			}
		}
	})
	lastDialog := func() string {
		dialogs.Lock()
		defer dialogs.Unlock()
		if len(dialogs.asked) == 0 {
			return ""
		}
		return dialogs.asked[len(dialogs.asked)-1]
	}
	var appPath string // "/applications/{id}", once she has applied
	appStatus := func() string {
		return strings.TrimSpace(xpathText(t, ctx, `//dl[contains(@class,"props")]/dt[normalize-space()="`+zh("app.status")+`"]/following-sibling::dd[1]`))
	}
	send := func(step string) {
		t.Helper()
		run(t, ctx, step,
			chromedp.Navigate(base+appPath),
			chromedp.WaitVisible(`form[action$="/send"] button[type=submit]`, chromedp.ByQuery),
			chromedp.Click(`form[action$="/send"] button[type=submit]`, chromedp.ByQuery),
			chromedp.WaitVisible(`.flash-success`, chromedp.ByQuery),
		)
		if got := lastDialog(); got != zh("app.send_confirm") {
			t.Fatalf("%s: the confirmation asked %q", step, got)
		}
		if got := appStatus(); got != zh("app.st.endorsing") {
			t.Fatalf("%s: the status is %q, want %s", step, got, zh("app.st.endorsing"))
		}
	}
	// endorse signs in as an endorser, finds the application in her inbox, and
	// agrees or returns it with an opinion.
	rounds := 0
	endorse := func(username, decision, opinion string) {
		t.Helper()
		rounds++
		browserSignIn(t, ctx, base, username)
		run(t, ctx, username+" opens her inbox",
			chromedp.Navigate(base+"/applications"),
			chromedp.WaitVisible(`//section[h2[normalize-space()="`+zh("app.inbox_title")+`"]]//a[normalize-space()="`+title+`"]`, chromedp.BySearch),
		)
		screenshot(t, ctx, "apps-inbox-"+username)
		run(t, ctx, username+" opens the application",
			chromedp.Click(`//section[h2[normalize-space()="`+zh("app.inbox_title")+`"]]//a[normalize-space()="`+title+`"]`, chromedp.BySearch),
			chromedp.WaitVisible(`#f-opinion`, chromedp.ByQuery),
		)
		screenshot(t, ctx, fmt.Sprintf("apps-endorse-%d-%s-%s", rounds, username, decision))
		run(t, ctx, username+" signs her opinion",
			chromedp.SendKeys(`#f-opinion`, opinion, chromedp.ByQuery),
			chromedp.Click(`button[name=decision][value=`+decision+`]`, chromedp.ByQuery),
			chromedp.WaitVisible(`.flash-success`, chromedp.ByQuery),
		)
		if got := textOf(t, ctx, `.timeline`); !strings.Contains(got, opinion) {
			t.Fatalf("%s's opinion is not in the history:\n%s", username, got)
		}
		var left []string
		run(t, ctx, username+" no longer has it in her inbox",
			chromedp.Navigate(base+"/applications"),
			chromedp.WaitVisible(`//section[h2[normalize-space()="`+zh("app.inbox_title")+`"]]`, chromedp.BySearch),
			chromedp.Evaluate(`Array.from(document.querySelectorAll("section.card a")).map(a => a.textContent.trim())`, &left),
		)
		for _, x := range left {
			if x == title {
				t.Fatalf("after signing, %s's inbox still lists it: %q", username, left)
			}
		}
		browserSignOut(t, ctx)
	}

	// 1. The secretary applies for her 团总支 from the program page.
	browserSignIn(t, ctx, base, "secretary")
	row := `//section[h2[normalize-space()="` + zh("program.apply_title") + `"]]//tr[td[normalize-space()="` + orgName + `"]]`
	var orgID string
	var ok bool
	run(t, ctx, "open the program page",
		chromedp.Navigate(programURL),
		chromedp.WaitVisible(row+`//form[contains(@action,"/apply")]//button`, chromedp.BySearch),
		chromedp.AttributeValue(row+`//input[@name="org_id"]`, "value", &orgID, &ok, chromedp.BySearch),
	)
	screenshot(t, ctx, "apps-01-program")
	if want := strconv.FormatInt(app.orgs["econ-league"], 10); orgID != want {
		t.Fatalf("the %s row applies for org %q, want %s", orgName, orgID, want)
	}
	var editURL string
	run(t, ctx, "apply for her 团总支",
		chromedp.Click(row+`//form[contains(@action,"/apply")]//button`, chromedp.BySearch),
		chromedp.WaitVisible(`#f-title`, chromedp.ByQuery),
		chromedp.Location(&editURL),
	)
	m := regexp.MustCompile(`/applications/(\d+)/edit$`).FindStringSubmatch(editURL)
	if m == nil {
		t.Fatalf("applying landed on %s", editURL)
	}
	appID, _ := strconv.ParseInt(m[1], 10, 64)
	appPath = "/applications/" + m[1]
	var owner int64
	var status string
	if err := db.QueryRow(bg, `SELECT org_id, status FROM applications WHERE id = $1 AND program_id = $2`, appID, programID).Scan(&owner, &status); err != nil {
		t.Fatalf("the new application: %v", err)
	}
	if owner != app.orgs["econ-league"] || status != "draft" {
		t.Fatalf("the new application belongs to org %d with status %s", owner, status)
	}
	screenshot(t, ctx, "apps-02-new-form")

	// 2. She fills the form; a negative amount is refused, and what she typed is kept.
	in := func(name string) string { return `[name="` + name + `"]` }
	run(t, ctx, "fill the form with a negative amount",
		chromedp.SendKeys(`#f-title`, title, chromedp.ByQuery),
		chromedp.SetValue(`#f-theme_id`, strconv.FormatInt(themeID, 10), chromedp.ByQuery),
		chromedp.SendKeys(`#f-leader_name`, leader, chromedp.ByQuery),
		chromedp.SendKeys(`#f-leader_post`, "团总支副书记", chromedp.ByQuery),
		chromedp.SendKeys(`#f-leader_phone`, phone, chromedp.ByQuery),
		chromedp.SendKeys(`#f-leader_political`, "中共预备党员", chromedp.ByQuery),
		chromedp.SendKeys(`#f-purpose`, "引导青年学生在实践中感悟党的百年奋斗历程。", chromedp.ByQuery),
		chromedp.SendKeys(`#f-content`, "组织学生寻访本地红色遗址，开展口述史采集。", chromedp.ByQuery),
		chromedp.SendKeys(`#f-form`, "实地寻访、专题调研、成果展示。", chromedp.ByQuery),
		chromedp.SendKeys(`#f-expected`, "形成调研报告1份，制作寻访纪录短片1部。", chromedp.ByQuery),
		chromedp.SetValue(in("step_on_0"), "2027-04-10", chromedp.ByQuery),
		chromedp.SendKeys(in("step_what_0"), "组建实践团队，开展行前培训", chromedp.ByQuery),
		chromedp.SetValue(in("step_on_1"), "2027-07-15", chromedp.ByQuery),
		chromedp.SendKeys(in("step_what_1"), "暑期实地寻访", chromedp.ByQuery),
		chromedp.SendKeys(in("budget_item_0"), "交通费", chromedp.ByQuery),
		chromedp.SendKeys(in("budget_amount_0"), "-5", chromedp.ByQuery),
		chromedp.SendKeys(in("budget_note_0"), "寻访往返", chromedp.ByQuery),
		chromedp.SendKeys(in("budget_item_1"), "资料印制", chromedp.ByQuery),
		chromedp.SendKeys(in("budget_amount_1"), "800", chromedp.ByQuery),
		chromedp.SendKeys(`#f-custom_plan`, "4月培训，7月寻访，9月成果展示。", chromedp.ByQuery),
		chromedp.SendKeys(`#f-custom_difficulties`, "寻访对象分散：提前联系地方党史办统筹安排。", chromedp.ByQuery),
		chromedp.Click(`form[action$="/edit"] .form-actions button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.field-error`, chromedp.ByQuery),
	)
	screenshot(t, ctx, "apps-03-amount-error")
	var amountErr, keptTitle, keptAmount, keptPlan string
	run(t, ctx, "read the refused form",
		chromedp.Text(`//tr[.//input[@name="budget_amount_0"]]//p[contains(@class,"field-error")]`, &amountErr, chromedp.BySearch),
		chromedp.Value(`#f-title`, &keptTitle, chromedp.ByQuery),
		chromedp.Value(in("budget_amount_0"), &keptAmount, chromedp.ByQuery),
		chromedp.Value(`#f-custom_plan`, &keptPlan, chromedp.ByQuery),
	)
	var stepRows, budgetRows int
	run(t, ctx, "count the rows",
		chromedp.Evaluate(`document.querySelectorAll('input[name^="step_on_"]').length`, &stepRows),
		chromedp.Evaluate(`document.querySelectorAll('input[name^="budget_item_"]').length`, &budgetRows),
	)
	if stepRows != 5 || budgetRows != 5 { // the two she filled and three blank ones
		t.Fatalf("the refused form shows %d step rows and %d budget rows, want 5 and 5", stepRows, budgetRows)
	}
	if amountErr != zh("app.amount_invalid") {
		t.Fatalf("the amount's error reads %q", amountErr)
	}
	if keptTitle != title || keptAmount != "-5" || keptPlan == "" {
		t.Fatalf("the input was not kept: title %q, amount %q, plan %q", keptTitle, keptAmount, keptPlan)
	}
	run(t, ctx, "correct the amount and save",
		chromedp.Clear(in("budget_amount_0"), chromedp.ByQuery),
		chromedp.SendKeys(in("budget_amount_0"), "700", chromedp.ByQuery),
	)
	if got := textOf(t, ctx, `#budget-total`); got != "1500.00" {
		t.Fatalf("the form's budget total shows %q", got)
	}
	run(t, ctx, "save the draft",
		chromedp.Click(`form[action$="/edit"] .form-actions button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash-success`, chromedp.ByQuery),
	)
	screenshot(t, ctx, "apps-04-saved")
	if got := textOf(t, ctx, "h1"); got != title {
		t.Fatalf("after saving, the page is titled %q", got)
	}
	var cents int64
	if err := db.QueryRow(bg, `SELECT budget_cents FROM applications WHERE id = $1`, appID).Scan(&cents); err != nil || cents != 150000 {
		t.Fatalf("the saved budget is %d fen (%v), want 150000", cents, err)
	}

	// 3. She attaches the implementation plan as a PDF.
	pdf := filepath.Join(t.TempDir(), "实施方案.pdf")
	if err := os.WriteFile(pdf, []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, "upload the PDF",
		chromedp.Navigate(base+appPath+"/edit"),
		chromedp.WaitVisible(`#f-file`, chromedp.ByQuery),
		chromedp.SetUploadFiles(`#f-file`, []string{pdf}, chromedp.ByQuery),
		chromedp.SetValue(`#f-field`, "scheme", chromedp.ByQuery),
		chromedp.Click(`#files form[enctype="multipart/form-data"] button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash-success`, chromedp.ByQuery),
		chromedp.WaitVisible(`//section[@id="files"]//li/a[normalize-space()="实施方案.pdf"]`, chromedp.BySearch),
	)
	screenshot(t, ctx, "apps-05-uploaded")
	var ctype, field string
	if err := db.QueryRow(bg, `SELECT content_type, field_key FROM attachments WHERE application_id = $1 AND name = '实施方案.pdf'`,
		appID).Scan(&ctype, &field); err != nil || ctype != "application/pdf" || field != "scheme" {
		t.Fatalf("the attachment is stored as %q for %q (%v)", ctype, field, err)
	}

	// 4. She sends it: it waits for the opinions.
	send("send it")
	screenshot(t, ctx, "apps-06-sent")
	browserSignOut(t, ctx)

	// 5, 6. The League body agrees; the Party body returns it with a reason.
	endorse("endorser-league", "agree", "方案扎实，同意申报。")
	const reason = "经费预算偏低，资料印制费用请按实际测算后调整。"
	endorse("endorser-party", "return", reason)

	// 7. She sees why, changes the budget, and sends again.
	browserSignIn(t, ctx, base, "secretary")
	run(t, ctx, "open the returned application", chromedp.Navigate(base+appPath), chromedp.WaitVisible(`.timeline`, chromedp.ByQuery))
	screenshot(t, ctx, "apps-07-returned")
	if got := appStatus(); got != zh("app.st.returned") {
		t.Fatalf("after the return, the status is %q", got)
	}
	if got := textOf(t, ctx, `.timeline`); !strings.Contains(got, reason) {
		t.Fatalf("the secretary does not see the reason:\n%s", got)
	}
	run(t, ctx, "change a budget amount",
		chromedp.Navigate(base+appPath+"/edit"),
		chromedp.WaitVisible(in("budget_amount_1"), chromedp.ByQuery),
		chromedp.Clear(in("budget_amount_1"), chromedp.ByQuery),
		chromedp.SendKeys(in("budget_amount_1"), "1200", chromedp.ByQuery),
		chromedp.SetValue(`#f-theme_id`, strconv.FormatInt(newThemeID, 10), chromedp.ByQuery),
		chromedp.Click(`form[action$="/edit"] .form-actions button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash-success`, chromedp.ByQuery),
	)
	estimate := filepath.Join(t.TempDir(), "经费测算表.pdf")
	if err := os.WriteFile(estimate, []byte("%PDF-1.4\n% budget estimate\ntrailer <<>>\n%%EOF\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, "attach the budget estimate",
		chromedp.Navigate(base+appPath+"/edit"),
		chromedp.WaitVisible(`#f-file`, chromedp.ByQuery),
		chromedp.SetUploadFiles(`#f-file`, []string{estimate}, chromedp.ByQuery),
		chromedp.Click(`#files form[enctype="multipart/form-data"] button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`//section[@id="files"]//li/a[normalize-space()="经费测算表.pdf"]`, chromedp.BySearch),
	)
	send("send it again")
	browserSignOut(t, ctx)

	// 8. Both bodies agree: it reaches the 校团委.
	endorse("endorser-league", "agree", "已按意见调整，同意申报。")
	endorse("endorser-party", "agree", "同意推荐。")

	// 9. The program manager sees it, its changes and the summary sheet.
	browserSignIn(t, ctx, base, "tuanwei")
	run(t, ctx, "open the application", chromedp.Navigate(base+appPath), chromedp.WaitVisible(`.timeline`, chromedp.ByQuery))
	if got := appStatus(); got != zh("app.st.submitted") {
		t.Fatalf("after both opinions, the status is %q", got)
	}
	listRow := `//table[contains(@class,"data")]//tr[td/a[normalize-space()="` + title + `"]]`
	run(t, ctx, "open the program's applications",
		chromedp.Navigate(programURL+"/applications"),
		chromedp.WaitVisible(listRow, chromedp.BySearch),
	)
	screenshot(t, ctx, "apps-08-program-list")
	if got := xpathText(t, ctx, listRow); !strings.Contains(got, orgName) || !strings.Contains(got, leader) ||
		!strings.Contains(got, "1,900.00") || !strings.Contains(got, zh("app.st.submitted")) {
		t.Fatalf("the list's row reads %q", got)
	}
	changed := `//table[contains(@class,"data")]//tr[td[normalize-space()="` + zh("app.f.budget") + `"]]`
	run(t, ctx, "read version 2's changes",
		chromedp.Navigate(base+appPath+"/versions/2"),
		chromedp.WaitVisible(changed, chromedp.BySearch),
	)
	screenshot(t, ctx, "apps-09-version-2")
	if got := xpathText(t, ctx, changed); !strings.Contains(got, "资料印制 800.00") || !strings.Contains(got, "资料印制 1,200.00") {
		t.Fatalf("the budget change reads %q", got)
	}
	// The theme and the files show by name, never by their ids.
	changeOf := func(key string) []string {
		var cells []string
		xp := `//table[contains(@class,"data")]//tr[td[normalize-space()="` + zh(key) + `"]]/td`
		run(t, ctx, "read the change of "+key, chromedp.Evaluate(`(() => {
			const r = document.evaluate('`+xp+`', document, null, XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null);
			const cells = [];
			for (let i = 0; i < r.snapshotLength; i++) cells.push(r.snapshotItem(i).innerText.trim());
			return cells;
		})()`, &cells))
		return cells
	}
	if got := changeOf("app.f.theme"); strings.Join(got, "|") != zh("app.f.theme")+"|社会实践类|志愿服务类" {
		t.Errorf("the theme change reads %q", got)
	}
	if got := changeOf("app.f.attachments"); strings.Join(got, "|") != zh("app.f.attachments")+"|实施方案.pdf|实施方案.pdf\n经费测算表.pdf" {
		t.Errorf("the attachments change reads %q", got)
	}

	dir := t.TempDir()
	run(t, ctx, "download the summary sheet",
		chromedp.Navigate(programURL+"/applications"),
		chromedp.WaitVisible(`a[href$="applications.xlsx"]`, chromedp.ByQuery),
		browser.SetDownloadBehavior(browser.SetDownloadBehaviorBehaviorAllowAndName).WithDownloadPath(dir).WithEventsEnabled(true),
		chromedp.Click(`a[href$="applications.xlsx"]`, chromedp.ByQuery),
	)
	file, name := waitForDownload(t, dir, began, done, 20*time.Second)
	if want := zh("export.filename", safeFileName(programTitle)); name != want {
		t.Errorf("the download is named %q, want %q", name, want)
	}
	checkSummarySheet(t, app, file, programID, programTitle, appID, title, leader, phone)
}

// xpathText is textOf for an XPath selector.
func xpathText(t *testing.T, ctx context.Context, xpath string) string {
	t.Helper()
	var s string
	run(t, ctx, "read "+xpath, chromedp.Text(xpath, &s, chromedp.BySearch))
	return s
}

// browserSignIn signs a demo account in and waits for its home page.
func browserSignIn(t *testing.T, ctx context.Context, base, username string) {
	t.Helper()
	run(t, ctx, "sign in as "+username,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(`#f-login`, chromedp.ByQuery),
		chromedp.SendKeys(`#f-login`, username, chromedp.ByQuery),
		chromedp.SendKeys(`#f-password`, demo.Password, chromedp.ByQuery),
		chromedp.Submit(`#f-password`, chromedp.ByQuery),
		chromedp.WaitVisible(`.workspace`, chromedp.ByQuery),
	)
}

// browserSignOut signs out with the header's button and waits for the sign-in form.
func browserSignOut(t *testing.T, ctx context.Context) {
	t.Helper()
	run(t, ctx, "sign out",
		chromedp.Click(`form[action="/logout"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`#f-login`, chromedp.ByQuery),
	)
}

// browserDownload is a download the browser began: its id (the file's name in the
// download folder) and the name the server suggested.
type browserDownload struct{ guid, name string }

// waitForDownload waits, at most limit, for the browser to report a download begun
// and completed, and for its file to be in dir, whole; it returns the file's path and
// the name the server suggested.
func waitForDownload(t *testing.T, dir string, began <-chan browserDownload, done <-chan string, limit time.Duration) (string, string) {
	t.Helper()
	deadline := time.After(limit)
	var d browserDownload
	select {
	case d = <-began:
	case <-deadline:
		t.Fatalf("no download began within %v", limit)
	}
	completed := false
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case g := <-done:
			completed = completed || g == d.guid
		case <-tick.C:
		case <-deadline:
			entries, _ := os.ReadDir(dir)
			t.Fatalf("the download %s (%s) did not finish within %v; the folder holds %v", d.name, d.guid, limit, entries)
		}
		if !completed {
			continue
		}
		// Completed is reported once the file is renamed into place; poll for it.
		path := filepath.Join(dir, d.guid)
		if st, err := os.Stat(path); err == nil && st.Size() > 0 {
			return path, d.name
		}
	}
}

// checkSummarySheet opens the downloaded workbook and checks its title row, its
// header row and every data row against the database: the program's applications
// other than drafts, by id; and the walk's application in full.
func checkSummarySheet(t *testing.T, app *testApp, file string, programID int64, programTitle string, appID int64, title, leader, phone string) {
	t.Helper()
	f, err := excelize.OpenFile(file)
	if err != nil {
		t.Fatalf("open the summary sheet: %v", err)
	}
	defer f.Close()
	sheet := i18n.T(i18n.ZH, "export.sheet")
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatalf("read the sheet %q: %v (sheets %v)", sheet, err, f.GetSheetList())
	}
	if len(rows) < 2 || len(rows[0]) == 0 || rows[0][0] != programTitle+"项目申报汇总表" {
		t.Fatalf("the title row is %q", rows[:min(len(rows), 1)])
	}
	header := []string{"序号", "单位", "所属学院", "项目名称", "赛道", "主题", "负责人", "职务", "联系电话", "政治面貌",
		"团员总数", "28岁以下青年数", "团青比例", "团干部数", "经费预算（元）", "状态", "提交时间"}
	if strings.Join(rows[1], "|") != strings.Join(header, "|") {
		t.Fatalf("the header row is\n%q\nwant\n%q", rows[1], header)
	}

	type want struct {
		id              int64
		org, title      string
		status          string
		budget          int64
		leader, college string
	}
	dbRows, err := app.store.Pool().Query(context.Background(), `SELECT a.id, o.name, a.title, a.status, a.budget_cents, a.leader_name
		FROM applications a JOIN orgs o ON o.id = a.org_id WHERE a.program_id = $1 AND a.status <> 'draft' ORDER BY a.id`, programID)
	if err != nil {
		t.Fatal(err)
	}
	var wants []want
	for dbRows.Next() {
		var w want
		if err := dbRows.Scan(&w.id, &w.org, &w.title, &w.status, &w.budget, &w.leader); err != nil {
			t.Fatal(err)
		}
		wants = append(wants, w)
	}
	if err := dbRows.Err(); err != nil {
		t.Fatal(err)
	}
	// The demo's submitted 一团一品 application and this one; the demo draft is not listed.
	if len(wants) != 2 {
		t.Fatalf("the database holds %d applications other than drafts, want 2: %+v", len(wants), wants)
	}
	data := rows[2:]
	if len(data) != len(wants) {
		t.Fatalf("the sheet has %d data rows, the database %d:\n%q", len(data), len(wants), data)
	}
	mine := false
	for i, w := range wants {
		r := append(data[i], make([]string, len(header))...)[:len(header)]
		if r[0] != strconv.Itoa(i+1) || r[1] != w.org || r[3] != w.title {
			t.Errorf("row %d reads no. %q, %q, %q; want %d, %q, %q", i+3, r[0], r[1], r[3], i+1, w.org, w.title)
		}
		if r[15] != i18n.T(i18n.ZH, "app.st."+w.status) {
			t.Errorf("row %d's status is %q, the database says %s", i+3, r[15], w.status)
		}
		if yuan, err := strconv.ParseFloat(r[14], 64); err != nil || int64(yuan*100+0.5) != w.budget {
			t.Errorf("row %d's budget is %q, the database says %d fen", i+3, r[14], w.budget)
		}
		if r[16] == "" {
			t.Errorf("row %d has no submission time", i+3)
		}
		if w.id != appID {
			continue
		}
		mine = true
		got := []string{r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[14], r[15]}
		exp := []string{"经济管理学院团总支", "经济管理学院", title, "团总支品牌项目", "志愿服务类", leader, "团总支副书记", phone, "中共预备党员", "1900", "已提交"}
		if strings.Join(got, "|") != strings.Join(exp, "|") {
			t.Errorf("her row reads\n%q\nwant\n%q", got, exp)
		}
	}
	if !mine {
		t.Errorf("her application %d is not in the sheet", appID)
	}
}

// TestBrowserAppsRowErrorBesideItsRow: an amount refused by the content rules in a
// budget row below blank ones is reported beside that row, not beside a blank one,
// and the refused form does not grow blank rows.
func TestBrowserAppsRowErrorBesideItsRow(t *testing.T) {
	app := newTestApp(t)
	ctx := newBrowser(t)
	var id int64
	if err := app.store.Pool().QueryRow(context.Background(),
		`SELECT id FROM applications WHERE title = '“书香经管”读书会' AND status = 'draft'`).Scan(&id); err != nil {
		t.Fatalf("the demo draft: %v", err)
	}
	browserSignIn(t, ctx, app.srv.URL, "secretary")
	run(t, ctx, "type a too large amount in the third budget row",
		chromedp.Navigate(app.srv.URL+"/applications/"+strconv.FormatInt(id, 10)+"/edit"),
		chromedp.WaitVisible(`[name="budget_item_2"]`, chromedp.ByQuery),
		chromedp.SendKeys(`[name="budget_item_2"]`, "场地租用", chromedp.ByQuery),
		chromedp.SendKeys(`[name="budget_amount_2"]`, "20000000", chromedp.ByQuery),
		chromedp.Click(`form[action$="/edit"] .form-actions button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.field-error`, chromedp.ByQuery),
	)
	screenshot(t, ctx, "apps-row-error")
	var msg, item string
	var rows int
	run(t, ctx, "read the row of the error",
		chromedp.Text(`//tr[.//p[contains(@class,"field-error")]]`, &msg, chromedp.BySearch),
		chromedp.Value(`//tr[.//p[contains(@class,"field-error")]]//input[starts-with(@name,"budget_item_")]`, &item, chromedp.BySearch),
		chromedp.Evaluate(`document.querySelectorAll('input[name^="budget_item_"]').length`, &rows),
	)
	if item != "场地租用" || !strings.Contains(msg, i18n.T(i18n.ZH, "form.too_large")) {
		t.Fatalf("the error %q sits beside the row of %q, want 场地租用", msg, item)
	}
	if rows != 4 {
		t.Fatalf("the refused form shows %d budget rows, want the filled one and three blank", rows)
	}
}
