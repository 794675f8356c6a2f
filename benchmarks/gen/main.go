// Command gen writes a deterministic, news-like corpus with planted
// clusters of rewrites, for benchmarks.
//
//	go run ./benchmarks/gen -n 100000 -out corpus.jsonl -gold gold.jsonl
//	go run ./benchmarks/gen -n 10000 -followups 0.1 -heavy 0.15 -pairs pairs.jsonl
//	go run ./benchmarks/gen -n 10000 -nights 7 -nights-dir nights/ -out all.jsonl -gold gold.jsonl
//
// Articles: lengths log-normal around 400 words (50 to 3,000), sentences of
// 10 to 30 words in paragraphs of 1 to 4 sentences, words drawn from a Zipf
// vocabulary (s = 1.1) of made-up words, with figures and capitalised names
// mixed in; dates spread over 30 days (or over nights: see Nights). About
// -dup-share of the articles are rewrites of another one, made the way
// desks rewrite wire copy: a new headline always, and with some
// probability a trimmed bottom, two paragraphs swapped, a sentence
// inserted, a few words changed, a dateline or byline added; each arrives
// within 12 hours of its origin (without -nights). The gold
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
// with its origin ("dup", strata "rewrite" and "heavy rewrite"), every
// re-send of a templated brief with it ("dup", stratum "re-send") and every
// follow-up with the story it reuses ("distinct", stratum "follow-up").
//
//   - -templates: the share of new stories that are templated briefs
//     (templates.go): 24 skeletons of common words, each filed for other
//     companies and figures, every filing its own gold cluster; a brief's
//     copies are re-sends within three hours, half of them with one figure
//     corrected under a "CORRECTED -" headline. Drawn only when above 0.
//
// # Nights
//
// -nights N (off by default, and then nothing above changes) dates the
// corpus for nightly runs instead: night k is the 24 hours from midnight
// UTC of day k, the first day 2026-11-01, and dates are whole seconds,
// written in RFC 3339 as always.
//
//   - A new story is dated uniformly over the N nights.
//   - A rewrite or heavy rewrite is published 0 to 48 hours after its
//     origin: an exponential delay of scale 8 hours cut at 48 (median
//     5.5 h, mean 7.9 h; 22 % after 12 hours, 5 % after a day), so that
//     most copies come within hours and a tail runs to two days.
//   - A follow-up is published 2 hours to 4 days after its story: 2 hours
//     plus an exponential of scale 24 hours cut at 94 (median 18.2 h,
//     mean 24.1 h; 13 % after 2 days, 3.5 % after 3 days).
//   - A copy or follow-up that this puts after the end of the last night
//     is left out (a follow-up with its own copies), as a window of real
//     nights misses what comes after it; -n stays the number written, so
//     the shares of copies and follow-ups come out a little under their
//     flags (for 7 nights about 5 % fewer copies and 15 % fewer
//     follow-ups), their delays as written a little shorter than drawn
//     (the long ones fall past the end more often: for 7 nights the median
//     follow-up comes about 15 hours after its story), and the first night
//     is lighter than the others, as no night before it sends copies or
//     follow-ups into it.
//   - Each article arrives on the night of its date, except that the share
//     -late (5 % by default) of those not published on the last night
//     arrive one night late, as from a feed that catches up. So some
//     copies arrive on a later night than their origin, and some on an
//     earlier one than their origin although published after it.
//
// Articles are then numbered in arrival-night order (shuffled within a
// night), and -out, -gold and -pairs list them in that order, so that a
// batch run over -out meets them as a nightly sequence would. With
// -nights-dir DIR, DIR/night-01.jsonl to night-NN.jsonl (zero-padded to
// the width of N, at least 2) hold each night's arrivals, the lines of
// -out in the same order: together they are exactly -out, which is then
// written only when given. Other files in DIR are left alone. -gold and
// -pairs cover all the articles as before.
package main

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Kinds of article.
const (
	kindStory    = "story"
	kindRewrite  = "rewrite"
	kindHeavy    = "heavy rewrite"
	kindFollowUp = "follow-up"
	kindTemplate = "templated brief"
	kindResend   = "re-send"
)

