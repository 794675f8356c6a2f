package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/pflag"

	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/internal/matchflags"
	"github.com/neardup/neardup/nightly"
	"github.com/neardup/neardup/report"
	"github.com/neardup/neardup/state"
)

// nightOptions are run's flags for nightly use over a state.
type nightOptions struct {
	state         string
	keep          string
	keepDur       time.Duration
	night         string
	nightTime     time.Time
	maxRateChange float64
	maxEvict      float64
}

const defaultKeep = "7d"

func (o *nightOptions) addFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.state, "state", "", "nightly use: remember articles and decisions in `DIR` between runs (docs/nightly.md)")
	fs.StringVar(&o.keep, "keep", defaultKeep, "with --state: articles published longer than this `DURATION` before the night's clock leave the state (e.g. 7d, 36h)")
	fs.StringVar(&o.night, "night", "", "with --state: the night's clock, `DATE` (YYYY-MM-DD or RFC 3339; default: the latest publication date of tonight's new articles at most 48h after their median, never before the last night's)")
	fs.Float64Var(&o.maxRateChange, "max-rate-change", 0, "with --state: exit 13 when tonight's dedup rate is further than this `SHARE` (e.g. 0.15) from the median of the last 7 nights (0: off)")
	fs.Float64Var(&o.maxEvict, "max-evict", 0, "with --state: exit 15, changing nothing, when the night would evict more than this `SHARE` of the stored articles (default: 0.5 plus one day's share of --keep, .64 at 7d; 1: never refuse)")
}

// check validates the nightly flags.
func (o *nightOptions) check() error {
	if o.state == "" {
		for name, set := range map[string]bool{"--night": o.night != "", "--max-rate-change": o.maxRateChange != 0, "--keep": o.keep != defaultKeep, "--max-evict": o.maxEvict != 0} {
			if set {
				return usagef("run: %s needs --state DIR", name)
			}
		}
		return nil
	}
	d, err := matchflags.ParseWindow(o.keep)
	if err != nil || d <= 0 {
		return usagef("run: --keep %q: want a duration like 7d or 36h", o.keep)
	}
	o.keepDur = d
	if o.night != "" {
		t, err := parseNight(o.night)
		if err != nil {
			return usagef("run: --night %q: want YYYY-MM-DD or RFC 3339", o.night)
		}
		o.nightTime = t
	}
	if !(o.maxRateChange >= 0 && o.maxRateChange <= 1) {
		return usagef("run: --max-rate-change %v: want a share from 0 to 1", o.maxRateChange)
	}
	if !(o.maxEvict >= 0 && o.maxEvict <= 1) {
		return usagef("run: --max-evict %v: want a share from 0 to 1", o.maxEvict)
	}
	return nil
}

// runNight is run --state: one night over the state (package nightly),
// printed.
func runNight(ctx context.Context, o *runOptions, cfg dedup.Config, set *report.Set, htmlName string, bar *progress, e env) error {
	opt := nightly.Options{
		State: o.state, Wait: o.wait, Keep: o.keepDur, Clock: o.nightTime, MaxRateChange: o.maxRateChange, MaxEvict: o.maxEvict, Out: o.out,
		Command: "neardup run", Version: version, Hook: testStateKillHook(), AfterRead: bar.finish,
	}
	if o.report.html != "" {
		opt.Report = func(ctx context.Context, v nightly.View) error {
			if v.Retry {
				return retryReport(ctx, o, cfg, v.Read, v.Outputs, set, htmlName)
			}
			write, err := runReport(ctx, &o.report, cfg, v.Result, v.Summary)
			if err != nil {
				return err
			}
			if htmlName != "" {
				return set.WriteFile(htmlName, write)
			}
			if err := report.WriteFileAtomic(o.report.html, write); err != nil {
				return fmt.Errorf("writing %s: %w", o.report.html, err)
			}
			return nil
		}
	}
	done, err := nightly.Run(ctx, cfg, opt, set)
	if done == nil {
		return err
	}
	if !o.quiet {
		n := done.Night
		switch {
		case done.Published:
			fmt.Fprintf(e.stderr, "neardup: night %d (%s) had been committed but not published: its outputs are now in %s\n", n.Night, n.Date, o.out)
		case done.Summary != nil && done.Summary.State.NothingNew:
			printSummary(e, o.out, o.report.html, done.Summary, done.Took)
		case done.Retry:
			fmt.Fprintf(e.stderr, "neardup: night %d (%s) was already committed with these articles: its outputs restored in %s, the state unchanged\n",
				n.Night, n.Date, o.out)
		default:
			printSummary(e, o.out, o.report.html, done.Summary, done.Took)
			fmt.Fprintf(e.stderr, "neardup: night %d (%s): %d new, %d already in the state, %d hidden; the state keeps %d articles (%d left), %.1f MB\n",
				n.Night, n.Date, n.New, n.Already, n.Duplicates, n.State, n.Evicted, float64(n.StateBytes)/1e6)
		}
	}
	if err != nil {
		return err
	}
	if cfg.SkipErrors && done.Skipped > 0 {
		return errSkipped
	}
	return nil
}

