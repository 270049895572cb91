package server

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/campusorg/portal/internal/demo"
)

// newBrowser starts a headless Debian chromium for one test. A missing browser fails
// the test: `make test` installs it.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("chromium not found: run `make browser` (apt-get install chromium)")
	}
	// The profile is removed after the browser has exited; t.TempDir's own cleanup
	// can race with chromium still writing to it.
	profile, err := os.MkdirTemp("", "portal-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
		_ = os.RemoveAll(profile)
	})
	if err := chromedp.Run(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// screenshot saves the page as a PNG when PORTAL_SCREENSHOTS names a folder.
func screenshot(t *testing.T, ctx context.Context, name string) {
	dir := os.Getenv("PORTAL_SCREENSHOTS")
	if dir == "" {
		return
	}
	var buf []byte
	// Quality 100 is what makes chromium write a PNG; anything less is a JPEG.
	if err := chromedp.Run(ctx, chromedp.FullScreenshot(&buf, 100)); err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	_ = os.WriteFile(fmt.Sprintf("%s/%s.png", dir, name), buf, 0o644)
}

func run(t *testing.T, ctx context.Context, step string, actions ...chromedp.Action) {
	t.Helper()
	if err := chromedp.Run(ctx, actions...); err != nil {
		screenshot(t, ctx, "failed-"+strings.ReplaceAll(step, " ", "-"))
		t.Fatalf("%s: %v", step, err)
	}
}

func textOf(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	var s string
	run(t, ctx, "read "+sel, chromedp.Text(sel, &s, chromedp.ByQuery))
	return s
}

// TestBrowserAdminBuildsTreeAndSecretarySeesHerSubtree walks the foundation's main
// flow in a real browser: an administrator adds a college and a branch under it,
// creates an account and grants it the secretary role on the branch; the secretary
// signs in, chooses her own password, sees only her subtree, and switches language.
func TestBrowserAdminBuildsTreeAndSecretarySeesHerSubtree(t *testing.T) {
	app := newTestApp(t)
	ctx := newBrowser(t)
	base := app.srv.URL
	school := fmt.Sprint(app.orgs["school"])

	run(t, ctx, "sign in as admin",
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(`#f-login`, chromedp.ByQuery),
		chromedp.SendKeys(`#f-login`, "admin", chromedp.ByQuery),
		chromedp.SendKeys(`#f-password`, demo.Password, chromedp.ByQuery),
		chromedp.Submit(`#f-password`, chromedp.ByQuery),
		chromedp.WaitVisible(`.workspace`, chromedp.ByQuery),
	)
	if got := textOf(t, ctx, "h1"); !strings.Contains(got, "您好") {
		t.Fatalf("home page greets %q, want Chinese by default", got)
	}

	run(t, ctx, "add a college under the school",
		chromedp.Navigate(base+"/orgs/"+school+"/new"),
		chromedp.WaitVisible(`#f-name`, chromedp.ByQuery),
		chromedp.SetValue(`#f-kind`, "college", chromedp.ByQuery),
		chromedp.SendKeys(`#f-name`, "智能制造学院", chromedp.ByQuery),
		chromedp.SetValue(`#f-founded_on`, "2015-09-01", chromedp.ByQuery),
		chromedp.Submit(`#f-name`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash-success`, chromedp.ByQuery),
	)
	if got := textOf(t, ctx, "h1"); got != "智能制造学院" {
		t.Fatalf("after creating, the page shows %q", got)
	}
	var collegeURL string
	run(t, ctx, "read the college URL", chromedp.Location(&collegeURL))

	run(t, ctx, "add a League general branch under the college",
		chromedp.Navigate(collegeURL+"/new"),
		chromedp.WaitVisible(`#f-name`, chromedp.ByQuery),
		chromedp.SetValue(`#f-kind`, "league_general_branch", chromedp.ByQuery),
		chromedp.SendKeys(`#f-name`, "智能制造学院团总支", chromedp.ByQuery),
		chromedp.SendKeys(`#f-league_members`, "-3", chromedp.ByQuery),
		chromedp.Submit(`#f-name`, chromedp.ByQuery),
		chromedp.WaitVisible(`.field-error`, chromedp.ByQuery),
	)
	var kept string
	run(t, ctx, "the input is kept after an error", chromedp.Value(`#f-name`, &kept, chromedp.ByQuery))
	if kept != "智能制造学院团总支" {
		t.Fatalf("the name typed was not kept: %q", kept)
	}
	run(t, ctx, "correct the figure and save",
		chromedp.SetValue(`#f-league_members`, "120", chromedp.ByQuery),
		chromedp.Submit(`#f-name`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash-success`, chromedp.ByQuery),
	)
	var branchURL string
	run(t, ctx, "read the branch URL", chromedp.Location(&branchURL))
	branchID := branchURL[strings.LastIndex(branchURL, "/")+1:]

	run(t, ctx, "create an account for the new secretary",
		chromedp.Navigate(base+"/users/new?org="+branchID),
		chromedp.WaitVisible(`#f-username`, chromedp.ByQuery),
		chromedp.SendKeys(`#f-display_name`, "周晓雯", chromedp.ByQuery),
		chromedp.SendKeys(`#f-username`, "zhouxw", chromedp.ByQuery),
		chromedp.SendKeys(`#f-password`, "chushi2026", chromedp.ByQuery),
		chromedp.Submit(`#f-username`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash-success`, chromedp.ByQuery),
	)
	run(t, ctx, "grant her the secretary role on the branch",
		chromedp.SetValue(`#f-role`, "secretary", chromedp.ByQuery),
		chromedp.SetValue(`#f-org_id`, branchID, chromedp.ByQuery),
		chromedp.Submit(`#f-role`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash-success`, chromedp.ByQuery),
	)
	if got := textOf(t, ctx, "table.data"); !strings.Contains(got, "支部书记") || !strings.Contains(got, "智能制造学院团总支") {
		t.Fatalf("the roles table shows %q", got)
	}
	run(t, ctx, "sign out",
		chromedp.Click(`form[action="/logout"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`#f-login`, chromedp.ByQuery),
	)

	run(t, ctx, "sign in as the secretary",
		chromedp.SendKeys(`#f-login`, "zhouxw", chromedp.ByQuery),
		chromedp.SendKeys(`#f-password`, "chushi2026", chromedp.ByQuery),
		chromedp.Submit(`#f-password`, chromedp.ByQuery),
		chromedp.WaitVisible(`#f-new_password`, chromedp.ByQuery),
	)
	run(t, ctx, "choose her own password first",
		chromedp.SendKeys(`#f-current_password`, "chushi2026", chromedp.ByQuery),
		chromedp.SendKeys(`#f-new_password`, "wodemima2026", chromedp.ByQuery),
		chromedp.Submit(`#f-new_password`, chromedp.ByQuery),
		chromedp.WaitVisible(`.workspace`, chromedp.ByQuery),
	)
	run(t, ctx, "open the organizations", chromedp.Navigate(base+"/orgs"), chromedp.WaitVisible(`.tree`, chromedp.ByQuery))
	tree := textOf(t, ctx, ".tree")
	if !strings.Contains(tree, "智能制造学院团总支") {
		t.Fatalf("her branch is not listed: %q", tree)
	}
	for _, hidden := range []string{"智能制造学院\n", "党委", "团委"} {
		if strings.Contains(tree, hidden) {
			t.Fatalf("the secretary sees %q outside her subtree:\n%s", hidden, tree)
		}
	}
	run(t, ctx, "the school is not found for her", chromedp.Navigate(base+"/orgs/"+school), chromedp.WaitVisible(`.error-page`, chromedp.ByQuery))
	if got := textOf(t, ctx, ".error-page .status"); got != "404" {
		t.Fatalf("the school answered %q for the secretary, want 404", got)
	}

	run(t, ctx, "switch to English",
		chromedp.Navigate(base+"/orgs"),
		chromedp.Click(`.lang-switch button`, chromedp.ByQuery),
		chromedp.WaitVisible(`html[lang="en"] .tree`, chromedp.ByQuery),
	)
	if got := textOf(t, ctx, "h1"); got != "Organizations" {
		t.Fatalf("after switching, the title is %q", got)
	}
	screenshot(t, ctx, "secretary-orgs-en")
	run(t, ctx, "English is remembered", chromedp.Navigate(base+"/"), chromedp.WaitVisible(`.workspace`, chromedp.ByQuery))
	if got := textOf(t, ctx, "h1"); !strings.HasPrefix(got, "Hello") {
		t.Fatalf("English was not remembered: %q", got)
	}
	run(t, ctx, "switch back to Chinese",
		chromedp.Click(`.lang-switch button`, chromedp.ByQuery),
		chromedp.WaitVisible(`html[lang="zh-CN"] .workspace`, chromedp.ByQuery),
	)
	if got := textOf(t, ctx, "h1"); !strings.Contains(got, "您好") {
		t.Fatalf("after switching back, the title is %q", got)
	}
}
