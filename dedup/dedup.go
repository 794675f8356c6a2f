// Package dedup runs the whole near-duplicate pipeline over a corpus:
// read → normalise and shingle → MinHash signature → LSH candidates →
// verification and clustering.
//
// Input order defines document numbers. Each article is parsed, stripped
// of boilerplate, shingled and signed on one of Config.Workers goroutines,
// each with its own Hasher and Signer, as corpus.ReadProcessed reads it;
// the results are collected in input order. Candidate bands are split
// among the workers the same way. The Result is therefore the same for
// every worker count.
//
// Run keeps per document only its metadata and evidence (the 16-bit
// signature; for short articles their shingle, figure and name sets), never
// its text unless Config.KeepText. It never writes files: see package report.
//
// With word shingles, Run also counts the articles written mostly in
// scripts without spaces between words (Chinese, Japanese, Thai, Lao,
// Khmer, Myanmar: Result.Unspaced), where a "word" is a whole run of text
// and word shingles miss copies; character shingles find them.
package dedup

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/neardup/neardup/cluster"
	"github.com/neardup/neardup/corpus"
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
	LSH         lsh.Params    // signature length, seed, and the banding threshold for candidates
	Rules       cluster.Rules // verification of candidates
	AntiChain   bool          // every member verified against its canonical one
	Boilerplate bool          // strip wire boilerplate (shingle.StripBoilerplate) before matching
	KeepText    bool          // keep each article's text in Result.Texts (for a report over stdin)
	Workers     int           // ≤ 0: runtime.NumCPU()

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
}

// Check verifies documents a and b with the run's rules.
func (r *Result) Check(a, b int) cluster.Match {
	return r.Rules.Check(&r.Evidence[a], &r.Evidence[b])
}

// Duplicates counts the non-canonical members of all clusters.
func (r *Result) Duplicates() int {
	n := 0
	for _, c := range r.Clusters {
		n += len(c.Members) - 1
	}
	return n
}

// signed is what the read stage computes of one article.
type signed struct {
	ev       cluster.Evidence
	length   int32
	words    []uint64 // the whole words of About's title and lede, for the vocabulary
	unspaced bool     // mostly in scripts without spaces between words
}

// unspacedScripts are written without spaces between words.
var unspacedScripts = []*unicode.RangeTable{unicode.Han, unicode.Hiragana, unicode.Katakana,
	unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar}

// unspaced reports whether most letters in the first 256 bytes of text are
// in scripts written without spaces between words, where a word shingle
// spans a whole run of text.
func unspaced(text string) bool {
	text = text[:min(len(text), 256)]
	// ASCII text, most text, is answered eight bytes at a time.
	i := 0
	for ; i+8 <= len(text); i += 8 {
		if binary.LittleEndian.Uint64([]byte(text[i:i+8]))&0x8080808080808080 != 0 {
			break
		}
	}
	if i+8 > len(text) && !strings.ContainsFunc(text[i:], func(r rune) bool { return r >= utf8.RuneSelf }) {
		return false
	}
	letters, unspaced := 0, 0
	for i := 0; i < len(text); {
		if c := text[i] | 0x20; text[i] < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				letters++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		if unicode.IsLetter(r) {
			letters++
			if unicode.In(r, unspacedScripts...) {
				unspaced++
			}
		}
	}
	return 2*unspaced > letters
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
	if cfg.Rules.Threshold == 0 {
		cfg.Rules.Threshold = cfg.LSH.Threshold
	}
	res := &Result{Workers: cfg.Workers, Rules: cfg.Rules}
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
	if err := match(ctx, cfg, res, progress, lap); err != nil {
		return nil, err
	}
	return res, nil
}

