package lsh

// One-permutation hashing with optimal densification (Shrivastava, "Optimal
// Densification for Fast and Accurate Minwise Hashing", ICML 2017).
//
// Each shingle is hashed once to 64 bits; its top bits choose one of k bins
// (Lemire's multiply-shift range reduction) and each bin keeps the smallest
// hash it receives. A bin that received nothing borrows the value of a
// non-empty bin, chosen by a rule that depends only on the seed and the
// bin, never on the set: empty bin i ranks all bins by its own seeded
// permutation π_i and borrows from the non-empty bin of smallest rank. Two
// sets therefore borrow by the same rule, and bin i agrees exactly when the
// union's first non-empty bin in π_i order holds a shared minimum — with
// probability J, so the estimate stays unbiased. The permutations of
// different bins are drawn independently, so the borrowing is independent
// across bins, which keeps the variance close to that of k independent
// permutations, J(1−J)/k — above it for tiny sets only as much as two of
// their few shingles fall into one bin and one is lost (TestOPHTinySets).
//
// π_i is an invertible map on [0, K), K the power of two at least k (bins
// ≥ k are passed over): multiply by an odd constant and add, xor-shift,
// multiply and add again, all mod K. The bin of smallest rank among m
// non-empty bins is found either by walking π_i in rank order until a
// non-empty bin comes up (about K/m steps) or by taking the smallest of the
// m ranks π_i⁻¹(j) (m steps); both give the same bin, and the cheaper one
// is used, so each empty bin costs at most about √K steps. Cost: O(n + k·
// min(m, K/m)) per set. The previous rule, probing a fresh seeded bin per
// try until a filled one came up, cost about k·k/m, which is k² for a
// one-shingle set (BenchmarkSignSmall; benchmarks/RESULTS.md).

import "math/bits"

// emptyBin marks a bin that received no shingle. A shingle whose hash is
// exactly this value (one chance in 2^64) counts as none: the same for
// every set, so signatures stay comparable.
const emptyBin = ^uint64(0)

// splitmix is the SplitMix64 finaliser: a fast, well-mixing 64-bit hash.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// binPerm is π_i, the order in which empty bin i looks at the bins.
type binPerm struct {
	a1, c1, a2, c2 uint32 // π(t) = a2·xs(a1·t + c1) + c2 mod K; a1, a2 odd
	a1inv, a2inv   uint32 // their inverses mod 2^32
}

// permShape is K − 1 and the xor-shift of the permutations over K bins.
type permShape struct {
	mask  uint32
	shift uint8
}

func newPermShape(k int) permShape {
	b := bits.Len(uint(k - 1)) // K = 2^b ≥ k
	return permShape{mask: uint32(1)<<b - 1, shift: uint8((b + 1) / 2)}
}

// at returns the bin of rank t.
func (s permShape) at(p *binPerm, t uint32) uint32 {
	x := (t*p.a1 + p.c1) & s.mask
	x ^= x >> s.shift // its own inverse: 2·shift ≥ log2 K
	return (x*p.a2 + p.c2) & s.mask
}

// rank returns the rank of bin j: at(p, rank(p, j)) == j.
func (s permShape) rank(p *binPerm, j uint32) uint32 {
	x := ((j - p.c2) * p.a2inv) & s.mask
	x ^= x >> s.shift
	return ((x - p.c1) * p.a1inv) & s.mask
}

// firstByWalk returns the filled bin of smallest rank by walking the bins
// in rank order: about K/m steps for m filled bins of bins (emptyBin:
// empty). One must be filled.
func (s permShape) firstByWalk(p *binPerm, bins []uint64) uint32 {
	for t := uint32(0); ; t++ {
		if j := s.at(p, t); int(j) < len(bins) && bins[j] != emptyBin {
			return j
		}
	}
}

// firstByRank returns the bin of full of smallest rank: len(full) steps.
func (s permShape) firstByRank(p *binPerm, full []uint32) uint32 {
	best, from := ^uint32(0), full[0]
	for _, j := range full {
		if r := s.rank(p, j); r < best {
			best, from = r, j
		}
	}
	return from
}

// inverse returns a⁻¹ mod 2^32 for odd a (Newton's iteration: each step
// doubles the correct low bits, from 3).
func inverse(a uint32) uint32 {
	x := a
	for range 5 {
		x *= 2 - a*x
	}
	return x
}

// perms draws the k bins' permutations from the seed.
func perms(k int, seed uint64) []binPerm {
	ps := make([]binPerm, k)
	for i := range ps {
		h1 := splitmix(seed ^ 0x243f6a8885a308d3 ^ uint64(i)*0x9e3779b97f4a7c15)
		h2 := splitmix(h1)
		p := binPerm{a1: uint32(h1) | 1, c1: uint32(h1 >> 32), a2: uint32(h2) | 1, c2: uint32(h2 >> 32)}
		p.a1inv, p.a2inv = inverse(p.a1), inverse(p.a2)
		ps[i] = p
	}
	return ps
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
	for i, v := range dst {
		if v == emptyBin {
			s.empty = append(s.empty, uint32(i))
		}
	}
	m := k - len(s.empty)
	if m == k {
		return dst
	}
	if s.perms == nil {
		s.perms = perms(k, seed)
		s.shape = newPermShape(k)
	}
	shape := s.shape
	// Walking costs about (K+1)/(m+1) steps, the minimum over ranks m.
	if (m+1)*(m+1) > int(shape.mask)+2 {
		// Find every source before filling any bin: the walk tells
		// filled bins by their values. s.empty becomes the sources.
		for e, i := range s.empty {
			s.empty[e] = shape.firstByWalk(&s.perms[i], dst)
		}
		e := 0
		for i, v := range dst {
			if v == emptyBin {
				dst[i] = dst[s.empty[e]]
				e++
			}
		}
		return dst
	}
	s.full = s.full[:0]
	for i, v := range dst {
		if v != emptyBin {
			s.full = append(s.full, uint32(i))
		}
	}
	for _, i := range s.empty {
		dst[i] = dst[shape.firstByRank(&s.perms[i], s.full)]
	}
	return dst
}
