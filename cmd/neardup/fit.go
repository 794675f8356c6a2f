package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/pflag"

	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/internal/matchflags"
	"github.com/neardup/neardup/model"
	"github.com/neardup/neardup/report"
)

const fitHelp = `Usage: neardup fit -o MODEL [flags] SPEC

Fit the match decision to labels read by people: a logistic regression over
each candidate pair's evidence (Jaccard, containment, lede, subject, figures,
names, dates, kinds of article, and each veto's verdict as a number), its
cut the probability of least cost over the sources: the share of dup pairs
missed plus --merge-cost times the share of distinct pairs merged. Writes MODEL
(JSON: features, weights, cut, what it was trained on and how it scored)
for neardup run --model MODEL, and prints each source's scores by a model
fitted on all the others (leave-one-source-out).

SPEC is JSON naming two or more sources, paths relative to SPEC's folder:
  {"sources": [{"name": "reuters", "pairs": ["pairs.jsonl"], "input": ["reuters.jsonl"]},
               {"name": "wire", "gold": "wire.gold.jsonl", "input": ["wire/"]}]}
pairs are --pairs label files (dup, distinct; unsure skipped and counted);
gold clusters give every pair inside a cluster as dup and every candidate
pair across two as distinct (only the LSH candidates, in corpora of more
than 2,000 articles). Each source weighs the square root of its size (at
least that of 100 pairs), half to its dup pairs and half to its distinct
ones. The articles are read with the levers' defaults, as neardup run reads
them for the model; lever flags, --model and --linkage are refused.

The table it prints, a line per source: pairs (labelled pairs read; missing:
those naming an article not in the corpus); the veto stack's (--model off)
dup recall and distinct pairs merged on them, pair by pair, for comparison;
the fitted model's on them; and, left out, the cut and scores of a model
fitted on the other sources alone. A source that merges most of its distinct
pairs when left out is one the others do not resemble.

The embedded default model is fitted so by 'go run ./benchmarks/train'.

Flags:
`

type fitOptions struct {
	matchflags.Options
	out       string
	samples   string
	l2        float64
	mergeCost float64
}

func fitCmd(ctx context.Context, args []string, e env) error {
	var o fitOptions
	fs, err := parseFlags("fit", fitHelp, args, e, func(fs *pflag.FlagSet) {
		fs.StringVarP(&o.out, "out", "o", "", "write the model to `FILE` (required)")
		fs.StringVar(&o.samples, "samples", "", "also write every labelled pair's features to `FILE` (JSONL: source, a, b, dup, veto, features by name), for study")
		fs.Float64Var(&o.l2, "l2", model.DefaultOptions.L2, "`PENALTY` on the weights' squares (L2)")
		fs.Float64Var(&o.mergeCost, "merge-cost", model.DefaultOptions.MergeCost, "the cut weighs a distinct pair merged as `N` dup pairs missed (shares of each source's pairs)")
		o.Options.AddFlags(fs)
		fs.MarkHidden("model") // refused: for running with a model
		fs.MarkHidden("linkage")
	})
	if err != nil {
		return err
	}
	if o.out == "" || fs.NArg() != 1 {
		return usagef("fit: want -o MODEL and one SPEC")
	}
	if !(o.mergeCost > 0) || !(o.l2 > 0) {
		return usagef("fit: want --merge-cost > 0 and --l2 > 0 (features that never fire leave the system singular without a penalty)")
	}
	if o.Model != "" || o.Linkage != "canonical" {
		return usagef("fit: --model and --linkage are for running with a model, not fitting one")
	}
	if lever := o.LeverGiven(); lever != "" {
		return usagef("fit: --%s is a lever of the veto stack: a model is fitted on the evidence the levers' defaults gather, the same that neardup run gives it", lever)
	}
	// Fitting reads evidence, not decisions: the articles are read with
	// the veto stack's configuration (its levers say how evidence is
	// gathered), so that a model file out of date is never needed.
	o.Model = "off"
	config := func(inputs []string) (dedup.Config, error) { return o.Config("fit", inputs) }
	sources, spec, unsure, err := model.LoadSpec(fs.Arg(0), config)
	if err != nil {
		return fmt.Errorf("fit: %w", err)
	}
	opt := model.DefaultOptions
	opt.L2, opt.MergeCost = o.l2, o.mergeCost
	t, err := model.Train(ctx, sources, spec, opt)
	if err != nil {
		return fmt.Errorf("fit: %w", err)
	}
	if err := report.WriteFileAtomic(o.out, func(w io.Writer) error { _, err := w.Write(t.JSON); return err }); err != nil {
		return fmt.Errorf("fit: %w", err)
	}
	if o.samples != "" {
		if err := report.WriteFileAtomic(o.samples, func(w io.Writer) error { return model.WriteSamples(w, sources, t.Read) }); err != nil {
			return fmt.Errorf("fit: --samples: %w", err)
		}
	}
	for i, r := range t.Read {
		if r.Conflicts > 0 {
			fmt.Fprintf(e.stderr, "fit: source %s: %d pairs labelled twice, differently: the first label kept\n", sources[i].Name, r.Conflicts)
		}
	}
	if unsure > 0 {
		fmt.Fprintf(e.stderr, "fit: %d pairs labelled unsure skipped\n", unsure)
	}
	tw := tabwriter.NewWriter(e.stdout, 2, 8, 2, ' ', 0)
	fmt.Fprintf(tw, "source\tpairs\tmissing\tvetoes: dup recall\tdistinct merged\tmodel: dup recall\tdistinct merged\tleft out: cut\tdup recall\tdistinct merged\n")
	rate := func(a, b int) string { return fmt.Sprintf("%.3f (%d/%d)", float64(a)/float64(max(b, 1)), a, b) }
	for i, h := range t.Held {
		in, v := t.InSample[i].Rates, t.Veto[i]
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\t%s\t%.4f\t%s\t%s\n", h.Source, len(t.Read[i].Samples), t.Read[i].Missing,
			rate(v.DupFound, v.Dup), rate(v.DistinctMerged, v.Distinct), rate(in.DupFound, in.Dup), rate(in.DistinctMerged, in.Distinct),
			h.Cut, rate(h.Rates.DupFound, h.Rates.Dup), rate(h.Rates.DistinctMerged, h.Rates.Distinct))
	}
	tw.Flush()
	fmt.Fprintf(e.stdout, "model: cut %.4f, written to %s\n", t.File.Cut, o.out)
	return nil
}
