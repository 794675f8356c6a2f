package cluster

import (
	"math"
	"slices"
	"time"

	"github.com/neardup/neardup/lsh"
	"github.com/neardup/neardup/shingle"
)

// Evidence is what verification knows of one document: never its text.
type Evidence struct {
	Signature []uint16 // MinHash signature (lsh.Signer)
	Shingles  int32    // size of the shingle set
	Published int64    // Unix seconds; Undated when unknown
	Short     *Short   // for short articles only (under Rules.VetoBelow); nil otherwise
}

// Undated is Evidence.Published for an article without a date.
const Undated = math.MinInt64

// Short is the extra evidence kept for short articles, where the vetoes look
// and estimates are noisiest.
type Short struct {
	Figures []uint64 // sorted hashes of the figures in the text (shingle.Figures)
	Names   []uint64 // sorted hashes of the names in the text (shingle.Names)
	Set     []uint64 // the shingle set itself: pairs of short articles are verified exactly

	// For the subject test (Rules.Subject): the words of title and text,
	// their number, and what the title is about.
	Words   []uint64 // sorted, duplicate-free word hashes (shingle.WordSet) of title and text
	NWords  int32    // words in the matched text
	Flash   bool     // title only: the title is the whole item
	Subject shingle.Subject

	// For the figure-order test (Rules.FigureOrder): consecutive figure
	// pairs (shingle.FigurePairs) and the number of figures.
	FigurePairs []uint64
	NFigures    int32
}

func (e *Evidence) short() *Short {
	if e.Short == nil {
		return &Short{}
	}
	return e.Short
}

// Rules decide whether a candidate pair is a copy. A pair is verified when
// its estimated Jaccard similarity reaches Threshold, or (when Containment
// is set) its estimated containment reaches Containment; and, in both
// cases, it passes every veto that is switched on: the publication dates
// are within Window; the figures of the article with fewer of them are
// found in the other (share ≥ Figures): an extended version adds figures, a
// templated brief for another company or day changes them; and likewise for
// the names (share ≥ Names): another company, fund or place. Those two
// vetoes apply only to short articles (VetoBelow): a long story trimmed of
// one paragraph and extended by another legitimately changes a few figures
// and names, and its wording is evidence enough.
type Rules struct {
	Threshold   float64       // Jaccard threshold, (0, 1)
	Containment float64       // containment threshold; 0: off
	MinRatio    float64       // containment only counts when the smaller set is at least this share of the larger; 0: any
	Window      time.Duration // 0: off; pairs with both dates further apart are rejected
	Figures     float64       // 0: off; minimum share of figures shared (see Match.Figures)
	Names       float64       // 0: off; minimum share of names shared (see Match.Names)
	VetoBelow   int           // figures and names vetoes apply when the smaller article has fewer shingles than this; 0: always

	// The subject test, for short items (both under VetoBelow, the shorter
	// with at most SubjectBelow words): a title word used by at most
	// Subject (a share) of the corpus's short articles, or a figure of the
	// title, names what an item is about. When each title has such a word
	// or figure that the other article never mentions, the two are
	// different items from one template (another bank, fund, market or
	// hour); when both titles carry figures and neither title's figures are
	// all in the other (a correction excepted), likewise. Short items
	// further apart than ShortWindow are the next day's report.
	Subject      float64       // 0: off
	SubjectBelow int           // words; the test applies when the shorter matched text has at most this many
	ShortWindow  time.Duration // 0: Window alone
	Vocabulary   *Vocabulary   // document frequencies; nil: no word is rare

	// FigureOrder, for two short articles whose texts each have at least
	// MinTableFigures figures: the share of the consecutive figure pairs of
	// the one with fewer figures that the other must have too. A re-sent
	// table or a corrected one keeps its numbers in order; the next release
	// of a data report (new rates, another hour's prices) does not. 0: off.
	FigureOrder float64
}

// MinTableFigures is how many figures a text needs for Rules.FigureOrder to
// look at it: fewer are a story's figures, not a table.
const MinTableFigures = 6

// Match is the evidence for one pair and the verdict: what an editor needs
// to trust or overrule a merge.
type Match struct {
	Jaccard     float64 // Jaccard similarity of the shingle sets: exact when both kept their Set, else estimated
	Containment float64 // estimated |A∩B| / min(|A|, |B|)
	Figures     float64 // share of the figures of the article with fewer found in the other; -1: one has none
	Names       float64 // share of the names of the article with fewer found in the other; -1: one has none
	Hours       float64 // hours between the publication dates; -1: a date is missing
	FigureOrder float64 // share of the consecutive figure pairs of the text with fewer figures found in the other; -1: not applied
	Subjects    int     // subject test: rare title words or title figures of each side missing from the other (the fewer of the two); -1: not applied
	Verified    bool
	Reason      string // "jaccard" or "containment" when verified; else why not
}

// Reasons a Match gives.
const (
	ByJaccard       = "jaccard"
	ByContainment   = "containment"
	NotSimilar      = "below threshold"
	OutsideWindow   = "outside window"
	FiguresDisagree = "figures differ"
	NamesDisagree   = "names differ"
	SubjectsDiffer  = "subjects differ"
	TitleFigures    = "title figures differ"
	ShortApart      = "short items outside window"
	FigureOrderDiff = "figure tables differ"
)