// retryReport writes the HTML report of a retried night from its restored
// outputs and tonight's texts (those of the inputs just read).
func retryReport(ctx context.Context, o *runOptions, cfg dedup.Config, res *dedup.Result, outs []state.Output, set *report.Set, htmlName string) error {
	opts, err := o.report.options()
	if err != nil {
		return err
	}
	var clusters []report.ClusterLine
	var sum *report.Summary
	for _, out := range outs {
		switch out.Name {
		case report.ClustersFile:
			clusters, err = report.ParseClusters(bytes.NewReader(out.Data), report.ClustersFile)
		case report.SummaryFile:
			sum = &report.Summary{}
			err = json.Unmarshal(out.Data, sum)
		}
		if err != nil {
			return fmt.Errorf("the stored outputs of the night: %w", err)
		}
	}
	var texts map[string]report.Article
	if cfg.KeepText {
		texts = map[string]report.Article{}
		for i, d := range res.Docs {
			texts[d.ID] = report.Article{Title: d.Title, Text: res.Texts[i]}
		}
	} else if texts, err = report.LoadTexts(ctx, cfg.Inputs, nil, cfg.Corpus, report.MemberIDs(clusters, nil)); err != nil {
		return fmt.Errorf("report: reading texts: %w", err)
	}
	write := func(w io.Writer) error { return report.HTML(w, sum, clusters, texts, opts) }
	if htmlName != "" {
		return set.WriteFile(htmlName, write)
	}
	return report.WriteFileAtomic(o.report.html, write)
}

const historyHelp = `Usage: neardup history --state DIR [--json]

Print the nights a nightly state (neardup run --state DIR) remembers, one
line each, then the state's parameters. The columns:
  night    its number, from 1
  date     its clock's date
  read     articles read
  new      of those, added to the state
  already  of those, in the state already with the same text
  changed  of those, in the state already with other text (the stored stands)
  hidden   new articles hidden as copies (drop.txt)
  rate     hidden / new
  evicted  articles that left the state at its commit (older than --keep)
  state    articles the state holds after it
  MB       the state's segment files after it, in megabytes
  seconds  the time the night took
--json prints the records whole, with each night's inputs (path, bytes,
CRC-32C). It reads without locking and never changes the state.

Flags:
`

func historyCmd(_ context.Context, args []string, e env) error {
	var dir string
	var asJSON bool
	if _, err := parseFlags("history", historyHelp, args, e, func(fs *pflag.FlagSet) {
		fs.StringVar(&dir, "state", "", "the state `DIR` (required)")
		fs.BoolVar(&asJSON, "json", false, "print the nights as a JSON array")
	}); err != nil {
		return err
	}
	if dir == "" {
		return usagef("history: --state DIR is required")
	}
	m, err := state.ReadHistory(dir)
	if err != nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		nights := m.Nights
		if nights == nil {
			nights = []state.Night{}
		}
		return enc.Encode(nights)
	}
	if len(m.Nights) == 0 {
		fmt.Fprintf(e.stdout, "%s: no night committed yet\n", dir)
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "night\tdate\tread\tnew\talready\tchanged\thidden\trate\tevicted\tstate\tMB\tseconds\t")
	for _, n := range m.Nights {
		total := 0.0
		for _, s := range n.Seconds {
			total += s
		}
		fmt.Fprintf(tw, "%d\t%s\t%d\t%d\t%d\t%d\t%d\t%.1f %%\t%d\t%d\t%.1f\t%.2f\t\n",
			n.Night, n.Date, n.Read, n.New, n.Already, n.Changed, n.Duplicates, 100*n.Rate, n.Evicted, n.State, float64(n.StateBytes)/1e6, total)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "parameters: %s; keep %s; %d articles in generation %d\n", paramLine(m.Params), m.Keep, m.Articles, m.Generation)
	return nil
}

// paramLine names the state's main parameters.
func paramLine(p state.Params) string {
	parts := []string{"shingle " + p.Shingle, fmt.Sprintf("threshold %v", p.Threshold), fmt.Sprintf("containment %v", p.Containment),
		fmt.Sprintf("hashes %d", p.Hashes), fmt.Sprintf("seed %d", p.Seed), p.Signature}
	return strings.Join(parts, ", ")
}

// parseNight reads a night's date: YYYY-MM-DD (midnight UTC) or RFC 3339.
func parseNight(s string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t, err = time.Parse(time.RFC3339, s)
	}
	return t, err
}
