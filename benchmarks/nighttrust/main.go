// Command nighttrust is issue 25's soak: what makes a nightly job forget
// or hide the wrong story, tried on a generated feed the way a real feed,
// a typo or a hostile source would, each case checked against the
// uninterrupted nights.
//
//	go run ./benchmarks/nighttrust [-n 3000] [-nights 4] [-seed 1]
//
// Families (each case varied by -seed):
//
//   - skew: one article dated years ahead added to a night: the night
//     commits, its clock stays within 48 h of the feed's, and the state
//     keeps every article the reference keeps;
//   - --night typo: a night run with a --night years ahead: exit 15, the
//     state and the outputs unchanged;
//   - retry order: a committed night run again with its lines shuffled:
//     exit 0, the night's outputs byte for byte, the state unchanged;
//   - retry plus a late article: the night again with one more copy: a new
//     night commits, and drop.txt hides the night's copies again and the
//     late one;
//   - older night: a night run again after the next: exit 16, drop.txt
//     hides that night's copies again;
//   - missed night: a night killed between its state commit and its
//     outputs, then the next night: exit 17 with the missed night's
//     outputs published, then the next night as uninterrupted;
//   - hostile IDs: one record's ID made hostile (line and paragraph
//     separators, a bidi override, zero-width characters, a control
//     character, a case-variant or a repeated key): with --on-error fail
//     exit 1 and nothing changed; with skip exit 3, and the hostile record
//     (and any ID it names) in no output;
//   - outside link: a link in the input folder to an article outside it:
//     not read, counted as outside_links.
//
// It prints a table of family, tries and passed, and exits 1 if any try
// failed. Everything goes to a temporary folder.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/neardup/neardup/report"
	"github.com/neardup/neardup/state"
)

type suite struct {
	bin    string
	tmp    string
	rng    *rand.Rand
	nights []string
	lines  [][]string // each night's records
	snaps  []string   // the reference state before night k (snaps[0]: empty)
	outs   []string   // the reference outputs before night k ("" before the first)
	ref    []after    // after night k
	rows   []row
	tries  int
	dirs   int // work folders made
}

type after struct {
	fingerprint, clusters, drop string
	clock                       int64
	articles                    int
}

type row struct {
	family        string
	tries, passed int
}

