package cluster

import "math"

// The features a Model weighs: the evidence the vetoes look at, as
// numbers. Each feature that can be missing (no lede, no figures, no date)
// has an indicator beside it, and its value is 0 when missing, so that a
// missing value is explicit and never read as a low one.
const (
	FJaccard            = iota // Jaccard similarity of the shingle sets (exact for two short articles, else estimated)
	FContainment               // |A∩B| / |smaller|
	FContainmentLarger         // |A∩B| / |larger|
	FLengthRatio               // |smaller| / |larger|, in shingles
	FLede                      // Jaccard similarity of the two ledes (first LedeShingles shingles)
	FLedeMissing               // either is not a story (fewer than MinLedeWords shingles)
	FFollowUp                  // (1 − lede) when the two share less than a follow-up can (Jaccard < FollowUpBelow); 0 otherwise
	FSubjects                  // subject test: rare title words or title figures of one side the other never mentions (capped at 3)
	FTitleFigures              // 1: both titles carry figures and neither's are all in the other
	FSubjectMissing            // the subject test does not apply (a long article, or no title evidence)
	FFigures                   // share of the figures of the one with fewer found in the other
	FFiguresMissing            // one has no figures, or is long
	FNames                     // share of the names of the one with fewer found in the other
	FNamesMissing              // one has no names, or is long
	FFigureOrder               // share of consecutive figure pairs of the table with fewer figures in the other
	FFigureOrderMissing        // not two short tables of MinTableFigures figures
	FHours                     // log(1 + hours between the dates); 0 when a date is missing
	FShortHours                // FHours when both are short items (ShortBelow words or fewer): the next day's report
	FFlash                     // one or both are title-only flashes
	FShortPair                 // both are short (under VetoBelow shingles)
	FStoryPair                 // both are stories (MinLedeWords shingles or more)
	FFurniture                 // 1: the two share only page furniture (Rules.Furniture)

	// The vetoes' verdicts, as numbers (1: the veto would fire), at the
	// rules' levers: what a linear model needs to weigh a threshold the
	// raw value crosses.
	FSimilar     // Jaccard ≥ Threshold, or containment ≥ Containment with the smaller at least MinRatio of the larger
	FFiguresVeto // short, and figures shared under Figures
	FSubjectVeto // the subject test fails (subjects unmatched or title figures differ)
	FLedeVeto    // ledes less alike than Lede in a pair sharing less than a follow-up can
	FOrderVeto   // two tables whose figure order agrees under FigureOrder
	FShortApart  // two short items further apart than ShortWindow
	NFeatures
)

// FeatureNames name the features, in order, in model files and
// explanations.
var FeatureNames = [NFeatures]string{
	"jaccard", "containment", "containment_larger", "length_ratio", "lede", "lede_missing", "follow_up",
	"subjects_unmatched", "title_figures_differ", "subject_missing", "figures_shared", "figures_missing",
	"names_shared", "names_missing", "figure_order", "figure_order_missing", "hours", "short_hours",
	"flash", "short_pair", "story_pair", "furniture_only",
	"similar", "figures_veto", "subject_veto", "lede_veto", "order_veto", "short_apart",
}

// Features are one pair's feature values, indexed by the F constants.
type Features [NFeatures]float64

