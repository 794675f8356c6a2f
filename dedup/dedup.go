// Package dedup runs the whole near-duplicate pipeline over a corpus, as
// named stages that other pipelines (a nightly run over a state, a
// distributed runner) call the same way (stages.go):
//
//  1. read and sign: corpus.ReadProcessed parses each article and an
//     ArticleSigner strips boilerplate, shingles, signs it and gathers the
//     evidence verification needs; CorpusCounts adds up the word and
//     sentence frequencies some tests weigh by;
//  2. Candidates: pairs of articles sharing an LSH band;
//  3. Cluster: verification with cluster.Rules, clusters, canonical members.
//
// Run chains them; Rematch runs 2 and 3 again over a run's evidence with
// other thresholds; CandidateThreshold is the banding a set of rules needs.
//
// Input order defines document numbers. Each article is read and signed on
// one of Config.Workers goroutines, each with its own ArticleSigner; the
// results are collected in input order. Candidate bands are split among
// the workers the same way. The Result is therefore the same for every
// worker count.
//
// Run keeps per document only its metadata and evidence (the 16-bit
// signature and lede; for short articles their shingle, figure and name
// sets and what their title and lede are about), never its text unless
// Config.KeepText. It never writes files: see package report.
package dedup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/neardup/neardup/cluster"
	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/decisions"
	"github.com/neardup/neardup/lsh"
	"github.com/neardup/neardup/shingle"
)

// Config is everything a run needs.
type Config struct {
	Inputs      []string
	Stdin       io.Reader // for the input "-"
	Corpus      corpus.Options
	SkipErrors  bool // skip bad records (recorded in Result.Skips) instead of stopping
	Shingle     shingle.Options
	LSH         lsh.Params     // signature length, seed, and the banding threshold for candidates
	Rules       cluster.Rules  // verification of candidates
	AntiChain   bool           // every member verified against its canonical one
	Decisions   *decisions.Set // editors' decisions (run --decisions); nil: none
	Boilerplate bool           // strip wire boilerplate (shingle.StripBoilerplate) before matching
	KeepText    bool           // keep each article's text in Result.Texts (for a report over stdin)
	Remember    bool           // keep what a nightly state stores of each article: Result.Words and Result.TextHashes
	Workers     int            // ≤ 0: runtime.NumCPU()

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
	Length    int32 // bytes of matched text
	Shingles  int32 // distinct shingles; 0: no words, left out of matching
}

// Stage is one timed step of a run.
type Stage struct {
	Name    string
	Seconds float64
}

// MinHashes is the shortest signature matching accepts (--hashes): the
// match decision reads Jaccard similarity estimated from the signature,
// and from fewer values the estimate is too coarse (its standard error
// at J = .5 is .09 with 32 values, .18 with 8). On Reuters-21578, 16
// values hide 104 articles that 128 keep, 8 values 150 more.
const MinHashes = 32

// Result is the outcome of a run.
type Result struct {
	Docs       []Doc
	Evidence   []cluster.Evidence // per doc, for verification
	Texts      []string           // per doc, the matched text: only with Config.KeepText
	Rules      cluster.Rules
	Stats      corpus.Stats
	Skips      []*corpus.Error // the first MaxSkips skipped records
	Unspaced   int             // articles mostly in scripts without spaces (word shingles only)
	Candidates int             // pairs that shared a band
	Verified   int             // candidate pairs whose similarity reached the threshold
	Clusters   []cluster.Cluster
	Stages     []Stage
	Workers    int

	// With Config.Remember, per doc: the title and lede words CorpusCounts
	// counts (low 32 bits; nil for most articles) and a hash of title and
	// text (TextHash).
	Words      [][]uint32
	TextHashes []uint32

	// Decisions counts the editors' decisions of Config.Decisions.
	Decisions *DecisionCounts
	// Editor words, by document, the editor's decision behind a member's
	// place (cluster.Result.Editor); nil without decisions.
	Editor map[int]string

	// Night is set by a night over a state (package state): what its
	// outputs say of the nights; nil in a plain run.
	Night *NightView
}

// DecisionCounts are what a run made of the editors' decisions.
type DecisionCounts struct {
	Read     int `json:"read"`       // pairs decided, the last decision of each
	Applied  int `json:"applied"`    // of those, both articles in the run
	NotInRun int `json:"not_in_run"` // of those, an article not in the run: counted, not an error
}

// NightView is what a night's outputs say beyond a plain run's: the
// clusters' stable IDs, the night each document arrived, and which night
// is tonight's (drop.txt lists tonight's members only).
type NightView struct {
	Tonight    int32
	ClusterIDs []string         // per cluster: its stable ID
	Arrived    []int32          // per doc: the night it arrived (by number)
	Dates      map[int32]string // each night's date, YYYY-MM-DD
	Rehidden   []string         // copies hidden on an earlier night that tonight's input holds again
	Near       []Near           // the night's near misses, found while it verified its candidates (NearMisses bounds them)
}

