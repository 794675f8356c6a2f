package shingle

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

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
