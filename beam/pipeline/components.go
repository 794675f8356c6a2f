package pipeline

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
)

// Components labels every node of the undirected graph edges (a
// PCollection of Edge) with the smallest node of its connected component:
// a PCollection of KV<node, label>. It runs rounds rounds of the
// large-star and small-star operations (Kiveris, Lattanzi, Mirrokni,
// Rastogi, Vassilvitskii, "Connected Components in MapReduce and
// Beyond", SoCC 2014), each one GroupByKey. Each component ends as a star
// around its smallest node, in O(log² n) rounds at worst and a few in
// practice; the counters CounterName(r, "large") and CounterName(r,
// "small") count the nodes round r changed, so a round whose counters are
// both 0 found the graph converged, and every later round changes
// nothing. With too few rounds a component may keep two labels: the
// pipeline's clustering step fails then rather than split it (see
// buildFn).
func Components(s beam.Scope, edges beam.PCollection, rounds int) beam.PCollection {
	s = s.Scope("components")
	for r := range rounds {
		edges = beam.ParDo(s, &starFn{Round: r, Large: true}, beam.GroupByKey(s, beam.ParDo(s, bothWays, edges)))
		edges = beam.ParDo(s, &starFn{Round: r}, beam.GroupByKey(s, beam.ParDo(s, downward, edges)))
	}
	return beam.ParDo(s, starLabel, beam.GroupByKey(s, beam.ParDo(s, bothWays, edges)))
}

// CounterNamespace holds the pipeline's counters.
const CounterNamespace = "neardup"

// CounterName names the counter of the nodes that round r's large-star
// or small-star step (op "large" or "small") changed.
func CounterName(r int, op string) string { return fmt.Sprintf("components_round_%02d_%s", r+1, op) }

func bothWays(e Edge, emit func(uint64, uint64)) {
	emit(e.A, e.B)
	emit(e.B, e.A)
}

// downward keys an edge by its larger node.
func downward(e Edge, emit func(uint64, uint64)) {
	emit(max(e.A, e.B), min(e.A, e.B))
}

// neighbours collects a node's distinct neighbours, sorted.
func neighbours(next func(*uint64) bool) []uint64 {
	var ns []uint64
	var v uint64
	for next(&v) {
		ns = append(ns, v)
	}
	slices.Sort(ns)
	return slices.Compact(ns)
}

// starFn is one step of a round: large-star (Large) links every larger
// neighbour of u to the smallest node of u's neighbourhood, u included;
// small-star links u and its smaller neighbours (all it is given) to the
// smallest of them.
type starFn struct {
	Round   int
	Large   bool
	changed beam.Counter
}

func (f *starFn) Setup() {
	op := "small"
	if f.Large {
		op = "large"
	}
	f.changed = beam.NewCounter(CounterNamespace, CounterName(f.Round, op))
}

func (f *starFn) ProcessElement(ctx context.Context, u uint64, next func(*uint64) bool, emit func(Edge)) {
	ns := neighbours(next)
	m := min(u, ns[0])
	if f.Large {
		larger := ns[sort.Search(len(ns), func(i int) bool { return ns[i] > u }):]
		if len(larger) == 0 {
			return // no larger neighbour: u's edges are its smaller neighbours' to move
		}
		if m < u {
			f.changed.Inc(ctx, 1)
		}
		for _, v := range larger {
			emit(Edge{A: m, B: v})
		}
		return
	}
	if len(ns) > 1 {
		f.changed.Inc(ctx, 1)
	}
	emit(Edge{A: m, B: u})
	for _, v := range ns[1:] {
		emit(Edge{A: m, B: v})
	}
}

// starLabel labels u with the smallest node of its neighbourhood: once
// converged, the centre of its star.
func starLabel(u uint64, next func(*uint64) bool, emit func(uint64, uint64)) {
	emit(u, min(u, neighbours(next)[0]))
}
