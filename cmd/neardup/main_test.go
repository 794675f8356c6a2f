package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the expected outputs of the cases in testdata/golden/*/")

const (
	wireDir   = "../../testdata/wire"
	briefsDir = "../../testdata/briefs"
	goldenDir = "../../testdata/golden"
)

// binary is the neardup command built once for the end-to-end tests.
var binary string

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "neardup-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "neardup")
	if out, err := exec.Command("go", "build", "-tags", "killhooks", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building neardup: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// neardup runs a command line in-process and returns its exit code, stdout
// and stderr.
func neardup(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, env{stdin: strings.NewReader(stdin), stdout: &stdout, stderr: &stderr})
	return code, stdout.String(), stderr.String()
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The golden cases, found by glob as gofmt finds its testdata: each folder
// testdata/golden/<case>/ holds
//
//   - args: the arguments of neardup run, one per line, after "run -q --out
//     OUT" (blank lines and lines starting with # are left out; $OUT is the
//     output directory; paths are relative to the case folder, where the
//     run starts);
//   - the case's own input files, if any (feed.csv, feed.jsonl.gz);
//   - the expected outputs (goldenOutputs): clusters.jsonl and drop.txt as
//     written, summary.json with what changes from run to run masked
//     (maskSummary), and, for a run that writes an HTML report,
//     report.data.json: the JSON data block the page embeds, indented.
//
// go test ./cmd/neardup -update rewrites the expected outputs.
var goldenOutputs = []string{"clusters.jsonl", "drop.txt", "summary.json", "report.data.json"}

func TestGolden(t *testing.T) {
	cases, err := filepath.Glob(filepath.Join(goldenDir, "*", "args"))
	if err != nil || len(cases) == 0 {
		t.Fatalf("no golden cases in %s: %v", goldenDir, err)
	}
	for _, argsFile := range cases {
		dir, err := filepath.Abs(filepath.Dir(argsFile))
		if err != nil {
			t.Fatal(err)
		}
		t.Run(filepath.Base(dir), func(t *testing.T) {
			out := t.TempDir()
			args := append([]string{"run", "-q", "--out", out}, caseArgs(t, dir, out)...)
			t.Chdir(dir)
			if code, _, stderr := neardup(t, "", args...); code != 0 {
				t.Fatalf("neardup %s: exit %d: %s", strings.Join(args, " "), code, stderr)
			}
			got := goldenOf(t, out)
			for _, name := range goldenOutputs {
				golden := filepath.Join(dir, name)
				g, wrote := got[name]
				if *update {
					if wrote {
						err = os.WriteFile(golden, []byte(g), 0o644)
					} else if err = os.Remove(golden); errors.Is(err, os.ErrNotExist) {
						err = nil
					}
					if err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(golden)
				switch {
				case wrote && err != nil:
					t.Errorf("%s: %v (run go test ./cmd/neardup -update to write it)", name, err)
				case !wrote && err == nil:
					t.Errorf("the run wrote no %s, but the case expects one", name)
				case wrote && g != string(want):
					t.Errorf("%s differs from %s (run go test ./cmd/neardup -update to accept):\ngot:\n%s\nwant:\n%s", name, golden, g, want)
				}
			}
		})
	}
}

// caseArgs reads the args file of the golden case in dir: its lines, but
// blank ones and # comments, with $OUT replaced by out.
func caseArgs(t *testing.T, dir, out string) []string {
	t.Helper()
	var args []string
	for line := range strings.Lines(readFile(t, filepath.Join(dir, "args"))) {
		line = strings.TrimRight(line, "\r\n")
		if line != "" && !strings.HasPrefix(line, "#") {
			args = append(args, strings.ReplaceAll(line, "$OUT", out))
		}
	}
	return args
}

// goldenOf reads a run's outputs as the golden files hold them, by name
// (see goldenOutputs): report.data.json only when the run wrote
// OUT/report.html.
func goldenOf(t *testing.T, out string) map[string]string {
	t.Helper()
	got := map[string]string{
		"clusters.jsonl": readFile(t, filepath.Join(out, "clusters.jsonl")),
		"drop.txt":       readFile(t, filepath.Join(out, "drop.txt")),
		"summary.json":   maskSummary(t, readFile(t, filepath.Join(out, "summary.json"))),
	}
	if page, err := os.ReadFile(filepath.Join(out, "report.html")); err == nil {
		got["report.data.json"] = reportData(t, string(page))
	}
	return got
}

var (
	summaryVersion = regexp.MustCompile(`(?m)^(  "version": )"[^"]*"`)
	summaryWorkers = regexp.MustCompile(`(?m)^(  "workers": )[0-9]+`)
	summaryNumber  = regexp.MustCompile(`(": )-?[0-9][0-9.eE+-]*`)
)

// maskSummary replaces with "masked" what summary.json says about the
// machine and the build rather than the input: the release (version), the
// worker count and every figure under seconds (the stage names stay). It
// fails the test when one of them is not where it expects it, so that a
// change of layout cannot let timings into a golden file.
func maskSummary(t *testing.T, s string) string {
	t.Helper()
	s = summaryVersion.ReplaceAllString(s, `${1}"masked"`)
	s = summaryWorkers.ReplaceAllString(s, `${1}"masked"`)
	if i := strings.Index(s, "\n  \"seconds\": {"); i >= 0 {
		s = s[:i] + summaryNumber.ReplaceAllString(s[i:], `${1}"masked"`)
	}
	for _, want := range []string{`"version": "masked"`, `"workers": "masked"`, `"total": "masked"`} {
		if !strings.Contains(s, want) {
			t.Fatalf("summary.json: %s not masked:\n%s", want, s)
		}
	}
	return s
}

// Markers of the report's data block (report.html.tmpl).
const dataStart, dataEnd = `<script id="data" type="application/json">`, `</script>`

// reportData returns the JSON data block of a report page, indented.
func reportData(t *testing.T, page string) string {
	t.Helper()
	_, rest, ok := strings.Cut(page, dataStart)
	data, _, ok2 := strings.Cut(rest, dataEnd)
	if !ok || !ok2 {
		t.Fatalf("report.html has no data block between %s and %s", dataStart, dataEnd)
	}
	var b bytes.Buffer
	if err := json.Indent(&b, []byte(data), "", "  "); err != nil {
		t.Fatalf("report.html: data block: %v", err)
	}
	return b.String() + "\n"
}

// clusterIDs runs neardup on input with args and returns each cluster's
// member IDs, canonical first.
func clusterIDs(t *testing.T, input string, args ...string) string {
	t.Helper()
	out := t.TempDir()
	if code, _, stderr := neardup(t, "", append(append([]string{"run", "-q", "--out", out}, args...), input)...); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var groups []string
	for _, c := range readClusters(t, filepath.Join(out, "clusters.jsonl")) {
		var ids []string
		for _, m := range c.Members {
			ids = append(ids, m.ID)
		}
		groups = append(groups, strings.Join(ids, "+"))
	}
	return strings.Join(groups, " ")
}

// TestLevers: each news-aware lever of the veto stack (--model off),
// switched off, changes what the briefs in testdata/briefs become — so
// each one is shown to do its job; the default model keeps the same
// clusters as the stack's defaults.
func TestLevers(t *testing.T) {
	defaults := "earn-orcas+earn-orcas-corr port-lede+port-full"
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"defaults", nil, defaults},
		{"no containment: the lede-only cut stays apart", []string{"--containment", "0"}, "earn-orcas+earn-orcas-corr"},
		{"no figures, names or subject test: two companies' dividends merge", []string{"--figures", "0", "--names", "0", "--subject", "0"},
			"div-harrow+div-pellam " + defaults},
		{"the subject test alone keeps the dividends apart", []string{"--figures", "0", "--names", "0"}, defaults},
		{"names alone keep the dividends apart", []string{"--figures", "0", "--subject", "0", "--names", "0.85"}, defaults},
		{"figures alone keep the dividends apart", []string{"--subject", "0"}, defaults},
		{"no window and no figures: two weeks' reports merge", []string{"--window", "off", "--short-window", "off", "--figures", "0", "--figure-order", "0"},
			"earn-orcas+earn-orcas-corr grain-wk18+grain-wk19 port-lede+port-full"},
		{"--veto-below 1 switches figures, names and the subject test off", []string{"--veto-below", "1"}, "div-harrow+div-pellam " + defaults},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := clusterIDs(t, briefsDir, append([]string{"--model", "off"}, tt.args...)...); got != tt.want {
				t.Errorf("clusters %q, want %q", got, tt.want)
			}
		})
	}
	if got := clusterIDs(t, briefsDir); got != defaults {
		t.Errorf("default model: clusters %q, want %q", got, defaults)
	}
}

func TestEval(t *testing.T) {
	code, stdout, stderr := neardup(t, "", "eval", "--gold", "../../testdata/briefs.gold.jsonl", briefsDir)
	if code != 0 || !strings.Contains(stdout, "ARI       1.0000") || !strings.Contains(stdout, "pairwise  1.0000     1.0000  1.0000") {
		t.Errorf("eval --gold: exit %d\n%s%s", code, stdout, stderr)
	}
	pairs := filepath.Join(t.TempDir(), "pairs.jsonl")
	os.WriteFile(pairs, []byte(strings.Join([]string{
		`{"a": "earn-orcas", "b": "earn-orcas-corr", "label": "dup", "stratum": "correction"}`,
		`{"a": "port-full", "b": "port-lede", "label": "dup", "stratum": "cut"}`,
		`{"a": "div-harrow", "b": "div-pellam", "label": "distinct", "stratum": "template", "why": "two companies"}`,
		`{"a": "grain-wk18", "b": "grain-wk19", "label": "distinct", "stratum": "template"}`,
	}, "\n")), 0o644)
	// With the veto stack's containment off the cut copy is a miss, listed
	// with its evidence.
	code, stdout, _ = neardup(t, "", "eval", "--pairs", pairs, "--model", "off", "--containment", "0", "--json", briefsDir)
	var rep struct {
		Pairs struct {
			DupRecall float64 `json:"dup_recall"`
			Merged    float64 `json:"distinct_merged_rate"`
			Misses    []struct {
				A, B   string
				TitleA string `json:"title_a"`
				Match  struct {
					Reason      string
					Containment float64
				}
			} `json:"misses"`
		} `json:"pairs"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil || code != 0 {
		t.Fatalf("eval --json: exit %d, %v\n%s", code, err, stdout)
	}
	p := rep.Pairs
	if p.DupRecall != 0.5 || p.Merged != 0 || len(p.Misses) != 1 || p.Misses[0].Match.Reason != "below threshold" ||
		p.Misses[0].Match.Containment < 0.9 || p.Misses[0].TitleA == "" {
		t.Errorf("eval --pairs: %+v", p)
	}
	// Scoring a finished run's clusters.jsonl gives the same recall.
	out := t.TempDir()
	neardup(t, "", "run", "-q", "--out", out, briefsDir)
	code, stdout, _ = neardup(t, "", "eval", "--pairs", pairs, "--clusters", filepath.Join(out, "clusters.jsonl"))
	if code != 0 || !strings.Contains(stdout, "dup recall       1.0000") {
		t.Errorf("eval --clusters: exit %d\n%s", code, stdout)
	}
	// A sweep of the veto stack's thresholds prints one row per setting
	// and the best one; with a model it is refused.
	if code, _, stderr := neardup(t, "", "eval", "--sweep", "--gold", "../../testdata/briefs.gold.jsonl", briefsDir); code != exitUsage || !strings.Contains(stderr, "--model off") {
		t.Errorf("eval --sweep with the model: exit %d: %s", code, stderr)
	}
	code, stdout, _ = neardup(t, "", "eval", "--sweep", "--model", "off", "--gold", "../../testdata/briefs.gold.jsonl", "--pairs", pairs,
		"--sweep-shingle", "word:3,word:5", "--sweep-threshold", "0.3,0.6", briefsDir)
	if code != 0 || strings.Count(stdout, "\nword:") != 4 || !strings.Contains(stdout, "best by ARI") ||
		!strings.Contains(stdout, "best dup recall with at most 5.0% distinct merged") {
		t.Errorf("eval --sweep: exit %d\n%s", code, stdout)
	}
	// Usage errors.
	for _, args := range [][]string{{"eval", briefsDir}, {"eval", "--gold", "x", "--clusters", "y", briefsDir}} {
		if code, _, _ := neardup(t, "", args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

type clusterLine struct {
	Cluster   int    `json:"cluster"`
	Size      int    `json:"size"`
	Canonical string `json:"canonical"`
	Members   []struct {
		ID         string  `json:"id"`
		Similarity float64 `json:"similarity"`
	} `json:"members"`
}

func readClusters(t *testing.T, path string) []clusterLine {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cs []clusterLine
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var c clusterLine
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		cs = append(cs, c)
	}
	return cs
}

// TestWireSeedsApartRewritesJoined is the product's first promise: the two
// Idlib stories (same place and actors, different events) stay apart, and
// every rewrite joins the story it rewrites.
func TestWireSeedsApartRewritesJoined(t *testing.T) {
	out := t.TempDir()
	if code, _, stderr := neardup(t, "", "run", "-q", "--out", out, wireDir); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	files, _ := filepath.Glob(filepath.Join(wireDir, "*.txt"))
	clusterOf := map[string]string{}
	for _, c := range readClusters(t, filepath.Join(out, "clusters.jsonl")) {
		for _, m := range c.Members {
			clusterOf[m.ID] = c.Canonical
		}
	}
	for _, seed := range []string{"000_d995efe7b01a9663", "002_b85c2fa3f61deca6"} {
		story := seed[:4]
		for _, f := range files {
			id := strings.TrimSuffix(filepath.Base(f), ".txt")
			if !strings.HasPrefix(id, story) {
				continue
			}
			if clusterOf[id] == "" || clusterOf[id] != clusterOf[seed] {
				t.Errorf("%s is not in the cluster of its origin %s", id, seed)
			}
		}
	}
	if clusterOf["000_d995efe7b01a9663"] == clusterOf["002_b85c2fa3f61deca6"] {
		t.Error("the 2018 and 2020 Idlib stories were merged")
	}
}

// TestDeterministicAcrossWorkers: byte-identical outputs for -j 1 and -j 8;
// summary.json differs only in "workers" and "seconds".
func TestDeterministicAcrossWorkers(t *testing.T) {
	dirs := []string{t.TempDir(), t.TempDir()}
	for i, j := range []string{"1", "8"} {
		if code, _, stderr := neardup(t, "", "run", "-q", "-j", j, "--out", dirs[i], wireDir); code != 0 {
			t.Fatalf("-j %s: exit %d: %s", j, code, stderr)
		}
	}
	for _, name := range []string{"clusters.jsonl", "drop.txt"} {
		if a, b := readFile(t, filepath.Join(dirs[0], name)), readFile(t, filepath.Join(dirs[1], name)); a != b {
			t.Errorf("%s differs between -j 1 and -j 8", name)
		}
	}
	var sums [2]map[string]any
	for i, d := range dirs {
		if err := json.Unmarshal([]byte(readFile(t, filepath.Join(d, "summary.json"))), &sums[i]); err != nil {
			t.Fatal(err)
		}
		if sums[i]["workers"] == nil || sums[i]["seconds"] == nil {
			t.Fatalf("summary.json lacks workers or seconds")
		}
		delete(sums[i], "workers")
		delete(sums[i], "seconds")
	}
	a, _ := json.Marshal(sums[0])
	b, _ := json.Marshal(sums[1])
	if !bytes.Equal(a, b) {
		t.Errorf("summary.json differs beyond workers and seconds:\n%s\n%s", a, b)
	}
}

func TestExitCodes(t *testing.T) {
	bad := t.TempDir()
	os.WriteFile(filepath.Join(bad, "feed.jsonl"), []byte(`{"id": "a", "text": "x y z"}`+"\n"+`{"id": "b", "text": `+"\n"), 0o644)
	tests := []struct {
		name     string
		args     []string
		code     int
		inStderr string
	}{
		{"no command", nil, 2, "no command given"},
		{"unknown command", []string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{"no --out", []string{"run", wireDir}, 2, "--out DIR is required"},
		{"no input", []string{"run", "--out", "x"}, 2, "no INPUT given"},
		{"unknown flag", []string{"run", "--bogus", "--out", "x", wireDir}, 2, "unknown flag: --bogus"},
		{"bad shingle", []string{"run", "--shingle", "word:0", "--out", "x", wireDir}, 2, "N must be"},
		{"bad threshold", []string{"run", "--threshold", "1.5", "--out", "x", wireDir}, 2, "threshold"},
		{"bad on-error", []string{"run", "--on-error", "ignore", "--out", "x", wireDir}, 2, "want fail or skip"},
		{"bad -j", []string{"run", "-j", "0", "--out", "x", wireDir}, 2, "at least 1 worker"},
		{"missing input", []string{"run", "--out", "OUT", "does-not-exist.jsonl"}, 1, "input does-not-exist.jsonl does not exist"},
		{"malformed input", []string{"run", "--out", "OUT", bad}, 1, "feed.jsonl:2: invalid JSON"},
		{"malformed input skipped", []string{"run", "--on-error=skip", "--out", "OUT", bad}, 3, "skipped " + filepath.Join(bad, "feed.jsonl") + ":2"},
		{"out is a file", []string{"run", "--out", filepath.Join(bad, "feed.jsonl"), wireDir}, 1, "not a directory"},
		{"help", []string{"run", "--help"}, 0, ""},
		{"version", []string{"version"}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			for i, a := range tt.args {
				if a == "OUT" {
					tt.args[i] = out
				}
			}
			code, _, stderr := neardup(t, "", tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.inStderr) {
				t.Errorf("exit %d, stderr %q; want exit %d, stderr containing %q", code, stderr, tt.code, tt.inStderr)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	code, stdout, _ := neardup(t, "", "--help")
	if code != 0 || !strings.Contains(stdout, "neardup run [flags] INPUT...") || !strings.Contains(stdout, "Exit codes") {
		t.Errorf("neardup --help: exit %d, %q", code, stdout)
	}
	for _, code := range []string{"11 --out or --state is locked", "12 --state was made with other parameters", "13 --max-rate-change", "14 --state is damaged"} {
		if !strings.Contains(stdout, code) {
			t.Errorf("neardup --help lacks exit code %q: %q", code, stdout)
		}
	}
	code, stdout, _ = neardup(t, "", "run", "--help")
	for _, want := range []string{"Examples:", "--shingle", "--model FILE", "--on-error", "--id-field", "-j, --jobs", "--wait DURATION", "DIR/current", "--state DIR", "--keep", "--night DATE", "--max-rate-change"} {
		if code != 0 || !strings.Contains(stdout, want) {
			t.Errorf("neardup run --help: exit %d, lacks %q", code, want)
		}
	}
}

// TestSkipRecordedInSummary: --on-error=skip records each skip.
func TestSkipRecordedInSummary(t *testing.T) {
	in := t.TempDir()
	os.WriteFile(filepath.Join(in, "a.jsonl"), []byte(strings.Join([]string{
		`{"id": "x", "text": "one two three four five six"}`,
		`{"id": "x", "text": "again"}`,
		`{broken`,
		`{"id": "e", "text": ""}`,
	}, "\n")), 0o644)
	out := t.TempDir()
	code, _, stderr := neardup(t, "", "run", "--on-error=skip", "--out", out, in)
	if code != 3 {
		t.Fatalf("exit %d, want 3: %s", code, stderr)
	}
	var sum struct {
		Articles struct {
			Read    int            `json:"read"`
			Skipped map[string]int `json:"skipped"`
		} `json:"articles"`
		Skips []struct{ At, Reason, Error string } `json:"skips"`
	}
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(out, "summary.json"))), &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Articles.Read != 1 || sum.Articles.Skipped["duplicate_id"] != 1 || sum.Articles.Skipped["malformed"] != 1 ||
		sum.Articles.Skipped["empty"] != 1 || len(sum.Skips) != 2 || sum.Skips[0].At != filepath.Join(in, "a.jsonl")+":2" {
		t.Errorf("summary: %+v", sum)
	}
}

// TestFailureLeavesPreviousOutput: a failed run leaves the last good outputs
// byte for byte, and no temporary files.
func TestFailureLeavesPreviousOutput(t *testing.T) {
	out := t.TempDir()
	if code, _, stderr := neardup(t, "", "run", "-q", "--out", out, wireDir); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	before := map[string]string{}
	for _, n := range []string{"clusters.jsonl", "drop.txt", "summary.json"} {
		before[n] = readFile(t, filepath.Join(out, n))
	}
	bad := filepath.Join(t.TempDir(), "bad.csv")
	os.WriteFile(bad, []byte("id,text\na,b,c\n"), 0o644)
	if code, _, _ := neardup(t, "", "run", "-q", "--out", out, wireDir, bad); code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	var names []string
	entries, _ := os.ReadDir(out)
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := ".gen-1 .lock clusters.jsonl current drop.txt summary.json"; strings.Join(names, " ") != want {
		t.Errorf("output directory holds %v, want %s: the set, its lock, nothing left over", names, want)
	}
	for n, want := range before {
		if readFile(t, filepath.Join(out, n)) != want {
			t.Errorf("%s changed after a failed run", n)
		}
	}
}

// TestRenamedFieldsFromStdin wires --*-field flags and stdin through the CLI.
func TestRenamedFieldsFromStdin(t *testing.T) {
	body := "The central bank raised its key interest rate by a quarter point on Thursday, citing persistent inflation in services."
	in := fmt.Sprintf(`{"uid": "a", "body": %q, "when": "2024-03-01T09:00:00Z"}`+"\n"+`{"uid": "b", "body": %q, "when": "2024-03-01T08:00:00Z"}`+"\n",
		body, body+" Markets barely moved.")
	out := t.TempDir()
	code, _, stderr := neardup(t, in, "run", "-q", "--id-field", "uid", "--text-field", "body", "--date-field", "when", "--out", out, "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	cs := readClusters(t, filepath.Join(out, "clusters.jsonl"))
	if len(cs) != 1 || cs[0].Canonical != "b" || cs[0].Size != 2 {
		t.Errorf("clusters %+v, want one of 2 with the earlier b canonical", cs)
	}
	if got := readFile(t, filepath.Join(out, "drop.txt")); got != "a\n" {
		t.Errorf("drop.txt = %q, want a", got)
	}
}

// TestBinaryEndToEnd runs the built command as a user would, on the wire
// golden case: outputs in place (those of the case), a summary on stderr,
// no progress bar when stderr is not a terminal.
func TestBinaryEndToEnd(t *testing.T) {
	out := filepath.Join(t.TempDir(), "new", "out")
	wire, err := filepath.Abs(filepath.Join(goldenDir, "wire"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(binary, append([]string{"run", "--out", out}, caseArgs(t, wire, out)...)...)
	cmd.Dir = wire
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v: %s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "8 articles read") || !strings.Contains(stderr.String(), "2 clusters, 6 duplicates") {
		t.Errorf("stderr summary: %q", stderr.String())
	}
	if strings.ContainsAny(stderr.String(), "\r\x1b") {
		t.Errorf("progress bar or escape codes written to a non-terminal: %q", stderr.String())
	}
	for name, got := range goldenOf(t, out) {
		if want := readFile(t, filepath.Join(wire, name)); got != want {
			t.Errorf("the binary's %s differs from the golden file", name)
		}
	}

	cmd = exec.Command(binary, "run", "--out", out, "--on-error", "sometimes", wireDir)
	if err := cmd.Run(); cmd.ProcessState.ExitCode() != 2 {
		t.Errorf("usage error: %v, exit %d, want 2", err, cmd.ProcessState.ExitCode())
	}
}

// TestReportCommand: rebuilding the report from a run's outputs gives the
// same file as run --html (with a fixed date), and a run over standard
// input cannot be rebuilt without its files.
func TestReportCommand(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1700000000")
	out := t.TempDir()
	first := filepath.Join(out, "first.html")
	if code, _, stderr := neardup(t, "", "run", "-q", "--out", out, "--html", first, briefsDir); code != 0 {
		t.Fatalf("run --html: exit %d: %s", code, stderr)
	}
	if code, _, stderr := neardup(t, "", "report", "--out", out); code != 0 {
		t.Fatalf("report: exit %d: %s", code, stderr)
	}
	a, b := readFile(t, first), readFile(t, filepath.Join(out, "report.html"))
	if a != b {
		t.Error("report --out differs from run --html")
	}
	if !strings.Contains(a, "2023-11-14 22:13 UTC") || !strings.Contains(a, "Orcas Marine Ltd operates ferries") {
		t.Error("report lacks its date or a member's text")
	}

	in, _ := os.ReadFile(filepath.Join(briefsDir, "briefs.jsonl"))
	out2 := t.TempDir()
	if code, _, stderr := neardup(t, string(in), "run", "-q", "--out", out2, "--html", filepath.Join(out2, "r.html"), "-"); code != 0 {
		t.Fatalf("run --html over stdin: exit %d: %s", code, stderr)
	}
	if !strings.Contains(readFile(t, filepath.Join(out2, "r.html")), "Orcas Marine Ltd operates ferries") {
		t.Error("report over stdin lacks a member's text")
	}
	if code, _, stderr := neardup(t, "", "report", "--out", out2); code != 2 || !strings.Contains(stderr, "standard input") {
		t.Errorf("report of a stdin run: exit %d, %s", code, stderr)
	}
	if code, _, _ := neardup(t, "", "report"); code != 2 {
		t.Errorf("report without --out: exit %d, want 2", code)
	}
}

// TestEvalThroughCanonical: two copies in one cluster are together through
// its canonical article, and eval says so.
func TestEvalThroughCanonical(t *testing.T) {
	pairs := filepath.Join(t.TempDir(), "pairs.jsonl")
	os.WriteFile(pairs, []byte(`{"a": "000_r1_afp_trimmed", "b": "000_r2_reordered", "label": "distinct", "why": "pretend"}`+"\n"+
		`{"a": "000_r3_sputnik_added", "b": "000_r2_reordered", "label": "distinct", "why": "the canonical itself"}`+"\n"), 0o644)
	code, stdout, stderr := neardup(t, "", "eval", "--pairs", pairs, "--show", "-1", wireDir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if n := strings.Count(stdout, "joined through canonical 000_r3_sputnik_added"); n != 1 {
		t.Errorf("%d pairs said joined through the canonical, want 1 (not the pair with the canonical itself):\n%s", n, stdout)
	}
}

// TestEvalAudit: the cluster audit counts what drop.txt hides against
// labels, and writes the sheet of what is still to read.
func TestEvalAudit(t *testing.T) {
	dir := t.TempDir()
	labels := filepath.Join(dir, "audit.jsonl")
	os.WriteFile(labels, []byte(strings.Join([]string{
		`{"a": "earn-orcas", "b": "earn-orcas-corr", "label": "dup"}`,
		`{"a": "port-full", "b": "port-lede", "label": "distinct", "why": "pretend, in reverse order"}`,
	}, "\n")), 0o644)
	sheet := filepath.Join(dir, "sheet.md")
	code, stdout, stderr := neardup(t, "", "eval", "--audit", labels, "--audit-sheet", sheet, briefsDir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"2 hidden (drop.txt), 2 sampled, 2 labelled, 0 unlabelled", "hidden but distinct         0.5000  (1 of 2 labelled",
		"largest 2 clusters          1 pure", "cluster 2 (2): port-lede ~ port-full"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	// One label fewer: the sheet holds the unlabelled pair, with texts and
	// no similarity figure.
	os.WriteFile(labels, []byte(`{"a": "earn-orcas", "b": "earn-orcas-corr", "label": "dup"}`+"\n"), 0o644)
	if code, _, stderr := neardup(t, "", "eval", "--audit", labels, "--audit-sheet", sheet, briefsDir); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, _ := os.ReadFile(sheet)
	if !strings.Contains(string(b), "## PAIR a=port-lede b=port-full") || !strings.Contains(string(b), "Tallmouth") || strings.Contains(string(b), "jaccard") {
		t.Errorf("sheet:\n%s", b)
	}
	if code, _, _ := neardup(t, "", "eval", "--audit", labels, "--audit-sheet", sheet, "--clusters", filepath.Join(dir, "none.jsonl")); code != 2 {
		t.Errorf("--audit-sheet with --clusters: exit %d, want 2", code)
	}
}

// TestFurniture: pages scraped from one site share a consent notice; the
// notice is learned from the run as furniture, so the pages stay apart,
// while a real copy of one page still joins it.
func TestFurniture(t *testing.T) {
	notice := "We use cookies and similar tools to run this site and to measure how it is used. " +
		"You can change your choice at any time in the privacy settings at the foot of each page. " +
		"By continuing to read you accept our use of cookies as set out in our policy.\n"
	places := []string{"Alder", "Birchmoor", "Caddon", "Dunwell", "Eskford", "Farleigh", "Glenby", "Holloway", "Ivington", "Jarrow",
		"Kelsall", "Linthorpe", "Marden", "Netherby", "Oakhanger", "Pellow", "Quarley", "Redmire", "Saltash", "Tollard", "Upwey", "Varley"}
	events := []string{"the river footbridge reopened after repairs", "a new bus route starts in spring", "the library extends its hours",
		"the market square gets new lighting", "a school choir wins a regional prize", "the swimming pool closes for a month"}
	var feed bytes.Buffer
	for i, p := range places {
		text := notice + fmt.Sprintf("%s council confirmed on %s that %s. ", p, []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"}[i%5], events[i%len(events)]) +
			fmt.Sprintf("Councillor %s Reed said residents of %s had asked for it for years. ", string(rune('A'+i)), p) +
			fmt.Sprintf("Work in %s will be paid from the %s reserve fund.", p, p)
		json.NewEncoder(&feed).Encode(map[string]string{"id": fmt.Sprintf("page-%02d", i), "text": text})
		if i == 0 {
			json.NewEncoder(&feed).Encode(map[string]string{"id": "page-00-copy", "text": text + " A public meeting will follow next month."})
		}
	}
	in := filepath.Join(t.TempDir(), "pages.jsonl")
	os.WriteFile(in, feed.Bytes(), 0o644)
	if got := clusterIDs(t, in); got != "page-00-copy+page-00" {
		t.Errorf("defaults: clusters %q, want only the copy with its page", got)
	}
	if got := clusterIDs(t, in, "--model", "off"); got != "page-00-copy+page-00" {
		t.Errorf("the veto stack: clusters %q, want only the copy with its page", got)
	}
	if got := clusterIDs(t, in, "--model", "off", "--furniture", "0"); !strings.Contains(got, "page-01") {
		t.Errorf("--furniture 0: clusters %q: the pages should merge on the notice alone (the test would not test anything)", got)
	}
}

// runWithin runs the built command with a deadline, so that a hang fails
// the test instead of stalling it, and returns its exit code and stderr.
func runWithin(t *testing.T, stdin string, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%v: still running after 30 s", args)
	}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode(), stderr.String()
}

// summaryArticles reads the articles part of a run's summary.json.
func summaryArticles(t *testing.T, out string) (map[string]any, []string) {
	t.Helper()
	var sum struct {
		Articles map[string]any `json:"articles"`
		Warnings []string       `json:"warnings"`
	}
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(out, "summary.json"))), &sum); err != nil {
		t.Fatal(err)
	}
	return sum.Articles, sum.Warnings
}

// TestHostileInputs: inputs that were matched wrongly, slowly or silently
// (issue 14) are errors that say what is wrong, or are read and counted.
func TestHostileInputs(t *testing.T) {
	story := "The central bank raised its key interest rate by a quarter point on Thursday, citing inflation."
	chinese := "中国人民银行周四宣布将基准利率上调二十五个基点以应对持续的通货膨胀压力市场反应平淡"
	tests := []struct {
		name     string
		file     string // written as in/<file>
		content  string
		args     []string
		code     int
		inStderr string
		articles map[string]float64 // expected summary.json articles fields (exit 0 or 3)
		warning  string
	}{
		{name: "CSV with a body column", file: "feed.csv", content: "id,title,body\na,T,x\n", code: 1,
			inStderr: `feed.csv:1: header has no text column "text" (columns: "id", "title", "body")`},
		{name: "JSONL with body", file: "feed.jsonl", content: `{"id": "a", "title": "T", "body": "x"}` + "\n" + `{"id": "b", "body": "y"}` + "\n",
			code: 1, inStderr: `feed.jsonl: no record has the text field "text" (fields seen: "body", "id", "title"); its 2 articles would be matched on their titles alone`},
		{name: "JSONL with body, skipped", file: "feed.jsonl", content: `{"id": "a", "title": "T", "body": "x"}` + "\n", args: []string{"--on-error=skip"},
			code: 1, inStderr: "no articles read (1 files, 1 records skipped; the first: "},
		{name: "--text-field nosuch", file: "feed.jsonl", content: fmt.Sprintf(`{"id": "a", "text": %q}`+"\n", story),
			args: []string{"--text-field", "nosuch"}, code: 1, inStderr: `no record has the text field "nosuch" (fields seen: "id", "text")`},
		{name: "title-only flashes beside stories", file: "feed.jsonl",
			content: fmt.Sprintf(`{"id": "a", "title": "RATE RISE", "text": ""}`+"\n"+`{"id": "b", "text": %q}`+"\n"+`{"id": "c", "title": "RATE RISE"}`+"\n", story),
			code:    0, articles: map[string]float64{"read": 3, "title_only": 2, "title_only_field_absent": 1}},
		{name: "byte-order mark", file: "feed.jsonl", content: "\uFEFF" + fmt.Sprintf(`{"id": "a", "text": %q}`+"\n", story),
			code: 0, articles: map[string]float64{"read": 1}},
		{name: "zero date", file: "feed.jsonl", content: `{"id": "a", "text": "x", "date": "0001-01-01T00:00:00Z"}` + "\n",
			code: 1, inStderr: `feed.jsonl:1: field "date": date "0001-01-01T00:00:00Z" is before 1900`},
		{name: "array line", file: "feed.jsonl", content: "[1, 2]\n", code: 1, inStderr: "feed.jsonl:1: line is a JSON array, want an object\n"},
		{name: "IDs equal once invalid UTF-8 is replaced", file: "feed.csv", content: "id,text\na\xff,x\na\xfe,y\n", code: 1,
			inStderr: `feed.csv:3: duplicate id once invalid UTF-8 is replaced: id "a\xfe" here and id "a\xff" at `},
		{name: "Chinese with word shingles", file: "feed.jsonl",
			content: fmt.Sprintf(`{"id": "a", "text": %q}`+"\n"+`{"id": "b", "text": %q}`+"\n", chinese, chinese+"。"),
			code:    0, inStderr: "warning: 2 of 2 articles are mostly in scripts written without spaces",
			articles: map[string]float64{"unspaced_script": 2}, warning: "use --shingle char:N"},
		{name: "Chinese with character shingles", file: "feed.jsonl", content: fmt.Sprintf(`{"id": "a", "text": %q}`+"\n", chinese),
			args: []string{"--shingle", "char:3"}, code: 0, articles: map[string]float64{"unspaced_script": 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := t.TempDir()
			if err := os.WriteFile(filepath.Join(in, tt.file), []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(t.TempDir(), "out")
			code, stderr := runWithin(t, "", append(append([]string{"run", "--out", out}, tt.args...), in)...)
			if code != tt.code || !strings.Contains(stderr, tt.inStderr) {
				t.Fatalf("exit %d, stderr %q; want exit %d, stderr containing %q", code, stderr, tt.code, tt.inStderr)
			}
			if tt.code == 1 {
				return
			}
			articles, warnings := summaryArticles(t, out)
			for k, want := range tt.articles {
				if got, _ := articles[k].(float64); got != want {
					t.Errorf("summary.json articles.%s = %v, want %v", k, articles[k], want)
				}
			}
			if got := strings.Join(warnings, "\n"); !strings.Contains(got, tt.warning) || tt.warning == "" && got != "" {
				t.Errorf("summary.json warnings %q, want %q", got, tt.warning)
			}
		})
	}
}

// TestMissingInputKeepsOutputs: an input path that does not exist stops
// the run in both error modes, and yesterday's outputs stay.
func TestMissingInputKeepsOutputs(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	if code, _, stderr := neardup(t, "", "run", "-q", "--out", out, wireDir); code != 0 {
		t.Fatalf("first run: exit %d: %s", code, stderr)
	}
	before, _ := os.ReadFile(filepath.Join(out, "drop.txt"))
	for _, mode := range []string{"fail", "skip"} {
		code, _, stderr := neardup(t, "", "run", "-q", "--on-error="+mode, "--out", out, briefsDir, filepath.Join(t.TempDir(), "feed-mount-missing"))
		if code != 1 || !strings.Contains(stderr, "does not exist: outputs left as they were") {
			t.Errorf("--on-error=%s: exit %d, %q; want 1 and the outputs left", mode, code, stderr)
		}
		if after, _ := os.ReadFile(filepath.Join(out, "drop.txt")); string(after) != string(before) {
			t.Errorf("--on-error=%s: drop.txt changed", mode)
		}
	}
}

// Paths a run would read back or overwrite are usage errors, before
// anything is read or written (issue 25, defects 4, 9 and 11).
func TestRunRefusesOwnPaths(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	os.MkdirAll(in, 0o755)
	article := filepath.Join(in, "a.txt")
	os.WriteFile(article, []byte("Port strike ends\nDock workers voted to end the strike.\n"), 0o644)
	st, out := filepath.Join(dir, "st"), filepath.Join(dir, "out")
	if code, _, stderr := neardup(t, "", "run", "-q", "--state", st, "--out", out, in); code != 0 {
		t.Fatal(stderr)
	}
	os.MkdirAll(filepath.Join(dir, "elsewhere"), 0o755)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--state", out, "--out", out, in}, "are the same directory"},
		{[]string{"--state", filepath.Join(out, "st"), "--out", out, in}, "one holds the other"},
		{[]string{"--out", in, in}, "neardup would read its own outputs"},
		{[]string{"--out", out, "--state", st, filepath.Join(st, "CURRENT")}, "would read the state's files"},
		{[]string{"--out", out, "--state", st, "--html", filepath.Join(st, "CURRENT"), in}, "inside --state"},
		{[]string{"--out", out, "--state", st, "--html", filepath.Join(st, ".lock"), in}, "inside --state"},
		{[]string{"--out", out, "--html", article, in}, "an INPUT or a file in one"},
		{[]string{"--out", out, "--html", filepath.Join(dir, "elsewhere"), in}, "is a directory"},
		{[]string{"--out", out, "--cpuprofile", filepath.Join(out, "drop.txt"), in}, "which holds the output set alone"},
		{[]string{"--out", out, "--memprofile", filepath.Join(st, "x.prof"), "--state", st, in}, "inside --state"},
	} {
		before := snapshot(t, st)
		code, _, stderr := neardup(t, "", append([]string{"run", "-q"}, c.args...)...)
		if code != exitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, %q; want 2 saying %q", c.args, code, stderr, c.want)
		}
		if !equalMaps(before, snapshot(t, st)) {
			t.Errorf("%v: the state changed", c.args)
		}
	}
	// A failed run leaves an existing profile as it was.
	prof := filepath.Join(dir, "cpu.prof")
	os.WriteFile(prof, []byte("earlier"), 0o644)
	bad := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(bad, []byte("{not json\n"), 0o644)
	if code, _, _ := neardup(t, "", "run", "-q", "--out", filepath.Join(dir, "out2"), "--cpuprofile", prof, bad); code != exitFailure {
		t.Fatalf("bad input: exit %d", code)
	}
	if b, _ := os.ReadFile(prof); string(b) != "earlier" {
		t.Errorf("a failed run's --cpuprofile replaced the file: %q", b)
	}
}

// eval says when what it scores does not match the labels (issue 27,
// item 4): another corpus's gold, a clusters file of another corpus, a
// nightly clusters file; --partial scores them all the same.
func TestEvalCoverage(t *testing.T) {
	out := t.TempDir()
	if code, _, stderr := neardup(t, "", "run", "-q", "--out", out, wireDir); code != 0 {
		t.Fatal(stderr)
	}
	briefsGold := filepath.Join(filepath.Dir(wireDir), "briefs.gold.jsonl")
	clusters := filepath.Join(out, "clusters.jsonl")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--gold", briefsGold, wireDir}, "only 0 of the gold's"},
		{[]string{"--gold", briefsGold, "--clusters", clusters}, "are not in the gold"},
	} {
		code, _, stderr := neardup(t, "", append([]string{"eval"}, c.args...)...)
		if code != exitFailure || !strings.Contains(stderr, c.want) {
			t.Errorf("eval %v: exit %d, %q; want 1 saying %q", c.args, code, stderr, c.want)
		}
		if code, _, stderr := neardup(t, "", append([]string{"eval", "--partial"}, c.args...)...); code != 0 {
			t.Errorf("eval --partial %v: exit %d: %s", c.args, code, stderr)
		}
	}
	st, nout := filepath.Join(t.TempDir(), "st"), t.TempDir()
	nights := threeNights(t, t.TempDir())
	if code, _, stderr := neardup(t, "", "run", "-q", "--state", st, "--out", nout, nights[0]); code != 0 {
		t.Fatal(stderr)
	}
	gold := filepath.Join(t.TempDir(), "gold.jsonl")
	os.WriteFile(gold, []byte(`{"id": "a0", "cluster": "a"}`+"\n"+`{"id": "a1", "cluster": "a"}`+"\n"), 0o644)
	code, _, stderr := neardup(t, "", "eval", "--gold", gold, "--clusters", filepath.Join(nout, "clusters.jsonl"))
	if code != exitFailure || !strings.Contains(stderr, "is a nightly run's") {
		t.Errorf("eval of a nightly clusters file: exit %d, %q", code, stderr)
	}
}

// A report or a profile beside the articles of an INPUT directory, in a
// format the walk does not read, is no input to lose: a second run writes
// it again (the review of issue 25's path checks).
func TestRunRewritesFilesBesideInputs(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("Port strike ends\nDock workers voted to end the strike.\n"), 0o644)
	html, prof := filepath.Join(dir, "report.html"), filepath.Join(dir, "cpu.prof")
	for i := range 2 {
		if code, _, stderr := neardup(t, "", "run", "-q", "--out", filepath.Join(dir, "out"), "--html", html, "--cpuprofile", prof, dir); code != 0 {
			t.Fatalf("run %d: exit %d: %s", i+1, code, stderr)
		}
	}
}