func main() {
	n := flag.Int("n", 3000, "articles in the generated feed")
	nights := flag.Int("nights", 4, "nights they span")
	seed := flag.Uint64("seed", 1, "seed of the cases' variations")
	flag.Parse()
	tmp, err := os.MkdirTemp("", "nighttrust")
	check(err)
	defer os.RemoveAll(tmp)
	s := &suite{tmp: tmp, bin: filepath.Join(tmp, "neardup"), rng: rand.New(rand.NewPCG(*seed, 25))}
	check(run("go", "build", "-tags", "killhooks", "-o", s.bin, "./cmd/neardup")) // with its kill points
	dir := filepath.Join(tmp, "feed")
	check(run("go", "run", "./benchmarks/gen", "-n", fmt.Sprint(*n), "-nights", fmt.Sprint(*nights), "-nights-dir", dir, "-gold", filepath.Join(tmp, "gold.jsonl")))
	s.nights, err = filepath.Glob(filepath.Join(dir, "night-*.jsonl"))
	check(err)
	for _, f := range s.nights {
		b, err := os.ReadFile(f)
		check(err)
		s.lines = append(s.lines, strings.Split(strings.TrimSpace(string(b)), "\n"))
	}
	refState, refOut := filepath.Join(tmp, "ref"), filepath.Join(tmp, "refout")
	s.snaps, s.outs = []string{filepath.Join(tmp, "snap0")}, []string{""}
	check(os.MkdirAll(s.snaps[0], 0o755))
	for k, night := range s.nights {
		check(run(s.bin, "run", "-q", "--state", refState, "--out", refOut, night))
		s.ref = append(s.ref, s.after(refState, refOut))
		snap := filepath.Join(tmp, fmt.Sprint("snap", k+1))
		check(run("cp", "-a", refState, snap))
		check(run("cp", "-a", refOut, snap+"out"))
		s.snaps, s.outs = append(s.snaps, snap), append(s.outs, snap+"out")
	}
	fmt.Printf("nighttrust: %d articles over %d nights, seed %d\n", *n, len(s.nights), *seed)

	last := len(s.nights) - 1
	s.family("skew: an article dated years ahead", func(try func(string, bool)) {
		for k := 1; k <= last; k++ {
			for range 3 {
				try(fmt.Sprintf("night %d", k+1), s.skew(k))
			}
		}
	})
	s.family("--night typo years ahead", func(try func(string, bool)) {
		for k := 1; k <= last; k++ {
			try(fmt.Sprintf("night %d", k+1), s.typo(k))
		}
	})
	s.family("retry in another order", func(try func(string, bool)) {
		for k := 0; k <= last; k++ {
			for range 2 {
				try(fmt.Sprintf("night %d", k+1), s.retryShuffled(k))
			}
		}
	})
	s.family("retry plus a late copy", func(try func(string, bool)) {
		for k := 0; k <= last; k++ {
			try(fmt.Sprintf("night %d", k+1), s.retryLate(k))
		}
	})
	s.family("an older night again", func(try func(string, bool)) {
		for k := 0; k < last; k++ {
			try(fmt.Sprintf("night %d after %d", k+1, k+2), s.older(k))
		}
	})
	s.family("missed night (killed after its commit)", func(try func(string, bool)) {
		for k := 0; k < last; k++ {
			try(fmt.Sprintf("night %d", k+1), s.missed(k))
		}
	})
	s.family("hostile IDs", func(try func(string, bool)) {
		for _, h := range hostiles {
			for _, skip := range []bool{false, true} {
				try(fmt.Sprintf("%s, skip %v", h.name, skip), s.hostile(1+s.rng.IntN(last), h, skip))
			}
		}
	})
	s.family("a link out of the input folder", func(try func(string, bool)) {
		try("night 1", s.outsideLink())
	})

	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "family\ttries\tpassed")
	failed := 0
	for _, r := range s.rows {
		fmt.Fprintf(tw, "%s\t%d\t%d\n", r.family, r.tries, r.passed)
		failed += r.tries - r.passed
	}
	tw.Flush()
	if failed > 0 {
		fmt.Printf("nighttrust: %d of %d tries failed\n", failed, s.tries)
		os.Exit(1)
	}
	fmt.Printf("nighttrust: %d tries, all passed\n", s.tries)
}

// family runs cases, each reporting through try(what, passed).
func (s *suite) family(name string, cases func(try func(string, bool))) {
	r := row{family: name}
	cases(func(what string, ok bool) {
		r.tries++
		s.tries++
		if ok {
			r.passed++
		} else {
			fmt.Printf("nighttrust: FAILED %s: %s\n", name, what)
		}
	})
	s.rows = append(s.rows, r)
}

// workdir is a copy of the reference state and outputs before night k.
func (s *suite) workdir(k int) (st, out string) {
	s.dirs++
	st, out = filepath.Join(s.tmp, fmt.Sprint("st", s.dirs)), filepath.Join(s.tmp, fmt.Sprint("out", s.dirs))
	check(run("cp", "-a", s.snaps[k], st))
	if s.outs[k] != "" {
		check(run("cp", "-a", s.outs[k], out))
	}
	return st, out
}

// file writes records as a night's feed.
func (s *suite) file(name string, records []string) string {
	path := filepath.Join(s.tmp, fmt.Sprintf("%s-%d.jsonl", name, s.rng.Uint32()))
	check(os.WriteFile(path, []byte(strings.Join(records, "\n")+"\n"), 0o644))
	return path
}

// neardup runs the binary; its exit code and stderr.
func (s *suite) neardup(env []string, args ...string) (int, string) {
	cmd := exec.Command(s.bin, args...)
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Run()
	return cmd.ProcessState.ExitCode(), stderr.String()
}

