// Command langs measures how fast neardup reads, shingles and signs real
// news text in each language of the SemEval-2022 Task 8 articles: the
// generated corpus of benchmarks/run is ASCII, and normalisation takes a
// different path for other scripts.
//
//	go run ./benchmarks/langs -shared ../shared [-compare OTHER_NEARDUP_BINARY]
//
// For each language it writes, in a temporary folder, a JSONL corpus of that
// language's articles (machine-translated rows left out) repeated -repeat
// times under new IDs, runs `neardup run -q` on it -runs times, and prints
// the median seconds of the read_shingle_sign stage (from summary.json) and
// the megabytes per second. With -compare, the other binary runs on the same
// corpora, alternating with this tree's build, and the outputs are compared.
//
// The default languages are those with original articles in the data: fr,
// de, es, pl, en, tr (Latin script, the table path) and ar (the Unicode
// path). Russian, Chinese and Italian are in the file only in
// machine-translated rows, which are left out, so they have nothing to
// measure; a language asked for and not measured is listed under the table
// with the reason.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

func main() {
	shared := flag.String("shared", "../shared", "the shared data folder")
	repeat := flag.Int("repeat", 100, "copies of each language's articles, under new IDs")
	runs := flag.Int("runs", 3, "runs to take the median of")
	compare := flag.String("compare", "", "another neardup binary to run side by side")
	langs := flag.String("langs", "fr,de,es,pl,en,tr,ar", "languages, comma-separated")
	flag.Parse()

	dir, err := os.MkdirTemp("", "langs")
	check(err)
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "neardup")
	build := exec.Command("go", "build", "-o", bin, "./cmd/neardup")
	build.Stderr = os.Stderr
	check(build.Run())

	data := read(filepath.Join(*shared, "data/semeval2022-task8/pairs_with_text.jsonl"))
	bins := []string{bin}
	if *compare != "" {
		bins = []string{*compare, bin}
	}
	fmt.Printf("SemEval-2022 Task 8 articles, each language's repeated %d times; read_shingle_sign stage, median of %d\n\n", *repeat, *runs)
	if len(bins) == 2 {
		fmt.Println("| language | articles | MB | other binary | this tree | speed-up | outputs |")
		fmt.Println("|---|---|---|---|---|---|---|")
	} else {
		fmt.Println("| language | articles | MB | seconds | MB/s |")
		fmt.Println("|---|---|---|---|---|")
	}
	var skipped []string
	for _, lang := range strings.Split(*langs, ",") {
		texts := data.texts[lang]
		if why := data.skipReason(lang); why != "" {
			fmt.Fprintf(os.Stderr, "langs: skipping %s: %s\n", lang, why)
			skipped = append(skipped, fmt.Sprintf("%s (%s)", lang, why))
			continue
		}
		path := filepath.Join(dir, lang+".jsonl")
		size := write(path, texts, *repeat)
		secs := make([][]float64, len(bins))
		var outputs [][]byte
		for range *runs {
			for i, b := range bins {
				out := filepath.Join(dir, fmt.Sprintf("out-%d", i))
				cmd := exec.Command(b, "run", "-q", "--out", out, path)
				cmd.Stderr = os.Stderr
				check(cmd.Run())
				secs[i] = append(secs[i], stage(filepath.Join(out, "summary.json")))
				if len(outputs) < len(bins) {
					data, err := os.ReadFile(filepath.Join(out, "clusters.jsonl"))
					check(err)
					outputs = append(outputs, data)
				}
			}
		}
		mb := float64(size) / 1e6
		n := len(texts) * *repeat
		if len(bins) == 2 {
			same := "identical"
			if !bytes.Equal(outputs[0], outputs[1]) {
				same = "DIFFERENT"
			}
			a, b := median(secs[0]), median(secs[1])
			fmt.Printf("| %s | %d | %.1f | %.3f s | %.3f s | %.2f× | %s |\n", lang, n, mb, a, b, a/b, same)
		} else {
			s := median(secs[0])
			fmt.Printf("| %s | %d | %.1f | %.3f s | %.0f |\n", lang, n, mb, s, mb/s)
		}
	}
	if len(skipped) > 0 {
		fmt.Printf("\nNot measured: %s.\n", strings.Join(skipped, "; "))
	}
}

// semeval is what read found in the SemEval file.
type semeval struct {
	texts      map[string][]string // distinct original articles, by language
	translated map[string]int      // texts in machine-translated rows, left out, by language
}

// skipReason says why lang has nothing to measure, or "" when it has
// articles.
func (d semeval) skipReason(lang string) string {
	switch {
	case len(d.texts[lang]) > 0:
		return ""
	case d.translated[lang] > 0:
		return fmt.Sprintf("its %d texts are all in machine-translated rows, which are left out", d.translated[lang])
	}
	var have []string
	for l := range d.texts {
		have = append(have, l)
	}
	slices.Sort(have)
	return "not in the data, which has " + strings.Join(have, ",")
}

// read returns the distinct articles of each language, machine-translated
// rows left out and counted.
func read(path string) semeval {
	f, err := os.Open(path)
	check(err)
	defer f.Close()
	d := semeval{texts: map[string][]string{}, translated: map[string]int{}}
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var r struct {
			PairID       string `json:"pair_id"`
			Augmented    bool   `json:"augmented_translation"`
			Lang1, Lang2 string
			Text1, Text2 string
		}
		check(json.Unmarshal(sc.Bytes(), &r))
		ids := strings.SplitN(r.PairID, "_", 2)
		sides := []struct{ lang, text string }{{r.Lang1, r.Text1}, {r.Lang2, r.Text2}}
		if r.Augmented {
			for _, a := range sides {
				if a.text != "" {
					d.translated[a.lang]++
				}
			}
			continue
		}
		if len(ids) != 2 {
			fmt.Fprintf(os.Stderr, "langs: skipping row with pair_id %q: want two article IDs joined by _\n", r.PairID)
			continue
		}
		for i, a := range sides {
			if a.text != "" && !seen[ids[i]] {
				seen[ids[i]] = true
				d.texts[a.lang] = append(d.texts[a.lang], a.text)
			}
		}
	}
	check(sc.Err())
	return d
}

// write writes texts repeat times under distinct IDs and returns the size.
func write(path string, texts []string, repeat int) int64 {
	f, err := os.Create(path)
	check(err)
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for r := range repeat {
		for i, t := range texts {
			check(enc.Encode(map[string]string{"id": fmt.Sprintf("%d-%d", r, i), "text": t}))
		}
	}
	check(w.Flush())
	check(f.Close())
	fi, err := os.Stat(path)
	check(err)
	return fi.Size()
}

func stage(summary string) float64 {
	data, err := os.ReadFile(summary)
	check(err)
	var s struct {
		Seconds struct {
			Stages map[string]float64 `json:"stages"`
		} `json:"seconds"`
	}
	check(json.Unmarshal(data, &s))
	return s.Seconds.Stages["read_shingle_sign"]
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "langs:", err)
		os.Exit(1)
	}
}
