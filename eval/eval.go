// Package eval scores clusters against gold labels.
//
// Two kinds of gold are supported:
//
//   - Cluster labels (LoadGold): JSONL {"id": …, "cluster": …}, every article
//     listed, singletons as their own cluster. Score reports pairwise
//     precision/recall/F1 (over pairs of articles put together), B-cubed
//     precision/recall/F1 (per article, averaged) and the adjusted Rand
//     index (Hubert & Arabie), all computed from the contingency table of
//     gold × predicted clusters, so cost is linear in the articles.
//   - Pair labels (LoadPairs): JSONL {"a": …, "b": …, "label": "dup" or
//     "distinct", "stratum": …, "why": …}. ScorePairs reports dup recall (share
//     of dup pairs put in one cluster) and distinct merged (share of distinct
//     pairs put in one cluster), per stratum too, and lists the misses and
//     false merges.
//
// Predicted clusters are an assignment from article ID to a cluster label;
// an article absent from it is a singleton. LoadClusters reads one from a
// clusters.jsonl file. Everything here is deterministic and safe for
// concurrent use.
package eval

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/report"
)

// Assignment maps an article ID to its cluster label.
type Assignment map[string]string

// PRF is a precision, recall and F1 triple.
type PRF struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
}

func prf(p, r float64) PRF {
	f := 0.0
	if p+r > 0 {
		f = 2 * p * r / (p + r)
	}
	return PRF{Precision: p, Recall: r, F1: f}
}

// Scores compares predicted clusters with gold clusters.
type Scores struct {
	Articles     int     `json:"articles"`      // gold articles scored
	GoldClusters int     `json:"gold_clusters"` // gold clusters of 2+ articles
	PredClusters int     `json:"pred_clusters"` // predicted clusters of 2+ gold articles
	GoldPairs    int64   `json:"gold_pairs"`
	PredPairs    int64   `json:"pred_pairs"`
	TruePairs    int64   `json:"true_pairs"`
	Pairwise     PRF     `json:"pairwise"`
	BCubed       PRF     `json:"bcubed"`
	ARI          float64 `json:"ari"`
	Unknown      int     `json:"unknown"` // predicted articles absent from gold, ignored
}

func choose2(n int) int64 { return int64(n) * int64(n-1) / 2 }

// Score compares pred with gold over the articles of gold.
func Score(gold, pred Assignment) Scores {
	var s Scores
	for id := range pred {
		if _, ok := gold[id]; !ok {
			s.Unknown++
		}
	}
	// Contingency table: n[g][p] articles in gold cluster g and predicted p.
	// An article missing from pred is its own predicted singleton.
	type cell struct{ g, p string }
	n := map[cell]int{}
	a := map[string]int{} // gold cluster sizes
	b := map[string]int{} // predicted cluster sizes
	for id, g := range gold {
		p, ok := pred[id]
		if !ok {
			p = "\x00singleton\x00" + id
		} else {
			p = "\x00pred\x00" + p
		}
		n[cell{g, p}]++
		a[g]++
		b[p]++
	}
	s.Articles = len(gold)
	if s.Articles == 0 {
		return s
	}
	var sumN, sumA, sumB int64
	var bcP, bcR float64
	// Floating-point sums in a fixed order: the same scores, to the last
	// bit, whatever the map's order.
	cells := slices.SortedFunc(maps.Keys(n), func(x, y cell) int {
		if c := strings.Compare(x.g, y.g); c != 0 {
			return c
		}
		return strings.Compare(x.p, y.p)
	})
	for _, c := range cells {
		v := n[c]
		sumN += choose2(v)
		// Each of the v articles in cell c sees v of its predicted cluster
		// correct and v of its gold cluster found.
		bcP += float64(v) * float64(v) / float64(b[c.p])
		bcR += float64(v) * float64(v) / float64(a[c.g])
	}
	for _, v := range a {
		sumA += choose2(v)
		if v > 1 {
			s.GoldClusters++
		}
	}
	for _, v := range b {
		sumB += choose2(v)
		if v > 1 {
			s.PredClusters++
		}
	}
	s.GoldPairs, s.PredPairs, s.TruePairs = sumA, sumB, sumN
	s.Pairwise = prf(ratio(sumN, sumB), ratio(sumN, sumA))
	s.BCubed = prf(bcP/float64(s.Articles), bcR/float64(s.Articles))
	total := float64(choose2(s.Articles))
	expected := float64(sumA) * float64(sumB) / total
	maxIndex := (float64(sumA) + float64(sumB)) / 2
	if maxIndex == expected {
		s.ARI = 1 // both partitions all singletons, or both one cluster
	} else {
		s.ARI = (float64(sumN) - expected) / (maxIndex - expected)
	}
	return s
}

