// Command reliability replays what can go wrong around a cron job's
// outputs and checks, after each try, that --out holds one whole set from
// one run: drop.txt exactly the non-canonical members of clusters.jsonl,
// summary.json's counts matching, and all three byte for byte the outputs
// of one of the runs (report.ReadSet plus reference hashes).
//
//	go run ./benchmarks/reliability [-n 35000] [-kills 100] [-aimed 20] [-pairs 10] [-disk 6]
//
// Cases:
//
//   - random kill: a run SIGKILLed at a uniformly random instant of its
//     duration (a little beyond, so some finish), alternating between two
//     generated corpora so that a mix of two runs would show;
//   - aimed kill: NEARDUP_TEST_KILL_AT makes the run kill itself at each
//     step of writing and switching the set (every tenth starting from
//     plain files, as an older neardup left them, to kill the adoption);
//   - concurrent pair: two runs started together on one --out: one must
//     exit 0 and the other 11 (locked), naming the holder; and a pair
//     whose second waits (--wait): both 0, the second's set last;
//   - full disk: --out on a small tmpfs (mounting needs root; skipped with
//     a message otherwise) of 1.2 to 3.2 times one set: each run must
//     either exit 0 with its own set, or exit 1 with the previous set whole
//     and nothing of its own left.
//
// It prints a table of case, tries and outcome, and exits 1 if any try
// broke the promise. Corpora and the binary go under -data (not
// committed); --out directories under a temporary directory.
package main

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/neardup/neardup/report"
)

// corpus is one input and the set a run over it writes.
type corpus struct {
	name     string
	path     string
	clusters [32]byte
	drop     [32]byte
	read     int
	bytes    int64 // size of the three outputs
	seconds  float64
}

type suite struct {
	bin     string
	corpora []*corpus
	tmp     string
	rng     *rand.Rand
	rows    []row
	failed  bool
}

type row struct {
	name    string
	tries   int
	outcome string
}

func main() {
	n := flag.Int("n", 35000, "articles in the larger corpus (the other has 9/10 of them); about 1 s per run on 2 cores")
	kills := flag.Int("kills", 100, "random kills")
	aimed := flag.Int("aimed", 20, "kills aimed at the steps of writing and switching")
	pairs := flag.Int("pairs", 10, "concurrent pairs of runs")
	disk := flag.Int("disk", 6, "full-disk tries (needs root for a tmpfs)")
	data := flag.String("data", "benchmarks/data", "where corpora and the binary are kept (not committed)")
	seed := flag.Uint64("seed", 1, "seed of the kill instants")
	flag.Parse()

	s := &suite{rng: rand.New(rand.NewPCG(*seed, 7))}
	bin := filepath.Join(*data, "bin")
	check(os.MkdirAll(bin, 0o755))
	for _, tool := range []string{"neardup", "gen"} {
		src := "./cmd/neardup"
		if tool == "gen" {
			src = "./benchmarks/gen"
		}
		// neardup with its kill points (NEARDUP_TEST_KILL_AT), which a
		// release build has not.
		if out, err := exec.Command("go", "build", "-tags", "killhooks", "-o", filepath.Join(bin, tool), src).CombinedOutput(); err != nil {
			fail("building %s: %v\n%s", tool, err, out)
		}
	}
	s.bin, _ = filepath.Abs(filepath.Join(bin, "neardup"))
	var err error
	s.tmp, err = os.MkdirTemp("", "neardup-reliability")
	check(err)
	defer os.RemoveAll(s.tmp)

	for i, size := range []int{*n, *n * 9 / 10} {
		c := &corpus{name: fmt.Sprintf("corpus %c (%d articles)", 'A'+i, size),
			path: filepath.Join(*data, fmt.Sprintf("reliability-%d-seed%d.jsonl", size, i+1))}
		if _, err := os.Stat(c.path); err != nil {
			fmt.Fprintf(os.Stderr, "generating %s\n", c.path)
			cmd := exec.Command(filepath.Join(bin, "gen"), "-n", fmt.Sprint(size), "-seed", fmt.Sprint(i+1),
				"-out", c.path, "-gold", os.DevNull)
			cmd.Stderr = os.Stderr
			check(cmd.Run())
		}
		s.reference(c)
		s.corpora = append(s.corpora, c)
	}
	fmt.Fprintf(os.Stderr, "a run takes %.2f s (A) and %.2f s (B)\n", s.corpora[0].seconds, s.corpora[1].seconds)

	s.randomKills(*kills)
	s.aimedKills(*aimed)
	s.concurrentPairs(*pairs)
	s.fullDisk(*disk)

	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "case\ttries\toutcome")
	for _, r := range s.rows {
		fmt.Fprintf(tw, "%s\t%d\t%s\n", r.name, r.tries, r.outcome)
	}
	tw.Flush()
	if s.failed {
		os.Exit(1)
	}
}

