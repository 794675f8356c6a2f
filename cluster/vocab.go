package cluster

import "math"

// Vocabulary counts, for each word, the short articles of a corpus
// that use it in their title or lede (its document frequency), so
// that the subject test can weigh what differs between two items by how
// rare it is: a company name or a place is rare, "said" and "raises" are
// not. Counts are kept in a fixed table indexed by the word's hash (4
// MiB, a million slots, whatever the corpus, small enough to stay in
// cache): two words sharing a slot add up, which can only make a word look
// commoner than it is, and so only make the test veto less; a rare word
// shares a slot with one of the few thousand common ones with probability
// under 1 %. It is filled while reading and read-only afterwards; Rare is
// safe for concurrent use then.
type Vocabulary struct {
	df   []uint32
	docs int
}

const vocabBits = 20

// NewVocabulary returns an empty Vocabulary.
func NewVocabulary() *Vocabulary { return &Vocabulary{df: make([]uint32, 1<<vocabBits)} }

// Add counts one article's words: duplicate-free word hashes.
func (v *Vocabulary) Add(words []uint64) {
	v.docs++
	for _, w := range words {
		v.df[w&(1<<vocabBits-1)]++
	}
}

// Rare reports whether word is used by at most share of the articles
// counted, or by one article only (in a corpus too small for share to
// count one).
func (v *Vocabulary) Rare(word uint64, share float64) bool {
	if v == nil {
		return false
	}
	return float64(v.df[word&(1<<vocabBits-1)]) <= max(1, math.Floor(float64(v.docs)*share))
}
