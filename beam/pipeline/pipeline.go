// Package pipeline is neardup's matching as an Apache Beam pipeline: the
// same stages as neardup run (package dedup), distributed, giving the same
// clusters, canonical members and drop list.
//
//	list files ─ read + sign (corpus.ReadStream, dedup.ArticleSigner), one file per element
//	  └ GroupByKey(ID): duplicate IDs across files, as neardup run reports them
//	  └ Combine: the corpus counts (dedup.CorpusCounts, merged), a side input
//	  └ band keys (lsh.BandKeys) ─ GroupByKey(band, key) ─ bucket pairs (lsh.BucketPairs)
//	  └ CoGroupByKey(first article) ─ CoGroupByKey(second) ─ cluster.Rules.Check: verified pairs
//	  └ connected components: large-star / small-star rounds (Components)
//	  └ CoGroupByKey(component) ─ cluster.Build per component
//	  └ one writer: clusters sorted as cluster.Build sorts them, package report's outputs
//
// Articles are numbered as neardup run numbers them (key: the input file's
// rank, then the place in the file), so buckets over lsh.MaxBucket pair the
// same articles and cluster.Build sees each component in the same order.
// cluster.Build works component by component — its clusters, canonical
// members and matches depend on a component's members and verified pairs
// alone — so building each component apart gives the clusters of the whole
// run; the writer sorts them as Build does (largest first, then canonical
// ID).
//
// What stays on one worker: listing the input files, reading one file (its
// articles are signed on Config.Workers goroutines; split a large corpus
// into many files), the corpus counts' tables (6 MiB at most), and the
// writer, which holds the clusters and their members' IDs and titles, as
// neardup run does, and writes each output as one file — unless
// Options.Shards spreads clusters.jsonl and drop.txt over that many
// writers (shards.go; Join merges the shards).
//
// The element types and functions are registered with Beam in init, as
// the Beam Go SDK requires for workers to find them.
package pipeline

import (
	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/transforms/stats"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/transforms/top"

	"github.com/neardup/neardup/dedup"
)

// Options are a pipeline's settings.
type Options struct {
	Config  Config
	Out     string // output directory: local, or gs://… s3://… where the runner has the file system
	Rounds  int    // connected-component rounds (Components)
	Shards  int    // > 0: clusters.jsonl and drop.txt in this many shards (Join merges them)
	Version string // written into summary.json
}

// DefaultRounds is the rounds of large-star and small-star Components
// runs by default: the components of near-duplicate pairs converge in 2 on
// the 10,000-article test corpus, and a chain of 200 articles, pairs
// joined end to end, in 7 (TestComponents); rounds grow with the
// logarithm of a chain's length. A run that needs more fails and says so.
const DefaultRounds = 12

// Build adds the pipeline to s.
func Build(s beam.Scope, o Options) {
	cfg := o.Config
	files, listed := beam.ParDo2(s, &listFn{Inputs: cfg.Inputs}, beam.Impulse(s))
	read, readSkips, readCounts := beam.ParDo3(s, &readFn{Config: cfg}, beam.Reshuffle(s, files))
	articles, dupSkips, dupCounts := beam.ParDo3(s, &uniqueFn{SkipErrors: cfg.SkipErrors},
		beam.GroupByKey(s, beam.ParDo(s, keyByID, read)))

	counts := beam.Combine(s, &countsFn{Rules: cfg.Rules}, articles)

	buckets := beam.GroupByKey(s, beam.ParDo(s, &bandsFn{Params: cfg.LSH}, articles))
	pairs := beam.ParDo(s, bucketPairs, buckets)
	evidence := beam.ParDo(s, evidenceByKey, articles)
	halves := beam.ParDo(s, halvesFn, beam.CoGroupByKey(s, evidence, pairs))
	edges := beam.ParDo(s, &checkFn{Rules: cfg.Rules}, beam.CoGroupByKey(s, evidence, halves), beam.SideInput{Input: counts})

	labels := Components(s, edges, o.Rounds)
	members, memberEdges := beam.ParDo2(s, labelMembers,
		beam.CoGroupByKey(s, beam.ParDo(s, memberByKey, articles), labels, beam.ParDo(s, edgeByA, edges)))
	components := beam.ParDo(s, &buildFn{Rules: cfg.Rules, AntiChain: cfg.AntiChain, Rounds: o.Rounds},
		beam.CoGroupByKey(s, members, memberEdges), beam.SideInput{Input: counts})

	allCounts := beam.Combine(s, mergeCounts, beam.Flatten(s, listed, readCounts, dupCounts, beam.ParDo(s, emptyCounts, articles)))
	firstSkips := top.Smallest(s, beam.Flatten(s, readSkips, dupSkips), dedup.MaxSkips, lessSkip)
	if o.Shards > 0 {
		shards := make([]int, o.Shards)
		for i := range shards {
			shards[i] = i
		}
		numbers := beam.ParDo(s, shardNumbers, beam.CreateList(s, shards))
		beam.ParDo0(s, &shardFn{Out: o.Out, N: o.Shards},
			beam.CoGroupByKey(s, numbers, beam.ParDo(s, &shardOf{N: o.Shards}, components)))
	}
	beam.ParDo0(s, &writeFn{Config: cfg, Out: o.Out, Version: o.Version, Shards: o.Shards}, beam.Impulse(s),
		beam.SideInput{Input: components}, beam.SideInput{Input: allCounts}, beam.SideInput{Input: firstSkips},
		beam.SideInput{Input: stats.CountElms(s, halves)}, beam.SideInput{Input: stats.CountElms(s, edges)})
}
