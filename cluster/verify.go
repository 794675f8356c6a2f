package cluster

import (
	"math"
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
}

// Match is the evidence for one pair and the verdict: what an editor needs
// to trust or overrule a merge.
type Match struct {
	Jaccard     float64 // Jaccard similarity of the shingle sets: exact when both kept their Set, else estimated
	Containment float64 // estimated |A∩B| / min(|A|, |B|)
	Figures     float64 // share of the figures of the article with fewer found in the other; -1: one has none
	Names       float64 // share of the names of the article with fewer found in the other; -1: one has none
	Hours       float64 // hours between the publication dates; -1: a date is missing
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
)

// Check verifies the pair a, b.
func (r Rules) Check(a, b *Evidence) Match {
	sa, sb := a.short(), b.short()
	m := Match{Jaccard: lsh.Similarity(a.Signature, b.Signature), Figures: shared(sa.Figures, sb.Figures),
		Names: shared(sa.Names, sb.Names), Hours: -1}
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
	m.Verified = true
	return m
}

// shared is the share of the smaller of two sorted hash sets found in the
// other; -1 when either is empty (no evidence either way).
func shared(a, b []uint64) float64 {
	n := min(len(a), len(b))
	if n == 0 {
		return -1
	}
	return float64(shingle.Intersection(a, b)) / float64(n)
}
