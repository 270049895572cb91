package server

import (
	"os"
	"strconv"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"context"

	"github.com/campusorg/portal/internal/demo"
)

func TestScratchPrintShot(t *testing.T) {
	app := newTestApp(t)
	fx := newExportFixture(t, app)
	ctx := newBrowser(t)
	run(t, ctx, "login", chromedp.Navigate(app.srv.URL+"/login"), chromedp.WaitVisible(`#f-login`, chromedp.ByQuery),
		chromedp.SendKeys(`#f-login`, "tuanwei", chromedp.ByQuery), chromedp.SendKeys(`#f-password`, demo.Password, chromedp.ByQuery),
		chromedp.Submit(`#f-password`, chromedp.ByQuery), chromedp.WaitVisible(`.workspace`, chromedp.ByQuery))
	run(t, ctx, "print", chromedp.Navigate(app.srv.URL+"/applications/"+strconv.FormatInt(fx.endorsed, 10)+"/print"), chromedp.WaitVisible(`.a4`, chromedp.ByQuery))
	var buf []byte
	run(t, ctx, "shot", chromedp.FullScreenshot(&buf, 100))
	os.WriteFile("/tmp/exphelper/print.png", buf, 0o644)
	var pdf []byte
	run(t, ctx, "pdf", chromedp.ActionFunc(func(c context.Context) error {
		var err error
		pdf, _, err = page.PrintToPDF().WithPaperWidth(8.27).WithPaperHeight(11.69).Do(c)
		return err
	}))
	os.WriteFile("/tmp/exphelper/print.pdf", pdf, 0o644)
	b, _ := os.ReadFile("/dev/null")
	_ = b
	res, f := app.signIn("tuanwei").xlsx("/programs/" + strconv.FormatInt(fx.programID, 10) + "/applications.xlsx")
	_ = res
	f.SaveAs("/tmp/exphelper/summary.xlsx")
}