// Evidence computes every piece of evidence about the pair a, b that the
// rules know how to gather, without deciding: a Match with its numbers
// (Verified false, Reason empty) and the same evidence as Features. It is
// symmetric: Evidence(a, b) and Evidence(b, a) give the same values.
func (r Rules) Evidence(a, b *Evidence) (Match, Features) {
	var f Features
	sa, sb := a.short(), b.short()
	m, inter := overlap(a, b)
	small, large := a, b
	if small.Shingles > large.Shingles {
		small, large = large, small
	}
	f[FJaccard] = m.Jaccard
	if small.Shingles > 0 {
		f[FContainment] = m.Containment
		f[FContainmentLarger] = math.Min(1, inter/float64(large.Shingles))
		f[FLengthRatio] = float64(small.Shingles) / float64(large.Shingles)
	}
	if m.Hours >= 0 {
		// A missing date is 0 hours apart, as the window reads it: a
		// feature of its own would learn which corpora come undated
		// (SemEval's different stories all do), not what makes a copy.
		f[FHours] = math.Log1p(m.Hours)
	}
	missing := func(v float64, value, indicator int) {
		if v < 0 {
			f[indicator] = 1
			return
		}
		f[value] = v
	}
	missing(m.Figures, FFigures, FFiguresMissing)
	missing(m.Names, FNames, FNamesMissing)
	if a.Lede.N > 0 && b.Lede.N > 0 {
		m.Lede = a.Lede.Jaccard(&b.Lede)
		f[FLede] = m.Lede
		if m.Jaccard < FollowUpBelow {
			f[FFollowUp] = 1 - m.Lede
		}
	} else {
		f[FLedeMissing] = 1
	}
	if a.Short != nil && b.Short != nil {
		f[FShortPair] = 1
		if min(sa.NFigures, sb.NFigures) >= MinTableFigures {
			m.FigureOrder = figureOrder(sa, sb)
		}
		if r.Furniture != nil && m.Jaccard < SamePage && r.Furniture.furnitureOnly(sa.Sentences, sb.Sentences) {
			f[FFurniture] = 1
		}
		if min(sa.NWords, sb.NWords) <= int32(r.ShortBelow) {
			f[FShortHours] = f[FHours]
			f[FShortApart] = indicator(r.ShortWindow > 0 && m.Hours > r.ShortWindow.Hours())
		}
	}
	missing(m.FigureOrder, FFigureOrder, FFigureOrderMissing)
	f[FSubjectMissing] = 1
	if r.Subject > 0 && sa.About != nil && sb.About != nil {
		titleFigures := r.subject(sa.About, sb.About, &m) == TitleFigures
		f[FSubjectMissing] = 0
		f[FSubjects] = float64(min(m.Subjects, 3))
		if titleFigures {
			f[FTitleFigures] = 1
		}
		f[FSubjectVeto] = indicator(titleFigures || m.Subjects > 0)
		if sa.About.Flash || sb.About.Flash {
			f[FFlash] = 1
		}
	}
	if a.Shingles >= MinLedeWords && b.Shingles >= MinLedeWords {
		f[FStoryPair] = 1
	}
	f[FSimilar] = indicator(m.Jaccard >= r.Threshold || r.Containment > 0 && m.Containment >= r.Containment &&
		float64(small.Shingles) >= r.MinRatio*float64(large.Shingles))
	short := r.VetoBelow == 0 || int(small.Shingles) < r.VetoBelow
	f[FFiguresVeto] = indicator(short && m.Figures >= 0 && m.Figures < r.Figures)
	f[FLedeVeto] = indicator(m.Lede >= 0 && m.Jaccard < FollowUpBelow && m.Lede < r.Lede)
	f[FOrderVeto] = indicator(m.FigureOrder >= 0 && m.FigureOrder < r.FigureOrder)
	return m, f
}

func indicator(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// figureOrder is the share of the consecutive figure pairs of the side
// with fewer figures found in the other (ties broken by fewer distinct
// pairs, so that it does not depend on the argument order); -1 when that
// side has no pairs.
func figureOrder(sa, sb *Short) float64 {
	fewer, other := sa, sb
	if fewer.NFigures > other.NFigures || fewer.NFigures == other.NFigures && len(fewer.FigurePairs) > len(other.FigurePairs) {
		fewer, other = other, fewer
	}
	if len(fewer.FigurePairs) == 0 {
		return -1
	}
	return float64(intersection(fewer.FigurePairs, other.FigurePairs)) / float64(len(fewer.FigurePairs))
}
