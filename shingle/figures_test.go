package shingle_test

import (
	"slices"
	"testing"

	"github.com/neardup/neardup/shingle"
)

func TestFigures(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"Shr 20 cts vs 28 cts; Net 393,371 vs 555,989", []string{"20", "28", "393,371", "555,989"}},
		{"107.2 mln dlrs, a 6-1/4 pct coupon, at 14:30.", []string{"107.2", "6", "1/4", "14:30"}},
		{"ends with a dot 1987. and comma 5, then", []string{"1987", "5"}},
		{"no figures here", nil},
		{"repeated 5 and 5", []string{"5"}},
		{"full width １２", []string{"１２"}},
		{"Record April three, pay in Twenty days; 3 and three are one figure", []string{"3", "20", "1"}},
	}
	for _, tt := range tests {
		var want []uint64
		for _, w := range tt.want {
			want = append(want, shingle.Figures(w)...)
		}
		slices.Sort(want)
		if got := shingle.Figures(tt.text); !slices.Equal(got, want) || len(got) != len(tt.want) {
			t.Errorf("Figures(%q): %d figures %v, want %v", tt.text, len(got), got, tt.want)
		}
	}
}

func TestFigurePairs(t *testing.T) {
	table := "30-69 days 5.80 pct, 70-88 days 5.85 pct, 89-123 days 5.90 pct"
	a, n := shingle.FigurePairs(table)
	if n != 9 || len(a) != 8 {
		t.Fatalf("%d figures, %d pairs; want 9, 8", n, len(a))
	}
	// The same figures in another order share few pairs.
	b, _ := shingle.FigurePairs("30-69 days 5.85 pct, 70-88 days 5.90 pct, 89-123 days 5.80 pct")
	if got := sharedPairs(a, b); got > 4 {
		t.Errorf("reordered table shares %d of 8 pairs", got)
	}
	// One corrected figure loses at most the two pairs it is in.
	c, _ := shingle.FigurePairs("30-69 days 5.80 pct, 70-88 days 5.86 pct, 89-123 days 5.90 pct")
	if got := sharedPairs(a, c); got < 6 {
		t.Errorf("one changed figure kept %d of 8 pairs", got)
	}
	if p, n := shingle.FigurePairs("no figures at all"); p != nil || n != 0 {
		t.Errorf("got %v, %d", p, n)
	}
}

// sharedPairs counts the pairs of a found in b.
func sharedPairs(a, b []uint64) int {
	n := 0
	for _, p := range a {
		if slices.Contains(b, p) {
			n++
		}
	}
	return n
}
