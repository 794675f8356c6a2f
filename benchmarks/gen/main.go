// Command gen writes a deterministic, news-like corpus with planted
// clusters of rewrites, for benchmarks.
//
//	go run ./benchmarks/gen -n 100000 -out corpus.jsonl -gold gold.jsonl
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
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"time"
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

// story makes an original article of a log-normal length.
func (g *generator) story() [][]string {
	words := int(math.Exp(math.Log(400) + 0.6*g.rng.NormFloat64()))
	words = max(50, min(3000, words))
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

func main() {
	n := flag.Int("n", 10000, "articles")
	seed := flag.Uint64("seed", 1, "random seed")
	vocab := flag.Int("vocab", 50000, "vocabulary size")
	dupShare := flag.Float64("dup-share", 0.3, "share of articles that are rewrites of another")
	out := flag.String("out", "corpus.jsonl", "corpus JSONL to write")
	goldPath := flag.String("gold", "gold.jsonl", "gold clusters JSONL to write")
	flag.Parse()

	g := newGenerator(*seed, *vocab)
	start := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	sources := []string{"AFP", "Reuters", "AP", "PA", "dpa"}
	var arts []*article
	stories := 0
	for len(arts) < *n {
		origin := &article{paras: g.story(), story: stories, when: start.Add(time.Duration(g.rng.Int64N(int64(30 * 24 * time.Hour))))}
		origin.Title = g.title()
		arts = append(arts, origin)
		stories++
		// Rewrites: geometric count with the mean that gives dupShare.
		p := *dupShare
		for len(arts) < *n && g.rng.Float64() < p {
			r := &article{paras: g.rewrite(origin.paras), story: origin.story, Title: g.title(),
				when: origin.when.Add(time.Duration(g.rng.Int64N(int64(12 * time.Hour))))}
			arts = append(arts, r)
		}
	}
	// Shuffle so copies are not adjacent, then number the articles.
	g.rng.Shuffle(len(arts), func(i, j int) { arts[i], arts[j] = arts[j], arts[i] })
	co, err := os.Create(*out)
	check(err)
	gold, err := os.Create(*goldPath)
	check(err)
	cw, gw := bufio.NewWriterSize(co, 1<<20), bufio.NewWriterSize(gold, 1<<20)
	ce, ge := json.NewEncoder(cw), json.NewEncoder(gw)
	for i, a := range arts {
		a.ID = fmt.Sprintf("a%07d", i)
		a.Text = text(a.paras)
		a.Source = sources[g.rng.IntN(len(sources))]
		a.Date = a.when.Format(time.RFC3339)
		check(ce.Encode(a))
		check(ge.Encode(map[string]string{"id": a.ID, "cluster": fmt.Sprintf("s%d", a.story)}))
	}
	check(cw.Flush())
	check(gw.Flush())
	check(co.Close())
	check(gold.Close())
	fmt.Fprintf(os.Stderr, "gen: %d articles, %d stories, written to %s and %s\n", len(arts), stories, *out, *goldPath)
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
