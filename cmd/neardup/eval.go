package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/pflag"

	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/eval"
	"github.com/neardup/neardup/internal/matchflags"
	"github.com/neardup/neardup/report"
)

const evalHelp = `Usage: neardup eval (--gold FILE | --pairs FILE | --audit FILE)... (--clusters FILE | [run flags] INPUT...)

Score clusters against labels, from an earlier run's clusters.jsonl or by
running on INPUT with the run flags below (nothing is written).

  --gold FILE    JSONL {"id": ..., "cluster": ...}, every article listed:
                 pairwise and B-cubed precision/recall/F1, adjusted Rand index
  --pairs FILE   JSONL {"a": ..., "b": ..., "label": "dup"|"distinct",
                 "stratum": ..., "why": ...}: dup recall, distinct pairs
                 merged, per stratum, and every miss and false merge with the
                 evidence that decided it

--sweep runs every combination of --sweep-shingle, --sweep-hashes,
--sweep-threshold (and --sweep-containment) on INPUT and prints the grid
with the best setting by F1 and ARI (gold) and by dup recall with at most
--max-merged distinct pairs merged (pairs).

Examples:
  neardup eval --gold testdata/wire.gold.jsonl testdata/wire/
  neardup eval --gold gold.jsonl --clusters out/clusters.jsonl --json
  neardup eval --pairs pairs-dev.jsonl corpus.jsonl
  neardup eval --sweep --model off --pairs pairs-dev.jsonl --sweep-threshold 0.3,0.4,0.5 corpus.jsonl
  neardup eval --uncertain 200 --uncertain-sheet to-read.md corpus.jsonl

Flags:
`

type evalOptions struct {
	matchflags.Options
	gold, pairs, clusters string
	json                  bool
	partial               bool
	sweep                 bool
	sweepShingle          []string
	sweepHashes           []int
	sweepThreshold        []float64
	sweepContainment      []float64
	maxMerged             float64
	showPairs             int
	audit, auditSheet     string
	auditTop              int
	auditSample           float64
	uncertain             int
	uncertainSheet        string
}

func (o *evalOptions) addFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.gold, "gold", "", "read gold cluster labels from `FILE` (JSONL id, cluster)")
	fs.StringVar(&o.pairs, "pairs", "", "read pair labels from `FILE` (JSONL a, b, label dup|distinct)")
	fs.StringVar(&o.clusters, "clusters", "", "score this clusters.jsonl `FILE` instead of running")
	fs.BoolVar(&o.json, "json", false, "print JSON instead of tables")
	fs.BoolVar(&o.partial, "partial", false, "score even when the clusters cover less than half of the gold, or are a nightly run's (tonight's clusters only)")
	fs.BoolVar(&o.sweep, "sweep", false, "run a grid of settings and print each one's scores")
	fs.StringSliceVar(&o.sweepShingle, "sweep-shingle", []string{"word:3", "word:4", "word:5"}, "shingle settings to sweep, a comma-separated `LIST` of word:N or char:N")
	fs.IntSliceVar(&o.sweepHashes, "sweep-hashes", []int{128}, "signature lengths to sweep, a comma-separated `LIST`")
	fs.Float64SliceVar(&o.sweepThreshold, "sweep-threshold", []float64{0.3, 0.4, 0.5, 0.6, 0.7}, "Jaccard thresholds to sweep, a comma-separated `LIST`")
	fs.Float64SliceVar(&o.sweepContainment, "sweep-containment", nil, "containment thresholds to sweep, a comma-separated `LIST` (none: --containment alone)")
	fs.Float64Var(&o.maxMerged, "max-merged", 0.05, "sweep with --pairs: the best setting merges at most this `SHARE` of distinct pairs")
	fs.IntVar(&o.showPairs, "show", 20, "list at most `N` misses and false merges each (0: none, -1: all)")
	fs.StringVar(&o.audit, "audit", "", "cluster audit: read labels of (canonical, member) pairs from `FILE` (--pairs format); reports the share of drop.txt that is a distinct story and the purity of the largest clusters")
	fs.IntVar(&o.auditTop, "audit-top", 30, "--audit: report the purity of the `N` largest clusters")
	fs.Float64Var(&o.auditSample, "audit-sample", 1, "--audit: the `SHARE` of drop.txt sampled, by a hash of the member ID (the same members every run)")
	fs.StringVar(&o.auditSheet, "audit-sheet", "", "--audit: write the sampled and top pairs still unlabelled to the Markdown `FILE`, with titles and texts, for reading")
	fs.IntVar(&o.uncertain, "uncertain", 200, "--uncertain-sheet: how many pairs, the `N` nearest the model's cut")
	fs.StringVar(&o.uncertainSheet, "uncertain-sheet", "", "write the candidate pairs the model is least sure of (nearest its cut, not yet in --pairs) to the Markdown `FILE`, with titles and texts, for reading and neardup fit")
	o.Options.AddFlags(fs)
}

