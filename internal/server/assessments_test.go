package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestGradingCapsByHand: confirming 校团委's grading with one five-star branch too
// many is refused with the counts; lowering one branch to four stars lets it through.
func TestGradingCapsByHand(t *testing.T) {
	app := newTestApp(t)
	ids := app.planPlaceholders(t)
	m := app.signIn("tuanwei")
	path := ids.Replace("/assessments/gradings/{grading}")
	res, body := m.post(path+"/confirm", url.Values{"version": {"1"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "五星级共8个，超过上限：最多7个（20%）") {
		t.Fatalf("confirming over the cap: %d", res.StatusCode)
	}
	var status string
	if err := app.store.Pool().QueryRow(context.Background(), ids.Replace(`SELECT status FROM grading_rounds WHERE id = {grading}`)).Scan(&status); err != nil || status != "draft" {
		t.Fatalf("after a refused confirmation: %s %v", status, err)
	}
	// The form as the page fills it, with the first five-star branch lowered.
	var org int64
	if err := app.store.Pool().QueryRow(context.Background(), ids.Replace(`SELECT org_id FROM gradings WHERE round_id = {grading} AND score >= 90
		ORDER BY org_id LIMIT 1`)).Scan(&org); err != nil {
		t.Fatal(err)
	}
	form := url.Values{"version": {"1"}}
	rows, err := app.store.Pool().Query(context.Background(), ids.Replace(`SELECT org_id, score::text FROM gradings WHERE round_id = {grading}`))
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var score string
		if err := rows.Scan(&id, &score); err != nil {
			t.Fatal(err)
		}
		form.Set(fmt.Sprintf("score_%d", id), score)
	}
	form.Set(fmt.Sprintf("stars_%d", org), "5")
	form.Set(fmt.Sprintf("score_%d", org), "85")
	if res, body := m.post(path+"/grades", form); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "确定星级不能高于按分数所得星级") {
		t.Errorf("five stars for 85 points: %d", res.StatusCode)
	}
	form.Set(fmt.Sprintf("score_%d", org), "93")
	form.Set(fmt.Sprintf("stars_%d", org), "4")
	form.Set(fmt.Sprintf("note_%d", org), "按比例调整为四星")
	if res, _ := m.post(path+"/grades", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("lowering one branch: %d", res.StatusCode)
	}
	if res, _ := m.post(path+"/confirm", url.Values{"version": {"2"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirming within the caps: %d", res.StatusCode)
	}
	if _, body := m.get(path); !strings.Contains(body, "已确认") {
		t.Error("the grading does not read confirmed")
	}
}

// TestAssessmentBadInput: a threshold no one can reach, a round without assessors,
// a self-assessment sent without evidence.
func TestAssessmentBadInput(t *testing.T) {
	app := newTestApp(t)
	ids := app.planPlaceholders(t)
	g := app.signIn("guangongwei")
	res, body := g.post("/assessments/systems/new", url.Values{"owner_org_id": {fmt.Sprint(app.orgs["guangongwei"])}, "name": {"新标准"},
		"status_name": {"达标"}, "threshold": {"95"}, "i0_name": {"组织建设"}, "i0_max": {"50"}, "i0_key": {"1"}, "i1_name": {"活动成效"}, "i1_max": {"40"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "达标总分不能高于各指标满分之和") || !strings.Contains(body, "value=\"组织建设\"") {
		t.Errorf("a threshold above the total: %d", res.StatusCode)
	}
	res, body = g.post("/assessments/rounds/new", url.Values{"system_id": {ids.Replace("{asystem}")}, "title": {"补充考核"}, "year": {"2026"},
		"scope_org_id": {fmt.Sprint(app.orgs["school"])}, "org_kind": {"college_care_committee"}, "target_share": {"120"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "请至少选择一名考核人员") || !strings.Contains(body, "应为0至100之间的百分数") {
		t.Errorf("a round without assessors: %d", res.StatusCode)
	}
	c := app.signIn("econ-care")
	org := ids.Replace("/assessments/rounds/{around}/orgs/{aorg}")
	res, body = c.post(org+"/self", url.Values{"evidence": {""}, "note": {"补充说明"}, "submit": {"1"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "提交自评须附佐证材料") {
		t.Errorf("sending without evidence: %d", res.StatusCode)
	}
	if res, _ := c.post(org+"/self", url.Values{"evidence": {"台账"}, "note": {"补充说明"}, "submit": {""}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("saving a draft: %d", res.StatusCode)
	}
	// The college committee sees its own sheet only, not the others'.
	_, body = c.get(ids.Replace("/assessments/rounds/{around}"))
	if !strings.Contains(body, "经济管理学院关工委") || strings.Contains(body, "信息工程学院关工委") {
		t.Error("the college committee sees other colleges' sheets")
	}
}
