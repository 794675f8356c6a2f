package pipeline

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"

	"github.com/neardup/neardup/cluster"
	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/lock"
	"github.com/neardup/neardup/report"
)

// mergeCounts adds up two parts' counts.
func mergeCounts(a, b Counts) Counts {
	skipped := map[string]int{}
	for _, rc := range slices.Concat(a.Skipped, b.Skipped) {
		skipped[rc.Reason] += rc.N
	}
	out := Counts{Files: a.Files + b.Files, Ignored: a.Ignored + b.Ignored, Special: a.Special + b.Special, Outside: a.Outside + b.Outside, Read: a.Read + b.Read,
		InvalidUTF8: a.InvalidUTF8 + b.InvalidUTF8, TitleOnly: a.TitleOnly + b.TitleOnly, NoTextField: a.NoTextField + b.NoTextField,
		Unspaced: a.Unspaced + b.Unspaced, Candidates: a.Candidates + b.Candidates, Verified: a.Verified + b.Verified}
	for _, r := range slices.Sorted(maps.Keys(skipped)) {
		out.Skipped = append(out.Skipped, ReasonCount{r, skipped[r]})
	}
	return out
}

// emptyCounts counts an article without words (punctuation only) as
// neardup run does: skipped as empty, not read.
func emptyCounts(a Article, emit func(Counts)) {
	if a.Shingles == 0 {
		emit(Counts{Read: -1, Skipped: []ReasonCount{{string(corpus.Empty), 1}}})
	}
}

// lessSkip orders skipped records as they come in the input.
func lessSkip(a, b Skip) bool { return a.Key < b.Key }

// writeFn gathers the components' clusters and the counts into a
// dedup.Result, as dedup.Run returns it, and writes it with package
// report: clusters.jsonl, drop.txt and summary.json, as neardup run
// writes them. A local Out gets neardup run's output set (generations
// switched by one rename, under Out/.lock); an object store's (gs://,
// s3://) gets the three objects, each written whole by the store. With
// Shards, it writes summary.json alone.
type writeFn struct {
	Config  Config
	Out     string
	Version string
	Shards  int // > 0: the clusters are written by shardFn; this writes summary.json
}

func (f *writeFn) ProcessElement(ctx context.Context, _ []byte, components func(*Component) bool, counts func(*Counts) bool,
	skips func(*[]Skip) bool, candidates func(*int) bool, verified func(*int) bool) error {
	var c Counts
	for p := (Counts{}); counts(&p); {
		c = mergeCounts(c, p)
	}
	res := &dedup.Result{Rules: f.Config.Rules, Unspaced: c.Unspaced, Workers: f.Config.Workers, Stats: corpus.Stats{
		Files: c.Files, Ignored: c.Ignored, Special: c.Special, Outside: c.Outside, Read: c.Read, InvalidUTF8: c.InvalidUTF8,
		TitleOnly: c.TitleOnly, NoTextField: c.NoTextField, Skipped: map[corpus.Reason]int{}}}
	for _, rc := range c.Skipped {
		res.Stats.Skipped[corpus.Reason(rc.Reason)] += rc.N
	}
	var first []Skip
	skips(&first)
	slices.SortFunc(first, func(a, b Skip) int { return cmp.Compare(a.Key, b.Key) })
	for _, s := range first {
		res.Skips = append(res.Skips, &corpus.Error{Pos: corpus.Position{File: s.File, Line: s.Line}, Reason: corpus.Reason(s.Reason), Err: errors.New(s.Err)})
	}
	candidates(&res.Candidates)
	verified(&res.Verified)
	if res.Stats.Files == 0 && len(res.Skips) == 0 {
		return errors.New("no input files found (want " + corpus.ExtensionList() + ")")
	}
	if res.Stats.Read == 0 {
		first := ""
		if len(res.Skips) > 0 {
			first = "; the first: " + res.Skips[0].Error()
		}
		return fmt.Errorf("no articles read (%d files, %d records skipped%s): outputs left as they were", res.Stats.Files, res.Stats.SkippedTotal(), first)
	}
	if f.Shards > 0 {
		// The shards' writers write the clusters; the summary counts them.
		var comp Component
		clusters, dups := 0, 0
		for components(&comp) {
			for _, cl := range comp.Clusters {
				clusters++
				dups += len(cl.Members) - 1
			}
		}
		sum := report.NewSummary(f.Version, f.Config.Dedup(), res)
		sum.Matching.Clusters, sum.Matching.Duplicates = clusters, dups
		return writeFiles(ctx, f.Out, []output{{report.SummaryFile, sum.Write}})
	}
	gather(res, components)
	sum := report.NewSummary(f.Version, f.Config.Dedup(), res)
	if strings.Contains(f.Out, "://") {
		return writeFiles(ctx, f.Out, []output{
			{report.ClustersFile, func(w io.Writer) error { return report.Clusters(w, res) }},
			{report.DropFile, func(w io.Writer) error { return report.Drop(w, res) }},
			{report.SummaryFile, sum.Write},
		})
	}
	return writeSet(ctx, f.Out, res, sum)
}

// gather adds the clusters of components to res, with their members'
// documents, in cluster.Build's order over all components: largest
// first, then by canonical ID.
func gather(res *dedup.Result, components func(*Component) bool) {
	var comp Component
	for components(&comp) {
		offset := len(res.Docs)
		for _, d := range comp.Docs {
			res.Docs = append(res.Docs, d.dedup())
			// What the outputs read of a member's evidence: whether its
			// title may head the cluster (report.DisplayTitle).
			res.Evidence = append(res.Evidence, cluster.Evidence{NotHeadline: d.NotHeadline})
		}
		for _, cl := range comp.Clusters {
			members := make([]cluster.Member, len(cl.Members))
			for i, m := range cl.Members {
				members[i] = cluster.Member{Doc: offset + m.Doc, Match: m.Match, Linkage: m.Linkage}
			}
			res.Clusters = append(res.Clusters, cluster.Cluster{Members: members})
		}
	}
	cluster.SortClusters(res.Clusters, func(d int) string { return res.Docs[d].ID })
}

// writeSet writes the outputs as neardup run does, into a new generation
// of the output set in dir, under its lock.
func writeSet(ctx context.Context, dir string, res *dedup.Result, sum *report.Summary) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	l, err := lock.Acquire(ctx, filepath.Join(dir, report.LockFile), 0, "neardup-beam")
	if err != nil {
		return err
	}
	defer l.Release()
	set, err := report.BeginSet(dir, report.Outputs, report.SetOptions{})
	if err != nil {
		return err
	}
	defer set.Abort()
	if err := report.WriteOutputs(set, res, sum); err != nil {
		return err
	}
	return set.Commit()
}

// output is one file of a run's outputs.
type output struct {
	name  string
	write func(io.Writer) error
}

// writeFiles writes outputs into dir through its file system (an object
// store's objects are each written whole when closed).
func writeFiles(ctx context.Context, dir string, outputs []output) error {
	fs, err := filesystem.New(ctx, dir)
	if err != nil {
		return err
	}
	defer fs.Close()
	if !strings.Contains(dir, "://") {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	for _, o := range outputs {
		name := strings.TrimSuffix(dir, "/") + "/" + o.name
		w, err := fs.OpenWrite(ctx, name)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if err := o.write(w); err != nil {
			w.Close()
			return fmt.Errorf("%s: %w", name, err)
		}
		if err := w.Close(); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}
