// Package dedup runs the whole near-duplicate pipeline over a corpus:
// read → normalise and shingle → MinHash signature → LSH candidates →
// verification and clustering.
//
// Reading is sequential (input order defines document numbers); shingling
// and signing run on Config.Workers goroutines, each with its own Signer,
// writing into the slot of its document; candidate queries are split the
// same way. The Result is therefore the same for every worker count.
//
// Run keeps per document only its metadata and signature, never its text.
// It never writes files: see package report for outputs.
package dedup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
	"time"

	"github.com/neardup/neardup/cluster"
	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/lsh"
	"github.com/neardup/neardup/shingle"
)

// Config is everything a run needs.
type Config struct {
	Inputs     []string
	Stdin      io.Reader // for the input "-"
	Corpus     corpus.Options
	SkipErrors bool // skip bad records (recorded in Result.Skips) instead of stopping
	Shingle    shingle.Options
	LSH        lsh.Params
	Workers    int // ≤ 0: runtime.NumCPU()

	// Progress, if set, is called from one goroutine at a time as work is
	// done: stage names the step, done counts its units so far, and total
	// is their number, or -1 while unknown.
	Progress func(stage string, done, total int)
}

// MaxSkips bounds how many skipped-record errors a Result lists; all are
// counted in Stats.Skipped.
const MaxSkips = 1000

// Doc is what a run keeps of each article.
type Doc struct {
	ID        string
	Title     string
	Source    string
	Published time.Time
	Length    int // bytes of matched text
	Pos       corpus.Position
	Shingles  int // distinct shingles; 0: no words, left out of matching
}

// Stage is one timed step of a run.
type Stage struct {
	Name    string
	Seconds float64
}

// Result is the outcome of a run.
type Result struct {
	Docs       []Doc
	Signatures [][]uint64 // per doc; nil for docs without shingles
	Stats      corpus.Stats
	Skips      []*corpus.Error // the first MaxSkips skipped records
	Candidates int             // pairs that shared a band
	Verified   int             // candidate pairs whose similarity reached the threshold
	Clusters   []cluster.Cluster
	Stages     []Stage
	Workers    int
}

// Similarity is the estimated Jaccard similarity of documents a and b.
func (r *Result) Similarity(a, b int) float64 {
	return lsh.Similarity(r.Signatures[a], r.Signatures[b])
}

// Duplicates counts the non-canonical members of all clusters.
func (r *Result) Duplicates() int {
	n := 0
	for _, c := range r.Clusters {
		n += len(c.Members) - 1
	}
	return n
}

type job struct {
	doc  int
	text string
}

type signed struct {
	doc      int
	sig      []uint64
	shingles int
}

// Run executes the pipeline. It returns an error when the input stops it
// (a *corpus.Error unless SkipErrors), when ctx is cancelled, or when no
// input could be read.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.NumCPU()
	}
	progress := cfg.Progress
	if progress == nil {
		progress = func(string, int, int) {}
	}
	res := &Result{Workers: cfg.Workers}
	timer := time.Now()
	lap := func(name string) {
		now := time.Now()
		res.Stages = append(res.Stages, Stage{Name: name, Seconds: now.Sub(timer).Seconds()})
		timer = now
	}

	if err := readAndSign(ctx, cfg, res, progress); err != nil {
		return nil, err
	}
	lap("read_shingle_sign")

	index := lsh.NewIndex(cfg.LSH)
	items := make([]cluster.Item, len(res.Docs))
	for i, d := range res.Docs {
		items[i] = cluster.Item{ID: d.ID, Published: d.Published, Length: d.Length}
		if d.Shingles > 0 {
			index.Add(i, res.Signatures[i])
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	queried := 0
	pairs := index.Candidates(cfg.Workers, func(n int) {
		queried += n
		progress("candidates", queried, len(res.Docs))
	})
	res.Candidates = len(pairs)
	lap("candidates")

	if err := ctx.Err(); err != nil {
		return nil, err
	}
	cl := cluster.Build(items, pairs, cluster.Options{Threshold: cfg.LSH.Threshold, Similarity: res.Similarity})
	res.Clusters, res.Verified = cl.Clusters, cl.Verified
	lap("cluster")
	return res, nil
}

// readAndSign streams the corpus to the workers and collects signatures.
func readAndSign(ctx context.Context, cfg Config, res *Result, progress func(string, int, int)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan job, 4*cfg.Workers)
	results := make(chan signed, 4*cfg.Workers)

	var workers sync.WaitGroup
	for range cfg.Workers {
		workers.Go(func() {
			signer := cfg.LSH.NewSigner()
			for j := range jobs {
				sh := cfg.Shingle.Shingles(j.text)
				s := signed{doc: j.doc, shingles: len(sh)}
				if len(sh) > 0 {
					s.sig = signer.Sign(sh, make([]uint64, 0, cfg.LSH.Hashes))
				}
				results <- s
			}
		})
	}

	var sigs [][]uint64
	var shingles []int
	collected := make(chan struct{})
	go func() {
		defer close(collected)
		n := 0
		for s := range results {
			for s.doc >= len(sigs) {
				sigs = append(sigs, nil)
				shingles = append(shingles, 0)
			}
			sigs[s.doc] = s.sig
			shingles[s.doc] = s.shingles
			n++
			progress("read+sign", n, -1)
		}
	}()

	opts := cfg.Corpus
	opts.OnError = func(e *corpus.Error) error {
		if !cfg.SkipErrors {
			return e
		}
		if len(res.Skips) < MaxSkips {
			res.Skips = append(res.Skips, e)
		}
		return nil
	}
	stats, err := corpus.Read(ctx, cfg.Inputs, cfg.Stdin, opts, func(d corpus.Document) error {
		text := d.Text()
		select {
		case jobs <- job{doc: len(res.Docs), text: text}:
		case <-ctx.Done():
			return ctx.Err()
		}
		res.Docs = append(res.Docs, Doc{
			ID: d.ID, Title: d.Title, Source: d.Source, Published: d.Published,
			Length: len(text), Pos: d.Pos,
		})
		return nil
	})
	close(jobs)
	workers.Wait()
	close(results)
	<-collected
	res.Stats = stats
	if err != nil {
		var ce *corpus.Error
		if errors.As(err, &ce) {
			return ce
		}
		return fmt.Errorf("reading input: %w", err)
	}
	if stats.Files == 0 && len(res.Skips) == 0 {
		return errors.New("no input files found (want .txt, .jsonl, .ndjson, .csv or .tsv, optionally gzipped)")
	}
	res.Signatures = sigs
	// An article with text but no words (punctuation only) cannot match:
	// count it as empty.
	for i := range res.Docs {
		res.Docs[i].Shingles = shingles[i]
		if shingles[i] == 0 {
			res.Stats.Read--
			if res.Stats.Skipped == nil {
				res.Stats.Skipped = map[corpus.Reason]int{}
			}
			res.Stats.Skipped[corpus.Empty]++
		}
	}
	return ctx.Err()
}
