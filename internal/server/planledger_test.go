package server

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"strings"
	"testing"

	"github.com/campusorg/portal/internal/i18n"
)

// TestPlanPageShowsLedgerShare: the plan of 工学院团总支 shows, beside each
// ledger-fed target's reached figure, what the ledger holds ("台账N条") and what
// waits for verification, with the rule that keeps reports and ledger from
// counting twice; the progress form tells the reporter what the ledger holds.
func TestPlanPageShowsLedgerShare(t *testing.T) {
	app := newTestApp(t)
	var plan, task int64
	var verified, waiting int
	if err := app.store.Pool().QueryRow(context.Background(), `SELECT p.id, (SELECT id FROM plan_tasks WHERE plan_id = p.id AND number = 1),
			(SELECT count(*) FROM ledger_entries e JOIN projects pr ON pr.id = e.project_id WHERE pr.org_path LIKE o.path || '%'
				AND e.replaced_by IS NULL AND e.kind = 'theme_meeting' AND e.status = 'verified' AND extract(year FROM e.on_date) = p.year),
			(SELECT count(*) FROM ledger_entries e JOIN projects pr ON pr.id = e.project_id WHERE pr.org_path LIKE o.path || '%'
				AND e.replaced_by IS NULL AND e.kind = 'theme_meeting' AND e.status = 'pending' AND extract(year FROM e.on_date) = p.year)
		FROM work_plans p JOIN orgs o ON o.id = p.org_id WHERE o.code = 'eng-league'`).Scan(&plan, &task, &verified, &waiting); err != nil {
		t.Fatal(err)
	}
	zh := func(key string, args ...any) string { return html.EscapeString(i18n.T(i18n.ZH, key, args...)) }
	c := app.signIn("gongtuan")
	res, body := c.get(fmt.Sprintf("/plans/%d", plan))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("plan page: %d", res.StatusCode)
	}
	for _, want := range []string{zh("planpace.ledger", verified, fmt.Sprint(verified), "次"), zh("planpace.ledger_pending", waiting),
		zh("planpace.ledger_rule")} {
		if !strings.Contains(body, want) {
			t.Errorf("the plan page lacks %q", want)
		}
	}
	_, body = c.get(fmt.Sprintf("/plans/%d/tasks/%d", plan, task))
	if want := zh("planprogress.ledger_help", verified, fmt.Sprint(verified), "次"); !strings.Contains(body, want) {
		t.Errorf("the progress form lacks %q", want)
	}
	// A plan without ledger targets says nothing of the ledger.
	_, other := app.signIn("tuanwei").get(app.planPlaceholders(t).Replace("/plans/{plan}"))
	if strings.Contains(other, zh("planpace.ledger_rule")) {
		t.Error("the 团委 plan speaks of the ledger")
	}
}
