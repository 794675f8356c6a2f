package shingle

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// Span is a word of the original text: its byte offsets.
type Span struct{ Start, End int }

// SharedWords finds, in the original text, the words that belong to a word
// shingle also found in other (a sorted set, as Shingles returns): the
// passages two copies share, as written, accents and punctuation included.
// It returns each word's span and whether it is shared. Character-shingle
// options are read as word 3-grams here: passages are made of words.
func (o Options) SharedWords(text string, other []uint64) ([]Span, []bool) {
	n := o.N
	if o.Kind != Word {
		n = 3
	}
	// Each original word may normalise to several words ("ﬁ" to "fi" does
	// not, but NFKC can split); owner maps a normalised word to its span.
	var spans []Span
	var hashes []uint64
	var owner []int
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) {
			i += size
			continue
		}
		start := i
		for i < len(text) {
			r, size = utf8.DecodeRuneInString(text[i:])
			if !isWordRune(r) {
				break
			}
			i += size
		}
		for _, w := range strings.Fields(Normalize(text[start:i], o.FoldAccents)) {
			hashes = append(hashes, hashString(w))
			owner = append(owner, len(spans))
		}
		spans = append(spans, Span{start, i})
	}
	shared := make([]bool, len(spans))
	if len(hashes) == 0 {
		return spans, shared
	}
	n = min(n, len(hashes))
	for i := 0; i+n <= len(hashes); i++ {
		if _, found := slices.BinarySearch(other, ngramHash(hashes[i:i+n])); found {
			for _, w := range owner[i : i+n] {
				shared[w] = true
			}
		}
	}
	return spans, shared
}
