package main

import (
	"fmt"
	"slices"
	"strings"
)

// sentences counts the sentences of paragraphs.
func sentences(paras [][]string) int {
	n := 0
	for _, p := range paras {
		n += len(p)
	}
	return n
}

// words counts the words of paragraphs.
func words(paras [][]string) int {
	n := 0
	for _, p := range paras {
		for _, s := range p {
			n += strings.Count(s, " ") + 1
		}
	}
	return n
}

// shareRange gives the whole numbers k with lo/100 <= k/n <= hi/100, in
// integers so that no rounding moves a bound.
func shareRange(n, lo, hi int) (int, int) {
	return (lo*n + 99) / 100, hi * n / 100
}

// between draws a whole number in [lo, hi].
func (g *generator) between(lo, hi int) int {
	return lo + g.rng.IntN(hi-lo+1)
}

// changeWords replaces m distinct words of paras, in place, by other
// words, changing at most 30 % of any one sentence (at least one word). A
// sentence keeps its capital and its full stop. m must not exceed what
// the cap allows.
func (g *generator) changeWords(paras [][]string, m int) {
	type pos struct{ p, s, w int }
	var all []pos
	split := make([][][]string, len(paras))
	for p, para := range paras {
		split[p] = make([][]string, len(para))
		for s, sent := range para {
			split[p][s] = strings.Fields(sent)
			for w := range split[p][s] {
				all = append(all, pos{p, s, w})
			}
		}
	}
	changed := map[[2]int]int{}
	for _, i := range g.rng.Perm(len(all)) {
		if m == 0 {
			break
		}
		at := all[i]
		ws := split[at.p][at.s]
		if changed[[2]int{at.p, at.s}] >= max(1, 3*len(ws)/10) {
			continue
		}
		old := ws[at.w]
		for {
			w := g.word()
			if at.w == 0 {
				w = strings.ToUpper(w[:1]) + w[1:]
			}
			if at.w == len(ws)-1 && strings.HasSuffix(old, ".") {
				w += "."
			}
			if !strings.EqualFold(w, old) {
				ws[at.w] = w
				break
			}
		}
		changed[[2]int{at.p, at.s}]++
		m--
	}
	for p, para := range split {
		for s, ws := range para {
			paras[p][s] = strings.Join(ws, " ")
		}
	}
}

// followUp writes a follow-up of an earlier story (of 3 sentences or
// more): a new headline, lede and paragraphs, with one contiguous block of
// 20 to 45 % of the earlier story's sentences (keeping their paragraph
// breaks) placed after the lede, three times in four lower than straight
// after it; half the time one to three words of the block are changed. The
// new material has at least as many words as the block. It arrives 2 to 48
// hours after the earlier story (with -nights, 2 hours to 4 days).
func (g *generator) followUp(earlier *article) *article {
	n := sentences(earlier.paras)
	lo, hi := shareRange(n, 20, 45)
	lo = max(1, lo)
	k := g.between(lo, hi)
	first := g.rng.IntN(n - k + 1)
	var block [][]string
	i := 0
	for _, p := range earlier.paras {
		var kept []string
		for _, s := range p {
			if i >= first && i < first+k {
				kept = append(kept, s)
			}
			i++
		}
		if len(kept) > 0 {
			block = append(block, kept)
		}
	}
	changedWords := 0
	if g.rng.IntN(2) == 0 {
		changedWords = g.between(1, 3)
		g.changeWords(block, changedWords)
	}
	paras := g.paragraphs(max(g.storyWords(), words(block)))
	at := 1 // straight after the lede
	if len(paras) > 1 && g.rng.IntN(4) != 0 {
		at = g.between(2, len(paras))
	}
	paras = slices.Insert(paras, at, block...)
	f := &article{paras: paras, kind: kindFollowUp, origin: earlier, Title: g.title(),
		when: g.followDate(earlier.when),
		note: fmt.Sprintf("follow-up: sentences %d-%d of %d carried over as background after paragraph %d, %d words changed",
			first+1, first+k, n, at, changedWords)}
	return f
}

// heavyRewrite makes a heavy desk rewrite of an article of 4 sentences or
// more (nil for a shorter one): the lede sentence stays first and the lede
// paragraph on top; 15 to 30 % of the sentences are cut (the bottom ones
// or scattered ones), 5 to 10 % of the kept words changed, one paragraph
// after the lede moved (sometimes a second) when there are three, and 10
// to 25 % as many sentences as the origin had added, inside paragraphs or
// as paragraphs of their own. It also returns a note of what it did.
func (g *generator) heavyRewrite(paras [][]string) ([][]string, string) {
	n := sentences(paras)
	cutLo, cutHi := shareRange(n, 15, 30)
	addLo, addHi := shareRange(n, 10, 25)
	if n < 4 || cutLo > cutHi || addLo > addHi {
		return nil, ""
	}
	cut := g.between(cutLo, cutHi)
	drop := make([]bool, n)
	how := "bottom"
	if g.rng.IntN(2) == 0 {
		for i := n - cut; i < n; i++ {
			drop[i] = true
		}
	} else {
		how = "scattered"
		for _, i := range g.rng.Perm(n - 1)[:cut] {
			drop[1+i] = true
		}
	}
	var out [][]string
	i := 0
	for _, p := range paras {
		var kept []string
		for _, s := range p {
			if !drop[i] {
				kept = append(kept, s)
			}
			i++
		}
		if len(kept) > 0 {
			out = append(out, kept)
		}
	}
	w := words(out)
	chLo, chHi := shareRange(w, 5, 10)
	changed := g.between(chLo, max(chLo, chHi))
	g.changeWords(out, changed)
	moved := 0
	if len(out) >= 3 {
		order := g.move(identity(len(out)))
		moved = 1
		if g.rng.IntN(2) == 0 {
			if second := g.move(order); !slices.Equal(second, identity(len(out))) {
				order, moved = second, 2
			}
		}
		moves := make([][]string, len(out))
		for to, from := range order {
			moves[to] = out[from]
		}
		out = moves
	}
	add := g.between(addLo, addHi)
	for range add {
		s := g.sentence()
		if g.rng.IntN(3) == 0 { // a paragraph of its own, after the lede
			out = slices.Insert(out, g.between(1, len(out)), []string{s})
			continue
		}
		p := g.rng.IntN(len(out))
		at := g.rng.IntN(len(out[p]) + 1)
		if p == 0 {
			at = g.between(1, len(out[0]))
		}
		out[p] = slices.Insert(out[p], at, s)
	}
	return out, fmt.Sprintf("heavy rewrite: %d of %d sentences cut (%s), %d added, %d of %d words changed, paragraph moves: %d",
		cut, n, how, add, changed, w, moved)
}

// move moves one paragraph other than the first to another place after
// the first: order lists, for each place, the paragraph found there.
func (g *generator) move(order []int) []int {
	n := len(order)
	from := g.between(1, n-1)
	to := g.between(1, n-2) // a place among the other n-1, after the first, not the one it left
	if to >= from {
		to++
	}
	out := slices.Delete(slices.Clone(order), from, from+1)
	return slices.Insert(out, to, order[from])
}

func identity(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}
