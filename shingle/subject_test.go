package shingle

import (
	"slices"
	"testing"
)

func TestTitleSubject(t *testing.T) {
	tests := []struct {
		title     string
		words     []string
		figures   int
		corrected bool
	}{
		{"CHASE MANHATTAN <CMB> RAISES PRIME RATE TO 8 PCT", []string{"chase", "manhattan", "raises", "prime", "rate", "to", "pct"}, 1, false},
		{"CORRECTED - ORCAS MARINE LTD 1ST QTR NET", []string{"orcas", "marine", "ltd", "qtr", "net"}, 1, true},
		{"MIDWEST GRAIN FUTURES 12:30   EDT", []string{"midwest", "grain", "futures", "edt"}, 1, false},
		{"FLASH OMAHA HOGS UP 1.00 DLR - USDA", []string{"omaha", "hogs", "up", "dlr", "usda"}, 1, false},
		{"Westport Bancorp <WEBAT.O> sets payout", []string{"westport", "bancorp", "sets", "payout"}, 0, false},
		{"a <b unclosed bracket", []string{"a", "b", "unclosed", "bracket"}, 0, false},
	}
	for _, tt := range tests {
		s := TitleSubject(tt.title, false)
		var want []uint64
		for _, w := range tt.words {
			want = append(want, hashString(w))
		}
		slices.Sort(want)
		if !slices.Equal(s.Words, want) {
			t.Errorf("%q: %d words, want %v", tt.title, len(s.Words), tt.words)
		}
		if len(s.Figures) != tt.figures || s.Corrected != tt.corrected {
			t.Errorf("%q: %d figures, corrected %v; want %d, %v", tt.title, len(s.Figures), s.Corrected, tt.figures, tt.corrected)
		}
	}
	// All capitals and mixed case name the same subject.
	if a, b := TitleSubject("CHASE RAISES PRIME", false), TitleSubject("Chase raises prime", false); !slices.Equal(a.Words, b.Words) {
		t.Error("case changes the subject")
	}
}

func TestWordSetMatchesTitleWords(t *testing.T) {
	ws := WordSet("Chase Manhattan Bank said it raised its prime rate to 8 pct.", false)
	for _, w := range TitleSubject("CHASE MANHATTAN RAISES PRIME", false).Words {
		if _, ok := slices.BinarySearch(ws, w); !ok && w != hashString("raises") {
			t.Errorf("title word hash %x missing from the text's word set", w)
		}
	}
	if slices.Contains(ws, hashString("8")) {
		t.Error("WordSet kept a figure")
	}
}

func TestFigurePairs(t *testing.T) {
	table := "30-69 days 5.80 pct, 70-88 days 5.85 pct, 89-123 days 5.90 pct"
	a, n := FigurePairs(table)
	if n != 9 || len(a) != 8 {
		t.Fatalf("%d figures, %d pairs; want 9, 8", n, len(a))
	}
	// The same figures in another order share few pairs.
	b, _ := FigurePairs("30-69 days 5.85 pct, 70-88 days 5.90 pct, 89-123 days 5.80 pct")
	if got := Intersection(a, b); got > 4 {
		t.Errorf("reordered table shares %d of 8 pairs", got)
	}
	// One corrected figure loses at most the two pairs it is in.
	c, _ := FigurePairs("30-69 days 5.80 pct, 70-88 days 5.86 pct, 89-123 days 5.90 pct")
	if got := Intersection(a, c); got < 6 {
		t.Errorf("one changed figure kept %d of 8 pairs", got)
	}
	if p, n := FigurePairs("no figures at all"); p != nil || n != 0 {
		t.Errorf("got %v, %d", p, n)
	}
}
