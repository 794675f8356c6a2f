package cluster

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/neardup/neardup/lsh"
)

func TestUnionFind(t *testing.T) {
	u := NewUnionFind(6)
	u.Union(0, 1)
	u.Union(2, 3)
	u.Union(1, 3)
	u.Union(3, 0) // already joined
	same := func(a, b int) bool { return u.Find(a) == u.Find(b) }
	for _, p := range [][2]int{{0, 1}, {0, 2}, {0, 3}, {1, 2}} {
		if !same(p[0], p[1]) {
			t.Errorf("%d and %d not joined", p[0], p[1])
		}
	}
	for _, p := range [][2]int{{0, 4}, {4, 5}, {3, 5}} {
		if same(p[0], p[1]) {
			t.Errorf("%d and %d joined", p[0], p[1])
		}
	}
	if n := u.size[u.Find(2)]; n != 4 {
		t.Errorf("component size %d, want 4", n)
	}
}

// TestUnionFindProperty: after random unions, two elements share a root
// exactly when a naive relabelling says they are joined, and the
// size of the root's set is the number of elements with that label.
func TestUnionFindProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 200 {
		n := 1 + rng.IntN(40)
		u := NewUnionFind(n)
		label := make([]int, n)
		for i := range label {
			label[i] = i
		}
		for range rng.IntN(2 * n) {
			a, b := rng.IntN(n), rng.IntN(n)
			u.Union(a, b)
			if la, lb := label[a], label[b]; la != lb {
				for i := range label {
					if label[i] == lb {
						label[i] = la
					}
				}
			}
		}
		for a := range n {
			size := 0
			for b := range n {
				if (u.Find(a) == u.Find(b)) != (label[a] == label[b]) {
					t.Fatalf("trial %d: %d and %d: union-find says %v", trial, a, b, u.Find(a) == u.Find(b))
				}
				if label[a] == label[b] {
					size++
				}
			}
			if got := int(u.size[u.Find(a)]); got != size {
				t.Fatalf("trial %d: the set of %d holds %d, want %d", trial, a, got, size)
			}
		}
	}
}

// TestSortOrder: members after the canonical one by Jaccard, descending,
// then ID; clusters largest first, then by canonical ID (what Build, a
// nightly run and Beam's output all list by).
func TestSortOrder(t *testing.T) {
	ids := []string{"c", "b", "a", "d", "e", "f"}
	id := func(d int) string { return ids[d] }
	ms := []Member{CanonicalMember(3), {Doc: 0, Match: Match{Jaccard: .5}}, {Doc: 2, Match: Match{Jaccard: .9}}, {Doc: 1, Match: Match{Jaccard: .5}}}
	SortMembers(ms, id)
	var got []string
	for _, m := range ms {
		got = append(got, id(m.Doc))
	}
	if strings.Join(got, " ") != "d a b c" {
		t.Errorf("members %v, want d a b c (canonical first, then Jaccard descending, ties by ID)", got)
	}
	cs := []Cluster{
		{Members: []Member{CanonicalMember(4), {Doc: 5}}},
		{Members: []Member{CanonicalMember(0), {Doc: 5}}},
		{Members: []Member{CanonicalMember(1), {Doc: 2}, {Doc: 3}}},
	}
	SortClusters(cs, id)
	got = got[:0]
	for _, c := range cs {
		got = append(got, id(c.Canonical()))
	}
	if strings.Join(got, " ") != "b c e" {
		t.Errorf("clusters by canonical %v, want b c e (largest first, then canonical ID)", got)
	}
}

