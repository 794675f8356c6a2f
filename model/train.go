package model

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"

	"github.com/neardup/neardup/cluster"
	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/eval"
	"github.com/neardup/neardup/lsh"
)

// Source is one labelled corpus to train on.
type Source struct {
	Name   string
	Pairs  []eval.PairLabel // labelled pairs (unsure already left out)
	Gold   eval.Assignment  // or gold clusters; nil: none
	Config dedup.Config     // reads the corpus (its Inputs) as a run would
}

// Read is what Samples found in one source.
type Read struct {
	Samples   []Sample
	Missing   int // labelled pairs with an article not in the corpus (or without words)
	Conflicts int // pairs labelled twice, the second time otherwise: the first label is kept
	Articles  int
}

// AllPairsBelow is the corpus size under which a gold source gives every
// pair across two clusters as distinct, not only the LSH candidates: a
// small hand-written set's look-alikes are too few to leave any out.
const AllPairsBelow = 2000

// Samples reads src's corpus and returns the features of its labelled
// pairs, Source set to index.
func Samples(ctx context.Context, src Source, index int) (Read, error) {
	res, err := dedup.Read(ctx, src.Config)
	if err != nil {
		return Read{}, fmt.Errorf("%s: %w", src.Name, err)
	}
	byID := make(map[string]int, len(res.Docs))
	for i, d := range res.Docs {
		if d.Shingles > 0 {
			byID[d.ID] = i
		}
	}
	out := Read{Articles: len(res.Docs)}
	vetoes := res.Rules
	vetoes.Model = nil
	window := res.Rules.Window.Hours()
	add := func(a, b int, dup bool) {
		m, f := res.Rules.Evidence(&res.Evidence[a], &res.Evidence[b])
		veto := vetoes.Check(&res.Evidence[a], &res.Evidence[b]).Verified
		hard := window > 0 && m.Hours > window || f[cluster.FFurniture] == 1
		out.Samples = append(out.Samples, Sample{F: f, Dup: dup, A: res.Docs[a].ID, B: res.Docs[b].ID, Source: index, Veto: veto, Hard: hard})
	}
	seen := map[[2]int]bool{}
	label := map[[2]int]string{}
	for _, p := range src.Pairs {
		a, okA := byID[p.A]
		b, okB := byID[p.B]
		if !okA || !okB || a == b {
			out.Missing++
			continue
		}
		k := [2]int{min(a, b), max(a, b)}
		if seen[k] {
			if label[k] != p.Label {
				out.Conflicts++
			}
			continue
		}
		seen[k], label[k] = true, p.Label
		add(a, b, p.Label == "dup")
	}
	if src.Gold != nil {
		// Every pair within a gold cluster, every candidate pair across two.
		members := map[string][]int{}
		for i, d := range res.Docs {
			if c, ok := src.Gold[d.ID]; ok && d.Shingles > 0 {
				members[c] = append(members[c], i)
			}
		}
		for _, c := range slices.Sorted(maps.Keys(members)) {
			ms := members[c]
			for x := range ms {
				for y := x + 1; y < len(ms); y++ {
					if k := [2]int{ms[x], ms[y]}; !seen[k] {
						seen[k] = true
						add(ms[x], ms[y], true)
					}
				}
			}
		}
		pairs := dedup.Candidates(src.Config.LSH, res.Evidence, src.Config.Workers, nil)
		if len(res.Docs) <= AllPairsBelow {
			pairs = pairs[:0]
			for a := range res.Docs {
				for b := a + 1; b < len(res.Docs); b++ {
					pairs = append(pairs, lsh.Pair{A: a, B: b})
				}
			}
		}
		for _, p := range pairs {
			ca, okA := src.Gold[res.Docs[p.A].ID]
			cb, okB := src.Gold[res.Docs[p.B].ID]
			if k := [2]int{p.A, p.B}; okA && okB && ca != cb && !seen[k] {
				seen[k] = true
				add(p.A, p.B, false)
			}
		}
	}
	return out, nil
}

