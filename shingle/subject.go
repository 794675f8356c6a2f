package shingle

import (
	"slices"
	"strings"
)

// Subject is what an article's title says it is about, for telling apart
// two short items that share a template: the words of the title (wire
// markers such as "CORRECTED" and ticker symbols in angle brackets left
// out) and the figures in it. It reads all-capitals titles as well as
// mixed case: whether a word names the subject is decided later by how
// rare it is in the corpus, not by its capital letter.
type Subject struct {
	Words     []uint64 // sorted, duplicate-free hashes of the title's words without digits
	Figures   []uint64 // sorted, duplicate-free hashes of the title's figures (see Figures)
	Corrected bool     // the title marks a correction: a changed figure is expected
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
			s.Words = append(s.Words, hashString(w))
		}
	}
	slices.Sort(s.Words)
	s.Words = slices.Compact(s.Words)
	s.Figures = Figures(stripTickers(title))
	return s
}

// WordSet returns the sorted, duplicate-free hashes of the words of text
// (as Words gives them), in the same hash space as Subject.Words.
func WordSet(text string, foldAccents bool) []uint64 {
	ws := Words(text, foldAccents)
	out := make([]uint64, 0, len(ws))
	for _, w := range ws {
		if !hasDigit(w) {
			out = append(out, hashString(w))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
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