// Tonights reports whether doc arrived tonight: in a plain run every
// document does.
func (r *Result) Tonights(doc int) bool {
	return r.Night == nil || r.Night.Arrived[doc] == r.Night.Tonight
}

// Check verifies documents a and b with the run's rules.
func (r *Result) Check(a, b int) cluster.Match {
	return r.Rules.Check(&r.Evidence[a], &r.Evidence[b])
}

// Duplicates counts the non-canonical members of all clusters: those of
// tonight only in a night over a state (what drop.txt lists).
func (r *Result) Duplicates() int {
	n := 0
	for _, c := range r.Clusters {
		for _, m := range c.Members[1:] {
			if r.Tonights(m.Doc) {
				n++
			}
		}
	}
	return n
}

// Read runs the read stage alone (ArticleSigner on each article,
// CorpusCounts over them): a Result with documents, evidence and rules
// with the counts set, and no candidates or clusters yet. It fails as Run
// does.
func Read(ctx context.Context, cfg Config) (*Result, error) {
	cfg = cfg.withDefaults()
	res := &Result{Workers: cfg.Workers, Rules: cfg.Rules}
	lap := res.timer()
	if err := readAndSign(ctx, cfg, res); err != nil {
		return nil, err
	}
	lap("read_shingle_sign")
	return res, nil
}

// Run executes the pipeline: the read stage (ArticleSigner on each
// article, CorpusCounts over them), then Candidates, then Cluster. It
// returns an error when the input stops it (a *corpus.Error unless
// SkipErrors), when ctx is cancelled, or when no input could be read.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	cfg = cfg.withDefaults()
	res, err := Read(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := match(ctx, cfg, res, res.timer()); err != nil {
		return nil, err
	}
	return res, nil
}

// Rematch finds candidates and clusters again in the signatures of an
// earlier run, with cfg's LSH threshold, rules and anti-chaining; cfg's
// hashes and seed must be those of the run, and its evidence must have
// been computed for rules that look at what cfg's look at (the corpus
// counts are the run's). It returns a new Result that shares the documents
// and evidence of res.
func Rematch(ctx context.Context, res *Result, cfg Config) (*Result, error) {
	if len(res.Evidence) > 0 && res.Evidence[0].Signature != nil && len(res.Evidence[0].Signature) != cfg.LSH.Hashes {
		return nil, fmt.Errorf("dedup: rematch with %d hashes over signatures of %d", cfg.LSH.Hashes, len(res.Evidence[0].Signature))
	}
	cfg = cfg.withDefaults()
	out := &Result{
		Docs: res.Docs, Evidence: res.Evidence, Texts: res.Texts, Rules: cfg.Rules, Stats: res.Stats, Skips: res.Skips, Unspaced: res.Unspaced,
		Workers: cfg.Workers, Stages: slices.Clone(res.Stages[:1]),
	}
	out.Rules = (&CorpusCounts{vocab: res.Rules.Vocabulary, furniture: res.Rules.Furniture}).Rules(out.Rules)
	if err := match(ctx, cfg, out, out.timer()); err != nil {
		return nil, err
	}
	return out, nil
}

// withDefaults fills what a Config may leave out: the worker count, the
// verification threshold (the LSH one), a progress function.
func (cfg Config) withDefaults() Config {
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.NumCPU()
	}
	if cfg.Rules.Threshold == 0 {
		cfg.Rules.Threshold = cfg.LSH.Threshold
	}
	if cfg.Progress == nil {
		cfg.Progress = func(string, int, int) {}
	}
	return cfg
}

// timer returns a function that records the time since its previous call
// (or since now) as a named stage of r.
func (r *Result) timer() func(name string) {
	start := time.Now()
	return func(name string) {
		now := time.Now()
		r.Stages = append(r.Stages, Stage{Name: name, Seconds: now.Sub(start).Seconds()})
		start = now
	}
}

// match runs the Candidates and Cluster stages over res's evidence.
func match(ctx context.Context, cfg Config, res *Result, lap func(string)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	bands := 0
	pairs := Candidates(cfg.LSH, res.Evidence, cfg.Workers, func(n int) {
		bands += n
		cfg.Progress("candidate bands", bands, cfg.LSH.Bands)
	})
	res.Candidates = len(pairs)
	lap("candidates")
	if err := ctx.Err(); err != nil {
		return err
	}
	var bound *decisions.Bound
	if cfg.Decisions != nil {
		bound = cfg.Decisions.Bind(len(res.Docs), func(i int) string { return res.Docs[i].ID })
		res.Decisions = &DecisionCounts{Read: cfg.Decisions.Len(), Applied: bound.Len(), NotInRun: bound.Unknown}
	}
	cl := ClusterDecided(res.Docs, res.Evidence, res.Rules, pairs, cfg.AntiChain, bound)
	res.Clusters, res.Verified, res.Editor = cl.Clusters, cl.Verified, cl.Editor
	lap("cluster")
	return nil
}

