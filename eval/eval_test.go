package eval_test

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neardup/neardup/eval"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestScoreHandComputed(t *testing.T) {
	gold := eval.Assignment{"a": "1", "b": "1", "c": "1", "d": "2", "e": "2"}
	tests := []struct {
		name       string
		pred       eval.Assignment
		pw, bc     eval.PRF
		ari        float64
		pairCounts [3]int64 // gold, pred, true
	}{
		{
			// Contingency: {a,b} 1×x, {c} 1×-, {d} 2×x, {e} 2×-.
			// Pairs: gold 3+1, pred 3, true 1. B-cubed P (4/3+1+1/3+1)/5,
			// R (4/3+1/3+1/2+1/2)/5. ARI (1 − 4·3/10) / ((4+3)/2 − 1.2).
			name: "partial, with a wrong member",
			pred: eval.Assignment{"a": "x", "b": "x", "d": "x"},
			pw:   eval.PRF{Precision: 1.0 / 3, Recall: 1.0 / 4, F1: 2.0 / 7},
			bc:   eval.PRF{Precision: 11.0 / 15, Recall: 8.0 / 15, F1: 2 * (11.0 / 15) * (8.0 / 15) / (19.0 / 15)},
			ari:  (1 - 1.2) / (3.5 - 1.2), pairCounts: [3]int64{4, 3, 1},
		},
		{
			name: "perfect",
			pred: eval.Assignment{"a": "p", "b": "p", "c": "p", "d": "q", "e": "q"},
			pw:   eval.PRF{Precision: 1, Recall: 1, F1: 1}, bc: eval.PRF{Precision: 1, Recall: 1, F1: 1},
			ari: 1, pairCounts: [3]int64{4, 4, 4},
		},
		{
			// Nothing predicted: no predicted pair is wrong (P = 1 by
			// convention), none found; ARI 0 (chance level).
			name: "all singletons",
			pred: eval.Assignment{},
			pw:   eval.PRF{Precision: 1, Recall: 0, F1: 0},
			bc:   eval.PRF{Precision: 1, Recall: (3*(1.0/3) + 2*(1.0/2)) / 5, F1: 2 * (2.0 / 5) / (7.0 / 5)},
			ari:  0, pairCounts: [3]int64{4, 0, 0},
		},
		{
			// Everything in one cluster: pairs 10 predicted, 4 true.
			name: "one big cluster",
			pred: eval.Assignment{"a": "z", "b": "z", "c": "z", "d": "z", "e": "z"},
			pw:   eval.PRF{Precision: 0.4, Recall: 1, F1: 2 * 0.4 / 1.4},
			bc:   eval.PRF{Precision: (3*3.0/5 + 2*2.0/5) / 5, Recall: 1, F1: 2 * 0.52 / 1.52},
			ari:  0, pairCounts: [3]int64{4, 10, 4},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := eval.Score(gold, tt.pred)
			if s.Articles != 5 {
				t.Errorf("articles %d", s.Articles)
			}
			for _, c := range []struct {
				what      string
				got, want float64
			}{
				{"pairwise P", s.Pairwise.Precision, tt.pw.Precision}, {"pairwise R", s.Pairwise.Recall, tt.pw.Recall},
				{"pairwise F1", s.Pairwise.F1, tt.pw.F1}, {"B-cubed P", s.BCubed.Precision, tt.bc.Precision},
				{"B-cubed R", s.BCubed.Recall, tt.bc.Recall}, {"B-cubed F1", s.BCubed.F1, tt.bc.F1}, {"ARI", s.ARI, tt.ari},
			} {
				if !near(c.got, c.want) {
					t.Errorf("%s = %.6f, want %.6f", c.what, c.got, c.want)
				}
			}
			if got := [3]int64{s.GoldPairs, s.PredPairs, s.TruePairs}; got != tt.pairCounts {
				t.Errorf("pairs gold/pred/true %v, want %v", got, tt.pairCounts)
			}
		})
	}
}

func TestScoreIgnoresUnknownArticles(t *testing.T) {
	s := eval.Score(eval.Assignment{"a": "1", "b": "1"}, eval.Assignment{"a": "x", "b": "x", "zz": "x"})
	if s.Unknown != 1 || s.Pairwise.F1 != 1 || s.ARI != 1 {
		t.Errorf("%+v", s)
	}
}

