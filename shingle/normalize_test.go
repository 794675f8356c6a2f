package shingle_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/neardup/neardup/shingle"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in string
		accents  bool
		want     string
	}{
		{"french curly apostrophe", "l’offensive de l’armée", false, "l offensive de l armée"},
		{"french straight apostrophe", "d'Idlib, l'offensive", false, "d idlib l offensive"},
		{"guillemets and dashes", "« On a encore procédé » – a-t-il dit", false, "on a encore procédé a t il dit"},
		{"accent folding", "Sergueï Lavrov, l’État, œuvre", true, "serguei lavrov l etat œuvre"},
		{"accents kept by default", "préoccupée", false, "préoccupée"},
		{"NFD input equals NFC input", "pre\u0301occupe\u0301e", false, "préoccupée"},
		{"NFKC ligature and full width", "ﬁnance ＡＢＣ １２３", false, "finance abc 123"},
		{"case folding sharp s", "STRASSE Straße", false, "strasse strasse"},
		{"english punctuation", "U.S. stocks fell 2.5%; \"Dow\" -- down!", false, "u s stocks fell 2 5 dow down"},
		{"whitespace folding", "  tabs\tand\n\nnewlines\r\n  ", false, "tabs and newlines"},
		{"punctuation only", "!!! ... — « »", false, ""},
		{"empty", "", false, ""},
		{"invalid utf8 is a separator", "ab\xffcd", false, "ab cd"},
		{"arabic with marks", "السَّلام عليكم", false, "السَّلام عليكم"},
		{"polish", "Zażółć GĘŚLĄ", false, "zażółć gęślą"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := shingle.Normalize(tt.in, tt.accents); got != tt.want {
				t.Errorf("Normalize(%q, %v) = %q, want %q", tt.in, tt.accents, got, tt.want)
			}
		})
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"l’offensive d'Idlib", "ﬁ ＡＢＣ", "ab\xffcd", "السَّلام", "Straße", "", "«»", "Ŀa", "École Œuvre ĲSSEL"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := shingle.Normalize(s, false)
		// The ASCII and Latin fast paths agree with the Unicode
		// transforms.
		for _, fold := range []bool{false, true} {
			if got, want := shingle.Normalize(s, fold), shingle.NormalizeUnicode(s, fold); got != want {
				t.Fatalf("Normalize(%q, %v) = %q, Unicode transforms %q", s, fold, got, want)
			}
		}
		if !utf8.ValidString(n) {
			t.Fatalf("Normalize(%q) = %q: invalid UTF-8", s, n)
		}
		if strings.HasPrefix(n, " ") || strings.HasSuffix(n, " ") || strings.Contains(n, "  ") {
			t.Fatalf("Normalize(%q) = %q: spaces not folded", s, n)
		}
		for _, o := range []shingle.Options{{Kind: shingle.Word, N: 3}, {Kind: shingle.Char, N: 5, FoldAccents: true}} {
			sh := o.Shingles(s)
			if (len(sh) == 0) != (shingle.Normalize(s, o.FoldAccents) == "") {
				t.Fatalf("%v.Shingles(%q): %d shingles for normalised %q", o, s, len(sh), shingle.Normalize(s, o.FoldAccents))
			}
		}
	})
}

// TestIsASCII: one byte of 0x80 or above anywhere (the word-at-a-time loop,
// its tail) makes a text non-ASCII.
func TestIsASCII(t *testing.T) {
	for n := range 20 {
		s := []byte(strings.Repeat("a", n))
		if !shingle.IsASCII(string(s)) {
			t.Errorf("%d ASCII bytes: not ASCII", n)
		}
		for i := range n {
			for _, c := range []byte{0x80, 0xc3, 0xff} {
				s[i] = c
				if shingle.IsASCII(string(s)) {
					t.Errorf("byte %#x at %d of %d: ASCII", c, i, n)
				}
				s[i] = 'a'
			}
		}
	}
}

// TestLatinFoldsAgree: the table-driven path for Latin text gives what the
// Unicode transforms give, for every pair of runes it covers, between and
// beside ASCII letters, with and without accent folding.
func TestLatinFoldsAgree(t *testing.T) {
	var covered []rune
	for r := rune(0x80); r < 0x2070; r++ {
		if shingle.LatinCovers(r) {
			covered = append(covered, r)
		}
	}
	if len(covered) < 300 {
		t.Fatalf("only %d runes covered", len(covered))
	}
	for _, fold := range []bool{false, true} {
		for _, a := range covered {
			for _, b := range covered {
				s := "Ab" + string(a) + string(b) + "e" + string(a) + "."
				fast, ok := shingle.NormalizeLatin(s, fold)
				if want := shingle.NormalizeUnicode(s, fold); !ok || fast != want {
					t.Fatalf("fold=%v %q: Latin path %q (%v), Unicode transforms %q", fold, s, fast, ok, want)
				}
			}
		}
	}
}

// TestLatinPathDeclines: text with a rune outside the table (a combining
// mark, a ligature, another script, a replacement character) goes to the
// Unicode transforms, which then handle it.
func TestLatinPathDeclines(t *testing.T) {
	for _, s := range []string{"cafe\u0301", "\ufb01n", "Straße ok", "ĳs", "السلام", "a\ufffdb", "x²"} {
		if n, ok := shingle.NormalizeLatin(s, false); ok && n != shingle.NormalizeUnicode(s, false) {
			t.Errorf("%q: Latin path %q, Unicode transforms %q", s, n, shingle.NormalizeUnicode(s, false))
		}
		if got, want := shingle.Normalize(s, false), shingle.NormalizeUnicode(s, false); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", s, got, want)
		}
	}
	if _, ok := shingle.NormalizeLatin("caf\u00e9 l\u2019offensive \u00ab Poutine \u00bb \u2013 \u00e0 Idlib\u2026", false); !ok {
		t.Error("everyday French declined")
	}
}
