package eval

import (
	"context"
	"fmt"

	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/lsh"
	"github.com/neardup/neardup/shingle"
)

// Grid is a sweep's settings: every combination of its lists is run.
// Signatures are computed once per shingle spec and hash count; the
// thresholds only rematch them (dedup.Rematch).
type Grid struct {
	Shingles     []string  // shingle specs (shingle.Parse)
	Hashes       []int     // signature lengths
	Thresholds   []float64 // Jaccard thresholds, in (0, 1)
	Containments []float64 // containment thresholds, in [0, 1]
	// CandidateThreshold tunes the LSH banding; 0: derived from each
	// setting's rules (dedup.CandidateThreshold).
	CandidateThreshold float64
}

// Check validates every value of the grid, so that a sweep never runs a
// setting before finding that a later one is invalid.
func (g Grid) Check() error {
	if len(g.Shingles) == 0 || len(g.Hashes) == 0 || len(g.Thresholds) == 0 || len(g.Containments) == 0 {
		return fmt.Errorf("a sweep needs at least one shingle spec, hash count, threshold and containment")
	}
	for _, spec := range g.Shingles {
		if _, err := shingle.Parse(spec); err != nil {
			return fmt.Errorf("shingle %q: %v", spec, err)
		}
	}
	for _, t := range g.Thresholds {
		if !(t > 0 && t < 1) {
			return fmt.Errorf("threshold %v: want a number strictly between 0 and 1", t)
		}
	}
	for _, c := range g.Containments {
		if !(c >= 0 && c <= 1) {
			return fmt.Errorf("containment %v: want a number from 0 to 1", c)
		}
	}
	for _, h := range g.Hashes {
		if h < dedup.MinHashes {
			return fmt.Errorf("%d hashes: want %d or more (dedup.MinHashes)", h, dedup.MinHashes)
		}
		if _, err := lsh.NewParams(h, 0.5, 1); err != nil {
			return err
		}
	}
	if c := g.CandidateThreshold; c != 0 && !(c > 0 && c < 1) {
		return fmt.Errorf("candidate threshold %v: want a number strictly between 0 and 1", c)
	}
	return nil
}

// Setting is one point of a Grid.
type Setting struct {
	Shingle     string  `json:"shingle"`
	Hashes      int     `json:"hashes"`
	Threshold   float64 `json:"threshold"`
	Containment float64 `json:"containment"`
}

// Flags gives the setting as neardup run flags.
func (s Setting) Flags() string {
	return fmt.Sprintf("--shingle %s --hashes %d --threshold %g --containment %g", s.Shingle, s.Hashes, s.Threshold, s.Containment)
}

// SweepRow is one setting of a sweep and its scores.
type SweepRow struct {
	Setting
	Gold  *Scores     `json:"gold,omitempty"`
	Pairs *SweepPairs `json:"pairs,omitempty"`
}

// SweepPairs is what a sweep keeps of a setting's pair scores.
type SweepPairs struct {
	DupRecall    float64 `json:"dup_recall"`
	DistinctRate float64 `json:"distinct_merged_rate"`
}

// Sweep runs base with every setting of g (base's other rules, flags and
// seed kept) and scores each against gold and pairs (either may be nil).
func Sweep(ctx context.Context, base dedup.Config, g Grid, gold Assignment, pairs []PairLabel) ([]SweepRow, error) {
	if err := g.Check(); err != nil {
		return nil, err
	}
	var rows []SweepRow
	for _, spec := range g.Shingles {
		sh, _ := shingle.Parse(spec) // checked
		sh.FoldAccents = base.Shingle.FoldAccents
		for _, hashes := range g.Hashes {
			var first *dedup.Result
			for _, t := range g.Thresholds {
				for _, c := range g.Containments {
					cfg := base
					cfg.Shingle = sh
					cfg.Rules.Threshold, cfg.Rules.Containment = t, c
					candidates := g.CandidateThreshold
					if candidates == 0 {
						candidates = dedup.CandidateThreshold(cfg.Rules)
					}
					params, err := lsh.NewParams(hashes, candidates, base.LSH.Seed)
					if err != nil {
						return nil, err
					}
					params.Scheme = base.LSH.Scheme
					cfg.LSH = params
					var res *dedup.Result
					if first == nil {
						res, err = dedup.Run(ctx, cfg)
						first = res
					} else {
						res, err = dedup.Rematch(ctx, first, cfg)
					}
					if err != nil {
						return nil, err
					}
					row := SweepRow{Setting: Setting{Shingle: spec, Hashes: hashes, Threshold: t, Containment: c}}
					pred := ResultAssignment(res)
					if gold != nil {
						s := Score(gold, pred)
						row.Gold = &s
					}
					if pairs != nil {
						p := ScorePairs(pairs, pred, nil)
						row.Pairs = &SweepPairs{DupRecall: p.DupRecall, DistinctRate: p.DistinctRate}
					}
					rows = append(rows, row)
				}
			}
		}
	}
	return rows, nil
}

// BestF1 and BestARI are the rows with the highest pairwise F1 and
// adjusted Rand index (the first of equals, in grid order); rows must have
// gold scores.
func BestF1(rows []SweepRow) SweepRow {
	best := rows[0]
	for _, r := range rows {
		if r.Gold.Pairwise.F1 > best.Gold.Pairwise.F1 {
			best = r
		}
	}
	return best
}

// BestARI: see BestF1.
func BestARI(rows []SweepRow) SweepRow {
	best := rows[0]
	for _, r := range rows {
		if r.Gold.ARI > best.Gold.ARI {
			best = r
		}
	}
	return best
}

// BestRecall is the row with the highest dup recall among those that merge
// at most maxMerged of the distinct pairs; false when none does.
func BestRecall(rows []SweepRow, maxMerged float64) (SweepRow, bool) {
	var best *SweepRow
	for i, r := range rows {
		if r.Pairs.DistinctRate <= maxMerged && (best == nil || r.Pairs.DupRecall > best.Pairs.DupRecall) {
			best = &rows[i]
		}
	}
	if best == nil {
		return SweepRow{}, false
	}
	return *best, true
}

// ResultAssignment is a run's clusters as an Assignment: each member of
// cluster i (0-based) labelled i+1.
func ResultAssignment(res *dedup.Result) Assignment {
	pred := Assignment{}
	for i, c := range res.Clusters {
		label := fmt.Sprint(i + 1)
		for _, m := range c.Members {
			pred[res.Docs[m.Doc].ID] = label
		}
	}
	return pred
}

// ResultClusters is a run's clusters as Audit reads them: member IDs,
// canonical first, in the run's order.
func ResultClusters(res *dedup.Result) []AuditCluster {
	cs := make([]AuditCluster, len(res.Clusters))
	for i, c := range res.Clusters {
		for _, m := range c.Members {
			cs[i] = append(cs[i], res.Docs[m.Doc].ID)
		}
	}
	return cs
}
