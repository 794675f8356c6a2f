package cluster

import "testing"

func TestFurnitureOnly(t *testing.T) {
	f := NewFurniture(3)
	// Sentences 1 and 2 are a notice on three pages; 10-19 are the pages'
	// own; 50 is a story sentence re-sent in three copies.
	for _, page := range [][]uint32{{1, 2, 10, 11}, {1, 2, 12, 13}, {1, 2, 14, 15}, {50, 16}, {50, 17}, {50, 18}} {
		f.Add(page)
	}
	tests := []struct {
		name string
		a, b []uint32
		want bool
	}{
		{"two pages under one notice", []uint32{1, 2, 10, 11}, []uint32{1, 2, 12, 13}, true},
		{"a page and its copy share their own sentences", []uint32{1, 2, 10, 11}, []uint32{1, 2, 10, 11, 19}, false},
		{"one shared furniture sentence is not a notice", []uint32{50, 16, 17}, []uint32{50, 18, 19}, false},
		{"a page that is all notice has nothing of its own", []uint32{1, 2}, []uint32{1, 2, 12, 13}, false},
		{"little of its own: a syndicated story under a short introduction", []uint32{1, 2, 60, 61, 62, 10}, []uint32{1, 2, 60, 61, 62, 12}, false},
	}
	for _, f2 := range []*Furniture{f} {
		// 60-62 are furniture for the last case: a story repeated widely.
		for range 3 {
			f2.Add([]uint32{60, 61, 62})
		}
	}
	for _, tt := range tests {
		if got := f.furnitureOnly(tt.a, tt.b); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
		if got := f.furnitureOnly(tt.b, tt.a); got != tt.want {
			t.Errorf("%s (reversed): %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestLedeTest(t *testing.T) {
	rules := Rules{Threshold: 0.3, Lede: 0.2}
	seq := func(from int) []uint64 {
		var hs []uint64
		for i := range LedeShingles + 40 {
			hs = append(hs, uint64(from+i)*0x9e3779b97f4a7c15)
		}
		return hs
	}
	// Signatures of 128 values that agree on a given share of positions.
	ev := func(agree float64, lede []uint64) *Evidence {
		s := make([]uint16, 128)
		for i := range s {
			s[i] = uint16(i)
			if float64(i) >= agree*128 {
				s[i] = uint16(1000 + i)
			}
		}
		return &Evidence{Signature: s, Shingles: 300, Published: Undated, Lede: NewLede(lede)}
	}
	story := ev(1, seq(0))
	if n := story.Lede.N; n != LedeShingles {
		t.Fatalf("lede of %d shingles, want %d", n, LedeShingles)
	}
	followUp := ev(0.4, seq(1000)) // 40 % shared, a new lede
	if m := rules.Check(story, followUp); m.Reason != LedesDiffer || m.Lede != 0 {
		t.Errorf("new lede, 40 %% shared: %q (lede %v), want %q", m.Reason, m.Lede, LedesDiffer)
	}
	edited := ev(0.4, append(seq(0)[:LedeShingles-3], seq(5000)...)) // the lede edited at its end
	if m := rules.Check(story, edited); m.Reason != ByJaccard || m.Lede < 0.5 || m.Lede == 1 {
		t.Errorf("kept lede: %q (lede %v), want %q", m.Reason, m.Lede, ByJaccard)
	}
	// A close pair (Jaccard ≥ FollowUpBelow) is a rewrite whatever its lede:
	// a re-ordered copy may have moved it.
	if m := rules.Check(story, ev(0.9, seq(1000))); m.Reason != ByJaccard || m.Lede != -1 {
		t.Errorf("close pair, other lede: %q (lede %v), want %q unlooked", m.Reason, m.Lede, ByJaccard)
	}
	// Short texts keep no lede and are not looked at.
	if l := NewLede(nil); l.N != 0 {
		t.Errorf("empty lede has %d", l.N)
	}
}
