package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// Tests from a newcomer's first hour (issue 15): what the command says
// about itself agrees with what it does and with the README.

// TestRunSaysItWroteTheReport: run --html names the report in its summary
// lines on stderr; -q prints nothing.
func TestRunSaysItWroteTheReport(t *testing.T) {
	out := t.TempDir()
	html := filepath.Join(t.TempDir(), "today.html")
	code, _, stderr := neardup(t, "", "run", "--out", out, "--html", html, wireDir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if want := "neardup: wrote the HTML report " + html + "\n"; !strings.Contains(stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, stderr)
	}
	code, _, stderr = neardup(t, "", "run", "--out", out, wireDir)
	if code != 0 || strings.Contains(stderr, "report") {
		t.Errorf("without --html: exit %d, stderr mentions a report:\n%s", code, stderr)
	}
	code, _, stderr = neardup(t, "", "run", "-q", "--out", out, "--html", html, wireDir)
	if code != 0 || stderr != "" {
		t.Errorf("-q --html: exit %d, stderr %q, want nothing", code, stderr)
	}
}
