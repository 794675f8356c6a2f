// Package cluster verifies candidate pairs and groups documents into
// clusters of copies of the same story, each with one canonical member.
//
// Rules.Evidence turns what is known of a pair (signatures, set sizes,
// figures, dates; never text) into Features; Rules.Check decides with a
// Model over them (the calibrated probability against its cut), or with
// the veto stack when the rules have none, and explains the verdict in a
// Match (for a model, the largest contributions by kind of evidence).
// Build joins verified pairs with union-find: a cluster is a connected
// component of verified pairs, optionally split so that every member is
// verified against the canonical one (Options.AntiChain), or fits the
// cluster by its mean probability (Options.Linkage); editors' decisions
// (Options.Decided) outrank every verdict. The codec stores
// Evidence for the nightly state and the Beam pipeline; Vocabulary and
// Furniture are the corpus counts some evidence is weighed by. The
// canonical member of a cluster is the one with the
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
	// Linkage is, with Options.Linkage, the member's mean probability
	// against the members that joined before it (the canonical first);
	// -1 otherwise.
	Linkage float64
}

// Canonical is the Reason of the canonical member's own Match.
const Canonical = "canonical"

// Cluster is a group of two or more documents. Members[0] is the canonical
// member; the others follow by Jaccard similarity to it, descending, then ID.
type Cluster struct {
	Members []Member

	canonicalID string // for sortClusters: asking item for it in each comparison was 35 % slower
}

// Canonical is the document number of the canonical member.
func (c Cluster) Canonical() int { return c.Members[0].Doc }

// CanonicalMember is the record of a cluster's canonical document: itself,
// matched wholly.
func CanonicalMember(doc int) Member {
	return Member{Doc: doc, Match: Match{Jaccard: 1, Containment: 1, Figures: -1, P: -1, Verified: true, Reason: Canonical}, Linkage: -1}
}

// SortMembers puts the members of a cluster after its canonical one
// (ms[0], left in place) in the order every output lists them: by Jaccard
// similarity to the canonical, descending, then by ID (id names a
// document). Build orders its clusters so; a nightly run that adds
// tonight's members to a stored cluster orders them again with it.
func SortMembers(ms []Member, id func(doc int) string) {
	if len(ms) < 3 {
		return
	}
	named := make([]member, len(ms)-1)
	for i, m := range ms[1:] {
		named[i] = member{m, id(m.Doc)}
	}
	sortMembers(named)
	for i, m := range named {
		ms[1+i] = m.Member
	}
}

func sortMembers(ms []member) {
	slices.SortFunc(ms, func(x, y member) int {
		if c := cmp.Compare(y.Match.Jaccard, x.Match.Jaccard); c != 0 {
			return c
		}
		return strings.Compare(x.id, y.id)
	})
}

// SortClusters puts clusters in the order every output lists them, the
// order Build returns: largest first, then by their canonical documents'
// IDs (id names a document; asked once a cluster).
func SortClusters(cs []Cluster, id func(doc int) string) {
	for i := range cs {
		cs[i].canonicalID = id(cs[i].Canonical())
	}
	sortClusters(cs)
}

func sortClusters(cs []Cluster) {
	slices.SortFunc(cs, func(x, y Cluster) int {
		if c := cmp.Compare(len(y.Members), len(x.Members)); c != 0 {
			return c
		}
		return strings.Compare(x.canonicalID, y.canonicalID)
	})
}

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

	// Linkage, when above 0 with AntiChain, judges membership against the
	// cluster too, not only through the canonical link: the canonical
	// member first, then, one at a time, the article with the highest mean
	// probability (Match.P) against the members so far joins, if it is
	// verified against the canonical member or that mean reaches Linkage
	// (the model's cut). Write-thrus that match one another join even when
	// the earliest, the canonical, is their weakest match. The articles
	// left over cluster again among themselves.
	Linkage float64

	// Decided, when set, gives an editor's decision on a pair of
	// documents: one story (a must-link) or different items (a
	// cannot-link). It outranks Verify: a pair decided apart never shares
	// a cluster, whatever else matches, and a pair decided the same shares
	// one, the later of the two joining the other's cluster even where it
	// does not match that cluster's canonical member. Linked lists the
	// pairs decided the same, which Build adds to the candidates.
	Decided func(a, b int) (Decision, bool)
	Linked  []lsh.Pair
	// DecidedDocs, when set, lists every document a decision names:
	// Decided is asked only about two of them, so that a run pays for its
	// decisions' documents, not a lookup on every check.
	DecidedDocs []int
}

