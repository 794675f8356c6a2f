// Command gen writes a deterministic, news-like corpus with planted
// clusters of rewrites, for benchmarks.
//
//	go run ./benchmarks/gen -n 100000 -out corpus.jsonl -gold gold.jsonl
//	go run ./benchmarks/gen -n 10000 -followups 0.1 -heavy 0.15 -pairs pairs.jsonl
//
// Articles: lengths log-normal around 400 words (50 to 3,000), sentences of
// 10 to 30 words in paragraphs of 1 to 4 sentences, words drawn from a Zipf
// vocabulary (s = 1.1) of made-up words, with figures and capitalised names
// mixed in; dates spread over 30 days. About -dup-share of the articles are
// rewrites of another one, made the way desks rewrite wire copy: a new
// headline always, and with some probability a trimmed bottom, two
// paragraphs swapped, a sentence inserted, a few words changed, a dateline
// or byline added; each arrives within 12 hours of its origin. The gold
// file gives every article's cluster (a singleton is its own). The same
// flags always give the same bytes.
//
// Two harder kinds are off by default (their shares are 0, and the output
// is then byte for byte what it was before they existed):
//
//   - -followups: the share of articles that are follow-up stories. A
//     follow-up is a new story on an earlier one (any earlier story, itself
//     possibly a follow-up): a new headline and lede and new paragraphs, at
//     least as many words as it reuses, and one contiguous block of 20 to
//     45 % of the earlier story's sentences carried over as background,
//     after the lede and usually lower down (three times in four not
//     straight after it), half the time with one to three words changed.
//     It arrives 2 to 48 hours after the earlier story, inside neardup's
//     default window. A follow-up is its own gold cluster, and the origin
//     of its own rewrites: it must stay apart from the earlier story.
//   - -heavy: the share of articles that are heavy rewrites of another: the
//     lede sentence kept first and the lede paragraph kept on top; 15 to
//     30 % of the origin's sentences cut (the bottom, or scattered), 10 to
//     25 % added (counted against the origin's sentences), 5 to 10 % of the
//     kept words changed (at most 30 % of any one sentence), one paragraph
//     after the lede moved, sometimes a second; a new headline, within 12
//     hours of the origin. A heavy rewrite is in its origin's gold cluster:
//     it must join. An origin of fewer than 4 sentences, where those shares
//     cannot all be met, gets an ordinary rewrite instead.
//
// -dup-share, -heavy and -followups are shares of all articles: the
// remainder, 1 - dup-share - heavy - followups, are new stories. -pairs
// writes labels for neardup eval --pairs: every rewrite and heavy rewrite
// with its origin ("dup", strata "rewrite" and "heavy rewrite") and every
// follow-up with the story it reuses ("distinct", stratum "follow-up").
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"time"
)

// Kinds of article.
const (
	kindStory    = "story"
	kindRewrite  = "rewrite"
	kindHeavy    = "heavy rewrite"
	kindFollowUp = "follow-up"
)

type article struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Text   string `json:"text"`
	Source string `json:"source"`
	Date   string `json:"date"`
	paras  [][]string
	when   time.Time
	story  int
	kind   string
	origin *article // a rewrite's origin, a follow-up's earlier story
	note   string   // what was done, for the pair label's "why"
}

type generator struct {
	rng   *rand.Rand
	zipf  *rand.Zipf
	vocab []string
	names []string
}

func newGenerator(seed uint64, vocabSize int) *generator {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	g := &generator{rng: rng, zipf: rand.NewZipf(rng, 1.1, 2, uint64(vocabSize-1))}
	syll := []string{"ba", "ke", "lo", "mi", "nu", "ra", "se", "ti", "vo", "za", "der", "lin", "mor", "pas", "ten",
		"qua", "shi", "bre", "gal", "for", "ap", "el", "ix", "on", "ur", "cha", "dri", "gno", "pho", "sto"}
	if vocabSize > 500000 {
		vocabSize = 500000 // 30 syllables, up to 4: about 837,000 words
	}
	seen := map[string]bool{}
	for len(g.vocab) < vocabSize {
		var b strings.Builder
		for range 1 + rng.IntN(4) {
			b.WriteString(syll[rng.IntN(len(syll))])
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			g.vocab = append(g.vocab, w)
		}
	}
	for range 2000 {
		w := g.vocab[rng.IntN(len(g.vocab))]
		g.names = append(g.names, strings.ToUpper(w[:1])+w[1:])
	}
	return g
}

