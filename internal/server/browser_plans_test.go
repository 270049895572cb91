package server

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/campusorg/portal/internal/demo"
)

// signInBrowser signs a demo account in and waits for the home page.
func signInBrowser(t *testing.T, ctx context.Context, base, username string) {
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

// exists reports whether the page has an element matching sel.
func exists(t *testing.T, ctx context.Context, sel string) bool {
	t.Helper()
	var n int
	run(t, ctx, "count "+sel, chromedp.Evaluate(fmt.Sprintf(`document.querySelectorAll(%q).length`, sel), &n))
	return n > 0
}

// TestBrowserProgressUpdatesSupervision: 宁曦, responsible for task 5 of seed 001's
// plan (全年发布内容不少于200个), finds it behind in supervision, reports the posts
// reached, and supervision no longer lists it.
func TestBrowserProgressUpdatesSupervision(t *testing.T) {
	app := newTestApp(t)
	ids := app.planPlaceholders(t)
	ctx := newBrowser(t)
	base := app.srv.URL
	var target int64
	if err := app.store.Pool().QueryRow(context.Background(), ids.Replace(`SELECT id FROM plan_targets WHERE task_id = {ptask}`)).Scan(&target); err != nil {
		t.Fatal(err)
	}
	signInBrowser(t, ctx, base, "ningxi")

	run(t, ctx, "open supervision",
		chromedp.Navigate(base+ids.Replace("/plans/{plan}/supervision")),
		chromedp.WaitVisible(`#behind`, chromedp.ByQuery),
	)
	if !exists(t, ctx, "#behind-5") {
		t.Fatalf("task 5 is not behind before the report:\n%s", textOf(t, ctx, "#behind"))
	}
	before := textOf(t, ctx, "#behind-count")
	screenshot(t, ctx, "plan-supervision-before")

	value := fmt.Sprintf("#f-v%d", target)
	run(t, ctx, "report 200 posts on task 5",
		chromedp.Navigate(base+ids.Replace("/plans/{plan}/tasks/{ptask}")),
		chromedp.WaitVisible(value, chromedp.ByQuery),
		chromedp.SetValue(value, "200", chromedp.ByQuery),
		chromedp.SendKeys(`#f-note`, "11月推送合计", chromedp.ByQuery),
		chromedp.SendKeys(`#f-evidence`, "湖小职平台后台统计", chromedp.ByQuery),
		chromedp.Submit(value, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash-success`, chromedp.ByQuery),
	)
	if got := textOf(t, ctx, ".timeline li"); !strings.Contains(got, "宁曦") || !strings.Contains(got, "200") {
		t.Errorf("the newest report reads %q", got)
	}
	screenshot(t, ctx, "plan-task-after")

	run(t, ctx, "open supervision again",
		chromedp.Navigate(base+ids.Replace("/plans/{plan}/supervision")),
		chromedp.WaitVisible(`#behind`, chromedp.ByQuery),
	)
	if exists(t, ctx, "#behind-5") {
		t.Fatalf("task 5 is still behind after the report:\n%s", textOf(t, ctx, "#behind"))
	}
	if after := textOf(t, ctx, "#behind-count"); after == before {
		t.Errorf("the count of tasks behind stayed %s", after)
	}
	screenshot(t, ctx, "plan-supervision-after")
}

// TestBrowserAssessorMovesCoverage: the assessor scores 经济管理学院关工委 full marks
// and the round's coverage of "均衡发展" goes from 3 of 7 colleges to 4.
func TestBrowserAssessorMovesCoverage(t *testing.T) {
	app := newTestApp(t)
	ids := app.planPlaceholders(t)
	ctx := newBrowser(t)
	base := app.srv.URL
	rows, err := app.store.Pool().Query(context.Background(), ids.Replace(`SELECT i.id, i.max_score::text FROM indicators i
		WHERE i.system_id = {asystem} ORDER BY i.position`))
	if err != nil {
		t.Fatal(err)
	}
	var actions []chromedp.Action
	for rows.Next() {
		var id int64
		var max string
		if err := rows.Scan(&id, &max); err != nil {
			t.Fatal(err)
		}
		max = strings.TrimSuffix(strings.TrimSuffix(max, "0"), "0")
		max = strings.TrimSuffix(max, ".")
		actions = append(actions, chromedp.SetValue(fmt.Sprintf("#f-s%d", id), max, chromedp.ByQuery))
	}
	if len(actions) != 8 {
		t.Fatalf("%d indicators", len(actions))
	}
	signInBrowser(t, ctx, base, demo.Assessor)

	run(t, ctx, "open the round",
		chromedp.Navigate(base+ids.Replace("/assessments/rounds/{around}")),
		chromedp.WaitVisible(`#coverage`, chromedp.ByQuery),
	)
	if got := textOf(t, ctx, "#coverage"); got != "42.9%" {
		t.Fatalf("coverage before: %q", got)
	}
	screenshot(t, ctx, "assess-round-before")

	org := ids.Replace("/assessments/rounds/{around}/orgs/{aorg}")
	run(t, ctx, "score 经济管理学院关工委",
		append([]chromedp.Action{chromedp.Navigate(base + org), chromedp.WaitVisible(`#score`, chromedp.ByQuery)},
			append(actions,
				chromedp.SendKeys(`#f-note`, "材料齐全,关键指标均满分", chromedp.ByQuery),
				chromedp.Submit(`#score form`, chromedp.ByQuery),
				chromedp.WaitVisible(`.flash-success`, chromedp.ByQuery))...)...,
	)
	if got := textOf(t, ctx, "#coverage"); got != "57.1%" {
		t.Errorf("coverage after: %q", got)
	}
	if got := textOf(t, ctx, fmt.Sprintf("#org-%d", app.orgs["econ-care"])); !strings.Contains(got, "达到“均衡发展”") {
		t.Errorf("经济管理学院关工委 now reads %q", got)
	}
	screenshot(t, ctx, "assess-round-after")

	// A score above the maximum is refused with the reason beside it.
	run(t, ctx, "score above the maximum",
		chromedp.Navigate(base+org),
		chromedp.WaitVisible(`#score`, chromedp.ByQuery),
		chromedp.SetValue(`#score input.score-input`, "99", chromedp.ByQuery),
		chromedp.Submit(`#score form`, chromedp.ByQuery),
		chromedp.WaitVisible(`#score .field-error`, chromedp.ByQuery),
	)
	if got := textOf(t, ctx, "#score .field-error"); !strings.Contains(got, "不能超过") {
		t.Errorf("the refusal reads %q", got)
	}
}