func (s *suite) after(st, out string) after {
	fp, err := state.Fingerprint(st, report.SummaryFile)
	check(err)
	a := after{fingerprint: fp, clusters: readFile(filepath.Join(out, report.ClustersFile)), drop: readFile(filepath.Join(out, report.DropFile))}
	sdb, err := state.Open(context.Background(), st, state.Options{ReadOnly: true})
	check(err)
	a.clock, a.articles = sdb.Manifest.Clock, sdb.Len()
	sdb.Close()
	return a
}

// record is a feed record as a map, to change and write back.
func record(line string) map[string]any {
	var r map[string]any
	check(json.Unmarshal([]byte(line), &r))
	return r
}

func line(r map[string]any) string {
	b, err := json.Marshal(r)
	check(err)
	return string(b)
}

func (s *suite) skew(k int) bool {
	st, out := s.workdir(k)
	r := record(s.lines[k][s.rng.IntN(len(s.lines[k]))])
	r["id"], r["date"] = fmt.Sprintf("skew-%d", s.rng.Uint32()), fmt.Sprintf("%d-06-01T00:00:00Z", 2030+s.rng.IntN(7900))
	r["text"] = fmt.Sprintf("A story of its own, number %d, about nothing any other article tells.", s.rng.Uint32())
	recs := slices.Clone(s.lines[k])
	recs = slices.Insert(recs, s.rng.IntN(len(recs)+1), line(r))
	if code, _ := s.neardup(nil, "run", "-q", "--state", st, "--out", out, s.file("skew", recs)); code != 0 {
		return false
	}
	got := s.after(st, out)
	return got.clock <= s.ref[k].clock+48*3600 && got.articles >= s.ref[k].articles
}

func (s *suite) typo(k int) bool {
	st, out := s.workdir(k)
	night := fmt.Sprintf("%d-%02d-01", 2040+s.rng.IntN(60), 1+s.rng.IntN(12))
	code, _ := s.neardup(nil, "run", "-q", "--state", st, "--out", out, "--night", night, s.nights[k])
	return code == 15 && s.after(st, out) == s.before(k)
}

// before is what the reference state and outputs were before night k
// (k ≥ 1).
func (s *suite) before(k int) after { return s.ref[k-1] }

func (s *suite) shuffled(k int) []string {
	recs := slices.Clone(s.lines[k])
	s.rng.Shuffle(len(recs), func(i, j int) { recs[i], recs[j] = recs[j], recs[i] })
	return recs
}

func (s *suite) retryShuffled(k int) bool {
	st, out := s.workdir(k + 1) // night k committed
	code, _ := s.neardup(nil, "run", "-q", "--state", st, "--out", out, s.file("shuffled", s.shuffled(k)))
	return code == 0 && s.after(st, out) == s.ref[k]
}

func (s *suite) retryLate(k int) bool {
	st, out := s.workdir(k + 1)
	late := record(s.lines[k][s.rng.IntN(len(s.lines[k]))])
	id := fmt.Sprintf("late-%d", s.rng.Uint32())
	late["id"] = id
	recs := append(s.shuffled(k), line(late))
	if code, _ := s.neardup(nil, "run", "-q", "--state", st, "--out", out, s.file("late", recs)); code != 0 {
		return false
	}
	drop := strings.Fields(readFile(filepath.Join(out, report.DropFile)))
	for _, d := range strings.Fields(s.ref[k].drop) {
		if !slices.Contains(drop, d) {
			return false
		}
	}
	return slices.Contains(drop, id)
}

func (s *suite) older(k int) bool {
	st, out := s.workdir(k + 2) // nights k and k+1 committed
	code, _ := s.neardup(nil, "run", "-q", "--state", st, "--out", out, s.nights[k])
	drop := strings.Fields(readFile(filepath.Join(out, report.DropFile)))
	for _, d := range strings.Fields(s.ref[k].drop) {
		if !slices.Contains(drop, d) {
			return false
		}
	}
	return code == 16
}

