package server

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/campusorg/portal/internal/portal"
)

// TestBrowserReviewsBenchmarkRound walks a review round of the open 对标争先 call in a
// real browser, from opening it to its 公示. Three 样板支部 applications are
// submitted first, through the store (newBenchmarkFixture). Then zuzhibu opens an
// approval round over the track with a three-line rubric, assigns the reviewers
// automatically and starts scoring; reviewer1..3 each score the three sheets
// (reviewer1 first types a score above the maximum: the browser refuses it, and so
// does the server where the browser does not check); zuzhibu closes scoring, finds
// the ranking in the order of the scores, records the decision the form proposes
// within the quota (lowered to 2) and publishes; the 公示 lists the two selected
// units and not the third, for the manager and for an applicant.
func TestBrowserReviewsBenchmarkRound(t *testing.T) {
	app := newTestApp(t)
	fx := newBenchmarkFixture(t, app)
	ctx := newBrowser(t)
	base := app.srv.URL
	db, bg := app.store.Pool(), context.Background()
	const roundTitle = "2026年样板支部立项评审"

	// Every confirmation is answered yes, and its question kept.
	var dialogs struct {
		sync.Mutex
		asked []string
	}
	chromedp.ListenTarget(ctx, func(ev any) {
		if e, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			dialogs.Lock()
			dialogs.asked = append(dialogs.asked, e.Message)
			dialogs.Unlock()
			go func() { _ = chromedp.Run(ctx, page.HandleJavaScriptDialog(true)) }()
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

	// 1. zuzhibu opens the round over the 样板支部 track.
	browserSignIn(t, ctx, base, "zuzhibu")
	newURL := base + "/programs/" + strconv.FormatInt(fx.program, 10) + "/rounds/new"
	run(t, ctx, "open the round form", chromedp.Navigate(newURL), chromedp.WaitVisible(`#f-title`, chromedp.ByQuery))
	var tracks []struct {
		Value   string `json:"value"`
		Checked bool   `json:"checked"`
	}
	run(t, ctx, "read the tracks offered", chromedp.Evaluate(`Array.from(document.querySelectorAll('input[name="tracks"]')).map(c => ({value: c.value, checked: c.checked}))`, &tracks))
	if len(tracks) != 4 {
		t.Fatalf("the form offers %d tracks, want the call's 4: %+v", len(tracks), tracks)
	}
	mine := strconv.FormatInt(fx.track, 10)
	var untick []chromedp.Action
	for _, tr := range tracks {
		if !tr.Checked {
			t.Fatalf("track %s is not proposed: %+v", tr.Value, tracks)
		}
		if tr.Value != mine {
			untick = append(untick, chromedp.Click(`input[name="tracks"][value="`+tr.Value+`"]`, chromedp.ByQuery))
		}
	}
	run(t, ctx, "keep only the 样板支部 track", untick...)
	row := func(i int, name, max string) chromedp.Tasks {
		n := strconv.Itoa(i)
		return chromedp.Tasks{
			chromedp.SendKeys(`input[name="cname_`+n+`"]`, name, chromedp.ByQuery),
			chromedp.SendKeys(`input[name="cmax_`+n+`"]`, max, chromedp.ByQuery),
		}
	}
	run(t, ctx, "fill the round form",
		chromedp.SetValue(`#f-title`, roundTitle, chromedp.ByQuery),
		chromedp.SetValue(`#f-stage`, "approval", chromedp.ByQuery),
		chromedp.SetValue(`#f-starts_on`, "2026-12-21", chromedp.ByQuery),
		chromedp.SetValue(`#f-ends_on`, "2027-01-15", chromedp.ByQuery),
		chromedp.SetValue(`#f-per_item`, "3", chromedp.ByQuery),
		row(0, "支部建设", "40"), row(1, "作用发挥", "40"), row(2, "特色亮点", "20"),
	)
	screenshot(t, ctx, "reviews-01-round-form")
	var roundURL string
	run(t, ctx, "create the round",
		clickToNextPage(`form[action$="/rounds"] .form-actions button[type=submit]`, chromedp.ByQuery, `.flash-success`),
		chromedp.Location(&roundURL),
	)
	screenshot(t, ctx, "reviews-02-round-created")
	round, err := strconv.ParseInt(roundURL[strings.LastIndex(roundURL, "/")+1:], 10, 64)
	if err != nil || !strings.HasPrefix(roundURL, base+"/rounds/") {
		t.Fatalf("after creating, the browser is at %s", roundURL)
	}
	if got := textOf(t, ctx, "h1"); got != roundTitle {
		t.Fatalf("the round page is titled %q", got)
	}
	var rubric portal.Rubric
	var stage string
	var perItem, tracksIn int
	if err := db.QueryRow(bg, `SELECT stage, reviewers_per_item, rubric, (SELECT count(*) FROM round_tracks WHERE round_id = r.id)
		FROM review_rounds r WHERE id = $1`, round).Scan(&stage, &perItem, &rubric, &tracksIn); err != nil {
		t.Fatal(err)
	}
	var criteria []string
	for _, c := range rubric.Criteria {
		criteria = append(criteria, fmt.Sprintf("%s %s %g", c.Key, c.Name, c.Max))
	}
	if strings.Join(criteria, "|") != "c1 支部建设 40|c2 作用发挥 40|c3 特色亮点 20" {
		t.Errorf("the stored rubric reads %q", criteria)
	}
	if stage != "approval" || perItem != 3 || tracksIn != 1 {
		t.Fatalf("the round is stored as stage %s, %d per item, %d tracks", stage, perItem, tracksIn)
	}
	items := xpathText(t, ctx, `//section[h2[normalize-space()="`+rvZH("review.items")+`"]]`)
	for _, code := range benchmarkOrgs {
		if !strings.Contains(items, fx.titles[code]) || !strings.Contains(items, fx.orgNames[code]) {
			t.Errorf("the round does not list %s (%s):\n%s", fx.titles[code], fx.orgNames[code], items)
		}
	}

	run(t, ctx, "assign automatically",
		clickToNextPage(`form[action$="/assign"] button`, chromedp.ByQuery, `.flash-success`),
	)
	if got := textOf(t, ctx, ".flash-success"); !strings.Contains(got, rvZH("review.assigned_ok")) {
		t.Fatalf("after assigning, the page says %q", got)
	}
	var sheets int
	if err := db.QueryRow(bg, `SELECT count(*) FROM review_assignments WHERE round_id = $1`, round).Scan(&sheets); err != nil || sheets != 9 {
		t.Fatalf("%d sheets assigned (%v), want 3 reviewers × 3 items", sheets, err)
	}
	run(t, ctx, "start scoring",
		clickToNextPage(`form[action$="/status"] button`, chromedp.ByQuery, `.flash-success`),
	)
	if got := lastDialog(); got != rvZH("round.move_confirm.scoring") {
		t.Fatalf("starting scoring asked %q", got)
	}
	screenshot(t, ctx, "reviews-03-scoring")
	if got := textOf(t, ctx, ".toolbar h2 .badge"); !strings.Contains(got, rvZH("round.st.scoring")) {
		t.Fatalf("after starting, the status reads %q", got)
	}
	browserSignOut(t, ctx)

	// 2. Each reviewer scores the three sheets. Totals (40 + 40 + 20):
	//   会计 92, 90, 94 → mean 92, rank 1
	//   经管 85, 88, 82 → mean 85, rank 2 (33.3 + 32.7 + 16: one decimal is allowed)
	//   建工 70, 75, 72 → mean 72.33, rank 3
	scores := map[string]map[string][3]string{
		"reviewer1": {"acct-pb-t1": {"37", "37", "18"}, "econ-pb-t1": {"34", "35", "16"}, "civil-pb-t1": {"28", "28", "14"}},
		"reviewer2": {"acct-pb-t1": {"36", "36", "18"}, "econ-pb-t1": {"35", "36", "17"}, "civil-pb-t1": {"30", "30", "15"}},
		"reviewer3": {"acct-pb-t1": {"38", "37", "19"}, "econ-pb-t1": {"33.3", "32.7", "16"}, "civil-pb-t1": {"36.5", "21.5", "14"}},
	}
	byTitle := map[string]string{}
	for code, title := range fx.titles {
		byTitle[title] = code
	}
	for _, reviewer := range []string{"reviewer1", "reviewer2", "reviewer3"} {
		browserSignIn(t, ctx, base, reviewer)
		var links []struct {
			Href  string `json:"href"`
			Title string `json:"title"`
		}
		run(t, ctx, reviewer+" opens her reviews",
			chromedp.Navigate(base+"/reviews"),
			chromedp.WaitVisible(`table.data`, chromedp.ByQuery),
			chromedp.Evaluate(`Array.from(document.querySelectorAll('table.data tbody tr'))
				.filter(r => r.cells[2].textContent.trim() === `+strconv.Quote(roundTitle)+`)
				.map(r => ({href: r.cells[0].querySelector('a').getAttribute('href'), title: r.cells[1].textContent.trim()}))`, &links),
		)
		if reviewer == "reviewer1" {
			screenshot(t, ctx, "reviews-04-my-reviews")
		}
		if len(links) != 3 {
			t.Fatalf("%s's list shows %d sheets of the round, want 3: %+v", reviewer, len(links), links)
		}
		for i, l := range links {
			code, ok := byTitle[l.Title]
			if !ok {
				t.Fatalf("%s's list shows %q", reviewer, l.Title)
			}
			sc := scores[reviewer][code]
			step := fmt.Sprintf("%s scores %s", reviewer, code)
			run(t, ctx, step+": open the sheet",
				chromedp.Navigate(base+l.Href),
				chromedp.WaitVisible(`#f-score_c1`, chromedp.ByQuery),
			)
			if got := textOf(t, ctx, "h1"); !strings.Contains(got, l.Title) {
				t.Fatalf("%s: the sheet is titled %q", step, got)
			}
			if reviewer == "reviewer1" && i == 0 {
				overMax(t, ctx, app, l.Href, sc)
			}
			run(t, ctx, step,
				chromedp.SetValue(`#f-score_c1`, "", chromedp.ByQuery),
				chromedp.SendKeys(`#f-score_c1`, sc[0], chromedp.ByQuery),
				chromedp.SendKeys(`#f-score_c2`, sc[1], chromedp.ByQuery),
				chromedp.SendKeys(`#f-score_c3`, sc[2], chromedp.ByQuery),
				chromedp.SetValue(`#f-recommendation`, "approve", chromedp.ByQuery),
				chromedp.SendKeys(`#f-overall`, "支部基础扎实，特色较鲜明。", chromedp.ByQuery),
			)
			if reviewer == "reviewer2" && i == 0 {
				screenshot(t, ctx, "reviews-06-sheet-filled")
			}
			run(t, ctx, step+": submit",
				clickToNextPage(`button[name="submit"][value="1"]`, chromedp.ByQuery, `.flash-success`),
			)
			if got := lastDialog(); got != rvZH("review.submit_confirm") {
				t.Fatalf("%s: submitting asked %q", step, got)
			}
			if got := textOf(t, ctx, ".flash-info"); !strings.Contains(got, rvZH("review.sheet_submitted")) {
				t.Fatalf("%s: after submitting, the sheet says %q", step, got)
			}
			var left int
			run(t, ctx, step+": no more buttons", chromedp.Evaluate(`document.querySelectorAll('button[name="submit"]').length`, &left))
			if left != 0 {
				t.Fatalf("%s: a submitted sheet still offers to submit", step)
			}
		}
		var statuses []string
		run(t, ctx, reviewer+" sees all three submitted",
			chromedp.Navigate(base+"/reviews"),
			chromedp.WaitVisible(`table.data`, chromedp.ByQuery),
			chromedp.Evaluate(`Array.from(document.querySelectorAll('table.data tbody tr'))
				.filter(r => r.cells[2].textContent.trim() === `+strconv.Quote(roundTitle)+`).map(r => r.cells[3].textContent.trim())`, &statuses),
		)
		if strings.Join(statuses, "|") != strings.Repeat(rvZH("sheet.st.submitted")+"|", 2)+rvZH("sheet.st.submitted") {
			t.Fatalf("%s's sheets read %q", reviewer, statuses)
		}
		browserSignOut(t, ctx)
	}
	// The database holds what was typed.
	for reviewer, byCode := range scores {
		for code, sc := range byCode {
			s := fx.sheetOf(t, app, round, reviewer, code)
			want := fmt.Sprintf(`{"c1": %s, "c2": %s, "c3": %s}`, sc[0], sc[1], sc[2])
			if s.status != "submitted" || s.scores != want {
				t.Errorf("%s's sheet on %s is %s %s, want submitted %s", reviewer, code, s.status, s.scores, want)
			}
		}
	}

	// 3. zuzhibu closes scoring; the quota is lowered to 2 for the decision.
	browserSignIn(t, ctx, base, "zuzhibu")
	run(t, ctx, "close scoring",
		chromedp.Navigate(roundURL),
		chromedp.WaitVisible(`form[action$="/status"] button`, chromedp.ByQuery),
		clickToNextPage(`form[action$="/status"] button`, chromedp.ByQuery, `.flash-success`),
	)
	if got := lastDialog(); got != rvZH("round.move_confirm.deciding") {
		t.Fatalf("closing scoring asked %q", got)
	}
	if got := textOf(t, ctx, ".toolbar h2 .badge"); !strings.Contains(got, rvZH("round.st.deciding")) {
		t.Fatalf("after closing, the status reads %q", got)
	}
	if _, err := db.Exec(bg, `UPDATE tracks SET quota = 2 WHERE id = $1`, fx.track); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, "open the results",
		chromedp.Navigate(roundURL+"/results"),
		chromedp.WaitVisible(`form[action$="/decide"]`, chromedp.ByQuery),
	)
	screenshot(t, ctx, "reviews-07-results")
	type resultRow struct {
		Rank    string `json:"rank"`
		Title   string `json:"title"`
		Org     string `json:"org"`
		Count   string `json:"count"`
		Mean    string `json:"mean"`
		Ticked  bool   `json:"ticked"`
		Outside bool   `json:"outside"`
	}
	var ranking []resultRow
	run(t, ctx, "read the ranking", chromedp.Evaluate(`Array.from(document.querySelectorAll('form[action$="/decide"] tbody tr')).map(r => ({
		rank: r.cells[0].textContent.trim(), title: r.cells[2].textContent.trim(), org: r.cells[3].textContent.trim(),
		count: r.cells[4].textContent.trim(), mean: r.cells[5].textContent.trim(),
		ticked: !!(r.querySelector('input[name="selected"]') || {}).checked, outside: r.classList.contains('muted')}))`, &ranking))
	want := []resultRow{
		{"1", fx.titles["acct-pb-t1"], fx.orgNames["acct-pb-t1"], "3", "92", true, false},
		{"2", fx.titles["econ-pb-t1"], fx.orgNames["econ-pb-t1"], "3", "85", true, false},
		{"3", fx.titles["civil-pb-t1"], fx.orgNames["civil-pb-t1"], "3", "72.33", false, true},
	}
	if fmt.Sprint(ranking) != fmt.Sprint(want) {
		t.Fatalf("the ranking reads\n%+v\nwant\n%+v", ranking, want)
	}
	if got := xpathText(t, ctx, `//section[h2[normalize-space()="`+fx.trackName+`"]]/p[contains(@class,"meta")]`); got != rvZH("review.quota", 2) {
		t.Fatalf("the track's quota reads %q, want %q", got, rvZH("review.quota", 2))
	}
	run(t, ctx, "record the proposed decision",
		clickToNextPage(`form[action$="/decide"] .form-actions button[type=submit]`, chromedp.ByQuery, `.flash-success`),
	)
	screenshot(t, ctx, "reviews-08-decided")
	if got := textOf(t, ctx, ".flash-success"); !strings.Contains(got, rvZH("review.decided")) {
		t.Fatalf("after deciding, the page says %q", got)
	}
	outcomes := map[string]string{}
	for _, code := range benchmarkOrgs {
		var o string
		if err := db.QueryRow(bg, `SELECT outcome FROM round_decisions WHERE round_id = $1 AND item_id = $2`, round, fx.itemOf(t, app, round, code)).Scan(&o); err != nil {
			t.Fatalf("the decision on %s: %v", code, err)
		}
		outcomes[code] = o
	}
	if fmt.Sprint(outcomes) != "map[acct-pb-t1:approved civil-pb-t1:rejected econ-pb-t1:approved]" {
		t.Fatalf("the decisions recorded: %v", outcomes)
	}

	publish := `//form[contains(@action,"/status")][input[@name="status"][@value="published"]]//button`
	run(t, ctx, "publish",
		chromedp.Navigate(roundURL),
		chromedp.WaitVisible(publish, chromedp.BySearch),
		clickToNextPage(publish, chromedp.BySearch, `.flash-success`),
	)
	if got := lastDialog(); got != rvZH("round.move_confirm.published") {
		t.Fatalf("publishing asked %q", got)
	}
	if got := textOf(t, ctx, ".toolbar h2 .badge"); !strings.Contains(got, rvZH("round.st.published")) {
		t.Fatalf("after publishing, the status reads %q", got)
	}

	// 4. The 公示 lists the two selected, not the third: for the manager, and for
	// the secretary of a branch that applied.
	checkPublication := func(who string) {
		t.Helper()
		run(t, ctx, who+" opens the publication",
			chromedp.Navigate(base+"/rounds/"+strconv.FormatInt(round, 10)+"/publication"),
			chromedp.WaitVisible(`table.publication`, chromedp.ByQuery),
		)
		screenshot(t, ctx, "reviews-09-publication-"+who)
		if got := textOf(t, ctx, "h1"); got != rvZH("review.publication_title", fx.programTitle) {
			t.Errorf("%s: the publication is titled %q", who, got)
		}
		var rows [][]string
		run(t, ctx, who+" reads the publication", chromedp.Evaluate(`Array.from(document.querySelectorAll('table.publication tbody tr'))
			.map(r => Array.from(r.cells).map(c => c.textContent.trim()))`, &rows))
		wantRows := [][]string{
			{"1", fx.trackName, fx.orgNames["acct-pb-t1"], fx.titles["acct-pb-t1"], rvZH("review.outcome.approved")},
			{"2", fx.trackName, fx.orgNames["econ-pb-t1"], fx.titles["econ-pb-t1"], rvZH("review.outcome.approved")},
		}
		if fmt.Sprint(rows) != fmt.Sprint(wantRows) {
			t.Errorf("%s: the publication lists\n%q\nwant\n%q", who, rows, wantRows)
		}
		page := textOf(t, ctx, "main")
		if strings.Contains(page, fx.titles["civil-pb-t1"]) || strings.Contains(page, fx.orgNames["civil-pb-t1"]) {
			t.Errorf("%s: the publication shows the rejected %s:\n%s", who, fx.orgNames["civil-pb-t1"], page)
		}
	}
	checkPublication("zuzhibu")
	browserSignOut(t, ctx)
	browserSignIn(t, ctx, base, "branchsec")
	checkPublication("branchsec")
}

// overMax has reviewer1 type a score above the criterion's maximum on the sheet at
// href, with the other fields filled. The browser refuses to send it (the input's
// max); with the browser's check switched off, as where it is not done, the server
// refuses it beside the field, with everything typed kept. The sheet is untouched.
func overMax(t *testing.T, ctx context.Context, app *testApp, href string, sc [3]string) {
	t.Helper()
	id, _ := strconv.ParseInt(href[strings.LastIndex(href, "/")+1:], 10, 64)
	before := sheetRow{id: id}.reread(t, app)
	run(t, ctx, "type 45 of 40",
		chromedp.SendKeys(`#f-score_c1`, "45", chromedp.ByQuery),
		chromedp.SendKeys(`#f-score_c2`, sc[1], chromedp.ByQuery),
		chromedp.SendKeys(`#f-score_c3`, sc[2], chromedp.ByQuery),
		chromedp.SetValue(`#f-recommendation`, "approve", chromedp.ByQuery),
		chromedp.Click(`button[name="submit"][value="1"]`, chromedp.ByQuery),
	)
	var overflow bool
	var message, at string
	run(t, ctx, "the browser refuses it",
		chromedp.Sleep(300*time.Millisecond),
		chromedp.Evaluate(`document.querySelector('#f-score_c1').validity.rangeOverflow`, &overflow),
		chromedp.Evaluate(`document.querySelector('#f-score_c1').validationMessage`, &message),
		chromedp.Location(&at),
	)
	screenshot(t, ctx, "reviews-05a-over-max-browser")
	if !overflow || message == "" || !strings.HasSuffix(at, href) {
		t.Fatalf("the browser let 45 of 40 through: overflow %v, message %q, now at %s", overflow, message, at)
	}
	run(t, ctx, "send it without the browser's check",
		chromedp.Evaluate(`document.querySelector('form[action="`+href+`"]').noValidate = true`, nil),
		chromedp.Click(`button[name="submit"][value="1"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#e-score_c1`, chromedp.ByQuery),
	)
	screenshot(t, ctx, "reviews-05b-over-max-server")
	if got := textOf(t, ctx, "#e-score_c1"); got != rvZH("review.score_over_max") {
		t.Fatalf("the error beside the score reads %q", got)
	}
	var kept [3]string
	var rec string
	run(t, ctx, "read what is kept",
		chromedp.Value(`#f-score_c1`, &kept[0], chromedp.ByQuery),
		chromedp.Value(`#f-score_c2`, &kept[1], chromedp.ByQuery),
		chromedp.Value(`#f-score_c3`, &kept[2], chromedp.ByQuery),
		chromedp.Value(`#f-recommendation`, &rec, chromedp.ByQuery),
	)
	if kept != [3]string{"45", sc[1], sc[2]} || rec != "approve" {
		t.Fatalf("after the refusal the form shows %q and %q", kept, rec)
	}
	if now := before.reread(t, app); now != before {
		t.Fatalf("the refused sheet changed: %+v, was %+v", now, before)
	}
	// She corrects it; the other scores are typed again by the caller.
	run(t, ctx, "clear the kept scores", chromedp.Evaluate(`["#f-score_c2", "#f-score_c3", "#f-overall"].forEach(s => document.querySelector(s).value = "")`, nil))
}

// clickToNextPage clicks sel (found by by) and waits for the page it leads to to show
// wait: the page clicked on is marked first, so that what it shows itself (an earlier
// flash message) is not taken for the next page's.
func clickToNextPage(sel string, by chromedp.QueryOption, wait string) chromedp.Tasks {
	return chromedp.Tasks{
		chromedp.Evaluate(`document.documentElement.dataset.left = "1"`, nil),
		chromedp.Click(sel, by),
		chromedp.WaitVisible(`html:not([data-left]) `+wait, chromedp.ByQuery),
	}
}
