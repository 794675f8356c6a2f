package cluster

import "math"

// Vocabulary counts, for each word, the short articles of a corpus that
// use it (its document frequency), so that the subject test can weigh what
// differs between two items by how rare it is: a company name or a place
// is rare, "said" and "raises" are not. It is filled while reading and
// read-only afterwards; Rare is safe for concurrent use then.
type Vocabulary struct {
	df   map[uint64]int32
	docs int
}

// NewVocabulary returns an empty Vocabulary.
func NewVocabulary() *Vocabulary { return &Vocabulary{df: map[uint64]int32{}} }

// Add counts one article's words: sorted, duplicate-free word hashes.
func (v *Vocabulary) Add(words []uint64) {
	v.docs++
	for _, w := range words {
		v.df[w]++
	}
}

// Docs is the number of articles counted.
func (v *Vocabulary) Docs() int { return v.docs }

// Rare reports whether word is used by at most share of the articles
// counted, or by one article only (in a corpus too small for share to
// count one).
func (v *Vocabulary) Rare(word uint64, share float64) bool {
	if v == nil {
		return false
	}
	return float64(v.df[word]) <= max(1, math.Floor(float64(v.docs)*share))
}
