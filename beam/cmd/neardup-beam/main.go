// Command neardup-beam runs neardup's matching as an Apache Beam pipeline
// (package github.com/neardup/neardup/beam/pipeline) and writes what
// neardup run writes — clusters.jsonl, drop.txt, summary.json — for the
// same inputs and flags, with the same clusters, canonical members and
// drop list.
//
//	neardup-beam --out DIR [flags] INPUT...
//
// INPUT is a file, a local directory (walked as neardup run walks it) or a
// pattern of its file system (testdata/briefs/*.jsonl,
// gs://bucket/news/*.jsonl.gz). The runner is Prism, in-process, unless
// --runner names another (dataflow, flink, spark, universal) with its own
// flags: see docs/beam.md.
//
// With --shards N, clusters.jsonl and drop.txt are written as N shards
// each, and neardup-beam --join --out DIR merges them.
//
// Exit codes: 0 success; 1 failure (the pipeline failed, or read no
// articles: outputs left as they were); 2 usage; 3 outputs written, but
// input records were skipped for errors (--on-error=skip).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/s3"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/options/jobopts"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"
	"github.com/spf13/pflag"

	"github.com/neardup/neardup/beam/pipeline"
	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/internal/matchflags"
	"github.com/neardup/neardup/report"
)

// version is written into summary.json.
const version = "0.1.0-beam"

const help = `Usage: neardup-beam --out DIR [flags] INPUT...

Find duplicate and near-duplicate articles in INPUT, as neardup run does,
with an Apache Beam pipeline, and write into --out DIR (local, gs://, s3://):
  clusters.jsonl  one line per cluster of 2+ articles, largest first
  drop.txt        IDs of the non-canonical members, sorted (what to hide)
  summary.json    counts and every parameter used
With --shards N, clusters-0000i-of-N.jsonl and drop-0000i-of-N.txt instead
of the first two; neardup-beam --join --out DIR merges them into those two.

INPUT is a file, a local directory (walked recursively, in sorted order) or
a file pattern (data/*.jsonl.gz, gs://bucket/news/2026-*.jsonl). Formats by
extension: {{extensions}}.

The runner is Prism, in-process, unless --runner says otherwise; Beam's
runner flags (--runner, --project, --region, --staging_location,
--endpoint, --environment_type, ...) are accepted with two dashes. See
docs/beam.md.

Flags:
`

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// options are neardup-beam's own flags beside the matching ones.
type options struct {
	matchflags.Options
	out    string
	rounds int
	shards int
	join   bool
	quiet  bool
}

func (o *options) addFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&o.out, "out", "o", "", "output directory `DIR` (required): local, or gs://… s3://… for a runner with that file system")
	o.AddFlags(fs)
	fs.IntVar(&o.rounds, "components-rounds", pipeline.DefaultRounds, "rounds of the distributed connected components (a run that needs more fails, never splits a cluster)")
	fs.IntVar(&o.shards, "shards", 0, "write clusters.jsonl and drop.txt as `N` shards each, by N workers (0: one file each, by one worker); --join merges them")
	fs.BoolVar(&o.join, "join", false, "merge the shards in --out into clusters.jsonl and drop.txt, as one run writes them, and exit (no INPUT)")
	fs.BoolVarP(&o.quiet, "quiet", "q", false, "print nothing but errors")
}

// run is the command; it returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	code, err := runPipeline(ctx, args, stdout, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "neardup-beam:", err)
	}
	return code
}

