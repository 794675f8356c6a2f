package shingle

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
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
	if o.Kind != Word {
		h.words = h.words[:0] // no words: Words has none
		h.out = append(h.out[:0], o.Hashes(text)...)
		return h.out
	}
	h.readWords(text, o.FoldAccents)
	h.out = appendNgrams(h.out[:0], h.words, o.N)
	return h.out
}

// readWords hashes the words of text into h.words: on the Latin path in
// one pass, otherwise through Normalize, word by word as wordShingles
// does.
func (h *Hasher) readWords(text string, foldAccents bool) {
	if h.latinWords(text, foldAccents) {
		return
	}
	h.words = h.words[:0]
	if norm := Normalize(text, foldAccents); norm != "" {
		for w := range strings.SplitSeq(norm, " ") {
			h.words = append(h.words, hashString(w))
		}
	}
}

// Words is the word hashes of the text the last Hashes call read, in
// text order (word shingles; empty for character shingles). Valid until
// the next call.
func (h *Hasher) Words() []uint64 { return h.words }

// WordHashes hashes the words of s as Hashes hashes a text's, into the
// Hasher's buffer: valid until the next call.
func (h *Hasher) WordHashes(s string, foldAccents bool) []uint64 {
	h.readWords(s, foldAccents)
	return h.words
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