func (s *suite) missed(k int) bool {
	st, out := s.workdir(k)
	s.neardup([]string{"NEARDUP_TEST_KILL_AT=state:switched"}, "run", "-q", "--state", st, "--out", out, s.nights[k])
	code, _ := s.neardup(nil, "run", "-q", "--state", st, "--out", out, s.nights[k+1])
	if code != 17 || readFile(filepath.Join(out, report.DropFile)) != s.ref[k].drop || readFile(filepath.Join(out, report.ClustersFile)) != s.ref[k].clusters {
		return false
	}
	code, _ = s.neardup(nil, "run", "-q", "--state", st, "--out", out, s.nights[k+1])
	return code == 0 && s.after(st, out) == s.ref[k+1]
}

// A hostile ID: what it does to one record of a night.
type hostileID struct {
	name string
	make func(r map[string]any, victim string) string // the record's line
}

var hostiles = []hostileID{
	{"line separator U+2028", idWith("\u2028")},
	{"paragraph separator U+2029", idWith("\u2029")},
	{"bidi override U+202E", idWith("\u202e")},
	{"zero-width space U+200B", idWith("\u200b")},
	{"byte-order mark U+FEFF inside", idWith("\ufeff")},
	{"control character", idWith("\x1b")},
	{"case-variant key naming another article", func(r map[string]any, victim string) string {
		l := line(r)
		return strings.Replace(l, `{`, `{"Id":`+quote(victim)+`,`, 1)
	}},
	{"repeated id key", func(r map[string]any, victim string) string {
		l := line(r)
		return strings.Replace(l, `{`, `{"id":`+quote(victim)+`,`, 1)
	}},
}

func idWith(c string) func(r map[string]any, victim string) string {
	return func(r map[string]any, victim string) string {
		r["id"] = victim + c + "x"
		return line(r)
	}
}

func quote(s string) string { b, _ := json.Marshal(s); return string(b) }

func (s *suite) hostile(k int, h hostileID, skip bool) bool {
	st, out := s.workdir(k)
	recs := slices.Clone(s.lines[k])
	i := s.rng.IntN(len(recs))
	victim := record(recs[(i+1)%len(recs)])["id"].(string) // another article of the night
	recs[i] = h.make(record(recs[i]), victim)
	hostileLine := fmt.Sprintf(`.jsonl:%d"`, i+1) // where the skip names it
	args := []string{"run", "-q", "--state", st, "--out", out}
	if skip {
		args = append(args, "--on-error", "skip")
	}
	code, _ := s.neardup(nil, append(args, s.file("hostile", recs))...)
	if !skip {
		return code == 1 && s.after(st, out) == s.before(k)
	}
	// Skipped, counted, listed at its line, and in no output.
	sum := readFile(filepath.Join(out, report.SummaryFile))
	return code == 3 && strings.Contains(sum, `"skipped_total": 1`) && strings.Contains(sum, hostileLine) &&
		!strings.ContainsAny(readFile(filepath.Join(out, report.DropFile)), "\u2028\u2029\u202e\u200b\ufeff\x1b")
}

func (s *suite) outsideLink() bool {
	in, outside := filepath.Join(s.tmp, "linked-in"), filepath.Join(s.tmp, "outside.jsonl")
	check(os.MkdirAll(in, 0o755))
	check(os.WriteFile(filepath.Join(in, "night.jsonl"), []byte(strings.Join(s.lines[0], "\n")+"\n"), 0o644))
	check(os.WriteFile(outside, []byte(`{"id":"secret","title":"Not an input","text":"a file outside the input folder"}`+"\n"), 0o644))
	check(os.Symlink(outside, filepath.Join(in, "link.jsonl")))
	st, out := s.workdir(0)
	code, _ := s.neardup(nil, "run", "-q", "--state", st, "--out", out, in)
	sum := readFile(filepath.Join(out, report.SummaryFile))
	return code == 0 && strings.Contains(sum, `"outside_links": 1`) && !strings.Contains(readFile(filepath.Join(out, report.ClustersFile)), `"secret"`)
}

func readFile(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return string(b)
}

func run(name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Stderr = os.Stderr
	return cmd.Run()
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "nighttrust:", err)
		os.Exit(1)
	}
}