// evalReport is what eval prints as JSON.
type evalReport struct {
	Parameters  *report.Parameters `json:"parameters,omitempty"`
	Gold        *eval.Scores       `json:"gold,omitempty"`
	Pairs       *pairReport        `json:"pairs,omitempty"`
	Articles    int                `json:"articles_read,omitempty"`
	GoldFile    string             `json:"gold_file,omitempty"`
	PairsFile   string             `json:"pairs_file,omitempty"`
	ClusterFile string             `json:"clusters_file,omitempty"`
	Audit       *eval.AuditScores  `json:"audit,omitempty"`
	AuditFile   string             `json:"audit_file,omitempty"`
}

type pairReport struct {
	eval.PairScores
	Misses      []pairDetail `json:"misses"`
	FalseMerges []pairDetail `json:"false_merges"`
}

type pairDetail struct {
	eval.PairLabel
	TitleA string            `json:"title_a,omitempty"`
	TitleB string            `json:"title_b,omitempty"`
	DateA  string            `json:"date_a,omitempty"`
	DateB  string            `json:"date_b,omitempty"`
	Match  *report.MatchLine `json:"match,omitempty"` // the direct evidence between a and b
	// Through is the canonical article of the cluster that holds a and b
	// when neither is it: each was verified against the canonical, not
	// against the other, so they are together only through it.
	Through string `json:"through_canonical,omitempty"`
}

