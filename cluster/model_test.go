package cluster_test

import (
	"strings"
	"testing"

	"github.com/neardup/neardup/cluster"
)

func TestParseModel(t *testing.T) {
	m, err := cluster.ParseModel([]byte(`{"format": 1, "features": ["lede", "jaccard"], "weights": [2, 5], "bias": -3, "cut": 0.6}`))
	if err != nil {
		t.Fatal(err)
	}
	if m.Weights[cluster.FJaccard] != 5 || m.Weights[cluster.FLede] != 2 || m.Weights[cluster.FContainment] != 0 || m.Hash == "" {
		t.Errorf("weights by name: %+v", m)
	}
	var f cluster.Features
	f[cluster.FJaccard] = 1
	if p := m.P(&f); p < 0.88 || p > 0.89 { // σ(2)
		t.Errorf("P = %v, want σ(2)", p)
	}
	other, _ := cluster.ParseModel([]byte(`{"format": 1, "features": ["lede", "jaccard"], "weights": [2, 5], "bias": -3, "cut": 0.61}`))
	if other.Hash == m.Hash {
		t.Errorf("two model files, one hash %s", m.Hash)
	}
	for _, tt := range []struct{ name, file, want string }{
		{"not JSON", `{`, "model:"},
		{"format", `{"format": 2, "features": [], "weights": [], "cut": 0.5}`, "format 2"},
		{"lengths", `{"format": 1, "features": ["jaccard"], "weights": [], "cut": 0.5}`, "1 features but 0 weights"},
		{"unknown", `{"format": 1, "features": ["colour"], "weights": [1], "cut": 0.5}`, `unknown feature "colour"`},
		{"twice", `{"format": 1, "features": ["lede", "lede"], "weights": [1, 1], "cut": 0.5}`, "listed twice"},
		{"cut", `{"format": 1, "features": [], "weights": [], "cut": 1}`, "cut 1"},
		{"no cut", `{"format": 1, "features": [], "weights": []}`, "cut 0"},
	} {
		if _, err := cluster.ParseModel([]byte(tt.file)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
}

// TestCheckWithModel: with a model the decision is its probability
// against the cut; the date window and the furniture rule stay hard.
func TestCheckWithModel(t *testing.T) {
	m, err := cluster.ParseModel([]byte(`{"format": 1, "features": ["jaccard"], "weights": [10], "bias": -5, "cut": 0.5}`))
	if err != nil {
		t.Fatal(err)
	}
	rules := cluster.Rules{Model: m, Window: 0}
	a := cluster.Evidence{Signature: sig(100), Shingles: 400, Published: cluster.Undated}
	for _, tt := range []struct {
		same     int
		verified bool
		reason   string
	}{{80, true, cluster.ByModel}, {40, false, cluster.BelowCut}} {
		b := cluster.Evidence{Signature: sig(tt.same), Shingles: 400, Published: cluster.Undated}
		got := rules.Check(&a, &b)
		if got.Verified != tt.verified || got.Reason != tt.reason || got.P < 0 || got.Why[0].Name() != "overlap" {
			t.Errorf("%d%% shared: %+v", tt.same, got)
		}
	}
	rules.Window = 3600e9 // an hour
	a.Published = 0
	b := cluster.Evidence{Signature: sig(100), Shingles: 400, Published: 7200}
	if got := rules.Check(&a, &b); got.Verified || got.Reason != cluster.OutsideWindow {
		t.Errorf("two hours apart with a one-hour window: %+v", got)
	}
}