func TestPrefer(t *testing.T) {
	d1 := time.Date(2020, 2, 21, 8, 0, 0, 0, time.UTC)
	d2 := d1.Add(time.Hour)
	tests := []struct {
		name string
		a, b Item
		want int
	}{
		{"earlier date wins", Item{ID: "b", Published: d1, Length: 10}, Item{ID: "a", Published: d2, Length: 99}, -1},
		{"dated beats undated", Item{ID: "b", Published: d2}, Item{ID: "a", Length: 99}, -1},
		{"undated loses", Item{ID: "a", Length: 99}, Item{ID: "b", Published: d2}, 1},
		{"same date: longer wins", Item{ID: "b", Published: d1, Length: 20}, Item{ID: "a", Published: d1, Length: 10}, -1},
		{"no dates: longer wins", Item{ID: "z", Length: 20}, Item{ID: "a", Length: 10}, -1},
		{"tie: smaller ID wins", Item{ID: "a", Length: 10}, Item{ID: "b", Length: 10}, -1},
		{"tie: larger ID loses", Item{ID: "b", Length: 10}, Item{ID: "a", Length: 10}, 1},
	}
	for _, tt := range tests {
		if got := Prefer(tt.a, tt.b); got != tt.want {
			t.Errorf("%s: Prefer = %d, want %d", tt.name, got, tt.want)
		}
	}
}

// simVerify verifies pairs by a table of similarities at threshold 0.5.
func simVerify(sims map[lsh.Pair]float64) func(a, b int) Match {
	return func(a, b int) Match {
		if a > b {
			a, b = b, a
		}
		j := sims[lsh.Pair{A: a, B: b}]
		return Match{Jaccard: j, Verified: j >= 0.5}
	}
}

func sortedPairs(sims map[lsh.Pair]float64) []lsh.Pair {
	var pairs []lsh.Pair
	for p := range sims {
		pairs = append(pairs, p)
	}
	slices.SortFunc(pairs, func(p, q lsh.Pair) int { return p.A*100 + p.B - q.A*100 - q.B })
	return pairs
}

// members lists each cluster's documents and their Jaccard to the canonical.
func members(cs []Cluster) [][]Member {
	var out [][]Member
	for _, c := range cs {
		var ms []Member
		for _, m := range c.Members {
			ms = append(ms, Member{Doc: m.Doc, Match: Match{Jaccard: m.Match.Jaccard}})
		}
		out = append(out, ms)
	}
	return out
}

func TestBuild(t *testing.T) {
	items := []Item{
		{ID: "a", Length: 100}, // 0
		{ID: "b", Length: 300}, // 1: longest of {0,1,2}: canonical
		{ID: "c", Length: 100}, // 2
		{ID: "d", Length: 50},  // 3
		{ID: "e", Length: 50},  // 4
		{ID: "f", Length: 50},  // 5: alone
		{ID: "g", Length: 10},  // 6: below threshold with 5
	}
	sims := map[lsh.Pair]float64{
		{A: 0, B: 1}: 0.9, {A: 1, B: 2}: 0.6, {A: 0, B: 2}: 0.7,
		{A: 3, B: 4}: 0.8,
		{A: 5, B: 6}: 0.49,
	}
	res := Build(len(items), func(i int) Item { return items[i] }, sortedPairs(sims), Options{Verify: simVerify(sims)})
	if res.Verified != 4 {
		t.Errorf("verified %d pairs, want 4", res.Verified)
	}
	want := [][]Member{
		{{Doc: 1, Match: Match{Jaccard: 1}}, {Doc: 0, Match: Match{Jaccard: 0.9}}, {Doc: 2, Match: Match{Jaccard: 0.6}}},
		{{Doc: 3, Match: Match{Jaccard: 1}}, {Doc: 4, Match: Match{Jaccard: 0.8}}},
	}
	if got := members(res.Clusters); !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("clusters = %+v, want %+v", got, want)
	}
	if c := res.Clusters[0].Members[0].Match; c.Reason != Canonical || !c.Verified {
		t.Errorf("canonical member's match: %+v", c)
	}
}

