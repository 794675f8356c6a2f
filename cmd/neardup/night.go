package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/pflag"

	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/internal/matchflags"
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
}

const defaultKeep = "7d"

func (o *nightOptions) addFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.state, "state", "", "nightly use: remember articles and decisions in `DIR` between runs (README, Nightly use)")
	fs.StringVar(&o.keep, "keep", defaultKeep, "with --state: articles published longer than this before the night's clock leave the state (e.g. 7d, 36h)")
	fs.StringVar(&o.night, "night", "", "with --state: the night's clock, `DATE` (YYYY-MM-DD or RFC 3339; default: the latest publication date of tonight's new articles at most 48h after their median, never before the last night's)")
	fs.Float64Var(&o.maxRateChange, "max-rate-change", 0, "with --state: exit 13 when tonight's dedup rate is further than this (a share, e.g. 0.15) from the median of the last 7 nights (0: off)")
}

// check validates the nightly flags.
func (o *nightOptions) check() error {
	if o.state == "" {
		for name, set := range map[string]bool{"--night": o.night != "", "--max-rate-change": o.maxRateChange != 0, "--keep": o.keep != defaultKeep} {
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
		t, err := time.Parse(time.DateOnly, o.night)
		if err != nil {
			if t, err = time.Parse(time.RFC3339, o.night); err != nil {
				return usagef("run: --night %q: want YYYY-MM-DD or RFC 3339", o.night)
			}
		}
		o.nightTime = t
	}
	if !(o.maxRateChange >= 0 && o.maxRateChange <= 1) {
		return usagef("run: --max-rate-change %v: want a share from 0 to 1", o.maxRateChange)
	}
	return nil
}

// rateAlarm reports a dedup rate far from the recent nights': exit 13,
// after the night was committed.
type rateAlarm struct {
	rate, median, limit float64
	nights              int
}

func (a *rateAlarm) Error() string {
	return fmt.Sprintf("tonight's dedup rate %.1f %% is %.1f points from the median of the last %d nights (%.1f %%), more than --max-rate-change %.1f points: "+
		"check the feed and the parser; the night was committed", 100*a.rate, 100*abs(a.rate-a.median), a.nights, 100*a.median, 100*a.limit)
}

func abs(x float64) float64 { return max(x, -x) }

// runNight is run --state: read tonight, decide it against the state,
// commit the state, then switch the outputs in (a run killed between the
// two is a retry next time, which restores the outputs from the state).
func runNight(ctx context.Context, o *runOptions, cfg dedup.Config, set *report.Set, htmlName string, bar *progress, e env) error {
	start := time.Now()
	st, err := state.Lock(ctx, o.state, state.Options{Wait: o.wait, Command: "neardup run", Hook: testStateKillHook()})
	if err != nil {
		return err
	}
	defer st.Close()
	// The state loads while tonight's input is read: its checks come
	// first, before anything is decided or written.
	var loaded time.Duration
	loading := make(chan error, 1)
	go func() {
		err := st.Load()
		loaded = time.Since(start)
		loading <- err
	}()
	params := state.ParamsOf(cfg)

	var files []string
	cfg.Corpus.OnFile = func(path string) { files = append(files, path) }
	var stdin *hashingReader
	if slices.Contains(cfg.Inputs, "-") && cfg.Stdin != nil {
		stdin = &hashingReader{r: cfg.Stdin, h: crc32.New(crc32.MakeTable(crc32.Castagnoli))}
		cfg.Stdin = stdin
	}
	cfg.Remember = true
	res, err := dedup.Read(ctx, cfg)
	bar.finish()
	if lerr := <-loading; lerr != nil {
		return lerr
	}
	if err := st.CheckParams(params); err != nil {
		return err
	}
	if err != nil {
		return err
	}
	if res.Stats.Read == 0 {
		return fmt.Errorf("no articles read (%d files, %d records skipped): outputs and state left as they were", res.Stats.Files, res.Stats.SkippedTotal())
	}
	res.Stages = append([]dedup.Stage{{Name: "load_state (while reading)", Seconds: loaded.Seconds()}}, res.Stages...)
	// The inputs' checksums, for the night's record, while it is decided.
	type hashed struct {
		inputs []state.Input
		err    error
	}
	hashing := make(chan hashed, 1)
	go func() {
		ins, err := state.HashInputs(files)
		hashing <- hashed{ins, err}
	}()
	t := st.Night(cfg, res, o.nightTime, o.keepDur)
	h := <-hashing
	if t.Retry {
		outs, err := st.LastOutputs()
		if err != nil {
			return err
		}
		for _, out := range outs {
			if err := set.WriteFile(out.Name, func(w io.Writer) error { _, err := w.Write(out.Data); return err }); err != nil {
				return err
			}
		}
		if o.report.html != "" {
			if err := retryReport(ctx, o, cfg, res, outs, set, htmlName); err != nil {
				return err
			}
		}
		if err := set.Commit(); err != nil {
			return err
		}
		if !o.quiet {
			fmt.Fprintf(e.stderr, "neardup: night %d (%s) was already committed with these articles: its outputs restored in %s, the state unchanged\n",
				t.Night.Night, t.Night.Date, o.out)
		}
		return retryExit(o, cfg, st, outs)
	}

	sum := report.NewSummary(version, cfg, t.Result)
	sum.Format = report.NightFormatVersion
	sum.State = &report.StateSummary{
		Night: int(t.Night.Night), Date: t.Night.Date, Keep: report.FormatDuration(o.keepDur),
		Before: st.Len(), New: t.Night.New, Already: t.Night.Already, Changed: t.Night.Changed, ChangedIDs: t.Changed,
		TooOld: t.Night.TooOld, Ahead: t.Night.Ahead,
	}
	if t.Night.Changed > 0 {
		sum.Warnings = append(sum.Warnings, fmt.Sprintf("%d articles have an ID the state already has, with other text: the stored version stands (summary.json state.changed_ids)", t.Night.Changed))
	}
	if n := t.Night.TooOld; n > 0 {
		sum.Warnings = append(sum.Warnings, fmt.Sprintf("%d articles were published more than --keep %s before the night's clock (%s): kept, neither matched nor remembered", n, report.FormatDuration(o.keepDur), t.Night.Date))
	}
	if n := t.Night.Ahead; n > 0 {
		sum.Warnings = append(sum.Warnings, fmt.Sprintf("%d articles are dated more than %s after the night's median date: they do not move the night's clock (%s)", n, report.FormatDuration(state.MaxAhead), t.Night.Date))
	}
	if t.Night.Clock == 0 && t.Night.Undated > 0 {
		sum.Warnings = append(sum.Warnings, "no article is dated and --night was not given: the nights have no clock, and nothing ever leaves the state; give --night DATE")
	}
	outputs := []struct {
		name  string
		write func(io.Writer) error
	}{
		{report.ClustersFile, func(w io.Writer) error { return report.Clusters(w, t.Result) }},
		{report.DropFile, func(w io.Writer) error { return report.Drop(w, t.Result) }},
		{report.SummaryFile, func(w io.Writer) error { return sum.Write(w) }},
	}
	var outs []state.Output
	for _, out := range outputs {
		var b bytes.Buffer
		if err := out.write(&b); err != nil {
			return err
		}
		outs = append(outs, state.Output{Name: out.name, Data: b.Bytes()})
	}
	inputs, err := h.inputs, h.err
	if err != nil {
		return fmt.Errorf("recording the inputs: %w", err)
	}
	if stdin != nil {
		inputs = append(inputs, state.Input{Path: "-", Bytes: stdin.n, CRC32C: hex.EncodeToString(stdin.h.Sum(nil))})
	}
	seconds := map[string]float64{}
	for _, s := range t.Result.Stages {
		seconds[s.Name] = s.Seconds
	}
	recent := recentRates(st.Manifest.Nights)
	if err := st.Commit(t, params, o.keepDur, inputs, outs, seconds); err != nil {
		return fmt.Errorf("committing the state (the previous state stands; outputs left as they were): %w", err)
	}
	for _, out := range outs {
		if err := set.WriteFile(out.Name, func(w io.Writer) error { _, err := w.Write(out.Data); return err }); err != nil {
			return fmt.Errorf("state committed, outputs not written (run again: the retry restores them): %w", err)
		}
	}
	if o.report.html != "" {
		write, err := runReport(ctx, &o.report, cfg, t.Result, sum)
		if err != nil {
			return err
		}
		if htmlName != "" {
			if err := set.WriteFile(htmlName, write); err != nil {
				return err
			}
		} else if err := report.WriteFileAtomic(o.report.html, write); err != nil {
			return fmt.Errorf("writing %s: %w", o.report.html, err)
		}
	}
	if err := set.Commit(); err != nil {
		return fmt.Errorf("state committed, outputs not switched (run again: the retry restores them): %w", err)
	}
	if !o.quiet {
		printSummary(e, o.out, o.report.html, sum, time.Since(start))
		last := st.Last()
		fmt.Fprintf(e.stderr, "neardup: night %d (%s): %d new, %d already in the state, %d hidden; the state keeps %d articles (%d left), %.1f MB\n",
			last.Night, last.Date, last.New, last.Already, last.Duplicates, last.State, last.Evicted, float64(last.StateBytes)/1e6)
	}
	if o.maxRateChange > 0 && len(recent) >= 3 {
		med := median(recent)
		if abs(t.Night.Rate-med) > o.maxRateChange {
			return &rateAlarm{rate: t.Night.Rate, median: med, limit: o.maxRateChange, nights: len(recent)}
		}
	}
	if cfg.SkipErrors && inputErrors(res.Stats) > 0 {
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
	} else if texts, err = report.LoadTexts(ctx, cfg.Inputs, nil, cfg.Corpus, report.MemberIDs(clusters)); err != nil {
		return fmt.Errorf("report: reading texts: %w", err)
	}
	write := func(w io.Writer) error { return report.HTML(w, sum, clusters, texts, opts) }
	if htmlName != "" {
		return set.WriteFile(htmlName, write)
	}
	return report.WriteFileAtomic(o.report.html, write)
}

// retryExit is what a retried night exits with: as the night did, its
// alarm judged against the nights before it, and its skipped records from
// its summary (exit 3) — a retry must not hide either.
func retryExit(o *runOptions, cfg dedup.Config, st *state.State, outs []state.Output) error {
	nights := st.Manifest.Nights
	last := nights[len(nights)-1]
	if recent := recentRates(nights[:len(nights)-1]); o.maxRateChange > 0 && len(recent) >= 3 {
		if med := median(recent); abs(last.Rate-med) > o.maxRateChange {
			return &rateAlarm{rate: last.Rate, median: med, limit: o.maxRateChange, nights: len(recent)}
		}
	}
	for _, out := range outs {
		if out.Name != report.SummaryFile {
			continue
		}
		var sum report.Summary
		if err := json.Unmarshal(out.Data, &sum); err != nil {
			return fmt.Errorf("the stored outputs of the night: %w", err)
		}
		if cfg.SkipErrors && sum.Articles.SkippedTotal-sum.Articles.Skipped[string(corpus.Empty)] > 0 {
			return errSkipped
		}
	}
	return nil
}

// recentRates are the dedup rates of the last 7 nights that added articles.
func recentRates(nights []state.Night) []float64 {
	var rates []float64
	for i := len(nights) - 1; i >= 0 && len(rates) < 7; i-- {
		if nights[i].New > 0 {
			rates = append(rates, nights[i].Rate)
		}
	}
	return rates
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	sort.Float64s(s)
	if n := len(s); n%2 == 1 {
		return s[n/2]
	} else {
		return (s[n/2-1] + s[n/2]) / 2
	}
}

// hashingReader hashes and counts what is read through it.
type hashingReader struct {
	r io.Reader
	h hash.Hash
	n int64
}

func (h *hashingReader) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	h.h.Write(p[:n])
	h.n += int64(n)
	return n, err
}

// testStateKillHook is testKillHook for the state's commit points, with
// NEARDUP_TEST_KILL_AT=state:POINT.
func testStateKillHook() func(string) {
	hook := testKillHook()
	if hook == nil {
		return nil
	}
	return func(point string) { hook("state:" + point) }
}

const historyHelp = `Usage: neardup history --state DIR [--json]

Print the nights a nightly state (neardup run --state DIR) remembers, one
line each: the night, its clock's date, articles read, new, already in the
state, hidden, the dedup rate (hidden / new), articles evicted, the state's
size after it, and the seconds it took. --json prints the records whole,
with each night's inputs (path, bytes, CRC-32C). It reads without locking
and never changes the state.

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
