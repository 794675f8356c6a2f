// Command train fits the default match model (model/default.json) on
// every labelled source the project has, and prints each source's scores
// by a model fitted on the others (leave-one-source-out), for
// benchmarks/QUALITY.md:
//
//	go run ./benchmarks/train -shared ../shared
//
// The sources: Reuters-21578 (pairs-dev and our cluster audit), the
// multi-outlet-2018 web pages (our labels), SemEval-2022's pairs rated
// different stories, the hand-written testdata (wire rewrites and
// look-alike briefs) and the generator's hard corpus. The shared texts
// are read in place and the files built from them go to a temporary
// folder; only the model is written into the repository.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/neardup/neardup/internal/labelsets"
)

func main() {
	shared := flag.String("shared", "../shared", "the shared folder holding data/")
	out := flag.String("o", "model/default.json", "write the model to this file")
	flag.Parse()
	tmp, err := os.MkdirTemp("", "train")
	check(err)
	defer os.RemoveAll(tmp)
	abs := func(p string) string {
		a, err := filepath.Abs(p)
		check(err)
		return a
	}
	data := filepath.Join(abs(*shared), "data")
	semCorpus, semPairs, _, _, err := labelsets.SemEval(filepath.Join(data, "semeval2022-task8/pairs_with_text.jsonl"), tmp)
	check(err)
	genCorpus, genGold, genPairs, err := labelsets.Gen(tmp, "gen-hard", labelsets.HardGen)
	check(err)
	type source struct {
		Name  string   `json:"name"`
		Pairs []string `json:"pairs,omitempty"`
		Gold  string   `json:"gold,omitempty"`
		Input []string `json:"input"`
	}
	spec := struct {
		Sources []source `json:"sources"`
		Command string   `json:"command"`
	}{Command: "go run ./benchmarks/train -shared ../shared", Sources: []source{
		{Name: "reuters21578", Pairs: []string{filepath.Join(data, "reuters21578/pairs-dev.jsonl"), abs("benchmarks/labels/reuters-audit.jsonl")},
			Input: []string{filepath.Join(data, "reuters21578/reuters21578.jsonl")}},
		{Name: "multi-outlet-2018", Pairs: []string{abs("benchmarks/labels/multi-outlet.jsonl")},
			Input: []string{filepath.Join(data, "multi-outlet-2018/corpus.jsonl")}},
		{Name: "semeval2022", Pairs: []string{semPairs}, Input: []string{semCorpus}},
		{Name: "testdata-wire", Gold: abs("testdata/wire.gold.jsonl"), Input: []string{abs("testdata/wire")}},
		{Name: "testdata-briefs", Gold: abs("testdata/briefs.gold.jsonl"), Input: []string{abs("testdata/briefs")}},
		{Name: "gen-hard", Pairs: []string{genPairs}, Gold: genGold, Input: []string{genCorpus}},
	}}
	b, err := json.MarshalIndent(spec, "", "  ")
	check(err)
	specFile := filepath.Join(tmp, "spec.json")
	check(os.WriteFile(specFile, b, 0o644))
	cmd := exec.Command("go", append([]string{"run", "./cmd/neardup", "fit", "-o", *out}, append(flag.Args(), specFile)...)...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	check(cmd.Run())
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "train:", err)
		os.Exit(1)
	}
}
