package web

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGeneratedTemplFilesAreFresh regenerates every component into a scratch folder
// and fails when a committed *_templ.go differs: run `make generate` and commit.
func TestGeneratedTemplFilesAreFresh(t *testing.T) {
	sources, err := filepath.Glob("*.templ")
	if err != nil || len(sources) == 0 {
		t.Fatalf("no templ sources found: %v", err)
	}
	// The scratch folder mirrors the module (go.mod, go.sum, web/), so that the paths
	// templ writes into its output match those of `go tool templ generate` at the root.
	tmp := t.TempDir()
	if err := os.Mkdir(filepath.Join(tmp, "web"), 0o755); err != nil {
		t.Fatal(err)
	}
	copyFile := func(from, to string) {
		b, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(to, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	copyFile("../go.mod", filepath.Join(tmp, "go.mod"))
	copyFile("../go.sum", filepath.Join(tmp, "go.sum"))
	for _, src := range sources {
		copyFile(src, filepath.Join(tmp, "web", src))
	}
	cmd := exec.Command("go", "tool", "templ", "generate")
	cmd.Dir = tmp
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("templ generate: %v\n%s", err, out.String())
	}
	for _, src := range sources {
		gen := strings.TrimSuffix(src, ".templ") + "_templ.go"
		want, err := os.ReadFile(filepath.Join(tmp, "web", gen))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(gen)
		if err != nil {
			t.Errorf("%s is missing: run make generate", gen)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run make generate and commit it", gen)
		}
	}
	generated, _ := filepath.Glob("*_templ.go")
	for _, gen := range generated {
		if _, err := os.Stat(strings.TrimSuffix(gen, "_templ.go") + ".templ"); err != nil {
			t.Errorf("%s has no .templ source", gen)
		}
	}
}
