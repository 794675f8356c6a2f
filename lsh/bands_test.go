package lsh_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/neardup/neardup/lsh"
)

// TestBucketPairsEqualIndex: grouping BandKeys by (band, key) and pairing
// each bucket, in document order, with BucketPairs gives exactly
// Index.Candidates, also with buckets over MaxBucket (many identical
// signatures) and for wide bands (hashed keys).
func TestBucketPairsEqualIndex(t *testing.T) {
	for _, tc := range []struct {
		threshold float64
		copies    int // documents sharing one signature: a bucket over MaxBucket
	}{{0.2, 0}, {0.5, 0}, {0.8, 0}, {0.3, lsh.MaxBucket + 40}} {
		p, err := lsh.NewParams(64, tc.threshold, 1)
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(7, uint64(tc.copies)))
		base := make([]uint16, p.Hashes)
		for i := range base {
			base[i] = uint16(rng.IntN(8))
		}
		var sigs [][]uint16
		for d := range 600 + tc.copies {
			sig := slices.Clone(base)
			if d >= tc.copies {
				for i := range sig {
					if rng.IntN(3) == 0 {
						sig[i] = uint16(rng.IntN(8))
					}
				}
			}
			sigs = append(sigs, sig)
		}
		// Shuffle the copies among the others, so buckets mix both.
		rng.Shuffle(len(sigs), func(i, j int) { sigs[i], sigs[j] = sigs[j], sigs[i] })

		index := lsh.NewIndex(p, len(sigs))
		for d, sig := range sigs {
			index.Add(d, sig)
		}
		want := index.Candidates(2, nil)

		type bk struct {
			band int
			key  uint32
		}
		buckets := map[bk][]int{}
		var keys []uint32
		for d, sig := range sigs {
			keys = lsh.BandKeys(p, sig, keys)
			if len(keys) != p.Bands {
				t.Fatalf("%d keys, want %d bands", len(keys), p.Bands)
			}
			for band, k := range keys {
				buckets[bk{band, k}] = append(buckets[bk{band, k}], d) // in document order
			}
		}
		seen := map[lsh.Pair]bool{}
		big := false
		for _, docs := range buckets {
			big = big || len(docs) > lsh.MaxBucket
			lsh.BucketPairs(len(docs), func(i, j int) { seen[lsh.Pair{A: docs[i], B: docs[j]}] = true })
		}
		var got []lsh.Pair
		for pr := range seen {
			got = append(got, pr)
		}
		slices.SortFunc(got, func(x, y lsh.Pair) int {
			if x.A != y.A {
				return x.A - y.A
			}
			return x.B - y.B
		})
		if tc.copies > 0 && !big {
			t.Fatalf("threshold %v: no bucket over MaxBucket: the test does not test the bound", tc.threshold)
		}
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("threshold %v, %d copies: %d pairs from buckets, %d from Index", tc.threshold, tc.copies, len(got), len(want))
		}
	}
}
