package shingle

import "slices"

// Page furniture is text that a site repeats on every page it serves:
// cookie and consent notices, paywall and "register to read" banners,
// captcha pages, newsletter sign-ups. It sits at the head or the tail of
// a scraped text. Sentences returns hashes of the sentences there, so
// that a run can count how many articles share each one and ignore the
// ones that many share (see cluster.Furniture); no list of phrases is
// kept, the corpus teaches them.

// FurnitureSentences is how many sentences Sentences takes from each end
// of a text.
const FurnitureSentences = 8

// minSentenceWords: shorter sentences ("OK", "Read more") are too common
// to say anything.
const minSentenceWords = 6

// Sentences returns the sorted, duplicate-free 32-bit hashes of the first
// and last FurnitureSentences sentences of text of at least six words.
// A sentence ends at a line break or at '.', '!' or '?' followed by a
// space; it is hashed by its ASCII-lower-cased words (runs of letters,
// digits and any non-ASCII bytes), so that spacing and case do not matter.
// The cost is one pass over the bytes of each end.
func Sentences(text string) []uint32 {
	var out []uint32
	head := sentenceHashes(text, FurnitureSentences, out)
	if len(head) < FurnitureSentences {
		out = head // the whole text is in the head
	} else {
		// The tail: start scanning far enough back for FurnitureSentences
		// sentences of typical length, at most the rest of the text.
		start := max(0, len(text)-FurnitureSentences*400)
		tail := sentenceHashes(text[start:], -1, nil)
		if start > 0 && len(tail) > 0 {
			tail = tail[1:] // the first may be cut
		}
		if len(tail) > FurnitureSentences {
			tail = tail[len(tail)-FurnitureSentences:]
		}
		out = append(head, tail...)
	}
	if len(out) == 0 {
		return nil
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// sentenceHashes appends the hashes of the sentences of text of six words
// or more, at most limit of them (-1: all).
func sentenceHashes(text string, limit int, out []uint32) []uint32 {
	const (
		offset32 = 2166136261
		prime32  = 16777619
	)
	h := uint32(offset32)
	words := 0
	inWord := false
	flush := func() {
		if words >= minSentenceWords {
			out = append(out, h)
		}
		h, words, inWord = offset32, 0, false
	}
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
			fallthrough
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 0x80:
			if !inWord {
				if words > 0 {
					h = (h ^ ' ') * prime32
				}
				words++
				inWord = true
			}
			h = (h ^ uint32(c)) * prime32
		case c == '\n' || (c == '.' || c == '!' || c == '?') && (i+1 == len(text) || text[i+1] == ' ' || text[i+1] == '\n'):
			flush()
			if limit >= 0 && len(out) >= limit {
				return out
			}
		default:
			inWord = false
		}
	}
	flush()
	if limit >= 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}