func runPipeline(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	var o options
	fs := pflag.NewFlagSet("neardup-beam", pflag.ContinueOnError)
	fs.SortFlags = false
	fs.SetOutput(stderr)
	o.addFlags(fs)
	// Beam's own flags (the runner's, and a worker's when a runner starts
	// this binary as one) are the standard library's, defined by the SDK.
	own := map[string]bool{}
	fs.VisitAll(func(f *pflag.Flag) { own[f.Name] = true })
	fs.AddGoFlagSet(flag.CommandLine)
	fs.VisitAll(func(f *pflag.Flag) {
		if !own[f.Name] {
			f.Hidden = true
		}
	})
	fs.Usage = func() {
		fmt.Fprint(stdout, strings.Replace(help, "{{extensions}}", corpus.ExtensionList(), 1))
		fs.SetOutput(stdout)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return 0, nil
		}
		return 2, err
	}
	// A worker started by a runner runs the harness here and never returns.
	beam.Init()
	// The runner's progress messages (Prism's, the SDK's) only from
	// warnings up: a cron log gets the summary, and what went wrong.
	slog.SetDefault(slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))

	if o.out == "" {
		return 2, errors.New("--out DIR is required")
	}
	if o.join {
		if fs.NArg() > 0 {
			return 2, errors.New("--join takes no INPUT")
		}
		if err := pipeline.Join(ctx, o.out); err != nil {
			return 1, err
		}
		return 0, nil
	}
	if o.shards < 0 {
		return 2, fmt.Errorf("--shards %d: want 0 or more", o.shards)
	}
	if o.rounds < 1 {
		return 2, fmt.Errorf("--components-rounds %d: want at least 1", o.rounds)
	}
	cfg, err := o.Config("neardup-beam", fs.Args())
	if err != nil {
		return 2, err
	}
	// A local input that is missing stops the run before the pipeline
	// starts, as it stops neardup run (the pipeline checks the others).
	for _, in := range cfg.Inputs {
		if !strings.Contains(in, "://") && !strings.ContainsAny(in, "*?[") {
			if _, err := os.Stat(in); err != nil {
				return 1, err
			}
		}
	}
	p, s := beam.NewPipelineWithRoot()
	pipeline.Build(s, pipeline.Options{Config: pipeline.NewConfig(cfg), Out: o.out, Rounds: o.rounds, Shards: o.shards, Version: version})
	res, err := beamx.RunWithMetrics(ctx, p)
	if err != nil {
		return 1, err
	}
	if *jobopts.Async {
		if !o.quiet {
			fmt.Fprintf(stderr, "job submitted (--async): it writes %s when it finishes\n", o.out)
		}
		return 0, nil
	}
	sum, err := readSummary(ctx, o.out)
	if err != nil {
		return 1, fmt.Errorf("pipeline done, but reading its summary: %w", err)
	}
	if !o.quiet {
		a, m := sum.Articles, sum.Matching
		fmt.Fprintf(stderr, "%d articles read, %d skipped; %d candidate pairs, %d verified\n", a.Read, a.SkippedTotal, m.CandidatePairs, m.VerifiedPairs)
		fmt.Fprintf(stderr, "%d clusters, %d duplicates; components converged %s\n", m.Clusters, m.Duplicates, converged(res, o.rounds))
		fmt.Fprintf(stderr, "wrote %s\n", o.out)
	}
	if sum.Articles.SkippedTotal > sum.Articles.Skipped[string(corpus.Empty)] {
		return 3, nil
	}
	return 0, nil
}

// readSummary reads the summary.json the pipeline wrote.
func readSummary(ctx context.Context, out string) (*report.Summary, error) {
	if !strings.Contains(out, "://") {
		return report.ReadSummary(out + "/" + report.SummaryFile)
	}
	fs, err := filesystem.New(ctx, out)
	if err != nil {
		return nil, err
	}
	defer fs.Close()
	name := strings.TrimSuffix(out, "/") + "/" + report.SummaryFile
	r, err := fs.OpenRead(ctx, name)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	tmp, err := os.CreateTemp("", "neardup-beam-summary-*.json")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	if _, err := io.Copy(tmp, r); err != nil {
		return nil, err
	}
	return report.ReadSummary(tmp.Name())
}

// converged says after how many rounds the connected components stopped
// changing, from the pipeline's counters (pipeline.CounterName).
func converged(res beam.PipelineResult, rounds int) string {
	if res == nil {
		return "(no metrics from this runner)"
	}
	changed := map[string]int64{}
	for _, c := range res.Metrics().AllMetrics().Counters() {
		if c.Key.Namespace == pipeline.CounterNamespace {
			changed[c.Key.Name] += c.Result()
		}
	}
	for r := range rounds {
		if changed[pipeline.CounterName(r, "large")] == 0 && changed[pipeline.CounterName(r, "small")] == 0 {
			return fmt.Sprintf("after %d of %d rounds", r, rounds)
		}
	}
	return fmt.Sprintf("in the last of %d rounds", rounds)
}
