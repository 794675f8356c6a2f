// Command quality measures neardup's detection quality and prints the
// tables of benchmarks/QUALITY.md: one row per configuration, each with the
// exact neardup command that reproduces it.
//
//	go run ./benchmarks/quality [-shared ../shared] [-neardup PATH] > QUALITY-tables.md
//
// Data sets: testdata/wire and testdata/briefs (gold clusters, in the
// repository); Reuters-21578 pairs-dev (pair labels) and the SemEval-2022
// Task 8 pairs rated different (a precision set), read in place from
// ../shared/data, which is never copied into the repository; and two corpora
// of benchmarks/gen, one with its defaults and one with follow-up stories
// and heavy rewrites (gold clusters, and pair labels). A data set whose
// files are missing is reported as skipped.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/neardup/neardup/internal/labelsets"
)

// config is one row: a name and the flags that differ from the defaults.
type config struct {
	name string
	args []string
}

var peerBaseline = []string{"--model", "off", "--signature", "minhash", "--shingle", "word:5", "--threshold", "0.5", "--containment", "0",
	"--figures", "0", "--names", "0", "--window", "off", "--anti-chain=false", "--boilerplate=false",
	"--subject", "0", "--short-window", "off", "--figure-order", "0", "--lede", "0", "--furniture", "0"}

// issue7 are the defaults before the subject, short-window, figure-order,
// lede and furniture tests (issue 11), with the names veto they replaced.
var issue7 = []string{"--names", "0.85", "--subject", "0", "--short-window", "off", "--figure-order", "0", "--lede", "0", "--furniture", "0"}

var configs = []config{
	{"plain MinHash-LSH: library signatures, word 5-grams, Jaccard ≥ 0.5, nothing else (issue 2 defaults, peers' region)", peerBaseline},
	{"**neardup defaults: the match model** (model/default.json)", nil},
	{"the model, clusters by mean linkage (--linkage mean)", []string{"--linkage", "mean"}},
	{"the model, anti-chaining off", []string{"--anti-chain=false"}},
	{"the veto stack the model replaced, at its defaults (--model off)", []string{"--model", "off"}},
	{"the veto stack before issue 11: names veto 0.85, no subject, short-window, figure-order, lede or furniture test", append([]string{"--model", "off"}, issue7...)},
	{"the veto stack, lede test off (--model off --lede 0)", []string{"--model", "off", "--lede", "0"}},
	{"the veto stack, anti-chaining off", []string{"--model", "off", "--anti-chain=false"}},
}

type scores struct {
	Audit *struct {
		Dropped      int        `json:"dropped"`
		Labelled     int        `json:"labelled"`
		Distinct     int        `json:"distinct"`
		DistinctRate float64    `json:"distinct_share"`
		Interval     [2]float64 `json:"distinct_share_95"`
		TopClusters  int        `json:"top_clusters"`
		TopPure      int        `json:"top_pure"`
		Unlabelled   []struct{} `json:"unlabelled_pairs"`
	}
	Gold *struct {
		Pairwise struct{ Precision, Recall, F1 float64 }
		BCubed   struct{ F1 float64 }
		ARI      float64
	}
	Pairs *struct {
		Dup            int     `json:"dup"`
		DupFound       int     `json:"dup_found"`
		Distinct       int     `json:"distinct"`
		DistinctMerged int     `json:"distinct_merged"`
		DupRecall      float64 `json:"dup_recall"`
		DistinctRate   float64 `json:"distinct_merged_rate"`
	}
}