// readAndSign streams the corpus through corpus.ReadProcessed, which
// shingles and signs each article on its workers, and keeps the results.
func readAndSign(ctx context.Context, cfg Config, res *Result) error {
	signers := make([]*ArticleSigner, cfg.Workers)
	for w := range signers {
		signers[w] = NewArticleSigner(cfg)
	}
	sign := func(w int, d *corpus.Document) Signed { return signers[w].Sign(d) }

	var evs chunks[cluster.Evidence]
	opts := cfg.Corpus
	opts.Workers = cfg.Workers
	opts.OnError = func(e *corpus.Error) error {
		if !cfg.SkipErrors {
			return e
		}
		if len(res.Skips) < MaxSkips {
			res.Skips = append(res.Skips, e)
		}
		return nil
	}
	opts.KeepBody = cfg.KeepText
	var docs chunks[Doc]
	var texts chunks[string]
	var words chunks[[]uint32]
	var hashes chunks[uint32]
	counts := NewCorpusCounts(cfg.Rules)
	stats, err := corpus.ReadProcessed(ctx, cfg.Inputs, cfg.Stdin, opts, sign, func(d corpus.Document, s Signed) error {
		docs.add(Doc{ID: d.ID, Title: d.Title, Source: d.Source, Published: d.Published, Length: s.Length})
		if cfg.KeepText {
			texts.add(d.Text())
		}
		evs.add(s.Evidence)
		if cfg.Remember {
			words.add(low32(s.Words))
			hashes.add(s.TextHash)
		}
		counts.Add(&s)
		if s.Unspaced {
			res.Unspaced++
		}
		cfg.Progress("read+sign", evs.n, -1)
		return nil
	})
	res.Docs, res.Texts = docs.all(), texts.all()
	res.Words, res.TextHashes = words.all(), hashes.all()
	res.Stats = stats
	if err != nil {
		var ce *corpus.Error
		if errors.As(err, &ce) {
			return ce
		}
		return fmt.Errorf("reading input: %w", err)
	}
	if stats.Files == 0 && len(res.Skips) == 0 {
		return errors.New("no input files found (want " + corpus.ExtensionList() + ")")
	}
	res.Evidence = evs.all()
	res.Rules = counts.Rules(res.Rules)
	// An article with text but no words (punctuation only) cannot match:
	// count it as empty.
	for i := range res.Docs {
		res.Docs[i].Shingles = res.Evidence[i].Shingles
		if res.Evidence[i].Shingles == 0 {
			res.Stats.Read--
			if res.Stats.Skipped == nil {
				res.Stats.Skipped = map[corpus.Reason]int{}
			}
			res.Stats.Skipped[corpus.Empty]++
		}
	}
	return ctx.Err()
}

// chunks collects values in blocks of chunkSize, so that growing never
// copies what is held (a million documents' records would otherwise be
// copied again at every doubling, in the goroutine every article passes).
type chunks[T any] struct {
	full [][]T
	cur  []T
	n    int
}

const chunkSize = 1 << 15

func (c *chunks[T]) add(v T) {
	if len(c.cur) == cap(c.cur) {
		if c.cur != nil {
			c.full = append(c.full, c.cur)
		}
		c.cur = make([]T, 0, chunkSize)
	}
	c.cur = append(c.cur, v)
	c.n++
}

// all returns the values in one slice of their exact number (nil for
// none), and empties c.
func (c *chunks[T]) all() []T {
	if c.n == 0 {
		return nil
	}
	out := make([]T, 0, c.n)
	for i, f := range c.full {
		out = append(out, f...)
		c.full[i] = nil
	}
	out = append(out, c.cur...)
	*c = chunks[T]{}
	return out
}

// low32 keeps the low 32 bits of each word hash (all a Vocabulary looks
// at); nil for none.
func low32(words []uint64) []uint32 {
	if len(words) == 0 {
		return nil
	}
	out := make([]uint32, len(words))
	for i, w := range words {
		out[i] = uint32(w)
	}
	return out
}

// FormatDuration writes a window or --keep as summary.json, a state and
// messages write it: hours ("72h"), or "off" for zero.
func FormatDuration(d time.Duration) string {
	if d == 0 {
		return "off"
	}
	return strings.TrimSuffix(strings.TrimSuffix(d.String(), "0s"), "0m")
}
