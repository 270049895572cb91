package config

import (
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoadDefaults(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "localhost:8080" || c.TimeZone != "Asia/Shanghai" || c.IdleTimeout != 2*time.Hour || c.DBMaxConns != 10 || c.SecureCookies ||
		c.UploadSlots != 2 {
		t.Fatalf("unexpected defaults: %+v", c)
	}
}

func TestLoadRejects(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"PORTAL_IDLE_TIMEOUT": "soon"}, "PORTAL_IDLE_TIMEOUT"},
		{map[string]string{"PORTAL_DB_MAX_CONNS": "0"}, "PORTAL_DB_MAX_CONNS"},
		{map[string]string{"PORTAL_UPLOAD_CONCURRENCY": "0"}, "PORTAL_UPLOAD_CONCURRENCY"},
		{map[string]string{"PORTAL_UPLOAD_CONCURRENCY": "10"}, "less than PORTAL_DB_MAX_CONNS"},
		{map[string]string{"PORTAL_UPLOAD_CONCURRENCY": "2", "PORTAL_DB_MAX_CONNS": "2"}, "less than PORTAL_DB_MAX_CONNS"},
		{map[string]string{"PORTAL_TZ": "Mars/Base"}, "PORTAL_TZ"},
		{map[string]string{"PORTAL_SECURE_COOKIES": "maybe"}, "PORTAL_SECURE_COOKIES"},
		{map[string]string{"PORTAL_LOG_FORMAT": "xml"}, "PORTAL_LOG_FORMAT"},
		{map[string]string{"DATABASE_URL": "mysql://x"}, "DATABASE_URL"},
		{map[string]string{"PORTAL_IDLE_TIMEOUT": "24h", "PORTAL_SESSION_LIFETIME": "1h"}, "longer"},
	}
	for _, tt := range tests {
		_, err := Load(env(tt.env))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Load(%v) = %v, want an error naming %s", tt.env, err, tt.want)
		}
	}
}

// The default upload concurrency leaves a connection of the smallest pool free.
func TestLoadUploadSlotsFitThePool(t *testing.T) {
	c, err := Load(env(map[string]string{"PORTAL_DB_MAX_CONNS": "2"}))
	if err != nil || c.UploadSlots != 1 {
		t.Fatalf("pool of 2: %d upload slots, %v; want 1", c.UploadSlots, err)
	}
}

func TestLoadSMTP(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil || c.SMTP.Enabled() {
		t.Fatalf("no SMTP by default: %+v %v", c.SMTP, err)
	}
	c, err = Load(env(map[string]string{
		"PORTAL_SMTP_ADDR": "smtp.example.edu.cn:587", "PORTAL_SMTP_USER": "portal", "PORTAL_SMTP_PASSWORD": " secret ",
		"PORTAL_SMTP_FROM": "校园组织工作平台 <portal@example.edu.cn>", "PORTAL_BASE_URL": "https://portal.example.edu.cn/",
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := SMTP{Addr: "smtp.example.edu.cn:587", User: "portal", Password: " secret ", From: "校园组织工作平台 <portal@example.edu.cn>"}
	if c.SMTP != want || !c.SMTP.Enabled() || c.BaseURL != "https://portal.example.edu.cn" {
		t.Errorf("SMTP settings: %+v, base %q", c.SMTP, c.BaseURL)
	}
	// A server without authentication.
	if _, err := Load(env(map[string]string{"PORTAL_SMTP_ADDR": "127.0.0.1:25", "PORTAL_SMTP_FROM": "portal@example.edu.cn",
		"PORTAL_BASE_URL": "http://10.0.0.5:8080"})); err != nil {
		t.Errorf("a server without authentication: %v", err)
	}
}

func TestLoadRejectsSMTP(t *testing.T) {
	base := map[string]string{"PORTAL_SMTP_ADDR": "smtp.example.edu.cn:587", "PORTAL_SMTP_FROM": "portal@example.edu.cn",
		"PORTAL_BASE_URL": "https://portal.example.edu.cn"}
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		if v == "" {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	tests := []struct {
		env  map[string]string
		want string
	}{
		{with("PORTAL_SMTP_FROM", ""), "PORTAL_SMTP_FROM: required"},
		{with("PORTAL_SMTP_FROM", "portal at example"), "PORTAL_SMTP_FROM="},
		{with("PORTAL_SMTP_FROM", "平台@例子.中国"), "PORTAL_SMTP_FROM="},
		{with("PORTAL_SMTP_ADDR", "smtp.example.edu.cn"), "PORTAL_SMTP_ADDR="},
		{with("PORTAL_SMTP_ADDR", ":587"), "PORTAL_SMTP_ADDR="},
		{with("PORTAL_SMTP_ADDR", "smtp.example.edu.cn:smtp"), "PORTAL_SMTP_ADDR="},
		{with("PORTAL_SMTP_USER", "portal"), "PORTAL_SMTP_PASSWORD: set both"},
		{with("PORTAL_SMTP_PASSWORD", "secret"), "PORTAL_SMTP_PASSWORD: set both"},
		{with("PORTAL_BASE_URL", ""), "PORTAL_BASE_URL: required"},
		{with("PORTAL_BASE_URL", "portal.example.edu.cn"), "PORTAL_BASE_URL="},
		{map[string]string{"PORTAL_SMTP_FROM": "portal@example.edu.cn"}, "PORTAL_SMTP_FROM is set but PORTAL_SMTP_ADDR is not"},
		{map[string]string{"PORTAL_SMTP_USER": "portal", "PORTAL_SMTP_PASSWORD": "x"}, "PORTAL_SMTP_PASSWORD is set but PORTAL_SMTP_ADDR is not"},
	}
	for _, tt := range tests {
		_, err := Load(env(tt.env))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Load(%v) = %v, want an error containing %q", tt.env, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("the error shows the password: %v", err)
		}
	}
}
