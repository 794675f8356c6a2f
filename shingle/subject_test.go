package shingle

import (
	"fmt"
	"slices"
	"strings"
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

func TestLede(t *testing.T) {
	for _, tt := range []struct {
		text string
		n    int
		want string
	}{
		{"one two three four", 2, "one two "},
		{"one, two; three", 3, "one, two; three"},
		{"  lead-in: A B", 1, "  lead-"},
		{"", 3, ""},
		{"Zürich élan x", 2, "Zürich élan "},
	} {
		if got := Lede(tt.text, tt.n); got != tt.want {
			t.Errorf("Lede(%q, %d) = %q, want %q", tt.text, tt.n, got, tt.want)
		}
	}
}

func TestLowerWords(t *testing.T) {
	got := LowerWords("Phillips Petroleum said it faulted the plan. Sun Co followed")
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

func TestSentences(t *testing.T) {
	banner := "We use cookies to improve your experience on our site. By continuing you accept our use of cookies.\n"
	a := Sentences(banner + "The council approved the new budget for the city schools on Tuesday night.")
	b := Sentences("WE USE COOKIES TO IMPROVE   YOUR EXPERIENCE ON OUR SITE. By continuing you accept our use of cookies.\n" +
		"Firefighters put out a blaze in a warehouse near the harbour early on Monday.")
	if n := len(a); n != 3 {
		t.Fatalf("%d sentences, want 3", n)
	}
	shared := 0
	for _, h := range a {
		if slices.Contains(b, h) {
			shared++
		}
	}
	if shared != 2 {
		t.Errorf("the two banner sentences should match whatever the case and spacing: %d shared", shared)
	}
	if got := Sentences("Too short. Also short.\nOK"); got != nil {
		t.Errorf("short sentences counted: %v", got)
	}
	// A long text: head and tail only, at most 2 × FurnitureSentences.
	var long strings.Builder
	for i := range 100 {
		fmt.Fprintf(&long, "This is sentence number %d of a very long article. ", i)
	}
	if got := Sentences(long.String()); len(got) != 2*FurnitureSentences {
		t.Errorf("%d sentences of a long text, want %d", len(got), 2*FurnitureSentences)
	}
}

func TestCountWords(t *testing.T) {
	for _, text := range []string{"", "one", "  two words ", "l’offensive « russe » 12:30 Zürich", "日本語 テキスト", "a-b_c.d"} {
		if got, want := CountWords(text), len(Words(text, false)); got != want {
			t.Errorf("CountWords(%q) = %d, Words gives %d", text, got, want)
		}
	}
}
