package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
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

// TestHelpReadsWell: no command's help shows pflag's raw value types or
// its bracketed list defaults; eval's list flags read as they are typed.
func TestHelpReadsWell(t *testing.T) {
	raw := regexp.MustCompile(`float64Slice|stringSlice|intSlice| strings | ints |\(default \[|0\.[0-9]00000|--[a-z-]+ (string|int|int64|float|duration) `)
	for _, cmd := range []string{"run", "eval", "report", "history", "state", "fit"} {
		code, stdout, _ := neardup(t, "", cmd, "--help")
		if code != 0 {
			t.Fatalf("%s --help: exit %d", cmd, code)
		}
		if m := raw.FindAllString(stdout, -1); m != nil {
			t.Errorf("%s --help shows pflag's raw types or defaults %q:\n%s", cmd, m, stdout)
		}
	}
	_, stdout, _ := neardup(t, "", "eval", "--help")
	for _, want := range []string{
		"--gold FILE ", "--pairs FILE ", "--clusters FILE ", "--audit FILE ", "--audit-sheet FILE ",
		"--sweep-shingle LIST ", "(default word:3,word:4,word:5)",
		"--sweep-hashes LIST ", "(default 128)",
		"--sweep-threshold LIST ", "(default 0.3,0.4,0.5,0.6,0.7)",
		"--sweep-containment LIST ", "(none: --containment alone)\n",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("eval --help lacks %q", want)
		}
	}
}

// TestRunHelpGrouped: run --help lists its flags under headings, the
// everyday ones first in a screenful, the veto stack's levers last under
// their own; a usage error names the command's own help; history --help
// names every column it prints (issue 27, item 5).
func TestRunHelpGrouped(t *testing.T) {
	_, stdout, _ := neardup(t, "", "run", "--help")
	at := func(heading string) int {
		i := strings.Index(stdout, "\n"+heading+":\n")
		if i < 0 {
			t.Fatalf("run --help has no heading %q", heading)
		}
		return i
	}
	order := []string{"Output", "Input", "Nightly use (with --state)", "Matching", "Performance", "Report",
		"Veto stack levers (read with --model off only; a model file holds their weights)"}
	for i := 1; i < len(order); i++ {
		if at(order[i-1]) > at(order[i]) {
			t.Errorf("run --help: %q comes after %q", order[i-1], order[i])
		}
	}
	if n := strings.Count(stdout[at("Output"):at("Matching")], "\n"); n > 24 {
		t.Errorf("run --help: the everyday flags take %d lines, more than a screen", n)
	}
	if i := strings.Index(stdout, "--threshold JACCARD"); i < at(order[len(order)-1]) {
		t.Error("run --help: --threshold is not under the levers' heading")
	}
	code, _, stderr := neardup(t, "", "run", "--bogus")
	if code != exitUsage || !strings.Contains(stderr, "Run 'neardup run --help' for usage.") {
		t.Errorf("a usage error of run: exit %d, %q", code, stderr)
	}
	_, help, _ := neardup(t, "", "history", "--help")
	st := filepath.Join(t.TempDir(), "st")
	if code, _, stderr := neardup(t, "", "run", "-q", "--state", st, "--out", t.TempDir(), wireDir); code != 0 {
		t.Fatal(stderr)
	}
	_, hist, _ := neardup(t, "", "history", "--state", st)
	for _, col := range strings.Fields(strings.SplitN(hist, "\n", 2)[0]) {
		if !regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(col) + ` `).MatchString(help) {
			t.Errorf("history --help does not name its column %q", col)
		}
	}
}

// flagReference renders docs/flags.md: every command's --help, which
// pflag builds from the command's flag set, under its heading.
func flagReference(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("# Flag reference\n\n[Back to the README](../README.md). Generated from the commands' own help " +
		"(`neardup CMD --help`): `go test ./cmd/neardup -run TestFlagReferenceCurrent -update` rewrites it, and the test fails " +
		"when it is stale.\n")
	for _, c := range commands {
		code, stdout, stderr := neardup(t, "", c, "--help")
		if code != 0 {
			t.Fatalf("%s --help: exit %d: %s", c, code, stderr)
		}
		fmt.Fprintf(&b, "\n## neardup %s\n\n```\n%s```\n", c, stdout)
	}
	return b.String()
}

// TestFlagReferenceCurrent: docs/flags.md is what the commands' help
// says today, flag for flag.
func TestFlagReferenceCurrent(t *testing.T) {
	path := filepath.Join(repoRoot, "docs", "flags.md")
	want := flagReference(t)
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if got := readFile(t, path); got != want {
		t.Errorf("docs/flags.md is stale: run go test ./cmd/neardup -run TestFlagReferenceCurrent -update")
	}
	readme := readFile(t, filepath.Join(repoRoot, "README.md"))
	if !strings.Contains(readme, "(docs/flags.md)") {
		t.Error("README.md does not link docs/flags.md")
	}
}

// TestREADMEFuzzCommandsEnd: every fuzz command of the README and of
// docs/development.md, where its development commands are, is bounded by
// -fuzztime (go test -fuzz alone runs until stopped), and every fuzz
// target of the repository is named in one, with its package.
func TestREADMEFuzzCommandsEnd(t *testing.T) {
	readme := readFile(t, filepath.Join(repoRoot, "README.md")) + readFile(t, filepath.Join(repoRoot, "docs", "development.md"))
	var bounded []string
	for line := range strings.Lines(readme) {
		if !strings.Contains(line, "-fuzz ") {
			continue
		}
		if !strings.Contains(line, "-fuzztime ") {
			t.Errorf("README fuzzes without -fuzztime, which runs until stopped:\n%s", line)
			continue
		}
		bounded = append(bounded, line)
	}
	target := regexp.MustCompile(`(?m)^func (Fuzz\w+)\(f \*testing\.F\)`)
	n := 0
	err := filepath.WalkDir(repoRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != repoRoot && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(repoRoot, filepath.Dir(path))
		pkg := "./" + filepath.ToSlash(rel)
		for _, m := range target.FindAllStringSubmatch(readFile(t, path), -1) {
			n++
			name := regexp.MustCompile(`\b` + m[1] + `\b`)
			if !slices.ContainsFunc(bounded, func(l string) bool { return name.MatchString(l) && strings.Contains(l, " "+pkg+" ") }) {
				t.Errorf("fuzz target %s (%s) is in no bounded fuzz command of README.md or docs/development.md", m[1], pkg)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no fuzz targets found")
	}
}