func (g *generator) word() string {
	switch r := g.rng.IntN(100); {
	case r < 3:
		return g.names[g.rng.IntN(len(g.names))]
	case r < 5:
		return fmt.Sprintf("%d", g.rng.IntN(1000))
	case r < 6:
		return fmt.Sprintf("%d.%d", g.rng.IntN(100), g.rng.IntN(10))
	}
	return g.vocab[g.zipf.Uint64()]
}

func (g *generator) sentence() string {
	n := 10 + g.rng.IntN(21)
	ws := make([]string, n)
	for i := range ws {
		ws[i] = g.word()
	}
	ws[0] = strings.ToUpper(ws[0][:1]) + ws[0][1:]
	return strings.Join(ws, " ") + "."
}

func (g *generator) title() string {
	ws := make([]string, 5+g.rng.IntN(7))
	for i := range ws {
		ws[i] = g.word()
	}
	return strings.ToUpper(ws[0][:1]) + strings.Join(ws, " ")[1:]
}

// storyWords draws an article length: log-normal around 400 words.
func (g *generator) storyWords() int {
	words := int(math.Exp(math.Log(400) + 0.6*g.rng.NormFloat64()))
	return max(50, min(3000, words))
}

// story makes an original article of a log-normal length.
func (g *generator) story() [][]string {
	return g.paragraphs(g.storyWords())
}

// paragraphs makes new paragraphs of at least the given number of words.
func (g *generator) paragraphs(words int) [][]string {
	var paras [][]string
	for n := 0; n < words; {
		var p []string
		for range 1 + g.rng.IntN(4) {
			s := g.sentence()
			p = append(p, s)
			n += strings.Count(s, " ") + 1
		}
		paras = append(paras, p)
	}
	return paras
}

// rewrite makes a desk's version of an article.
func (g *generator) rewrite(paras [][]string) [][]string {
	out := make([][]string, len(paras))
	for i, p := range paras {
		out[i] = append([]string(nil), p...)
	}
	if g.rng.Float64() < 0.5 && len(out) > 2 { // trim the bottom
		keep := max(2, int(float64(len(out))*(0.5+0.4*g.rng.Float64())))
		out = out[:keep]
	}
	if g.rng.Float64() < 0.3 && len(out) > 3 { // swap two paragraphs after the lede
		i, j := 1+g.rng.IntN(len(out)-1), 1+g.rng.IntN(len(out)-1)
		out[i], out[j] = out[j], out[i]
	}
	if g.rng.Float64() < 0.5 { // insert a sentence
		i := g.rng.IntN(len(out))
		out[i] = append(out[i], g.sentence())
	}
	if g.rng.Float64() < 0.5 { // change a few words
		for _, p := range out {
			for k, s := range p {
				ws := strings.Fields(s)
				for w := range ws {
					if g.rng.Float64() < 0.02 {
						ws[w] = g.word()
					}
				}
				p[k] = strings.Join(ws, " ")
			}
		}
	}
	if g.rng.Float64() < 0.3 { // a dateline, or a byline
		if g.rng.IntN(2) == 0 {
			out[0] = append([]string{strings.ToUpper(g.vocab[g.rng.IntN(500)]) + ", (AFP) -"}, out[0]...)
		} else {
			out = append([][]string{{"By " + g.names[g.rng.IntN(len(g.names))] + " " + g.names[g.rng.IntN(len(g.names))]}}, out...)
		}
	}
	return out
}