// ratio is num/den, and 1 when there is nothing to get wrong (den = 0).
func ratio(num, den int64) float64 {
	if den == 0 {
		return 1
	}
	return float64(num) / float64(den)
}

// eachLine calls fn for every non-blank line of path (corpus.EachLine).
func eachLine(path string, fn func(line []byte) error) error {
	return corpus.EachLine(path, func(_ corpus.Position, line []byte) error { return fn(line) })
}

// label reads a JSON string or number as a string.
func label(raw json.RawMessage, field string) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "", fmt.Errorf("missing %q", field)
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", fmt.Errorf("%q: %v", field, err)
		}
		if s == "" {
			return "", fmt.Errorf("empty %q", field)
		}
		return s, nil
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil {
		return "", fmt.Errorf("%q is neither a string nor a number", field)
	}
	return n.String(), nil
}

// LoadGold reads gold cluster labels: one {"id": …, "cluster": …} per line.
func LoadGold(path string) (Assignment, error) {
	gold := Assignment{}
	err := eachLine(path, func(line []byte) error {
		var rec struct{ ID, Cluster json.RawMessage }
		if err := json.Unmarshal(line, &rec); err != nil {
			return fmt.Errorf("invalid JSON: %v", err)
		}
		id, err := label(rec.ID, "id")
		if err != nil {
			return err
		}
		c, err := label(rec.Cluster, "cluster")
		if err != nil {
			return err
		}
		if _, dup := gold[id]; dup {
			return fmt.Errorf("id %q listed twice", id)
		}
		gold[id] = c
		return nil
	})
	if err == nil && len(gold) == 0 {
		err = fmt.Errorf("%s: no gold labels", path)
	}
	return gold, err
}

// LoadClusters reads a clusters.jsonl file written by neardup run
// (report.ReadClusters, which checks it against its spec).
func LoadClusters(path string) (Assignment, error) {
	pred, _, err := loadClusters(path)
	return pred, err
}

// LoadAuditClusters reads a clusters.jsonl file as Audit needs it: the
// clusters in file order, each with its member IDs, canonical first.
func LoadAuditClusters(path string) ([]AuditCluster, error) {
	_, cs, err := loadClusters(path)
	return cs, err
}

func loadClusters(path string) (Assignment, []AuditCluster, error) {
	lines, err := report.ReadClusters(path)
	if err != nil {
		return nil, nil, err
	}
	pred := Assignment{}
	cs := make([]AuditCluster, 0, len(lines))
	for _, l := range lines {
		c := make(AuditCluster, 0, len(l.Members))
		for _, m := range l.Members {
			pred[m.ID] = strconv.Itoa(l.Cluster)
			c = append(c, m.ID)
		}
		cs = append(cs, c)
	}
	return pred, cs, nil
}

// PairLabel is one labelled pair.
type PairLabel struct {
	A       string `json:"a"`
	B       string `json:"b"`
	Label   string `json:"label"` // "dup" or "distinct"
	Stratum string `json:"stratum,omitempty"`
	Why     string `json:"why,omitempty"`
}

// LoadPairs reads pair labels; a label "unsure" is an error.
func LoadPairs(path string) ([]PairLabel, error) {
	pairs, unsure, err := LoadPairsUnsure(path)
	if err == nil && unsure > 0 {
		err = fmt.Errorf("%s: %d pairs labelled unsure", path, unsure)
	}
	return pairs, err
}

