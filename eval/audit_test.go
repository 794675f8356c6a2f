package eval

import (
	"math"
	"testing"
)

func TestAudit(t *testing.T) {
	clusters := []AuditCluster{
		{"c1", "m1", "m2", "m3"}, // m3 distinct
		{"c2", "m4"},             // pure, labelled in reverse order
		{"c3", "m5"},             // unlabelled
	}
	labels := []PairLabel{
		{A: "c1", B: "m1", Label: "dup"},
		{A: "c1", B: "m2", Label: "dup"},
		{A: "c1", B: "m3", Label: "distinct", Why: "another bank"},
		{A: "m4", B: "c2", Label: "dup"},
		{A: "m1", B: "m2", Label: "dup"}, // not a (canonical, member) pair: unused
	}
	s, err := Audit(clusters, labels, AuditOptions{Top: 2, Sample: 1})
	if err != nil {
		t.Fatal(err)
	}
	if s.Dropped != 5 || s.Sampled != 5 || s.Labelled != 4 || s.Distinct != 1 {
		t.Fatalf("counts %+v", s)
	}
	if s.DistinctRate != 0.25 {
		t.Errorf("distinct share %v, want 0.25", s.DistinctRate)
	}
	if s.TopClusters != 2 || s.TopPure != 1 || len(s.TopImpure) != 1 || s.TopImpure[0] != 1 {
		t.Errorf("top: %d clusters, %d pure, impure %v", s.TopClusters, s.TopPure, s.TopImpure)
	}
	// With the third cluster in the top: unlabelled, neither pure nor
	// impure.
	s3, _ := Audit(clusters, labels, AuditOptions{Top: 3, Sample: 1})
	if s3.TopPure != 1 || len(s3.TopImpure) != 1 || len(s3.TopUnsure) != 1 || s3.TopUnsure[0] != 3 {
		t.Errorf("top 3: %d pure, impure %v, not fully labelled %v; want 1, [1], [3]", s3.TopPure, s3.TopImpure, s3.TopUnsure)
	}
	if len(s.WrongPairs) != 1 || s.WrongPairs[0].Member != "m3" || s.WrongPairs[0].Why != "another bank" {
		t.Errorf("wrong pairs %+v", s.WrongPairs)
	}
	if len(s.Unlabelled) != 1 || s.Unlabelled[0].Member != "m5" || s.Unlabelled[0].Cluster != 3 {
		t.Errorf("unlabelled %+v", s.Unlabelled)
	}
	if !(s.Low < 0.25 && s.High > 0.25) {
		t.Errorf("interval [%v, %v] does not hold the share", s.Low, s.High)
	}
}

func TestAuditConflictingLabels(t *testing.T) {
	_, err := Audit([]AuditCluster{{"c", "m"}}, []PairLabel{{A: "c", B: "m", Label: "dup"}, {A: "m", B: "c", Label: "distinct"}}, AuditOptions{Sample: 1})
	if err == nil {
		t.Error("two labels of one pair that disagree: no error")
	}
}

// TestWilson checks the interval against published values (Newcombe 1998,
// table I: 81/263 → 0.2553–0.3662; 0/10 → 0–0.2775).
func TestWilson(t *testing.T) {
	for _, tt := range []struct {
		k, n   int
		lo, hi float64
	}{{81, 263, 0.2553, 0.3662}, {0, 10, 0, 0.2775}, {15, 148, 0.0624, 0.1605}} {
		lo, hi := Wilson(tt.k, tt.n)
		if math.Abs(lo-tt.lo) > 5e-4 || math.Abs(hi-tt.hi) > 5e-4 {
			t.Errorf("Wilson(%d, %d) = [%.4f, %.4f], want [%.4f, %.4f]", tt.k, tt.n, lo, hi, tt.lo, tt.hi)
		}
	}
}

// TestSampledStable: the sample depends on the ID alone, and its size
// follows the share.
func TestSampledStable(t *testing.T) {
	n := 0
	for i := range 10000 {
		id := "id" + string(rune('a'+i%26)) + string(rune('0'+i%10)) + itoa(i)
		if Sampled(id, 0.2) != Sampled(id, 0.2) {
			t.Fatal("not stable")
		}
		if Sampled(id, 0.2) {
			n++
		}
		if Sampled(id, 0.1) && !Sampled(id, 0.2) {
			t.Fatalf("%s in the 10 %% sample but not in the 20 %% one", id)
		}
	}
	if n < 1800 || n > 2200 {
		t.Errorf("%d of 10000 sampled at 0.2", n)
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}
