package main

import (
	"encoding/json"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The nightly goldens and the compatibility fixture (issue 26, item 7).
// testdata/golden/nights holds three nights of a small generated feed
// (night-NN.jsonl, 24 articles), editors' decisions for nights 2 and 3,
// and for each night NN/args (its arguments beyond --state and --out,
// one a line) and the outputs it must write. state-02/ is the state that
// nights 1 and 2 leave, as the state format of its time wrote it, with
// state-02.export.jsonl and state-02.history.json, what `state export`
// and `history --json` say of it.
//
// -update rewrites the nights' outputs. The fixture is rewritten only
// with -update-state-fixture: it stands for the states users have on
// disk, so a change that stops this neardup reading it is a
// compatibility break to decide on (a format version, a migration, a
// note), never a golden to accept in passing.
var updateStateFixture = flag.Bool("update-state-fixture", false, "rewrite testdata/golden/nights/state-02 from this neardup's nights 1 and 2")

// nightsDir is absolute: each night's run changes the directory it runs in.
var nightsDir, _ = filepath.Abs(filepath.Join(goldenDir, "nights"))

// runNightCase runs night NN of the goldens over state and out, from the
// nights' folder, and checks (or with -update writes) its outputs.
func runNightCase(t *testing.T, nn, state, out string) {
	t.Helper()
	dir := filepath.Join(nightsDir, nn)
	args := append([]string{"run", "-q", "--state", state, "--out", out}, caseArgs(t, dir, out)...)
	t.Chdir(filepath.Dir(dir))
	if code, _, stderr := neardup(t, "", args...); code != 0 {
		t.Fatalf("night %s: neardup %s: exit %d: %s", nn, strings.Join(args, " "), code, stderr)
	}
	for name, got := range goldenOf(t, out) {
		golden := filepath.Join(dir, name)
		if *update {
			if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if want := readFile(t, golden); got != want {
			t.Errorf("night %s: %s differs from %s (go test ./cmd/neardup -run TestNightsGolden -update to accept):\ngot:\n%s\nwant:\n%s", nn, name, golden, got, want)
		}
	}
}

var (
	historySeconds   = regexp.MustCompile(`(?s)"seconds": \{[^}]*\}`)
	historyCommitted = regexp.MustCompile(`"committed": "[^"]*"`)
	historyBytes     = regexp.MustCompile(`"state_bytes": [0-9]+`)
)

// nightsHistory is `history --json` of state with what depends on the
// machine and the day masked: each night's seconds, its commit time, and
// the segments' bytes (zstd's output may change with the library).
func nightsHistory(t *testing.T, state string) string {
	t.Helper()
	code, stdout, stderr := neardup(t, "", "history", "--json", "--state", state)
	if code != 0 {
		t.Fatalf("history --json: exit %d: %s", code, stderr)
	}
	s := historySeconds.ReplaceAllString(stdout, `"seconds": "masked"`)
	s = historyCommitted.ReplaceAllString(s, `"committed": "masked"`)
	return historyBytes.ReplaceAllString(s, `"state_bytes": "masked"`)
}

// TestNightsGolden: three nights from an empty state write the golden
// outputs (a copy within a night, an editor joining two articles, a copy
// of a stored article, an editor un-hiding an earlier night's copy); the
// state they leave after night 2 is what the fixture holds.
func TestNightsGolden(t *testing.T) {
	state, out := filepath.Join(t.TempDir(), "st"), filepath.Join(t.TempDir(), "out")
	for _, nn := range []string{"01", "02"} {
		runNightCase(t, nn, state, out)
	}
	fixture := filepath.Join(nightsDir, "state-02")
	_, export, _ := neardup(t, "", "state", "export", "--state", state)
	history := nightsHistory(t, state)
	if *updateStateFixture {
		if err := os.RemoveAll(fixture); err != nil {
			t.Fatal(err)
		}
		copyTree(t, state, fixture)
		os.Remove(filepath.Join(fixture, ".lock"))
		os.WriteFile(fixture+".export.jsonl", []byte(export), 0o644)
		os.WriteFile(fixture+".history.json", []byte(history), 0o644)
	}
	if want := readFile(t, fixture+".export.jsonl"); export != want {
		t.Errorf("the state after night 2 holds other articles than the fixture's (state export):\ngot:\n%s\nwant:\n%s", export, want)
	}
	if want := readFile(t, fixture+".history.json"); history != want {
		t.Errorf("the state after night 2 remembers other nights than the fixture's (history --json):\ngot:\n%s\nwant:\n%s", history, want)
	}
	runNightCase(t, "03", state, out)
}

// TestNightsStateFixture: a state written by an earlier neardup (the
// fixture, nights 1 and 2) is read by this one: it verifies, holds its
// articles, history and editors' decisions, and night 3 run over it
// writes the same outputs as over a state this neardup made.
func TestNightsStateFixture(t *testing.T) {
	if *update || *updateStateFixture {
		t.Skip("the goldens are being rewritten")
	}
	fixture := filepath.Join(nightsDir, "state-02")
	state := filepath.Join(t.TempDir(), "st")
	copyTree(t, fixture, state)
	if code, _, stderr := neardup(t, "", "state", "verify", "--state", state); code != 0 {
		t.Fatalf("state verify of the fixture: exit %d: %s (a state written by an earlier neardup must still be read: see this file's comment)", code, stderr)
	}
	if _, export, _ := neardup(t, "", "state", "export", "--state", state); export != readFile(t, fixture+".export.jsonl") {
		t.Errorf("the fixture's articles, read by this neardup:\n%s\nwant:\n%s", export, readFile(t, fixture+".export.jsonl"))
	}
	if got := nightsHistory(t, state); got != readFile(t, fixture+".history.json") {
		t.Errorf("the fixture's nights, read by this neardup:\n%s\nwant:\n%s", got, readFile(t, fixture+".history.json"))
	}
	_, show, _ := neardup(t, "", "state", "show", "--state", state)
	if !strings.Contains(show, "editors' decisions stored: 1 (1 same story, 0 not a copy)") || !strings.Contains(show, "10 articles in 2 segments; 2 nights") {
		t.Errorf("state show of the fixture:\n%s\nwant its 10 articles, 2 nights and the one decision of night 2", show)
	}
	var m struct {
		Decisions []struct{ A, B, Label string }
	}
	gens, _ := filepath.Glob(filepath.Join(state, "gen-*", "MANIFEST"))
	if len(gens) != 1 {
		t.Fatalf("the fixture has %d generations, want 1", len(gens))
	}
	if err := json.Unmarshal([]byte(readFile(t, gens[0])), &m); err != nil || len(m.Decisions) != 1 || m.Decisions[0].A != "a0000005" || m.Decisions[0].B != "a0000006" || m.Decisions[0].Label != "dup" {
		t.Errorf("the fixture's MANIFEST decisions: %+v (%v), want a0000005 = a0000006", m.Decisions, err)
	}
	// A new --out holds none of the state's nights: the first run
	// publishes the state's last one (night 2, exit 17) instead of tonight's.
	out := filepath.Join(t.TempDir(), "out")
	t.Chdir(nightsDir)
	if code, _, stderr := neardup(t, "", "run", "-q", "--state", state, "--out", out, "night-03.jsonl"); code != exitMissed || !strings.Contains(stderr, "night 2's outputs are published now") {
		t.Fatalf("night 3 over the fixture into a new --out: exit %d, want %d: %s", code, exitMissed, stderr)
	}
	if got := goldenOf(t, out)["drop.txt"]; got != readFile(t, filepath.Join(nightsDir, "02", "drop.txt")) {
		t.Errorf("the outputs published for the state's last night: drop.txt %q, want night 2's", got)
	}
	runNightCase(t, "03", state, out)
}

// copyTree copies the files under src to dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}
