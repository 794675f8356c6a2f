// Package shingle turns article text into a set of 64-bit shingle hashes.
//
// Normalisation (Normalize) applies, in order: Unicode NFKC, full case
// folding, optional accent folding (NFD, drop nonspacing marks, NFC), then
// punctuation and whitespace folding: every run of characters that are not
// letters, digits or combining marks becomes one space. Words are therefore
// split on Unicode letter/digit classes, so French elisions split sensibly
// with either apostrophe: « l’offensive » and "l'offensive" both give the
// words "l" and "offensive". ASCII text, and text whose other characters
// are Latin letters and punctuation that the transforms treat one by one,
// get the same result without them: case folding by hand for ASCII, a
// table built from the transforms for the rest (normalizeLatin).
//
// Shingles are word n-grams (Word) or character n-grams (Char) of the
// normalised text, each hashed to 64 bits with a fixed function, so the same
// text gives the same hashes on every machine and run. A text with fewer
// than N units gives one shingle of the whole text, so short articles can
// still match each other; a text with no words gives none.
//
// Word n-grams of 3 to 5 words follow the wording of a story and ignore its
// paragraph order; character n-grams tolerate spelling and inflection
// changes but make a denser, less selective set.
//
// Everything here is a pure function without I/O, safe for concurrent use.
package shingle

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Kind is the unit of a shingle.
type Kind int

const (
	Word Kind = iota // n consecutive words
	Char             // n consecutive characters, spaces included
)

func (k Kind) String() string {
	if k == Char {
		return "char"
	}
	return "word"
}

// Options chooses how text becomes shingles. The zero value is not valid;
// use Parse or set Kind and N.
type Options struct {
	Kind        Kind
	N           int  // units per shingle, ≥ 1
	FoldAccents bool // "é" and "e" compare equal
}

// MaxN bounds N: longer shingles match nothing but identical text.
const MaxN = 64

// Parse reads a shingle spec: "word:N" or "char:N".
func Parse(spec string) (Options, error) {
	kind, n, ok := strings.Cut(spec, ":")
	if !ok {
		return Options{}, fmt.Errorf("shingle: %q: want word:N or char:N", spec)
	}
	var o Options
	switch kind {
	case "word":
		o.Kind = Word
	case "char":
		o.Kind = Char
	default:
		return Options{}, fmt.Errorf("shingle: %q: kind must be word or char", spec)
	}
	v, err := strconv.Atoi(n)
	if err != nil || v < 1 || v > MaxN {
		return Options{}, fmt.Errorf("shingle: %q: N must be a whole number from 1 to %d", spec, MaxN)
	}
	o.N = v
	return o, nil
}

// String gives the spec that Parse reads back.
func (o Options) String() string {
	return o.Kind.String() + ":" + strconv.Itoa(o.N)
}

// Normalize returns the normalised form of s: its words, case- (and
// optionally accent-) folded, separated by single spaces.
func Normalize(s string, foldAccents bool) string {
	if n, ok := normalizeLatin(s, foldAccents); ok {
		return n
	}
	return normalizeUnicode(s, foldAccents)
}

// normalizeUnicode is Normalize through the Unicode transforms, for any
// text.
func normalizeUnicode(s string, foldAccents bool) string {
	ts := []transform.Transformer{norm.NFKC, cases.Fold()}
	if foldAccents {
		ts = append(ts, norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	}
	s, _, _ = transform.String(transform.Chain(ts...), s)

	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if isWordRune(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		} else {
			space = true
		}
	}
	return b.String()
}

func isASCII(s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 { // eight bytes at a time
		v := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		if v&0x8080808080808080 != 0 {
			return false
		}
	}
	for ; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// normalizeLatin is Normalize for ASCII text, and for text in the Latin
// script and its punctuation, where the Unicode transforms act on each
// character alone: it lower-cases ASCII by hand and looks each other rune
// up in latinFolds. It reports false,
// having done nothing useful, for a text with any other rune (a combining
// mark, a ligature, another script), which normalizeUnicode then handles.
func normalizeLatin(s string, foldAccents bool) (string, bool) {
	b := make([]byte, 0, len(s))
	space := false
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
			case 'A' <= c && c <= 'Z':
				c += 'a' - 'A'
			default:
				space = true
				continue
			}
			if space && len(b) > 0 {
				b = append(b, ' ')
			}
			space = false
			b = append(b, c)
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		f := latinFold(r)
		if f == nil {
			return "", false
		}
		w := f.plain
		if foldAccents {
			w = f.bare
		}
		if w == "" {
			space = true
			continue
		}
		if space && len(b) > 0 {
			b = append(b, ' ')
		}
		space = false
		b = append(b, w...)
	}
	return string(b), true
}

