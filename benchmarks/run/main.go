// Command run benchmarks whole neardup runs on a generated corpus and
// prints articles/s, seconds per stage, peak RSS and pairwise
// precision/recall/F1 against the planted clusters.
//
//	go run ./benchmarks/run -n 100000 -runs 3 [-gzip] [-- extra neardup run flags]
//
// The corpus (benchmarks/gen, seed 1) is written once into -data and
// reused. Each run is timed from outside (wall clock; peak RSS from the
// kernel's rusage of the child); medians are reported.
package main

import (
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"
)

func main() {
	n := flag.Int("n", 100000, "articles in the generated corpus")
	runs := flag.Int("runs", 3, "runs to take the median of")
	data := flag.String("data", "benchmarks/data", "where generated corpora are kept (not committed)")
	gz := flag.Bool("gzip", false, "run on the corpus gzip-compressed (level 1, written once beside it)")
	flag.Parse()
	extra := flag.Args()

	check(os.MkdirAll(*data, 0o755))
	bin := filepath.Join(*data, "bin")
	check(os.MkdirAll(bin, 0o755))
	for _, tool := range []string{"neardup", "gen"} {
		src := "./cmd/neardup"
		if tool == "gen" {
			src = "./benchmarks/gen"
		}
		out, err := exec.Command("go", "build", "-o", filepath.Join(bin, tool), src).CombinedOutput()
		if err != nil {
			fail("building %s: %v\n%s", tool, err, out)
		}
	}
	corpus := filepath.Join(*data, fmt.Sprintf("corpus-%d.jsonl", *n))
	gold := filepath.Join(*data, fmt.Sprintf("gold-%d.jsonl", *n))
	if _, err := os.Stat(gold); err != nil {
		fmt.Fprintf(os.Stderr, "generating %s\n", corpus)
		cmd := exec.Command(filepath.Join(bin, "gen"), "-n", fmt.Sprint(*n), "-out", corpus, "-gold", gold)
		cmd.Stderr = os.Stderr
		check(cmd.Run())
	}
	if *gz {
		corpus = gzipOnce(corpus)
	}
	fi, err := os.Stat(corpus)
	check(err)

	var walls []float64
	var rss []int64
	stages := map[string][]float64{}
	out := filepath.Join(*data, "out")
	for range *runs {
		args := append([]string{"run", "-q", "--out", out}, extra...)
		args = append(args, corpus)
		cmd := exec.Command(filepath.Join(bin, "neardup"), args...)
		cmd.Stderr = os.Stderr
		start := time.Now()
		check(cmd.Run())
		walls = append(walls, time.Since(start).Seconds())
		rss = append(rss, cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss*1024)
		var sum struct {
			Seconds  struct{ Stages map[string]float64 }
			Matching struct {
				CandidatePairs int `json:"candidate_pairs"`
			}
		}
		b, err := os.ReadFile(filepath.Join(out, "summary.json"))
		check(err)
		check(json.Unmarshal(b, &sum))
		for k, v := range sum.Seconds.Stages {
			stages[k] = append(stages[k], v)
		}
	}
	evalOut, err := exec.Command(filepath.Join(bin, "neardup"), "eval", "--json", "--gold", gold, "--clusters", filepath.Join(out, "clusters.jsonl")).Output()
	check(err)
	var ev struct {
		Gold struct {
			Pairwise struct{ Precision, Recall, F1 float64 }
			BCubed   struct{ F1 float64 }
			ARI      float64
		}
	}
	check(json.Unmarshal(evalOut, &ev))

	wall := median(walls)
	peak := slices.Max(rss)
	host, _ := os.Hostname()
	fmt.Printf("corpus: %d articles, %.0f MB (%s)\n", *n, float64(fi.Size())/1e6, corpus)
	fmt.Printf("machine: %s, %d cores, %s; %s\n", host, runtime.NumCPU(), runtime.Version(), time.Now().UTC().Format("2006-01-02"))
	fmt.Printf("command: neardup run -q --out OUT %s CORPUS\n", strings.Join(extra, " "))
	fmt.Printf("wall: median %.2f s of %v -> %.0f articles/s\n", wall, round2(walls), float64(*n)/wall)
	var names []string
	for k := range stages {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		fmt.Printf("  stage %-18s median %.2f s\n", k, median(stages[k]))
	}
	fmt.Printf("peak RSS: %.0f MB = %.0f bytes/article (max of %d runs)\n", float64(peak)/1e6, float64(peak)/float64(*n), *runs)
	fmt.Printf("planted clusters: pairwise P %.4f R %.4f F1 %.4f, B-cubed F1 %.4f, ARI %.4f\n",
		ev.Gold.Pairwise.Precision, ev.Gold.Pairwise.Recall, ev.Gold.Pairwise.F1, ev.Gold.BCubed.F1, ev.Gold.ARI)
}

// gzipOnce writes path.gz (gzip level 1, as a nightly dump might be)
// unless it exists, and returns its name.
func gzipOnce(path string) string {
	gzPath := path + ".gz"
	if _, err := os.Stat(gzPath); err == nil {
		return gzPath
	}
	fmt.Fprintf(os.Stderr, "compressing %s\n", gzPath)
	in, err := os.Open(path)
	check(err)
	defer in.Close()
	tmp := gzPath + ".tmp"
	out, err := os.Create(tmp)
	check(err)
	zw, err := gzip.NewWriterLevel(out, gzip.BestSpeed)
	check(err)
	_, err = io.Copy(zw, in)
	check(err)
	check(zw.Close())
	check(out.Close())
	check(os.Rename(tmp, gzPath))
	return gzPath
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

func round2(xs []float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = float64(int(x*100+0.5)) / 100
	}
	return out
}

func check(err error) {
	if err != nil {
		fail("%v", err)
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "run: "+format+"\n", args...)
	os.Exit(1)
}
