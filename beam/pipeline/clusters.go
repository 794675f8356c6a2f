package pipeline

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/neardup/neardup/cluster"
	"github.com/neardup/neardup/lsh"
)

// memberByKey keys what clustering needs of an article by its key.
func memberByKey(a Article, emit func(uint64, Member)) {
	if a.Shingles > 0 {
		emit(a.Key, Member{Key: a.Key, Evidence: a.Evidence, Doc: Doc{ID: a.ID, Title: a.Title, Source: a.Source,
			Dated: a.Dated, Sec: a.Sec, Nsec: a.Nsec, Length: a.Length, Shingles: a.Shingles, NotHeadline: cluster.EncodedNotHeadline(a.Evidence)}})
	}
}

func edgeByA(e Edge, emit func(uint64, Edge)) { emit(e.A, e) }

// labelMembers sends an article of a verified pair, and the verified
// pairs it is the first of, to its component's label.
func labelMembers(k uint64, members func(*Member) bool, labels func(*uint64) bool, edges func(*Edge) bool,
	emitMember func(uint64, Member), emitEdge func(uint64, Edge)) {
	var label uint64
	if !labels(&label) {
		return // in no verified pair
	}
	var m Member
	if members(&m) {
		emitMember(label, m)
	}
	var e Edge
	for edges(&e) {
		emitEdge(label, e)
	}
}

// buildFn clusters one connected component with cluster.Build, as
// dedup.Cluster does over the whole run: cluster.Build's clusters are
// made component by component, each from its own members and verified
// pairs alone, so one component's clusters are the CLI's clusters of
// those members. Members are numbered in input order, as the CLI numbers
// them. A verified pair reaching outside the component means the
// components did not converge: an error, never a split cluster.
type buildFn struct {
	Rules     cluster.Rules
	AntiChain bool
	Rounds    int
	rules     *cluster.Rules
}

func (f *buildFn) ProcessElement(label uint64, members func(*Member) bool, edges func(*Edge) bool, counts func(*[]byte) bool, emit func(Component)) error {
	rules, err := withCounts(&f.rules, f.Rules, counts)
	if err != nil {
		return err
	}
	var ms []Member
	var m Member
	for members(&m) {
		ms = append(ms, m)
	}
	slices.SortFunc(ms, func(x, y Member) int { return cmp.Compare(x.Key, y.Key) })
	index := make(map[uint64]int, len(ms))
	evidence := make([]cluster.Evidence, len(ms))
	for i := range ms {
		index[ms[i].Key] = i
		if evidence[i], _, err = cluster.DecodeEvidence(ms[i].Evidence); err != nil {
			return err
		}
	}
	var pairs []lsh.Pair
	var e Edge
	for edges(&e) {
		a, okA := index[e.A]
		b, okB := index[e.B]
		if !okA || !okB {
			return fmt.Errorf("connected components did not converge in %d rounds: raise --components-rounds", f.Rounds)
		}
		pairs = append(pairs, lsh.Pair{A: a, B: b})
	}
	slices.SortFunc(pairs, lsh.ComparePairs)
	item := func(i int) cluster.Item {
		d := ms[i].Doc.dedup()
		return cluster.Item{ID: d.ID, Published: d.Published, Length: int(d.Length)}
	}
	verify := func(a, b int) cluster.Match { return rules.Check(&evidence[a], &evidence[b]) }
	res := cluster.Build(len(ms), item, pairs, cluster.Options{Verify: verify, AntiChain: f.AntiChain, Linkage: rules.Linkage()})
	if len(res.Clusters) == 0 {
		return nil
	}
	c := Component{Docs: make([]Doc, len(ms))}
	for i := range ms {
		c.Docs[i] = ms[i].Doc
	}
	for _, cl := range res.Clusters {
		var out Cluster
		for _, m := range cl.Members {
			out.Members = append(out.Members, ClusterMember{Doc: m.Doc, Match: m.Match, Linkage: m.Linkage})
		}
		c.Clusters = append(c.Clusters, out)
	}
	emit(c)
	return nil
}
