package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/decisions"
	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/internal/matchflags"
	"github.com/neardup/neardup/lock"
	"github.com/neardup/neardup/nightly"
	"github.com/neardup/neardup/report"
)

// runHelp names the input formats from corpus.ExtensionList, their one list.
var runHelp = strings.Replace(runHelpText, "{{extensions}}", corpus.ExtensionList(), 1)

const runHelpText = `Usage: neardup run [flags] INPUT...

Find duplicate and near-duplicate articles in INPUT and write into --out DIR:
  clusters.jsonl  one line per cluster of 2+ articles, largest first
  drop.txt        IDs of the non-canonical members, sorted (what to hide)
  summary.json    counts, every parameter used, seconds per stage
  (--html FILE)   the editors' report: one self-contained HTML page

The outputs are one set: written into DIR/.gen-N, then switched in by one
rename of the link DIR/current; DIR/clusters.jsonl and the others are links
through it. A run that fails or is killed leaves the previous set whole. A
second run on the same DIR exits 11 at once (--wait waits); a run that read
no articles exits 1 and writes nothing.

INPUT is a file, a directory (walked recursively, in sorted order) or - for
JSONL on standard input. Formats by extension:
  {{extensions}}
(.txt: one article per file, its first non-empty line the title; .csv, .tsv:
a header row naming the fields).

Examples:
  neardup run --out out/ testdata/wire/
  neardup run --out out/ --html out/report.html testdata/wire/
  neardup run --out out/ --shingle char:3 articles.csv
  neardup run --out out/ --model our-model.json feed.jsonl
  neardup run --out out/ --on-error=skip --text-field body feed.jsonl.gz
  zcat feed.jsonl.gz | neardup run -q --out out/ -
  neardup run -q --state /var/lib/neardup --keep 7d --out /srv/dedup feed/

With --decisions FILE (exported from the report's "Not a copy" and "Same
story" buttons), an editor's decisions outrank the match decision: a pair
marked not a copy never shares a cluster, a pair marked the same story does,
and the member's match says "editor". Decisions about articles not in the run
are counted in summary.json; contradicting ones stop the run, naming the lines.

With --state DIR (nightly use, docs/nightly.md), tonight's articles are
matched against those of the last --keep days the state remembers, decisions
made on earlier nights are final, clusters.jsonl lists the clusters that
gained a member tonight under stable IDs, drop.txt tonight's hidden articles,
and the state is committed as one step; a retry of a committed night restores
its outputs. Exit 12: the state was made with other parameters; 13: the
--max-rate-change alarm (committed); 14: the state is damaged; 15: the night
would evict more than --max-evict (nothing changed); 16: nothing new (no night
committed, outputs written); 17: the last night's outputs published instead.

Flags:
`

// inputsExist fails when an INPUT named on the command line does not
// exist, in both error modes: tonight's feed mount missing must not turn
// into a run over what is left that replaces yesterday's outputs (a file
// that exists but cannot be read is an input error, skipped or not as
// --on-error says).
func inputsExist(inputs []string) error {
	for _, in := range inputs {
		if in == "-" {
			continue
		}
		if _, err := os.Lstat(in); errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("input %s does not exist: outputs left as they were", in)
		}
	}
	return nil
}

// runOptions are the flags of `neardup run`.
type runOptions struct {
	matchflags.Options
	nightOptions
	report     reportOptions
	out        string
	wait       time.Duration
	quiet      bool
	cpuProfile string
	memProfile string
	decisions  []string
	memory     memoryOptions
}

func (o *runOptions) addFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&o.out, "out", "o", "", "write outputs into `DIR` (created if missing; required)")
	fs.DurationVar(&o.wait, "wait", 0, "if another neardup holds --out, wait up to `DURATION` (e.g. 10m) for it instead of exiting with 11")
	fs.BoolVarP(&o.quiet, "quiet", "q", false, "print nothing but errors")
	o.report.addFlags(fs, "also write the editors' HTML report to `FILE`")
	fs.StringSliceVar(&o.decisions, "decisions", nil, "editors' decisions: a `FILE` exported from the report (decisions.jsonl; repeat or comma-separate for several): pairs marked not a copy never share a cluster, pairs marked the same story do")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a Go CPU profile of the run to `FILE` (for benchmarking)")
	fs.StringVar(&o.memProfile, "memprofile", "", "write a Go heap profile, taken when matching is done, to `FILE`")
	o.nightOptions.addFlags(fs)
	o.memory.addFlags(fs)
	o.Options.AddFlags(fs)
}

