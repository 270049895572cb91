package server

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// programForm is a valid program form for tuanwei: a 一团一品 call of 校团委 for the school.
func (a *testApp) programForm(title string) url.Values {
	return url.Values{
		"owner_org_id": {fmt.Sprint(a.orgs["tuanwei"])}, "scope_org_id": {fmt.Sprint(a.orgs["school"])},
		"title": {title}, "year": {"2027"}, "kind": {"league_brand"}, "batch": {""}, "description": {"每个团总支至少上报1个项目。"},
		"ban_months": {"0"}, "endorse_1": {"league_general_branch"}, "endorse_2": {"party_general_branch"}, "endorse_3": {""},
		"expected_kinds":           {"league_general_branch"},
		"phase_application_starts": {"2027-03-01"}, "phase_application_ends": {"2027-03-30"},
		"phase_approval_starts": {"2027-04-01"}, "phase_approval_ends": {"2027-04-30"},
	}
}

var idInLocation = regexp.MustCompile(`^/programs/(\d+)`)

func programIDFrom(t *testing.T, res *http.Response) string {
	t.Helper()
	m := idInLocation.FindStringSubmatch(res.Header.Get("Location"))
	if m == nil {
		t.Fatalf("redirected to %q", res.Header.Get("Location"))
	}
	return m[1]
}

func TestProgramFormKeepsInputOn422(t *testing.T) {
	app := newTestApp(t)
	c := app.signIn("tuanwei")
	form := app.programForm("")
	form.Set("description", "独一无二的项目说明文字")
	form.Set("phase_approval_starts", "2027-02-01") // before the application phase starts
	form.Set("phase_final_ends", "2027-12-31")      // a phase with one date only
	res, body := c.post("/programs/new", form)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", res.StatusCode)
	}
	for _, want := range []string{
		"独一无二的项目说明文字",                  // the description kept
		`value="2027-02-01"`,           // the bad date kept
		`id="e-title"`,                 // an error beside the title
		`id="e-phase_approval_starts"`, // beside the approval phase
		`id="e-phase_final_starts"`,    // the missing first day
		"此阶段不能早于前一阶段开始",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the re-rendered form lacks %q", want)
		}
	}
	if !regexp.MustCompile(`<option value="league_general_branch" selected`).MatchString(body) {
		t.Error("the endorsement chain was not kept")
	}
	if n := app.count(t, `SELECT count(*) FROM programs WHERE description = '独一无二的项目说明文字'`); n != 0 {
		t.Errorf("an invalid program was stored")
	}
}

func TestProgramEditVersionConflict(t *testing.T) {
	app := newTestApp(t)
	c := app.signIn("tuanwei")
	res, _ := c.post("/programs/new", app.programForm("冲突测试项目"))
	if res.StatusCode != see {
		t.Fatalf("create: %d", res.StatusCode)
	}
	id := programIDFrom(t, res)
	first := app.programForm("第一次修改")
	first.Set("version", "1")
	if res, body := c.post("/programs/"+id+"/edit", first); res.StatusCode != see {
		t.Fatalf("first edit: %d\n%.500s", res.StatusCode, body)
	}
	stale := app.programForm("过期的修改")
	stale.Set("version", "1")
	res, body := c.post("/programs/"+id+"/edit", stale)
	if res.StatusCode != http.StatusConflict {
		t.Fatalf("stale edit: %d, want 409", res.StatusCode)
	}
	if !strings.Contains(body, "过期的修改") || !strings.Contains(body, "保存前他人已修改了此记录") {
		t.Error("the conflict page lost the input or the message")
	}
	if n := app.count(t, `SELECT count(*) FROM programs WHERE id = $1 AND title = '第一次修改' AND version = 2`, id); n != 1 {
		t.Error("the stale edit overwrote the first")
	}
}

