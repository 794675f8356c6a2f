package lsh

// One-permutation hashing with optimal densification (Shrivastava, "Optimal
// Densification for Fast and Accurate Minwise Hashing", ICML 2017).
//
// Each shingle is hashed once to 64 bits; its top bits choose one of k bins
// (Lemire's multiply-shift range reduction) and each bin keeps the smallest
// hash it receives. A bin that received nothing borrows the value of a
// non-empty bin chosen by a seeded hash of (bin, attempt), attempt 0, 1, …:
// two sets with the same bin pattern borrow from the same bins, so every
// bin's probability of agreeing is still their Jaccard similarity, and the
// borrowing is independent across bins, which keeps the variance close to
// k independent permutations. Cost: O(n + k) per set, against O(n·k) for
// classic MinHash.

import "math/bits"

const emptyBin = ^uint64(0)

// splitmix is the SplitMix64 finaliser: a fast, well-mixing 64-bit hash.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// signOPH appends the densified one-permutation signature of shingles.
func (s *Signer) signOPH(shingles []uint64, dst []uint64) []uint64 {
	k := s.p.Hashes
	dst = dst[:0]
	for range k {
		dst = append(dst, emptyBin)
	}
	seed := splitmix(uint64(s.p.Seed) ^ 0x6a09e667f3bcc909)
	for _, x := range shingles {
		h := splitmix(x ^ seed)
		bin, _ := bits.Mul64(h, uint64(k))
		if h < dst[bin] {
			dst[bin] = h
		}
	}
	if len(shingles) == 0 {
		return dst
	}
	// Bins that received nothing borrow only from bins that did.
	s.empty = s.empty[:0]
	for i := range k {
		if dst[i] == emptyBin {
			s.empty = append(s.empty, i)
		}
	}
	for _, i := range s.empty {
		for attempt := uint64(0); ; attempt++ {
			r := splitmix(seed ^ uint64(i)<<32 ^ attempt*0xff51afd7ed558ccd)
			j, _ := bits.Mul64(r, uint64(k))
			if v := dst[j]; v != emptyBin && !s.isEmpty(int(j)) {
				dst[i] = v
				break
			}
		}
	}
	return dst
}

// isEmpty reports whether bin j received no shingle (s.empty is sorted).
func (s *Signer) isEmpty(j int) bool {
	lo, hi := 0, len(s.empty)
	for lo < hi {
		m := (lo + hi) / 2
		switch {
		case s.empty[m] < j:
			lo = m + 1
		case s.empty[m] > j:
			hi = m
		default:
			return true
		}
	}
	return false
}
