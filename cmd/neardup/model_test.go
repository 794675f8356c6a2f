package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neardup/neardup/cluster"
	"github.com/neardup/neardup/model"
	"github.com/neardup/neardup/report"
)

// TestFitAndRunWithModel: neardup fit writes a model from two labelled
// sources; run --model uses it and summary.json records its hash; --model
// off is the veto stack, recorded as such.
func TestFitAndRunWithModel(t *testing.T) {
	dir := t.TempDir()
	abs := func(p string) string {
		a, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	pairs := filepath.Join(dir, "briefs.pairs.jsonl")
	os.WriteFile(pairs, []byte(`{"a": "earn-orcas", "b": "earn-orcas-corr", "label": "dup"}
{"a": "div-harrow", "b": "div-pellam", "label": "distinct"}
{"a": "grain-wk18", "b": "grain-wk19", "label": "unsure"}
`), 0o644)
	spec := filepath.Join(dir, "spec.json")
	os.WriteFile(spec, []byte(`{"sources": [
  {"name": "wire", "gold": "`+abs("../../testdata/wire.gold.jsonl")+`", "input": ["`+abs(wireDir)+`"]},
  {"name": "briefs", "gold": "`+abs("../../testdata/briefs.gold.jsonl")+`", "pairs": ["briefs.pairs.jsonl"], "input": ["`+abs(briefsDir)+`"]}]}`), 0o644)
	file := filepath.Join(dir, "model.json")
	code, stdout, stderr := neardup(t, "", "fit", "-o", file, spec)
	if code != 0 || !strings.Contains(stdout, "wire") || !strings.Contains(stdout, "briefs") || !strings.Contains(stderr, "1 pairs labelled unsure skipped") {
		t.Fatalf("fit: exit %d\n%s%s", code, stdout, stderr)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	m, err := cluster.ParseModel(data)
	if err != nil {
		t.Fatalf("the written model does not parse: %v", err)
	}
	if len(m.File.Trained) != 2 || m.File.Extra == nil {
		t.Errorf("the model does not record its sources and leave-one-out scores: %+v", m.File)
	}
	// The same spec, the same bytes.
	again := filepath.Join(dir, "again.json")
	neardup(t, "", "fit", "-o", again, spec)
	if b, _ := os.ReadFile(again); string(b) != string(data) {
		t.Errorf("fit is not deterministic")
	}
	for _, tt := range []struct {
		args []string
		want string
	}{{[]string{"--model", file}, m.Hash}, {nil, model.Default().Hash}, {[]string{"--model", "off"}, "off"}} {
		out := t.TempDir()
		if code, _, stderr := neardup(t, "", append(append([]string{"run", "-q", "--out", out}, tt.args...), briefsDir)...); code != 0 {
			t.Fatalf("run %v: exit %d: %s", tt.args, code, stderr)
		}
		var sum struct {
			Parameters struct{ Model string } `json:"parameters"`
		}
		if err := json.Unmarshal([]byte(readFile(t, filepath.Join(out, report.SummaryFile))), &sum); err != nil || sum.Parameters.Model != tt.want {
			t.Errorf("run %v: summary's model %q, want %q (%v)", tt.args, sum.Parameters.Model, tt.want, err)
		}
	}
	// A model file that is not one is a usage error naming it.
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"format": 1, "features": ["colour"], "weights": [1], "cut": 0.5}`), 0o644)
	if code, _, stderr := neardup(t, "", "run", "-q", "--out", t.TempDir(), "--model", bad, briefsDir); code != exitUsage || !strings.Contains(stderr, `unknown feature "colour"`) {
		t.Errorf("a bad model: exit %d: %s", code, stderr)
	}
	for _, args := range [][]string{
		{"--model", "off", "--linkage", "mean"},     // mean linkage weighs probabilities
		{"--linkage", "mean", "--anti-chain=false"}, // and judges against the cluster, which plain union-find has not
		{"--figures", "0.5"},                        // a lever would move the model's features
		{"--model", file, "--lede", "0"},
	} {
		if code, _, stderr := neardup(t, "", append(append([]string{"run", "-q", "--out", t.TempDir()}, args...), briefsDir)...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d: %s", args, code, exitUsage, stderr)
		}
	}
	if code, _, stderr := neardup(t, "", "fit", "-o", filepath.Join(dir, "x.json"), "--figures", "0.5", spec); code != exitUsage || !strings.Contains(stderr, "lever") {
		t.Errorf("fit with a lever: exit %d: %s", code, stderr)
	}
	if code, _, _ := neardup(t, "", "run", "-q", "--out", t.TempDir(), "--model", "off", "--figures", "0.5", briefsDir); code != 0 {
		t.Errorf("a lever with --model off: exit %d", code)
	}

	// A nightly state made with one model refuses another (exit 12), and
	// says how to go on.
	st, out := filepath.Join(dir, "state"), filepath.Join(dir, "out")
	nights := threeNights(t, filepath.Join(dir, "nights"))
	if code, _, stderr := neardup(t, "", "run", "-q", "--state", st, "--out", out, nights[0]); code != 0 {
		t.Fatalf("night 1: exit %d: %s", code, stderr)
	}
	code, _, stderr = neardup(t, "", "run", "-q", "--state", st, "--out", out, "--model", file, nights[1])
	if code != exitParams || !strings.Contains(stderr, "another match model") || !strings.Contains(stderr, "start a new state") {
		t.Errorf("night 2 with another model: exit %d: %s", code, stderr)
	}
}

// TestUncertainSheet: eval --uncertain-sheet writes the candidate pairs
// nearest the model's cut, without the ones labelled already.
func TestUncertainSheet(t *testing.T) {
	dir := t.TempDir()
	sheet := filepath.Join(dir, "sheet.md")
	code, _, stderr := neardup(t, "", "eval", "--uncertain", "2", "--uncertain-sheet", sheet, briefsDir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	text := readFile(t, sheet)
	if n := strings.Count(text, "## PAIR "); n != 2 {
		t.Fatalf("%d pairs in the sheet, want 2:\n%s", n, text)
	}
	first := strings.Fields(text[strings.Index(text, "## PAIR ")+len("## PAIR "):])
	a, b := strings.TrimPrefix(first[0], "a="), strings.TrimPrefix(first[1], "b=")
	pairs := filepath.Join(dir, "pairs.jsonl")
	os.WriteFile(pairs, []byte(`{"a": "`+a+`", "b": "`+b+`", "label": "distinct"}`+"\n"), 0o644)
	if code, _, stderr := neardup(t, "", "eval", "--pairs", pairs, "--uncertain", "2", "--uncertain-sheet", sheet, briefsDir); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if text := readFile(t, sheet); strings.Contains(text, "## PAIR a="+a+" b="+b+"\n") {
		t.Errorf("the labelled pair %s, %s is in the sheet again", a, b)
	}
	if code, _, _ := neardup(t, "", "eval", "--model", "off", "--uncertain-sheet", sheet, briefsDir); code != exitUsage {
		t.Errorf("--uncertain-sheet with --model off: exit %d, want %d", code, exitUsage)
	}
}
