package i18n

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/campusorg/portal/internal/portal"
)

// moduleRoot finds the directory holding go.mod above the test's directory.
func moduleRoot(t *testing.T) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found")
		}
		dir = parent
	}
}

// sources returns the contents of the .go and .templ files under dirs, generated
// templ output and tests excluded.
func sources(t *testing.T, dirs ...string) map[string]string {
	root := moduleRoot(t)
	out := map[string]string{}
	for _, d := range dirs {
		err := filepath.WalkDir(filepath.Join(root, d), func(p string, e os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			name := e.Name()
			if e.IsDir() || strings.HasSuffix(name, "_templ.go") || strings.HasSuffix(name, "_test.go") ||
				!(strings.HasSuffix(name, ".go") || strings.HasSuffix(name, ".templ")) {
				return nil
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out[p] = string(b)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func TestEveryKeyHasBothLanguages(t *testing.T) {
	for k, m := range messages {
		if strings.TrimSpace(m.zh) == "" || strings.TrimSpace(m.en) == "" {
			t.Errorf("%s: missing a language", k)
		}
		if strings.Count(m.zh, "%") != strings.Count(m.en, "%") {
			t.Errorf("%s: the languages take different arguments", k)
		}
	}
}

// keyLike matches string literals shaped like catalogue keys.
var keyLike = regexp.MustCompile(`"([a-z]+\.[a-z0-9_]+(?:\.[a-z0-9_]+)*\.?)"`)

// notKeys are key-shaped literals that are not messages: file names and SQL.
var notKeys = regexp.MustCompile(`\.(css|js|svg|xlsx|csv|go|sql|html|txt|pdf)$|^(o|u|g|h|c|p|x|a|s|e|pr|vpo|mpo)\.`)

// TestCodeUsesOnlyKnownKeys finds every key-shaped string in the application code
// and checks it is in the catalogue, directly or as an audit action ("audit." + action).
func TestCodeUsesOnlyKnownKeys(t *testing.T) {
	for path, src := range sources(t, "web", "internal/server", "internal/portal", "internal/postgres", "internal/mail") {
		for _, m := range keyLike.FindAllStringSubmatch(src, -1) {
			k := m[1]
			if notKeys.MatchString(k) || Has(k) || Has("audit."+k) || strings.HasSuffix(k, ".") && hasPrefix(k) {
				continue
			}
			t.Errorf("%s: %q is not in the catalogue", filepath.Base(path), k)
		}
	}
}

// TestNoLiteralTextInViews keeps Chinese out of templates and handlers: every
// user-facing string comes from the catalogue.
func TestNoLiteralTextInViews(t *testing.T) {
	for path, src := range sources(t, "web", "internal/server") {
		for i, line := range strings.Split(src, "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "//") {
				continue
			}
			for _, r := range line {
				if unicode.Is(unicode.Han, r) {
					t.Errorf("%s:%d: literal Chinese text; put it in the catalogue", filepath.Base(path), i+1)
					break
				}
			}
		}
	}
}

// hasPrefix reports whether some key starts with prefix (for keys built at run time).
func hasPrefix(prefix string) bool {
	for k := range messages {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

func TestDateAndNumberFormats(t *testing.T) {
	if got := Int(1234567); got != "1,234,567" {
		t.Errorf("Int = %q", got)
	}
	if got := Int(-1000); got != "-1,000" {
		t.Errorf("Int negative = %q", got)
	}
	if got := T(EN, "home.greeting", "Li"); got != "Hello, Li" {
		t.Errorf("T with args = %q", got)
	}
	if got := T(ZH, "no.such.key"); got != "no.such.key" {
		t.Errorf("unknown key = %q", got)
	}
	if Parse("fr") != ZH || Parse("en") != EN || ZH.Other() != EN {
		t.Error("Parse/Other wrong")
	}
}

// TestDynamicKeys covers keys built at run time from domain values.
func TestDynamicKeys(t *testing.T) {
	for _, k := range portal.OrgKinds {
		if !Has("kind." + string(k)) {
			t.Errorf("kind.%s missing", k)
		}
	}
	for _, r := range portal.Roles {
		for _, prefix := range []string{"role.", "home.ws."} {
			if !Has(prefix + string(r)) {
				t.Errorf("%s%s missing", prefix, r)
			}
		}
	}
}
