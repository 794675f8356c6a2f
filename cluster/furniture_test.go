package cluster

import (
	"testing"

	"github.com/neardup/neardup/lsh"
)

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
	signer := lsh.Params{Scheme: lsh.OPH, Hashes: LedeHashes, Seed: 1}.NewSigner()
	sig := func(hs ...uint64) []uint16 { return signer.Sign(hs, nil) }
	rules := Rules{Threshold: 0.3, Lede: 0.2}
	base := func(j float64, lede []uint16) *Evidence {
		// Signatures of 128 values agreeing on a share j of positions.
		s := make([]uint16, 128)
		for i := range s {
			s[i] = uint16(i)
		}
		return &Evidence{Signature: s, Shingles: 300, Published: Undated, Lede: lede}
	}
	a := base(1, sig(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20))
	b := base(1, sig(101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120))
	// b shares 40 % of a's signature: a follow-up's share.
	for i := range b.Signature {
		if i%5 >= 2 {
			b.Signature[i] = 9999
		}
	}
	if m := rules.Check(a, b); m.Reason != LedesDiffer || m.Lede > 0.2 {
		t.Errorf("new lede, 40 %% shared: %q (lede %v), want %q", m.Reason, m.Lede, LedesDiffer)
	}
	c := base(1, sig(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 21))
	c.Signature = b.Signature
	if m := rules.Check(a, c); m.Reason != ByJaccard {
		t.Errorf("kept lede: %q, want %q", m.Reason, ByJaccard)
	}
	// A close pair (Jaccard ≥ FollowUpBelow) is a rewrite whatever its lede.
	if m := rules.Check(a, base(1, b.Lede)); m.Reason != ByJaccard || m.Lede != -1 {
		t.Errorf("identical texts, other lede: %q (lede %v), want %q unlooked", m.Reason, m.Lede, ByJaccard)
	}
}
