package server

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/campusorg/portal/internal/i18n"
)

// TestBrowserJiaoyuluLedgerSupervisionAndDashboard walks issue 5 in a real browser
// on the running 焦裕禄班 second batch: the counselor opens her workbench, logs two
// entries for 机械2301班 from it today (a date before the cycle is refused first,
// with what she typed kept); the supervisor verifies one from his queue and
// returns the other with a comment; the class secretary completes the overdue
// essay milestone with a PDF as evidence; the program's manager finds the class
// in the dashboard's compliance heat map, this month's cell counting the verified
// entry and not the returned one.
func TestBrowserJiaoyuluLedgerSupervisionAndDashboard(t *testing.T) {
	app := newTestApp(t)
	ctx := newBrowser(t)
	base := app.srv.URL
	db, bg := app.store.Pool(), context.Background()
	zh := func(key string, args ...any) string { return i18n.T(i18n.ZH, key, args...) }
	ids := app.projectIDs(t)
	projectPath := "/projects/" + ids["project"]
	// The second batch moves with the day the demo is seeded: its dates come from
	// the project.
	var starts time.Time
	if err := db.QueryRow(bg, `SELECT starts_on FROM projects WHERE id = $1`, ids["project"]).Scan(&starts); err != nil {
		t.Fatal(err)
	}
	today := time.Now().In(i18n.Zone)
	todayStr, beforeCycle := today.Format("2006-01-02"), starts.AddDate(0, 0, -14).Format("2006-01-02")
	monthStart := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, time.UTC)
	// thisMonth counts 机械2301班's entries of this month that count for the cadence.
	thisMonth := func() int {
		var n int
		if err := db.QueryRow(bg, `SELECT count(*) FROM ledger_entries WHERE project_id = $1 AND replaced_by IS NULL AND status <> 'returned'
			AND on_date >= $2 AND on_date < $3`, ids["project"], monthStart, monthStart.AddDate(0, 1, 0)).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	seeded := thisMonth()

	// The counselor logs two entries for 机械2301班 from her workbench.
	browserSignIn(t, ctx, base, "counselor")
	run(t, ctx, "open the workbench",
		chromedp.Navigate(base+"/workbench"),
		chromedp.WaitVisible(`#classes tr[data-project="`+ids["project"]+`"]`, chromedp.ByQuery),
	)
	if got := textOf(t, ctx, `#classes`); !strings.Contains(got, "机械2301班") || !strings.Contains(got, "电气2301班") ||
		!strings.Contains(got, zh("missing.returned", 1)) {
		t.Fatalf("the workbench shows %q", got)
	}
	screenshot(t, ctx, "projects-workbench-counselor")
	run(t, ctx, "open the quick ledger form",
		chromedp.Click(`#classes tr[data-project="`+ids["project"]+`"] a.btn`, chromedp.ByQuery),
		chromedp.WaitVisible(`#f-title`, chromedp.ByQuery),
	)
	var day string
	run(t, ctx, "the date defaults to the cycle's last day", chromedp.Value(`#f-on`, &day, chromedp.ByQuery))
	if day != todayStr {
		t.Fatalf("the date defaults to %q, want today %s", day, todayStr)
	}
	run(t, ctx, "an entry before the cycle is refused",
		chromedp.SetValue(`#f-on`, beforeCycle, chromedp.ByQuery),
		chromedp.SetValue(`#f-kind`, "activity", chromedp.ByQuery),
		chromedp.SendKeys(`#f-title`, "冬季长跑打卡", chromedp.ByQuery),
		chromedp.SetValue(`#f-participants`, "38", chromedp.ByQuery),
		chromedp.Submit(`#f-title`, chromedp.ByQuery),
		chromedp.WaitVisible(`#e-on`, chromedp.ByQuery),
	)
	if got := textOf(t, ctx, `#e-on`); got != zh("ledger.date_outside_cycle") {
		t.Fatalf("the date error reads %q", got)
	}
	var kept string
	run(t, ctx, "the title is kept", chromedp.Value(`#f-title`, &kept, chromedp.ByQuery))
	if kept != "冬季长跑打卡" {
		t.Fatalf("the title typed was not kept: %q", kept)
	}
	run(t, ctx, "correct the date, save and add another",
		chromedp.SetValue(`#f-on`, todayStr, chromedp.ByQuery),
		chromedp.Click(`button[name="again"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash-success`, chromedp.ByQuery),
		chromedp.WaitVisible(`#f-title`, chromedp.ByQuery),
	)
	var kind string
	run(t, ctx, "the kind defaults to the last used", chromedp.Value(`#f-kind`, &kind, chromedp.ByQuery))
	if kind != "activity" {
		t.Fatalf("the kind defaults to %q, want the last used (activity)", kind)
	}
	run(t, ctx, "log a publicity entry with its link",
		chromedp.SetValue(`#f-on`, todayStr, chromedp.ByQuery),
		chromedp.SetValue(`#f-kind`, "publicity", chromedp.ByQuery),
		chromedp.SendKeys(`#f-title`, "公众号报道冬季长跑", chromedp.ByQuery),
		chromedp.SendKeys(`#f-link`, "https://mp.weixin.qq.com/s/winter-run", chromedp.ByQuery),
		chromedp.Click(`#ledger-form button.btn-primary`, chromedp.ByQuery),
		chromedp.WaitVisible(`#ledger-table`, chromedp.ByQuery),
	)
	if got := textOf(t, ctx, `#ledger-table`); !strings.Contains(got, "冬季长跑打卡") || !strings.Contains(got, "公众号报道冬季长跑") {
		t.Fatalf("the ledger shows %q", got)
	}
	var runID, reportID int64
	if err := db.QueryRow(bg, `SELECT (SELECT id FROM ledger_entries WHERE title = '冬季长跑打卡'), (SELECT id FROM ledger_entries WHERE title = '公众号报道冬季长跑')`).Scan(&runID, &reportID); err != nil {
		t.Fatal(err)
	}
	browserSignOut(t, ctx)

	// The supervisor verifies one and returns the other with a comment.
	browserSignIn(t, ctx, base, "supervisor")
	run(t, ctx, "open the verification queue",
		chromedp.Navigate(base+"/workbench"),
		chromedp.WaitVisible(`#waiting a[href="/ledger/`+fmt.Sprint(runID)+`"]`, chromedp.ByQuery),
	)
	screenshot(t, ctx, "projects-workbench-supervisor")
	run(t, ctx, "verify the first",
		chromedp.Click(`#waiting a[href="/ledger/`+fmt.Sprint(runID)+`"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#review-form`, chromedp.ByQuery),
		chromedp.Click(`#review-form button[value="verify"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash-success`, chromedp.ByQuery),
	)
	if got := textOf(t, ctx, `#entry-status`); got != zh("ledger.st.verified") {
		t.Fatalf("after verifying, the status reads %q", got)
	}
	run(t, ctx, "returning without a comment is refused",
		chromedp.Navigate(base+"/ledger/"+fmt.Sprint(reportID)),
		chromedp.WaitVisible(`#review-form`, chromedp.ByQuery),
		chromedp.Click(`#review-form button[value="return"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#e-note`, chromedp.ByQuery),
	)
	run(t, ctx, "return the second with a comment",
		chromedp.SendKeys(`#f-note`, "请补充报道截图", chromedp.ByQuery),
		chromedp.Click(`#review-form button[value="return"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash-success`, chromedp.ByQuery),
	)
	if got := textOf(t, ctx, `#entry-status`); got != zh("ledger.st.returned") {
		t.Fatalf("after returning, the status reads %q", got)
	}
	browserSignOut(t, ctx)

	// The class secretary completes a milestone with a PDF as evidence.
	var milestoneID int64
	if err := db.QueryRow(bg, `SELECT id FROM milestones WHERE project_id = $1 AND title = '一次焦裕禄精神主题征文'`, ids["project"]).Scan(&milestoneID); err != nil {
		t.Fatal(err)
	}
	pdf := filepath.Join(t.TempDir(), "征文获奖名单.pdf")
	if err := os.WriteFile(pdf, []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	form := fmt.Sprintf(`form[action="/milestones/%d"]`, milestoneID)
	browserSignIn(t, ctx, base, "classsec")
	run(t, ctx, "complete the overdue essay milestone with evidence",
		chromedp.Navigate(base+projectPath+"#milestones"),
		chromedp.WaitVisible(fmt.Sprintf(`#m%d`, milestoneID), chromedp.ByQuery),
		chromedp.Click(fmt.Sprintf(`#m%d + tr summary`, milestoneID), chromedp.ByQuery),
		chromedp.WaitVisible(form+` select[name="status"]`, chromedp.ByQuery),
		chromedp.SetValue(form+` select[name="status"]`, "done", chromedp.ByQuery),
		chromedp.SetValue(form+` input[name="completed_on"]`, todayStr, chromedp.ByQuery),
		chromedp.SetUploadFiles(form+` input[type="file"]`, []string{pdf}, chromedp.ByQuery),
		chromedp.Click(form+` button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash-success`, chromedp.ByQuery),
	)
	if got := textOf(t, ctx, fmt.Sprintf(`#m%d`, milestoneID)); !strings.Contains(got, zh("milestone.st.done")) || !strings.Contains(got, "征文获奖名单.pdf") {
		t.Fatalf("the milestone row shows %q", got)
	}
	screenshot(t, ctx, "projects-project")
	var evidence int
	if err := db.QueryRow(bg, `SELECT count(*) FROM evidence WHERE milestone_id = $1 AND kind = 'file'`, milestoneID).Scan(&evidence); err != nil || evidence != 1 {
		t.Fatalf("evidence stored: %d %v", evidence, err)
	}
	browserSignOut(t, ctx)

	// The program's manager sees the class's compliance on the dashboard.
	browserSignIn(t, ctx, base, "gongtuan")
	run(t, ctx, "open the dashboard",
		chromedp.Navigate(base+"/dashboard?program="+ids["jprogram"]),
		chromedp.WaitVisible(`#heat table`, chromedp.ByQuery),
	)
	screenshot(t, ctx, "projects-dashboard")
	heatRow := `//section[@id="heat"]//tr[th/a[normalize-space()="机械2301班"]]`
	// The heat map's columns are the cycle's months from its first: this month's
	// cell counts the verified run beside what was seeded for the month; the
	// returned publicity does not count.
	column := (today.Year()-starts.Year())*12 + int(today.Month()) - int(starts.Month()) + 1
	cell := xpathText(t, ctx, heatRow+fmt.Sprintf(`/td[%d]`, column))
	counted := thisMonth()
	if !strings.HasSuffix(strings.TrimSpace(cell), fmt.Sprint(counted)) || counted != seeded+1 {
		t.Fatalf("this month's cell of 机械2301班 reads %q; %d entries count, %d were seeded", cell, counted, seeded)
	}
	if got := xpathText(t, ctx, heatRow); !strings.Contains(got, "✗") {
		t.Fatalf("the summer gap of 机械2301班 is not shown as missed: %q", got)
	}
	if got := textOf(t, ctx, `#overdue`); !strings.Contains(got, "机械2301班") {
		t.Fatalf("the overdue list misses 机械2301班: %q", got)
	}
}
