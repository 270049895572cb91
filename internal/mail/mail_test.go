package mail

import (
	"io"
	"mime"
	"net/mail"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"encoding/base64"
)

func TestCompose(t *testing.T) {
	compose := Compose("https://portal.example.edu.cn/")
	subject, body := compose("zh", "李明", "remind.due_soon", "/projects/7", []any{"青春筑梦", "启动仪式", "2026-12-01"})
	if subject != "【校园组织工作平台】提醒：项目“青春筑梦”的任务节点“启动仪式”将于 2026-12-01 到期。" {
		t.Errorf("subject %q", subject)
	}
	for _, want := range []string{"李明，您好：", "https://portal.example.edu.cn/projects/7", "账户设置"} {
		if !strings.Contains(body, want) {
			t.Errorf("the body lacks %q:\n%s", want, body)
		}
	}
	subject, body = compose("en", "Li Ming", "remind.verify", "/workbench", []any{"3"})
	if subject != "[Campus Organization Portal] 3 ledger entries wait for your verification." || !strings.HasPrefix(body, "Dear Li Ming,\n") {
		t.Errorf("English: %q\n%s", subject, body)
	}
	long := strings.Repeat("很长的项目名称", 40)
	subject, _ = compose("zh", "李明", "remind.ledger_gap", "/projects/7", []any{long, "30"})
	if n := utf8.RuneCountInString(subject); n != MaxSubject || !strings.HasSuffix(subject, "…") {
		t.Errorf("a long subject has %d characters: %q", n, subject)
	}
}

func TestFormat(t *testing.T) {
	s, err := NewSender(Config{Addr: "127.0.0.1:25", From: "校园组织工作平台 <portal@example.edu.cn>"})
	if err != nil {
		t.Fatal(err)
	}
	s.Now = func() time.Time { return time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC) }
	subject := strings.Repeat("提醒：项目“青春筑梦”有任务节点逾期。", 5)
	b, err := s.Format(Message{ID: "portal.1.2", To: "li@example.edu.cn", Subject: subject, Body: "李明，您好：\n\n正文。\n"})
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\r\n") {
		if len(line) > 76 {
			t.Errorf("a line of %d characters: %q", len(line), line)
		}
	}
	m, err := mail.ReadMessage(strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	dec := new(mime.WordDecoder)
	if got, err := dec.DecodeHeader(m.Header.Get("Subject")); err != nil || got != subject {
		t.Errorf("subject decodes to %q, %v", got, err)
	}
	from, err := m.Header.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != "校园组织工作平台" || from[0].Address != "portal@example.edu.cn" {
		t.Errorf("From %v %v", from, err)
	}
	if m.Header.Get("Message-ID") != "<portal.1.2@example.edu.cn>" || m.Header.Get("Date") != "Mon, 23 Nov 2026 08:00:00 +0000" {
		t.Errorf("headers %v", m.Header)
	}
	body, _ := io.ReadAll(base64.NewDecoder(base64.StdEncoding, m.Body))
	if string(body) != "李明，您好：\r\n\r\n正文。\r\n" {
		t.Errorf("body %q", body)
	}
	if _, err := s.Format(Message{To: "li@example.edu.cn", Subject: "a\r\nBcc: x@y.z"}); err == nil {
		t.Error("a subject with a line break was formatted")
	}
	// An ASCII name and subject stay readable.
	s, _ = NewSender(Config{Addr: "127.0.0.1:25", From: "Campus Portal <portal@example.edu.cn>"})
	b, _ = s.Format(Message{ID: "x", To: "li@example.edu.cn", Subject: "Reminder", Body: "Hello\n"})
	if !strings.Contains(string(b), "From: \"Campus Portal\" <portal@example.edu.cn>\r\n") || !strings.Contains(string(b), "Subject: Reminder\r\n") {
		t.Errorf("ASCII headers:\n%s", b)
	}
}