type article struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Text   string `json:"text"`
	Source string `json:"source"`
	Date   string `json:"date"`
	paras  [][]string
	when   time.Time
	night  int // with -nights, the night it arrives (0 for the first)
	story  int
	kind   string
	origin *article // a rewrite's origin, a follow-up's earlier story
	note   string   // what was done, for the pair label's "why"
}

type generator struct {
	rng    *rand.Rand
	zipf   *rand.Zipf
	vocab  []string
	names  []string
	nights int // -nights: 0 for the default calendar
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
	nights    int
	late      float64
	templates float64
	nightsDir string
	// Which of -out and -late were given, for -nights-dir and -late's
	// rules.
	outSet, lateSet bool
}

func (o *options) addFlags(fs *flag.FlagSet) {
	fs.IntVar(&o.n, "n", 10000, "articles")
	fs.Uint64Var(&o.seed, "seed", 1, "random seed")
	fs.IntVar(&o.vocab, "vocab", 50000, "vocabulary size")
	fs.Float64Var(&o.dupShare, "dup-share", 0.3, "share of articles that are rewrites of another")
	fs.Float64Var(&o.followUps, "followups", 0, "share of articles that are follow-up stories reusing 20-45% of an earlier one's sentences (gold: their own cluster)")
	fs.Float64Var(&o.heavy, "heavy", 0, "share of articles that are heavy rewrites of another: 15-30% of sentences cut, 10-25% added, 5-10% of words changed, paragraphs moved (gold: the other's cluster)")
	fs.Float64Var(&o.templates, "templates", 0, "share of new stories that are templated briefs: a skeleton of the same words filed for another company and figures (gold: each its own item), copied only by re-sends and one-figure corrections")
	fs.StringVar(&o.out, "out", "corpus.jsonl", "corpus JSONL to write")
	fs.StringVar(&o.gold, "gold", "gold.jsonl", "gold clusters JSONL to write")
	fs.StringVar(&o.pairs, "pairs", "", "also write pair labels (JSONL a, b, label, stratum, why) for neardup eval --pairs")
	fs.IntVar(&o.nights, "nights", 0, "date the articles over this many nights from 2026-11-01 (copies 0-48 h after their origin, follow-ups 2 h-4 days after their story), each arriving on its night or, for the share -late, the next; -out in arrival order (0: 30 days, as before)")
	fs.Float64Var(&o.late, "late", 0.05, "with -nights: share of the articles, among those not published on the last night, that arrive one night late")
	fs.StringVar(&o.nightsDir, "nights-dir", "", "with -nights: also write each night's arrivals to `DIR`/night-01.jsonl ...; -out is then written only when given")
}

// errReported is a command-line error the flag package has printed.
var errReported = errors.New("bad command line")

// parseArgs reads the command line into options and checks them.
func parseArgs(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o.addFlags(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return o, err
		}
		return o, errReported // the flag package has printed it, and the usage
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	fs.Visit(func(f *flag.Flag) {
		o.outSet = o.outSet || f.Name == "out"
		o.lateSet = o.lateSet || f.Name == "late"
	})
	return o, o.validate()
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
	case o.nights < 0 || o.nights > 100000:
		return fmt.Errorf("-nights %d: want 0 (off) to 100000", o.nights)
	case o.nightsDir != "" && o.nights == 0:
		return errors.New("-nights-dir needs -nights")
	case o.lateSet && o.nights == 0:
		return errors.New("-late needs -nights")
	case o.templates < 0 || o.templates > 1:
		return fmt.Errorf("-templates %g: a share, want 0 to 1", o.templates)
	case o.late < 0 || o.late >= 1:
		return fmt.Errorf("-late %g: a share, want 0 or more and under 1", o.late)
	}
	return nil
}