func evalCmd(ctx context.Context, args []string, e env) error {
	var o evalOptions
	fs, err := parseFlags("eval", evalHelp, args, e, o.addFlags)
	if err != nil {
		return err
	}
	if o.gold == "" && o.pairs == "" && o.audit == "" && o.uncertainSheet == "" {
		return usagef("eval: give --gold FILE, --pairs FILE, --audit FILE, --uncertain-sheet FILE or several")
	}
	if o.uncertainSheet != "" && (o.clusters != "" || o.sweep || o.uncertain < 1 || o.Model == "off") {
		return usagef("eval: --uncertain-sheet needs a run with a model (INPUT, not --clusters or --sweep; not --model off) and --uncertain N ≥ 1")
	}
	if !(o.auditSample > 0 && o.auditSample <= 1) {
		return usagef("eval: --audit-sample %v: want a share in (0, 1]", o.auditSample)
	}
	if o.auditSheet != "" && (o.audit == "" || o.clusters != "") {
		return usagef("eval: --audit-sheet needs --audit and a run (INPUT, not --clusters): it reads the articles' texts")
	}
	if o.sweep && o.Model != "off" {
		return usagef("eval: --sweep varies the veto stack's thresholds: give --model off (with a model, fit one to labels: neardup fit)")
	}
	if o.audit != "" && o.sweep {
		return usagef("eval: --audit looks at one run's clusters: not with --sweep")
	}
	var auditLabels []eval.PairLabel
	if o.audit != "" {
		if auditLabels, err = eval.LoadPairs(o.audit); err != nil {
			return fmt.Errorf("eval: --audit: %w", err)
		}
	}
	if o.clusters != "" && (len(fs.Args()) > 0 || o.sweep) {
		return usagef("eval: --clusters scores a finished run: give no INPUT and no --sweep")
	}
	var gold eval.Assignment
	var pairs []eval.PairLabel
	if o.gold != "" {
		if gold, err = eval.LoadGold(o.gold); err != nil {
			return fmt.Errorf("eval: --gold: %w", err)
		}
	}
	if o.pairs != "" {
		var unsure int
		if pairs, unsure, err = eval.LoadPairsUnsure(o.pairs); err != nil {
			return fmt.Errorf("eval: --pairs: %w", err)
		}
		if unsure > 0 {
			fmt.Fprintf(e.stderr, "eval: --pairs: %d pairs labelled unsure skipped\n", unsure)
		}
	}
	if o.clusters != "" {
		pred, err := eval.LoadClusters(o.clusters)
		if err != nil {
			return fmt.Errorf("eval: --clusters: %w", err)
		}
		if err := clustersCover(&o, gold, pred, e.stderr); err != nil {
			return err
		}
		rep := score(&o, gold, pairs, pred, nil)
		rep.ClusterFile = o.clusters
		if o.audit != "" {
			cs, err := eval.LoadAuditClusters(o.clusters)
			if err != nil {
				return fmt.Errorf("eval: --clusters: %w", err)
			}
			a, err := eval.Audit(cs, auditLabels, eval.AuditOptions{Top: o.auditTop, Sample: o.auditSample})
			if err != nil {
				return fmt.Errorf("eval: --audit: %w", err)
			}
			rep.Audit, rep.AuditFile = &a, o.audit
		}
		return printEval(e.stdout, &o, rep)
	}
	cfg, err := o.Config("eval", fs.Args())
	if err != nil {
		return err
	}
	if err := inputsExist(cfg.Inputs); err != nil {
		return err
	}
	cfg.Stdin = e.stdin
	cfg.KeepText = o.auditSheet != "" || o.uncertainSheet != ""
	if o.sweep {
		return sweep(ctx, e, &o, cfg, gold, pairs)
	}
	res, err := dedup.Run(ctx, cfg)
	if err != nil {
		return err
	}
	if o.uncertainSheet != "" {
		if err := writeUncertainSheet(o.uncertainSheet, o.uncertain, cfg, res, pairs, e.stderr); err != nil {
			return fmt.Errorf("eval: --uncertain-sheet: %w", err)
		}
		if gold == nil && pairs == nil && o.audit == "" {
			return nil
		}
	}
	if err := inputCovers(&o, gold, res, e.stderr); err != nil {
		return err
	}
	rep := score(&o, gold, pairs, eval.ResultAssignment(res), res)
	params := report.NewSummary(version, cfg, res).Parameters
	rep.Parameters = &params
	rep.Articles = res.Stats.Read
	if o.audit != "" {
		a, err := eval.Audit(eval.ResultClusters(res), auditLabels, eval.AuditOptions{Top: o.auditTop, Sample: o.auditSample})
		if err != nil {
			return fmt.Errorf("eval: --audit: %w", err)
		}
		rep.Audit, rep.AuditFile = &a, o.audit
		if o.auditSheet != "" {
			if err := writeAuditSheet(o.auditSheet, "Cluster audit", res, a.Unlabelled); err != nil {
				return fmt.Errorf("eval: --audit-sheet: %w", err)
			}
		}
	}
	return printEval(e.stdout, &o, rep)
}

