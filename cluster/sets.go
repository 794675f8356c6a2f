package cluster

import (
	"cmp"
	"slices"
)

// The evidence of an article is kept as sorted, duplicate-free sets of
// hashes (shingle.Shingles, Figures, Names, FigurePairs; their low 32 or
// 16 bits for the subject and lede tests). The rules compare them with the
// helpers below, which assume that order and do not check it.

// intersection counts the elements two sorted, duplicate-free sets share.
func intersection[T cmp.Ordered](a, b []T) int {
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			n++
			i++
			j++
		}
	}
	return n
}

// jaccard is the exact Jaccard similarity of two sorted, duplicate-free
// sets: |A∩B| / |A∪B|, and 0 when both are empty.
func jaccard[T cmp.Ordered](a, b []T) float64 {
	inter := intersection(a, b)
	union := len(a) + len(b) - inter
	if union == 0 {
		return 0
	}
	return float64(inter) / float64(union)
}

// subset reports whether every element of sorted a is in sorted b.
func subset(a, b []uint64) bool { return intersection(a, b) == len(a) }

// shared is the share of the smaller of two sorted hash sets found in the
// other; -1 when either is empty (no evidence either way).
func shared(a, b []uint64) float64 {
	n := min(len(a), len(b))
	if n == 0 {
		return -1
	}
	return float64(intersection(a, b)) / float64(n)
}

func contains32(sorted []uint32, x uint32) bool {
	_, ok := slices.BinarySearch(sorted, x)
	return ok
}

func contains(sorted []uint64, x uint64) bool {
	_, ok := slices.BinarySearch(sorted, x)
	return ok
}