// Decision is an editor's decision on a pair: Same (one story) or not
// (different items), and Note, how the match evidence words it.
type Decision struct {
	Same bool
	Note string
}

// Result holds the clusters and how many candidate pairs were verified.
type Result struct {
	Clusters []Cluster // largest first, then by canonical ID
	Verified int       // candidate pairs that passed Verify
	// Editor words, by document, the editor's decision that put a member
	// where it is (Match.Reason ByEditor): with Options.Decided only.
	Editor map[int]string
}

// Build verifies pairs and returns the clusters of n items. Pairs name
// items by index, and item describes item i: it is called as needed (for
// the members of clusters), so that no description of every item need be
// held.
func Build(n int, item func(i int) Item, pairs []lsh.Pair, opts Options) Result {
	b := builder{item: item, opts: opts}
	if opts.Decided != nil {
		b.linked, b.notes = map[int][]int{}, map[int]string{}
		for _, p := range opts.Linked {
			b.linked[p.A], b.linked[p.B] = append(b.linked[p.A], p.B), append(b.linked[p.B], p.A)
		}
		if opts.DecidedDocs != nil { // empty, not nil: no document named
			b.named = make([]bool, n)
			for _, d := range opts.DecidedDocs {
				b.named[d] = true
			}
		}
	}
	uf := NewUnionFind(n)
	var edges []lsh.Pair
	verified, candidates := 0, len(pairs)
	if opts.Decided != nil {
		pairs = slices.Concat(pairs, opts.Linked)
	}
	for i, p := range pairs {
		if b.verify(p.A, p.B).Verified {
			if i < candidates {
				verified++
			}
			edges = append(edges, p)
			uf.Union(p.A, p.B)
		}
	}
	// The members of each set of two or more, in index order: (root,
	// member) words sorted.
	var members []uint64
	for i := range n {
		if r := uf.Find(i); uf.size[r] > 1 {
			members = append(members, uint64(r)<<32|uint64(i))
		}
	}
	slices.Sort(members)
	if opts.AntiChain || opts.Decided != nil {
		b.adj = newGraph(n, edges)
	}
	var clusters []Cluster
	var docs []int
	for lo := 0; lo < len(members); {
		hi := lo
		docs = docs[:0]
		for ; hi < len(members) && members[hi]>>32 == members[lo]>>32; hi++ {
			docs = append(docs, int(uint32(members[hi])))
		}
		clusters = b.add(clusters, docs)
		lo = hi
	}
	sortClusters(clusters)
	return Result{Clusters: clusters, Verified: verified, Editor: b.notes}
}

type builder struct {
	item   func(int) Item
	opts   Options
	adj    graph          // verified edges, for AntiChain and decisions
	linked map[int][]int  // the documents an editor joined to each
	notes  map[int]string // Result.Editor
	named  []bool         // by document: named by a decision (Options.DecidedDocs); nil: ask Decided about every pair
}

// decision is Options.Decided, asked only when both documents are named
// by a decision.
func (b *builder) decision(x, y int) (Decision, bool) {
	if b.opts.Decided == nil || b.named != nil && !(b.named[x] && b.named[y]) {
		return Decision{}, false
	}
	return b.opts.Decided(x, y)
}

// verify is Options.Verify, overruled by an editor's decision.
func (b *builder) verify(x, y int) Match {
	m := b.opts.Verify(x, y)
	if d, ok := b.decision(x, y); ok {
		if d.Same {
			m.Verified, m.Reason = true, ByEditor
		} else {
			m.Verified, m.Reason = false, EditorApart
		}
	}
	return m
}

// apart reports whether an editor decided x and y are different items.
func (b *builder) apart(x, y int) bool {
	d, ok := b.decision(x, y)
	return ok && !d.Same
}

// graph is an undirected graph in compressed rows: the neighbours of v are
// next[start[v]:start[v+1]].
type graph struct {
	start []int32
	next  []int32
}

func newGraph(n int, edges []lsh.Pair) graph {
	g := graph{start: make([]int32, n+1), next: make([]int32, 2*len(edges))}
	for _, e := range edges {
		g.start[e.A+1]++
		g.start[e.B+1]++
	}
	for v := range n {
		g.start[v+1] += g.start[v]
	}
	// Fill with start[v] as v's cursor, then shift the starts back.
	for _, e := range edges {
		g.next[g.start[e.A]] = int32(e.B)
		g.start[e.A]++
		g.next[g.start[e.B]] = int32(e.A)
		g.start[e.B]++
	}
	copy(g.start[1:], g.start[:n])
	g.start[0] = 0
	return g
}

