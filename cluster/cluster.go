// Package cluster verifies candidate pairs and groups documents into
// clusters of copies of the same story, each with one canonical member.
//
// Rules.Check verifies a pair from its Evidence (signatures, set sizes,
// figures, dates; never text) and explains the verdict in a Match. Build
// joins verified pairs with union-find: a cluster is a connected component
// of verified pairs, optionally split so that every member is verified
// against the canonical one (Options.AntiChain). The canonical member of a cluster is the one with the
// earliest publication date (undated documents come after dated ones), then
// the longest text, then the smallest ID: the first, fullest version of the
// story. Every member's Match is reported against the canonical one.
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

// Member is a document in a cluster and how it matches the canonical one.
type Member struct {
	Doc   int
	Match Match // against the canonical member; Reason "canonical" for itself
}

// Canonical is the Reason of the canonical member's own Match.
const Canonical = "canonical"

// Cluster is a group of two or more documents. Members[0] is the canonical
// member; the others follow by Jaccard similarity to it, descending, then ID.
type Cluster struct {
	Members []Member
}

// Canonical is the document number of the canonical member.
func (c Cluster) Canonical() int { return c.Members[0].Doc }

// Options configures Build.
type Options struct {
	// Verify checks a pair of documents (by index). Build calls it for
	// every candidate pair and for every member against its canonical one.
	Verify func(a, b int) Match

	// AntiChain keeps in a cluster only the members verified against its
	// canonical member. Union-find alone joins A and C when A~B and B~C,
	// even if A and C share nothing; with AntiChain, the members that do
	// not match the canonical one are clustered again among themselves.
	AntiChain bool
}

// Result holds the clusters and how many candidate pairs were verified.
type Result struct {
	Clusters []Cluster // largest first, then by canonical ID
	Verified int       // candidate pairs that passed Verify
}

// Build verifies pairs and returns the clusters of items. Pairs name items
// by index.
func Build(items []Item, pairs []lsh.Pair, opts Options) Result {
	uf := newUnionFind(len(items))
	var edges []lsh.Pair
	for _, p := range pairs {
		if opts.Verify(p.A, p.B).Verified {
			edges = append(edges, p)
			uf.union(p.A, p.B)
		}
	}
	groups := make(map[int][]int)
	for i := range items {
		if r := uf.find(i); uf.size[r] > 1 {
			groups[r] = append(groups[r], i)
		}
	}
	b := builder{items: items, opts: opts}
	if opts.AntiChain {
		b.adj = make(map[int][]int)
		for _, e := range edges {
			b.adj[e.A] = append(b.adj[e.A], e.B)
			b.adj[e.B] = append(b.adj[e.B], e.A)
		}
	}
	var clusters []Cluster
	for _, docs := range groups {
		clusters = b.add(clusters, docs)
	}
	slices.SortFunc(clusters, func(x, y Cluster) int {
		if c := cmp.Compare(len(y.Members), len(x.Members)); c != 0 {
			return c
		}
		return strings.Compare(items[x.Canonical()].ID, items[y.Canonical()].ID)
	})
	return Result{Clusters: clusters, Verified: len(edges)}
}

type builder struct {
	items []Item
	opts  Options
	adj   map[int][]int // verified edges, for AntiChain
}

// add appends the cluster(s) of one connected component, docs in index
// order.
func (b *builder) add(out []Cluster, docs []int) []Cluster {
	canon := slices.MinFunc(docs, func(x, y int) int { return Prefer(b.items[x], b.items[y]) })
	ms := []Member{{Doc: canon, Match: Match{Jaccard: 1, Containment: 1, Figures: -1, Hours: 0, Verified: true, Reason: Canonical}}}
	var rest []int
	for _, d := range docs {
		if d == canon {
			continue
		}
		m := b.opts.Verify(canon, d)
		if b.opts.AntiChain && !m.Verified {
			rest = append(rest, d)
			continue
		}
		ms = append(ms, Member{Doc: d, Match: m})
	}
	slices.SortFunc(ms[1:], func(x, y Member) int {
		if c := cmp.Compare(y.Match.Jaccard, x.Match.Jaccard); c != 0 {
			return c
		}
		return strings.Compare(b.items[x.Doc].ID, b.items[y.Doc].ID)
	})
	if len(ms) > 1 {
		out = append(out, Cluster{Members: ms})
	}
	for _, comp := range b.components(rest) {
		out = b.add(out, comp)
	}
	return out
}

// components splits docs into the connected components (of 2+) of the
// verified edges between them, each in index order.
func (b *builder) components(docs []int) [][]int {
	if len(docs) < 2 {
		return nil
	}
	in := make(map[int]bool, len(docs))
	for _, d := range docs {
		in[d] = true
	}
	seen := make(map[int]bool, len(docs))
	var comps [][]int
	for _, d := range docs {
		if seen[d] {
			continue
		}
		comp := []int{d}
		seen[d] = true
		for i := 0; i < len(comp); i++ {
			for _, n := range b.adj[comp[i]] {
				if in[n] && !seen[n] {
					seen[n] = true
					comp = append(comp, n)
				}
			}
		}
		if len(comp) > 1 {
			slices.Sort(comp)
			comps = append(comps, comp)
		}
	}
	return comps
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
