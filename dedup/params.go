package dedup

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// Parameters are the parameters that decide a run's matching, one record
// for every place that keeps them: summary.json embeds it (report.Summary,
// with the input's own), a nightly state stores it in its MANIFEST and
// refuses a night whose parameters Diff finds other (state.Params), and
// the night's messages name them. ParametersOf builds it from the Config
// that the flags (internal/matchflags) build.
type Parameters struct {
	Shingle     string  `json:"shingle"`
	FoldAccents bool    `json:"fold_accents"`
	Signature   string  `json:"signature"`
	Hashes      int     `json:"hashes"`
	Bands       int     `json:"bands"`
	Rows        int     `json:"rows"`
	Threshold   float64 `json:"threshold"`
	Candidates  float64 `json:"candidate_threshold,omitempty"` // never 0 in a run: omitted, an older state's record that lacks it
	Containment float64 `json:"containment"`
	MinRatio    float64 `json:"containment_min_ratio"`
	Figures     float64 `json:"figures"`
	Names       float64 `json:"names"`
	VetoBelow   int     `json:"veto_below"`
	Window      string  `json:"window"` // FormatDuration
	Subject     float64 `json:"subject"`
	ShortBelow  int     `json:"short_below"`
	ShortWindow string  `json:"short_window"` // FormatDuration
	FigureOrder float64 `json:"figure_order"`
	Lede        float64 `json:"lede"`
	Furniture   int     `json:"furniture"`
	Model       string  `json:"model"` // the match model's hash (cluster.Rules.ModelID), or "off": the veto stack
	MeanLinkage bool    `json:"mean_linkage"`
	AntiChain   bool    `json:"anti_chain"`
	Boilerplate bool    `json:"boilerplate"`
	Seed        int64   `json:"seed"`
}

// ParametersOf are cfg's parameters (the verification threshold, when the
// rules leave it 0, the LSH one, as a run takes it).
func ParametersOf(cfg Config) Parameters {
	r := cfg.Rules
	if r.Threshold == 0 {
		r.Threshold = cfg.LSH.Threshold
	}
	return Parameters{
		Shingle: cfg.Shingle.String(), FoldAccents: cfg.Shingle.FoldAccents, Signature: cfg.LSH.Scheme, Hashes: cfg.LSH.Hashes,
		Bands: cfg.LSH.Bands, Rows: cfg.LSH.Rows, Threshold: r.Threshold, Candidates: cfg.LSH.Threshold,
		Containment: r.Containment, MinRatio: r.MinRatio, Figures: r.Figures, Names: r.Names, VetoBelow: r.VetoBelow,
		Window: FormatDuration(r.Window), Subject: r.Subject, ShortBelow: r.ShortBelow, ShortWindow: FormatDuration(r.ShortWindow),
		FigureOrder: r.FigureOrder, Lede: r.Lede, Furniture: r.FurnitureMin, Model: r.ModelID(), MeanLinkage: r.MeanLinkage,
		AntiChain: cfg.AntiChain, Boilerplate: cfg.Boilerplate, Seed: cfg.LSH.Seed,
	}
}

// Diff lists what differs between two records of parameters, by their
// JSON names, "name: old X, new Y" in name order (old and new name the
// two sides: "state", "flags"). Both may be any JSON-tagged struct of
// parameters (a state's record embeds Parameters). A parameter the old
// record does not have (written by an older neardup) is not compared;
// durations compare by value ("48h0m0s", an older state's, is "48h").
func Diff(old, new any, oldName, newName string) []string {
	a, b := fields(old), fields(new)
	var diffs []string
	for k, w := range b {
		v, ok := a[k]
		if !ok || fmt.Sprint(v) == fmt.Sprint(w) || sameDuration(v, w) {
			continue
		}
		diffs = append(diffs, fmt.Sprintf("%s: %s %v, %s %v", k, oldName, v, newName, w))
	}
	slices.Sort(diffs)
	return diffs
}

func fields(v any) map[string]any {
	var m map[string]any
	b, _ := json.Marshal(v)
	json.Unmarshal(b, &m)
	return m
}

// sameDuration reports whether two values are the same duration written
// two ways ("48h", "48h0m0s"; "off" and "0s").
func sameDuration(a, b any) bool {
	sa, okA := a.(string)
	sb, okB := b.(string)
	if !okA || !okB {
		return false
	}
	da, errA := ParseDuration(sa)
	db, errB := ParseDuration(sb)
	return errA == nil && errB == nil && da == db
}

// ParseDuration reads a duration as FormatDuration writes it (and as Go
// does), "off" being 0.
func ParseDuration(s string) (time.Duration, error) {
	if s == "off" {
		return 0, nil
	}
	return time.ParseDuration(s)
}
