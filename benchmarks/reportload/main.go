// Command reportload measures how the HTML report copes with a large run:
// it writes a report of N synthetic clusters (two articles each, news-like
// text) with the default size budget, then times headless Chromium from
// start until the page's script has rendered the list and the first
// cluster (body[data-ready]).
//
//	go run ./benchmarks/reportload [-clusters 100000] [-runs 3]
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/neardup/neardup/report"
)

func main() {
	n := flag.Int("clusters", 100000, "clusters in the report")
	runs := flag.Int("runs", 3, "browser loads to time (the median is reported)")
	words := flag.Int("words", 250, "words per article")
	flag.Parse()
	dir, err := os.MkdirTemp("", "reportload")
	check(err)
	defer os.RemoveAll(dir)

	rng := rand.New(rand.NewPCG(1, 2))
	vocab := make([]string, 5000)
	for i := range vocab {
		vocab[i] = fmt.Sprintf("w%x", rng.Uint32()%0xfffff)
	}
	text := func() string {
		var b strings.Builder
		for i := range *words {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(vocab[rng.IntN(len(vocab))])
		}
		return b.String()
	}
	sum := &report.Summary{Inputs: []string{"synthetic"}}
	sum.Parameters.Shingle = "word:3"
	sum.Matching.Clusters = *n
	var clusters []report.ClusterLine
	texts := map[string]report.Article{}
	for i := range *n {
		a, b := fmt.Sprintf("a%d", i), fmt.Sprintf("b%d", i)
		t := text()
		texts[a] = report.Article{Title: "Story " + a, Text: t}
		texts[b] = report.Article{Title: "Story " + b, Text: t + " " + text()[:200]}
		clusters = append(clusters, report.ClusterLine{Cluster: i + 1, Size: 2, Canonical: a, Members: []report.MemberLine{
			{ID: a, Title: "Story " + a, Similarity: 1, Date: "2024-05-08"},
			{ID: b, Title: "Story " + b, Similarity: 0.8, Date: "2024-05-09", Match: &report.MatchLine{Reason: "jaccard", Jaccard: 0.8, Containment: 1}},
		}})
	}
	path := filepath.Join(dir, "report.html")
	f, err := os.Create(path)
	check(err)
	w := bufio.NewWriter(f)
	start := time.Now()
	opts := report.DefaultHTMLOptions()
	opts.Generated = time.Now()
	check(report.HTML(w, sum, clusters, texts, opts))
	check(w.Flush())
	check(f.Close())
	fi, _ := os.Stat(path)
	fmt.Printf("report: %d clusters, %d words per article, %.1f MB, written in %.1fs\n", *n, *words, float64(fi.Size())/1e6, time.Since(start).Seconds())

	browser, err := exec.LookPath("chromium")
	check(err)
	chrome := func(args ...string) ([]byte, float64) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
			"--disable-component-update", "--disable-sync", "--user-data-dir=" + filepath.Join(dir, "profile")}
		start := time.Now()
		out, err := exec.CommandContext(ctx, browser, append(base, args...)...).Output()
		check(err)
		return out, time.Since(start).Seconds()
	}
	// Check once that the page's script rendered the list.
	tail, _ := chrome("--virtual-time-budget=60000", "--dump-dom", "file://"+path)
	if !strings.Contains(string(tail), `data-ready="1"`) {
		fmt.Println("the page did not finish rendering")
		os.Exit(1)
	}
	empty := filepath.Join(dir, "empty.html")
	check(os.WriteFile(empty, []byte("<!DOCTYPE html><title>x</title><p>x"), 0o644))
	var times, base []float64
	for range *runs {
		_, t := chrome("--screenshot="+filepath.Join(dir, "shot.png"), "--window-size=1400,900", "file://"+path)
		times = append(times, t)
		_, t = chrome("--screenshot="+filepath.Join(dir, "shot.png"), "--window-size=1400,900", "file://"+empty)
		base = append(base, t)
	}
	slices.Sort(times)
	slices.Sort(base)
	med, medBase := times[len(times)/2], base[len(base)/2]
	fmt.Printf("chromium headless, start to screenshot of the rendered page: median %.2fs of %.2v\n", med, times)
	fmt.Printf("the same for an empty page (browser start-up): median %.2fs; the report's own cost: %.2fs\n", medBase, med-medBase)
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "reportload:", err)
		os.Exit(1)
	}
}
