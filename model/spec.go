package model

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/neardup/neardup/cluster"
	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/eval"
)

// Spec is a training set as a file describes it (JSON): its sources,
// each with its corpus and its labels. Relative paths are relative to the
// spec file's folder.
type Spec struct {
	Sources []struct {
		Name  string   `json:"name"`
		Pairs []string `json:"pairs,omitempty"` // --pairs label files
		Gold  string   `json:"gold,omitempty"`  // a --gold cluster file
		Input []string `json:"input"`           // what neardup run would be given
	} `json:"sources"`
	Command string `json:"command,omitempty"` // the command that wrote the spec, recorded in the model
}

// LoadSpec reads a spec and its label files; config turns a source's
// inputs into the pipeline configuration that reads them. It returns the
// sources and how many unsure labels were skipped.
func LoadSpec(path string, config func(inputs []string) (dedup.Config, error)) ([]Source, *Spec, int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, 0, err
	}
	var spec Spec
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&spec); err != nil {
		return nil, nil, 0, fmt.Errorf("%s: %v", path, err)
	}
	if len(spec.Sources) < 2 {
		return nil, nil, 0, fmt.Errorf("%s: %d sources: a model is fitted on two or more, none decisive alone", path, len(spec.Sources))
	}
	dir := filepath.Dir(path)
	rel := func(p string) string {
		if filepath.IsAbs(p) || p == "-" {
			return p
		}
		return filepath.Join(dir, p)
	}
	var out []Source
	unsure := 0
	names := map[string]bool{}
	for i, s := range spec.Sources {
		if s.Name == "" || names[s.Name] {
			return nil, nil, 0, fmt.Errorf("%s: source %d: want a name of its own", path, i+1)
		}
		names[s.Name] = true
		if len(s.Input) == 0 || len(s.Pairs) == 0 && s.Gold == "" {
			return nil, nil, 0, fmt.Errorf("%s: source %s: want input and pairs or gold", path, s.Name)
		}
	}
	for _, s := range spec.Sources {
		src := Source{Name: s.Name}
		for _, p := range s.Pairs {
			ps, n, err := eval.LoadPairsUnsure(rel(p))
			if err != nil {
				return nil, nil, 0, fmt.Errorf("source %s: %w", s.Name, err)
			}
			src.Pairs = append(src.Pairs, ps...)
			unsure += n
		}
		if s.Gold != "" {
			if src.Gold, err = eval.LoadGold(rel(s.Gold)); err != nil {
				return nil, nil, 0, fmt.Errorf("source %s: %w", s.Name, err)
			}
		}
		inputs := make([]string, len(s.Input))
		for k, in := range s.Input {
			inputs[k] = rel(in)
		}
		if src.Config, err = config(inputs); err != nil {
			return nil, nil, 0, fmt.Errorf("source %s: %w", s.Name, err)
		}
		out = append(out, src)
	}
	return out, &spec, unsure, nil
}

// Trained is the outcome of Train: the model file, the leave-one-source-out
// scores and each source's in-sample scores.
type Trained struct {
	File     cluster.ModelFile
	JSON     []byte
	Held     []Held
	InSample []Held
	Veto     []Rates // the veto stack's decisions on each source, side by side
	Read     []Read
}

// LOSO is one source's leave-one-source-out result as the model file
// records it.
type LOSO struct {
	Source         string  `json:"source"`
	Cut            float64 `json:"cut"`
	Dup            int     `json:"dup"`
	DupRecall      float64 `json:"dup_recall"`
	Distinct       int     `json:"distinct"`
	DistinctMerged float64 `json:"distinct_merged"`
}

// Train reads every source, fits a model on all of them and, for the
// record, one without each.
func Train(ctx context.Context, sources []Source, spec *Spec, opt Options) (*Trained, error) {
	var all []Sample
	t := &Trained{}
	names := make([]string, len(sources))
	for i, src := range sources {
		r, err := Samples(ctx, src, i)
		if err != nil {
			return nil, err
		}
		names[i] = src.Name
		t.Read = append(t.Read, r)
		all = append(all, r.Samples...)
	}
	m, err := FitModel(all, opt)
	if err != nil {
		return nil, err
	}
	if t.Held, err = LeaveOneOut(names, all, opt); err != nil {
		return nil, err
	}
	f := cluster.ModelFile{Format: cluster.ModelFormat, Bias: round(m.Bias), Cut: m.Cut, Command: spec.Command,
		Target: fmt.Sprintf("the cut of least cost over the sources, each weighing the same: dup pairs missed + %g × distinct pairs merged (shares); L2 %g", opt.MergeCost, opt.L2),
		Scores: map[string]float64{}}
	for i, name := range cluster.FeatureNames {
		f.Features = append(f.Features, name)
		f.Weights = append(f.Weights, round(m.Weights[i]))
	}
	rounded, err := cluster.ParseModel(mustJSON(f))
	if err != nil {
		return nil, err
	}
	var loso []LOSO
	for i, h := range t.Held {
		var own []Sample
		for _, s := range all {
			if s.Source == i {
				own = append(own, s)
			}
		}
		in := Score(rounded, own)
		t.InSample = append(t.InSample, Held{Source: names[i], Cut: rounded.Cut, Rates: in})
		t.Veto = append(t.Veto, Score(nil, own))
		f.Trained = append(f.Trained, cluster.ModelSource{Name: names[i], Dup: in.Dup, Distinct: in.Distinct})
		f.Scores[names[i]+".dup_recall"] = round(in.Recall())
		f.Scores[names[i]+".distinct_merged"] = round(nanZero(in.Merged()))
		loso = append(loso, LOSO{Source: h.Source, Cut: h.Cut, Dup: h.Rates.Dup, DupRecall: round(nanZero(h.Rates.Recall())),
			Distinct: h.Rates.Distinct, DistinctMerged: round(nanZero(h.Rates.Merged()))})
	}
	f.Extra = mustJSON(loso)
	t.File = f
	t.JSON = append(indentJSON(f), '\n')
	return t, nil
}

func round(v float64) float64 { return float64(int64(v*1e4+copysignHalf(v))) / 1e4 }

func copysignHalf(v float64) float64 {
	if v < 0 {
		return -0.5
	}
	return 0.5
}

func nanZero(v float64) float64 {
	if v != v {
		return 0
	}
	return v
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func indentJSON(v any) []byte {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		panic(err)
	}
	return b
}

// WriteSamples writes the samples read from sources as JSONL, one line a
// pair: source, a, b, dup, the veto stack's verdict and the features by
// name.
func WriteSamples(w io.Writer, sources []Source, reads []Read) error {
	enc := json.NewEncoder(w)
	for _, r := range reads {
		for _, s := range r.Samples {
			f := make(map[string]float64, cluster.NFeatures)
			for i, name := range cluster.FeatureNames {
				f[name] = s.F[i]
			}
			line := struct {
				Source   string             `json:"source"`
				A        string             `json:"a"`
				B        string             `json:"b"`
				Dup      bool               `json:"dup"`
				Veto     bool               `json:"veto"`
				Features map[string]float64 `json:"features"`
			}{sources[s.Source].Name, s.A, s.B, s.Dup, s.Veto, f}
			if err := enc.Encode(line); err != nil {
				return err
			}
		}
	}
	return nil
}
