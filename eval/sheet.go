package eval

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/neardup/neardup/cluster"
	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/report"
)

// Uncertain is the n candidate pairs of res, a run of cfg with a model,
// whose probability is nearest the model's cut (ties by the pairs' IDs),
// leaving out the pairs labelled already and those the date window or
// the furniture rule keeps apart whatever the model says; and how many
// candidate pairs were not labelled yet. They are the pairs a desk reads
// to refit the model where it is least sure (eval --uncertain).
func Uncertain(cfg dedup.Config, res *dedup.Result, labelled []PairLabel, n int) ([]AuditPair, int) {
	done := map[[2]string]bool{}
	for _, p := range labelled {
		done[[2]string{p.A, p.B}], done[[2]string{p.B, p.A}] = true, true
	}
	type near struct {
		a, b string
		d    float64
	}
	var all []near
	cut := res.Rules.Model.Cut
	for _, p := range dedup.Candidates(cfg.LSH, res.Evidence, cfg.Workers, nil) {
		a, b := res.Docs[p.A].ID, res.Docs[p.B].ID
		if m := res.Check(p.A, p.B); m.P >= 0 && !done[[2]string{a, b}] && m.Reason != cluster.OutsideWindow && m.Reason != cluster.FurnitureOnly {
			all = append(all, near{a, b, math.Abs(m.P - cut)})
		}
	}
	slices.SortFunc(all, func(x, y near) int {
		return cmp.Or(cmp.Compare(x.d, y.d), strings.Compare(x.a, y.a), strings.Compare(x.b, y.b))
	})
	var sheet []AuditPair
	for _, p := range all[:min(n, len(all))] {
		sheet = append(sheet, AuditPair{Canonical: p.a, Member: p.b})
	}
	return sheet, len(all)
}

// WriteSheet writes pairs to read as Markdown, one block each: the
// canonical article (A) and the member (B) of res, titles, dates and
// texts (res.Texts), and no similarity figures, so that the reader's
// label is a reading; with the line format the reader's labels take.
func WriteSheet(w io.Writer, title string, res *dedup.Result, pairs []AuditPair) error {
	byID := make(map[string]int, len(res.Docs))
	for i, d := range res.Docs {
		byID[d.ID] = i
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# %s: %d pairs to read\n\nFor each pair, is B the same news item as A? Write one line per pair:\n"+
		"`{\"a\": \"A's ID\", \"b\": \"B's ID\", \"label\": \"dup\" or \"distinct\", \"why\": \"your reason\"}`\n\n", title, len(pairs))
	for _, p := range pairs {
		fmt.Fprintf(&b, "## PAIR a=%s b=%s\n", p.Canonical, p.Member)
		for _, side := range []struct{ name, id string }{{"A", p.Canonical}, {"B", p.Member}} {
			i := byID[side.id]
			d := res.Docs[i]
			fmt.Fprintf(&b, "### %s (id %s, %s): %s\n%s\n\n", side.name, d.ID, report.FormatDate(d.Published), strings.Join(strings.Fields(d.Title), " "), res.Texts[i])
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
