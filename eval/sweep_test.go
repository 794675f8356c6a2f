package eval

import (
	"context"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/neardup/neardup/cluster"
	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/lsh"
	"github.com/neardup/neardup/shingle"
)

func TestGridCheck(t *testing.T) {
	ok := Grid{Shingles: []string{"word:3"}, Hashes: []int{128}, Thresholds: []float64{0.3}, Containments: []float64{0}}
	if err := ok.Check(); err != nil {
		t.Fatal(err)
	}
	for name, g := range map[string]Grid{
		"a bad threshold after a good one": {Shingles: ok.Shingles, Hashes: ok.Hashes, Thresholds: []float64{0.3, 1.5}, Containments: ok.Containments},
		"a bad shingle after a good one":   {Shingles: []string{"word:3", "word:x"}, Hashes: ok.Hashes, Thresholds: ok.Thresholds, Containments: ok.Containments},
		"containment above 1":              {Shingles: ok.Shingles, Hashes: ok.Hashes, Thresholds: ok.Thresholds, Containments: []float64{1.2}},
		"no hashes":                        {Shingles: ok.Shingles, Thresholds: ok.Thresholds, Containments: ok.Containments},
		"zero hashes":                      {Shingles: ok.Shingles, Hashes: []int{0}, Thresholds: ok.Thresholds, Containments: ok.Containments},
		"candidate threshold 1":            {Shingles: ok.Shingles, Hashes: ok.Hashes, Thresholds: ok.Thresholds, Containments: ok.Containments, CandidateThreshold: 1},
	} {
		if err := g.Check(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestSweep: a sweep over the briefs runs each setting and scores it as a
// run with the same flags would be scored.
func TestSweep(t *testing.T) {
	sh, _ := shingle.Parse("word:3")
	rules := cluster.Rules{Threshold: 0.3, Containment: 0.6, MinRatio: 0.15, Figures: 0.75, VetoBelow: 150}
	params, _ := lsh.NewParams(128, dedup.CandidateThreshold(rules), 1)
	base := dedup.Config{Inputs: []string{"../testdata/briefs"}, Corpus: corpus.Options{Fields: corpus.DefaultFields(), MaxBytes: corpus.DefaultMaxBytes},
		Shingle: sh, LSH: params, Rules: rules, AntiChain: true, Boilerplate: true, Workers: 2}
	gold, err := LoadGold("../testdata/briefs.gold.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	g := Grid{Shingles: []string{"word:3"}, Hashes: []int{128}, Thresholds: []float64{0.3, 0.5}, Containments: []float64{0.6, 0}}
	rows, err := Sweep(context.Background(), base, g, gold, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 {
		t.Fatalf("%d rows, want 4", len(rows))
	}
	for _, r := range rows {
		cfg := base
		cfg.Rules.Threshold, cfg.Rules.Containment = r.Threshold, r.Containment
		cfg.LSH, _ = lsh.NewParams(128, dedup.CandidateThreshold(cfg.Rules), 1)
		res, err := dedup.Run(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		if want := Score(gold, ResultAssignment(res)); *r.Gold != want {
			t.Errorf("%s: sweep scored %+v, a run %+v", r.Flags(), *r.Gold, want)
		}
	}
	// Without containment the lede-only cut is lost: the grid tells them apart.
	if rows[0].Gold.Pairwise.Recall <= rows[1].Gold.Pairwise.Recall {
		t.Errorf("containment 0.6 recall %v not above containment 0 %v", rows[0].Gold.Pairwise.Recall, rows[1].Gold.Pairwise.Recall)
	}
	if best := BestF1(rows); best.Containment != 0.6 {
		t.Errorf("best by F1: %s", best.Flags())
	}
}

// TestScoreDeterministic: the same assignments give the same scores to the
// last bit, whatever the order maps are walked in.
func TestScoreDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	gold, pred := Assignment{}, Assignment{}
	for i := range 5000 {
		id := strconv.Itoa(i)
		gold[id] = strconv.Itoa(rng.IntN(900))
		if rng.IntN(3) > 0 {
			pred[id] = strconv.Itoa(rng.IntN(700))
		}
	}
	first := Score(gold, pred)
	for range 20 {
		if s := Score(gold, pred); s != first {
			t.Fatalf("scores differ between calls: %+v and %+v", s, first)
		}
	}
}