// reference runs c once into a fresh --out and records its set.
func (s *suite) reference(c *corpus) {
	out := filepath.Join(s.tmp, "ref")
	os.RemoveAll(out)
	start := time.Now()
	if code, stderr := s.run(out, c, nil); code != 0 {
		fail("reference run of %s: exit %d: %s", c.name, code, stderr)
	}
	c.seconds = time.Since(start).Seconds()
	set, err := report.ReadSet(out)
	check(err)
	c.read = set.Summary.Articles.Read
	c.clusters = hash(filepath.Join(out, report.ClustersFile))
	c.drop = hash(filepath.Join(out, report.DropFile))
	for _, n := range report.Outputs {
		fi, err := os.Stat(filepath.Join(out, n))
		check(err)
		c.bytes += fi.Size()
	}
}

func (c *corpus) String() string {
	if c == nil {
		return "no set"
	}
	return c.name
}

func hash(path string) [32]byte {
	b, err := os.ReadFile(path)
	check(err)
	return sha256.Sum256(b)
}

// run runs neardup into out over c and returns its exit code (-1: killed)
// and stderr.
func (s *suite) run(out string, c *corpus, env []string, extra ...string) (int, string) {
	cmd := s.command(out, c, env, extra...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Run()
	return cmd.ProcessState.ExitCode(), stderr.String()
}

func (s *suite) command(out string, c *corpus, env []string, extra ...string) *exec.Cmd {
	args := append(append([]string{"run", "-q", "--out", out}, extra...), c.path)
	cmd := exec.Command(s.bin, args...)
	cmd.Env = append(os.Environ(), env...)
	return cmd
}

// which says whose set out holds: a corpus, nil for no set at all, or an
// error when what it holds is not one run's whole set.
func (s *suite) which(out string) (*corpus, error) {
	set, err := report.ReadSet(out)
	if errors.Is(err, fs.ErrNotExist) {
		for _, n := range report.Outputs {
			if _, err := os.Stat(filepath.Join(out, n)); err == nil {
				return nil, fmt.Errorf("%s exists, the rest of the set does not", n)
			}
		}
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	cl, dr := hash(filepath.Join(out, report.ClustersFile)), hash(filepath.Join(out, report.DropFile))
	for _, c := range s.corpora {
		if cl == c.clusters && dr == c.drop && set.Summary.Articles.Read == c.read {
			return c, nil
		}
	}
	return nil, errors.New("the outputs are no run's set (a mix)")
}

func (s *suite) fault(format string, args ...any) {
	s.failed = true
	fmt.Fprintf(os.Stderr, "FAIL: "+format+"\n", args...)
}

// leftovers lists what is in out beyond the set, its lock and the
// generation kept from before.
func leftovers(out string) []string {
	var left []string
	entries, _ := os.ReadDir(out)
	gens := 0
	for _, e := range entries {
		switch {
		case strings.HasPrefix(e.Name(), ".gen-"):
			if gens++; gens > 2 {
				left = append(left, e.Name())
			}
		case strings.Contains(e.Name(), ".tmp-"):
			left = append(left, e.Name())
		}
	}
	return left
}

func (s *suite) randomKills(tries int) {
	if tries == 0 {
		return
	}
	out := filepath.Join(s.tmp, "random")
	var have *corpus
	var old, own, none, finished, bad int
	for i := range tries {
		c := s.corpora[i%2]
		span := time.Duration(1.15 * c.seconds * float64(time.Second))
		at := time.Duration(s.rng.Int64N(int64(span)))
		before, _ := os.Readlink(filepath.Join(out, report.CurrentLink))
		cmd := s.command(out, c, nil)
		check(cmd.Start())
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(at):
			cmd.Process.Kill()
			<-done
		}
		code := cmd.ProcessState.ExitCode()
		got, err := s.which(out)
		after, _ := os.Readlink(filepath.Join(out, report.CurrentLink))
		switched := after != before
		switch {
		case err != nil:
			bad++
			s.fault("random kill %d at %v: %v", i, at, err)
		case code == 0 && got == c && switched:
			finished++
		case code == 0:
			bad++
			s.fault("random kill %d: exit 0 but the set is not its own", i)
		case switched && got == c:
			own++
		case switched:
			bad++
			s.fault("random kill %d at %v: switched to a set not its own (%v)", i, at, got)
		case got == have && have == nil:
			none++
		case got == have:
			old++
		default:
			bad++
			s.fault("random kill %d at %v: exit %d, set of %v, want the previous one or its own", i, at, code, got)
		}
		if err == nil {
			have = got
		}
	}
	s.rows = append(s.rows, row{"random kill (SIGKILL at a random instant)", tries,
		fmt.Sprintf("%d consistent: %d previous set, %d own set (killed after the switch), %d no set yet, %d finished first; %d broken",
			tries-bad, old, own, none, finished, bad)})
	s.afterwards(out, "random kill")
}

// afterwards checks that a clean run after the kills leaves nothing behind.
func (s *suite) afterwards(out, what string) {
	if code, stderr := s.run(out, s.corpora[0], nil); code != 0 {
		s.fault("%s: the run after: exit %d: %s", what, code, stderr)
	}
	if got, err := s.which(out); err != nil || got != s.corpora[0] {
		s.fault("%s: the run after: %v, %v", what, got, err)
	}
	if left := leftovers(out); len(left) > 0 {
		s.fault("%s: left over after a clean run: %v", what, left)
	}
}

var points = []string{"adopted", "wrote clusters.jsonl", "wrote drop.txt", "wrote summary.json", "wrote report.html",
	"written", "linked", "switched", "pruned", "adopt switched"}

func (s *suite) aimedKills(tries int) {
	if tries == 0 {
		return
	}
	out := filepath.Join(s.tmp, "aimed")
	var have *corpus
	counts := map[string]int{}
	bad := 0
	for i := range tries {
		at := points[i%len(points)]
		c := s.corpora[i%2]
		if at == "adopt switched" {
			// Plain files, as an older neardup wrote them: the other
			// corpus's set.
			have = s.corpora[(i+1)%2]
			plain(out, s.tmp, s, have)
		}
		code, stderr := s.run(out, c, []string{"NEARDUP_TEST_KILL_AT=" + at}, "--html", filepath.Join(out, "report.html"))
		want := have
		if at == "switched" || at == "pruned" {
			want = c
		}
		got, err := s.which(out)
		switch {
		case code != -1:
			bad++
			s.fault("aimed kill at %q: exit %d, not killed: %s", at, code, stderr)
		case err != nil:
			bad++
			s.fault("aimed kill at %q: %v", at, err)
		case got != want:
			bad++
			s.fault("aimed kill at %q: set of %v, want %v", at, got, want)
		case got == c:
			counts["own"]++
		default:
			counts["previous"]++
		}
		if err == nil {
			have = got
		}
	}
	s.rows = append(s.rows, row{"aimed kill (each step of writing, adopting, switching)", tries,
		fmt.Sprintf("%d as expected: %d previous set (killed before the switch), %d own set (after); %d broken",
			tries-bad, counts["previous"], counts["own"], bad)})
	s.afterwards(out, "aimed kill")
}

// plain puts c's set into out as plain files, as an older neardup did.
func plain(out, tmp string, s *suite, c *corpus) {
	os.RemoveAll(out)
	ref := filepath.Join(tmp, "plain")
	os.RemoveAll(ref)
	if code, stderr := s.run(ref, c, nil); code != 0 {
		fail("plain set: exit %d: %s", code, stderr)
	}
	check(os.MkdirAll(out, 0o755))
	for _, n := range report.Outputs {
		b, err := os.ReadFile(filepath.Join(ref, n))
		check(err)
		check(os.WriteFile(filepath.Join(out, n), b, 0o644))
	}
}

func (s *suite) concurrentPairs(tries int) {
	if tries == 0 {
		return
	}
	out := filepath.Join(s.tmp, "pairs")
	ok, bad := 0, 0
	for i := range tries {
		a, b := s.command(out, s.corpora[0], nil), s.command(out, s.corpora[1], nil)
		var ea, eb bytes.Buffer
		a.Stderr, b.Stderr = &ea, &eb
		check(a.Start())
		check(b.Start())
		a.Wait()
		b.Wait()
		codes := []int{a.ProcessState.ExitCode(), b.ProcessState.ExitCode()}
		winner := s.corpora[0]
		locked := eb.String()
		if codes[0] == 11 {
			winner, locked = s.corpora[1], ea.String()
		}
		slices.Sort(codes)
		got, err := s.which(out)
		switch {
		case !slices.Equal(codes, []int{0, 11}):
			bad++
			s.fault("pair %d: exit codes %v, want 0 and 11: %s %s", i, codes, ea.String(), eb.String())
		case !strings.Contains(locked, "locked by pid "):
			bad++
			s.fault("pair %d: the locked-out run does not name the holder: %s", i, locked)
		case err != nil || got != winner:
			bad++
			s.fault("pair %d: set of %v (%v), want the winner's", i, got, err)
		default:
			ok++
		}
	}
	s.rows = append(s.rows, row{"concurrent pair (two runs at once on one --out)", tries,
		fmt.Sprintf("%d as expected: one exit 0 with its set, the other exit 11 at once naming the holder; %d broken", ok, bad)})

	// With --wait the second waits and then writes its own set.
	waited := 0
	n := max(tries/5, 1)
	for i := range n {
		a := s.command(out, s.corpora[0], nil)
		check(a.Start())
		time.Sleep(100 * time.Millisecond)
		code, stderr := s.run(out, s.corpora[1], nil, "--wait", "5m")
		a.Wait()
		got, err := s.which(out)
		if a.ProcessState.ExitCode() != 0 || code != 0 || err != nil || got != s.corpora[1] {
			s.fault("waiting pair %d: exits %d and %d, set %v (%v): %s", i, a.ProcessState.ExitCode(), code, got, err, stderr)
			continue
		}
		waited++
	}
	s.rows = append(s.rows, row{"concurrent pair, second with --wait 5m", n,
		fmt.Sprintf("%d as expected: both exit 0, the second's set last; %d broken", waited, n-waited)})
}

func (s *suite) fullDisk(tries int) {
	if tries == 0 {
		return
	}
	name := "full disk (--out on a small tmpfs)"
	mnt := filepath.Join(s.tmp, "tmpfs")
	check(os.MkdirAll(mnt, 0o755))
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt).CombinedOutput(); err != nil {
		msg := fmt.Sprintf("skipped: cannot mount a tmpfs (%v %s); run as root", err, strings.TrimSpace(string(out)))
		fmt.Fprintln(os.Stderr, name+": "+msg)
		s.rows = append(s.rows, row{name, 0, msg})
		return
	}
	exec.Command("umount", mnt).Run()
	set := max(s.corpora[0].bytes, s.corpora[1].bytes)
	var runs, wrote, refused, bad int
	for i := range tries {
		factor := 1.2 + 2*float64(i)/float64(max(tries-1, 1))
		size := int64(factor*float64(set)) + 64<<10
		if out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%d", size), "tmpfs", mnt).CombinedOutput(); err != nil {
			fail("mount: %v %s", err, out)
		}
		out := filepath.Join(mnt, "out")
		var have *corpus
		// Four runs alternating corpora: the disk fills with the set, the
		// generation kept from before and the new one.
		for j := range 4 {
			c := s.corpora[j%2]
			code, stderr := s.run(out, c, nil)
			runs++
			got, err := s.which(out)
			switch {
			case err != nil:
				bad++
				s.fault("full disk %.1fx, run %d: %v", factor, j, err)
			case code == 0 && got == c:
				wrote++
			case code == 1 && got == have && strings.Contains(stderr, "no space left"):
				refused++
				if left := leftovers(out); len(left) > 0 || hasNewerGen(out) {
					bad++
					s.fault("full disk %.1fx, run %d: left over: %v", factor, j, left)
				}
			default:
				bad++
				s.fault("full disk %.1fx, run %d: exit %d, set %v (had %v): %s", factor, j, code, got, have, stderr)
			}
			if err == nil {
				have = got
			}
		}
		if out, err := exec.Command("umount", mnt).CombinedOutput(); err != nil {
			fail("umount: %v %s", err, out)
		}
	}
	s.rows = append(s.rows, row{name + fmt.Sprintf(", 1.2-3.2x a set of %d KiB, 4 runs each", set>>10), runs,
		fmt.Sprintf("%d wrote their set, %d failed with exit 1 (no space left) and the previous set whole, nothing of theirs left; %d broken",
			wrote, refused, bad)})
}

// hasNewerGen reports whether out holds a generation newer than its
// current one: what a failed run must not leave.
func hasNewerGen(out string) bool {
	cur, err := os.Readlink(filepath.Join(out, report.CurrentLink))
	if err != nil {
		return false
	}
	gens, _ := filepath.Glob(filepath.Join(out, ".gen-*"))
	for _, g := range gens {
		if len(filepath.Base(g)) > len(cur) || (len(filepath.Base(g)) == len(cur) && filepath.Base(g) > cur) {
			return true
		}
	}
	return false
}

func check(err error) {
	if err != nil {
		fail("%v", err)
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "reliability: "+format+"\n", args...)
	os.Exit(1)
}