func runCmd(ctx context.Context, args []string, e env) (err error) {
	var o runOptions
	fs, err := parseFlags("run", runHelp, args, e, o.addFlags)
	if err != nil {
		return err
	}
	if o.out == "" && !o.memory.dryRun {
		return usagef("run: --out DIR is required")
	}
	if o.wait < 0 {
		return usagef("run: --wait %v: want a duration of 0 or more", o.wait)
	}
	cfg, err := o.Config("run", fs.Args())
	if err != nil {
		return err
	}
	if err := o.nightOptions.check(); err != nil {
		return err
	}
	if err := inputsExist(cfg.Inputs); err != nil {
		return err
	}
	cfg.Stdin = e.stdin
	if stop, err := memoryCheck(ctx, &o, cfg, e); stop || err != nil {
		return err
	}
	cfg.KeepText = o.report.html != "" && slices.Contains(cfg.Inputs, "-")
	if o.report.html != "" {
		if _, err := o.report.options(); err != nil {
			return err
		}
	}
	if err := checkOutDir(o.out); err != nil {
		return err
	}
	if err := checkPaths(&o, cfg.Inputs); err != nil {
		return err
	}
	if len(o.decisions) > 0 {
		if cfg.Decisions, err = decisions.Load(o.decisions); err != nil {
			return fmt.Errorf("--decisions: %w", err)
		}
	}
	var htmlName string // --html's name in the output set; "" outside --out
	if o.report.html != "" {
		if htmlName, err = report.InsideOut(o.out, o.report.html); err != nil {
			return usagef("run: --html: %v", err)
		}
	}
	cfg.Corpus.Exclude = []string{o.out}
	if o.state != "" {
		cfg.Corpus.Exclude = append(cfg.Corpus.Exclude, o.state)
	}

	unlock, err := lockOut(ctx, o.out, o.wait, "neardup run")
	if err != nil {
		return err
	}
	defer unlock()
	var bar *progress
	if e.stderrTTY && !o.quiet {
		bar = newProgress(e.stderr)
		cfg.Progress = bar.update
	}
	names := slices.Clone(report.Outputs)
	if htmlName != "" {
		names = append(names, htmlName)
	}
	set, err := report.BeginSet(o.out, names, report.SetOptions{Hook: testKillHook()})
	if err != nil {
		return err
	}
	defer set.Abort()

	if o.cpuProfile != "" {
		stop, perr := cpuProfile(o.cpuProfile)
		if perr != nil {
			return perr
		}
		defer func() { // err: runCmd's result
			// Kept whenever the outputs were written: exit 0, 3, an alarm.
			done := err == nil || errors.Is(err, errSkipped) || errors.As(err, new(*nightly.RateAlarm)) ||
				errors.As(err, new(*nightly.NothingNew)) || errors.As(err, new(*nightly.Unpublished))
			if serr := stop(done); err == nil && serr != nil {
				err = fmt.Errorf("--cpuprofile: %w", serr)
			}
		}()
	}
	if o.state != "" {
		return runNight(ctx, &o, cfg, set, htmlName, bar, e)
	}
	start := time.Now()
	res, err := dedup.Run(ctx, cfg)
	bar.finish()
	if err != nil {
		return err
	}
	if res.Stats.Read == 0 {
		first := ""
		if len(res.Skips) > 0 {
			first = "; the first: " + res.Skips[0].Error()
		}
		return fmt.Errorf("no articles read (%d files, %d records skipped%s): outputs left as they were", res.Stats.Files, res.Stats.SkippedTotal(), first)
	}
	if o.memProfile != "" {
		if err := writeHeapProfile(o.memProfile); err != nil {
			return err
		}
	}
	sum := report.NewSummary(version, cfg, res)
	if err := report.WriteOutputs(set, res, sum); err != nil {
		return err
	}
	// The report is written before the switch: if it fails, the previous
	// set stays whole. Outside --out it is renamed into place after the
	// switch.
	var staged *report.StagedFile
	if o.report.html != "" {
		write, err := runReport(ctx, &o.report, cfg, res, sum)
		if err != nil {
			return err
		}
		if htmlName != "" {
			if err := set.WriteFile(htmlName, write); err != nil {
				return err
			}
		} else {
			if staged, err = stageHTML(o.report.html, write); err != nil {
				return fmt.Errorf("writing %s: %w", o.report.html, err)
			}
			defer staged.Remove()
		}
	}
	if err := set.Commit(); err != nil {
		return err
	}
	if staged != nil {
		if err := staged.Rename(); err != nil {
			return fmt.Errorf("outputs written, but not %s: %w", o.report.html, err)
		}
	}
	if !o.quiet {
		printSummary(e, o.out, o.report.html, sum, time.Since(start))
	}
	if cfg.SkipErrors && inputErrors(res.Stats) > 0 {
		return errSkipped
	}
	return nil
}