// TestAntiChain: a chain a~b~c~d where only b matches the canonical a.
// Union-find makes one cluster; anti-chaining keeps {a, b} and re-clusters
// {c, d}.
func TestAntiChain(t *testing.T) {
	items := []Item{{ID: "a", Length: 90}, {ID: "b", Length: 80}, {ID: "c", Length: 70}, {ID: "d", Length: 60}, {ID: "e", Length: 50}}
	sims := map[lsh.Pair]float64{{A: 0, B: 1}: 0.8, {A: 1, B: 2}: 0.6, {A: 2, B: 3}: 0.7, {A: 3, B: 4}: 0.2}
	plain := Build(len(items), func(i int) Item { return items[i] }, sortedPairs(sims), Options{Verify: simVerify(sims)})
	if len(plain.Clusters) != 1 || len(plain.Clusters[0].Members) != 4 {
		t.Fatalf("without anti-chaining: %+v", members(plain.Clusters))
	}
	if m := plain.Clusters[0].Members[3].Match; m.Verified {
		t.Errorf("d joined through the chain but its match with a says verified: %+v", m)
	}
	res := Build(len(items), func(i int) Item { return items[i] }, sortedPairs(sims), Options{Verify: simVerify(sims), AntiChain: true})
	want := [][]Member{
		{{Doc: 0, Match: Match{Jaccard: 1}}, {Doc: 1, Match: Match{Jaccard: 0.8}}},
		{{Doc: 2, Match: Match{Jaccard: 1}}, {Doc: 3, Match: Match{Jaccard: 0.7}}},
	}
	if got := members(res.Clusters); !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("with anti-chaining: %+v, want %+v", got, want)
	}
}

func TestBuildOrdersClusters(t *testing.T) {
	always := func(int, int) Match { return Match{Jaccard: 0.7, Verified: true} }
	// Two clusters of equal size: ordered by canonical ID.
	items := []Item{{ID: "z1"}, {ID: "z2"}, {ID: "a1"}, {ID: "a2"}}
	pairs := []lsh.Pair{{A: 0, B: 1}, {A: 2, B: 3}}
	res := Build(len(items), func(i int) Item { return items[i] }, pairs, Options{Verify: always})
	if len(res.Clusters) != 2 || items[res.Clusters[0].Canonical()].ID != "a1" || items[res.Clusters[1].Canonical()].ID != "z1" {
		t.Errorf("cluster order: %+v", res.Clusters)
	}
	// Equal similarity: members by ID.
	items = []Item{{ID: "c", Length: 9}, {ID: "b"}, {ID: "a"}}
	pairs = []lsh.Pair{{A: 0, B: 1}, {A: 0, B: 2}}
	res = Build(len(items), func(i int) Item { return items[i] }, pairs, Options{Verify: always})
	got := []int{res.Clusters[0].Members[0].Doc, res.Clusters[0].Members[1].Doc, res.Clusters[0].Members[2].Doc}
	if !slices.Equal(got, []int{0, 2, 1}) {
		t.Errorf("member order %v, want canonical 0 then a(2), b(1)", got)
	}
}