func (g graph) neighbours(v int) []int32 { return g.next[g.start[v]:g.start[v+1]] }

// member is a cluster member with its ID, for sorting.
type member struct {
	Member
	id string
}

// add appends the cluster(s) of one connected component, docs in index
// order.
func (b *builder) add(out []Cluster, docs []int) []Cluster {
	items := make([]Item, len(docs))
	ci := 0
	for i, d := range docs {
		items[i] = b.item(d)
		if Prefer(items[i], items[ci]) < 0 {
			ci = i
		}
	}
	canon := docs[ci]
	ms := []member{{CanonicalMember(canon), items[ci].ID}}
	var rest []int
	if b.opts.AntiChain && b.opts.Linkage > 0 {
		joined, left := b.link(docs, ci)
		for _, j := range joined {
			ms = append(ms, member{j, b.item(j.Doc).ID})
		}
		rest = left
	} else {
		for i, d := range docs {
			if i == ci {
				continue
			}
			m := b.verify(canon, d)
			if b.opts.AntiChain && !m.Verified || m.Reason == EditorApart {
				rest = append(rest, d)
				continue
			}
			ms = append(ms, member{Member{Doc: d, Match: m, Linkage: -1}, items[i].ID})
		}
	}
	if b.opts.Decided != nil && (b.named == nil || slices.ContainsFunc(docs, func(d int) bool { return b.named[d] })) {
		ms, rest = b.decided(ms, rest, canon)
	}
	sortMembers(ms[1:])
	if len(ms) > 1 {
		c := Cluster{Members: make([]Member, len(ms)), canonicalID: ms[0].id}
		for i, m := range ms {
			c.Members[i] = m.Member
		}
		out = append(out, c)
	}
	for _, comp := range b.components(rest) {
		out = b.add(out, comp)
	}
	return out
}

// link is Options.Linkage over one component (docs in index order, ci
// the canonical one's place): the members that join, each with its match
// against the canonical article and its mean probability against the
// members before it, and the documents left over, in index order. Ties
// of the mean go to the earlier document, so the result depends on the
// component alone.
func (b *builder) link(docs []int, ci int) ([]Member, []int) {
	canon := docs[ci]
	type cand struct {
		doc    int
		match  Match   // against the canonical
		sum    float64 // of P against the members so far
		in     bool
		barred bool // a hard rule (the window, furniture) keeps it from the canonical or a member
	}
	cands := make([]cand, 0, len(docs)-1)
	for i, d := range docs {
		if i != ci {
			m := b.verify(canon, d)
			cands = append(cands, cand{doc: d, match: m, sum: joinP(m), barred: hardApart(m)})
		}
	}
	var joined []Member
	for n := 1; ; n++ {
		best := -1
		for i := range cands {
			c := &cands[i]
			if c.in || c.barred || !c.match.Verified && c.sum/float64(n) < b.opts.Linkage {
				continue
			}
			if best < 0 || c.sum > cands[best].sum {
				best = i
			}
		}
		if best < 0 {
			break
		}
		c := &cands[best]
		c.in = true
		m := c.match
		if !m.Verified {
			m.Reason, m.Verified = ByCluster, true
		}
		joined = append(joined, Member{Doc: c.doc, Match: m, Linkage: c.sum / float64(n)})
		for i := range cands {
			if !cands[i].in && !cands[i].barred {
				m := b.verify(c.doc, cands[i].doc)
				cands[i].sum += joinP(m)
				cands[i].barred = hardApart(m)
			}
		}
	}
	var left []int
	for _, c := range cands {
		if !c.in {
			left = append(left, c.doc)
		}
	}
	return joined, left
}

// joinP is a match's probability for Options.Linkage: 0 where a hard
// rule keeps the two apart.
func joinP(m Match) float64 {
	if hardApart(m) || m.P < 0 {
		return 0
	}
	return m.P
}

// hardApart reports whether a rule the model does not weigh keeps the two
// apart: the date window, or two pages sharing only furniture. An article
// so kept from the canonical one or from any member never joins by
// Options.Linkage.
func hardApart(m Match) bool {
	return m.Reason == OutsideWindow || m.Reason == FurnitureOnly || m.Reason == EditorApart
}