// writeUncertainSheet writes the n candidate pairs nearest the model's
// cut (eval.Uncertain) as a reading sheet, whole or not at all.
func writeUncertainSheet(path string, n int, cfg dedup.Config, res *dedup.Result, labelled []eval.PairLabel, stderr io.Writer) error {
	sheet, unlabelled := eval.Uncertain(cfg, res, labelled, n)
	if err := writeAuditSheet(path, fmt.Sprintf("The pairs nearest the model's cut (%.2f)", res.Rules.Model.Cut), res, sheet); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "eval: wrote the %d candidate pairs nearest the cut to %s (%d asked; %d candidate pairs not labelled yet)\n", len(sheet), path, n, unlabelled)
	return nil
}

// writeAuditSheet writes a reading sheet (eval.WriteSheet) to path, whole
// or not at all (a regular file: through a temporary one renamed over it).
func writeAuditSheet(path, title string, res *dedup.Result, pairs []eval.AuditPair) error {
	write := func(w io.Writer) error { return eval.WriteSheet(w, title, res, pairs) }
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		// A device or a pipe (--audit-sheet /dev/stdout): written through.
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		if err := write(f); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	return report.WriteFileAtomic(path, write)
}

var errCoverage = errors.New("eval: the labels do not match what is scored (--partial scores it all the same)")

// inputCovers checks that the run read at least half of the gold's
// articles: scored against a gold of another corpus, recall would be 0
// without a word.
func inputCovers(o *evalOptions, gold eval.Assignment, res *dedup.Result, stderr io.Writer) error {
	if gold == nil || o.partial {
		return nil
	}
	read := 0
	for _, d := range res.Docs {
		if _, ok := gold[d.ID]; ok {
			read++
		}
	}
	if 2*read >= len(gold) {
		return nil
	}
	fmt.Fprintf(stderr, "eval: only %d of the gold's %d articles are in the input: is it the gold of another corpus?\n", read, len(gold))
	return errCoverage
}

// clustersCover checks a clusters file against the gold: a nightly run's
// file holds only tonight's clusters, and a file of another corpus has
// its articles outside the gold.
func clustersCover(o *evalOptions, gold eval.Assignment, pred eval.Assignment, stderr io.Writer) error {
	if gold == nil || o.partial {
		return nil
	}
	lines, err := report.ReadClusters(o.clusters)
	if err != nil {
		return fmt.Errorf("eval: --clusters: %w", err)
	}
	if len(lines) > 0 && lines[0].StableID != "" {
		fmt.Fprintf(stderr, "eval: %s is a nightly run's: it lists only the clusters that gained a member that night, so every "+
			"article of the gold from other nights would count as missed; score a batch run over the nights (neardup eval --gold G INPUT...)\n", o.clusters)
		return errCoverage
	}
	known := 0
	for id := range pred {
		if _, ok := gold[id]; ok {
			known++
		}
	}
	if len(pred) > 0 && 2*known < len(pred) {
		fmt.Fprintf(stderr, "eval: %d of the %d clustered articles of %s are not in the gold: are they of another corpus?\n", len(pred)-known, len(pred), o.clusters)
		return errCoverage
	}
	return nil
}

