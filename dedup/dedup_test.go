package dedup_test

import (
	"context"
	"strings"
	"testing"

	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/lsh"
	"github.com/neardup/neardup/shingle"
)

func config(t *testing.T, stdin string, workers int) dedup.Config {
	t.Helper()
	p, err := lsh.NewParams(128, 0.5, 1)
	if err != nil {
		t.Fatal(err)
	}
	return dedup.Config{
		Inputs:  []string{"-"},
		Stdin:   strings.NewReader(stdin),
		Shingle: shingle.Options{Kind: shingle.Word, N: 3},
		LSH:     p,
		Workers: workers,
	}
}

func TestRun(t *testing.T) {
	story := "the minister said on monday that the talks would resume next week in geneva with all parties"
	in := strings.Join([]string{
		`{"id": "a", "text": "` + story + `"}`,
		`{"id": "b", "text": "` + story + ` and observers"}`,
		`{"id": "p", "text": "?! … —"}`,
		`{"id": "c", "text": "an unrelated story about football results from the weekend league games"}`,
	}, "\n")
	var stages []string
	cfg := config(t, in, 3)
	cfg.Progress = func(stage string, done, total int) {
		if len(stages) == 0 || stages[len(stages)-1] != stage {
			stages = append(stages, stage)
		}
	}
	res, err := dedup.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res.Stats.Read != 3 || res.Stats.Skipped[corpus.Empty] != 1 {
		t.Errorf("read %d, skipped %v: want 3 read and the punctuation-only article empty", res.Stats.Read, res.Stats.Skipped)
	}
	if len(res.Clusters) != 1 || res.Duplicates() != 1 || res.Docs[res.Clusters[0].Canonical()].ID != "b" {
		t.Errorf("clusters %+v, want {b, a} with the longer b canonical", res.Clusters)
	}
	if strings.Join(stages, ",") != "read+sign,candidate bands" {
		t.Errorf("progress stages %v", stages)
	}
	if len(res.Stages) != 3 {
		t.Errorf("timed stages %+v", res.Stages)
	}
}

func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := dedup.Run(ctx, config(t, `{"id": "a", "text": "x"}`, 2)); err == nil {
		t.Error("cancelled run: no error")
	}
}

func TestRunNoInput(t *testing.T) {
	cfg := config(t, "", 1)
	cfg.Inputs = []string{t.TempDir()}
	if _, err := dedup.Run(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "no input files") {
		t.Errorf("empty directory: error %v", err)
	}
}
