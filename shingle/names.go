package shingle

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Names returns the sorted, duplicate-free hashes of the capitalised words
// of text that do not start a sentence (or do, followed by another
// capitalised word): the companies, places and people a
// story is about ("Goulds Pumps Inc" against "Russ Togs Inc" in two
// otherwise identical dividend briefs). Words are case-folded before
// hashing. A text in capitals throughout (more than half of its words
// capitalised) has no usable names and gives nil.
func Names(text string) []uint64 {
	return names(text, func(w string) uint64 { return hashString(strings.ToLower(w)) })
}

// NamesFold is Names with each word hashed as Words normalises it (NFKC,
// case folding, accent folding when fold), in the hash space of
// TitleWord.Whole, so that the subject test can look a title word up in
// it.
func NamesFold(text string, fold bool) []uint64 {
	return names(text, func(w string) uint64 { return WordHash(w, fold) })
}

func names(text string, hash func(string) uint64) []uint64 {
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
			out = append(out, hash(pending))
		}
		pending = ""
		switch {
		case upper && sentenceStart:
			pending = text[start:i]
		case upper:
			out = append(out, hash(text[start:i]))
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
