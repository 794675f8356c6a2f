// Command sample draws a reading sheet of candidate pairs from a corpus,
// for labelling by reading: the pairs whose signatures share an LSH band at
// the default settings, stratified by their Jaccard similarity, a few of
// each band, the same pairs every run (chosen by a hash of the two IDs).
// The sheet holds the articles' texts and is written outside the
// repository; only the labels (IDs, label, reason) are kept in it.
//
//	go run ./benchmarks/labels/sample -per 30 -sheet /tmp/sheet.md ../shared/data/multi-outlet-2018/corpus.jsonl
package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"hash/fnv"
	"log"
	"os"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/internal/matchflags"
	"github.com/neardup/neardup/report"
)

func main() {
	per := flag.Int("per", 30, "pairs drawn from each Jaccard band")
	sheet := flag.String("sheet", "", "write the reading sheet to this Markdown file")
	list := flag.String("list", "", "write the drawn pairs (a, b, stratum) as JSONL to this file")
	maxText := flag.Int("max-text", 4000, "bytes of each text shown")
	skip := flag.String("skip", "", "a --pairs file whose pairs are not drawn again")
	flag.Parse()
	var o matchflags.Options
	fs := pflag.NewFlagSet("sample", pflag.ContinueOnError)
	o.AddFlags(fs)
	cfg, err := o.Config("sample", flag.Args())
	if err != nil {
		log.Fatal(err)
	}
	cfg.KeepText = true
	res, err := dedup.Read(context.Background(), cfg)
	if err != nil {
		log.Fatal(err)
	}
	seen := map[[2]string]bool{}
	if *skip != "" {
		b, err := os.ReadFile(*skip)
		if err != nil {
			log.Fatal(err)
		}
		for _, l := range strings.Split(string(b), "\n") {
			var a, bb string
			if i := strings.Index(l, `"a": "`); i >= 0 {
				a = l[i+6:]
				a = a[:strings.IndexByte(a, '"')]
			}
			if i := strings.Index(l, `"b": "`); i >= 0 {
				bb = l[i+6:]
				bb = bb[:strings.IndexByte(bb, '"')]
			}
			seen[[2]string{a, bb}], seen[[2]string{bb, a}] = true, true
		}
	}
	pairs := dedup.Candidates(cfg.LSH, res.Evidence, cfg.Workers, nil)
	bands := []float64{0, 0.1, 0.2, 0.3, 0.5, 0.8, 1.01}
	type drawn struct {
		a, b    int
		key     uint64
		stratum string
	}
	byBand := make([][]drawn, len(bands)-1)
	for _, p := range pairs {
		m := res.Check(p.A, p.B)
		a, b := res.Docs[p.A].ID, res.Docs[p.B].ID
		if seen[[2]string{a, b}] {
			continue
		}
		h := fnv.New64a()
		h.Write([]byte(a + "\x00" + b))
		for i := range byBand {
			if m.Jaccard >= bands[i] && m.Jaccard < bands[i+1] {
				byBand[i] = append(byBand[i], drawn{p.A, p.B, h.Sum64(), fmt.Sprintf("jaccard %.1f-%.1f", bands[i], min(bands[i+1], 1))})
			}
		}
	}
	var out []drawn
	for i, band := range byBand {
		slices.SortFunc(band, func(x, y drawn) int { return cmp.Compare(x.key, y.key) })
		log.Printf("band %d: %d candidate pairs", i, len(band))
		out = append(out, band[:min(*per, len(band))]...)
	}
	slices.SortFunc(out, func(x, y drawn) int { return cmp.Compare(x.key, y.key) })
	var sb, lb strings.Builder
	fmt.Fprintf(&sb, "# %d pairs to read\n\n", len(out))
	for _, p := range out {
		fmt.Fprintf(&lb, "{\"a\": %q, \"b\": %q, \"stratum\": %q}\n", res.Docs[p.a].ID, res.Docs[p.b].ID, p.stratum)
		fmt.Fprintf(&sb, "## PAIR a=%s b=%s\n", res.Docs[p.a].ID, res.Docs[p.b].ID)
		for _, side := range []struct {
			name string
			i    int
		}{{"A", p.a}, {"B", p.b}} {
			d := res.Docs[side.i]
			text := res.Texts[side.i]
			if len(text) > *maxText {
				head := strings.ToValidUTF8(text[:*maxText*3/4], "")
				tail := strings.ToValidUTF8(text[len(text)-*maxText/4:], "")
				text = head + "\n[… " + fmt.Sprint(len(text)-*maxText) + " bytes cut …]\n" + tail
			}
			fmt.Fprintf(&sb, "### %s (id %s, %s, %s): %s\n%s\n\n", side.name, d.ID, d.Source, report.FormatDate(d.Published), strings.Join(strings.Fields(d.Title), " "), text)
		}
	}
	if *sheet != "" {
		if err := os.WriteFile(*sheet, []byte(sb.String()), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	if *list != "" {
		if err := os.WriteFile(*list, []byte(lb.String()), 0o644); err != nil {
			log.Fatal(err)
		}
	}
}
