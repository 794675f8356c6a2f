// Command nightly measures issue 12's figures for nightly runs: the state's
// bytes per article on disk, and a night of -night articles against a
// state of -state articles (load, match, commit) beside a plain run over
// the night's articles alone, side by side.
//
//	go run ./benchmarks/nightly [-state 1000000] [-night 100000] [-runs 3] [-data DIR]
//
// It generates (benchmarks/gen -nights) state/night + 1 nights of about
// -night articles each, builds the state from all nights but the last,
// night by night as cron would (--keep 60d, so nothing leaves), then
// alternates, -runs times:
// the last night over a fresh copy of that state, and a plain run over the
// last night alone. It prints each run's seconds and peak memory, the
// medians and their ratio, the state's bytes per article, and the
// nightly run's stages (summary.json). Generated corpora and the binary go
// under -data and are reused when present.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"time"

	"github.com/neardup/neardup/report"
	"github.com/neardup/neardup/state"
)

func main() {
	stateN := flag.Int("state", 1000000, "articles in the state before the night")
	nightN := flag.Int("night", 100000, "articles in the night")
	runs := flag.Int("runs", 3, "runs of each, alternating")
	data := flag.String("data", "", "folder for the corpus, the state and the binary (default: a temporary one)")
	flag.Parse()
	if *data == "" {
		tmp, err := os.MkdirTemp("", "nightly")
		check(err)
		defer os.RemoveAll(tmp)
		*data = tmp
	}
	bin := filepath.Join(*data, "neardup")
	check(run(nil, "go", "build", "-o", bin, "./cmd/neardup"))
	nights := *stateN / *nightN + 1
	dir := filepath.Join(*data, fmt.Sprintf("nights-%d-%d", *stateN+*nightN, nights))
	files, _ := filepath.Glob(filepath.Join(dir, "night-*.jsonl"))
	if len(files) != nights {
		check(run(nil, "go", "run", "./benchmarks/gen", "-n", fmt.Sprint(*stateN+*nightN), "-nights", fmt.Sprint(nights), "-nights-dir", dir))
		files, _ = filepath.Glob(filepath.Join(dir, "night-*.jsonl"))
	}
	last := files[len(files)-1]
	base := filepath.Join(*data, "state-base")
	if _, err := state.ReadHistory(base); err != nil || !exists(filepath.Join(base, "CURRENT")) {
		os.RemoveAll(base)
		start := time.Now()
		for _, f := range files[:len(files)-1] {
			check(run(nil, bin, "run", "-q", "--state", base, "--keep", "60d", "--out", filepath.Join(*data, "out-base"), f))
		}
		fmt.Printf("nightly: state of nights 1-%d built in %.1f s\n", len(files)-1, time.Since(start).Seconds())
	}
	m, err := state.ReadHistory(base)
	check(err)
	var bytes int64
	for _, f := range m.Segments {
		bytes += f.Bytes
	}
	fmt.Printf("nightly: state %d articles, %d bytes of segments: %.0f bytes an article\n", m.Articles, bytes, float64(bytes)/float64(m.Articles))

	var nightS, plainS []float64
	var nightRSS, plainRSS []int64
	for i := range *runs {
		st := filepath.Join(*data, "state-run")
		os.RemoveAll(st)
		check(run(nil, "cp", "-a", base, st))
		// The outputs as the state's last night left them: a new --out
		// would get that night published first (exit 17), not tonight's.
		os.RemoveAll(filepath.Join(*data, "out-night"))
		check(run(nil, "cp", "-a", filepath.Join(*data, "out-base"), filepath.Join(*data, "out-night")))
		run(nil, "sync")
		s, rss := timed(bin, "run", "-q", "--state", st, "--keep", "60d", "--out", filepath.Join(*data, "out-night"), last)
		nightS, nightRSS = append(nightS, s), append(nightRSS, rss)
		s, rss = timed(bin, "run", "-q", "--out", filepath.Join(*data, "out-plain"), last)
		plainS, plainRSS = append(plainS, s), append(plainRSS, rss)
		fmt.Printf("nightly: run %d: night over the state %.2f s (%d MB), plain %.2f s (%d MB)\n", i+1, nightS[i], nightRSS[i]>>20, plainS[i], plainRSS[i]>>20)
	}
	mn, mp := median(nightS), median(plainS)
	fmt.Printf("nightly: median night over %d articles %.2f s, plain run over the night's %s articles %.2f s: ratio %.2f×; peak RSS %d MB vs %d MB\n",
		m.Articles, mn, filepath.Base(last), mp, mn/mp, slices.Max(nightRSS)>>20, slices.Max(plainRSS)>>20)
	sum, err := report.ReadSummary(filepath.Join(*data, "out-night", report.SummaryFile))
	check(err)
	stages, _ := json.Marshal(sum.Seconds.Stages)
	fmt.Printf("nightly: the last night's stages (s): %s; commit in the history: ", stages)
	h, err := state.ReadHistory(filepath.Join(*data, "state-run"))
	check(err)
	fmt.Printf("%.2f s\n", h.Nights[len(h.Nights)-1].Seconds["commit"])
}

// timed runs a command and returns its wall seconds and peak RSS.
func timed(name string, args ...string) (float64, int64) {
	cmd := exec.Command(name, args...)
	cmd.Stderr = os.Stderr
	start := time.Now()
	check(cmd.Run())
	secs := time.Since(start).Seconds()
	var rss int64
	if u, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = u.Maxrss << 10
	}
	return secs, rss
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

func run(env []string, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = os.Stderr
	return cmd.Run()
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "nightly:", err)
		os.Exit(1)
	}
}