// A fold is what Normalize makes of one rune: plain without accent
// folding, bare with it; word runes ("é", "ss" for "ß"), or "" for a
// separator.
type fold struct {
	plain, bare string
	ok          bool // the rune is folded here
}

// The runes latinFolds covers: Latin-1 Supplement, Latin Extended-A and -B,
// and General Punctuation (’ “ ” – — …).
const (
	latinEnd             = 0x250
	punctStart, punctEnd = 0x2000, 0x2070
	latinFoldsLen        = latinEnd - 0x80 + punctEnd - punctStart
)

// latinFolds holds, for each covered rune that the Unicode transforms
// treat on its own, its fold (ok false for the others). A rune is treated
// on its own when it is not a mark and NFKC has a boundary before it (it
// cannot join what precedes it; what follows it could only join it if it
// were a mark, and a text with a mark takes the Unicode path), and each
// transform makes of it only word runes, or only separators; case folding
// never looks at neighbours. TestLatinFoldsAgree checks every pair of
// covered runes against normalizeUnicode.
var latinFolds = func() (t [latinFoldsLen]fold) {
	// one is the fold of r between two letters: "a a" for a separator,
	// "a…a" without a space for word runes.
	one := func(r rune, foldAccents bool) (string, bool) {
		n := normalizeUnicode("a"+string(r)+"a", foldAccents)
		switch {
		case n == "a a":
			return "", true
		case len(n) > 2 && n[0] == 'a' && n[len(n)-1] == 'a' && !strings.Contains(n, " "):
			return n[1 : len(n)-1], true
		}
		return "", false
	}
	set := func(i int, r rune) {
		p := norm.NFKC.PropertiesString(string(r))
		if !p.BoundaryBefore() || unicode.Is(unicode.M, r) {
			return
		}
		plain, ok1 := one(r, false)
		bare, ok2 := one(r, true)
		t[i] = fold{plain: plain, bare: bare, ok: ok1 && ok2}
	}
	for r := rune(0x80); r < latinEnd; r++ {
		set(int(r-0x80), r)
	}
	for r := rune(punctStart); r < punctEnd; r++ {
		set(int(r-punctStart)+latinEnd-0x80, r)
	}
	return t
}()

// latinFold looks r up in latinFolds: nil if r is not folded there.
func latinFold(r rune) *fold {
	var f *fold
	switch {
	case 0x80 <= r && r < latinEnd:
		f = &latinFolds[r-0x80]
	case punctStart <= r && r < punctEnd:
		f = &latinFolds[r-punctStart+latinEnd-0x80]
	default:
		return nil
	}
	if !f.ok {
		return nil
	}
	return f
}

func isWordRune(r rune) bool {
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.M, r))
}

// Words returns the words of s after normalisation.
func Words(s string, foldAccents bool) []string {
	return strings.Fields(Normalize(s, foldAccents))
}

// Shingles returns the sorted, duplicate-free hashes of the shingles of text.
func (o Options) Shingles(text string) []uint64 {
	out := o.Hashes(text)
	slices.Sort(out)
	return slices.Compact(out)
}

// Hasher computes shingle hashes into buffers it reuses: one per
// goroutine, for the hot path. The zero value is ready; it is not safe for
// concurrent use.
type Hasher struct {
	words []uint64
	out   []uint64
}

// Hashes is Options.Hashes into the Hasher's buffer: the result is valid
// until the next call. Word shingles of ASCII and Latin-script text are
// folded and hashed word by word in one pass, without building a
// normalised copy.
func (h *Hasher) Hashes(o Options, text string) []uint64 {
	if o.Kind != Word || !h.latinWords(text, o.FoldAccents) {
		h.out = append(h.out[:0], o.Hashes(text)...)
		return h.out
	}
	h.out = appendNgrams(h.out[:0], h.words, o.N)
	return h.out
}

