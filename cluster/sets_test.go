package cluster

import "testing"

func TestJaccard(t *testing.T) {
	tests := []struct {
		a, b []uint64
		want float64
	}{
		{nil, nil, 0},
		{[]uint64{1}, nil, 0},
		{[]uint64{1, 2, 3}, []uint64{1, 2, 3}, 1},
		{[]uint64{1, 2, 3}, []uint64{2, 3, 4}, 0.5},
		{[]uint64{1, 2}, []uint64{3, 4}, 0},
		{[]uint64{1, 2, 3, 4}, []uint64{4}, 0.25},
	}
	for _, tt := range tests {
		if got := jaccard(tt.a, tt.b); got != tt.want {
			t.Errorf("jaccard(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		// The lede test's 16-bit sets give the same.
		a16, b16 := make([]uint16, len(tt.a)), make([]uint16, len(tt.b))
		for i, v := range tt.a {
			a16[i] = uint16(v)
		}
		for i, v := range tt.b {
			b16[i] = uint16(v)
		}
		if got := jaccard(a16, b16); got != tt.want {
			t.Errorf("jaccard of 16-bit %v, %v = %v, want %v", a16, b16, got, tt.want)
		}
	}
}

func TestSharedAndSubset(t *testing.T) {
	if got := shared([]uint64{1, 2, 3, 4}, []uint64{2, 4}); got != 1 {
		t.Errorf("shared = %v, want 1: both of the smaller set", got)
	}
	if got := shared(nil, []uint64{1}); got != -1 {
		t.Errorf("shared with an empty set = %v, want -1", got)
	}
	if !subset([]uint64{2, 4}, []uint64{1, 2, 3, 4}) || subset([]uint64{2, 5}, []uint64{1, 2, 3, 4}) {
		t.Error("subset wrong")
	}
}
