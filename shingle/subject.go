package shingle

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Subject is what an article's title says it is about, for telling apart
// two short items that share a template: the words of the title (wire
// markers such as "CORRECTED" and ticker symbols in angle brackets left
// out) and the figures in it. It reads all-capitals titles as well as
// mixed case: whether a word names the subject is decided later by how
// rare it is in the corpus, not by its capital letter.
type Subject struct {
	Words     []TitleWord // the title's words without digits, by stem
	Figures   []uint64    // sorted, duplicate-free hashes of the title's figures (see Figures)
	Corrected bool        // the title marks a correction: a changed figure is expected
}

// TitleWord is a title word: its Stem (what WordSet gives, so that "centres"
// meets "centers" and "costs" meets "cost") and the hash of the whole word
// in lower case (what Names gives).
type TitleWord struct{ Stem, Whole uint64 }

// StemRunes is how much of a word its stem keeps.
const StemRunes = 4

// stem hashes the first StemRunes runes of a normalised word.
func stem(w string) uint64 {
	n := 0
	for i := range w {
		if n == StemRunes {
			return hashString(w[:i])
		}
		n++
	}
	return hashString(w)
}

// wireMarkers are title words that say how an item was sent, not what it
// is about.
var wireMarkers = map[string]bool{
	"corrected": true, "correction": true, "corrects": true, "repeat": true, "rpt": true,
	"update": true, "updated": true, "refiled": true, "urgent": true, "flash": true,
	"adds": true, "recasts": true, "bc": true,
}

// correctionMarkers are the wireMarkers that announce a correction.
var correctionMarkers = map[string]bool{"corrected": true, "correction": true, "corrects": true}

// TitleSubject returns the Subject of a title.
func TitleSubject(title string, foldAccents bool) Subject {
	var s Subject
	for _, w := range Words(stripTickers(title), foldAccents) {
		switch {
		case correctionMarkers[w]:
			s.Corrected = true
		case wireMarkers[w] || hasDigit(w):
		default:
			s.Words = append(s.Words, TitleWord{Stem: stem(w), Whole: hashString(w)})
		}
	}
	slices.SortFunc(s.Words, func(a, b TitleWord) int {
		if a.Stem != b.Stem {
			return cmpUint(a.Stem, b.Stem)
		}
		return cmpUint(a.Whole, b.Whole)
	})
	s.Words = slices.Compact(s.Words)
	s.Figures = Figures(stripTickers(title))
	return s
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// WordSet returns the sorted, duplicate-free stems of the words of text
// (as Words gives them, figures left out), as TitleWord.Stem, and the
// hashes of the whole words, as TitleWord.Whole: words meet by stem, and
// how rare a word is is counted on the whole word.
func WordSet(text string, foldAccents bool) (stems, wholes []uint64) {
	ws := Words(text, foldAccents)
	stems = make([]uint64, 0, len(ws))
	wholes = make([]uint64, 0, len(ws))
	for _, w := range ws {
		if !hasDigit(w) {
			stems = append(stems, stem(w))
			wholes = append(wholes, hashString(w))
		}
	}
	slices.Sort(stems)
	slices.Sort(wholes)
	return slices.Compact(stems), slices.Compact(wholes)
}

func hasDigit(w string) bool {
	return strings.ContainsFunc(w, func(r rune) bool { return r >= '0' && r <= '9' })
}

// stripTickers removes ticker symbols in angle brackets ("<CNG>",
// "<WEBAT.O>"): they are re-typed between re-sends and say nothing the
// company name does not.
func stripTickers(s string) string {
	if !strings.Contains(s, "<") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], '>')
		if j < 0 || j > 24 {
			b.WriteString(s[:i+1])
			s = s[i+1:]
			continue
		}
		b.WriteString(s[:i])
		b.WriteByte(' ')
		s = s[i+j+1:]
	}
	b.WriteString(s)
	return b.String()
}

// LowerWords returns the sorted, duplicate-free hashes of the words that
// text writes in lower case ("faulted", "queries"), as WordHash gives them
// (the hash space of TitleWord.Whole): a title word that its own article
// writes only in lower case is a common word, not a name.
func LowerWords(text string, fold bool) []uint64 {
	var out []uint64
	for w := range strings.FieldsFuncSeq(text, func(r rune) bool { return !isWordRune(r) }) {
		r, _ := utf8.DecodeRuneInString(w)
		if unicode.IsLower(r) {
			out = append(out, WordHash(w, fold))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// WordHash hashes one word of text as TitleSubject and WordSet hash the
// words Words gives (TitleWord.Whole): normalised (NFKC, case folding,
// accents folded when fold), without building a copy when the word is
// ASCII. A token that normalises to several words ("ﬁ" does not, "½"
// does) hashes as them joined by a space.
func WordHash(w string, fold bool) uint64 {
	h := uint64(offset64)
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= utf8.RuneSelf {
			return hashString(Normalize(w, fold))
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		h = (h ^ uint64(c)) * prime64
	}
	return mix64(h)
}
