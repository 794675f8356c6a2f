package main

import (
	"fmt"
	"strings"
	"time"
)

// Templated briefs, as wire desks file them (-templates): one skeleton —
// the same words, with slots for a company and its figures — filed for
// many companies and days: a dividend, quarterly results, a rate change.
// Each filing is an item of its own, distinct from its siblings though
// they share most words; its re-sends and corrections (one figure fixed,
// "CORRECTED -" in the headline) are its copies. These are the pairs a
// deduplicator must keep apart by what the words name, not how many they
// share.
type template struct {
	title string     // with "{C}" for the company
	body  [][]string // sentences with "{C}" and "{N}" slots
}

// templateFamilies is how many skeletons a corpus's briefs are drawn from.
const templateFamilies = 24

// newTemplate makes a skeleton of common words: a headline naming the
// company, and two or three sentences of 8 to 16 words, the first naming
// the company, each with one to three figures.
func (g *generator) newTemplate() template {
	common := func() string { return g.vocab[g.rng.IntN(200)] }
	var head []string
	for range 2 + g.rng.IntN(3) {
		head = append(head, strings.ToUpper(common()))
	}
	t := template{title: "{C} " + strings.Join(head, " ")}
	var p []string
	for s := range 2 + g.rng.IntN(2) {
		ws := make([]string, 8+g.rng.IntN(9))
		for i := range ws {
			ws[i] = common()
		}
		for range 1 + g.rng.IntN(3) {
			ws[1+g.rng.IntN(len(ws)-1)] = "{N}"
		}
		if s == 0 {
			ws[0] = "{C}"
		} else {
			ws[0] = strings.ToUpper(ws[0][:1]) + ws[0][1:]
		}
		p = append(p, strings.Join(ws, " ")+".")
	}
	t.body = [][]string{p}
	return t
}

// templated fills a skeleton for a company drawn from the names: a new
// item.
func (g *generator) templated(t template) (title string, paras [][]string) {
	company := g.names[g.rng.IntN(len(g.names))] + " " + []string{"Corp", "Inc", "Ltd", "Bancorp", "Group"}[g.rng.IntN(5)]
	title = strings.ToUpper(strings.ReplaceAll(t.title, "{C}", company))
	for _, p := range t.body {
		var out []string
		for _, s := range p {
			s = strings.ReplaceAll(s, "{C}", company)
			for strings.Contains(s, "{N}") {
				s = strings.Replace(s, "{N}", g.figure(), 1)
			}
			out = append(out, s)
		}
		paras = append(paras, out)
	}
	return title, paras
}

// figure draws a figure as briefs write them.
func (g *generator) figure() string {
	switch g.rng.IntN(3) {
	case 0:
		return fmt.Sprintf("%d", 1+g.rng.IntN(500))
	case 1:
		return fmt.Sprintf("%d.%d", g.rng.IntN(100), g.rng.IntN(10))
	}
	return fmt.Sprintf("%d-%d/%d", g.rng.IntN(20), 1+g.rng.IntN(7), 8)
}

// resend is a copy of a templated brief: the same text re-sent, or a
// correction of one figure under a "CORRECTED -" headline, within three
// hours.
func (g *generator) resend(origin *article) *article {
	r := &article{Title: origin.Title, paras: [][]string{append([]string(nil), origin.paras[0]...)}, story: origin.story,
		when: origin.when.Add(g.truncExp(time.Hour, 3*time.Hour)), kind: kindResend, note: "re-sent"}
	if g.rng.IntN(2) == 0 {
		s := g.rng.IntN(len(r.paras[0]))
		ws := strings.Fields(r.paras[0][s])
		for i, w := range ws {
			if w != "" && w[0] >= '0' && w[0] <= '9' {
				ws[i] = g.figure()
				r.Title, r.note = "CORRECTED - "+origin.Title, "one figure corrected"
				break
			}
		}
		r.paras[0][s] = strings.Join(ws, " ")
	}
	return r
}
