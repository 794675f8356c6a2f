package cluster

import (
	"testing"
	"time"

	"github.com/neardup/neardup/shingle"
)

// short builds the evidence of a short item from its title and text, as
// the pipeline does.
func short(title, text string, flash bool, published time.Time) *Evidence {
	sh := shingle.Options{Kind: shingle.Word, N: 3}.Shingles(text)
	pairs, nf := shingle.FigurePairs(text)
	return &Evidence{
		Shingles:  int32(len(sh)),
		Published: published.Unix(),
		Short: &Short{Set: sh, Figures: shingle.Figures(text), Names: shingle.Names(text),
			NWords: int32(len(shingle.Words(text, false))), FigurePairs: pairs, NFigures: int32(nf),
			About: &About{Subject: shingle.TitleSubject(title, false), Own: Low32(stems(shingle.Lede(text, LedeWords))),
				OwnFigures: Low32(shingle.Figures(shingle.Lede(text, LedeWords))), Flash: flash,
				Names: Low32(names(shingle.Lede(text, LedeWords), flash)), Lower: Low32(lower(shingle.Lede(text, LedeWords), flash)),
				Story: len(shingle.Words(text, false)) >= MinLedeWords}},
	}
}

func TestSubjectTest(t *testing.T) {
	t0 := time.Date(1987, 4, 2, 10, 0, 0, 0, time.UTC)
	flash := func(title string, at time.Time) *Evidence { return short(title, title, true, at) }
	rules := Rules{Threshold: 0.3, Containment: 0.6, VetoBelow: 150, Subject: 0.02, ShortBelow: 60, ShortWindow: 20 * time.Hour, FigureOrder: 0.6}
	// A vocabulary in which bank names are rare and the template is not.
	vocab := NewVocabulary()
	_, common := shingle.WordSet("raises prime rate to pct from effective today bank said it its the", false)
	for range 200 {
		vocab.Add(common)
	}
	rules.Vocabulary = vocab
	tests := []struct {
		name string
		a, b *Evidence
		want string
	}{
		{"flashes of two banks from one template",
			flash("CHASE MANHATTAN RAISES PRIME RATE TO 8 PCT FROM 7-3/4", t0),
			flash("IRVING TRUST RAISES PRIME RATE TO 8 PCT FROM 7-3/4", t0.Add(time.Hour)), SubjectsDiffer},
		{"the same flash re-sent",
			flash("CHASE MANHATTAN RAISES PRIME RATE TO 8 PCT FROM 7-3/4", t0),
			flash("CHASE MANHATTAN RAISES PRIME RATE TO 8 PCT FROM 7-3/4 PCT", t0.Add(time.Minute)), ByJaccard},
		{"a flash and a story on another bank that names it as background",
			flash("CHASE MANHATTAN RAISES PRIME RATE TO 8 PCT FROM 7-3/4", t0),
			short("IRVING TRUST RAISES PRIME RATE TO 8 PCT", "Irving Trust said it raises its prime rate to 8 pct from 7-3/4 pct, effective today, following Chase Manhattan.", false, t0.Add(2*time.Hour)), SubjectsDiffer},
		{"a market report for another hour",
			short("MIDWEST GRAIN FUTURES 12:30 EDT", "Minneapolis wheat May 284 up 1 Jul 280 off 1/2 Sep 276 up 1/2", false, t0),
			short("MIDWEST GRAIN FUTURES 12:50 EDT", "Minneapolis wheat May 284 up 1 Jul 280 off 1/2 Sep 276 up 1/2", false, t0.Add(20*time.Minute)), SubjectsDiffer},
		{"a correction keeps its changed title figure",
			short("ORCAS MARINE 1ST QTR SHR 25 CTS", "Orcas Marine said first quarter shr 25 cts vs 20 cts, net 1.2 mln vs 1.0 mln.", false, t0),
			short("CORRECTED - ORCAS MARINE 1ST QTR SHR 52 CTS", "Orcas Marine said first quarter shr 52 cts vs 20 cts, net 1.2 mln vs 1.0 mln.", false, t0.Add(time.Hour)), ByJaccard},
		{"the same short report a day later",
			short("FED SETS CUSTOMER REPURCHASES", "The Federal Reserve arranged customer repurchase agreements, a spokesman said.", false, t0),
			short("FED SETS CUSTOMER REPURCHASES", "The Federal Reserve arranged customer repurchase agreements, a spokesman said.", false, t0.Add(24*time.Hour)), ShortApart},
		{"the next release of a rate table",
			short("FHLBB CHANGES DISCOUNT NOTE RATES", "30-69 days 5.80 pct, 70-88 days 5.85 pct, 89-123 days 5.90 pct, 124-150 days 5.92 pct", false, t0),
			short("FHLBB CHANGES DISCOUNT NOTE RATES", "30-69 days 5.85 pct, 70-88 days 5.90 pct, 89-123 days 5.92 pct, 124-150 days 5.80 pct", false, t0.Add(time.Hour)), FigureOrderDiff},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := rules.Check(tt.a, tt.b)
			if m.Reason != tt.want {
				t.Errorf("reason %q, want %q (match %+v)", m.Reason, tt.want, m)
			}
			if back := rules.Check(tt.b, tt.a); back.Reason != m.Reason {
				t.Errorf("not symmetric: %q one way, %q the other", m.Reason, back.Reason)
			}
			off := rules
			off.Subject, off.FigureOrder, off.ShortWindow = 0, 0, 0
			if m := off.Check(tt.a, tt.b); tt.want != ByJaccard && !m.Verified {
				t.Errorf("with the tests off the pair is still rejected (%q): the case does not test them", m.Reason)
			}
		})
	}
}