func score(o *evalOptions, gold eval.Assignment, pairs []eval.PairLabel, pred eval.Assignment, res *dedup.Result) *evalReport {
	rep := &evalReport{GoldFile: o.gold, PairsFile: o.pairs}
	if gold != nil {
		s := eval.Score(gold, pred)
		rep.Gold = &s
	}
	if pairs == nil {
		return rep
	}
	var byID map[string]int
	var read func(string) bool
	if res != nil {
		byID = make(map[string]int, len(res.Docs))
		for i, d := range res.Docs {
			if d.Shingles > 0 {
				byID[d.ID] = i
			}
		}
		read = func(id string) bool { _, ok := byID[id]; return ok }
	}
	ps := eval.ScorePairs(pairs, pred, read)
	canonical := map[int]int{} // member → its cluster's canonical, by doc
	if res != nil {
		for _, c := range res.Clusters {
			for _, m := range c.Members {
				canonical[m.Doc] = c.Canonical()
			}
		}
	}
	detail := func(p eval.PairLabel) pairDetail {
		d := pairDetail{PairLabel: p}
		a, okA := byID[p.A]
		b, okB := byID[p.B]
		if okA {
			d.TitleA, d.DateA = res.Docs[a].Title, report.FormatDate(res.Docs[a].Published)
		}
		if okB {
			d.TitleB, d.DateB = res.Docs[b].Title, report.FormatDate(res.Docs[b].Published)
		}
		if okA && okB {
			d.Match = report.NewMatchLine(res.Check(a, b))
			ca, inA := canonical[a]
			if cb, inB := canonical[b]; inA && inB && ca == cb && ca != a && ca != b {
				d.Through = res.Docs[ca].ID
			}
		}
		return d
	}
	pr := &pairReport{PairScores: ps, Misses: []pairDetail{}, FalseMerges: []pairDetail{}}
	for _, p := range ps.Misses {
		pr.Misses = append(pr.Misses, detail(p))
	}
	for _, p := range ps.FalseMerges {
		pr.FalseMerges = append(pr.FalseMerges, detail(p))
	}
	rep.Pairs = pr
	return rep
}