// Rematch finds candidates and clusters again in the signatures of an
// earlier run, with cfg's LSH threshold, rules and anti-chaining; cfg's
// hashes and seed must be those of the run. It returns a new Result that
// shares the documents and evidence of res.
func Rematch(ctx context.Context, res *Result, cfg Config) (*Result, error) {
	if len(res.Evidence) > 0 && res.Evidence[0].Signature != nil && len(res.Evidence[0].Signature) != cfg.LSH.Hashes {
		return nil, fmt.Errorf("dedup: rematch with %d hashes over signatures of %d", cfg.LSH.Hashes, len(res.Evidence[0].Signature))
	}
	if cfg.Rules.Threshold == 0 {
		cfg.Rules.Threshold = cfg.LSH.Threshold
	}
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.NumCPU()
	}
	out := &Result{
		Docs: res.Docs, Evidence: res.Evidence, Texts: res.Texts, Rules: cfg.Rules, Stats: res.Stats, Skips: res.Skips, Unspaced: res.Unspaced,
		Workers: cfg.Workers, Stages: slices.Clone(res.Stages[:1]),
	}
	if cfg.Rules.Subject > 0 {
		out.Rules.Vocabulary = res.Rules.Vocabulary
	}
	if cfg.Rules.FurnitureMin > 0 {
		out.Rules.Furniture = res.Rules.Furniture
	}
	timer := time.Now()
	lap := func(name string) {
		now := time.Now()
		out.Stages = append(out.Stages, Stage{Name: name, Seconds: now.Sub(timer).Seconds()})
		timer = now
	}
	progress := cfg.Progress
	if progress == nil {
		progress = func(string, int, int) {}
	}
	if err := match(ctx, cfg, out, progress, lap); err != nil {
		return nil, err
	}
	return out, nil
}