// Check verifies the pair a, b.
func (r Rules) Check(a, b *Evidence) Match {
	sa, sb := a.short(), b.short()
	m := Match{Jaccard: lsh.Similarity(a.Signature, b.Signature), Figures: shared(sa.Figures, sb.Figures),
		Names: shared(sa.Names, sb.Names), Hours: -1, Subjects: -1, FigureOrder: -1}
	if sa.Set != nil && sb.Set != nil {
		// Two short articles: exact, where estimates are noisiest and
		// templated briefs sit closest to the threshold.
		m.Jaccard = shingle.Jaccard(sa.Set, sb.Set)
	}
	small, large := a, b
	if small.Shingles > large.Shingles {
		small, large = large, small
	}
	if small.Shingles > 0 {
		// |A∩B| = J·(|A|+|B|)/(1+J), from J = |A∩B| / (|A|+|B|−|A∩B|).
		inter := m.Jaccard * float64(a.Shingles+b.Shingles) / (1 + m.Jaccard)
		m.Containment = math.Min(1, inter/float64(small.Shingles))
	}
	if a.Published != Undated && b.Published != Undated {
		m.Hours = math.Abs(float64(a.Published-b.Published)) / 3600
	}
	switch {
	case m.Jaccard >= r.Threshold:
		m.Reason = ByJaccard
	case r.Containment > 0 && m.Containment >= r.Containment &&
		float64(small.Shingles) >= r.MinRatio*float64(large.Shingles):
		m.Reason = ByContainment
	default:
		m.Reason = NotSimilar
		return m
	}
	if r.Window > 0 && m.Hours >= 0 && m.Hours > r.Window.Hours() {
		m.Reason = OutsideWindow
		return m
	}
	short := r.VetoBelow == 0 || int(small.Shingles) < r.VetoBelow
	if short && r.Figures > 0 && m.Figures >= 0 && m.Figures < r.Figures {
		m.Reason = FiguresDisagree
		return m
	}
	if short && r.Names > 0 && m.Names >= 0 && m.Names < r.Names {
		m.Reason = NamesDisagree
		return m
	}
	if r.FigureOrder > 0 && a.Short != nil && b.Short != nil && min(sa.NFigures, sb.NFigures) >= MinTableFigures {
		fewer, other := sa, sb
		if fewer.NFigures > other.NFigures {
			fewer, other = other, fewer
		}
		if len(fewer.FigurePairs) > 0 {
			m.FigureOrder = float64(shingle.Intersection(fewer.FigurePairs, other.FigurePairs)) / float64(len(fewer.FigurePairs))
			if m.FigureOrder < r.FigureOrder {
				m.Reason = FigureOrderDiff
				return m
			}
		}
	}
	if r.Subject > 0 && a.Short != nil && b.Short != nil && min(sa.NWords, sb.NWords) <= int32(r.SubjectBelow) {
		if r.ShortWindow > 0 && m.Hours > r.ShortWindow.Hours() {
			m.Reason = ShortApart
			return m
		}
		m.Subjects = min(r.unmatched(sa, sb), r.unmatched(sb, sa))
		if m.Subjects > 0 {
			m.Reason = SubjectsDiffer
			return m
		}
		if !sa.Subject.Corrected && !sb.Subject.Corrected && len(sa.Subject.Figures) > 0 && len(sb.Subject.Figures) > 0 &&
			!subset(sa.Subject.Figures, sb.Subject.Figures) && !subset(sb.Subject.Figures, sa.Subject.Figures) {
			m.Reason = TitleFigures
			return m
		}
	}
	m.Verified = true
	return m
}

// unmatched counts what a's title is about that b never mentions: its rare
// title words absent from b's words, and its title figures absent from b's
// figures (unless either title marks a correction). A flash (a title alone) is held to b's title: a story's body
// names other companies as background ("following Chase Manhattan's
// move"), so only its title says which one it is about.
func (r Rules) unmatched(a, b *Short) int {
	n := 0
	words := b.Words
	if a.Flash && !b.Flash {
		words = b.Subject.Words
	}
	for _, w := range a.Subject.Words {
		if r.Vocabulary.Rare(w, r.Subject) && !contains(words, w) {
			n++
		}
	}
	if a.Subject.Corrected || b.Subject.Corrected {
		return n // a correction may change a figure of the title
	}
	for _, f := range a.Subject.Figures {
		if !contains(b.Figures, f) && !contains(b.Subject.Figures, f) {
			n++
		}
	}
	return n
}

func contains(sorted []uint64, x uint64) bool {
	_, ok := slices.BinarySearch(sorted, x)
	return ok
}

// subset reports whether every element of sorted a is in sorted b.
func subset(a, b []uint64) bool { return shingle.Intersection(a, b) == len(a) }

// shared is the share of the smaller of two sorted hash sets found in the
// other; -1 when either is empty (no evidence either way).
func shared(a, b []uint64) float64 {
	n := min(len(a), len(b))
	if n == 0 {
		return -1
	}
	return float64(shingle.Intersection(a, b)) / float64(n)
}
