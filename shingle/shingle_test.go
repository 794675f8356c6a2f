package shingle_test

import (
	"slices"
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

func TestJaccard(t *testing.T) {
	tests := []struct {
		a, b []uint64
		want float64
	}{
		{nil, nil, 0},
		{[]uint64{1}, nil, 0},
		{[]uint64{1, 2, 3}, []uint64{1, 2, 3}, 1},
		{[]uint64{1, 2, 3}, []uint64{2, 3, 4}, 0.5},
		{[]uint64{1, 2}, []uint64{3, 4}, 0},
		{[]uint64{1, 2, 3, 4}, []uint64{4}, 0.25},
	}
	for _, tt := range tests {
		if got := shingle.Jaccard(tt.a, tt.b); got != tt.want {
			t.Errorf("Jaccard(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
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

func TestNames(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"Goulds Pumps Inc said it set a regular quarterly dividend of 18 cts.", []string{"goulds", "pumps", "inc"}},
		{"The company said Mobil Oil Corp has received a contract. It said so.", []string{"mobil", "oil", "corp"}},
		{"le président russe, Vladimir Poutine, a dit « Nous sommes en contact » à Berlin", []string{"vladimir", "poutine", "berlin"}},
		{"ALL CAPS WIRE FLASH ABOUT EXXON AND MOBIL", nil},
		{"no names at all here", nil},
		{"Shr profit 13 cts\n    Sales 41.1 mln\n    Revs 4 mln, said Mobil\nOil Corp", []string{"mobil", "oil", "corp"}},
	}
	for _, tt := range tests {
		var want []uint64
		for _, w := range tt.want {
			want = append(want, shingle.Names("x "+strings.ToUpper(w[:1])+w[1:])...)
		}
		slices.Sort(want)
		if got := shingle.Names(tt.text); !slices.Equal(got, want) {
			t.Errorf("Names(%q): %d names, want %d %v", tt.text, len(got), len(want), tt.want)
		}
	}
}

func TestSharedWords(t *testing.T) {
	o := shingle.Options{Kind: shingle.Word, N: 3}
	canon := "Le président russe, Vladimir Poutine, s’est dit préoccupé par la situation à Idlib."
	copyText := "MOSCOU (AFP) – Le Président russe Vladimir Poutine s'est dit « préoccupé » hier."
	spans, shared := o.SharedWords(copyText, o.Shingles(canon))
	var got []string
	for i, sp := range spans {
		if shared[i] {
			got = append(got, copyText[sp.Start:sp.End])
		}
	}
	want := "Le Président russe Vladimir Poutine s est dit préoccupé"
	if strings.Join(got, " ") != want {
		t.Errorf("shared words %q, want %q", strings.Join(got, " "), want)
	}
	if spans, shared := o.SharedWords("", nil); len(spans) != 0 || len(shared) != 0 {
		t.Error("empty text has words")
	}
	// Every word of an identical text is shared, whatever its length.
	for _, text := range []string{"one", "two words", "five words in a row"} {
		_, shared := o.SharedWords(text, o.Shingles(text))
		if slices.Contains(shared, false) {
			t.Errorf("%q: not every word shared with itself: %v", text, shared)
		}
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
