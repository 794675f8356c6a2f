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
	Published int64    // Unix seconds; Undated when unknown
	Short     *Short   // for short articles only (under Rules.VetoBelow); nil otherwise
	Shingles  int32    // size of the shingle set
	Lede      Lede     // for the lede test (beside Shingles: 72 bytes in all)
	// NotHeadline: the title is not the story's headline: fewer than
	// half its words occur in the text (a scraped page's furniture,
	// "share", "The Boston Globe"). It decides nothing; a cluster's title
	// for people passes such titles over (report.DisplayTitle).
	NotHeadline bool
}

// The lede test (Rules.Lede): copies keep the lede, the first words of a
// story, maybe edited; a follow-up reuses background lower down and writes
// a new lede. It looks at articles long enough to have a lede and a body
// (MinLedeWords shingles or more) and compares their first LedeShingles
// shingles exactly, as a set of 16-bit hashes kept inline (25 bytes an
// article): two different shingles look equal with probability 2^-16.
const (
	MinLedeWords = 60
	LedeShingles = 12
)

// Lede is the sorted, duplicate-free set of the low 16 bits of the first
// LedeShingles shingle hashes of a text; N == 0: none kept.
type Lede struct {
	N   uint8
	Set [LedeShingles]uint16
}

// NewLede keeps the first LedeShingles of shingles, in text order.
func NewLede(shingles []uint64) Lede {
	var l Lede
	for _, h := range shingles[:min(len(shingles), LedeShingles)] {
		l.Set[l.N] = uint16(h)
		l.N++
	}
	set := l.Set[:l.N]
	slices.Sort(set)
	l.N = uint8(len(slices.Compact(set)))
	return l
}

// Jaccard is the Jaccard similarity of two ledes.
func (l *Lede) Jaccard(o *Lede) float64 {
	return jaccard(l.Set[:l.N], o.Set[:o.N])
}

// About is what an article says it is about, for the subject test: its
// title's subject, and the words and figures of its title and lede (the
// first LedeWords words of the text), where a wire item names its subject.
// Later paragraphs are left out on purpose: they name other companies as
// background ("the move follows Sun Co's rise earlier today").
type About struct {
	Subject    shingle.Subject
	Own        []uint32 // sorted, duplicate-free word stems (shingle.WordSet, low 32 bits) of the lede
	OwnFigures []uint32 // figures of the lede (shingle.Figures, low 32 bits)
	Names      []uint32 // the lede's names (shingle.Names, low 32 bits)
	Lower      []uint32 // the words the lede writes in lower case (shingle.LowerWords, low 32 bits)
	Story      bool     // MinLedeWords words or more: a story, whose lede names its subject; a brief's may be only in its title
	Flash      bool     // title only: the title is the whole item
	Untitled   bool     // no title: Subject is of the start of the first line
}

