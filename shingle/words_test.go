package shingle_test

import (
	"testing"

	"github.com/neardup/neardup/shingle"
)

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
		if got := shingle.Lede(tt.text, tt.n); got != tt.want {
			t.Errorf("Lede(%q, %d) = %q, want %q", tt.text, tt.n, got, tt.want)
		}
	}
}

func TestCountWords(t *testing.T) {
	for _, text := range []string{"", "one", "  two words ", "l’offensive « russe » 12:30 Zürich", "日本語 テキスト", "a-b_c.d"} {
		if got, want := shingle.CountWords(text), len(shingle.Words(text, false)); got != want {
			t.Errorf("CountWords(%q) = %d, Words gives %d", text, got, want)
		}
	}
}