// generate makes the corpus: its articles in their final order, with IDs,
// sources and dates set (write makes each text from its paragraphs), and
// the number of stories (gold clusters).
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
	g.nights = o.nights
	sources := []string{"AFP", "Reuters", "AP", "PA", "dpa"}
	pCopy := o.dupShare + o.heavy
	pFollow := 0.0
	if o.followUps > 0 {
		pFollow = o.followUps / (1 - pCopy)
	}
	var arts, followable []*article
	var families []template
	stories := 0
	for len(arts) < o.n {
		var origin *article
		if pFollow > 0 && len(followable) > 0 && g.rng.Float64() < pFollow {
			origin = g.followUp(followable[g.rng.IntN(len(followable))])
			origin.story = stories
		} else if o.templates > 0 && g.rng.Float64() < o.templates {
			if families == nil {
				for range templateFamilies {
					families = append(families, g.newTemplate())
				}
			}
			origin = &article{story: stories, when: g.storyDate(), kind: kindTemplate}
			origin.Title, origin.paras = g.templated(families[g.rng.IntN(len(families))])
		} else {
			origin = &article{paras: g.story(), story: stories, when: g.storyDate(), kind: kindStory}
			origin.Title = g.title()
		}
		if !g.published(origin.when) {
			continue // a follow-up after the last night, and so its copies
		}
		arts = append(arts, origin)
		stories++
		if pFollow > 0 && sentences(origin.paras) >= 3 && origin.kind != kindTemplate {
			followable = append(followable, origin)
		}
		// Rewrites: geometric count with the mean that gives dupShare + heavy.
		for len(arts) < o.n && g.rng.Float64() < pCopy {
			var r *article
			if origin.kind == kindTemplate {
				r = g.resend(origin)
			} else if o.heavy > 0 && g.rng.Float64() < o.heavy/pCopy {
				if paras, note := g.heavyRewrite(origin.paras); paras != nil {
					r = &article{paras: paras, story: origin.story, Title: g.title(),
						when: g.copyDate(origin.when), kind: kindHeavy, note: note}
				}
			}
			if r == nil {
				r = &article{paras: g.rewrite(origin.paras), story: origin.story, Title: g.title(),
					when: g.copyDate(origin.when), kind: kindRewrite}
			}
			r.origin = origin
			if g.published(r.when) {
				arts = append(arts, r)
			}
		}
	}
	// Shuffle so copies are not adjacent, then number the articles.
	g.rng.Shuffle(len(arts), func(i, j int) { arts[i], arts[j] = arts[j], arts[i] })
	if o.nights > 0 {
		// Each article arrives on the night of its date, or with the share
		// -late one night after; then the articles go in night order.
		for _, a := range arts {
			a.night = nightOf(a.when)
			if g.rng.Float64() < o.late && a.night < o.nights-1 {
				a.night++
			}
		}
		slices.SortStableFunc(arts, func(a, b *article) int { return cmp.Compare(a.night, b.night) })
	}
	for i, a := range arts {
		a.ID = fmt.Sprintf("a%07d", i)
		a.Source = sources[g.rng.IntN(len(sources))]
		a.Date = a.when.Format(time.RFC3339)
	}
	return arts, stories
}