func TestProgramLifecycleThroughPages(t *testing.T) {
	app := newTestApp(t)
	c := app.signIn("tuanwei")
	res, _ := c.post("/programs/new", app.programForm("流程测试项目"))
	if res.StatusCode != see {
		t.Fatalf("create: %d", res.StatusCode)
	}
	id := programIDFrom(t, res)
	base := "/programs/" + id

	// A track with two custom fields, typed into rows 0 and 2 (row 1 left blank).
	track := url.Values{"name": {"团总支品牌项目"}, "quota": {"8"}, "grant_yuan": {"3000"}, "cycle_months": {"9"},
		"eligible_kinds": {"league_general_branch"}, "min_per_org": {"1"}, "max_per_org": {"0"},
		"f0_key": {"plan"}, "f0_label": {"项目实施方案"}, "f0_type": {"textarea"}, "f0_required": {"1"},
		"f1_type": {"text"},
		"f2_key":  {"Level"}, "f2_label": {"项目层次"}, "f2_type": {"choice"}, "f2_options": {"校级，院级"}}
	res, body := c.post(base+"/tracks/new", track)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad key: %d", res.StatusCode)
	}
	// The rows come back renumbered: the bad key is now in row 1, beside its error.
	if !strings.Contains(body, `name="f1_key" value="Level"`) || !strings.Contains(body, `id="e-f1_key"`) || !strings.Contains(body, `value="校级，院级"`) {
		t.Errorf("custom field rows not kept:\n%s", body)
	}
	track.Set("f2_key", "level")
	if res, body := c.post(base+"/tracks/new", track); res.StatusCode != see {
		t.Fatalf("track: %d\n%.800s", res.StatusCode, body)
	}
	if n := app.count(t, `SELECT count(*) FROM tracks WHERE program_id = $1 AND jsonb_array_length(fields) = 2
		AND fields->1->'options' = '["校级", "院级"]'::jsonb`, id); n != 1 {
		t.Error("the track's fields were not stored as typed")
	}
	if res, _ := c.post(base+"/themes", url.Values{"name": {"志愿服务类"}}); res.StatusCode != see {
		t.Fatalf("theme: %d", res.StatusCode)
	}
	if res, body := c.post(base+"/themes", url.Values{"name": {"志愿服务类"}}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "本项目已有同名主题类别") {
		t.Errorf("duplicate theme: %d", res.StatusCode)
	}
	_, page := c.get(base)
	for _, want := range []string{"团总支品牌项目", "3,000 元", "9 个月", "志愿服务类", "团总支 → 党总支", "开放申报"} {
		if !strings.Contains(page, want) {
			t.Errorf("the program page lacks %q", want)
		}
	}

	// The secretary does not see the draft; once open, she does.
	sec := app.signIn("secretary")
	if res, _ := sec.get(base); res.StatusCode != nf {
		t.Errorf("secretary on a draft: %d", res.StatusCode)
	}
	if res, _ := c.post(base+"/status", url.Values{"status": {"open"}, "version": {"2"}}); res.StatusCode != http.StatusConflict {
		t.Errorf("open with a stale version: %d", res.StatusCode)
	}
	if res, _ := c.post(base+"/status", url.Values{"status": {"open"}, "version": {"1"}}); res.StatusCode != see {
		t.Fatalf("open: %d", res.StatusCode)
	}
	if res, _ := sec.get(base); res.StatusCode != ok {
		t.Errorf("secretary on an open program: %d", res.StatusCode)
	}
	if _, list := sec.get("/programs"); !strings.Contains(list, "流程测试项目") || !strings.Contains(list, "可申报的项目") {
		t.Error("the open program is not in the secretary's list")
	}
	if _, list := app.signIn("zuzhibu").get("/programs"); strings.Contains(list, "流程测试项目") {
		t.Error("the Party committee's manager lists the League committee's program")
	}

	// Copy to 2028: the copy is a draft, and its edit form opens.
	res, _ = c.post(base+"/copy", url.Values{"year": {"2028"}})
	if res.StatusCode != see || !strings.HasSuffix(res.Header.Get("Location"), "/edit") {
		t.Fatalf("copy: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	copyID := programIDFrom(t, res)
	if n := app.count(t, `SELECT count(*) FROM programs p JOIN program_phases ph ON ph.program_id = p.id
		WHERE p.id = $1 AND p.status = 'draft' AND p.copied_from = $2 AND ph.kind = 'application' AND ph.ends_on = '2028-03-30'`, copyID, id); n != 1 {
		t.Error("the copy is not a draft with its dates moved a year")
	}
	if res, _ := c.post(base+"/copy", url.Values{"year": {"3000"}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("copy to 3000: %d", res.StatusCode)
	}
}

func TestProgramsNavigation(t *testing.T) {
	app := newTestApp(t)
	for who, want := range map[string]bool{"tuanwei": true, "secretary": true, "leader": true, "admin": true, "counselor": false, "reviewer1": false} {
		_, body := app.signIn(who).get("/")
		if got := strings.Contains(body, `href="/programs"`); got != want {
			t.Errorf("%s: programs in the navigation %v, want %v", who, got, want)
		}
	}
	// The 焦裕禄班 accounts: the manager sees her campaign's three programs (the
	// accepted first batch, the running second, the open third), the class secretary
	// the open one (and the school-wide calls, whose scope holds her class;
	// eligibility is decided per track).
	_, body := app.signIn("gongtuan").get("/programs")
	if strings.Count(body, "工学院“焦裕禄班”创建") != 3 {
		t.Error("gongtuan does not list the three 焦裕禄班 programs")
	}
	_, body = app.signIn("classsec").get("/programs")
	if !strings.Contains(body, "第三批") || strings.Contains(body, "第一批") || strings.Contains(body, "第二批") {
		t.Error("classsec's open calls are wrong")
	}
}
