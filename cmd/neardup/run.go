package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/neardup/neardup/cluster"
	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/lock"
	"github.com/neardup/neardup/lsh"
	"github.com/neardup/neardup/report"
	"github.com/neardup/neardup/shingle"
)

// Defaults, measured in benchmarks/QUALITY.md and explained in README.md
// ("Why these defaults").
const (
	defaultShingle     = "word:3"
	defaultThreshold   = 0.3
	defaultContainment = 0.6
	defaultMinRatio    = 0.15
	defaultFigures     = 0.75
	defaultNames       = 0
	defaultVetoBelow   = 150
	defaultWindow      = "48h"
	defaultSubject     = 0.02
	defaultShortBelow  = 60
	defaultShortWindow = "20h"
	defaultFigureOrder = 0.6
	defaultLede        = 0.15
	defaultFurniture   = 20
	defaultAntiChain   = true
	defaultBoilerplate = true
	defaultHashes      = 128
	defaultSeed        = 1
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
  neardup run --out out/ --shingle char:5 --threshold 0.6 articles.csv
  neardup run --out out/ --on-error=skip --text-field body feed.jsonl.gz
  zcat feed.jsonl.gz | neardup run -q --out out/ -

Flags:
`

// matchOptions are the flags that decide what a run reads and matches;
// run and eval share them.
type matchOptions struct {
	shingle     string
	foldAccents bool
	threshold   float64
	candidates  float64
	containment float64
	minRatio    float64
	figures     float64
	names       float64
	vetoBelow   int
	window      string
	subject     float64
	shortBelow  int
	shortWindow string
	figureOrder float64
	lede        float64
	furniture   int
	antiChain   bool
	boilerplate bool
	hashes      int
	signature   string
	seed        int64
	workers     int
	onError     string
	maxBytes    int
	fields      corpus.Fields
}

func (o *matchOptions) addFlags(fs *pflag.FlagSet) {
	def := corpus.DefaultFields()
	fs.StringVar(&o.shingle, "shingle", defaultShingle, "shingles: word:N (word n-grams) or char:N (character n-grams)")
	fs.BoolVar(&o.foldAccents, "fold-accents", false, "ignore accents: é and e compare equal")
	fs.Float64Var(&o.threshold, "threshold", defaultThreshold, "estimated Jaccard similarity at which two articles are copies (0-1)")
	fs.Float64Var(&o.containment, "containment", defaultContainment, "also copies: estimated containment |A∩B|/|smaller| at least this (0: off)")
	fs.Float64Var(&o.minRatio, "containment-min-ratio", defaultMinRatio, "containment counts only when the smaller text has at least this share of the larger's shingles")
	fs.Float64Var(&o.figures, "figures", defaultFigures, "veto for short articles (see --veto-below): the share of the figures (numbers, English number words) of the article with fewer that the other must have too (0: off)")
	fs.Float64Var(&o.names, "names", defaultNames, "veto: share of names (capitalised words) the article with fewer must share with the other (0: off)")
	fs.IntVar(&o.vetoBelow, "veto-below", defaultVetoBelow, "the figures and names vetoes apply when the shorter article has fewer shingles than this; figure order, the short-item window, the subject and furniture tests when both have (0: always)")
	fs.StringVar(&o.window, "window", defaultWindow, "veto: dated articles further apart than this are not copies (e.g. 36h, 3d; off)")
	fs.Float64Var(&o.subject, "subject", defaultSubject, "veto for short articles (see --veto-below): a title word used by at most this share of them, or a title figure, names the subject; each title naming one the other article never mentions: different items (0: off)")
	fs.StringVar(&o.shortWindow, "short-window", defaultShortWindow, "veto: short items (see --short-below) further apart than this are not copies (off: --window alone)")
	fs.IntVar(&o.shortBelow, "short-below", defaultShortBelow, "--short-window applies when the shorter text has at most this many words")
	fs.Float64Var(&o.figureOrder, "figure-order", defaultFigureOrder, "veto for two short texts of 6+ figures each: share of the consecutive figure pairs of the one with fewer the other must have (a table re-sent vs its next release; 0: off)")
	fs.Float64Var(&o.lede, "lede", defaultLede, "veto: two articles of 60+ shingles sharing less than a rewrite does, whose ledes (first 12 shingles) are less alike than this (Jaccard), are a story and its follow-up (0: off)")
	fs.IntVar(&o.furniture, "furniture", defaultFurniture, "veto: a sentence at the head or tail of at least this many short articles is page furniture (cookie, paywall, captcha notices); articles sharing only furniture are different pages (0: off)")
	fs.BoolVar(&o.boilerplate, "boilerplate", defaultBoilerplate, "ignore wire boilerplate when matching: datelines, bylines, credits, agency tails")
	fs.BoolVar(&o.antiChain, "anti-chain", defaultAntiChain, "keep in a cluster only members verified against its canonical article")
	fs.Float64Var(&o.candidates, "candidate-threshold", 0, "Jaccard the LSH banding is tuned for (0: the threshold, lower with --containment)")
	fs.IntVar(&o.hashes, "hashes", defaultHashes, "MinHash signature length: more is more precise and slower")
	fs.StringVar(&o.signature, "signature", lsh.OPH, "signature scheme: oph (one hash per shingle, densified) or minhash (the ekzhu/minhash-lsh library's)")
	fs.Int64Var(&o.seed, "seed", defaultSeed, "seed of the hash functions (same seed, same output)")
	fs.IntVarP(&o.workers, "jobs", "j", runtime.NumCPU(), "worker goroutines `N`")
	fs.StringVar(&o.onError, "on-error", "fail", "bad input: fail (stop, exit 1, outputs untouched) or skip (record it, go on, exit 3)")
	fs.IntVar(&o.maxBytes, "max-bytes", corpus.DefaultMaxBytes, "largest article (record, line or file) in bytes; larger is an error")
	fs.StringVar(&o.fields.ID, "id-field", def.ID, "JSONL key / CSV column of the article ID")
	fs.StringVar(&o.fields.Title, "title-field", def.Title, "JSONL key / CSV column of the title")
	fs.StringVar(&o.fields.Text, "text-field", def.Text, "JSONL key / CSV column of the body text")
	fs.StringVar(&o.fields.Source, "source-field", def.Source, "JSONL key / CSV column of the source")
	fs.StringVar(&o.fields.Date, "date-field", def.Date, "JSONL key / CSV column of the date (RFC 3339 or YYYY-MM-DD)")
}

// config validates the options and turns them into a pipeline config.
func (o *matchOptions) config(cmd string, inputs []string) (dedup.Config, error) {
	var cfg dedup.Config
	if len(inputs) == 0 {
		return cfg, usagef("%s: no INPUT given (a file, a directory, or - for stdin)", cmd)
	}
	sh, err := shingle.Parse(o.shingle)
	if err != nil {
		return cfg, usagef("%s: --shingle: %v", cmd, err)
	}
	sh.FoldAccents = o.foldAccents
	window, err := parseWindow(o.window)
	if err != nil {
		return cfg, usagef("%s: --window: %v", cmd, err)
	}
	shortWindow, err := parseWindow(o.shortWindow)
	if err != nil {
		return cfg, usagef("%s: --short-window: %v", cmd, err)
	}
	if o.furniture < 0 || o.furniture == 1 {
		return cfg, usagef("%s: --furniture %d: want 0 (off) or 2 or more articles", cmd, o.furniture)
	}
	if o.shortBelow < 0 {
		return cfg, usagef("%s: --short-below %d: want 0 or more", cmd, o.shortBelow)
	}
	rules := cluster.Rules{Threshold: o.threshold, Containment: o.containment, MinRatio: o.minRatio, Figures: o.figures, Names: o.names, VetoBelow: o.vetoBelow, Window: window,
		Subject: o.subject, ShortBelow: o.shortBelow, ShortWindow: shortWindow, FigureOrder: o.figureOrder, Lede: o.lede, FurnitureMin: o.furniture}
	for _, v := range []struct {
		name string
		v    float64
	}{{"--containment", o.containment}, {"--containment-min-ratio", o.minRatio}, {"--figures", o.figures}, {"--names", o.names}, {"--subject", o.subject}, {"--figure-order", o.figureOrder}, {"--lede", o.lede}, {"--candidate-threshold", o.candidates}} {
		if !(v.v >= 0 && v.v <= 1) {
			return cfg, usagef("%s: %s %v: want a number from 0 to 1", cmd, v.name, v.v)
		}
	}
	candidates := o.candidates
	if candidates == 0 {
		candidates = dedup.CandidateThreshold(rules)
	}
	params, err := lsh.NewParams(o.hashes, candidates, o.seed)
	if err != nil {
		return cfg, usagef("%s: %v", cmd, err)
	}
	if o.signature != lsh.OPH && o.signature != lsh.MinHash {
		return cfg, usagef("%s: --signature %q: want oph or minhash", cmd, o.signature)
	}
	params.Scheme = o.signature
	if !(o.threshold > 0 && o.threshold < 1) {
		return cfg, usagef("%s: --threshold %v: want a number strictly between 0 and 1", cmd, o.threshold)
	}
	if o.vetoBelow < 0 {
		return cfg, usagef("%s: --veto-below %d: want 0 or more", cmd, o.vetoBelow)
	}
	if o.workers < 1 {
		return cfg, usagef("%s: -j %d: want at least 1 worker", cmd, o.workers)
	}
	if o.onError != "fail" && o.onError != "skip" {
		return cfg, usagef("%s: --on-error=%s: want fail or skip", cmd, o.onError)
	}
	if o.maxBytes < 1 {
		return cfg, usagef("%s: --max-bytes %d: want a positive size", cmd, o.maxBytes)
	}
	names := []string{o.fields.ID, o.fields.Title, o.fields.Text, o.fields.Source, o.fields.Date}
	for i, f := range names {
		if !corpus.ValidFieldName(f) {
			return cfg, usagef("%s: field name %q: want a non-empty name without quotes, commas or backslashes", cmd, f)
		}
		if slices.Contains(names[:i], f) {
			return cfg, usagef("%s: field name %q given for two fields", cmd, f)
		}
	}
	return dedup.Config{
		Inputs:      inputs,
		Corpus:      corpus.Options{Fields: o.fields, MaxBytes: o.maxBytes},
		SkipErrors:  o.onError == "skip",
		Shingle:     sh,
		LSH:         params,
		Rules:       rules,
		AntiChain:   o.antiChain,
		Boilerplate: o.boilerplate,
		Workers:     o.workers,
	}, nil
}

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

// parseWindow reads a duration: Go syntax (36h, 90m) or whole days (3d);
// "off", "0" or "" is no window.
func parseWindow(s string) (time.Duration, error) {
	switch s {
	case "", "0", "off":
		return 0, nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 1 {
			return 0, fmt.Errorf("%q: want whole days like 3d, or a duration like 36h", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%q: want a duration like 36h or 3d, or off", s)
	}
	return d, nil
}

// runOptions are the flags of `neardup run`.
type runOptions struct {
	matchOptions
	report     reportOptions
	out        string
	wait       time.Duration
	quiet      bool
	cpuProfile string
	memProfile string
}

func (o *runOptions) addFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&o.out, "out", "o", "", "write outputs into `DIR` (created if missing; required)")
	fs.DurationVar(&o.wait, "wait", 0, "if another neardup holds --out, wait up to `DURATION` (e.g. 10m) for it instead of exiting with 11")
	fs.BoolVarP(&o.quiet, "quiet", "q", false, "print nothing but errors")
	o.report.addFlags(fs, "also write the editors' HTML report to `FILE`")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a Go CPU profile of the run to `FILE` (for benchmarking)")
	fs.StringVar(&o.memProfile, "memprofile", "", "write a Go heap profile, taken when matching is done, to `FILE`")
	o.matchOptions.addFlags(fs)
}

func runCmd(ctx context.Context, args []string, e env) error {
	var o runOptions
	fs, err := parseFlags("run", runHelp, args, e, o.addFlags)
	if err != nil {
		return err
	}
	if o.out == "" {
		return usagef("run: --out DIR is required")
	}
	if o.wait < 0 {
		return usagef("run: --wait %v: want a duration of 0 or more", o.wait)
	}
	cfg, err := o.config("run", fs.Args())
	if err != nil {
		return err
	}
	if err := inputsExist(cfg.Inputs); err != nil {
		return err
	}
	cfg.Stdin = e.stdin
	cfg.KeepText = o.report.html != "" && slices.Contains(cfg.Inputs, "-")
	if o.report.html != "" {
		if _, err := o.report.options(); err != nil {
			return err
		}
	}
	if err := checkOutDir(o.out); err != nil {
		return err
	}
	var htmlName string // --html's name in the output set; "" outside --out
	if o.report.html != "" {
		if htmlName, err = report.InsideOut(o.out, o.report.html); err != nil {
			return usagef("run: --html: %v", err)
		}
	}
	cfg.Corpus.Exclude = []string{o.out}

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
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
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

// testKillHook is a device for the reliability tests (see README,
// Development): with NEARDUP_TEST_KILL_AT=POINT in the environment, the
// process kills itself with SIGKILL when writing its outputs reaches POINT
// (a report.SetOptions.Hook point, e.g. "linked"). Not for production use.
func testKillHook() func(string) {
	at := os.Getenv("NEARDUP_TEST_KILL_AT")
	if at == "" {
		return nil
	}
	return func(point string) {
		if point == at {
			if p, err := os.FindProcess(os.Getpid()); err == nil {
				p.Kill() // SIGKILL
			}
			select {} // the signal is on its way
		}
	}
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

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
