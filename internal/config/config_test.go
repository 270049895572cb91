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
	if c.Addr != "localhost:8080" || c.TimeZone != "Asia/Shanghai" || c.IdleTimeout != 2*time.Hour || c.DBMaxConns != 10 || c.SecureCookies {
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