// Low32 keeps the low 32 bits of each of a sorted set of 64-bit hashes,
// sorted and duplicate-free: About's sets, at half the memory. A false
// match needs two 32-bit hashes of one article's lede to collide.
func Low32(hs []uint64) []uint32 {
	if len(hs) == 0 {
		return nil
	}
	out := make([]uint32, len(hs))
	for i, h := range hs {
		out[i] = uint32(h)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// mentionsStem reports whether a's title or lede has a word of this stem.
func (a *About) mentionsStem(stem uint64) bool {
	if contains32(a.Own, uint32(stem)) {
		return true
	}
	for _, w := range a.Subject.Words {
		if w.Stem == stem {
			return true
		}
	}
	return false
}

// mentionsFigure reports whether a's title or lede has this figure.
func (a *About) mentionsFigure(f uint64) bool {
	return contains32(a.OwnFigures, uint32(f)) || contains(a.Subject.Figures, f)
}

// LedeWords is how much of a text is its lede for About; an article
// without a title has the first UntitledWords words of its first line for
// one.
const (
	LedeWords     = 40
	UntitledWords = 12
)

// Undated is Evidence.Published for an article without a date.
const Undated = math.MinInt64

// Short is the extra evidence kept for short articles, where the vetoes look
// and estimates are noisiest.
type Short struct {
	Figures []uint64 // sorted hashes of the figures in the text (shingle.Figures)
	Names   []uint64 // sorted hashes of the names in the text (shingle.Names)
	Set     []uint64 // the shingle set itself: pairs of short articles are verified exactly

	NWords int32 // words in the matched text (Rules.ShortWindow)

	About     *About   // for the subject test
	Sentences []uint32 // hashes of the sentences at its head and tail (shingle.Sentences), for the furniture test

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

	// The subject test, for two articles with About evidence: a
	// title word used by at most Subject (a share) of the corpus's short
	// articles, or a figure of the title, names what an item is about. When
	// each title has such a word or figure that the other article never
	// mentions, the two are different items from one template (another
	// bank, fund, market or hour); when both titles carry figures and
	// neither title's figures are all in the other (a correction excepted),
	// likewise. A flash (a title alone) and a story are held to more: what
	// either title names must be in the other's title or lede. Two bodies that are nearly the same text (Jaccard ≥
	// SameText) are one item under a new headline, whatever the titles say.
	Subject float64 // 0: off

	// Short items (both under VetoBelow, the shorter with at most
	// ShortBelow words: flashes, briefs, market reports) further apart than
	// ShortWindow are the next day's report, not a copy.
	ShortBelow  int           // words
	ShortWindow time.Duration // 0: Window alone
	Vocabulary  *Vocabulary   // document frequencies; nil: no word is rare

	// FigureOrder, for two short articles whose texts each have at least
	// MinTableFigures figures: the share of the consecutive figure pairs of
	// the one with fewer figures that the other must have too. A re-sent
	// table or a corrected one keeps its numbers in order; the next release
	// of a data report (new rates, another hour's prices) does not. 0: off.
	FigureOrder float64

	// Furniture, when not nil, knows the sentences repeated across many
	// articles of the run (cookie notices, captcha pages): two articles
	// that share only such sentences, each with enough text of its own
	// that they do not share, are different pages of one site, unless
	// their texts are one (Jaccard ≥ SamePage).
	Furniture    *Furniture
	FurnitureMin int // articles a sentence must be in to be furniture; 0: off (the pipeline builds Furniture from it)

	// Lede is the estimated Jaccard similarity of the two ledes below
	// which two articles that share less than a follow-up can (Jaccard <
	// FollowUpBelow) are a story and its follow-up. Closer pairs are
	// rewrites, re-ordered ones included, whose lede may have moved. 0: off.
	Lede float64

	// Model, when not nil, decides in place of the vetoes above: every
	// piece of evidence they look at is computed, as Features, and a pair
	// is a copy when the model's probability reaches its cut. Window stays
	// a hard rule (a user's policy, not a tuned veto), and so does the
	// furniture test (two pages sharing only furniture). The other vetoes'
	// thresholds no longer decide alone, but they still gather the
	// evidence: each veto's verdict at them is a feature (FSimilar ...
	// FShortApart), and Subject, ShortBelow and FurnitureMin say how the
	// subject, short-item and furniture evidence is read.
	Model *Model

	// MeanLinkage, with a Model and anti-chaining, lets an article join a
	// cluster by its mean probability against the members (see
	// Options.Linkage).
	MeanLinkage bool
}

// FollowUpBelow is the Jaccard similarity under which a pair may be a
// follow-up: one reuses a block of its earlier story as background, a
// fifth to a half of it.
const FollowUpBelow = 0.5

// SamePage is the Jaccard similarity from which two texts are one page:
// the furniture test leaves them alone.
const SamePage = 0.95

// SameText is the Jaccard similarity from which two bodies are one text
// under another headline: the subject test, which reads titles, leaves
// them alone (a corrected typo or a new headline on the same story).
const SameText = 0.8

// MinTableFigures is how many figures a text needs for Rules.FigureOrder to
// look at it: fewer are a story's figures, not a table.
const MinTableFigures = 6

// Match is the evidence for one pair and the verdict: what an editor needs
// to trust or overrule a merge.
type Match struct {
	Jaccard     float64            // Jaccard similarity of the shingle sets: exact when both kept their Set, else estimated
	Containment float64            // estimated |A∩B| / min(|A|, |B|)
	Figures     float64            // share of the figures of the article with fewer found in the other; -1: one has none
	Names       float64            // share of the names of the article with fewer found in the other; -1: one has none
	Hours       float64            // hours between the publication dates; -1: a date is missing
	FigureOrder float64            // share of the consecutive figure pairs of the text with fewer figures found in the other; -1: not applied
	Lede        float64            // estimated Jaccard similarity of the two ledes; -1: not applied
	Subjects    int                // subject test: rare title words or title figures of each side missing from the other (the fewer of the two); -1: not applied
	P           float64            // with a Model: the probability that the two are one news item; -1: no model
	Why         [WhyN]Contribution // with a Model: the largest contributions to its log-odds
	Verified    bool
	Reason      string // "model", "jaccard" or "containment" when verified; else why not
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
	LedesDiffer     = "ledes differ"
	FurnitureOnly   = "page furniture only"
	ByModel         = "model"              // verified: the model's probability reached its cut
	BelowCut        = "below cut"          // the model's probability is under its cut
	ByCluster       = "cluster"            // joined a cluster by its mean probability against the members (Options.Linkage), though under the cut against the canonical one
	ByEditor        = "editor"             // an editor decided the two are one story (Options.Decided), or one is of a story an editor joined to the other's
	EditorApart     = "editor: not a copy" // an editor decided the two are different items
)

// Check verifies the pair a, b: with the rules' Model when it has one,
// else with the veto stack.
func (r Rules) Check(a, b *Evidence) Match {
	if r.Model != nil {
		return r.decide(a, b)
	}
	m, _ := overlap(a, b)
	sa, sb := a.short(), b.short()
	small, large := a, b
	if small.Shingles > large.Shingles {
		small, large = large, small
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
		// The side with fewer figures, ties broken by fewer distinct pairs,
		// so that the verdict does not depend on the argument order.
		if fewer.NFigures > other.NFigures || fewer.NFigures == other.NFigures && len(fewer.FigurePairs) > len(other.FigurePairs) {
			fewer, other = other, fewer
		}
		if len(fewer.FigurePairs) > 0 {
			m.FigureOrder = float64(intersection(fewer.FigurePairs, other.FigurePairs)) / float64(len(fewer.FigurePairs))
			if m.FigureOrder < r.FigureOrder {
				m.Reason = FigureOrderDiff
				return m
			}
		}
	}
	if r.Furniture != nil && a.Short != nil && b.Short != nil && m.Jaccard < SamePage && r.Furniture.furnitureOnly(a.Short.Sentences, b.Short.Sentences) {
		m.Reason = FurnitureOnly
		return m
	}
	if r.Lede > 0 && a.Lede.N > 0 && b.Lede.N > 0 && m.Jaccard < FollowUpBelow {
		m.Lede = a.Lede.Jaccard(&b.Lede)
		if m.Lede < r.Lede {
			m.Reason = LedesDiffer
			return m
		}
	}
	if r.Subject > 0 && sa.About != nil && sb.About != nil {
		if reason := r.subject(sa.About, sb.About, &m); reason != "" {
			m.Reason = reason
			return m
		}
	}
	if a.Short == nil || b.Short == nil {
		m.Verified = true
		return m
	}
	if r.ShortWindow > 0 && min(sa.NWords, sb.NWords) <= int32(r.ShortBelow) && m.Hours > r.ShortWindow.Hours() {
		m.Reason = ShortApart
		return m
	}
	m.Verified = true
	return m
}

// overlap is the evidence every decision starts from: the Jaccard
// similarity (exact for two short articles, where estimates are noisiest
// and templated briefs sit closest to the threshold; else estimated from
// the signatures), the containment of the smaller in the larger, the
// hours apart and the figures and names shared, with the other fields
// marked not applied; and the size of the intersection.
func overlap(a, b *Evidence) (Match, float64) {
	sa, sb := a.short(), b.short()
	m := Match{Jaccard: lsh.Similarity(a.Signature, b.Signature), Figures: shared(sa.Figures, sb.Figures),
		Names: shared(sa.Names, sb.Names), Hours: -1, Subjects: -1, FigureOrder: -1, Lede: -1, P: -1}
	if sa.Set != nil && sb.Set != nil {
		m.Jaccard = jaccard(sa.Set, sb.Set)
	}
	inter := 0.0
	if small := min(a.Shingles, b.Shingles); small > 0 {
		// |A∩B| = J·(|A|+|B|)/(1+J), from J = |A∩B| / (|A|+|B|−|A∩B|).
		inter = m.Jaccard * float64(a.Shingles+b.Shingles) / (1 + m.Jaccard)
		m.Containment = math.Min(1, inter/float64(small))
	}
	if a.Published != Undated && b.Published != Undated {
		m.Hours = math.Abs(float64(a.Published-b.Published)) / 3600
	}
	return m, inter
}

// decide is Check with a Model: the window, then the model's probability
// against its cut.
func (r Rules) decide(a, b *Evidence) Match {
	m, f := r.Evidence(a, b)
	m.P = r.Model.P(&f)
	m.Why = r.Model.Why(&f)
	switch {
	case r.Window > 0 && m.Hours > r.Window.Hours():
		m.Reason = OutsideWindow
	case f[FFurniture] == 1:
		// Two pages that share nothing but furniture are different pages
		// by definition; no labelled source has such pairs for the model
		// to weigh, so the rule stays.
		m.Reason = FurnitureOnly
	case m.P >= r.Model.Cut:
		m.Reason, m.Verified = ByModel, true
	default:
		m.Reason = BelowCut
	}
	return m
}

// subject is the subject test (see Rules.Subject); it returns a Reason
// when the pair fails it, "" otherwise.
func (r Rules) subject(a, b *About, m *Match) string {
	// Title words are set aside when the bodies are one text (a new
	// headline, a corrected typo), unless a "title" is the start of the
	// text itself (an untitled page); title figures never are: the same body
	// under "12:10 EDT" and "12:20 EDT" is two reports.
	words := a.Flash || b.Flash || a.Untitled || b.Untitled || m.Jaccard < SameText
	ua, ub := r.unmatched(a, b, words), r.unmatched(b, a, words)
	m.Subjects = min(ua, ub)
	if a.Flash != b.Flash {
		m.Subjects = max(ua, ub)
	}
	if m.Subjects > 0 {
		return SubjectsDiffer
	}
	fa, fb := a.titleFigures(), b.titleFigures()
	if !a.Subject.Corrected && !b.Subject.Corrected && len(fa) > 0 && len(fb) > 0 && !subset(fa, fb) && !subset(fb, fa) {
		return TitleFigures
	}
	return ""
}

// titleFigures are the figures of the title that say what the item is:
// all of a brief's; those of a story that its lede repeats (a headline's
// figure is the story's, a figure of the headline alone is decoration).
func (a *About) titleFigures() []uint64 {
	if !a.Story {
		return a.Subject.Figures
	}
	var out []uint64
	for _, f := range a.Subject.Figures {
		if contains32(a.OwnFigures, uint32(f)) {
			out = append(out, f)
		}
	}
	return out
}

// unmatched counts what a's title is about that b's title and lede do not
// mention: its rare title words absent from b's (when titleWords), and its title figures absent from b's
// figures (unless either title marks a correction).
func (r Rules) unmatched(a, b *About, titleWords bool) int {
	n := 0
	for _, w := range a.Subject.Words {
		// A rare title word names a's subject when a is a brief (whose
		// subject may be in its title alone: "VARLEN SETS DIVIDEND", "Qtly
		// div 10 cts") or a's own lede says it too (a story's headline
		// names what its lede is about), unless a's text
		// writes it in lower case and never as a name: "Phillips" does,
		// "faulted" does not. Without case to go by (a flash, an
		// all-capitals text), rarity alone decides.
		if titleWords && r.Vocabulary.Rare(w.Whole, r.Subject) && !b.mentionsStem(w.Stem) &&
			(!a.Story || contains32(a.Own, uint32(w.Stem))) &&
			!(contains32(a.Lower, uint32(w.Whole)) && !contains32(a.Names, uint32(w.Whole))) {
			n++
		}
	}
	if a.Subject.Corrected || b.Subject.Corrected {
		return n // a correction may change a figure of the title
	}
	for _, f := range a.titleFigures() {
		if !b.mentionsFigure(f) {
			n++
		}
	}
	return n
}