// LoadPairsUnsure reads pair labels, skipping those labelled "unsure"
// (a reader who could not decide), and returns how many it skipped.
func LoadPairsUnsure(path string) ([]PairLabel, int, error) {
	var pairs []PairLabel
	unsure := 0
	err := eachLine(path, func(line []byte) error {
		var rec struct {
			A, B         json.RawMessage
			Label        string
			Stratum, Why string
		}
		if err := json.Unmarshal(line, &rec); err != nil {
			return fmt.Errorf("invalid JSON: %v", err)
		}
		a, err := label(rec.A, "a")
		if err != nil {
			return err
		}
		b, err := label(rec.B, "b")
		if err != nil {
			return err
		}
		if rec.Label == "unsure" {
			unsure++
			return nil
		}
		if rec.Label != "dup" && rec.Label != "distinct" {
			return fmt.Errorf(`label %q: want "dup", "distinct" or "unsure"`, rec.Label)
		}
		pairs = append(pairs, PairLabel{A: a, B: b, Label: rec.Label, Stratum: rec.Stratum, Why: rec.Why})
		return nil
	})
	if err == nil && len(pairs) == 0 {
		err = fmt.Errorf("%s: no labelled pairs", path)
	}
	return pairs, unsure, err
}

// StratumScores counts the pairs of one stratum.
type StratumScores struct {
	Stratum        string `json:"stratum"`
	Dup            int    `json:"dup"`
	DupFound       int    `json:"dup_found"`
	Distinct       int    `json:"distinct"`
	DistinctMerged int    `json:"distinct_merged"`
}

// PairScores is the outcome of ScorePairs.
type PairScores struct {
	StratumScores                  // totals; Stratum is empty
	DupRecall      float64         `json:"dup_recall"`
	DistinctRate   float64         `json:"distinct_merged_rate"`
	Strata         []StratumScores `json:"strata"`
	Misses         []PairLabel     `json:"-"`                // dup pairs left apart
	FalseMerges    []PairLabel     `json:"-"`                // distinct pairs put together
	MissingArticle int             `json:"missing_articles"` // pairs naming an ID the run did not read
	// Agreed counts the labels the run agrees with: dup pairs found and
	// distinct pairs kept apart. Over an editor's decisions, the share
	// tells a desk whether the defaults already decide as it does, or
	// whether to refit (neardup fit).
	Agreed    int     `json:"agreed"`
	Agreement float64 `json:"agreement"` // Agreed over the pairs
}

// ScorePairs scores pair labels against pred. A pair naming an article
// absent from read (when read is not nil) is counted in MissingArticle and
// still scored, as two singletons.
func ScorePairs(pairs []PairLabel, pred Assignment, read func(id string) bool) PairScores {
	var s PairScores
	strata := map[string]*StratumScores{}
	for _, p := range pairs {
		if read != nil && (!read(p.A) || !read(p.B)) {
			s.MissingArticle++
		}
		ca, okA := pred[p.A]
		cb, okB := pred[p.B]
		same := okA && okB && ca == cb
		st := strata[p.Stratum]
		if st == nil {
			st = &StratumScores{Stratum: p.Stratum}
			strata[p.Stratum] = st
		}
		for _, c := range []*StratumScores{st, &s.StratumScores} {
			if p.Label == "dup" {
				c.Dup++
				if same {
					c.DupFound++
				}
			} else {
				c.Distinct++
				if same {
					c.DistinctMerged++
				}
			}
		}
		switch {
		case p.Label == "dup" && !same:
			s.Misses = append(s.Misses, p)
		case p.Label == "distinct" && same:
			s.FalseMerges = append(s.FalseMerges, p)
		}
	}
	s.DupRecall = ratio(int64(s.DupFound), int64(s.Dup))
	s.DistinctRate = 0
	if s.Distinct > 0 {
		s.DistinctRate = float64(s.DistinctMerged) / float64(s.Distinct)
	}
	for _, st := range strata {
		s.Strata = append(s.Strata, *st)
	}
	slices.SortFunc(s.Strata, func(a, b StratumScores) int {
		switch {
		case a.Stratum < b.Stratum:
			return -1
		case a.Stratum > b.Stratum:
			return 1
		}
		return 0
	})
	s.Agreed = s.DupFound + s.Distinct - s.DistinctMerged
	if n := s.Dup + s.Distinct; n > 0 {
		s.Agreement = float64(s.Agreed) / float64(n)
	}
	return s
}