func text(paras [][]string) string {
	ps := make([]string, len(paras))
	for i, p := range paras {
		ps[i] = strings.Join(p, " ")
	}
	return strings.Join(ps, "\n\n")
}

// options are the command's flags.
type options struct {
	n         int
	seed      uint64
	vocab     int
	dupShare  float64
	followUps float64
	heavy     float64
	out, gold string
	pairs     string
}

func (o *options) addFlags(fs *flag.FlagSet) {
	fs.IntVar(&o.n, "n", 10000, "articles")
	fs.Uint64Var(&o.seed, "seed", 1, "random seed")
	fs.IntVar(&o.vocab, "vocab", 50000, "vocabulary size")
	fs.Float64Var(&o.dupShare, "dup-share", 0.3, "share of articles that are rewrites of another")
	fs.Float64Var(&o.followUps, "followups", 0, "share of articles that are follow-up stories reusing 20-45% of an earlier one's sentences (gold: their own cluster)")
	fs.Float64Var(&o.heavy, "heavy", 0, "share of articles that are heavy rewrites of another: 15-30% of sentences cut, 10-25% added, 5-10% of words changed, paragraphs moved (gold: the other's cluster)")
	fs.StringVar(&o.out, "out", "corpus.jsonl", "corpus JSONL to write")
	fs.StringVar(&o.gold, "gold", "gold.jsonl", "gold clusters JSONL to write")
	fs.StringVar(&o.pairs, "pairs", "", "also write pair labels (JSONL a, b, label, stratum, why) for neardup eval --pairs")
}

func (o options) validate() error {
	switch {
	case o.n < 0:
		return fmt.Errorf("-n %d: want 0 or more", o.n)
	case o.vocab < 3:
		return fmt.Errorf("-vocab %d: want 3 or more", o.vocab)
	case o.followUps < 0 || o.followUps >= 1 || o.heavy < 0 || o.heavy >= 1:
		return errors.New("-followups and -heavy are shares: want 0 or more and under 1")
	case o.heavy > 0 && o.dupShare+o.heavy > 1:
		return fmt.Errorf("-dup-share %g and -heavy %g: together want at most 1", o.dupShare, o.heavy)
	case o.followUps > 0 && o.dupShare+o.heavy+o.followUps >= 1:
		return fmt.Errorf("-dup-share %g, -heavy %g and -followups %g: together want under 1 (new stories are the rest)",
			o.dupShare, o.heavy, o.followUps)
	}
	return nil
}

// generate makes the corpus: its articles in their final order, with IDs,
// texts, sources and dates set, and the number of stories (gold clusters).
//
// Each story is a new one or, with the share that gives -followups, a
// follow-up of an earlier story; then copies follow it while a draw stays
// under dupShare + heavy (a geometric count, so that copies are that share
// of all articles), each one heavy with probability heavy / (dupShare +
// heavy). Every draw for follow-ups and heavy rewrites is made only when
// their share is above 0, so that without them the random stream, and the
// output, are those of the generator before they existed.
func generate(o options) ([]*article, int) {
	g := newGenerator(o.seed, o.vocab)
	start := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	sources := []string{"AFP", "Reuters", "AP", "PA", "dpa"}
	pCopy := o.dupShare + o.heavy
	pFollow := 0.0
	if o.followUps > 0 {
		pFollow = o.followUps / (1 - pCopy)
	}
	var arts, followable []*article
	stories := 0
	for len(arts) < o.n {
		var origin *article
		if pFollow > 0 && len(followable) > 0 && g.rng.Float64() < pFollow {
			origin = g.followUp(followable[g.rng.IntN(len(followable))])
			origin.story = stories
		} else {
			origin = &article{paras: g.story(), story: stories, when: start.Add(time.Duration(g.rng.Int64N(int64(30 * 24 * time.Hour)))),
				kind: kindStory}
			origin.Title = g.title()
		}
		arts = append(arts, origin)
		stories++
		if pFollow > 0 && sentences(origin.paras) >= 3 {
			followable = append(followable, origin)
		}
		// Rewrites: geometric count with the mean that gives dupShare + heavy.
		for len(arts) < o.n && g.rng.Float64() < pCopy {
			var r *article
			if o.heavy > 0 && g.rng.Float64() < o.heavy/pCopy {
				if paras, note := g.heavyRewrite(origin.paras); paras != nil {
					r = &article{paras: paras, story: origin.story, Title: g.title(),
						when: origin.when.Add(time.Duration(g.rng.Int64N(int64(12 * time.Hour)))), kind: kindHeavy, note: note}
				}
			}
			if r == nil {
				r = &article{paras: g.rewrite(origin.paras), story: origin.story, Title: g.title(),
					when: origin.when.Add(time.Duration(g.rng.Int64N(int64(12 * time.Hour)))), kind: kindRewrite}
			}
			r.origin = origin
			arts = append(arts, r)
		}
	}
	// Shuffle so copies are not adjacent, then number the articles.
	g.rng.Shuffle(len(arts), func(i, j int) { arts[i], arts[j] = arts[j], arts[i] })
	for i, a := range arts {
		a.ID = fmt.Sprintf("a%07d", i)
		a.Text = text(a.paras)
		a.Source = sources[g.rng.IntN(len(sources))]
		a.Date = a.when.Format(time.RFC3339)
	}
	return arts, stories
}

