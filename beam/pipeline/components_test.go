package pipeline_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/passert"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	"github.com/neardup/neardup/beam/pipeline"
)

func init() {
	register.Function2x1(formatLabel)
}

func formatLabel(node, label uint64) string { return fmt.Sprintf("%d→%d", node, label) }

// components runs Components on edges and returns the pipeline's
// counters of changes per round (large + small).
func components(t *testing.T, edges []pipeline.Edge, rounds int, want []string) []int64 {
	t.Helper()
	p, s := beam.NewPipelineWithRoot()
	labels := pipeline.Components(s, beam.CreateList(s, edges), rounds)
	passert.Equals(s, beam.ParDo(s, formatLabel, labels), anySlice(want)...)
	res, err := ptest.RunWithMetrics(p)
	if err != nil {
		t.Fatal(err)
	}
	changed := map[string]int64{}
	for _, c := range res.Metrics().AllMetrics().Counters() {
		changed[c.Key.Name] += c.Result()
	}
	per := make([]int64, rounds)
	for r := range rounds {
		per[r] = changed[pipeline.CounterName(r, "large")] + changed[pipeline.CounterName(r, "small")]
	}
	return per
}

func anySlice(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// unionFind labels the nodes of edges with their component's smallest node.
func unionFind(edges []pipeline.Edge) []string {
	parent := map[uint64]uint64{}
	var find func(uint64) uint64
	find = func(x uint64) uint64 {
		if p, ok := parent[x]; ok && p != x {
			r := find(p)
			parent[x] = r
			return r
		}
		parent[x] = x
		return x
	}
	for _, e := range edges {
		a, b := find(e.A), find(e.B)
		parent[max(a, b)] = min(a, b) // the smaller root stays: roots are minima
	}
	var out []string
	for n := range parent {
		out = append(out, formatLabel(n, find(n)))
	}
	slices.Sort(out)
	return out
}

// TestComponents: chains, stars (centred on the smallest node or not) and
// random graphs get the labels union-find gives; a graph that is already
// a star around its smallest node changes nothing in the first round; a
// long chain needs more than one round, and rounds after convergence
// change nothing.
func TestComponents(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	perm := rng.Perm(1000)
	chain := func(n, offset int) []pipeline.Edge { // a path through nodes in shuffled order
		var es []pipeline.Edge
		for i := range n - 1 {
			a, b := uint64(perm[offset+i]), uint64(perm[offset+i+1])
			es = append(es, pipeline.Edge{A: min(a, b), B: max(a, b)})
		}
		return es
	}
	star := func(centre uint64, leaves ...uint64) []pipeline.Edge {
		var es []pipeline.Edge
		for _, l := range leaves {
			es = append(es, pipeline.Edge{A: min(centre, l), B: max(centre, l)})
		}
		return es
	}
	var random []pipeline.Edge
	for range 300 {
		a, b := uint64(2000+rng.IntN(400)), uint64(2000+rng.IntN(400))
		if a != b {
			random = append(random, pipeline.Edge{A: min(a, b), B: max(a, b)})
		}
	}
	for _, tc := range []struct {
		name     string
		edges    []pipeline.Edge
		firstNil bool // no change in round 1: already converged
	}{
		{"converged star", star(5, 9, 7, 100, 6), true},
		{"two converged stars", append(star(1, 2, 3), star(10, 11, 12, 13)...), true},
		{"star centred on a large node", star(50, 3, 9, 1, 40, 70), false},
		{"chain of 200", chain(200, 0), false},
		{"two chains and a star", slices.Concat(chain(60, 200), chain(30, 300), star(999, 998, 997)), false},
		{"random graph", random, false},
		{"a pair", []pipeline.Edge{{A: 4, B: 8}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			per := components(t, tc.edges, pipeline.DefaultRounds, unionFind(tc.edges))
			t.Logf("changes per round: %v", per)
			if (per[0] == 0) != tc.firstNil {
				t.Errorf("changes per round %v: round 1 changed %d", per, per[0])
			}
			last := slices.Index(per, 0)
			if last < 0 || slices.ContainsFunc(per[last:], func(n int64) bool { return n != 0 }) {
				t.Errorf("changes per round %v: not converged, or changed after a round without change", per)
			}
		})
	}
}

// TestComponentsTooFewRounds: one round does not settle a long chain:
// its nodes get more than one label, which the pipeline's clustering
// step refuses (see TestBuildRefusesUnconverged).
func TestComponentsTooFewRounds(t *testing.T) {
	var es []pipeline.Edge
	for i := range uint64(63) {
		es = append(es, pipeline.Edge{A: i, B: i + 1})
	}
	p, s := beam.NewPipelineWithRoot()
	labels := beam.ParDo(s, formatLabel, pipeline.Components(s, beam.CreateList(s, es), 1))
	passert.Equals(s, labels, anySlice(unionFind(es))...)
	if err := ptest.Run(p); err == nil {
		t.Error("one round settled a chain of 64: the test tests nothing")
	}
}