func main() {
	shared := flag.String("shared", "../shared", "the shared folder holding data/")
	bin := flag.String("neardup", "", "neardup binary (default: build one)")
	flag.Parse()
	if *bin == "" {
		dir, err := os.MkdirTemp("", "quality")
		check(err)
		defer os.RemoveAll(dir)
		*bin = filepath.Join(dir, "neardup")
		out, err := exec.Command("go", "build", "-o", *bin, "./cmd/neardup").CombinedOutput()
		if err != nil {
			fail("building neardup: %v\n%s", err, out)
		}
	}
	reuters := filepath.Join(*shared, "data/reuters21578")
	sets := []struct {
		title, labels, input, flag string
	}{
		{"Reuters-21578 cluster audit — every hidden article (drop.txt) read against its canonical one (benchmarks/labels/reuters-audit.jsonl: our own reading, IDs and labels only)",
			"benchmarks/labels/reuters-audit.jsonl", filepath.Join(reuters, "reuters21578.jsonl"), "--audit"},
		{"testdata/wire — French wire rewrites (gold clusters)", "testdata/wire.gold.jsonl", "testdata/wire/", "--gold"},
		{"testdata/briefs — look-alike briefs (gold clusters)", "testdata/briefs.gold.jsonl", "testdata/briefs/", "--gold"},
		{"Reuters-21578 pairs-dev — 150 dup / 145 distinct pairs labelled by reading", filepath.Join(reuters, "pairs-dev.jsonl"),
			filepath.Join(reuters, "reuters21578.jsonl"), "--pairs"},
		{"multi-outlet-2018 — 240 candidate pairs of 680 scraped web pages, labelled by reading (benchmarks/labels/multi-outlet.jsonl: 113 dup / 127 distinct)",
			"benchmarks/labels/multi-outlet.jsonl", filepath.Join(*shared, "data/multi-outlet-2018/corpus.jsonl"), "--pairs"},
	}
	// The benchmark generator's planted clusters, 10,000 articles.
	genDir, err := os.MkdirTemp("", "quality-gen")
	check(err)
	defer os.RemoveAll(genDir)
	genCorpus, genGold := filepath.Join(genDir, "corpus.jsonl"), filepath.Join(genDir, "gold.jsonl")
	if out, err := exec.Command("go", "run", "./benchmarks/gen", "-n", "10000", "-out", genCorpus, "-gold", genGold).CombinedOutput(); err != nil {
		fail("generating: %v\n%s", err, out)
	}
	sets = append(sets, struct{ title, labels, input, flag string }{
		"benchmarks/gen, 10,000 articles with planted rewrite clusters (`go run ./benchmarks/gen -n 10000`; commands below name its files corpus.jsonl and gold.jsonl)",
		genGold, genCorpus, "--gold"})
	// The same with follow-up stories, which must stay apart, and heavy
	// rewrites, which must join.
	hardCorpus, hardGold, hardPairs := filepath.Join(genDir, "corpus-hard.jsonl"), filepath.Join(genDir, "gold-hard.jsonl"),
		filepath.Join(genDir, "pairs-hard.jsonl")
	if out, err := exec.Command("go", "run", "./benchmarks/gen", "-n", "10000", "-followups", "0.1", "-heavy", "0.15",
		"-out", hardCorpus, "-gold", hardGold, "-pairs", hardPairs).CombinedOutput(); err != nil {
		fail("generating: %v\n%s", err, out)
	}
	hard := "`go run ./benchmarks/gen -n 10000 -followups 0.1 -heavy 0.15 -out corpus-hard.jsonl -gold gold-hard.jsonl -pairs pairs-hard.jsonl`"
	sets = append(sets, struct{ title, labels, input, flag string }{
		"benchmarks/gen, 10,000 articles with 10 % follow-up stories (apart) and 15 % heavy rewrites (joined) (" + hard + ")",
		hardGold, hardCorpus, "--gold"}, struct{ title, labels, input, flag string }{
		"benchmarks/gen, the same corpus's pair labels: dup = rewrites and heavy rewrites with their origin, distinct = follow-ups with the story they reuse",
		hardPairs, hardCorpus, "--pairs"})
	for _, s := range sets {
		table(*bin, s.title, s.flag, s.labels, s.input)
	}
	semeval(*bin, filepath.Join(*shared, "data/semeval2022-task8/pairs_with_text.jsonl"))
}

