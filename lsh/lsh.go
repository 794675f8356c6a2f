// Package lsh computes MinHash signatures of shingle sets and finds candidate
// pairs of similar signatures with locality-sensitive hashing (banding).
//
// Signatures: by default one-permutation hashing with optimal
// densification (Params.Scheme OPH, oph.go): one hash per shingle, and at
// most about √k steps for each of the k bins a small set leaves empty.
// The github.com/ekzhu/minhash-lsh Minhash (MinHash: two FNV-1a hashes per
// shingle, value i is h1 + i·h2 mod 2^64, minimised over the set; O(n·k))
// stays selectable for comparison. Both estimate Jaccard similarity as the
// share of equal positions. Candidates: a sort-based index (index.go). Callers see
// only Params, Signer, Similarity, Index and, for a night against a
// nightly state, CandidatesAgainst (incremental.go: the pairs one index
// over the stored and tonight's signatures would give that involve
// tonight's), so either half can be replaced without touching them.
//
// Parameters: Hashes (k) is the signature length; the standard error of the
// Jaccard estimate is √(J(1−J)/k), so 128 hashes estimate J = 0.5 to ±0.044.
// Bands × Rows is chosen by the library for Threshold: it minimises the
// summed false-positive and false-negative areas of the S-curve
// P(candidate | J) = 1 − (1 − J^rows)^bands (for 128 hashes, t = 0.5 gives
// 25 bands × 5 rows). Seed fixes the hash functions: the same seed gives the
// same signatures everywhere.
//
// Candidates (index.go): each band of each signature becomes a 32-bit key
// (exactly, for bands of two rows; hashed otherwise), and (key, document)
// records packed in 64-bit words are radix-sorted per band; documents with
// equal keys are candidates. No strings, no interface{} keys, no per-query
// maps. A bucket larger than MaxBucket documents (a band shared by
// boilerplate or a template) pairs each of its documents only with its first
// StarPairs documents, so its cost is linear, not quadratic. The library's
// index (ReferenceCandidates) gives the same pairs on buckets within bounds.
// BandKeys and BucketPairs (bands.go) are the same banding one bucket at a
// time, for a pipeline that groups the keys itself (the Beam pipeline).
//
// Call order: NewParams; one Signer per goroutine (a Signer is not safe for
// concurrent use); then Index.Add for every signature, and Index.Candidates
// once, after the last Add. Candidates may use several goroutines itself.
package lsh

import (
	"encoding/binary"
	"fmt"
	"slices"

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
	bins  []uint64  // OPH: the 64-bit bins
	empty []uint32  // OPH: the bins a set left empty, then where they borrow from
	full  []uint32  // OPH: the bins a small set filled
	perms []binPerm // OPH: each bin's order for borrowing, made once
	shape permShape
}

// NewSigner returns a Signer for p.
func (p Params) NewSigner() *Signer { return &Signer{p: p} }

// Sign appends the signature of a shingle set (p.Hashes values) to dst[:0]
// and returns it. Each value keeps the low 16 bits of the scheme's 64-bit
// minimum (b-bit minwise hashing, Li & König): two different minima look
// equal with probability 2^-16, which raises a Jaccard estimate by at most
// 1.6e-5, and a 128-value signature takes 256 bytes instead of 1 KiB. The set should be duplicate-free; duplicates do not change
// the result. An empty set gives a signature of all max values.
func (s *Signer) Sign(shingles []uint64, dst []uint16) []uint16 {
	var full []uint64
	if s.p.Scheme != MinHash {
		s.bins = s.signOPH(shingles, s.bins)
		full = s.bins
	} else {
		m := minhashlsh.NewMinhash(s.p.Seed, s.p.Hashes)
		for _, h := range shingles {
			binary.LittleEndian.PutUint64(s.buf[:], h)
			m.Push(s.buf[:])
		}
		full = m.Signature() // the Minhash's own buffer: read, not kept
	}
	dst = dst[:0]
	for _, v := range full {
		dst = append(dst, uint16(v))
	}
	return dst
}

// Similarity is the MinHash estimate of the Jaccard similarity of the sets
// behind two signatures of equal length: the share of equal positions.
func Similarity(a, b []uint16) float64 {
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

// ComparePairs orders pairs by A, then B: the order candidate pairs are
// returned in.
func ComparePairs(p, q Pair) int {
	if p.A != q.A {
		return p.A - q.A
	}
	return p.B - q.B
}

// ReferenceCandidates finds the candidate pairs of sigs (document i is
// ids[i]) with github.com/ekzhu/minhash-lsh's index: the reference the fast
// Index is tested against. Its band keys are strings and its queries build
// maps of interface{} keys: fine for thousands of documents, slow and
// memory-hungry beyond.
func ReferenceCandidates(p Params, ids []int, sigs [][]uint16) []Pair {
	lib := minhashlsh.NewMinhashLSH64(p.Hashes, p.Threshold)
	wide := make([][]uint64, len(sigs))
	for i, sig := range sigs {
		wide[i] = make([]uint64, len(sig))
		for j, v := range sig {
			wide[i][j] = uint64(v)
		}
		lib.Add(ids[i], wide[i])
	}
	lib.Index()
	var pairs []Pair
	for i, a := range ids {
		for _, key := range lib.Query(wide[i]) {
			if b := key.(int); b > a {
				pairs = append(pairs, Pair{a, b})
			}
		}
	}
	slices.SortFunc(pairs, ComparePairs)
	return slices.Compact(pairs)
}