// match finds candidate pairs in res's signatures, verifies and clusters.
func match(ctx context.Context, cfg Config, res *Result, progress func(string, int, int), lap func(string)) error {
	index := lsh.NewIndex(cfg.LSH, len(res.Docs))
	for i, d := range res.Docs {
		if d.Shingles > 0 {
			index.Add(i, res.Evidence[i].Signature)
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	bands := 0
	pairs := index.Candidates(cfg.Workers, func(n int) {
		bands += n
		progress("candidate bands", bands, cfg.LSH.Bands)
	})
	res.Candidates = len(pairs)
	index = nil // its memory is needed below
	lap("candidates")

	if err := ctx.Err(); err != nil {
		return err
	}
	item := func(i int) cluster.Item {
		d := &res.Docs[i]
		return cluster.Item{ID: d.ID, Published: d.Published, Length: int(d.Length)}
	}
	cl := cluster.Build(len(res.Docs), item, pairs, cluster.Options{Verify: res.Check, AntiChain: cfg.AntiChain})
	res.Clusters, res.Verified = cl.Clusters, cl.Verified
	lap("cluster")
	return nil
}

// readAndSign streams the corpus through corpus.ReadProcessed, which
// shingles and signs each article on its workers, and keeps the results.
func readAndSign(ctx context.Context, cfg Config, res *Result, progress func(string, int, int)) error {
	signers := make([]*lsh.Signer, cfg.Workers)
	hashers := make([]shingle.Hasher, cfg.Workers)
	for w := range signers {
		signers[w] = cfg.LSH.NewSigner()
	}
	sign := func(w int, d *corpus.Document) signed {
		text := d.Text()
		s := signed{length: int32(min(len(text), math.MaxInt32))}
		if cfg.Shingle.Kind == shingle.Word {
			s.unspaced = unspaced(text)
		}
		if cfg.Boilerplate {
			text = shingle.StripBoilerplate(text)
		}
		// Long articles are signed from their shingle hashes as they come
		// (their count, duplicates included, stands for the set's size);
		// short ones, where the vetoes and exact verification look, are
		// made a set first.
		sh := hashers[w].Hashes(cfg.Shingle, text) // reused buffer: copy what is kept
		var lede cluster.Lede                      // the first shingles in text order, before sorting
		if cfg.Rules.Lede > 0 && len(sh) >= cluster.MinLedeWords {
			lede = cluster.NewLede(sh)
		}
		if len(sh) < cfg.Rules.VetoBelow || cfg.Rules.VetoBelow == 0 {
			slices.Sort(sh)
			sh = slices.Compact(sh)
		}
		s.ev = cluster.Evidence{Shingles: int32(len(sh)), Published: cluster.Undated, Lede: lede}
		if !d.Published.IsZero() {
			s.ev.Published = d.Published.Unix()
		}
		if len(sh) == 0 {
			return s
		}
		s.ev.Signature = signers[w].Sign(sh, make([]uint16, 0, cfg.LSH.Hashes))
		// Figures, names, the exact set, what the title and lede are about
		// and the sentences at head and tail serve the vetoes, which look
		// only at short articles.
		if cfg.Rules.VetoBelow == 0 || len(sh) < cfg.Rules.VetoBelow {
			short := &cluster.Short{Figures: shingle.Figures(text), Names: shingle.Names(text)}
			if cfg.Rules.VetoBelow > 0 {
				short.Set = slices.Clone(sh)
			}
			short.NWords = int32(min(shingle.CountWords(text), math.MaxInt32))
			if cfg.Rules.FigureOrder > 0 {
				pairs, n := shingle.FigurePairs(text)
				short.FigurePairs, short.NFigures = pairs, int32(min(n, math.MaxInt32))
			}
			if cfg.Rules.Subject > 0 {
				short.About, s.words = about(d.Title, text, d.Body == "", len(sh) >= cluster.MinLedeWords, cfg.Shingle.FoldAccents)
			}
			if cfg.Rules.FurnitureMin > 0 {
				short.Sentences = shingle.Sentences(text)
			}
			s.ev.Short = short
		}
		return s
	}

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
	vocab := cluster.NewVocabulary()
	var furniture *cluster.Furniture
	if cfg.Rules.FurnitureMin > 0 {
		furniture = cluster.NewFurniture(cfg.Rules.FurnitureMin)
	}
	stats, err := corpus.ReadProcessed(ctx, cfg.Inputs, cfg.Stdin, opts, sign, func(d corpus.Document, s signed) error {
		docs.add(Doc{ID: d.ID, Title: d.Title, Source: d.Source, Published: d.Published, Length: s.length})
		if cfg.KeepText {
			texts.add(d.Text())
		}
		evs.add(s.ev)
		if s.ev.Short != nil && s.ev.Short.About != nil {
			vocab.Add(s.words)
		}
		if furniture != nil && s.ev.Short != nil {
			furniture.Add(s.ev.Short.Sentences)
		}
		if s.unspaced {
			res.Unspaced++
		}
		progress("read+sign", evs.n, -1)
		return nil
	})
	res.Docs, res.Texts = docs.all(), texts.all()
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
	if cfg.Rules.Subject > 0 {
		res.Rules.Vocabulary = vocab
	}
	res.Rules.Furniture = furniture
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

// about is the About evidence of an article: its title's subject, and the
// words and figures of its lede; and the whole words of title and lede,
// for the vocabulary. story: the article has a lede and a body (MinLedeWords
// shingles or more).
func about(title, text string, flash, story, fold bool) (*cluster.About, []uint64) {
	start := shingle.Lede(text, cluster.LedeWords)
	untitled := strings.TrimSpace(title) == ""
	if untitled {
		// No title (a scraped page, a text-only feed): the start of the
		// first line stands for it.
		first, _, _ := strings.Cut(text, "\n")
		title = shingle.Lede(first, cluster.UntitledWords)
	}
	subject := shingle.TitleSubject(title, fold)
	stems, words := shingle.WordSet(start, fold)
	for _, w := range subject.Words {
		words = append(words, w.Whole)
	}
	slices.Sort(words)
	a := &cluster.About{Subject: subject, Own: cluster.Low32(stems), OwnFigures: cluster.Low32(shingle.Figures(start)),
		Story: story, Flash: flash, Untitled: untitled}
	if !flash {
		a.Names, a.Lower = cluster.Low32(shingle.Names(start)), cluster.Low32(shingle.LowerWords(start))
	}
	return a, slices.Compact(words)
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