// TestLinkage: write-thrus of one story whose earliest version (the
// canonical) is each later one's weakest match join by their mean
// probability against the members; an article that matches only the
// canonical does not.
func TestLinkage(t *testing.T) {
	items := []Item{{ID: "w1", Published: time.Unix(0, 0)}, {ID: "w2", Published: time.Unix(60, 0)},
		{ID: "w3", Published: time.Unix(120, 0)}, {ID: "w4", Published: time.Unix(180, 0)}, {ID: "stub", Published: time.Unix(240, 0)}}
	p := map[lsh.Pair]float64{
		{A: 0, B: 1}: 0.8, {A: 0, B: 2}: 0.6, {A: 0, B: 3}: 0.6, {A: 0, B: 4}: 0.7,
		{A: 1, B: 2}: 0.95, {A: 1, B: 3}: 0.95, {A: 2, B: 3}: 0.95,
		{A: 1, B: 4}: 0.1, {A: 2, B: 4}: 0.1, {A: 3, B: 4}: 0.1,
	}
	verify := func(a, b int) Match {
		if a > b {
			a, b = b, a
		}
		v := p[lsh.Pair{A: a, B: b}]
		return Match{Jaccard: v, P: v, Verified: v >= 0.75, Reason: map[bool]string{true: ByModel, false: BelowCut}[v >= 0.75]}
	}
	ids := func(r Result) string {
		var out []string
		for _, c := range r.Clusters {
			var ms []string
			for _, m := range c.Members {
				ms = append(ms, items[m.Doc].ID)
			}
			out = append(out, strings.Join(ms, "+"))
		}
		return strings.Join(out, " ")
	}
	pairs := sortedPairs(p)
	item := func(i int) Item { return items[i] }
	if got := ids(Build(len(items), item, pairs, Options{Verify: verify, AntiChain: true})); got != "w1+w2 w3+w4" {
		t.Errorf("canonical link: %s", got)
	}
	res := Build(len(items), item, pairs, Options{Verify: verify, AntiChain: true, Linkage: 0.75})
	if got := ids(res); got != "w1+w2+w3+w4" {
		t.Errorf("mean linkage: %s, want w1+w2+w3+w4 (the stub matches the canonical alone, under the cut)", got)
	}
	for _, m := range res.Clusters[0].Members[1:] {
		switch items[m.Doc].ID {
		case "w2":
			if m.Match.Reason != ByModel || m.Linkage != 0.8 {
				t.Errorf("w2: %+v, linkage %v", m.Match, m.Linkage)
			}
		default:
			if m.Match.Reason != ByCluster || !m.Match.Verified || m.Linkage < 0.75 {
				t.Errorf("%s: %+v, linkage %v", items[m.Doc].ID, m.Match, m.Linkage)
			}
		}
	}
	// The same clusters whatever the order of the candidate pairs.
	slices.Reverse(pairs)
	if got := ids(Build(len(items), item, pairs, Options{Verify: verify, AntiChain: true, Linkage: 0.75})); got != "w1+w2+w3+w4" {
		t.Errorf("reversed pairs: %s", got)
	}
}

// TestLinkageKeepsHardRules: an article the date window keeps from one
// member never joins, though it matches the canonical one.
func TestLinkageKeepsHardRules(t *testing.T) {
	items := []Item{{ID: "a", Published: time.Unix(0, 0)}, {ID: "b", Published: time.Unix(60, 0)}, {ID: "c", Published: time.Unix(120, 0)}}
	verify := func(x, y int) Match {
		if x > y {
			x, y = y, x
		}
		switch [2]int{x, y} {
		case [2]int{0, 1}:
			return Match{P: 0.9, Verified: true, Reason: ByModel}
		case [2]int{0, 2}:
			return Match{P: 0.9, Verified: true, Reason: ByModel}
		}
		return Match{P: 0.99, Reason: OutsideWindow} // b and c
	}
	pairs := []lsh.Pair{{A: 0, B: 1}, {A: 0, B: 2}, {A: 1, B: 2}}
	res := Build(len(items), func(i int) Item { return items[i] }, pairs, Options{Verify: verify, AntiChain: true, Linkage: 0.75})
	if len(res.Clusters) != 1 || len(res.Clusters[0].Members) != 2 || res.Clusters[0].Members[1].Doc != 1 {
		t.Errorf("clusters %+v: want a+b, c kept out by the window against b", res.Clusters)
	}
}