// write writes the corpus, the gold clusters and, when pairs is not nil,
// the pair labels.
func write(arts []*article, corpus, gold, pairs io.Writer) error {
	ce, ge, pe := json.NewEncoder(corpus), json.NewEncoder(gold), json.NewEncoder(pairs)
	for _, a := range arts {
		if err := ce.Encode(a); err != nil {
			return err
		}
		if err := ge.Encode(map[string]string{"id": a.ID, "cluster": fmt.Sprintf("s%d", a.story)}); err != nil {
			return err
		}
		if pairs == nil || a.origin == nil {
			continue
		}
		label := "dup"
		if a.kind == kindFollowUp {
			label = "distinct"
		}
		p := map[string]string{"a": a.origin.ID, "b": a.ID, "label": label, "stratum": a.kind}
		if a.note != "" {
			p["why"] = a.note
		}
		if err := pe.Encode(p); err != nil {
			return err
		}
	}
	return nil
}

func main() {
	var o options
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	o.addFlags(fs)
	if err := fs.Parse(os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		os.Exit(2)
	}
	if err := o.validate(); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(2)
	}
	if err := run(o, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

// run generates the corpus and writes its files.
func run(o options, stderr io.Writer) error {
	arts, stories := generate(o)
	paths := []string{o.out, o.gold}
	if o.pairs != "" {
		paths = append(paths, o.pairs)
	}
	var files []*os.File
	var ws []*bufio.Writer
	for _, path := range paths {
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		defer f.Close()
		files = append(files, f)
		ws = append(ws, bufio.NewWriterSize(f, 1<<20))
	}
	var pairs io.Writer
	if o.pairs != "" {
		pairs = ws[2]
	}
	if err := write(arts, ws[0], ws[1], pairs); err != nil {
		return err
	}
	for i, f := range files {
		if err := ws[i].Flush(); err != nil {
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	fmt.Fprintf(stderr, "gen: %d articles, %d stories, written to %s and %s\n", len(arts), stories, o.out, o.gold)
	if o.followUps > 0 || o.heavy > 0 || o.pairs != "" {
		count := map[string]int{}
		for _, a := range arts {
			count[a.kind]++
		}
		fmt.Fprintf(stderr, "gen: %d new stories, %d follow-ups, %d rewrites, %d heavy rewrites", count[kindStory], count[kindFollowUp],
			count[kindRewrite], count[kindHeavy])
		if o.pairs != "" {
			fmt.Fprintf(stderr, "; pair labels in %s", o.pairs)
		}
		fmt.Fprintln(stderr)
	}
	return nil
}
