package server

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// TestEmailForms sets e-mail addresses where people do: on the administrator's
// new-account form and account page, on a person's own account page, and in a
// people import; bad, taken and stale input is refused with the input kept.
func TestEmailForms(t *testing.T) {
	app := newTestApp(t)
	admin := app.signIn("admin")
	sec := app.signIn("secretary")
	version := func(user string) string {
		return fmt.Sprint(app.count(t, `SELECT version FROM users WHERE username = $1`, user))
	}
	email := func(user string) string {
		var e string
		if err := app.store.Pool().QueryRow(t.Context(), `SELECT coalesce(email, '') FROM users WHERE username = $1`, user).Scan(&e); err != nil {
			t.Fatal(err)
		}
		return e
	}

	// The administrator creates an account with an address.
	form := url.Values{"display_name": {"王丽"}, "username": {"wang.li"}, "email": {" Wang.Li@Example.edu.cn "},
		"home_org_id": {fmt.Sprint(app.orgs["econ-league"])}, "password": {"Initial-2026"}}
	if res, body := admin.post("/users", form); res.StatusCode != see {
		t.Fatalf("create with an address: %d\n%.800s", res.StatusCode, body)
	}
	if got := email("wang.li"); got != "Wang.Li@Example.edu.cn" {
		t.Errorf("stored %q", got)
	}
	// The same address in other case is taken; a malformed one is invalid.
	form.Set("username", "wang.li2")
	form.Set("email", "wang.li@example.EDU.cn")
	if res, body := admin.post("/users", form); res.StatusCode != cfl || !strings.Contains(body, "该邮箱已被其他账号使用") ||
		!strings.Contains(body, `value="wang.li@example.EDU.cn"`) {
		t.Errorf("a taken address: %d\n%.800s", res.StatusCode, body)
	}
	form.Set("email", "wang.li@")
	if res, body := admin.post("/users", form); res.StatusCode != bad || !strings.Contains(body, "请填写有效的电子邮箱地址") {
		t.Errorf("a bad address: %d", res.StatusCode)
	}

	// The person sets her own address on her account page.
	res, body := sec.get("/account")
	if res.StatusCode != ok || !strings.Contains(body, "账户设置") || !strings.Contains(body, `action="/account/email"`) ||
		!strings.Contains(body, "暂未开通邮件发送") {
		t.Fatalf("the account page: %d\n%.800s", res.StatusCode, body)
	}
	v := version("secretary")
	if res, body := sec.post("/account/email", url.Values{"email": {"secretary＠example．edu.cn"}, "version": {v}}); res.StatusCode != see ||
		res.Header.Get("Location") != "/account" {
		t.Fatalf("set own address: %d\n%.800s", res.StatusCode, body)
	}
	if got := email("secretary"); got != "secretary@example.edu.cn" {
		t.Errorf("own address stored as %q", got)
	}
	if _, body := sec.get("/account"); !strings.Contains(body, `value="secretary@example.edu.cn"`) || !strings.Contains(body, "电子邮箱已保存") {
		t.Errorf("the account page after saving:\n%.1500s", body)
	}
	// A second tab with the old version loses the race, and may send again.
	res, body = sec.post("/account/email", url.Values{"email": {"other@example.edu.cn"}, "version": {v}})
	if res.StatusCode != cfl || !strings.Contains(body, `value="other@example.edu.cn"`) || !strings.Contains(body, `value="`+version("secretary")+`"`) {
		t.Errorf("a stale version: %d", res.StatusCode)
	}
	if res, _ := sec.post("/account/email", url.Values{"email": {"Wang.Li@example.edu.cn"}, "version": {version("secretary")}}); res.StatusCode != cfl {
		t.Errorf("someone else's address: %d", res.StatusCode)
	}

	// The administrator clears it on the person's page, which shows it first.
	userPath := fmt.Sprintf("/users/%d", app.users["secretary"])
	if _, body := admin.get(userPath); !strings.Contains(body, "secretary@example.edu.cn") || !strings.Contains(body, `action="`+userPath+`/email"`) {
		t.Errorf("the account's page lacks the address or its form")
	}
	if res, body := admin.post(userPath+"/email", url.Values{"email": {""}, "version": {version("secretary")}}); res.StatusCode != see {
		t.Fatalf("clear the address: %d\n%.800s", res.StatusCode, body)
	}
	if got := email("secretary"); got != "" {
		t.Errorf("cleared address is %q", got)
	}
	if n := app.count(t, `SELECT count(*) FROM audit_events WHERE action = 'user.set_email' AND entity_id = $1`, app.users["secretary"]); n != 2 {
		t.Errorf("%d audit events for the address, want 2", n)
	}

	// A people import with the 邮箱 column, and a row whose address is taken.
	res, body = admin.upload("/import", "people.csv", []byte(strings.TrimSuffix(peopleCSVHeader, "\n")+",邮箱\n"+
		"t.zhao,赵同学,,econ-league,Initial-2026,,,zhao＠example.edu.cn\n"+
		"t.qian,钱同学,,econ-league,Initial-2026,,,WANG.LI@example.edu.cn\n"))
	if res.StatusCode != bad || !strings.Contains(body, "该邮箱已被其他账号使用") {
		t.Fatalf("an import with a taken address: %d\n%.800s", res.StatusCode, body)
	}
	res, body = admin.upload("/import", "people.csv", []byte(strings.TrimSuffix(peopleCSVHeader, "\n")+",邮箱\n"+
		"t.zhao,赵同学,,econ-league,Initial-2026,,,zhao＠example.edu.cn\n"+
		"t.qian,钱同学,,econ-league,Initial-2026,,,\n"))
	if res.StatusCode != see {
		t.Fatalf("an import with addresses: %d\n%.800s", res.StatusCode, body)
	}
	if got := email("t.zhao"); got != "zhao@example.edu.cn" {
		t.Errorf("imported address %q", got)
	}
	if got := email("t.qian"); got != "" {
		t.Errorf("an empty cell gave %q", got)
	}
}
