package lsh_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/neardup/neardup/lsh"
)

// shingles500 is a 500-word article's word 3-gram hashes: 498 values.
func shingles500() []uint64 {
	rng := rand.New(rand.NewPCG(1, 1))
	s := make([]uint64, 498)
	for i := range s {
		s[i] = rng.Uint64()
	}
	return s
}

// BenchmarkSign compares, per 500-word article and 128 values: the
// library's MinHash (2 FNV-1a hashes and 128 multiply-adds per shingle),
// one-permutation hashing with densification, and the floor — one hash per
// shingle and nothing else.
func BenchmarkSign(b *testing.B) {
	sh := shingles500()
	for _, scheme := range []string{lsh.MinHash, lsh.OPH} {
		b.Run(scheme, func(b *testing.B) {
			p, _ := lsh.NewParams(128, 0.3, 1)
			p.Scheme = scheme
			s := p.NewSigner()
			dst := make([]uint16, 0, 128)
			b.ReportAllocs()
			for b.Loop() {
				dst = s.Sign(sh, dst)
			}
		})
	}
	b.Run("hash-only-floor", func(b *testing.B) {
		var sink uint64
		for b.Loop() {
			for _, x := range sh {
				x ^= 0x9e3779b97f4a7c15
				x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
				x = (x ^ (x >> 27)) * 0x94d049bb133111eb
				sink += x ^ (x >> 31)
			}
		}
		_ = sink
	})
}

// BenchmarkCandidates: candidate pairs among 100,000 random signatures
// with 1,000 planted near-copies, sort-based index (28 bands × 2 rows).
func BenchmarkCandidates(b *testing.B) {
	p, _ := lsh.NewParams(128, 0.2, 1)
	rng := rand.New(rand.NewPCG(2, 2))
	const n = 100000
	sigs := make([][]uint16, n)
	for i := range sigs {
		sigs[i] = make([]uint16, 128)
		for j := range sigs[i] {
			sigs[i][j] = uint16(rng.Uint32())
		}
		if i%100 == 1 { // a near-copy of the previous signature
			copy(sigs[i], sigs[i-1])
			sigs[i][rng.IntN(128)] ^= 1
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		index := lsh.NewIndex(p, 0)
		for i, s := range sigs {
			index.Add(i, s)
		}
		index.Candidates(2, nil)
	}
}

// BenchmarkSignSmall: signing cost by set size, where densification does
// most of the work (one shingle: every bin but one borrows).
func BenchmarkSignSmall(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 3))
	for _, k := range []int{128, 1024} {
		for _, n := range []int{1, 2, 5, 50, 500} {
			sh := make([]uint64, n)
			for i := range sh {
				sh[i] = rng.Uint64()
			}
			b.Run(fmt.Sprintf("k=%d/shingles=%d", k, n), func(b *testing.B) {
				p, _ := lsh.NewParams(k, 0.3, 1)
				s := p.NewSigner()
				dst := make([]uint16, 0, k)
				b.ReportAllocs()
				for b.Loop() {
					dst = s.Sign(sh, dst)
				}
			})
		}
	}
}
