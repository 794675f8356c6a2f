package shingle

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

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
// covered runes against normalizeUnicode. Built on first use, not at
// start: a run that never meets a non-ASCII letter does not pay for it,
// and a process under a tight address-space limit (ulimit -v) reaches
// main, where it can say so, before the runtime needs more.
var latinFolds = sync.OnceValue(func() (t *[latinFoldsLen]fold) {
	t = new([latinFoldsLen]fold)
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
})

// latinFold looks r up in latinFolds: nil if r is not folded there.
func latinFold(r rune) *fold {
	var f *fold
	switch {
	case 0x80 <= r && r < latinEnd:
		f = &latinFolds()[r-0x80]
	case punctStart <= r && r < punctEnd:
		f = &latinFolds()[r-punctStart+latinEnd-0x80]
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
