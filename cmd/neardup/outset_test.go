package main

import (
	"context"
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/neardup/neardup/lock"
	"github.com/neardup/neardup/report"
)

// runBinary runs the built command with extra environment variables and
// returns its exit code (-1 when killed by a signal) and stderr.
func runBinary(t *testing.T, env []string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode(), stderr.String()
}

// whichSet checks that out holds one whole, consistent set read through its
// documented paths, and says whose: "wire", "briefs", or "" when there is
// no set at all.
func whichSet(t *testing.T, out string) string {
	t.Helper()
	c, err := report.ReadSet(out)
	if errors.Is(err, fs.ErrNotExist) {
		for _, n := range report.Outputs {
			if _, err := os.Stat(filepath.Join(out, n)); err == nil {
				t.Fatalf("%s exists but the set is incomplete", n)
			}
		}
		return ""
	}
	if err != nil {
		t.Fatalf("not one consistent set: %v", err)
	}
	got := readFile(t, filepath.Join(out, report.ClustersFile))
	for _, name := range []string{"wire", "briefs"} {
		if got == readFile(t, filepath.Join(goldenDir, name, "clusters.jsonl")) {
			if want := readFile(t, filepath.Join(goldenDir, name, "drop.txt")); readFile(t, filepath.Join(out, report.DropFile)) != want {
				t.Fatalf("clusters.jsonl of %s, drop.txt of another run", name)
			}
			if read := map[string]int{"wire": 8, "briefs": 10}[name]; c.Summary.Articles.Read != read {
				t.Fatalf("clusters.jsonl of %s, summary.json of a run that read %d articles", name, c.Summary.Articles.Read)
			}
			return name
		}
	}
	t.Fatalf("clusters.jsonl is neither wire's nor briefs'")
	return ""
}

