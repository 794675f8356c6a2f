package cluster_test

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/neardup/neardup/cluster"
)

func randomEvidence(rng *rand.Rand) cluster.Evidence {
	e := cluster.Evidence{Signature: make([]uint16, 100), Shingles: int32(20 + rng.IntN(300)), Published: cluster.Undated}
	for i := range e.Signature {
		e.Signature[i] = uint16(rng.IntN(4))
	}
	if rng.IntN(3) > 0 {
		e.Published = time.Date(1987, 3, 2, 0, 0, 0, 0, time.UTC).Unix() + int64(rng.IntN(100000))
	}
	set := func(n int) []uint64 {
		var s []uint64
		for range rng.IntN(n) {
			s = append(s, uint64(rng.IntN(20)))
		}
		slices.Sort(s)
		return slices.Compact(s)
	}
	if e.Shingles < 150 {
		e.Short = &cluster.Short{Figures: set(8), Names: set(6), Set: set(40), NWords: int32(rng.IntN(120)),
			FigurePairs: set(10), NFigures: int32(rng.IntN(12))}
	}
	if e.Shingles >= cluster.MinLedeWords {
		e.Lede = cluster.NewLede(set(30))
	}
	return e
}

// TestFeaturesSymmetric: the evidence of a pair does not depend on which
// article comes first, so neither does the model's decision.
func TestFeaturesSymmetric(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	rules := cluster.Rules{Threshold: 0.3, Containment: 0.6, MinRatio: 0.15, Figures: 0.75, VetoBelow: 150, Subject: 0.02,
		ShortBelow: 60, ShortWindow: 20 * time.Hour, FigureOrder: 0.6, Lede: 0.15}
	for range 2000 {
		a, b := randomEvidence(rng), randomEvidence(rng)
		_, fab := rules.Evidence(&a, &b)
		_, fba := rules.Evidence(&b, &a)
		if fab != fba {
			t.Fatalf("Evidence(a, b) %v != Evidence(b, a) %v", fab, fba)
		}
		for i, v := range fab {
			if v != v || v < 0 {
				t.Fatalf("feature %s = %v", cluster.FeatureNames[i], v)
			}
		}
	}
}

// TestGroupsCoverFeatures: every feature is in exactly one of the groups
// Why reports, so the contributions add up to the log-odds less the bias.
func TestGroupsCoverFeatures(t *testing.T) {
	seen := make([]int, cluster.NFeatures)
	for _, g := range cluster.Groups {
		for _, f := range g.Features {
			seen[f]++
		}
	}
	for f, n := range seen {
		if n != 1 {
			t.Errorf("feature %s is in %d groups", cluster.FeatureNames[f], n)
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	m := &cluster.Model{Bias: -2, Cut: 0.5}
	for i := range m.Weights {
		m.Weights[i] = rng.NormFloat64()
	}
	var f cluster.Features
	for i := range f {
		f[i] = rng.Float64()
	}
	why := m.Why(&f)
	for i := 1; i < len(why); i++ {
		if abs(why[i].Value) > abs(why[i-1].Value) {
			t.Errorf("Why not in order: %+v", why)
		}
	}
}

func abs(v float32) float32 {
	if v < 0 {
		return -v
	}
	return v
}
