package model

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/neardup/neardup/cluster"
)

func TestDefaultModel(t *testing.T) {
	m := Default()
	if !(m.Cut > 0 && m.Cut < 1) || len(m.File.Features) != cluster.NFeatures || m.Hash == "" {
		t.Fatalf("default model: cut %v, %d features, hash %q", m.Cut, len(m.File.Features), m.Hash)
	}
	if len(m.File.Trained) < 2 || m.File.Command == "" {
		t.Errorf("the default model says neither what it was trained on nor how to remake it: %+v", m.File.Trained)
	}
	// A verbatim copy is one, a pair sharing nothing is not.
	var same, none cluster.Features
	same[cluster.FJaccard], same[cluster.FContainment], same[cluster.FContainmentLarger], same[cluster.FLengthRatio] = 1, 1, 1, 1
	same[cluster.FSimilar], same[cluster.FLede], same[cluster.FStoryPair] = 1, 1, 1
	none[cluster.FLengthRatio], none[cluster.FStoryPair] = 1, 1
	none[cluster.FLedeVeto], none[cluster.FFollowUp] = 1, 1
	if p := m.P(&same); p < m.Cut {
		t.Errorf("identical stories: p %v under the cut %v", p, m.Cut)
	}
	if p := m.P(&none); p >= m.Cut {
		t.Errorf("stories sharing nothing: p %v at or over the cut %v", p, m.Cut)
	}
}

// TestFitRecovers: samples drawn from a known logistic model are fitted
// back to weights near it (the property the fitter rests on).
func TestFitRecovers(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var want [cluster.NFeatures]float64
	want[cluster.FJaccard], want[cluster.FLede], want[cluster.FSubjectVeto] = 6, 2, -3
	bias := -3.0
	var samples []Sample
	for i := range 20000 {
		var s Sample
		s.F[cluster.FJaccard] = rng.Float64()
		s.F[cluster.FLede] = rng.Float64()
		if rng.IntN(4) == 0 {
			s.F[cluster.FSubjectVeto] = 1
		}
		z := bias
		for k, w := range want {
			z += w * s.F[k]
		}
		s.Dup = rng.Float64() < cluster.Sigmoid(z)
		s.Source = i % 2
		samples = append(samples, s)
	}
	w, b, err := Fit(samples, Options{L2: 0.01, MergeCost: 1, Iterations: 50})
	if err != nil {
		t.Fatal(err)
	}
	// Class weighting moves the bias, not the slopes.
	for _, k := range []int{cluster.FJaccard, cluster.FLede, cluster.FSubjectVeto} {
		if math.Abs(w[k]-want[k]) > 0.35 {
			t.Errorf("%s: weight %.2f, want %.2f", cluster.FeatureNames[k], w[k], want[k])
		}
	}
	if math.IsNaN(b) {
		t.Errorf("bias NaN")
	}
}

func TestChooseCut(t *testing.T) {
	var w [cluster.NFeatures]float64
	w[cluster.FJaccard] = 10
	sample := func(j float64, dup bool, source int) Sample {
		var s Sample
		s.F[cluster.FJaccard], s.Dup, s.Source = j, dup, source
		return s
	}
	// P = σ(10j − 5): dups at j .8 and .9 (p .95, .98), distinct at .2 and
	// .6 (p .05, .73). Any cut in (.73, .95] separates them: the highest
	// such grid cut of least cost.
	samples := []Sample{sample(.8, true, 0), sample(.9, true, 0), sample(.2, false, 0), sample(.6, false, 0)}
	cut := ChooseCut(w, -5, samples, 2)
	m := &cluster.Model{Weights: w, Bias: -5, Cut: cut}
	if r := Score(m, samples); r.DupFound != 2 || r.DistinctMerged != 0 {
		t.Errorf("cut %v: %+v", cut, r)
	}
	// A merge cost that makes losing both dups cheaper than one merge
	// still never prefers merging a distinct pair here.
	if c := ChooseCut(w, -5, samples, 100); c < cut {
		t.Errorf("higher merge cost lowered the cut: %v < %v", c, cut)
	}
}

func TestSampleWeights(t *testing.T) {
	var samples []Sample
	for i := range 400 {
		samples = append(samples, Sample{Source: 0, Dup: i%4 == 0})
	}
	for i := range 4 {
		samples = append(samples, Sample{Source: 1, Dup: i%2 == 0})
	}
	w := sampleWeights(samples)
	sum := func(source int, dup bool) float64 {
		t := 0.0
		for i, s := range samples {
			if s.Source == source && s.Dup == dup {
				t += w[i]
			}
		}
		return t
	}
	// Each source's dups and distincts weigh the same; the large source
	// weighs sqrt(400) = 20 against the small one's floor of 10.
	if d, n := sum(0, true), sum(0, false); math.Abs(d-n) > 1e-9 {
		t.Errorf("source 0: dup %v, distinct %v", d, n)
	}
	if big, small := sum(0, true)+sum(0, false), sum(1, true)+sum(1, false); math.Abs(big/small-2) > 1e-9 {
		t.Errorf("source weights %v and %v, want a ratio of 2", big, small)
	}
}

func TestLoadSpecRefuses(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct{ name, spec, want string }{
		{"one source", `{"sources": [{"name": "a", "gold": "g", "input": ["x"]}]}`, "two or more"},
		{"no labels", `{"sources": [{"name": "a", "input": ["x"]}, {"name": "b", "gold": "g", "input": ["x"]}]}`, "want input and pairs or gold"},
		{"same name", `{"sources": [{"name": "a", "gold": "g", "input": ["x"]}, {"name": "a", "gold": "g", "input": ["x"]}]}`, "a name of its own"},
		{"unknown field", `{"source": []}`, "unknown field"},
	} {
		path := dir + "/" + strings.ReplaceAll(tt.name, " ", "-") + ".json"
		writeFile(t, path, tt.spec)
		_, _, _, err := LoadSpec(path, nil)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
}
