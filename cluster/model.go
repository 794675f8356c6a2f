package cluster

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"slices"
)

// ModelFormat is the version of the model file format.
const ModelFormat = 1

// Model is the calibrated match decision: a logistic regression over a
// pair's Features that gives the probability that the two articles are the
// same news item, and the cut at or above which a pair is a copy. Package
// model fits one from labels and ships the default.
type Model struct {
	Weights [NFeatures]float64 // by feature
	Bias    float64
	Cut     float64 // probability at which a pair is a copy
	Hash    string  // of the model file it was read from: what summary.json and a state record
	File    ModelFile
}

// ModelFile is a model as a file holds it (JSON): the weights by name, the
// cut, and what it was trained on and how it scored, for the reader.
type ModelFile struct {
	Format   int                `json:"format"`
	Features []string           `json:"features"`
	Weights  []float64          `json:"weights"`
	Bias     float64            `json:"bias"`
	Cut      float64            `json:"cut"`
	Target   string             `json:"target,omitempty"` // how the cut was chosen
	Trained  []ModelSource      `json:"trained_on,omitempty"`
	Scores   map[string]float64 `json:"scores,omitempty"`
	Command  string             `json:"command,omitempty"` // the command that reproduces it
	Extra    json.RawMessage    `json:"loso,omitempty"`    // leave-one-source-out results, as the fitter wrote them
}

// ModelSource is one labelled source a model was trained on.
type ModelSource struct {
	Name     string `json:"name"`
	Dup      int    `json:"dup"`
	Distinct int    `json:"distinct"`
}

// ParseModel reads a model file. Features are matched by name, so a file
// may list them in any order; a feature this neardup does not compute is
// an error, one the file does not list has weight 0.
func ParseModel(data []byte) (*Model, error) {
	var f ModelFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("model: %v", err)
	}
	if f.Format != ModelFormat {
		return nil, fmt.Errorf("model: format %d, this neardup reads format %d", f.Format, ModelFormat)
	}
	if len(f.Features) != len(f.Weights) {
		return nil, fmt.Errorf("model: %d features but %d weights", len(f.Features), len(f.Weights))
	}
	if !(f.Cut > 0 && f.Cut < 1) {
		return nil, fmt.Errorf("model: cut %v: want a probability strictly between 0 and 1", f.Cut)
	}
	m := &Model{Bias: f.Bias, Cut: f.Cut, File: f}
	seen := map[string]bool{}
	for i, name := range f.Features {
		k := slices.Index(FeatureNames[:], name)
		if k < 0 {
			return nil, fmt.Errorf("model: unknown feature %q (this neardup computes %v)", name, FeatureNames)
		}
		if seen[name] {
			return nil, fmt.Errorf("model: feature %q listed twice", name)
		}
		seen[name] = true
		w := f.Weights[i]
		if math.IsNaN(w) || math.IsInf(w, 0) {
			return nil, fmt.Errorf("model: weight of %q is %v", name, w)
		}
		m.Weights[k] = w
	}
	if math.IsNaN(f.Bias) || math.IsInf(f.Bias, 0) {
		return nil, fmt.Errorf("model: bias %v", f.Bias)
	}
	sum := sha256.Sum256(data)
	m.Hash = hex.EncodeToString(sum[:8])
	return m, nil
}

// Logit is the model's log-odds for f.
func (m *Model) Logit(f *Features) float64 {
	z := m.Bias
	for i, w := range m.Weights {
		z += w * f[i]
	}
	return z
}

// P is the probability that a pair with features f is one news item.
func (m *Model) P(f *Features) float64 { return Sigmoid(m.Logit(f)) }

// Sigmoid is the logistic function.
func Sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// Contribution is one kind of evidence's share of a pair's log-odds:
// the sum of weight × value over its features (Groups).
type Contribution struct {
	Group   int8 // index into Groups; -1: none
	Unknown bool // the evidence could not be measured (no figures, no lede, a long article): its "missing" feature's weight alone
	Value   float32
}

// Name is the evidence's name ("" for none), "… not measured" when the
// contribution is that of the evidence being absent.
func (c Contribution) Name() string {
	if c.Group < 0 {
		return ""
	}
	if c.Unknown {
		return Groups[c.Group].Name + " not measured"
	}
	return Groups[c.Group].Name
}

// A Group is the features that read one kind of evidence. An editor is
// told a group's contribution, not each feature's: the features of one
// kind move together (Jaccard, containment both ways and the length
// ratio are functions of the same three counts), so one of their weights
// alone says little.
type Group struct {
	Name     string
	Features []int
	Missing  int // the feature that says the evidence is absent; -1: none
}

// Groups are the kinds of evidence Why reports, each feature in one.
var Groups = []Group{
	{"overlap", []int{FJaccard, FContainment, FContainmentLarger, FLengthRatio, FSimilar}, -1},
	{"lede", []int{FLede, FLedeMissing, FFollowUp, FLedeVeto}, FLedeMissing},
	{"subject", []int{FSubjects, FTitleFigures, FSubjectMissing, FSubjectVeto}, FSubjectMissing},
	{"figures", []int{FFigures, FFiguresMissing, FFiguresVeto}, FFiguresMissing},
	{"names", []int{FNames, FNamesMissing}, FNamesMissing},
	{"figure order", []int{FFigureOrder, FFigureOrderMissing, FOrderVeto}, FFigureOrderMissing},
	{"time apart", []int{FHours, FShortHours, FShortApart}, -1},
	{"kind", []int{FFlash, FShortPair, FStoryPair}, -1},
	{"furniture", []int{FFurniture}, -1},
}

// Why are the largest contributions to the decision by kind of evidence,
// largest in absolute value first (ties in Groups order): what an editor
// reads to trust or overrule it.
func (m *Model) Why(f *Features) [WhyN]Contribution {
	all := make([]Contribution, len(Groups))
	for g, group := range Groups {
		v := 0.0
		for _, i := range group.Features {
			v += m.Weights[i] * f[i]
		}
		all[g] = Contribution{Group: int8(g), Value: float32(v), Unknown: group.Missing >= 0 && f[group.Missing] == 1}
	}
	slices.SortStableFunc(all, func(a, b Contribution) int {
		return cmp.Compare(math.Abs(float64(b.Value)), math.Abs(float64(a.Value)))
	})
	var out [WhyN]Contribution
	for i := range out {
		out[i] = all[i]
		if math.Abs(float64(all[i].Value)) < 0.005 {
			out[i] = Contribution{Group: -1}
		}
	}
	return out
}

// WhyN is how many contributions a Match explains itself by.
const WhyN = 3

// ModelID names the decision of rules for summary.json and a nightly
// state: the model's hash, or "off" for the veto stack.
func (r Rules) ModelID() string {
	if r.Model == nil {
		return "off"
	}
	return r.Model.Hash
}

// Linkage is the Options.Linkage the rules cluster with: the model's cut
// with MeanLinkage, else 0 (the canonical link alone).
func (r Rules) Linkage() float64 {
	if r.Model == nil || !r.MeanLinkage {
		return 0
	}
	return r.Model.Cut
}