// plainOutputs writes a set as an older neardup left it: plain files.
func plainOutputs(t *testing.T, out, input string) {
	t.Helper()
	tmp := t.TempDir()
	if code, stderr := runBinary(t, nil, "run", "-q", "--out", tmp, input); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	os.MkdirAll(out, 0o755)
	for _, n := range report.Outputs {
		if err := os.WriteFile(filepath.Join(out, n), []byte(readFile(t, filepath.Join(tmp, n))), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestOutputSetLayout: the documented paths are links through OUT/current
// into the newest generation; the one before it is kept, older ones go; a
// report inside OUT joins the set and is gone from the next set without it.
func TestOutputSetLayout(t *testing.T) {
	out := t.TempDir()
	html := filepath.Join(out, "report.html")
	for i, input := range []string{wireDir, briefsDir, wireDir} {
		if code, stderr := runBinary(t, nil, "run", "-q", "--out", out, "--html", html, input); code != 0 {
			t.Fatalf("run %d: exit %d: %s", i, code, stderr)
		}
	}
	for _, n := range append(slices.Clone(report.Outputs), "report.html") {
		if target, err := os.Readlink(filepath.Join(out, n)); err != nil || target != "current/"+n {
			t.Errorf("%s: link to %q (%v), want current/%s", n, target, err, n)
		}
	}
	if target, _ := os.Readlink(filepath.Join(out, "current")); target != ".gen-3" {
		t.Errorf("current -> %q, want .gen-3", target)
	}
	gens, _ := filepath.Glob(filepath.Join(out, ".gen-*"))
	if len(gens) != 2 || filepath.Base(gens[0]) != ".gen-2" {
		t.Errorf("generations %v, want .gen-2 (the one replaced) and .gen-3", gens)
	}
	if whichSet(t, out) != "wire" || !strings.Contains(readFile(t, html), "Idlib") {
		t.Error("the set is not the last run's")
	}
	if code, stderr := runBinary(t, nil, "run", "-q", "--out", out, briefsDir); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(html); !errors.Is(err, fs.ErrNotExist) || whichSet(t, out) != "briefs" {
		t.Errorf("a report of an earlier run is still shown beside a set without one: %v", err)
	}
}

// TestMigrationFromPlainFiles: outputs an older neardup wrote as plain
// files become a generation; a run killed while adopting them, or before
// its own switch, leaves them as they were.
func TestMigrationFromPlainFiles(t *testing.T) {
	for _, at := range []string{"adopt switched", "adopted", "linked", ""} {
		t.Run(at, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			plainOutputs(t, out, wireDir)
			code, stderr := runBinary(t, []string{"NEARDUP_TEST_KILL_AT=" + at}, "run", "-q", "--out", out, briefsDir)
			want := "wire"
			if at == "" {
				want = "briefs"
				if code != 0 {
					t.Fatalf("exit %d: %s", code, stderr)
				}
			} else if code != -1 {
				t.Fatalf("exit %d, want killed at %s: %s", code, at, stderr)
			}
			if got := whichSet(t, out); got != want {
				t.Fatalf("set of %s, want %s", got, want)
			}
			// The next run finishes the job.
			if code, stderr := runBinary(t, nil, "run", "-q", "--out", out, briefsDir); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if whichSet(t, out) != "briefs" {
				t.Fatal("the next run's set is not there")
			}
			for _, n := range report.Outputs {
				if fi, _ := os.Lstat(filepath.Join(out, n)); fi.Mode()&fs.ModeSymlink == 0 {
					t.Errorf("%s is still a plain file", n)
				}
			}
		})
	}
}

// TestKilledRunLeavesOneSet: a run killed at every step of writing its
// outputs, and at 10 random instants, leaves the previous set or its own,
// never a mix; the next run cleans up after it. (The full replay, 100
// random kills on a run of about a second, is benchmarks/reliability.)
func TestKilledRunLeavesOneSet(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	html := filepath.Join(out, "report.html")
	inputs := []string{wireDir, briefsDir}
	names := []string{"wire", "briefs"}
	points := []string{"adopted", "wrote clusters.jsonl", "wrote drop.txt", "wrote summary.json", "wrote report.html", "written", "linked", "switched", "pruned"}
	have := ""
	for i, at := range points {
		code, stderr := runBinary(t, []string{"NEARDUP_TEST_KILL_AT=" + at}, "run", "-q", "--out", out, "--html", html, inputs[i%2])
		if code != -1 {
			t.Fatalf("kill at %q: exit %d: %s", at, code, stderr)
		}
		if at == "switched" || at == "pruned" {
			have = names[i%2]
		}
		if got := whichSet(t, out); got != have {
			t.Errorf("killed at %q: set of %q, want %q", at, got, have)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 10 {
		cmd := exec.Command(binary, "run", "-q", "--out", out, inputs[i%2])
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rng.IntN(15000)) * time.Microsecond)
		cmd.Process.Kill()
		cmd.Wait()
		if got := whichSet(t, out); got == "" {
			t.Fatalf("random kill %d: no set", i)
		}
	}
	if code, stderr := runBinary(t, nil, "run", "-q", "--out", out, briefsDir); code != 0 || whichSet(t, out) != "briefs" {
		t.Fatalf("after the kills: exit %d: %s", code, stderr)
	}
	entries, _ := os.ReadDir(out)
	var left []string
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			left = append(left, e.Name())
		}
	}
	if gens, _ := filepath.Glob(filepath.Join(out, ".gen-*")); len(gens) != 2 || len(left) > 0 {
		t.Errorf("left over: generations %v, temporary files %v", gens, left)
	}
}

// TestReportFailureLeavesPreviousSet: when the HTML report cannot be
// written (here: a file size limit, as on a full disk), the previous set,
// its report included, stays whole; so does a report outside --out.
func TestReportFailureLeavesPreviousSet(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	for _, html := range []string{filepath.Join(out, "report.html"), filepath.Join(dir, "outside.html")} {
		if code, stderr := runBinary(t, nil, "run", "-q", "--out", out, "--html", html, wireDir); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		before := readFile(t, html)
		// 16 KiB fits briefs' outputs, not its 18 KiB report.
		cmd := exec.Command("bash", "-c", `ulimit -f 16 && exec "$@"`, "bash", binary, "run", "-q", "--out", out, "--html", html, briefsDir)
		if msg, err := cmd.CombinedOutput(); cmd.ProcessState.ExitCode() != 1 || !strings.Contains(string(msg), "file too large") {
			t.Fatalf("--html %s under a size limit: %v: %s", html, err, msg)
		}
		if got := whichSet(t, out); got != "wire" {
			t.Errorf("--html %s: set of %s after the failed run, want wire's", html, got)
		}
		if readFile(t, html) != before {
			t.Errorf("--html %s: the report changed", html)
		}
		if left, _ := filepath.Glob(filepath.Join(dir, ".*.tmp-*")); len(left) > 0 {
			t.Errorf("left over: %v", left)
		}
	}
}

