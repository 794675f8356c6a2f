package lsh

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestCandidatesAgainstEqualsIndex: the pairs found against old documents
// are those one index over old and new together finds that involve a new
// document, with big buckets (bounded) and small, nil signatures, bands of
// one, two and more rows, for several worker counts.
func TestCandidatesAgainstEqualsIndex(t *testing.T) {
	for _, tc := range []struct {
		hashes    int
		threshold float64
		values    int // distinct values per row: few make big buckets
		old, new  int
	}{
		{128, 0.3, 3, 400, 150},
		{128, 0.3, 40, 2000, 300},
		{64, 0.8, 2, 300, 100},
		{128, 0.5, 1000, 500, 500},
		{32, 0.2, 4, 0, 50},
		{32, 0.2, 4, 50, 0},
	} {
		t.Run(fmt.Sprintf("%d-%v-%d-%d+%d", tc.hashes, tc.threshold, tc.values, tc.old, tc.new), func(t *testing.T) {
			p, err := NewParams(tc.hashes, tc.threshold, 1)
			if err != nil {
				t.Fatal(err)
			}
			r := rand.New(rand.NewPCG(uint64(tc.values), uint64(tc.old)))
			sigs := make([][]uint16, tc.old+tc.new)
			for i := range sigs {
				if r.IntN(20) == 0 {
					continue // no shingles
				}
				sigs[i] = make([]uint16, tc.hashes)
				for k := range sigs[i] {
					sigs[i][k] = uint16(r.IntN(tc.values))
				}
			}
			idx := NewIndex(p, len(sigs))
			for i, s := range sigs {
				if s != nil {
					idx.Add(i, s)
				}
			}
			var want []Pair
			for _, pr := range idx.Candidates(2, nil) {
				if pr.B >= tc.old {
					want = append(want, pr)
				}
			}
			if tc.values <= 4 && tc.new > 0 && len(want) == 0 {
				t.Fatal("no pairs: the case tests nothing")
			}
			for _, workers := range []int{1, 3} {
				got := CandidatesAgainst(p, sigs[:tc.old], sigs[tc.old:], workers)
				if !slices.Equal(got, want) {
					t.Fatalf("workers %d: %d pairs, want %d (first differences: %v)", workers, len(got), len(want), firstDiff(got, want))
				}
			}
		})
	}
}

func firstDiff(a, b []Pair) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return fmt.Sprintf("at %d: %v vs %v", i, a[i], b[i])
		}
	}
	return "one is a prefix of the other"
}

// BenchmarkCandidatesAgainst: a night's 100,000 new documents against a
// state's 1,000,000, whose signatures lie in one column as the state maps
// them, with the bands of the default candidate threshold (0.2: 28 bands
// of 2 rows).
func BenchmarkCandidatesAgainst(b *testing.B) {
	p, _ := NewParams(128, 0.2, 1)
	r := rand.New(rand.NewPCG(1, 1))
	column := func(n int) [][]uint16 {
		col := make([]uint16, 128*n)
		for k := range col {
			col[k] = uint16(r.Uint32())
		}
		sigs := make([][]uint16, n)
		for i := range sigs {
			sigs[i] = col[128*i : 128*(i+1)]
		}
		return sigs
	}
	old, new := column(1000000), column(100000)
	for b.Loop() {
		CandidatesAgainst(p, old, new, 2)
	}
}
