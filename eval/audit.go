package eval

import (
	"fmt"
	"hash/fnv"
	"math"
)

// A cluster audit measures what a run hides, cluster by cluster: each
// member that is not the canonical one is a line of drop.txt, and it is
// right only when a reader says it is the same item as its canonical
// article. Audit checks every (canonical, member) pair of a run's clusters
// against pair labels read by people (the --pairs format; a pair may be
// given in either order) and reports:
//
//   - the share of the hidden articles (drop.txt) that are distinct stories,
//     over the labelled members of a sample, with a 95 % Wilson interval;
//   - the purity of the largest clusters (every member labelled dup);
//   - the members still to read, so that the next reader labels exactly
//     what the run hides and nothing else.
//
// The sample is chosen by a hash of the member's ID, not by position, so
// that it is the same from one run to the next and labels read once are
// reused when clusters change.

// AuditCluster is a cluster as the audit sees it: IDs, canonical first.
type AuditCluster []string

// AuditOptions chooses what Audit looks at.
type AuditOptions struct {
	Top    int     // the largest clusters whose purity is reported
	Sample float64 // share of drop.txt sampled (0 < Sample ≤ 1)
}

// AuditPair is one (canonical, member) pair and its label, "" when unread.
type AuditPair struct {
	Cluster   int    `json:"cluster"` // 1-based position in the run's order
	Size      int    `json:"size"`
	Canonical string `json:"canonical"`
	Member    string `json:"member"`
	Label     string `json:"label,omitempty"`
	Why       string `json:"why,omitempty"`
}

// AuditScores is the outcome of Audit.
type AuditScores struct {
	Dropped      int         `json:"dropped"`        // members of all clusters but their canonical: drop.txt
	Sampled      int         `json:"sampled"`        // of which sampled
	Labelled     int         `json:"labelled"`       // sampled and labelled
	Distinct     int         `json:"distinct"`       // labelled distinct: wrongly hidden
	DistinctRate float64     `json:"distinct_share"` // Distinct / Labelled
	Low, High    float64     `json:"-"`              // 95 % Wilson interval of DistinctRate
	Interval     [2]float64  `json:"distinct_share_95"`
	TopClusters  int         `json:"top_clusters"`                    // clusters in the top
	TopPure      int         `json:"top_pure"`                        // of which every member is labelled dup
	TopUnread    int         `json:"top_unlabelled"`                  // members of the top without a label
	WrongPairs   []AuditPair `json:"distinct_pairs"`                  // sampled members labelled distinct
	Unlabelled   []AuditPair `json:"unlabelled_pairs"`                // sampled (or top) members without a label
	TopImpure    []int       `json:"top_impure_clusters"`             // positions of top clusters with a member labelled distinct
	TopUnsure    []int       `json:"top_not_fully_labelled_clusters"` // positions of top clusters, none labelled distinct, with a member unlabelled
}

// Sampled reports whether a member ID falls in a sample of the given share.
func Sampled(id string, share float64) bool {
	if share >= 1 {
		return true
	}
	h := fnv.New64a()
	h.Write([]byte(id))
	return float64(h.Sum64()%1_000_000) < share*1_000_000
}

// Audit checks clusters (in the run's order, largest first) against
// labels. Two labels of one pair (in either order) that disagree are an
// error: a reader must settle them.
func Audit(clusters []AuditCluster, labels []PairLabel, opts AuditOptions) (AuditScores, error) {
	type key struct{ a, b string }
	byPair := make(map[key]PairLabel, len(labels))
	for _, p := range labels {
		if q, ok := byPair[key{p.A, p.B}]; ok && q.Label != p.Label {
			return AuditScores{}, fmt.Errorf("pair %s ~ %s labelled both %s and %s", p.A, p.B, q.Label, p.Label)
		}
		byPair[key{p.A, p.B}] = p
		byPair[key{p.B, p.A}] = p
	}
	var s AuditScores
	for i, c := range clusters {
		top := i < opts.Top
		pure, distinct := true, false
		if top {
			s.TopClusters++
		}
		for _, m := range c[1:] {
			s.Dropped++
			p, ok := byPair[key{c[0], m}]
			ap := AuditPair{Cluster: i + 1, Size: len(c), Canonical: c[0], Member: m}
			if ok {
				ap.Label, ap.Why = p.Label, p.Why
			}
			if !ok || p.Label == "distinct" {
				pure = false
			}
			distinct = distinct || ok && p.Label == "distinct"
			if top && !ok {
				s.TopUnread++
			}
			if !Sampled(m, opts.Sample) {
				if top && !ok {
					s.Unlabelled = append(s.Unlabelled, ap)
				}
				continue
			}
			s.Sampled++
			switch {
			case !ok:
				s.Unlabelled = append(s.Unlabelled, ap)
			case p.Label == "distinct":
				s.Labelled++
				s.Distinct++
				s.WrongPairs = append(s.WrongPairs, ap)
			default:
				s.Labelled++
			}
		}
		if top {
			switch {
			case pure:
				s.TopPure++
			case distinct:
				s.TopImpure = append(s.TopImpure, i+1)
			default:
				s.TopUnsure = append(s.TopUnsure, i+1)
			}
		}
	}
	if s.Labelled > 0 {
		s.DistinctRate = float64(s.Distinct) / float64(s.Labelled)
	}
	s.Low, s.High = Wilson(s.Distinct, s.Labelled)
	s.Interval = [2]float64{s.Low, s.High}
	return s, nil
}

// Wilson is the 95 % Wilson score interval of k successes in n trials.
func Wilson(k, n int) (lo, hi float64) {
	if n == 0 {
		return 0, 1
	}
	const z = 1.959964
	p := float64(k) / float64(n)
	nn := float64(n)
	d := 1 + z*z/nn
	c := (p + z*z/(2*nn)) / d
	h := z * math.Sqrt(p*(1-p)/nn+z*z/(4*nn*nn)) / d
	return max(0, c-h), min(1, c+h)
}
