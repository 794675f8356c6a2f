package cluster

import (
	"fmt"
	"testing"

	"github.com/neardup/neardup/lsh"
)

// BenchmarkBuild: verify 50,000 candidate pairs among 100,000 documents
// (clusters of 2 to 5) and build the clusters with anti-chaining.
func BenchmarkBuild(b *testing.B) {
	items, pairs, verify := benchInput()
	b.ReportAllocs()
	for b.Loop() {
		Build(len(items), func(i int) Item { return items[i] }, pairs, Options{Verify: verify, AntiChain: true})
	}
}

// BenchmarkBuildDecided: BenchmarkBuild with 1,000 editors' decisions
// (500 apart, 500 the same), to compare with it: decisions cost what
// their own documents cost, not a lookup on every check.
func BenchmarkBuildDecided(b *testing.B) {
	items, pairs, verify := benchInput()
	n := len(items)
	decided := map[[2]int]Decision{}
	var linked []lsh.Pair
	var docs []int
	for k := range 1000 {
		i := k * 97 * 8 % (n - 8)
		i -= i % 8
		if k%2 == 0 {
			decided[[2]int{i, i + 1}] = Decision{Note: "editor: not a copy"}
		} else {
			decided[[2]int{i + 3, i + 5}] = Decision{Same: true, Note: "editor: same story"}
			linked = append(linked, lsh.Pair{A: i + 3, B: i + 5})
		}
	}
	for k := range decided {
		docs = append(docs, k[0], k[1])
	}
	lookup := func(x, y int) (Decision, bool) {
		d, ok := decided[[2]int{min(x, y), max(x, y)}]
		return d, ok
	}
	for _, c := range []struct {
		name string
		docs []int
	}{{"named", docs}, {"every-check", nil}} { // every-check: Decided asked on every check, as before DecidedDocs
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Build(len(items), func(i int) Item { return items[i] }, pairs,
					Options{Verify: verify, AntiChain: true, Decided: lookup, Linked: linked, DecidedDocs: c.docs})
			}
		})
	}
}

// benchInput is the benchmarks' 100,000 documents, their candidate pairs
// (clusters of 2 to 5) and a verification that rejects a fifth of them.
func benchInput() ([]Item, []lsh.Pair, func(a, b int) Match) {
	const n = 100000
	items := make([]Item, n)
	for i := range items {
		items[i] = Item{ID: fmt.Sprintf("d%06d", i), Length: i % 977}
	}
	var pairs []lsh.Pair
	for i := 0; i+4 < n; i += 8 {
		pairs = append(pairs, lsh.Pair{A: i, B: i + 1}, lsh.Pair{A: i + 1, B: i + 2}, lsh.Pair{A: i + 2, B: i + 3},
			lsh.Pair{A: i, B: i + 3}, lsh.Pair{A: i + 5, B: i + 6}, lsh.Pair{A: i + 6, B: i + 7})
	}
	verify := func(a, b int) Match { return Match{Jaccard: 0.6, Verified: (a+b)%5 != 0} }
	return items, pairs, verify
}
