// Package config reads the portal's configuration from the environment and checks
// it once, at start, with messages that name the variable and what it expects.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Config is the portal's configuration.
type Config struct {
	DatabaseURL     string        // DATABASE_URL; empty: a private cluster in DataDir
	DataDir         string        // PORTAL_DATA_DIR: where the private cluster lives
	Addr            string        // PORTAL_ADDR: listen address
	BaseURL         string        // PORTAL_BASE_URL: how people reach the portal, for printed links
	TimeZone        string        // PORTAL_TZ
	SecureCookies   bool          // PORTAL_SECURE_COOKIES: set when served over TLS
	SessionLifetime time.Duration // PORTAL_SESSION_LIFETIME
	IdleTimeout     time.Duration // PORTAL_IDLE_TIMEOUT
	DBMaxConns      int           // PORTAL_DB_MAX_CONNS
	UploadMaxMB     int           // PORTAL_UPLOAD_MAX_MB
	UploadSlots     int           // PORTAL_UPLOAD_CONCURRENCY: uploads read and stored at once
	LogLevel        slog.Level    // PORTAL_LOG_LEVEL: debug, info, warn, error
	LogFormat       string        // PORTAL_LOG_FORMAT: text or json
	SMTP            SMTP          // PORTAL_SMTP_*: where mail goes out; zero: no mail
}

// SMTP is the mail server the portal sends its reminders through. Addr is empty
// when the portal sends no mail; then no mail is queued either.
type SMTP struct {
	Addr     string // PORTAL_SMTP_ADDR: host:port; port 465 speaks TLS at once, others STARTTLS when offered
	User     string // PORTAL_SMTP_USER: PLAIN authentication when set
	Password string // PORTAL_SMTP_PASSWORD
	From     string // PORTAL_SMTP_FROM: the sender, "addr@host" or "Name <addr@host>"
}

// Enabled reports whether the portal sends mail.
func (s SMTP) Enabled() bool { return s.Addr != "" }

// Vars documents every variable with its default, for README and `portal help`.
var Vars = [][3]string{
	{"DATABASE_URL", "", "PostgreSQL URL; unset: a private cluster under PORTAL_DATA_DIR"},
	{"PORTAL_DATA_DIR", ".pgdata/run", "folder of the private cluster (git-ignored)"},
	{"PORTAL_ADDR", "localhost:8080", "listen address"},
	{"PORTAL_BASE_URL", "", "address people use, printed at start (default http:// + PORTAL_ADDR)"},
	{"PORTAL_TZ", "Asia/Shanghai", "time zone for dates and deadlines"},
	{"PORTAL_SECURE_COOKIES", "false", "mark cookies Secure (behind TLS)"},
	{"PORTAL_SESSION_LIFETIME", "12h", "absolute session lifetime"},
	{"PORTAL_IDLE_TIMEOUT", "2h", "sign out after this long without a request"},
	{"PORTAL_DB_MAX_CONNS", "10", "database connection pool size"},
	{"PORTAL_UPLOAD_MAX_MB", "20", "largest upload in MB"},
	{"PORTAL_UPLOAD_CONCURRENCY", "2", "uploads read and stored at once (others wait up to 30s); less than PORTAL_DB_MAX_CONNS"},
	{"PORTAL_LOG_LEVEL", "info", "debug, info, warn or error"},
	{"PORTAL_LOG_FORMAT", "text", "text or json"},
	{"PORTAL_SMTP_ADDR", "", "mail server host:port for mail with reminders; unset: no mail"},
	{"PORTAL_SMTP_USER", "", "user name for SMTP authentication (PLAIN, over TLS); unset: none"},
	{"PORTAL_SMTP_PASSWORD", "", "password of PORTAL_SMTP_USER"},
	{"PORTAL_SMTP_FROM", "", "sender address, such as 校园组织工作平台 <portal@example.edu.cn>; required with PORTAL_SMTP_ADDR"},
}

