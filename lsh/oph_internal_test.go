package lsh

import (
	"math/rand/v2"
	"testing"
)

// TestBorrowRulesAgree: the two ways of finding an empty bin's source —
// walking its permutation, or the smallest rank over the filled bins — give
// the same bin, for every k (powers of two or not) and set shape; and at
// and rank are inverse permutations of [0, K).
func TestBorrowRulesAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	for _, k := range []int{1, 2, 3, 5, 64, 100, 128, 129, 1000, 1024, 4096} {
		shape := newPermShape(k)
		ps := perms(k, rng.Uint64())
		K := int(shape.mask) + 1
		if K < k || K >= 2*k && k > 1 {
			t.Fatalf("k=%d: K=%d is not the power of two at least k", k, K)
		}
		for i := range min(k, 8) {
			seen := make([]bool, K)
			for r := range uint32(K) {
				j := shape.at(&ps[i], r)
				if seen[j] || shape.rank(&ps[i], j) != r {
					t.Fatalf("k=%d, bin %d: at and rank are not inverse permutations (rank %d)", k, i, r)
				}
				seen[j] = true
			}
		}
		for _, m := range []int{1, 2, 3, 7, 30, k / 2, k} {
			if m < 1 || m > k {
				continue
			}
			bins := make([]uint64, k)
			for j := range bins {
				bins[j] = emptyBin
			}
			var full []uint32
			for _, j := range rng.Perm(k)[:m] {
				bins[j] = rng.Uint64() >> 1
			}
			for j := range k {
				if bins[j] != emptyBin {
					full = append(full, uint32(j))
				}
			}
			for i := range k {
				a, b := shape.firstByWalk(&ps[i], bins), shape.firstByRank(&ps[i], full)
				if a != b {
					t.Fatalf("k=%d, %d filled, bin %d: walking finds %d, ranks find %d", k, m, i, a, b)
				}
			}
		}
	}
}

// TestBorrowSourceUniform: over many bins, the source an empty bin borrows
// from is close to uniform over the filled bins (here 3 of 128): each gets
// a third of the 125 empty bins' choices, summed over many seeds.
func TestBorrowSourceUniform(t *testing.T) {
	const k, seeds = 128, 400
	shape := newPermShape(k)
	rng := rand.New(rand.NewPCG(9, 9))
	counts := map[uint32]int{}
	full := []uint32{5, 6, 90} // two neighbours and a distant bin
	for range seeds {
		ps := perms(k, rng.Uint64())
		for i := range k {
			if i != 5 && i != 6 && i != 90 {
				counts[shape.firstByRank(&ps[i], full)]++
			}
		}
	}
	total := float64(seeds * (k - 3))
	for _, j := range full {
		// Binomial standard error of a share of 1/3: 0.0027 here.
		if share := float64(counts[j]) / total; share < 1.0/3-0.015 || share > 1.0/3+0.015 {
			t.Errorf("bin %d is the source of %.3f of the empty bins, want 1/3", j, share)
		}
	}
}

// TestBorrowChoiceUniformPerPattern: for a fixed set of filled bins, the
// share of empty bins that borrow from a given one must not depend on
// where the filled bins are (neighbours, far apart): else the estimate's
// variance grows with that dependence, not divided by k. Over 2,000 random
// patterns of 3 filled bins, the share q taking the first bin varies
// across patterns about as a binomial share of k − 3 independent 1/3
// choices would (variance ratio at most 1.25).
func TestBorrowChoiceUniformPerPattern(t *testing.T) {
	for _, k := range []int{100, 128, 1024} {
		shape := newPermShape(k)
		rng := rand.New(rand.NewPCG(uint64(k), 10))
		ps := perms(k, rng.Uint64())
		const patterns = 2000
		var sum, sumSq float64
		for range patterns {
			full := make([]uint32, 0, 3)
			for _, j := range rng.Perm(k)[:3] {
				full = append(full, uint32(j))
			}
			n := 0
			for i := range k {
				if uint32(i) != full[0] && uint32(i) != full[1] && uint32(i) != full[2] &&
					shape.firstByRank(&ps[i], full) == full[0] {
					n++
				}
			}
			q := float64(n) / float64(k-3)
			sum += q
			sumSq += q * q
		}
		mean := sum / patterns
		variance := sumSq/patterns - mean*mean
		ratio := variance / (mean * (1 - mean) / float64(k-3))
		t.Logf("k=%d: mean share %.4f, variance ratio %.3f", k, mean, ratio)
		if ratio > 1.25 || mean < 0.32 || mean > 0.347 {
			t.Errorf("k=%d: mean share %.4f (want 1/3), variance %.2f times the binomial's", k, mean, ratio)
		}
	}
}
