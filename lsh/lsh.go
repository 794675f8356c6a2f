// Package lsh computes MinHash signatures of shingle sets and finds candidate
// pairs of similar signatures with locality-sensitive hashing (banding).
//
// Signatures: by default one-permutation hashing with optimal
// densification (Params.Scheme OPH, oph.go): one hash per shingle, O(n + k).
// The github.com/ekzhu/minhash-lsh Minhash (MinHash: two FNV-1a hashes per
// shingle, value i is h1 + i·h2 mod 2^64, minimised over the set; O(n·k))
// stays selectable for comparison. Both estimate Jaccard similarity as the
// share of equal positions. Candidates: the library's index. Callers see
// only Params, Signer, Similarity and Index, so either half can be replaced
// without touching them.
//
// Parameters: Hashes (k) is the signature length; the standard error of the
// Jaccard estimate is √(J(1−J)/k), so 128 hashes estimate J = 0.5 to ±0.044.
// Bands × Rows is chosen by the library for Threshold: it minimises the
// summed false-positive and false-negative areas of the S-curve
// P(candidate | J) = 1 − (1 − J^rows)^bands (for 128 hashes, t = 0.5 gives
// 25 bands × 5 rows). Seed fixes the hash functions: the same seed gives the
// same signatures everywhere.
//
// Call order: NewParams; one Signer per goroutine (a Signer is not safe for
// concurrent use); then Index.Add for every signature, and Index.Candidates
// once, after the last Add. Candidates may use several goroutines itself.
package lsh

import (
	"encoding/binary"
	"fmt"
	"slices"
	"sync"

	minhashlsh "github.com/ekzhu/minhash-lsh"
)

// Signature schemes.
const (
	OPH     = "oph"     // one-permutation hashing, optimal densification (oph.go)
	MinHash = "minhash" // github.com/ekzhu/minhash-lsh: k hash functions per shingle
)

// Params are the signature and banding parameters of a run.
type Params struct {
	Scheme    string  // OPH (the default) or MinHash
	Hashes    int     // signature length k
	Threshold float64 // Jaccard threshold the banding is tuned for
	Bands     int     // b
	Rows      int     // r; Bands·Rows ≤ Hashes
	Seed      int64   // seeds the hash functions
}

// NewParams validates hashes and threshold and chooses bands × rows.
func NewParams(hashes int, threshold float64, seed int64) (Params, error) {
	if hashes < 1 || hashes > 4096 {
		return Params{}, fmt.Errorf("lsh: %d hashes: want 1 to 4096", hashes)
	}
	if !(threshold > 0 && threshold < 1) {
		return Params{}, fmt.Errorf("lsh: threshold %v: want a number strictly between 0 and 1", threshold)
	}
	rows, bands := minhashlsh.NewMinhashLSH64(hashes, threshold).Params()
	return Params{Scheme: OPH, Hashes: hashes, Threshold: threshold, Bands: bands, Rows: rows, Seed: seed}, nil
}

// Signer computes MinHash signatures. It is not safe for concurrent use:
// give each goroutine its own.
type Signer struct {
	p     Params
	buf   [8]byte
	empty []int // OPH: the bins a set left empty
}

// NewSigner returns a Signer for p.
func (p Params) NewSigner() *Signer { return &Signer{p: p} }

// Sign appends the signature of a shingle set (p.Hashes values) to dst[:0]
// and returns it. The set should be duplicate-free; duplicates do not change
// the result. An empty set gives a signature of all max values.
func (s *Signer) Sign(shingles []uint64, dst []uint64) []uint64 {
	if s.p.Scheme != MinHash {
		return s.signOPH(shingles, dst)
	}
	m := minhashlsh.NewMinhash(s.p.Seed, s.p.Hashes)
	for _, h := range shingles {
		binary.LittleEndian.PutUint64(s.buf[:], h)
		m.Push(s.buf[:])
	}
	// Signature returns the Minhash's own buffer: copy it.
	return append(dst[:0], m.Signature()...)
}

// Similarity is the MinHash estimate of the Jaccard similarity of the sets
// behind two signatures of equal length: the share of equal positions.
func Similarity(a, b []uint64) float64 {
	if len(a) != len(b) || len(a) == 0 {
		return 0
	}
	eq := 0
	for i := range a {
		if a[i] == b[i] {
			eq++
		}
	}
	return float64(eq) / float64(len(a))
}

// Pair is a candidate pair of document numbers, A < B.
type Pair struct{ A, B int }

// Index collects signatures and finds the pairs that share at least one
// band. Not safe for concurrent Add.
type Index struct {
	p    Params
	lib  *minhashlsh.MinhashLSH
	ids  []int
	sigs [][]uint64
}

// NewIndex returns an empty index for p.
func NewIndex(p Params) *Index {
	return &Index{p: p, lib: minhashlsh.NewMinhashLSH64(p.Hashes, p.Threshold)}
}

// Add stores the signature of document id. The index keeps sig: do not
// modify it afterwards.
func (x *Index) Add(id int, sig []uint64) {
	x.lib.Add(id, sig)
	x.ids = append(x.ids, id)
	x.sigs = append(x.sigs, sig)
}

// Candidates returns every pair of added documents that share a band, sorted
// by A then B, each once. It runs up to workers queries at a time and calls
// progress (if not nil) with the number of documents queried since its last
// call. Call it once, after the last Add.
func (x *Index) Candidates(workers int, progress func(n int)) []Pair {
	x.lib.Index()
	if workers < 1 {
		workers = 1
	}
	const chunk = 256
	nchunks := (len(x.ids) + chunk - 1) / chunk
	found := make([][]Pair, nchunks)
	next := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	for range workers {
		wg.Go(func() {
			for c := range next {
				lo, hi := c*chunk, min((c+1)*chunk, len(x.ids))
				var ps []Pair
				for i := lo; i < hi; i++ {
					a := x.ids[i]
					for _, key := range x.lib.Query(x.sigs[i]) {
						if b := key.(int); b > a {
							ps = append(ps, Pair{a, b})
						}
					}
				}
				found[c] = ps
				if progress != nil {
					mu.Lock()
					progress(hi - lo)
					mu.Unlock()
				}
			}
		})
	}
	for c := range nchunks {
		next <- c
	}
	close(next)
	wg.Wait()
	pairs := slices.Concat(found...)
	slices.SortFunc(pairs, func(p, q Pair) int {
		if p.A != q.A {
			return p.A - q.A
		}
		return p.B - q.B
	})
	return slices.Compact(pairs)
}
