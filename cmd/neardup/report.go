package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/spf13/pflag"

	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/report"
)

const reportHelp = `Usage: neardup report --out DIR [flags] [INPUT...]

(Re)build the editors' HTML report of an earlier run from its outputs in
DIR (clusters.jsonl, summary.json) and the original inputs, which are read
again for the texts of cluster members. INPUT defaults to the inputs the run
recorded in summary.json; the field names too. It holds DIR's lock (exit 11
if a run holds it; --wait waits); a report inside DIR joins the current set.

The report is one self-contained HTML file (no network access): the run's
summary, the clusters largest first with a filter and keyboard navigation
(j/k or arrows), and for each cluster the canonical article beside each copy
with shared passages highlighted and what the copy adds and drops.

Examples:
  neardup report --out out/
  neardup report --out out/ --html /srv/www/today.html feed.jsonl

Flags:
`

// reportOptions are the flags of the report's size budget, shared by run
// --html and report.
type reportOptions struct {
	html      string
	maxCopies int
	maxText   int
	budget    int
}

func (o *reportOptions) addFlags(fs *pflag.FlagSet, htmlUsage string) {
	def := report.DefaultHTMLOptions()
	fs.StringVar(&o.html, "html", "", htmlUsage)
	fs.IntVar(&o.maxCopies, "html-max-copies", def.MaxCopies, "report: `N` copies per cluster shown with their text")
	fs.IntVar(&o.maxText, "html-max-text", def.MaxText, "report: `BYTES` of text shown per article")
	fs.IntVar(&o.budget, "html-budget", def.Budget, "report: `BYTES` of text in all; later clusters are listed without text")
}

func (o *reportOptions) options() (report.HTMLOptions, error) {
	if o.maxCopies < 0 || o.maxText < 1 || o.budget < 1 {
		return report.HTMLOptions{}, usagef("--html-max-copies, --html-max-text and --html-budget must be positive")
	}
	return report.HTMLOptions{MaxCopies: o.maxCopies, MaxText: o.maxText, Budget: o.budget, Generated: generated()}, nil
}

// generated is the report's date: now, or SOURCE_DATE_EPOCH when set, so
// that a report can be rebuilt byte for byte.
func generated() time.Time {
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		if sec, err := strconv.ParseInt(s, 10, 64); err == nil {
			return time.Unix(sec, 0)
		}
	}
	return time.Now()
}

// stageHTML writes the report whole to a temporary file next to path, to
// be renamed into place.
func stageHTML(path string, write func(io.Writer) error) (*report.StagedFile, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	return report.StageFile(path, write)
}

// runReport prepares the HTML report at the end of `neardup run`: it
// returns the function that writes it.
// maxNear bounds the near misses a run's report lists (dedup.NearMisses).
const maxNear = 2000

func runReport(ctx context.Context, o *reportOptions, cfg dedup.Config, res *dedup.Result, sum *report.Summary) (func(io.Writer) error, error) {
	opts, err := o.options()
	if err != nil {
		return nil, err
	}
	clusters := report.ClusterLines(res)
	near := dedup.NearMisses(cfg, res, maxNear)
	opts.Near = report.NearLines(res, near)
	var texts map[string]report.Article
	if cfg.KeepText {
		texts = map[string]report.Article{}
		for _, c := range res.Clusters {
			for _, m := range c.Members {
				d := res.Docs[m.Doc]
				texts[d.ID] = report.Article{Title: d.Title, Text: res.Texts[m.Doc]}
			}
		}
		for _, n := range near {
			texts[res.Docs[n.B].ID] = report.Article{Title: res.Docs[n.B].Title, Text: res.Texts[n.B]}
		}
	} else if texts, err = report.LoadTexts(ctx, cfg.Inputs, nil, cfg.Corpus, report.MemberIDs(clusters, opts.Near)); err != nil {
		return nil, fmt.Errorf("report: reading texts: %w", err)
	}
	return func(w io.Writer) error { return report.HTML(w, sum, clusters, texts, opts) }, nil
}

