package portal

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
	"golang.org/x/text/width"
)

// User is an account.
type User struct {
	ID                 int64
	Username           string
	Phone              string
	Email              string // "" when the person gave none: no mail is sent
	DisplayName        string
	HomeOrgID          int64
	HomeOrgName        string
	HomeOrgPath        string
	Lang               string
	Active             bool
	MustChangePassword bool
	SessionEpoch       int
	Version            int
	Grants             []Grant
}

// Password limits. Passwords are hashed with argon2id, which has no length cutoff;
// the upper bound only keeps hashing cheap.
const (
	MinPassword = 8
	MaxPassword = 128
)

var (
	usernameRE = regexp.MustCompile(`^[A-Za-z0-9_.-]{3,40}$`)
	phoneRE    = regexp.MustCompile(`^[0-9+-]{5,20}$`)
	// emailRE is the HTML standard's pattern for an e-mail input, with a dot
	// required in the domain: ASCII only, because the portal's mail goes out
	// without the SMTPUTF8 extension.
	emailRE = regexp.MustCompile(`^[A-Za-z0-9.!#$%&'*+/=?^_{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$`)
)

// MaxEmail is the longest e-mail address accepted (RFC 5321's path limit less the
// angle brackets).
const MaxEmail = 254

// CheckEmail trims an e-mail address, turns full-width characters typed with a
// Chinese input method (＠, ．) into their ASCII forms, and returns it with the
// catalogue key of what is wrong with it, or "" when it is acceptable. An empty
// address is acceptable: the person gets no mail.
func CheckEmail(s string) (string, string) {
	s = strings.TrimSpace(width.Narrow.String(s))
	switch {
	case s == "":
		return "", ""
	case len(s) > MaxEmail || !emailRE.MatchString(s):
		return s, "user.email_invalid"
	}
	return s, ""
}

// UserInput is what an administrator types to create an account.
type UserInput struct {
	Username    string
	Phone       string
	Email       string // optional
	DisplayName string
	HomeOrgID   int64
	Password    string
}

// Validate checks the input and normalises its text fields.
func (in *UserInput) Validate() error {
	var v Invalid
	in.Username = strings.TrimSpace(in.Username)
	in.Phone = strings.TrimSpace(in.Phone)
	in.DisplayName = strings.TrimSpace(in.DisplayName)
	if !usernameRE.MatchString(in.Username) {
		v.Add("username", "user.username_invalid")
	}
	if in.Phone != "" && !phoneRE.MatchString(in.Phone) {
		v.Add("phone", "user.phone_invalid")
	}
	var msg string
	if in.Email, msg = CheckEmail(in.Email); msg != "" {
		v.Add("email", msg)
	}
	switch n := utf8.RuneCountInString(in.DisplayName); {
	case n == 0:
		v.Add("display_name", "form.required")
	case n > 50:
		v.Add("display_name", "form.too_long")
	}
	if in.HomeOrgID <= 0 {
		v.Add("home_org_id", "form.choose")
	}
	if msg := CheckPassword(in.Password); msg != "" {
		v.Add("password", msg)
	}
	return v.Err()
}

// CheckPassword returns the catalogue key of what is wrong with a new password, or "".
func CheckPassword(pw string) string {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinPassword:
		return "user.password_short"
	case n > MaxPassword:
		return "form.too_long"
	}
	return ""
}

// argon2id parameters: 19 MiB, 2 passes, 1 lane (OWASP's minimum), about 33 ms here.
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
)

// HashPassword returns an argon2id hash of pw in the PHC string format.
func HashPassword(pw string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// VerifyPassword reports whether pw matches hash, in time independent of where they differ.
// A malformed hash never matches.
func VerifyPassword(hash, pw string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	var mem, iters uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &iters, &threads); err != nil || threads == 0 || mem > 1<<20 || iters > 100 {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, iters, mem, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// DummyHash is verified against when an account does not exist, so that a sign-in
// takes as long for a missing account as for a wrong password.
var DummyHash = func() string {
	h, err := HashPassword("not a real password")
	if err != nil {
		panic(err)
	}
	return h
}()
