// Package shingle turns the text of one article into the hashed sets that
// the later stages compare: its shingles, and the evidence the vetoes
// look at (figures, names, title subjects, ledes, word counts and the
// sentences at its ends). It does eight jobs, one file each:
//
//   - normalising (normalize.go): Normalize;
//   - shingling and hashing (shingle.go): Options, Parse, Shingles,
//     Hashes and the reusable Hasher;
//   - stripping boilerplate (boilerplate.go): StripBoilerplate;
//   - figures (figures.go): Figures and FigurePairs;
//   - names (names.go): Names;
//   - words (words.go): Words, CountWords and Lede;
//   - title subjects (subject.go): TitleSubject, WordSet and LowerWords;
//   - page-furniture sentences (furniture.go): Sentences;
//
// and, for the report rather than for matching, it finds the passages two
// copies share in the original text (spans.go: Options.SharedWords).
//
// Comparing the sets (exact Jaccard similarity, the share of one set found
// in another, subsets) is the verifier's job, in package cluster, beside
// the rules that use it.
//
// # Normalising
//
// Normalisation (Normalize) applies, in order: Unicode NFKC, full case
// folding, optional accent folding (NFD, drop nonspacing marks, NFC), then
// punctuation and whitespace folding: every run of characters that are not
// letters, digits or combining marks becomes one space. Words are therefore
// split on Unicode letter/digit classes, so French elisions split sensibly
// with either apostrophe: « l’offensive » and "l'offensive" both give the
// words "l" and "offensive". ASCII text, and text whose other characters
// are Latin letters and punctuation that the transforms treat one by one,
// get the same result without them: case folding by hand for ASCII, a
// table built from the transforms for the rest (normalizeLatin).
//
// # Shingling and hashing
//
// Shingles are word n-grams (Word) or character n-grams (Char) of the
// normalised text, each hashed to 64 bits with a fixed function, so the same
// text gives the same hashes on every machine and run. A text with fewer
// than N units gives one shingle of the whole text, so short articles can
// still match each other; a text with no words gives none.
//
// Word n-grams of 3 to 5 words follow the wording of a story and ignore its
// paragraph order; character n-grams tolerate spelling and inflection
// changes but make a denser, less selective set.
//
// The same word hash serves the evidence sets: a figure, a name, a title
// word (TitleWord.Whole) and a lower-case word (LowerWords) with the same
// letters hash alike, so these sets can be compared with each other.
// Furniture sentences are hashed to 32 bits on their own (Sentences).
//
// # Boilerplate
//
// StripBoilerplate removes what says who sent a story rather than what
// happened (datelines, bylines, credits, agency tails); it is applied
// before shingling, never to outputs.
//
// # Evidence for the vetoes
//
// Figures, FigurePairs and Names are the figures, the order of a table's
// figures and the names of a text, which tell apart briefs written from
// one template. TitleSubject, WordSet and LowerWords give what a title
// says an item is about and which of its words the article writes, for
// the subject test; Lede and CountWords give the start of a text and its
// length in words; Sentences hashes the sentences at the head and tail of a
// text, which a run counts to learn its page furniture (cookie and paywall
// notices). What each is for, and its thresholds, is in package cluster.
//
// # Concurrency
//
// Everything here is a pure function without I/O, safe for concurrent use,
// except a Hasher, which reuses its buffers: one per goroutine.
package shingle