func reportCmd(ctx context.Context, args []string, e env) error {
	var o reportOptions
	var out string
	var maxBytes int
	var wait time.Duration
	fs, err := parseFlags("report", reportHelp, args, e, func(fs *pflag.FlagSet) {
		fs.StringVarP(&out, "out", "o", "", "the run's output `DIR` (required)")
		o.addFlags(fs, "write the report to `FILE` (default DIR/report.html)")
		fs.IntVar(&maxBytes, "max-bytes", corpus.DefaultMaxBytes, "largest article in `BYTES`, as for run")
		fs.DurationVar(&wait, "wait", 0, "if a run holds DIR, wait up to `DURATION` for it instead of exiting with 11")
	})
	if err != nil {
		return err
	}
	if out == "" {
		return usagef("report: --out DIR is required")
	}
	if wait < 0 {
		return usagef("report: --wait %v: want a duration of 0 or more", wait)
	}
	if o.html == "" {
		o.html = filepath.Join(out, "report.html")
	}
	opts, err := o.options()
	if err != nil {
		return err
	}
	htmlName, err := report.InsideOut(out, o.html)
	if err != nil {
		return usagef("report: --html: %v", err)
	}
	if fi, err := os.Stat(out); err != nil || !fi.IsDir() {
		return fmt.Errorf("report: --out %s: not a run's output directory", out)
	}
	// Under the lock no run switches the set while it is read; a report
	// inside DIR joins the current set as a new generation.
	unlock, err := lockOut(ctx, out, wait, "neardup report")
	if err != nil {
		return err
	}
	defer unlock()
	var set *report.Set
	var keep []string // the current set's other members, kept as they are
	if htmlName != "" {
		members, err := report.CurrentMembers(out)
		if err != nil {
			return err
		}
		keep = slices.DeleteFunc(slices.Concat(report.Outputs, members), func(n string) bool { return n == htmlName })
		slices.Sort(keep)
		keep = slices.Compact(keep)
		set, err = report.BeginSet(out, append(slices.Clone(keep), htmlName), report.SetOptions{Hook: testKillHook()})
		if err != nil {
			return err
		}
		defer set.Abort()
	}
	from, err := report.CurrentDir(out)
	if err != nil {
		return err
	}
	sum, err := report.ReadSummary(filepath.Join(from, report.SummaryFile))
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	clusters, err := report.ReadClusters(filepath.Join(from, report.ClustersFile))
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	inputs := fs.Args()
	if len(inputs) == 0 {
		inputs = sum.Inputs
	}
	if slices.Contains(inputs, "-") {
		return usagef("report: the run read standard input, which cannot be read again: give the INPUT files, or use run --html")
	}
	f := sum.Parameters.Fields
	copts := corpus.Options{Fields: corpus.Fields(f), MaxBytes: maxBytes, Exclude: []string{out}}
	if copts.Fields.ID == "" {
		copts.Fields = corpus.DefaultFields()
	}
	texts, err := report.LoadTexts(ctx, inputs, nil, copts, report.MemberIDs(clusters, nil))
	if err != nil {
		return fmt.Errorf("report: reading texts: %w", err)
	}
	write := func(w io.Writer) error { return report.HTML(w, sum, clusters, texts, opts) }
	if set != nil {
		for _, name := range keep {
			if err := set.Link(name); err != nil {
				return err
			}
		}
		if err := set.WriteFile(htmlName, write); err != nil {
			return err
		}
		if err := set.Commit(); err != nil {
			return err
		}
	} else {
		staged, err := stageHTML(o.html, write)
		if err != nil {
			return fmt.Errorf("writing %s: %w", o.html, err)
		}
		defer staged.Remove()
		if err := staged.Rename(); err != nil {
			return fmt.Errorf("writing %s: %w", o.html, err)
		}
	}
	fmt.Fprintf(e.stderr, "neardup: wrote %s (%d clusters)\n", o.html, len(clusters))
	return nil
}
