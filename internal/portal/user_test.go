package portal

import (
	"strings"
	"testing"
)

func TestPasswordHashing(t *testing.T) {
	long := strings.Repeat("团结奋进", 24) // 96 runes, 288 bytes: beyond bcrypt's 72-byte cut
	for _, pw := range []string{"demo2026", long} {
		h, err := HashPassword(pw)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(h, "$argon2id$") {
			t.Fatalf("hash %q is not argon2id PHC", h)
		}
		if !VerifyPassword(h, pw) {
			t.Errorf("the right password did not verify")
		}
		if VerifyPassword(h, pw+"x") || VerifyPassword(h, pw[:len(pw)-1]) {
			t.Errorf("a wrong password verified")
		}
	}
	h1, _ := HashPassword("same")
	h2, _ := HashPassword("same")
	if h1 == h2 {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	for _, bad := range []string{"", "plain", "$argon2id$v=19$m=1,t=1,p=0$AA$AA", "$bcrypt$x$y$z$w"} {
		if VerifyPassword(bad, "plain") {
			t.Errorf("malformed hash %q verified", bad)
		}
	}
}

func TestUserInputValidate(t *testing.T) {
	ok := UserInput{Username: "li.ming", DisplayName: "李明", HomeOrgID: 1, Password: "12345678", Phone: "13800000000"}
	tests := []struct {
		name  string
		edit  func(*UserInput)
		field string
	}{
		{"valid", func(*UserInput) {}, ""},
		{"short username", func(u *UserInput) { u.Username = "ab" }, "username"},
		{"username with space", func(u *UserInput) { u.Username = "li ming" }, "username"},
		{"chinese username", func(u *UserInput) { u.Username = "李明" }, "username"},
		{"bad phone", func(u *UserInput) { u.Phone = "call me" }, "phone"},
		{"e-mail", func(u *UserInput) { u.Email = " li.ming@example.edu.cn " }, ""},
		{"bad e-mail", func(u *UserInput) { u.Email = "li.ming@localhost" }, "email"},
		{"no name", func(u *UserInput) { u.DisplayName = "" }, "display_name"},
		{"no home", func(u *UserInput) { u.HomeOrgID = 0 }, "home_org_id"},
		{"short password", func(u *UserInput) { u.Password = "1234567" }, "password"},
		{"chinese password of 8 runes", func(u *UserInput) { u.Password = "团结奋进团结奋进" }, ""},
	}
	for _, tt := range tests {
		in := ok
		tt.edit(&in)
		err := in.Validate()
		if tt.field == "" && err != nil {
			t.Errorf("%s: want valid, got %v", tt.name, FieldErrors(err))
		}
		if tt.field != "" && FieldErrors(err)[tt.field] == "" {
			t.Errorf("%s: want error on %s, got %v", tt.name, tt.field, FieldErrors(err))
		}
	}
}

func TestCheckEmail(t *testing.T) {
	tests := []struct{ in, want, msg string }{
		{"", "", ""},
		{"  ", "", ""},
		{"li.ming@example.edu.cn", "li.ming@example.edu.cn", ""},
		{" Li.Ming+tw@Example.EDU.cn ", "Li.Ming+tw@Example.EDU.cn", ""},
		{"li.ming＠qq．com", "li.ming@qq.com", ""}, // typed with a Chinese input method
		{"li.ming", "li.ming", "user.email_invalid"},
		{"li.ming@localhost", "li.ming@localhost", "user.email_invalid"},
		{"li ming@qq.com", "li ming@qq.com", "user.email_invalid"},
		{"a@b@qq.com", "a@b@qq.com", "user.email_invalid"},
		{"李明@qq.com", "李明@qq.com", "user.email_invalid"},
		{"li@qq.com\r\nBcc: x@y.com", "li@qq.com\r\nBcc: x@y.com", "user.email_invalid"},
		{"Li Ming <li@qq.com>", "Li Ming <li@qq.com>", "user.email_invalid"},
		{strings.Repeat("a", 250) + "@qq.com", strings.Repeat("a", 250) + "@qq.com", "user.email_invalid"},
	}
	for _, tt := range tests {
		got, msg := CheckEmail(tt.in)
		if got != tt.want || msg != tt.msg {
			t.Errorf("CheckEmail(%q) = %q, %q; want %q, %q", tt.in, got, msg, tt.want, tt.msg)
		}
	}
}
