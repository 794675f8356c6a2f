package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/lsh"
	"github.com/neardup/neardup/report"
	"github.com/neardup/neardup/shingle"
)

// Defaults, explained in README.md ("Why these defaults").
const (
	defaultShingle   = "word:5"
	defaultThreshold = 0.5
	defaultHashes    = 128
	defaultSeed      = 1
)

const runHelp = `Usage: neardup run [flags] INPUT...

Find duplicate and near-duplicate articles in INPUT and write into --out DIR:
  clusters.jsonl  one line per cluster of 2+ articles, largest first
  drop.txt        IDs of the non-canonical members, sorted (what to hide)
  summary.json    counts, every parameter used, seconds per stage

INPUT is a file, a directory (walked recursively, in sorted order) or - for
JSONL on standard input. Formats by extension: .txt (one article per file,
first non-empty line is the title), .jsonl/.ndjson, .csv/.tsv with a header
row; any of them may be gzip-compressed.

Examples:
  neardup run --out out/ testdata/wire/
  neardup run --out out/ --shingle char:5 --threshold 0.6 articles.csv
  neardup run --out out/ --on-error=skip --text-field body feed.jsonl.gz
  zcat feed.jsonl.gz | neardup run -q --out out/ -

Flags:
`

// runOptions are the flags of `neardup run`.
type runOptions struct {
	out         string
	shingle     string
	foldAccents bool
	threshold   float64
	hashes      int
	seed        int64
	workers     int
	quiet       bool
	onError     string
	maxBytes    int
	fields      corpus.Fields
}

func (o *runOptions) addFlags(fs *pflag.FlagSet) {
	def := corpus.DefaultFields()
	fs.StringVarP(&o.out, "out", "o", "", "write outputs into `DIR` (created if missing; required)")
	fs.StringVar(&o.shingle, "shingle", defaultShingle, "shingles: word:N (word n-grams) or char:N (character n-grams)")
	fs.BoolVar(&o.foldAccents, "fold-accents", false, "ignore accents: é and e compare equal")
	fs.Float64Var(&o.threshold, "threshold", defaultThreshold, "estimated Jaccard similarity at which two articles are copies (0-1)")
	fs.IntVar(&o.hashes, "hashes", defaultHashes, "MinHash signature length: more is more precise and slower")
	fs.Int64Var(&o.seed, "seed", defaultSeed, "seed of the hash functions (same seed, same output)")
	fs.IntVarP(&o.workers, "jobs", "j", runtime.NumCPU(), "worker goroutines `N`")
	fs.BoolVarP(&o.quiet, "quiet", "q", false, "print nothing but errors")
	fs.StringVar(&o.onError, "on-error", "fail", "bad input: fail (stop, exit 1, outputs untouched) or skip (record it, go on, exit 3)")
	fs.IntVar(&o.maxBytes, "max-bytes", corpus.DefaultMaxBytes, "largest article (record, line or file) in bytes; larger is an error")
	fs.StringVar(&o.fields.ID, "id-field", def.ID, "JSONL key / CSV column of the article ID")
	fs.StringVar(&o.fields.Title, "title-field", def.Title, "JSONL key / CSV column of the title")
	fs.StringVar(&o.fields.Text, "text-field", def.Text, "JSONL key / CSV column of the body text")
	fs.StringVar(&o.fields.Source, "source-field", def.Source, "JSONL key / CSV column of the source")
	fs.StringVar(&o.fields.Date, "date-field", def.Date, "JSONL key / CSV column of the date (RFC 3339 or YYYY-MM-DD)")
}

// config validates the options and turns them into a pipeline config.
func (o *runOptions) config(inputs []string) (dedup.Config, error) {
	var cfg dedup.Config
	if o.out == "" {
		return cfg, usagef("run: --out DIR is required")
	}
	if len(inputs) == 0 {
		return cfg, usagef("run: no INPUT given (a file, a directory, or - for stdin)")
	}
	sh, err := shingle.Parse(o.shingle)
	if err != nil {
		return cfg, usagef("run: --shingle: %v", err)
	}
	sh.FoldAccents = o.foldAccents
	params, err := lsh.NewParams(o.hashes, o.threshold, o.seed)
	if err != nil {
		return cfg, usagef("run: %v", err)
	}
	if o.workers < 1 {
		return cfg, usagef("run: -j %d: want at least 1 worker", o.workers)
	}
	if o.onError != "fail" && o.onError != "skip" {
		return cfg, usagef("run: --on-error=%s: want fail or skip", o.onError)
	}
	if o.maxBytes < 1 {
		return cfg, usagef("run: --max-bytes %d: want a positive size", o.maxBytes)
	}
	for _, f := range []string{o.fields.ID, o.fields.Text} {
		if strings.TrimSpace(f) == "" {
			return cfg, usagef("run: --id-field and --text-field cannot be empty")
		}
	}
	return dedup.Config{
		Inputs:     inputs,
		Corpus:     corpus.Options{Fields: o.fields, MaxBytes: o.maxBytes},
		SkipErrors: o.onError == "skip",
		Shingle:    sh,
		LSH:        params,
		Workers:    o.workers,
	}, nil
}

func runCmd(ctx context.Context, args []string, e env) error {
	var o runOptions
	fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.SortFlags = false
	o.addFlags(fs)
	fs.Usage = func() {
		fmt.Fprint(e.stdout, runHelp)
		fs.SetOutput(e.stdout)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return nil
		}
		return usagef("run: %v", err)
	}
	cfg, err := o.config(fs.Args())
	if err != nil {
		return err
	}
	cfg.Stdin = e.stdin
	var bar *progress
	if e.stderrTTY && !o.quiet {
		bar = newProgress(e.stderr)
		cfg.Progress = bar.update
	}
	if err := checkOutDir(o.out); err != nil {
		return err
	}

	start := time.Now()
	res, err := dedup.Run(ctx, cfg)
	bar.finish()
	if err != nil {
		return err
	}
	sum := report.NewSummary(version, cfg, res)
	if err := report.WriteAll(o.out, res, sum); err != nil {
		return err
	}
	if !o.quiet {
		printSummary(e, o.out, sum, time.Since(start))
	}
	if cfg.SkipErrors && inputErrors(res.Stats) > 0 {
		return errSkipped
	}
	return nil
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

func printSummary(e env, out string, s *report.Summary, took time.Duration) {
	a, m := s.Articles, s.Matching
	fmt.Fprintf(e.stderr, "neardup: %d articles read", a.Read)
	if a.SkippedTotal > 0 {
		fmt.Fprintf(e.stderr, ", %d skipped (", a.SkippedTotal)
		sep := ""
		for _, r := range []corpus.Reason{corpus.Empty, corpus.Malformed, corpus.DuplicateID, corpus.TooLarge, corpus.Unreadable} {
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
	fmt.Fprintf(e.stderr, "\nneardup: %d clusters, %d duplicates, %d candidate pairs (%d verified) in %.2fs\n",
		m.Clusters, m.Duplicates, m.CandidatePairs, m.VerifiedPairs, took.Seconds())
	fmt.Fprintf(e.stderr, "neardup: wrote %s, %s, %s in %s\n", report.ClustersFile, report.DropFile, report.SummaryFile, out)
	const shown = 10
	for i, sk := range s.Skips {
		if i == shown {
			fmt.Fprintf(e.stderr, "neardup: ... %d more skipped records listed in %s\n", len(s.Skips)-shown, report.SummaryFile)
			break
		}
		fmt.Fprintf(e.stderr, "neardup: skipped %s: %s\n", sk.At, sk.Error)
	}
}
