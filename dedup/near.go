package dedup

import (
	"cmp"
	"slices"

	"github.com/neardup/neardup/cluster"
	"github.com/neardup/neardup/decisions"
)

// Near is a near miss: a candidate pair the run kept in different
// clusters, A a member of a cluster and B outside it (alone or in
// another), with the match model's probability close to its cut or
// above it (a pair that matched but not the cluster's canonical
// article). The report lists them so that an editor can join them.
type Near struct {
	A, B  int // documents: A in a cluster, B not in A's
	Match cluster.Match
}

// NearBelow is how far under the model's cut a near miss may be.
const NearBelow = 0.25

// NearPerCluster bounds the near misses listed for one cluster.
const NearPerCluster = 3

// NearMisses finds the near misses of res, a run of cfg: its candidate
// pairs found again, each whose two articles are not in one cluster, at
// least one in a cluster, not decided apart by an editor, and with a
// probability at or above the model's cut less NearBelow; the most
// probable first, at most NearPerCluster for each cluster and limit in
// all. Without a model (--model off) there are none: the veto stack has
// no probability to be near. It costs a candidate stage and a check of
// each candidate pair across clusters, and is deterministic. A night over
// a state found its near misses while it verified its candidates
// (NightView.Near: against stored canonicals too); they are bounded the
// same way.
func NearMisses(cfg Config, res *Result, limit int) []Near {
	model := res.Rules.Model
	if model == nil || len(res.Clusters) == 0 || limit <= 0 || len(res.Evidence) != len(res.Docs) {
		return nil
	}
	in := make([]int32, len(res.Docs))
	for i := range in {
		in[i] = -1
	}
	for ci, c := range res.Clusters {
		for _, m := range c.Members {
			in[m.Doc] = int32(ci)
		}
	}
	if res.Night != nil {
		return boundNear(slices.Clone(res.Night.Near), in, limit)
	}
	cfg = cfg.withDefaults()
	var bound *decisions.Bound
	if cfg.Decisions != nil {
		bound = cfg.Decisions.Bind(len(res.Docs), func(i int) string { return res.Docs[i].ID })
	}
	floor := model.Cut - NearBelow
	var near []Near
	for _, p := range Candidates(cfg.LSH, res.Evidence, cfg.Workers, nil) {
		a, b := p.A, p.B
		if in[a] == in[b] {
			continue // one cluster, or both alone
		}
		if bound != nil {
			if d, ok := bound.Decided(a, b); ok && !d.Same {
				continue
			}
		}
		m := res.Check(a, b)
		if m.P < floor {
			continue
		}
		if in[a] < 0 || in[b] >= 0 && in[b] < in[a] {
			a, b = b, a // A in the larger cluster (listed first)
		}
		near = append(near, Near{A: a, B: b, Match: m})
	}
	return boundNear(near, in, limit)
}

// boundNear keeps the most probable near misses, at most NearPerCluster for
// each cluster (in: each document's) and limit in all.
func boundNear(near []Near, in []int32, limit int) []Near {
	slices.SortFunc(near, func(x, y Near) int {
		return cmp.Or(cmp.Compare(y.Match.P, x.Match.P), cmp.Compare(x.A, y.A), cmp.Compare(x.B, y.B))
	})
	per := map[int32]int{}
	kept := near[:0]
	for _, n := range near {
		if len(kept) == limit {
			break
		}
		if per[in[n.A]] < NearPerCluster {
			per[in[n.A]]++
			kept = append(kept, n)
		}
	}
	return slices.Clip(kept)
}