// latinWords hashes the words of text into h.words the way normalizeLatin
// and hashString would, in one pass; false if text is not for the Latin
// path.
func (h *Hasher) latinWords(text string, foldAccents bool) bool {
	h.words = h.words[:0]
	var w uint64 = offset64
	inWord := false
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
			case 'A' <= c && c <= 'Z':
				c += 'a' - 'A'
			default:
				if inWord {
					h.words = append(h.words, mix64(w))
					w, inWord = offset64, false
				}
				continue
			}
			w = (w ^ uint64(c)) * prime64
			inWord = true
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		f := latinFold(r)
		if f == nil {
			return false
		}
		folded := f.plain
		if foldAccents {
			folded = f.bare
		}
		if folded == "" {
			if inWord {
				h.words = append(h.words, mix64(w))
				w, inWord = offset64, false
			}
			continue
		}
		for j := 0; j < len(folded); j++ {
			w = (w ^ uint64(folded[j])) * prime64
		}
		inWord = true
	}
	if inWord {
		h.words = append(h.words, mix64(w))
	}
	return true
}

// Hashes returns the hashes of the shingles of text in text order,
// duplicates included: enough for a MinHash signature, which ignores order
// and repetition, without the cost of sorting.
func (o Options) Hashes(text string) []uint64 {
	norm := Normalize(text, o.FoldAccents)
	if norm == "" {
		return nil
	}
	if o.Kind == Char {
		return charShingles(norm, o.N)
	}
	return wordShingles(norm, o.N)
}

func wordShingles(norm string, n int) []uint64 {
	words := make([]uint64, 0, len(norm)/5)
	for w := range strings.SplitSeq(norm, " ") {
		words = append(words, hashString(w))
	}
	return appendNgrams(make([]uint64, 0, len(words)), words, n)
}

// appendNgrams appends the hashes of the n-grams of words (one, of all of
// them, when there are fewer than n).
func appendNgrams(out, words []uint64, n int) []uint64 {
	if len(words) == 0 {
		return out
	}
	n = min(n, len(words))
	for i := 0; i+n <= len(words); i++ {
		out = append(out, ngramHash(words[i:i+n]))
	}
	return out
}

// ngramHash combines the hashes of consecutive words into a shingle hash.
func ngramHash(words []uint64) uint64 {
	h := uint64(len(words)) * prime64
	for _, w := range words {
		h = (h ^ w) * prime64
	}
	return mix64(h)
}

func charShingles(norm string, n int) []uint64 {
	// starts[i] is the byte offset of rune i; a window of n runes is
	// norm[starts[i]:starts[i+n]].
	starts := make([]int, 0, len(norm)+1)
	for i := range norm {
		starts = append(starts, i)
	}
	starts = append(starts, len(norm))
	runes := len(starts) - 1
	if runes < n {
		n = runes
	}
	out := make([]uint64, 0, runes-n+1)
	for i := 0; i+n <= runes; i++ {
		out = append(out, hashString(norm[starts[i]:starts[i+n]]))
	}
	return out
}

const (
	offset64 = 14695981039346656037
	prime64  = 1099511628211
)

// hashString is FNV-1a followed by a 64-bit finaliser, so that short,
// similar strings spread over all 64 bits.
func hashString(s string) uint64 {
	h := uint64(offset64)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * prime64
	}
	return mix64(h)
}

// mix64 is the MurmurHash3 64-bit finaliser.
func mix64(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}

// Jaccard is the exact Jaccard similarity of two sorted, duplicate-free
// hash sets: |A∩B| / |A∪B|, and 0 when both are empty.
func Jaccard(a, b []uint64) float64 {
	inter := Intersection(a, b)
	union := len(a) + len(b) - inter
	if union == 0 {
		return 0
	}
	return float64(inter) / float64(union)
}

// Intersection counts the hashes two sorted, duplicate-free sets share.
func Intersection(a, b []uint64) int {
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			n++
			i++
			j++
		}
	}
	return n
}