func table(bin, title, flagName, labels, input string) {
	fmt.Printf("### %s\n\n", title)
	if _, err := os.Stat(labels); err != nil {
		fmt.Printf("Skipped: %v\n\n", err)
		return
	}
	switch flagName {
	case "--gold":
		fmt.Println("| configuration | pair P | pair R | pair F1 | B³ F1 | ARI | command |")
		fmt.Println("|---|---|---|---|---|---|---|")
	case "--audit":
		fmt.Println("| configuration | hidden | hidden but distinct (of labelled) | 95 % interval | unlabelled | largest 30 pure | command |")
		fmt.Println("|---|---|---|---|---|---|---|")
	default:
		fmt.Println("| configuration | dup recall | distinct merged | command |")
		fmt.Println("|---|---|---|---|")
	}
	for _, c := range configs {
		args := append([]string{"eval", flagName, labels, "--json"}, c.args...)
		args = append(args, input)
		s := run(bin, args)
		shown := slices.Clone(args)
		for i, a := range shown {
			if strings.HasPrefix(a, os.TempDir()) {
				shown[i] = filepath.Base(a)
			}
		}
		cmd := "`neardup " + strings.Join(quote(shown), " ") + "`"
		if a := s.Audit; a != nil {
			fmt.Printf("| %s | %d | %.1f%% (%d/%d) | %.1f–%.1f%% | %d | %d/%d | %s |\n", c.name, a.Dropped, 100*a.DistinctRate, a.Distinct, a.Labelled,
				100*a.Interval[0], 100*a.Interval[1], len(a.Unlabelled), a.TopPure, a.TopClusters, cmd)
			continue
		}
		if g := s.Gold; g != nil {
			fmt.Printf("| %s | %.3f | %.3f | %.3f | %.3f | %.3f | %s |\n", c.name, g.Pairwise.Precision, g.Pairwise.Recall,
				g.Pairwise.F1, g.BCubed.F1, g.ARI, cmd)
		} else {
			p := s.Pairs
			fmt.Printf("| %s | %.3f (%d/%d) | %.1f%% (%d/%d) | %s |\n", c.name, p.DupRecall, p.DupFound, p.Dup,
				100*p.DistinctRate, p.DistinctMerged, p.Distinct, cmd)
		}
	}
	fmt.Println()
}

// semeval builds, in a temporary folder, a corpus of the SemEval articles
// (machine-translated rows left out) and the pairs people rated different
// (Overall ≥ 3.5), and reports how many of those a run merges.
func semeval(bin, path string) {
	fmt.Printf("### SemEval-2022 Task 8 — %s\n\n", "pairs rated different stories (Overall ≥ 3.5): a precision set")
	dir, err := os.MkdirTemp("", "semeval")
	check(err)
	defer os.RemoveAll(dir)
	corpus, pairs, articles, n, err := labelsets.SemEval(path, dir)
	if err != nil {
		fmt.Printf("Skipped: %v\n\n", err)
		return
	}
	fmt.Printf("%d articles, %d pairs rated different. Built by `go run ./benchmarks/quality` from %s; the command below runs on the files it writes.\n\n", articles, n, path)
	fmt.Println("| configuration | different pairs merged | command |")
	fmt.Println("|---|---|---|")
	for _, c := range []config{configs[0], configs[1], configs[4]} {
		args := append([]string{"eval", "--pairs", "different.jsonl", "--json"}, c.args...)
		args = append(args, "semeval.jsonl")
		full := append([]string{}, args...)
		full[2] = pairs
		full[len(full)-1] = corpus
		p := run(bin, full).Pairs
		fmt.Printf("| %s | %.1f%% (%d/%d) | `neardup %s` |\n", c.name, 100*p.DistinctRate, p.DistinctMerged, p.Distinct, strings.Join(quote(args), " "))
	}
	fmt.Println()
}

func run(bin string, args []string) scores {
	out, err := exec.Command(bin, args...).Output()
	if err != nil {
		fail("neardup %s: %v", strings.Join(args, " "), err)
	}
	var s scores
	check(json.Unmarshal(out, &s))
	return s
}

func quote(args []string) []string {
	var q []string
	for _, a := range args {
		if a == "--json" {
			continue
		}
		if strings.ContainsAny(a, " *") {
			a = "'" + a + "'"
		}
		q = append(q, a)
	}
	return q
}

func check(err error) {
	if err != nil {
		fail("%v", err)
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "quality: "+format+"\n", args...)
	os.Exit(1)
}
