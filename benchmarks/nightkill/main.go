// Command nightkill is issue 12's kill test: it SIGKILLs nightly runs
// (neardup run --state) at random instants and at every step of their
// commit, runs each killed night again as cron would, and checks that the
// state and the outputs are then exactly those of an uninterrupted
// sequence of nights.
//
//	go run ./benchmarks/nightkill [-n 12000] [-nights 4] [-kills 200] [-data DIR]
//
// It generates a dated corpus (benchmarks/gen -nights), runs the nights
// once uninterrupted and records, after each, the state's fingerprint
// (state.Fingerprint: what the nights put in it, not timings) and the
// outputs. Then, for each try, it copies the reference state as it was
// before a night, starts that night, kills it — at a uniformly random
// instant of 1.3 times a run's duration (so that some finish first), or
// where NEARDUP_TEST_KILL_AT names a step of the state's commit or of the
// outputs' switch — and checks that --out still holds one whole set
// (report.ReadSet), that the state opens (a damaged state would exit 14),
// and that one more run of the same night leaves the reference state and
// outputs. It prints a table and exits 1 on any difference.
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/neardup/neardup/report"
	"github.com/neardup/neardup/state"
)

type after struct{ state, clusters, drop string }

type suite struct {
	bin    string
	nights []string
	snaps  []string // the reference state before night k (snaps[0]: none)
	outs   []string // the reference outputs before night k (outs[0]: none)
	ref    []after
	tmp    string
	tries  int
	failed int
	killed int // runs that died by the kill (the others had finished)
}

func main() {
	n := flag.Int("n", 12000, "articles in the generated corpus")
	nights := flag.Int("nights", 4, "nights they span")
	kills := flag.Int("kills", 200, "random kills (some land after the run has finished: the table counts those that hit it)")
	data := flag.String("data", "", "folder for the corpus and the binary (default: a temporary one)")
	flag.Parse()
	tmp, err := os.MkdirTemp("", "nightkill")
	check(err)
	defer os.RemoveAll(tmp)
	if *data == "" {
		*data = tmp
	}
	s := &suite{tmp: tmp, bin: filepath.Join(*data, "neardup")}
	check(run("go", "build", "-tags", "killhooks", "-o", s.bin, "./cmd/neardup")) // with its kill points
	dir := filepath.Join(*data, fmt.Sprintf("nights-%d-%d", *n, *nights))
	check(run("go", "run", "./benchmarks/gen", "-n", fmt.Sprint(*n), "-nights", fmt.Sprint(*nights), "-nights-dir", dir))
	s.nights, err = filepath.Glob(filepath.Join(dir, "night-*.jsonl"))
	check(err)

	// The uninterrupted nights.
	refState, refOut := filepath.Join(tmp, "ref"), filepath.Join(tmp, "refout")
	s.snaps = append(s.snaps, filepath.Join(tmp, "snap0"))
	check(os.MkdirAll(s.snaps[0], 0o755))
	s.outs = append(s.outs, "")
	var took []time.Duration
	for k, night := range s.nights {
		start := time.Now()
		check(run(s.bin, "run", "-q", "--state", refState, "--out", refOut, night))
		took = append(took, time.Since(start))
		s.ref = append(s.ref, s.after(refState, refOut))
		snap := filepath.Join(tmp, fmt.Sprint("snap", k+1))
		check(run("cp", "-a", refState, snap))
		s.snaps = append(s.snaps, snap)
		check(run("cp", "-a", refOut, snap+"out"))
		s.outs = append(s.outs, snap+"out")
	}
	fmt.Printf("nightkill: %d articles over %d nights; uninterrupted runs %v\n", *n, len(s.nights), took)

	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "case\ttries\tkilled\tthen equal to uninterrupted")
	points := []string{"state:ahead", "state:written", "state:renamed", "state:switched", "state:removed", "written", "linked", "switched", "pruned"}
	before := s.failed
	for k := range s.nights {
		for _, at := range points {
			s.try(k, []string{"NEARDUP_TEST_KILL_AT=" + at}, nil)
		}
	}
	fmt.Fprintf(tw, "aimed at each commit and switch step, every night\t%d\t%d\t%d\n", len(points)*len(s.nights), s.killed, len(points)*len(s.nights)-(s.failed-before))
	rng := rand.New(rand.NewPCG(1, 2))
	before, killedBefore := s.failed, s.killed
	for i := range *kills {
		k := i % len(s.nights)
		limit := took[k] * 13 / 10
		s.try(k, nil, func(cmd *exec.Cmd) {
			time.Sleep(time.Duration(rng.Int64N(int64(limit))))
			cmd.Process.Kill()
		})
	}
	fmt.Fprintf(tw, "random instants (0 to 1.3 × a run)\t%d\t%d\t%d\n", *kills, s.killed-killedBefore, *kills-(s.failed-before))
	tw.Flush()
	if s.failed > 0 {
		fmt.Printf("nightkill: %d of %d tries broken\n", s.failed, s.tries)
		os.Exit(1)
	}
	fmt.Printf("nightkill: %d tries, every one whole and equal to the uninterrupted nights after one more run\n", s.tries)
}

// try runs night k over a copy of the state before it, kills it (through
// env, or kill), then runs it again and compares.
func (s *suite) try(k int, env []string, kill func(*exec.Cmd)) {
	s.tries++
	st, out := filepath.Join(s.tmp, fmt.Sprint("st", s.tries)), filepath.Join(s.tmp, fmt.Sprint("out", s.tries))
	defer os.RemoveAll(st)
	defer os.RemoveAll(out)
	check(run("cp", "-a", s.snaps[k], st))
	if k > 0 { // the outputs of the night before, as cron left them
		check(run("cp", "-a", s.outs[k], out))
	}
	cmd := exec.Command(s.bin, "run", "-q", "--state", st, "--out", out, s.nights[k])
	cmd.Env = append(os.Environ(), env...)
	check(cmd.Start())
	if kill != nil {
		kill(cmd)
	}
	cmd.Wait()
	if cmd.ProcessState.ExitCode() == -1 {
		s.killed++
	}
	broken := func(format string, args ...any) {
		s.failed++
		fmt.Printf("nightkill: night %d, %v: %s\n", k+1, env, fmt.Sprintf(format, args...))
	}
	if k > 0 {
		if _, err := report.ReadSet(out); err != nil {
			broken("outputs not one whole set after the kill: %v", err)
		}
	}
	if msg, err := exec.Command(s.bin, "run", "-q", "--state", st, "--out", out, s.nights[k]).CombinedOutput(); err != nil {
		broken("the run after the kill: %v: %s", err, msg)
		return
	}
	if got := s.after(st, out); got != s.ref[k] {
		broken("state or outputs differ from the uninterrupted night's")
	}
}

func (s *suite) after(st, out string) after {
	fp, err := state.Fingerprint(st, report.SummaryFile)
	check(err)
	c, err := os.ReadFile(filepath.Join(out, report.ClustersFile))
	check(err)
	d, err := os.ReadFile(filepath.Join(out, report.DropFile))
	check(err)
	return after{fp, string(c), string(d)}
}

func run(name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Stderr = os.Stderr
	return cmd.Run()
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "nightkill:", err)
		os.Exit(1)
	}
}