// Editors' decisions outrank the verdicts: a member decided apart from
// the canonical or from an earlier member leaves (to stand alone or
// cluster with what it matches); a pair decided the same shares a
// cluster, under anti-chaining too, the match saying why.
func TestBuildDecided(t *testing.T) {
	items := []Item{
		{ID: "a", Length: 300}, // 0: canonical of {0,1,2,3}
		{ID: "b", Length: 100}, // 1
		{ID: "c", Length: 100}, // 2
		{ID: "d", Length: 90},  // 3: matches c only
		{ID: "e", Length: 80},  // 4: alone, joined to b by an editor
	}
	sims := map[lsh.Pair]float64{
		{A: 0, B: 1}: 0.9, {A: 0, B: 2}: 0.8, {A: 0, B: 3}: 0.6, {A: 2, B: 3}: 0.9, {A: 1, B: 3}: 0.55,
	}
	decisions := map[lsh.Pair]Decision{
		{A: 0, B: 3}: {Same: false, Note: "editor: not a copy"},
		{A: 1, B: 4}: {Same: true, Note: "editor: same story"},
		{A: 1, B: 2}: {Same: false, Note: "editor: not a copy"},
	}
	decided := func(a, b int) (Decision, bool) {
		if a > b {
			a, b = b, a
		}
		d, ok := decisions[lsh.Pair{A: a, B: b}]
		return d, ok
	}
	for _, c := range []struct {
		anti  bool
		named []int
	}{{false, nil}, {true, nil}, {false, []int{0, 1, 2, 3, 4}}, {true, []int{0, 1, 2, 3, 4}}} {
		// named: the documents the decisions name (Options.DecidedDocs),
		// which give the same clusters with fewer questions.
		anti := c.anti
		res := Build(len(items), func(i int) Item { return items[i] }, sortedPairs(sims),
			Options{Verify: simVerify(sims), AntiChain: anti, Decided: decided, Linked: []lsh.Pair{{A: 1, B: 4}}, DecidedDocs: c.named})
		var got []string
		for _, c := range res.Clusters {
			var ids []string
			for _, m := range c.Members {
				ids = append(ids, items[m.Doc].ID)
				if m.Doc == 4 && (m.Match.Reason != ByEditor || !m.Match.Verified || res.Editor[4] != "editor: same story (with b)") {
					t.Errorf("anti-chain %v: e's match %+v, want the editor's", anti, m.Match)
				}
			}
			got = append(got, strings.Join(ids, " "))
		}
		// d is apart from a, c apart from b (the earlier member, by
		// similarity): both leave, and c and d, which match, cluster.
		if want := "a b e|c d"; strings.Join(got, "|") != want {
			t.Errorf("anti-chain %v: clusters %q, want %q", anti, strings.Join(got, "|"), want)
		}
		if res.Verified != 4 {
			t.Errorf("anti-chain %v: %d candidate pairs verified, want 4 (the editors' pairs not counted)", anti, res.Verified)
		}
	}
}

// TestBuildDecidedAsksOnlyNamed: with DecidedDocs, Decided is asked only
// about two documents a decision names, and no cluster changes.
func TestBuildDecidedAsksOnlyNamed(t *testing.T) {
	items := []Item{{ID: "a", Length: 300}, {ID: "b", Length: 100}, {ID: "c", Length: 100}, {ID: "d", Length: 90}, {ID: "e", Length: 80}}
	sims := map[lsh.Pair]float64{{A: 0, B: 1}: 0.9, {A: 0, B: 2}: 0.8, {A: 3, B: 4}: 0.9}
	var asked []lsh.Pair
	decided := func(a, b int) (Decision, bool) {
		asked = append(asked, lsh.Pair{A: min(a, b), B: max(a, b)})
		if min(a, b) == 0 && max(a, b) == 2 {
			return Decision{Note: "editor: not a copy"}, true
		}
		return Decision{}, false
	}
	build := func(named []int) string {
		res := Build(len(items), func(i int) Item { return items[i] }, sortedPairs(sims),
			Options{Verify: simVerify(sims), AntiChain: true, Decided: decided, DecidedDocs: named})
		var got []string
		for _, c := range res.Clusters {
			var ids []string
			for _, m := range c.Members {
				ids = append(ids, items[m.Doc].ID)
			}
			got = append(got, strings.Join(ids, " "))
		}
		return strings.Join(got, "|")
	}
	all := build(nil)
	asked = nil
	if named := build([]int{0, 2}); named != all || named != "a b|d e" {
		t.Errorf("clusters %q with DecidedDocs, %q without; want \"a b|d e\"", named, all)
	}
	for _, p := range asked {
		if p != (lsh.Pair{A: 0, B: 2}) {
			t.Errorf("Decided asked about %v, which no decision names", p)
		}
	}
}
