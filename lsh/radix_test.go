package lsh

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestRadixSort: sorting by the bits from a given bit upward equals a
// stable sort on those bits, including values that agree on whole bytes
// (the passes radixSort skips).
func TestRadixSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 2, 7, 1000, 5000} {
		for _, from := range []int{0, 8, 32, 56} {
			a := make([]uint64, n)
			for i := range a {
				a[i] = rng.Uint64()
				if i%3 == 0 || n == 5000 { // n = 5000: in every value
					a[i] &= 0xff00ff00_0000ffff // bytes equal in many values
				}
			}
			want := slices.Clone(a)
			slices.SortStableFunc(want, func(x, y uint64) int {
				x, y = x>>from, y>>from
				switch {
				case x < y:
					return -1
				case x > y:
					return 1
				}
				return 0
			})
			got := radixSort(a, make([]uint64, n), from)
			if !slices.Equal(got, want) {
				t.Errorf("n=%d from=%d: radix sort differs from a stable sort", n, from)
			}
		}
	}
}
