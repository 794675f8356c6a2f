package pipeline

import (
	"strings"
	"testing"

	"github.com/neardup/neardup/cluster"
	"github.com/neardup/neardup/dedup"
)

// TestBuildRefusesUnconverged: a verified pair whose second article is
// not among its component's members (the components had too few rounds)
// is an error naming the flag, never a cluster split in two.
func TestBuildRefusesUnconverged(t *testing.T) {
	rules := cluster.Rules{Threshold: 0.3}
	counts, _ := dedup.NewCorpusCounts(rules).AppendBinary(nil)
	ev := cluster.AppendEvidence(nil, &cluster.Evidence{Signature: make([]uint16, 8), Shingles: 10, Published: cluster.Undated})
	members := []Member{{Key: 1, Doc: Doc{ID: "a", Shingles: 10}, Evidence: ev}, {Key: 2, Doc: Doc{ID: "b", Shingles: 10}, Evidence: ev}}
	iter := func(ms []Member) func(*Member) bool {
		return func(m *Member) bool {
			if len(ms) == 0 {
				return false
			}
			*m, ms = ms[0], ms[1:]
			return true
		}
	}
	edges := func(es []Edge) func(*Edge) bool {
		return func(e *Edge) bool {
			if len(es) == 0 {
				return false
			}
			*e, es = es[0], es[1:]
			return true
		}
	}
	side := func(b *[]byte) bool { *b = counts; return true }
	var got []Component
	f := &buildFn{Rules: rules, AntiChain: true, Rounds: 3}
	if err := f.ProcessElement(1, iter(members), edges([]Edge{{A: 1, B: 2}}), side, func(c Component) { got = append(got, c) }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || len(got[0].Clusters) != 1 || len(got[0].Clusters[0].Members) != 2 {
		t.Fatalf("a verified pair of two identical signatures: %+v, want one cluster of two", got)
	}
	err := f.ProcessElement(1, iter(members), edges([]Edge{{A: 1, B: 2}, {A: 2, B: 3}}), side, func(Component) {})
	if err == nil || !strings.Contains(err.Error(), "--components-rounds") {
		t.Errorf("an edge to a node outside the component: %v, want an error naming --components-rounds", err)
	}
}