// TestOutLock: a second neardup on the same --out exits 11 at once,
// naming the holder; with --wait it waits; a killed holder's lock is free.
func TestOutLock(t *testing.T) {
	out := t.TempDir()
	l, err := lock.Acquire(context.Background(), filepath.Join(out, ".lock"), 0, "a test")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	code, stderr := runBinary(t, nil, "run", "-q", "--out", out, wireDir)
	if code != 11 || !strings.Contains(stderr, "locked by pid "+strconv.Itoa(os.Getpid())) || !strings.Contains(stderr, "(a test)") ||
		!strings.Contains(stderr, "--wait") {
		t.Errorf("run on a locked --out: exit %d, %s", code, stderr)
	}
	if code, stderr := runBinary(t, nil, "report", "--out", out); code != 11 {
		t.Errorf("report on a locked --out: exit %d, %s", code, stderr)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v: not at once", d)
	}
	if whichSet(t, out) != "" {
		t.Error("the locked-out run wrote outputs")
	}
	go func() {
		time.Sleep(300 * time.Millisecond)
		l.Release()
	}()
	if code, stderr := runBinary(t, nil, "run", "-q", "--wait", "1m", "--out", out, wireDir); code != 0 || whichSet(t, out) != "wire" {
		t.Errorf("run --wait: exit %d, %s", code, stderr)
	}
	// A holder killed while it holds the lock leaves nothing stale.
	if code, _ := runBinary(t, []string{"NEARDUP_TEST_KILL_AT=written"}, "run", "-q", "--out", out, briefsDir); code != -1 {
		t.Fatalf("exit %d, want killed", code)
	}
	if code, stderr := runBinary(t, nil, "run", "-q", "--out", out, briefsDir); code != 0 || whichSet(t, out) != "briefs" {
		t.Errorf("after a killed holder: exit %d, %s", code, stderr)
	}
	for _, w := range []string{"soon", "-1s"} {
		if code, _, stderr := neardup(t, "", "run", "--wait", w, "--out", out, wireDir); code != 2 {
			t.Errorf("--wait %s: exit %d, %s", w, code, stderr)
		}
	}
}

// TestRefusals: what would destroy outputs is refused, and what earlier
// runs left is cleaned up.
func TestRefusals(t *testing.T) {
	out := t.TempDir()
	if code, _, stderr := neardup(t, "", "run", "-q", "--out", out, wireDir); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, html := range []string{"summary.json", "clusters.jsonl", "drop.txt", ".", "current/x.html", ".lock"} {
		code, _, stderr := neardup(t, "", "run", "-q", "--out", out, "--html", filepath.Join(out, html), briefsDir)
		if code != 2 || !strings.Contains(stderr, "--html") {
			t.Errorf("--html OUT/%s: exit %d, %s", html, code, stderr)
		}
	}
	if code, _, stderr := neardup(t, "", "report", "--out", out, "--html", filepath.Join(out, "drop.txt")); code != 2 {
		t.Errorf("report --html OUT/drop.txt: exit %d, %s", code, stderr)
	}
	if whichSet(t, out) != "wire" {
		t.Fatal("a refused run changed the outputs")
	}

	// No articles read: the outputs stay.
	empty := t.TempDir()
	os.WriteFile(filepath.Join(empty, "empty.txt"), nil, 0o644)
	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	os.WriteFile(bad, []byte("{broken\n"), 0o644)
	for _, args := range [][]string{{empty}, {"--on-error=skip", bad}} {
		code, _, stderr := neardup(t, "", append([]string{"run", "-q", "--out", out}, args...)...)
		if code != 1 || !strings.Contains(stderr, "no articles read") || whichSet(t, out) != "wire" {
			t.Errorf("%v: exit %d, %s", args, code, stderr)
		}
	}

	// Leftovers of killed runs go, under the lock.
	os.Mkdir(filepath.Join(out, ".gen-77"), 0o755)
	os.WriteFile(filepath.Join(out, ".gen-77", "clusters.jsonl"), nil, 0o644)
	os.WriteFile(filepath.Join(out, ".clusters.jsonl.tmp-123"), nil, 0o644)
	os.Symlink(".gen-77", filepath.Join(out, ".current.tmp-abc"))
	if code, _, stderr := neardup(t, "", "run", "-q", "--out", out, briefsDir); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, n := range []string{".gen-77", ".clusters.jsonl.tmp-123", ".current.tmp-abc"} {
		if _, err := os.Lstat(filepath.Join(out, n)); err == nil {
			t.Errorf("%s is still there", n)
		}
	}
}

