package cluster

import (
	"fmt"
	"testing"

	"github.com/neardup/neardup/lsh"
)

// BenchmarkBuild: verify 50,000 candidate pairs among 100,000 documents
// (clusters of 2 to 5) and build the clusters with anti-chaining.
func BenchmarkBuild(b *testing.B) {
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
	b.ReportAllocs()
	for b.Loop() {
		Build(len(items), func(i int) Item { return items[i] }, pairs, Options{Verify: verify, AntiChain: true})
	}
}
