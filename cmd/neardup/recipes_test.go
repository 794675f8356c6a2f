package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// readmeRecipe returns the command lines of the README's indented block
// that follows the marker "<!-- README recipe: NAME -->", as written.
func readmeRecipe(t *testing.T, name string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	marker := "<!-- README recipe: " + name + " -->"
	_, rest, ok := strings.Cut(string(b), marker)
	if !ok {
		t.Fatalf("README.md has no %q", marker)
	}
	var lines []string
	for _, l := range strings.Split(rest, "\n") {
		switch t := strings.TrimSpace(l); {
		case t == "" && lines == nil:
		case t == "":
			return lines
		case strings.HasPrefix(l, "    ") || strings.HasPrefix(l, "\t"):
			cmd, _, _ := strings.Cut(t, "  #") // a comment after the command
			lines = append(lines, strings.TrimSpace(cmd))
		default:
			if lines != nil {
				return lines
			}
		}
	}
	return lines
}

// newcomerCheckout is a fresh folder that holds the repository as a
// newcomer's clone does (its entries linked), where commands run from the
// README write what they write.
func newcomerCheckout(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	root, err := filepath.Abs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() == ".git" || e.Name() == "out" {
			continue
		}
		if err := os.Symlink(filepath.Join(root, e.Name()), filepath.Join(dir, e.Name())); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// The README's quick start and nightly recipe, run line by line as
// written, in a fresh checkout (issue 27, item 1).
func TestREADMERecipesVerbatim(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the README's commands")
	}
	for _, name := range []string{"quick start", "nightly"} {
		lines := readmeRecipe(t, name)
		if len(lines) == 0 {
			t.Fatalf("the %s recipe is empty", name)
		}
		dir := newcomerCheckout(t)
		for _, line := range lines {
			if strings.HasPrefix(line, "go test") {
				continue // the tests themselves
			}
			cmd := exec.Command("bash", "-c", line)
			cmd.Dir = dir
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%s: %q: %v\n%s", name, line, err, out)
			}
			if strings.HasPrefix(line, "go run ./cmd/neardup history") {
				nights := 0
				for _, l := range strings.Split(string(out), "\n") {
					if f := strings.Fields(l); len(f) > 1 && f[0] == strconv.Itoa(nights+1) {
						nights++
					}
				}
				if nights != 3 {
					t.Errorf("%s: history lists %d nights, want 3:\n%s", name, nights, out)
				}
			}
		}
	}
}

// The README's first example says why its canonical articles are what
// they are, and that "cluster" is a number in a batch run and a string in
// a nightly one; both hold (issue 27, item 6).
func TestREADMEFirstExampleTruths(t *testing.T) {
	readme := readFile(t, filepath.Join(repoRoot, "README.md"))
	out := t.TempDir()
	if code, _, stderr := neardup(t, "", "run", "-q", "--out", out, wireDir); code != 0 {
		t.Fatal(stderr)
	}
	lines := readClusters(t, filepath.Join(out, "clusters.jsonl"))
	if len(lines) == 0 || lines[0].Canonical != "000_r3_sputnik_added" || !strings.Contains(readme, "the longest text") ||
		!strings.Contains(readme, "(`000_r3_sputnik_added`), not the original") {
		t.Errorf("README's wire example: the first cluster's canonical is %q; the README must say it is the longest text", lines[0].Canonical)
	}
	for _, c := range lines {
		longest := 0
		for _, m := range c.Members {
			b, _ := os.ReadFile(filepath.Join(wireDir, m.ID+".txt"))
			_, text, _ := strings.Cut(strings.TrimLeft(string(b), "\n"), "\n")
			if n := len(strings.TrimSpace(text)); n > longest {
				longest = n
				if m.ID != c.Canonical {
					t.Errorf("cluster %d: %s has a longer text than its canonical %s", c.Cluster, m.ID, c.Canonical)
				}
			}
		}
	}
	if !strings.Contains(readme, "`\"cluster\"` is a number here") || !strings.Contains(readme, "it is a string instead, the cluster's stable ID") {
		t.Error("README does not say where \"cluster\" is a number and where a string")
	}
}

// MaxREADME is what a newcomer reads in ten minutes (issue 26, item 9):
// the rest lives in docs/, linked from it.
const MaxREADME = 12 << 10

// TestREADMEShortAndLinked: the README stays under MaxREADME bytes, every
// relative link of it and of docs/*.md names a file that exists (and an
// anchor a heading of that file has), and every flag of its table is one
// that run --help lists.
func TestREADMEShortAndLinked(t *testing.T) {
	readme := readFile(t, filepath.Join(repoRoot, "README.md"))
	if len(readme) > MaxREADME {
		t.Errorf("README.md is %d bytes, more than %d: move detail into docs/", len(readme), MaxREADME)
	}
	pages, err := filepath.Glob(filepath.Join(repoRoot, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	pages = append(pages, filepath.Join(repoRoot, "README.md"))
	link := regexp.MustCompile(`\]\(([^)#\s]*)(#[^)\s]*)?\)`)
	for _, page := range pages {
		for _, m := range link.FindAllStringSubmatch(readFile(t, page), -1) {
			target, anchor := m[1], m[2]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			path := page
			if target != "" {
				path = filepath.Join(filepath.Dir(page), target)
			}
			if _, err := os.Stat(path); err != nil {
				t.Errorf("%s links %s, which does not exist", filepath.Base(page), m[0])
				continue
			}
			if anchor != "" && !slices.Contains(headingAnchors(readFile(t, path)), anchor[1:]) {
				t.Errorf("%s links %s: %s has no such heading", filepath.Base(page), m[0], target)
			}
		}
	}
	_, help, _ := neardup(t, "", "run", "--help")
	for _, m := range regexp.MustCompile("(?m)^\\| `([^`]+)`").FindAllStringSubmatch(readme, -1) {
		for _, f := range regexp.MustCompile(`--[a-z-]+|-[a-z]\b`).FindAllString(m[1], -1) {
			if f != "--help" && !strings.Contains(help, f) {
				t.Errorf("the README's flag table names %s, which run --help does not list", f)
			}
		}
	}
}

// headingAnchors are the anchors GitHub gives a Markdown file's headings.
func headingAnchors(md string) []string {
	var out []string
	for _, l := range strings.Split(md, "\n") {
		if !strings.HasPrefix(l, "#") {
			continue
		}
		h := strings.ToLower(strings.TrimSpace(strings.TrimLeft(l, "#")))
		var b strings.Builder
		for _, r := range h {
			switch {
			case r == ' ':
				b.WriteRune('-')
			case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
				b.WriteRune(r)
			}
		}
		out = append(out, b.String())
	}
	return out
}