func printEval(w io.Writer, o *evalOptions, rep *evalReport) error {
	if o.json {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	if p := rep.Parameters; p != nil {
		fmt.Fprintf(tw, "settings: model %s (mean linkage %v), shingle %s, hashes %d, bands %d x rows %d, threshold %g, containment %g (min ratio %g), figures %g, names %g, veto below %d, window %s, "+
			"subject %g, short window %s (below %d words), figure order %g, lede %g, furniture %d, anti-chain %v\n",
			p.Model, p.MeanLinkage, p.Shingle, p.Hashes, p.Bands, p.Rows, p.Threshold, p.Containment, p.MinRatio, p.Figures, p.Names, p.VetoBelow, p.Window,
			p.Subject, p.ShortWindow, p.ShortBelow, p.FigureOrder, p.Lede, p.Furniture, p.AntiChain)
	}
	if g := rep.Gold; g != nil {
		fmt.Fprintf(tw, "gold %s: %d articles, %d clusters of 2+; predicted %d clusters of 2+", rep.GoldFile, g.Articles, g.GoldClusters, g.PredClusters)
		if g.Unknown > 0 {
			fmt.Fprintf(tw, " (%d predicted articles not in gold, ignored)", g.Unknown)
		}
		fmt.Fprintln(tw)
		fmt.Fprintln(tw, "\tprecision\trecall\tF1\t")
		fmt.Fprintf(tw, "pairwise\t%.4f\t%.4f\t%.4f\t(pairs: %d gold, %d predicted, %d true)\n",
			g.Pairwise.Precision, g.Pairwise.Recall, g.Pairwise.F1, g.GoldPairs, g.PredPairs, g.TruePairs)
		fmt.Fprintf(tw, "B-cubed\t%.4f\t%.4f\t%.4f\t\n", g.BCubed.Precision, g.BCubed.Recall, g.BCubed.F1)
		fmt.Fprintf(tw, "ARI\t%.4f\t\t\t\n", g.ARI)
	}
	if p := rep.Pairs; p != nil {
		if rep.Gold != nil {
			fmt.Fprintln(tw)
		}
		fmt.Fprintf(tw, "pairs %s: %d dup, %d distinct", rep.PairsFile, p.Dup, p.Distinct)
		if p.MissingArticle > 0 {
			fmt.Fprintf(tw, " (%d name an article the run did not match)", p.MissingArticle)
		}
		fmt.Fprintln(tw)
		fmt.Fprintf(tw, "dup recall\t%.4f\t(%d of %d)\n", p.DupRecall, p.DupFound, p.Dup)
		fmt.Fprintf(tw, "distinct merged\t%.4f\t(%d of %d)\n", p.DistinctRate, p.DistinctMerged, p.Distinct)
		fmt.Fprintf(tw, "agreement\t%.4f\t(%d of %d labels: dup found or distinct kept apart; over an editor's decisions, how far the run already decides as the desk)\n",
			p.Agreement, p.Agreed, p.Dup+p.Distinct)
		fmt.Fprintln(tw, "stratum\tdup found\tdistinct merged\t")
		for _, s := range p.Strata {
			fmt.Fprintf(tw, "%s\t%d/%d\t%d/%d\t\n", s.Stratum, s.DupFound, s.Dup, s.DistinctMerged, s.Distinct)
		}
		printPairs(tw, "misses (dup pairs left apart)", p.Misses, o.showPairs)
		printPairs(tw, "false merges (distinct pairs put together)", p.FalseMerges, o.showPairs)
	}
	if a := rep.Audit; a != nil {
		if rep.Gold != nil || rep.Pairs != nil {
			fmt.Fprintln(tw)
		}
		fmt.Fprintf(tw, "audit %s: %d hidden (drop.txt), %d sampled, %d labelled, %d unlabelled\n", rep.AuditFile, a.Dropped, a.Sampled, a.Labelled, len(a.Unlabelled))
		fmt.Fprintf(tw, "hidden but distinct\t%.4f\t(%d of %d labelled; 95%% interval %.4f-%.4f)\n", a.DistinctRate, a.Distinct, a.Labelled, a.Low, a.High)
		if a.Labelled > 0 {
			fmt.Fprintf(tw, "pair precision in clusters\t%.4f\t(canonical-member pairs labelled dup)\n", 1-a.DistinctRate)
		} else {
			fmt.Fprintln(tw, "pair precision in clusters\tn/a\t(no hidden article is labelled)")
		}
		fmt.Fprintf(tw, "largest %d clusters\t%d pure\t(%d members unlabelled)\n", a.TopClusters, a.TopPure, a.TopUnread)
		if len(a.TopImpure) > 0 {
			fmt.Fprintf(tw, "impure among them\t%v\t(a member labelled distinct)\n", a.TopImpure)
		}
		if len(a.TopUnsure) > 0 {
			fmt.Fprintf(tw, "not fully labelled\t%v\t(no member labelled distinct, some unlabelled: neither pure nor impure)\n", a.TopUnsure)
		}
		if o.showPairs != 0 && len(a.WrongPairs) > 0 {
			fmt.Fprintf(tw, "\nhidden but distinct: %d\n", len(a.WrongPairs))
			for i, p := range a.WrongPairs {
				if o.showPairs > 0 && i == o.showPairs {
					fmt.Fprintf(tw, "  ... %d more (--show -1 lists all)\n", len(a.WrongPairs)-i)
					break
				}
				fmt.Fprintf(tw, "  cluster %d (%d): %s ~ %s  %s\n", p.Cluster, p.Size, p.Canonical, p.Member, p.Why)
			}
		}
	}
	return tw.Flush()
}

func printPairs(w io.Writer, what string, ps []pairDetail, limit int) {
	if len(ps) == 0 || limit == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s: %d\n", what, len(ps))
	for i, p := range ps {
		if limit > 0 && i == limit {
			fmt.Fprintf(w, "  ... %d more (--show -1 lists all, --json gives them all)\n", len(ps)-limit)
			break
		}
		fmt.Fprintf(w, "  %s ~ %s  [%s] %s\n", p.A, p.B, p.Stratum, p.Why)
		if p.TitleA != "" || p.TitleB != "" {
			fmt.Fprintf(w, "      %s  %s\n      %s  %s\n", p.DateA, p.TitleA, p.DateB, p.TitleB)
		}
		if m := p.Match; m != nil {
			fmt.Fprintf(w, "      %s\n", describeMatch(m))
		}
		if p.Through != "" {
			fmt.Fprintf(w, "      joined through canonical %s (each matched it, not each other)\n", p.Through)
		}
	}
}

func describeMatch(m *report.MatchLine) string {
	var b strings.Builder
	if m.P != nil {
		fmt.Fprintf(&b, "p %.2f", *m.P)
		for _, w := range m.Why {
			fmt.Fprintf(&b, " (%s %+.1f)", w.Evidence, w.Contribution)
		}
		b.WriteString(", ")
	}
	fmt.Fprintf(&b, "jaccard %.2f, containment %.2f", m.Jaccard, m.Containment)
	if m.Figures != nil {
		fmt.Fprintf(&b, ", figures shared %.2f", *m.Figures)
	}
	if m.Names != nil {
		fmt.Fprintf(&b, ", names shared %.2f", *m.Names)
	}
	if m.HoursApart != nil {
		fmt.Fprintf(&b, ", %.1f h apart", *m.HoursApart)
	}
	if m.Subjects != nil {
		fmt.Fprintf(&b, ", subjects unmatched %d", *m.Subjects)
	}
	if m.FigureOrder != nil {
		fmt.Fprintf(&b, ", figure order %.2f", *m.FigureOrder)
	}
	if m.Lede != nil {
		fmt.Fprintf(&b, ", ledes %.2f", *m.Lede)
	}
	fmt.Fprintf(&b, ": %s", m.Reason)
	return b.String()
}

// sweep runs the grid of the sweep flags (eval.Sweep) and prints it with
// the best settings.
func sweep(ctx context.Context, e env, o *evalOptions, base dedup.Config, gold eval.Assignment, pairs []eval.PairLabel) error {
	containments := o.sweepContainment
	if len(containments) == 0 {
		containments = []float64{o.Containment}
	}
	grid := eval.Grid{Shingles: o.sweepShingle, Hashes: o.sweepHashes, Thresholds: o.sweepThreshold, Containments: containments,
		CandidateThreshold: o.Candidates}
	if err := grid.Check(); err != nil {
		return usagef("eval: --sweep: %v", err)
	}
	rows, err := eval.Sweep(ctx, base, grid, gold, pairs)
	if err != nil {
		return err
	}
	if o.json {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Rows []eval.SweepRow `json:"rows"`
		}{rows})
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "shingle\thashes\tthreshold\tcontainment\t")
	if gold != nil {
		fmt.Fprint(tw, "pair P\tpair R\tpair F1\tB3 F1\tARI\t")
	}
	if pairs != nil {
		fmt.Fprint(tw, "dup recall\tdistinct merged\t")
	}
	fmt.Fprintln(tw)
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%d\t%g\t%g\t", r.Shingle, r.Hashes, r.Threshold, r.Containment)
		if g := r.Gold; g != nil {
			fmt.Fprintf(tw, "%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t", g.Pairwise.Precision, g.Pairwise.Recall, g.Pairwise.F1, g.BCubed.F1, g.ARI)
		}
		if p := r.Pairs; p != nil {
			fmt.Fprintf(tw, "%.4f\t%.4f\t", p.DupRecall, p.DistinctRate)
		}
		fmt.Fprintln(tw)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if gold != nil {
		f1, ari := eval.BestF1(rows), eval.BestARI(rows)
		fmt.Fprintf(e.stdout, "best by pairwise F1 (%.4f): %s\n", f1.Gold.Pairwise.F1, f1.Flags())
		fmt.Fprintf(e.stdout, "best by ARI (%.4f): %s\n", ari.Gold.ARI, ari.Flags())
	}
	if pairs != nil {
		if best, ok := eval.BestRecall(rows, o.maxMerged); !ok {
			fmt.Fprintf(e.stdout, "no setting merges at most %.1f%% of distinct pairs\n", 100*o.maxMerged)
		} else {
			fmt.Fprintf(e.stdout, "best dup recall with at most %.1f%% distinct merged (%.4f, %.4f): %s\n",
				100*o.maxMerged, best.Pairs.DupRecall, best.Pairs.DistinctRate, best.Flags())
		}
	}
	return nil
}
