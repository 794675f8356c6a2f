package shingle_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/neardup/neardup/shingle"
)

func TestParse(t *testing.T) {
	tests := []struct {
		spec    string
		want    shingle.Options
		wantErr string
	}{
		{"word:5", shingle.Options{Kind: shingle.Word, N: 5}, ""},
		{"char:3", shingle.Options{Kind: shingle.Char, N: 3}, ""},
		{"word:0", shingle.Options{}, "N must be"},
		{"word:65", shingle.Options{}, "N must be"},
		{"word:x", shingle.Options{}, "N must be"},
		{"line:3", shingle.Options{}, "kind must be"},
		{"word", shingle.Options{}, "want word:N"},
	}
	for _, tt := range tests {
		got, err := shingle.Parse(tt.spec)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Parse(%q) error = %v, want it to contain %q", tt.spec, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Parse(%q) = %+v, %v; want %+v", tt.spec, got, err, tt.want)
		}
		if got.String() != tt.spec {
			t.Errorf("Parse(%q).String() = %q", tt.spec, got.String())
		}
	}
}

func TestShinglesCounts(t *testing.T) {
	w3 := shingle.Options{Kind: shingle.Word, N: 3}
	c4 := shingle.Options{Kind: shingle.Char, N: 4}
	tests := []struct {
		name string
		o    shingle.Options
		text string
		want int
	}{
		{"five words give three 3-grams", w3, "one two three four five", 3},
		{"repeated 3-grams counted once", w3, "a b c a b c a b c", 3},
		{"shorter than N words: one shingle", w3, "two words", 1},
		{"one word: one shingle", w3, "word", 1},
		{"punctuation only: none", w3, "?!… — «»", 0},
		{"empty: none", w3, "", 0},
		{"char 4-grams of 'abcdef'", c4, "abcdef", 3},
		{"char: shorter than N", c4, "ab", 1},
		{"char: spaces count", c4, "ab cd", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.o.Shingles(tt.text)
			if len(got) != tt.want {
				t.Errorf("%d shingles, want %d", len(got), tt.want)
			}
			if !slices.IsSorted(got) || len(slices.Compact(slices.Clone(got))) != len(got) {
				t.Errorf("shingles not sorted and unique: %v", got)
			}
		})
	}
}

func TestShinglesSameForEquivalentText(t *testing.T) {
	o := shingle.Options{Kind: shingle.Word, N: 3}
	a := o.Shingles("Le porte-parole du Kremlin, Dmitri Peskov, l’a déclaré.")
	b := o.Shingles("LE PORTE PAROLE DU KREMLIN — DMITRI PESKOV — L'A DÉCLARÉ")
	if !slices.Equal(a, b) {
		t.Errorf("case, punctuation and apostrophe variants give different shingles")
	}
	c := o.Shingles("Kremlin du porte parole le Dmitri Peskov l a déclaré")
	if slices.Equal(a, c) {
		t.Errorf("word order does not change word shingles")
	}
	folded := shingle.Options{Kind: shingle.Word, N: 3, FoldAccents: true}
	if !slices.Equal(folded.Shingles("l'armée syrienne à Idlib"), folded.Shingles("l'armee syrienne a Idlib")) {
		t.Errorf("FoldAccents: accented and plain text differ")
	}
	if slices.Equal(o.Shingles("l'armée syrienne à Idlib"), o.Shingles("l'armee syrienne a Idlib")) {
		t.Errorf("without FoldAccents, accented and plain text are equal")
	}
}

// TestHasherMatchesHashes: the Hasher's fused ASCII path gives exactly the
// hashes of the normalising path, and reuses its buffer.
func TestHasherMatchesHashes(t *testing.T) {
	var h shingle.Hasher
	for _, o := range []shingle.Options{{Kind: shingle.Word, N: 3}, {Kind: shingle.Word, N: 1}, {Kind: shingle.Char, N: 4},
		{Kind: shingle.Word, N: 2, FoldAccents: true}} {
		for _, text := range []string{
			"U.S. stocks fell 2.5%; \"Dow\" -- down!", "two words", "", "!!!", "l’offensive d'Idlib",
			"Le président « Poutine » s’est dit préoccupé – à Idlib…", "Ŀa ÉCOLE", "café\u0301 ﬁn", "Straße",
			"Shr 20 cts vs 28 cts\n    Net 393,371 vs 555,989\n REUTER",
		} {
			if got, want := h.Hashes(o, text), o.Hashes(text); !slices.Equal(got, want) {
				t.Errorf("%v %q: Hasher %v, Hashes %v", o, text, got, want)
			}
		}
	}
}

func FuzzHasher(f *testing.F) {
	f.Add("U.S. stocks fell 2.5%", 3)
	f.Add("Le président s’est dit préoccupé à Idlib", 258)
	f.Fuzz(func(t *testing.T, text string, n int) {
		o := shingle.Options{Kind: shingle.Word, N: 1 + (n&0xff)%8, FoldAccents: n&0x100 != 0}
		var h shingle.Hasher
		if got, want := h.Hashes(o, text), o.Hashes(text); !slices.Equal(got, want) {
			t.Fatalf("%v %q: Hasher %v, Hashes %v", o, text, got, want)
		}
	})
}
