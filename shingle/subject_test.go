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
		var got []uint64
		for _, w := range s.Words {
			got = append(got, w.Whole)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
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
	stems, wholes := WordSet("Chase Manhattan Bank said it raised its prime rate to 8 pct.", false)
	for _, w := range TitleSubject("CHASE MANHATTAN RAISES PRIME", false).Words {
		if _, ok := slices.BinarySearch(stems, w.Stem); !ok {
			t.Errorf("title word stem %x missing from the text's stems (raises/raised share theirs)", w.Stem)
		}
	}
	if _, ok := slices.BinarySearch(wholes, hashString("raises")); ok {
		t.Error("whole words should tell raises from raised")
	}
	if slices.Contains(wholes, hashString("8")) || slices.Contains(stems, stem("8")) {
		t.Error("WordSet kept a figure")
	}
}

func TestLowerWords(t *testing.T) {
	got := LowerWords("Phillips Petroleum said it faulted the plan. Sun Co followed", false)
	for _, w := range []string{"said", "it", "faulted", "the", "plan", "followed"} {
		if !slices.Contains(got, hashString(w)) {
			t.Errorf("%q missing", w)
		}
	}
	for _, w := range []string{"phillips", "sun", "co"} {
		if slices.Contains(got, hashString(w)) {
			t.Errorf("%q is not written in lower case", w)
		}
	}
}

func TestWordHash(t *testing.T) {
	for _, fold := range []bool{false, true} {
		for _, w := range []string{"said", "Phillips", "ZÜRICH", "élan", "straße", "ﬁnance", "ΣΟΦΙΑ", "société", "MiXeD9"} {
			words := Words(w, fold)
			if len(words) != 1 {
				t.Fatalf("%q: %d words", w, len(words))
			}
			if got, want := WordHash(w, fold), hashString(words[0]); got != want {
				t.Errorf("WordHash(%q, %v) = %x, want the hash of %q %x", w, fold, got, words[0], want)
			}
		}
	}
	// The subject test looks title words up in LowerWords and NamesFold.
	s := TitleSubject("SOCIÉTÉ CRÉE UNE FILIALE", true)
	lower := LowerWords("La Société Générale crée une filiale.", true)
	names := NamesFold("La Société Générale crée une filiale.", true)
	for _, w := range s.Words {
		inLower, inNames := slices.Contains(lower, w.Whole), slices.Contains(names, w.Whole)
		if inLower == inNames {
			t.Errorf("title word %x: in lower-case words %v, in names %v: want exactly one", w.Whole, inLower, inNames)
		}
	}
}
