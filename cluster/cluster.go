// Package cluster verifies candidate pairs and groups documents into
// clusters of copies of the same story, each with one canonical member.
//
// Build keeps a candidate pair when its similarity (the caller's estimate,
// usually MinHash Jaccard from the signatures) reaches the threshold, then
// joins verified pairs with union-find: a cluster is a connected component
// of verified pairs. The canonical member of a cluster is the one with the
// earliest publication date (undated documents come after dated ones), then
// the longest text, then the smallest ID: the first, fullest version of the
// story. Every member's similarity is reported against the canonical one.
//
// Results are deterministic: they depend only on the items, the pairs and
// the similarity function, never on map or goroutine order. Build is safe
// for concurrent use on different inputs.
package cluster

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/neardup/neardup/lsh"
)

// Item is what clustering needs to know of a document.
type Item struct {
	ID        string
	Published time.Time // zero: undated
	Length    int       // text length in bytes
}

// Member is a document in a cluster and its similarity to the canonical one.
type Member struct {
	Doc        int
	Similarity float64
}

// Cluster is a group of two or more documents. Members[0] is the canonical
// member (similarity 1); the others follow by similarity descending, then ID.
type Cluster struct {
	Members []Member
}

// Canonical is the document number of the canonical member.
func (c Cluster) Canonical() int { return c.Members[0].Doc }

// Options configures Build.
type Options struct {
	Threshold  float64                // keep pairs with Similarity ≥ Threshold
	Similarity func(a, b int) float64 // similarity of documents a and b
}

// Result holds the clusters and how many candidate pairs were verified.
type Result struct {
	Clusters []Cluster // largest first, then by canonical ID
	Verified int       // candidate pairs that reached the threshold
}

// Build verifies pairs and returns the clusters of items. Pairs name items
// by index.
func Build(items []Item, pairs []lsh.Pair, opts Options) Result {
	uf := newUnionFind(len(items))
	verified := 0
	for _, p := range pairs {
		if opts.Similarity(p.A, p.B) >= opts.Threshold {
			verified++
			uf.union(p.A, p.B)
		}
	}
	groups := make(map[int][]int)
	for i := range items {
		if r := uf.find(i); uf.size[r] > 1 {
			groups[r] = append(groups[r], i)
		}
	}
	clusters := make([]Cluster, 0, len(groups))
	for _, docs := range groups {
		clusters = append(clusters, newCluster(items, docs, opts.Similarity))
	}
	slices.SortFunc(clusters, func(a, b Cluster) int {
		if c := cmp.Compare(len(b.Members), len(a.Members)); c != 0 {
			return c
		}
		return strings.Compare(items[a.Canonical()].ID, items[b.Canonical()].ID)
	})
	return Result{Clusters: clusters, Verified: verified}
}

func newCluster(items []Item, docs []int, sim func(a, b int) float64) Cluster {
	canon := slices.MinFunc(docs, func(a, b int) int { return Prefer(items[a], items[b]) })
	ms := make([]Member, 0, len(docs))
	ms = append(ms, Member{Doc: canon, Similarity: 1})
	for _, d := range docs {
		if d != canon {
			ms = append(ms, Member{Doc: d, Similarity: sim(canon, d)})
		}
	}
	slices.SortFunc(ms[1:], func(a, b Member) int {
		if c := cmp.Compare(b.Similarity, a.Similarity); c != 0 {
			return c
		}
		return strings.Compare(items[a.Doc].ID, items[b.Doc].ID)
	})
	return Cluster{Members: ms}
}

// Prefer orders items by their claim to be canonical: negative when a should
// be canonical rather than b. Earliest date first (undated last), then
// longest text, then smallest ID.
func Prefer(a, b Item) int {
	switch {
	case a.Published.IsZero() != b.Published.IsZero():
		if a.Published.IsZero() {
			return 1
		}
		return -1
	case !a.Published.Equal(b.Published):
		return a.Published.Compare(b.Published)
	case a.Length != b.Length:
		return cmp.Compare(b.Length, a.Length)
	}
	return strings.Compare(a.ID, b.ID)
}

// unionFind is a disjoint-set forest with union by size and path halving.
type unionFind struct {
	parent []int
	size   []int
}

func newUnionFind(n int) *unionFind {
	u := &unionFind{parent: make([]int, n), size: make([]int, n)}
	for i := range u.parent {
		u.parent[i] = i
		u.size[i] = 1
	}
	return u
}

func (u *unionFind) find(x int) int {
	for u.parent[x] != x {
		u.parent[x] = u.parent[u.parent[x]]
		x = u.parent[x]
	}
	return x
}

func (u *unionFind) union(a, b int) {
	ra, rb := u.find(a), u.find(b)
	if ra == rb {
		return
	}
	if u.size[ra] < u.size[rb] {
		ra, rb = rb, ra
	}
	u.parent[rb] = ra
	u.size[ra] += u.size[rb]
}
