package cluster_test

import (
	"math"
	"testing"
	"time"

	"github.com/neardup/neardup/cluster"
)

// sig returns a 100-value signature sharing its first `same` values with
// base.
func sig(same int) []uint16 {
	s := make([]uint16, 100)
	for i := range s {
		if i < same {
			s[i] = uint16(i)
		} else {
			s[i] = uint16(1000 + same*100 + i)
		}
	}
	return s
}

func TestRulesCheck(t *testing.T) {
	day := time.Date(1987, 3, 2, 9, 0, 0, 0, time.UTC).Unix()
	hours := func(h int64) int64 { return day + h*3600 }
	base := cluster.Evidence{Signature: sig(100), Shingles: 400, Short: &cluster.Short{Figures: []uint64{1, 2, 3, 4}}, Published: day}
	tests := []struct {
		name   string
		rules  cluster.Rules
		other  cluster.Evidence
		reason string
		check  func(m cluster.Match) bool
	}{
		{"jaccard", cluster.Rules{Threshold: 0.5},
			cluster.Evidence{Signature: sig(60), Shingles: 400, Published: cluster.Undated}, cluster.ByJaccard,
			func(m cluster.Match) bool { return m.Jaccard == 0.6 && m.Figures == -1 && m.Hours == -1 }},
		{"below threshold", cluster.Rules{Threshold: 0.5},
			cluster.Evidence{Signature: sig(30), Shingles: 400, Published: cluster.Undated}, cluster.NotSimilar, nil},
		// A lede-only copy: 100 of 400 shingles, all shared. J = 0.25,
		// |A∩B| = 0.25·500/1.25 = 100, containment 1.
		{"containment for a cut copy", cluster.Rules{Threshold: 0.5, Containment: 0.8},
			cluster.Evidence{Signature: sig(25), Shingles: 100, Published: cluster.Undated}, cluster.ByContainment,
			func(m cluster.Match) bool { return math.Abs(m.Containment-1) < 1e-9 }},
		{"containment off", cluster.Rules{Threshold: 0.5},
			cluster.Evidence{Signature: sig(25), Shingles: 100, Published: cluster.Undated}, cluster.NotSimilar, nil},
		{"containment needs the size ratio", cluster.Rules{Threshold: 0.5, Containment: 0.8, MinRatio: 0.5},
			cluster.Evidence{Signature: sig(25), Shingles: 100, Published: cluster.Undated}, cluster.NotSimilar, nil},
		{"inside the window", cluster.Rules{Threshold: 0.5, Window: 24 * time.Hour},
			cluster.Evidence{Signature: sig(90), Shingles: 400, Published: hours(20)}, cluster.ByJaccard,
			func(m cluster.Match) bool { return m.Hours == 20 }},
		{"outside the window", cluster.Rules{Threshold: 0.5, Window: 24 * time.Hour},
			cluster.Evidence{Signature: sig(90), Shingles: 400, Published: hours(-30)}, cluster.OutsideWindow, nil},
		{"window ignores undated", cluster.Rules{Threshold: 0.5, Window: time.Hour},
			cluster.Evidence{Signature: sig(90), Shingles: 400, Published: cluster.Undated}, cluster.ByJaccard, nil},
		{"figures agree", cluster.Rules{Threshold: 0.5, Figures: 0.75},
			cluster.Evidence{Signature: sig(90), Shingles: 300, Short: &cluster.Short{Figures: []uint64{1, 2, 4, 9}}, Published: cluster.Undated}, cluster.ByJaccard,
			func(m cluster.Match) bool { return m.Figures == 0.75 }},
		{"figures differ", cluster.Rules{Threshold: 0.5, Figures: 0.8},
			cluster.Evidence{Signature: sig(90), Shingles: 300, Short: &cluster.Short{Figures: []uint64{1, 2, 4, 9}}, Published: cluster.Undated}, cluster.FiguresDisagree, nil},
		{"no figures: no veto", cluster.Rules{Threshold: 0.5, Figures: 1},
			cluster.Evidence{Signature: sig(90), Shingles: 300, Published: cluster.Undated}, cluster.ByJaccard, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := tt.rules.Check(&base, &tt.other)
			if m.Reason != tt.reason || m.Verified != (tt.reason == cluster.ByJaccard || tt.reason == cluster.ByContainment) {
				t.Errorf("%+v, want reason %q", m, tt.reason)
			}
			if tt.check != nil && !tt.check(m) {
				t.Errorf("match %+v", m)
			}
			if m2 := tt.rules.Check(&tt.other, &base); m2 != m {
				t.Errorf("not symmetric: %+v vs %+v", m, m2)
			}
		})
	}
}