func TestScorePairs(t *testing.T) {
	pairs := []eval.PairLabel{
		{A: "a", B: "b", Label: "dup", Stratum: "hi"},      // found
		{A: "a", B: "c", Label: "dup", Stratum: "lo"},      // missed: c singleton
		{A: "d", B: "e", Label: "distinct", Stratum: "hi"}, // merged
		{A: "a", B: "d", Label: "distinct", Stratum: "lo"}, // apart
		{A: "f", B: "g", Label: "distinct", Stratum: "lo"}, // both singletons
	}
	pred := eval.Assignment{"a": "1", "b": "1", "d": "2", "e": "2"}
	s := eval.ScorePairs(pairs, pred, func(id string) bool { return id != "g" })
	if s.Dup != 2 || s.DupFound != 1 || s.Distinct != 3 || s.DistinctMerged != 1 || !near(s.DupRecall, 0.5) ||
		!near(s.DistinctRate, 1.0/3) || s.MissingArticle != 1 || s.Agreed != 3 || !near(s.Agreement, 0.6) {
		t.Errorf("totals %+v", s)
	}
	if len(s.Misses) != 1 || s.Misses[0].B != "c" || len(s.FalseMerges) != 1 || s.FalseMerges[0].A != "d" {
		t.Errorf("misses %v, false merges %v", s.Misses, s.FalseMerges)
	}
	want := []eval.StratumScores{{Stratum: "hi", Dup: 1, DupFound: 1, Distinct: 1, DistinctMerged: 1}, {Stratum: "lo", Dup: 1, Distinct: 2}}
	if len(s.Strata) != 2 || s.Strata[0] != want[0] || s.Strata[1] != want[1] {
		t.Errorf("strata %+v, want %+v", s.Strata, want)
	}
}

func TestLoaders(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o644)
		return p
	}
	gold, err := eval.LoadGold(write("g.jsonl", `{"id": "a", "cluster": 1}`+"\n\n"+`{"id": 7, "cluster": "x"}`+"\n"))
	if err != nil || gold["a"] != "1" || gold["7"] != "x" {
		t.Errorf("LoadGold: %v, %v", gold, err)
	}
	pred, err := eval.LoadClusters(write("c.jsonl", `{"cluster":1,"size":2,"canonical":"a","members":[{"id":"a"},{"id":"b"}]}`+"\n"))
	if err != nil || pred["a"] != "1" || pred["b"] != "1" || len(pred) != 2 {
		t.Errorf("LoadClusters: %v, %v", pred, err)
	}
	// An editor's exported decisions read as pair labels, by and at aside.
	if ds, err := eval.LoadPairs(write("d.jsonl", `{"a": "x", "b": "y", "label": "distinct", "by": "Ann", "at": "2026-12-07T10:00:00Z"}`+"\n")); err != nil ||
		len(ds) != 1 || ds[0] != (eval.PairLabel{A: "x", B: "y", Label: "distinct"}) {
		t.Errorf("LoadPairs of decisions: %v, %v", ds, err)
	}
	pairs, err := eval.LoadPairs(write("p.jsonl", `{"a": "1", "b": 2, "label": "dup", "stratum": "s", "why": "w"}`+"\n"))
	if err != nil || len(pairs) != 1 || pairs[0] != (eval.PairLabel{A: "1", B: "2", Label: "dup", Stratum: "s", Why: "w"}) {
		t.Errorf("LoadPairs: %v, %v", pairs, err)
	}
	for _, bad := range []struct{ name, content, err string }{
		{"g1.jsonl", `{"id": "a", "cluster": 1}` + "\n" + `{"id": "a", "cluster": 2}`, "g1.jsonl:2: id \"a\" listed twice"},
		{"g2.jsonl", `{"id": "a"}`, `g2.jsonl:1: missing "cluster"`},
		{"g3.jsonl", "nope", "g3.jsonl:1: invalid JSON"},
		{"g4.jsonl", "", "no gold labels"},
	} {
		if _, err := eval.LoadGold(write(bad.name, bad.content)); err == nil || !strings.Contains(err.Error(), bad.err) {
			t.Errorf("LoadGold(%s): %v, want %q", bad.name, err, bad.err)
		}
	}
	if _, err := eval.LoadPairs(write("p2.jsonl", `{"a": "1", "b": "2", "label": "same"}`)); err == nil || !strings.Contains(err.Error(), "p2.jsonl:1: label") {
		t.Errorf("LoadPairs bad label: %v", err)
	}
	// A reader's "unsure" is skipped and counted by LoadPairsUnsure, an
	// error for LoadPairs.
	unsure := write("p3.jsonl", `{"a": "1", "b": "2", "label": "unsure"}`+"\n"+`{"a": "1", "b": "3", "label": "distinct"}`)
	if pairs, n, err := eval.LoadPairsUnsure(unsure); err != nil || n != 1 || len(pairs) != 1 || pairs[0].B != "3" {
		t.Errorf("LoadPairsUnsure: %v, %d, %v", pairs, n, err)
	}
	if _, err := eval.LoadPairs(unsure); err == nil || !strings.Contains(err.Error(), "1 pairs labelled unsure") {
		t.Errorf("LoadPairs with an unsure label: %v", err)
	}
	if _, err := eval.LoadClusters(write("c2.jsonl", `{"id": "a"}`)); err == nil || !strings.Contains(err.Error(), "c2.jsonl:1: not a clusters.jsonl line") {
		t.Errorf("LoadClusters bad line: %v", err)
	}
}
