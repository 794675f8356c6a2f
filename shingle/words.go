package shingle

import (
	"strings"
	"unicode/utf8"
)

// Words returns the words of s after normalisation.
func Words(s string, foldAccents bool) []string {
	return strings.Fields(Normalize(s, foldAccents))
}

// CountWords counts the words of text as Words would, without building
// them — except where NFKC expands a character into several words or
// none ("½", "①"), which it counts as written.
func CountWords(text string) int {
	n := 0
	in := false
	for i := 0; i < len(text); {
		var w bool
		if c := text[i]; c < utf8.RuneSelf {
			w = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
			i++
		} else {
			r, size := utf8.DecodeRuneInString(text[i:])
			w = isWordRune(r)
			i += size
		}
		if w && !in {
			n++
		}
		in = w
	}
	return n
}

// Lede returns the beginning of text up to the end of its n-th word (words
// as Words counts them, before normalisation), or all of text.
func Lede(text string, n int) string {
	words := 0
	in := false
	for i := 0; i < len(text); {
		var w bool
		r := rune(text[i])
		size := 1
		if r < utf8.RuneSelf {
			w = r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
		} else {
			r, size = utf8.DecodeRuneInString(text[i:])
			w = isWordRune(r)
		}
		if w && !in {
			if words == n {
				return text[:i]
			}
			words++
		}
		in = w
		i += size
	}
	return text
}