// Load reads the configuration from getenv and returns every problem at once.
func Load(getenv func(string) string) (Config, error) {
	get := func(name string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		for _, v := range Vars {
			if v[0] == name {
				return v[1]
			}
		}
		return ""
	}
	var errs []error
	dur := func(name string) time.Duration {
		d, err := time.ParseDuration(get(name))
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("%s=%q: want a positive duration such as 30m or 12h", name, get(name)))
		}
		return d
	}
	intv := func(name string, min, max int) int {
		n, err := strconv.Atoi(get(name))
		if err != nil || n < min || n > max {
			errs = append(errs, fmt.Errorf("%s=%q: want a whole number from %d to %d", name, get(name), min, max))
		}
		return n
	}
	c := Config{
		DatabaseURL:     get("DATABASE_URL"),
		DataDir:         get("PORTAL_DATA_DIR"),
		Addr:            get("PORTAL_ADDR"),
		BaseURL:         strings.TrimRight(get("PORTAL_BASE_URL"), "/"),
		TimeZone:        get("PORTAL_TZ"),
		SessionLifetime: dur("PORTAL_SESSION_LIFETIME"),
		IdleTimeout:     dur("PORTAL_IDLE_TIMEOUT"),
		DBMaxConns:      intv("PORTAL_DB_MAX_CONNS", 2, 1000),
		UploadMaxMB:     intv("PORTAL_UPLOAD_MAX_MB", 1, 1024),
		UploadSlots:     intv("PORTAL_UPLOAD_CONCURRENCY", 1, 64),
		LogFormat:       get("PORTAL_LOG_FORMAT"),
	}
	switch v := strings.ToLower(get("PORTAL_SECURE_COOKIES")); v {
	case "true", "1", "yes":
		c.SecureCookies = true
	case "false", "0", "no":
	default:
		errs = append(errs, fmt.Errorf("PORTAL_SECURE_COOKIES=%q: want true or false", v))
	}
	if err := c.LogLevel.UnmarshalText([]byte(get("PORTAL_LOG_LEVEL"))); err != nil {
		errs = append(errs, fmt.Errorf("PORTAL_LOG_LEVEL=%q: want debug, info, warn or error", get("PORTAL_LOG_LEVEL")))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("PORTAL_LOG_FORMAT=%q: want text or json", c.LogFormat))
	}
	if _, err := time.LoadLocation(c.TimeZone); err != nil {
		errs = append(errs, fmt.Errorf("PORTAL_TZ=%q: unknown time zone", c.TimeZone))
	}
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		errs = append(errs, errors.New("DATABASE_URL: want a postgres:// URL"))
	}
	if c.BaseURL == "" {
		c.BaseURL = "http://" + c.Addr
	}
	// Uploads hold a database connection while they store their file; at least one
	// must stay free for everything else. The default gives way to a pool of 2.
	if strings.TrimSpace(getenv("PORTAL_UPLOAD_CONCURRENCY")) == "" && c.DBMaxConns >= 2 {
		c.UploadSlots = min(c.UploadSlots, c.DBMaxConns-1)
	}
	if c.UploadSlots >= c.DBMaxConns && c.DBMaxConns >= 2 {
		errs = append(errs, fmt.Errorf("PORTAL_UPLOAD_CONCURRENCY=%d: want less than PORTAL_DB_MAX_CONNS (%d), so that uploads leave connections for the other requests", c.UploadSlots, c.DBMaxConns))
	}
	if c.IdleTimeout > c.SessionLifetime && c.SessionLifetime > 0 {
		errs = append(errs, errors.New("PORTAL_IDLE_TIMEOUT is longer than PORTAL_SESSION_LIFETIME"))
	}
	if getenv("PORTAL_BASE_URL") != "" {
		if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("PORTAL_BASE_URL=%q: want an http:// or https:// address such as https://portal.example.edu.cn", c.BaseURL))
		}
	}
	// The password is taken as given (spaces may be part of it), and never printed.
	c.SMTP = SMTP{Addr: get("PORTAL_SMTP_ADDR"), User: get("PORTAL_SMTP_USER"), Password: getenv("PORTAL_SMTP_PASSWORD"), From: get("PORTAL_SMTP_FROM")}
	errs = append(errs, c.SMTP.check(strings.TrimSpace(getenv("PORTAL_BASE_URL")) != "")...)
	return c, errors.Join(errs...)
}

// check returns the problems of the SMTP settings: an address that is not
// host:port, a sender that is not an address, settings given without a server, a
// user without a password (or the reverse), and a server without PORTAL_BASE_URL,
// which the links in the mail need (the listen address is rarely what people
// reach from their mailbox).
func (s SMTP) check(baseURLSet bool) []error {
	var errs []error
	if s.Addr == "" {
		for name, v := range map[string]string{"PORTAL_SMTP_USER": s.User, "PORTAL_SMTP_PASSWORD": s.Password, "PORTAL_SMTP_FROM": s.From} {
			if v != "" {
				errs = append(errs, fmt.Errorf("%s is set but PORTAL_SMTP_ADDR is not: set the mail server too, or unset %s", name, name))
			}
		}
		sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
		return errs
	}
	host, port, err := net.SplitHostPort(s.Addr)
	if n, perr := strconv.Atoi(port); err != nil || host == "" || perr != nil || n < 1 || n > 65535 {
		errs = append(errs, fmt.Errorf("PORTAL_SMTP_ADDR=%q: want host:port, such as smtp.example.edu.cn:587", s.Addr))
	}
	if s.From == "" {
		errs = append(errs, errors.New("PORTAL_SMTP_FROM: required when PORTAL_SMTP_ADDR is set, such as portal@example.edu.cn"))
	} else if a, err := mail.ParseAddress(s.From); err != nil || !isASCII(a.Address) {
		errs = append(errs, fmt.Errorf("PORTAL_SMTP_FROM=%q: want an address such as portal@example.edu.cn or 校园组织工作平台 <portal@example.edu.cn>", s.From))
	}
	if (s.User == "") != (s.Password == "") {
		errs = append(errs, errors.New("PORTAL_SMTP_USER and PORTAL_SMTP_PASSWORD: set both, or neither for a server without authentication"))
	}
	if !baseURLSet {
		errs = append(errs, errors.New("PORTAL_BASE_URL: required when PORTAL_SMTP_ADDR is set, for the links in the mail (such as https://portal.example.edu.cn)"))
	}
	return errs
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