func TestVocabularyRare(t *testing.T) {
	v := NewVocabulary()
	for i := range 100 {
		words := []uint64{1}
		if i < 2 {
			words = append(words, 2)
		}
		v.Add(words)
	}
	if v.Rare(1, 0.02) || !v.Rare(2, 0.02) || !v.Rare(3, 0.02) {
		t.Errorf("rare: common %v, in 2 of 100 %v, unseen %v", v.Rare(1, 0.02), v.Rare(2, 0.02), v.Rare(3, 0.02))
	}
	var nilV *Vocabulary
	if nilV.Rare(2, 0.02) {
		t.Error("a nil vocabulary calls a word rare")
	}
	small := NewVocabulary()
	small.Add([]uint64{5})
	small.Add([]uint64{5, 6})
	if !small.Rare(6, 0.02) || small.Rare(5, 0.02) {
		t.Error("in a small corpus a word of one article only must be rare")
	}
}

func names(text string, flash bool) []uint64 {
	if flash {
		return nil
	}
	return shingle.NamesFold(text, false)
}

func lower(text string, flash bool) []uint64 {
	if flash {
		return nil
	}
	return shingle.LowerWords(text, false)
}

func stems(text string) []uint64 {
	s, _ := shingle.WordSet(text, false)
	return s
}

// TestFigureOrderSymmetric: with as many figures on each side, the verdict
// does not depend on which article comes first (repeated values make the
// distinct pairs differ).
func TestFigureOrderSymmetric(t *testing.T) {
	rules := Rules{Threshold: 0.1, VetoBelow: 150, FigureOrder: 0.6}
	a := short("RATES", "rates 0.50 0.50 0.50 0.50 0.50 0.75 today in the market", false, time.Unix(0, 0))
	b := short("RATES", "rates 0.50 0.75 1.25 2.50 3.75 4.00 today in the market", false, time.Unix(0, 0))
	if x, y := rules.Check(a, b), rules.Check(b, a); x.Reason != y.Reason || x.FigureOrder != y.FigureOrder {
		t.Errorf("Check(a, b): %q %v; Check(b, a): %q %v", x.Reason, x.FigureOrder, y.Reason, y.FigureOrder)
	}
}