// Rates are a model's pair decisions on labelled samples.
type Rates struct {
	Dup, DupFound, Distinct, DistinctMerged int
}

// Recall is the share of dup pairs that pass the cut.
func (r Rates) Recall() float64 { return ratio(r.DupFound, r.Dup) }

// Merged is the share of distinct pairs that pass the cut.
func (r Rates) Merged() float64 { return ratio(r.DistinctMerged, r.Distinct) }

func ratio(a, b int) float64 {
	if b == 0 {
		return math.NaN()
	}
	return float64(a) / float64(b)
}

// Score counts the samples of one source that m puts together; m nil:
// that the veto stack does.
func Score(m *cluster.Model, samples []Sample) Rates {
	var r Rates
	for i := range samples {
		s := &samples[i]
		pass := s.Veto
		if m != nil {
			pass = !s.Hard && m.P(&s.F) >= m.Cut
		}
		if s.Dup {
			r.Dup++
			if pass {
				r.DupFound++
			}
		} else {
			r.Distinct++
			if pass {
				r.DistinctMerged++
			}
		}
	}
	return r
}

// ChooseCut returns the cut, on a grid of 0.01 from 0.05 to 0.99, that
// costs least over the sources of samples, each source weighing the same:
// the share of its dup pairs missed plus mergeCost times the share of its
// distinct pairs merged (a wrongly hidden story is lost news; a copy
// missed is one more to read). Ties go to the higher cut.
func ChooseCut(w [cluster.NFeatures]float64, bias float64, samples []Sample, mergeCost float64) float64 {
	m := &cluster.Model{Weights: w, Bias: bias}
	type counts struct{ dup, distinct []float64 }
	var bySource []*counts // by source index, so that the costs add up in one order
	for i := range samples {
		s := &samples[i]
		for len(bySource) <= s.Source {
			bySource = append(bySource, nil)
		}
		c := bySource[s.Source]
		if c == nil {
			c = &counts{}
			bySource[s.Source] = c
		}
		p := m.P(&s.F)
		if s.Hard {
			p = -1 // never passes: a hard rule keeps the two apart
		}
		if s.Dup {
			c.dup = append(c.dup, p)
		} else {
			c.distinct = append(c.distinct, p)
		}
	}
	share := func(ps []float64, cut float64) float64 {
		n := 0
		for _, p := range ps {
			if p >= cut {
				n++
			}
		}
		return float64(n) / float64(len(ps))
	}
	best, bestCost := 0.5, math.Inf(1)
	for k := 99; k >= 5; k-- {
		cut := float64(k) / 100
		cost := 0.0
		for _, c := range bySource {
			if c == nil {
				continue
			}
			if len(c.dup) > 0 {
				cost += 1 - share(c.dup, cut)
			}
			if len(c.distinct) > 0 {
				cost += mergeCost * share(c.distinct, cut)
			}
		}
		if cost < bestCost-1e-12 {
			best, bestCost = cut, cost
		}
	}
	return best
}

// Model fits a model to samples with opt and returns it with its cut.
func FitModel(samples []Sample, opt Options) (*cluster.Model, error) {
	w, b, err := Fit(samples, opt)
	if err != nil {
		return nil, err
	}
	return &cluster.Model{Weights: w, Bias: b, Cut: ChooseCut(w, b, samples, opt.MergeCost)}, nil
}

// Held is one source's scores by a model fitted on the others.
type Held struct {
	Source string
	Cut    float64
	Rates  Rates
}

// LeaveOneOut fits, for each source, a model on all the others and
// scores the source left out.
func LeaveOneOut(names []string, samples []Sample, opt Options) ([]Held, error) {
	var out []Held
	for s, name := range names {
		var train, test []Sample
		for _, x := range samples {
			if x.Source == s {
				test = append(test, x)
			} else {
				train = append(train, x)
			}
		}
		m, err := FitModel(train, opt)
		if err != nil {
			return nil, fmt.Errorf("without %s: %w", name, err)
		}
		out = append(out, Held{Source: name, Cut: m.Cut, Rates: Score(m, test)})
	}
	return out, nil
}
