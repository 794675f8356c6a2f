package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/neardup/neardup/dedup"
)

// TestProgressUnits: the bar counts each stage in its own unit (articles
// while reading, bands while finding candidates), never one unit for all.
func TestProgressUnits(t *testing.T) {
	var stderr bytes.Buffer
	code := run(context.Background(), []string{"run", "--out", t.TempDir(), wireDir},
		env{stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &stderr, stderrTTY: true})
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	got := stderr.String()
	for _, want := range []string{"read+sign", "articles/s", "candidate bands", "bands/s"} {
		if !strings.Contains(got, want) {
			t.Errorf("progress bar lacks %q: %q", want, got)
		}
	}
	if strings.Contains(got, "docs/s") || strings.Contains(got, "steps/s") {
		t.Errorf("a stage counted in the wrong unit: %q", got)
	}
}

// TestEveryStageHasAUnit: every stage dedup.Run reports has its unit in
// stageUnits, so a new stage cannot borrow another's.
func TestEveryStageHasAUnit(t *testing.T) {
	var o runOptions
	if _, err := parseFlags("run", runHelp, nil, env{stderr: &bytes.Buffer{}}, o.addFlags); err != nil {
		t.Fatal(err)
	}
	cfg, err := o.Config("run", []string{wireDir})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	cfg.Progress = func(stage string, _, _ int) { seen[stage] = true }
	if _, err := dedup.Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	if len(seen) == 0 {
		t.Fatal("no progress reported")
	}
	for stage := range seen {
		if _, ok := stageUnits[stage]; !ok {
			t.Errorf("stage %q has no unit in stageUnits", stage)
		}
	}
}