// TestOutInsideInput: an --out inside an input folder is not read as
// input, run after run.
func TestOutInsideInput(t *testing.T) {
	in := t.TempDir()
	files, _ := filepath.Glob(filepath.Join(wireDir, "*.txt"))
	for _, f := range files {
		os.WriteFile(filepath.Join(in, filepath.Base(f)), []byte(readFile(t, f)), 0o644)
	}
	out := filepath.Join(in, "out")
	for i := range 2 {
		code, _, stderr := neardup(t, "", "run", "-q", "--out", out, "--html", filepath.Join(out, "r.html"), in)
		if code != 0 {
			t.Fatalf("run %d: exit %d: %s", i, code, stderr)
		}
		if whichSet(t, out) != "wire" {
			t.Fatalf("run %d: outputs differ from wire's", i)
		}
	}
	// So does `report`, reading the inputs again.
	if code, _, stderr := neardup(t, "", "report", "--out", out); code != 0 {
		t.Fatalf("report: exit %d: %s", code, stderr)
	}
	if code, _, stderr := neardup(t, "", "run", "-q", "--out", out, filepath.Join(in, "..", filepath.Base(in))+"/"); code != 0 {
		t.Errorf("input spelt differently: exit %d: %s", code, stderr)
	}
}

// TestReleaseBuildHasNoKillHooks: the kill points the tests use are built
// only with -tags killhooks (the tests' binary says so in its version); a
// release build given NEARDUP_TEST_KILL_AT runs to the end (issue 26,
// item 8).
func TestReleaseBuildHasNoKillHooks(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command")
	}
	release := filepath.Join(t.TempDir(), "neardup")
	if out, err := exec.Command("go", "build", "-o", release, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out := filepath.Join(t.TempDir(), "out")
	cmd := exec.Command(release, "run", "-q", "--out", out, briefsDir)
	cmd.Env = append(os.Environ(), "NEARDUP_TEST_KILL_AT=written")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("a release build with NEARDUP_TEST_KILL_AT=written: %v\n%s", err, b)
	}
	if _, err := os.Stat(filepath.Join(out, "summary.json")); err != nil {
		t.Errorf("the release build wrote no outputs: %v", err)
	}
	v, err := exec.Command(release, "version").Output()
	if err != nil || strings.Contains(string(v), "kill hooks") {
		t.Errorf("release version: %q, %v", v, err)
	}
	if v, err := exec.Command(binary, "version").Output(); err != nil || !strings.Contains(string(v), "kill hooks on") {
		t.Errorf("the tests' binary (-tags killhooks) says %q, %v", v, err)
	}
	if code, _ := runBinary(t, []string{"NEARDUP_TEST_KILL_AT=written"}, "run", "-q", "--out", filepath.Join(t.TempDir(), "o"), briefsDir); code != -1 {
		t.Errorf("the tests' binary was not killed at \"written\": exit %d", code)
	}
}