// Figures returns the sorted, duplicate-free hashes of the figures in text:
// runs of digits, with '.', ',', ':' or '/' allowed between two digits
// ("107.2", "3,669,602", "14:30", "1/4"), and the English number words
// zero to twenty and the tens, as their digits. Templated wire briefs
// differ exactly there: another company's dividend, another week's
// estimate.
func Figures(text string) []uint64 {
	out := figureSeq(text)
	for w := range strings.FieldsFuncSeq(text, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if len(w) <= len("seventeen") {
			if v, ok := numberWords[strings.ToLower(w)]; ok {
				out = append(out, hashString(v))
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// numberWords are the English words wire copy uses for small figures
// ("Record April three", "six cts"), mapped to their digits so that "three"
// and "3" are the same figure.
var numberWords = map[string]string{
	"zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
	"seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
	"thirteen": "13", "fourteen": "14", "fifteen": "15", "sixteen": "16", "seventeen": "17",
	"eighteen": "18", "nineteen": "19", "twenty": "20", "thirty": "30", "forty": "40",
	"fifty": "50", "sixty": "60", "seventy": "70", "eighty": "80", "ninety": "90",
}

// figureSeq returns the hashes of the digit figures of text in text order,
// repeats included.
func figureSeq(text string) []uint64 {
	var out []uint64
	start := -1 // byte offset of the figure being read
	end := 0    // byte offset just past its last digit
	flush := func() {
		if start >= 0 {
			out = append(out, hashString(text[start:end]))
			start = -1
		}
	}
	prevSep := false
	for i, r := range text {
		switch {
		case unicode.IsDigit(r):
			if start < 0 {
				start = i
			}
			end = i + utf8.RuneLen(r)
			prevSep = false
		case start >= 0 && !prevSep && i == end && (r == '.' || r == ',' || r == ':' || r == '/'):
			prevSep = true
		default:
			flush()
			prevSep = false
		}
	}
	flush()
	return out
}

// FigurePairs returns the sorted, duplicate-free hashes of the pairs of
// consecutive figures of text (the order of a table's numbers), and how
// many figures there are: a re-sent table keeps its order, the next
// release of the same table (new rates, another hour's prices) does not.
func FigurePairs(text string) ([]uint64, int) {
	seq := figureSeq(text)
	if len(seq) < 2 {
		return nil, len(seq)
	}
	out := make([]uint64, 0, len(seq)-1)
	for i := 1; i < len(seq); i++ {
		out = append(out, mix64(seq[i-1]*prime64^seq[i]))
	}
	slices.Sort(out)
	return slices.Compact(out), len(seq)
}

// Names returns the sorted, duplicate-free hashes of the capitalised words
// of text that do not start a sentence (or do, followed by another
// capitalised word): the companies, places and people a
// story is about ("Goulds Pumps Inc" against "Russ Togs Inc" in two
// otherwise identical dividend briefs). Words are case-folded before
// hashing. A text in capitals throughout (more than half of its words
// capitalised) has no usable names and gives nil.
func Names(text string) []uint64 {
	var out []uint64
	words, capitalised := 0, 0
	sentenceStart := true
	pending := ""
	i := 0
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) {
			if r == '.' || r == '!' || r == '?' || r == ':' || r == '"' || r == '«' || r == '“' || r == '\n' && paragraphStart(text[i+1:]) {
				sentenceStart = true
			}
			i += size
			continue
		}
		start := i
		for i < len(text) {
			r2, s2 := utf8.DecodeRuneInString(text[i:])
			if !isWordRune(r2) {
				break
			}
			i += s2
		}
		words++
		upper := unicode.IsUpper(r)
		if upper {
			capitalised++
		}
		// A sentence-initial capital is a name only when the next word is
		// capitalised too: "Goulds Pumps Inc said", not "The company said".
		if pending != "" && upper {
			out = append(out, hashString(strings.ToLower(pending)))
		}
		pending = ""
		switch {
		case upper && sentenceStart:
			pending = text[start:i]
		case upper:
			out = append(out, hashString(strings.ToLower(text[start:i])))
		}
		sentenceStart = false
	}
	if 2*capitalised > words {
		return nil
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// paragraphStart reports whether the text after a newline starts a
// paragraph or a table row: a blank line, or an indent of two spaces or a
// tab. A bare newline is a hard wrap inside a sentence.
func paragraphStart(rest string) bool {
	return strings.HasPrefix(rest, "\n") || strings.HasPrefix(rest, "\r\n") ||
		strings.HasPrefix(rest, "  ") || strings.HasPrefix(rest, "\t")
}