// write writes the corpus (when corpus is not nil), the gold clusters,
// the pair labels (when pairs is not nil) and, when nights is not nil, each
// article's line of the corpus again to its night's writer. It makes each
// article's text as it writes it and drops it after, so that the corpus is
// not held in memory twice (as paragraphs and as texts).
func write(arts []*article, corpus io.Writer, nights func(night int) (io.Writer, error), gold, pairs io.Writer) error {
	var line bytes.Buffer
	ce, ge, pe := json.NewEncoder(&line), json.NewEncoder(gold), json.NewEncoder(pairs)
	for _, a := range arts {
		line.Reset()
		a.Text = text(a.paras)
		err := ce.Encode(a)
		a.Text = ""
		if err != nil {
			return err
		}
		if corpus != nil {
			if _, err := corpus.Write(line.Bytes()); err != nil {
				return err
			}
		}
		if nights != nil {
			w, err := nights(a.night)
			if err != nil {
				return err
			}
			if _, err := w.Write(line.Bytes()); err != nil {
				return err
			}
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
	o, err := parseArgs(os.Args[1:], os.Stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return
	case errors.Is(err, errReported):
		os.Exit(2)
	case err != nil:
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
	writeOut := o.nightsDir == "" || o.outSet
	var paths []string
	if writeOut {
		paths = append(paths, o.out)
	}
	paths = append(paths, o.gold)
	if o.pairs != "" {
		paths = append(paths, o.pairs)
	}
	var files []*os.File
	var ws []*bufio.Writer
	for _, path := range paths {
		// The folders written into are made: -gold labels/gold.jsonl
		// works on a fresh checkout.
		if err := os.MkdirAll(filepath.Dir(path), 0o777); err != nil {
			return err
		}
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		defer f.Close()
		files = append(files, f)
		ws = append(ws, bufio.NewWriterSize(f, 1<<20))
	}
	bufs := ws
	next := func() io.Writer { w := bufs[0]; bufs = bufs[1:]; return w }
	var corpus, pairs io.Writer
	if writeOut {
		corpus = next()
	}
	gold := next()
	if o.pairs != "" {
		pairs = next()
	}
	var nights func(int) (io.Writer, error)
	nf := &nightFiles{dir: o.nightsDir, nights: o.nights}
	if o.nightsDir != "" {
		if err := os.MkdirAll(o.nightsDir, 0o777); err != nil {
			return err
		}
		defer nf.closeOne()
		nights = nf.to
	}
	if err := write(arts, corpus, nights, gold, pairs); err != nil {
		return err
	}
	if o.nightsDir != "" {
		if err := nf.close(); err != nil {
			return err
		}
	}
	for i, f := range files {
		if err := ws[i].Flush(); err != nil {
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	if writeOut {
		fmt.Fprintf(stderr, "gen: %d articles, %d stories, written to %s and %s\n", len(arts), stories, o.out, o.gold)
	} else {
		fmt.Fprintf(stderr, "gen: %d articles, %d stories, gold clusters in %s\n", len(arts), stories, o.gold)
	}
	if o.followUps > 0 || o.heavy > 0 || o.templates > 0 || o.pairs != "" {
		count := map[string]int{}
		for _, a := range arts {
			count[a.kind]++
		}
		fmt.Fprintf(stderr, "gen: %d new stories, %d follow-ups, %d rewrites, %d heavy rewrites", count[kindStory], count[kindFollowUp],
			count[kindRewrite], count[kindHeavy])
		if o.templates > 0 {
			fmt.Fprintf(stderr, ", %d templated briefs, %d re-sends", count[kindTemplate], count[kindResend])
		}
		if o.pairs != "" {
			fmt.Fprintf(stderr, "; pair labels in %s", o.pairs)
		}
		fmt.Fprintln(stderr)
	}
	if o.nights > 0 {
		late, after, before := 0, 0, 0
		for _, a := range arts {
			if a.night > nightOf(a.when) {
				late++
			}
			if a.origin != nil && a.kind != kindFollowUp {
				switch {
				case a.night > a.origin.night:
					after++
				case a.night < a.origin.night:
					before++
				}
			}
		}
		fmt.Fprintf(stderr, "gen: %d nights from %s: %d articles arrive a night late; %d copies arrive on a later night than their origin, %d on an earlier one",
			o.nights, nightsStart.Format(time.DateOnly), late, after, before)
		if o.nightsDir != "" {
			fmt.Fprintf(stderr, "; each night's arrivals in %s to %s", nf.name(0), nf.name(o.nights-1))
		}
		fmt.Fprintln(stderr)
	}
	return nil
}