// decided applies the editors' decisions to one cluster's members (the
// canonical first) and the component's documents left out (settle), and
// records the words of each decision that placed a member (Result.Editor).
func (b *builder) decided(ms []member, rest []int, canon int) ([]member, []int) {
	var docsIn []int
	for _, m := range ms {
		docsIn = append(docsIn, m.Doc)
	}
	in, out, pulled := b.settle(docsIn, rest)
	kept := ms[:1]
	for _, m := range ms[1:] {
		if slices.Contains(in, m.Doc) {
			kept = append(kept, m)
		}
	}
	for _, p := range pulled {
		kept = append(kept, member{p, b.item(p.Doc).ID})
	}
	for i := range kept[1:] {
		// Without anti-chaining an unverified member is in through
		// another; when that other is an editor's, say so.
		m := &kept[i+1].Member
		if !m.Match.Verified {
			if l := slices.IndexFunc(b.linked[m.Doc], func(l int) bool { return slices.Contains(in, l) }); l >= 0 {
				m.Match.Verified, m.Match.Reason = true, ByEditor
				b.notes[m.Doc] = b.sameNote(b.linked[m.Doc][l], m.Doc)
			}
		}
	}
	for _, m := range kept[1:] {
		if _, ok := b.notes[m.Doc]; !ok && m.Match.Reason == ByEditor {
			if d, ok := b.decision(canon, m.Doc); ok {
				b.notes[m.Doc] = d.Note
			}
		}
	}
	return kept, out
}

// sameNote words why d is in through partner, which an editor joined it
// to: "editor: same story … (with PARTNER)".
func (b *builder) sameNote(partner, d int) string {
	note := "editor: same story"
	if pd, ok := b.decision(partner, d); ok {
		note = pd.Note
	}
	return note + " (with " + b.item(partner).ID + ")"
}

// settle applies the editors' decisions to one cluster: in, its members
// (the canonical one first), and rest, the component's documents left
// out. A member an editor decided apart from the canonical one or from
// an earlier member leaves; then a document of rest that an editor joined
// to a member, and that is apart from none, joins, its match saying so
// (repeated, for chains of such decisions). It returns the members kept
// (the canonical first), the documents left, and the members pulled in.
func (b *builder) settle(in, rest []int) (kept, left []int, pulled []Member) {
	kept = in[:1]
	for _, d := range in[1:] {
		if slices.ContainsFunc(kept, func(k int) bool { return b.apart(k, d) }) {
			left = append(left, d)
			continue
		}
		kept = append(kept, d)
	}
	left = append(left, rest...)
	canon := kept[0]
	for changed := true; changed; {
		changed = false
		for i := 0; i < len(left); i++ {
			d := left[i]
			partner := -1
			for _, l := range b.linked[d] {
				if slices.Contains(kept, l) {
					partner = l
					break
				}
			}
			if partner < 0 || slices.ContainsFunc(kept, func(k int) bool { return b.apart(k, d) }) {
				continue
			}
			m := b.verify(canon, d)
			if m.Reason != ByEditor {
				m.Verified, m.Reason = true, ByEditor
				b.notes[d] = b.sameNote(partner, d)
			}
			kept = append(kept, d)
			pulled = append(pulled, Member{Doc: d, Match: m, Linkage: -1})
			left = slices.Delete(left, i, i+1)
			changed = true
			i--
		}
	}
	slices.Sort(left)
	return kept, left, pulled
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
			for _, n32 := range b.adj.neighbours(comp[i]) {
				if n := int(n32); in[n] && !seen[n] {
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

// UnionFind is a disjoint-set forest over 0…n−1 with union by size and
// path halving: the one Build joins verified pairs with, and a nightly run
// joins tonight's articles and the stored canonicals with.
type UnionFind struct {
	parent []int32
	size   []int32
}

// NewUnionFind makes n singleton sets.
func NewUnionFind(n int) *UnionFind {
	u := &UnionFind{parent: make([]int32, n), size: make([]int32, n)}
	for i := range u.parent {
		u.parent[i] = int32(i)
		u.size[i] = 1
	}
	return u
}

// Find is the root of x's set.
func (u *UnionFind) Find(x int) int {
	for int(u.parent[x]) != x {
		u.parent[x] = u.parent[u.parent[x]]
		x = int(u.parent[x])
	}
	return x
}

// Union joins the sets of a and b.
func (u *UnionFind) Union(a, b int) {
	ra, rb := u.Find(a), u.Find(b)
	if ra == rb {
		return
	}
	if u.size[ra] < u.size[rb] {
		ra, rb = rb, ra
	}
	u.parent[rb] = int32(ra)
	u.size[ra] += u.size[rb]
}
