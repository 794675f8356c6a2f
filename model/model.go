// Package model fits the calibrated match decision (cluster.Model) from
// labelled pairs and ships the default one.
//
// A training set is a list of sources, each a corpus and labels read by
// people: pair labels in the --pairs format (dup, distinct; unsure
// skipped) or gold clusters (every pair inside a cluster is dup, every
// pair across two clusters distinct: all of them in a small corpus, the
// LSH candidates in a large one). Samples reads a source through the
// pipeline's read stage, so that its features are those a run computes
// (its corpus counts included). Fit is L2-regularised logistic regression
// by Newton's method, each source weighing the square root of its size
// (at least MinWeight), half to its dup and half to its distinct pairs,
// so that no single corpus decides; ChooseCut picks the cut of least cost
// over the sources, each weighing the same (copies missed plus a merge
// cost times distinct pairs merged). LeaveOneOut fits on all sources but
// one and scores the one left out.
//
// Default is the model embedded in the binary (default.json), written by
// `go run ./benchmarks/train`.
package model

import (
	_ "embed"
	"fmt"
	"math"

	"github.com/neardup/neardup/cluster"
)

//go:embed default.json
var defaultJSON []byte

// Default is the model neardup decides with unless given another.
func Default() *cluster.Model {
	m, err := cluster.ParseModel(defaultJSON)
	if err != nil {
		panic("model: the embedded default.json: " + err.Error())
	}
	return m
}

// Sample is one labelled pair's features.
type Sample struct {
	F      cluster.Features
	Dup    bool
	A, B   string // the articles' IDs
	Source int    // index of its source
	Veto   bool   // the veto stack's verdict (Rules.Check without a model), the baseline
	Hard   bool   // a rule the model does not weigh keeps the two apart (the window, furniture): never a copy
}

// Options are the fitting parameters.
type Options struct {
	L2         float64 // penalty on the weights (not the bias)
	MergeCost  float64 // ChooseCut: what merging a distinct pair costs, against missing a copy's 1
	Iterations int
}

// DefaultOptions are what the default model was fitted with.
var DefaultOptions = Options{L2: 0.1, MergeCost: 2, Iterations: 50}

// dim is the size of the system Fit solves: the weights, then the bias.
const dim = cluster.NFeatures + 1

// Fit fits weights and bias to samples, each source's samples weighing
// the square root of their number in all (a large source counts more, but
// not in proportion: ten times the pairs, three times the say), and no
// less than MinWeight (a small hand-written set still has its say), split
// evenly between its dup and distinct pairs (a source with only one kind
// gives that kind its whole weight).
func Fit(samples []Sample, opt Options) (w [cluster.NFeatures]float64, bias float64, err error) {
	if len(samples) == 0 {
		return w, 0, fmt.Errorf("model: no samples")
	}
	weights := sampleWeights(samples)
	const n = dim
	beta := make([]float64, n)
	x := make([]float64, n)
	for iter := 0; iter < max(opt.Iterations, 1); iter++ {
		var h [n][n]float64
		var g [n]float64
		for i := range samples {
			s := &samples[i]
			copy(x, s.F[:])
			x[n-1] = 1
			z := 0.0
			for k := range x {
				z += beta[k] * x[k]
			}
			p := cluster.Sigmoid(z)
			y := 0.0
			if s.Dup {
				y = 1
			}
			sw := weights[i]
			r := sw * (y - p)
			v := sw * max(p*(1-p), 1e-9)
			for j := range n {
				if x[j] == 0 {
					continue
				}
				g[j] += r * x[j]
				for k := range n {
					h[j][k] += v * x[j] * x[k]
				}
			}
		}
		for j := range n - 1 {
			g[j] -= opt.L2 * beta[j]
			h[j][j] += opt.L2
		}
		h[n-1][n-1] += 1e-6
		step, ok := solve(h, g)
		if !ok {
			return w, 0, fmt.Errorf("model: singular system at iteration %d", iter)
		}
		change := 0.0
		for k := range beta {
			beta[k] += step[k]
			change = max(change, math.Abs(step[k]))
		}
		if change < 1e-9 {
			break
		}
	}
	copy(w[:], beta[:n-1])
	return w, beta[n-1], nil
}

// MinWeight is the least weight of a source (that of 100 pairs).
const MinWeight = 10

// sampleWeights gives each source a weight of the square root of its
// size, half to its dup pairs and half to its distinct ones, scaled so
// that the weights add up to the number of samples.
func sampleWeights(samples []Sample) []float64 {
	type key struct {
		source int
		dup    bool
	}
	count := map[key]int{}
	kinds, size := map[int]int{}, map[int]int{}
	for _, s := range samples {
		k := key{s.Source, s.Dup}
		if count[k] == 0 {
			kinds[s.Source]++
		}
		count[k]++
		size[s.Source]++
	}
	out := make([]float64, len(samples))
	total := 0.0
	for i, s := range samples {
		out[i] = math.Sqrt(max(float64(size[s.Source]), MinWeight*MinWeight)) / float64(kinds[s.Source]) / float64(count[key{s.Source, s.Dup}])
		total += out[i]
	}
	for i := range out {
		out[i] *= float64(len(samples)) / total
	}
	return out
}

// solve solves h·x = g by Gaussian elimination with partial pivoting.
func solve(h [dim][dim]float64, g [dim]float64) ([]float64, bool) {
	const n = dim
	for c := range n {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(h[r][c]) > math.Abs(h[p][c]) {
				p = r
			}
		}
		if math.Abs(h[p][c]) < 1e-12 {
			return nil, false
		}
		h[c], h[p] = h[p], h[c]
		g[c], g[p] = g[p], g[c]
		for r := c + 1; r < n; r++ {
			f := h[r][c] / h[c][c]
			for k := c; k < n; k++ {
				h[r][k] -= f * h[c][k]
			}
			g[r] -= f * g[c]
		}
	}
	x := make([]float64, n)
	for r := n - 1; r >= 0; r-- {
		s := g[r]
		for k := r + 1; k < n; k++ {
			s -= h[r][k] * x[k]
		}
		x[r] = s / h[r][r]
	}
	return x, true
}