// lockOut creates the output directory and locks it (OUT/.lock) for this
// process, waiting up to wait for another holder. It returns the function
// that unlocks it.
func lockOut(ctx context.Context, out string, wait time.Duration, command string) (func(), error) {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, err
	}
	l, err := lock.Acquire(ctx, filepath.Join(out, report.LockFile), wait, command)
	if err != nil {
		if errors.Is(err, lock.ErrLocked) {
			return nil, fmt.Errorf("%w: another neardup is writing --out %s (--wait DURATION waits for it)", err, out)
		}
		return nil, err
	}
	return func() { l.Release() }, nil
}

// checkOutDir fails early when --out exists and is not a directory, so a
// long run does not end in an error.
func checkOutDir(dir string) error {
	fi, err := os.Stat(dir)
	if err == nil && !fi.IsDir() {
		return fmt.Errorf("--out %s: not a directory", dir)
	}
	return nil
}

// inputErrors counts records skipped for errors (empty articles are not errors).
func inputErrors(s corpus.Stats) int {
	return s.SkippedTotal() - s.Skipped[corpus.Empty]
}

func printSummary(e env, out, html string, s *report.Summary, took time.Duration) {
	a, m := s.Articles, s.Matching
	fmt.Fprintf(e.stderr, "neardup: %d articles read", a.Read)
	if a.SkippedTotal > 0 {
		fmt.Fprintf(e.stderr, ", %d skipped (", a.SkippedTotal)
		sep := ""
		for _, r := range []corpus.Reason{corpus.Empty, corpus.Malformed, corpus.DuplicateID, corpus.TooLarge, corpus.Unreadable, corpus.NoTextField} {
			if n := a.Skipped[string(r)]; n > 0 {
				fmt.Fprintf(e.stderr, "%s%d %s", sep, n, r)
				sep = ", "
			}
		}
		fmt.Fprint(e.stderr, ")")
	}
	if a.InvalidUTF8Replaced > 0 {
		fmt.Fprintf(e.stderr, ", %d with invalid UTF-8 replaced", a.InvalidUTF8Replaced)
	}
	if a.OutsideLinks > 0 {
		fmt.Fprintf(e.stderr, ", %d links to files outside their INPUT directory not followed", a.OutsideLinks)
	}
	if a.SpecialFiles > 0 {
		fmt.Fprintf(e.stderr, ", %d special files (pipes, sockets, devices) not read", a.SpecialFiles)
	}
	fmt.Fprintf(e.stderr, "\nneardup: %d clusters, %d duplicates, %d candidate pairs (%d verified) in %.2fs\n",
		m.Clusters, m.Duplicates, m.CandidatePairs, m.VerifiedPairs, took.Seconds())
	fmt.Fprintf(e.stderr, "neardup: wrote %s, %s, %s in %s\n", report.ClustersFile, report.DropFile, report.SummaryFile, out)
	if html != "" {
		fmt.Fprintf(e.stderr, "neardup: wrote the HTML report %s\n", html)
	}
	for _, w := range s.Warnings {
		fmt.Fprintf(e.stderr, "neardup: warning: %s\n", w)
	}
	const shown = 10
	for i, sk := range s.Skips {
		if i == shown {
			fmt.Fprintf(e.stderr, "neardup: ... %d more skipped records listed in %s\n", len(s.Skips)-shown, report.SummaryFile)
			break
		}
		fmt.Fprintf(e.stderr, "neardup: skipped %s: %s\n", sk.At, sk.Error)
	}
}

// writeHeapProfile writes a heap profile to path, atomically.
func writeHeapProfile(path string) error {
	return report.WriteFileAtomic(path, func(w io.Writer) error { return pprof.Lookup("heap").WriteTo(w, 0) })
}
