package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// output is what one generation writes.
type output struct{ corpus, gold, pairs []byte }

func gen(t *testing.T, o options) output {
	t.Helper()
	if err := o.validate(); err != nil {
		t.Fatal(err)
	}
	arts, _ := generate(o)
	var c, g, p bytes.Buffer
	if err := write(arts, &c, nil, &g, &p); err != nil {
		t.Fatal(err)
	}
	return output{c.Bytes(), g.Bytes(), p.Bytes()}
}

func defaults(n int) options {
	return options{n: n, seed: 1, vocab: 50000, dupShare: 0.3}
}

// TestDefaultsUnchanged pins the output without follow-ups and heavy
// rewrites to the bytes the generator wrote before they were added, and
// the output with them, without -nights, to the bytes it wrote before
// -nights: the benchmark corpora and the tables of QUALITY.md and
// RESULTS.md were measured on those bytes.
func TestDefaultsUnchanged(t *testing.T) {
	harder := defaults(3000)
	harder.followUps, harder.heavy = 0.1, 0.2
	for _, c := range []struct {
		o                   options
		corpus, gold, pairs string
	}{
		{harder, "1c22fadb3bceb88dca0ba3cb644f957abb03248d36c8069ec1087605f18fb99e",
			"3e447b26a1afcd7352038d86ad7b3f5b0f883f5a9ec0c3ce43b34aee2472c2ce",
			"bc7c625bf88002b8f078a5a6b9f5d956d2def8dd61d34c6a2afcc1f5d86becfd"},
		{defaults(2000), "a85785d2dfc6ed8afca00bd7c45bab23d1adabd1009d3bad3fcfa44508439bed",
			"8458dd9a3fcb9ffbf80570aea17845fb5923e564646d8706817dcdf5dd3c83d1", ""},
		{options{n: 3000, seed: 7, vocab: 20000, dupShare: 0.5}, "d11665c1563c495f2ab2632c4a66d813192112d1959fdfd40500ac35a7b7d05d",
			"8f44c1c576604cbef253efb9989f33daa156ae7202e70e3540241c335b15dcd1", ""},
	} {
		out := gen(t, c.o)
		if got := fmt.Sprintf("%x", sha256.Sum256(out.corpus)); got != c.corpus {
			t.Errorf("%+v: corpus sha256 %s, want %s", c.o, got, c.corpus)
		}
		if got := fmt.Sprintf("%x", sha256.Sum256(out.gold)); got != c.gold {
			t.Errorf("%+v: gold sha256 %s, want %s", c.o, got, c.gold)
		}
		if got := fmt.Sprintf("%x", sha256.Sum256(out.pairs)); c.pairs != "" && got != c.pairs {
			t.Errorf("%+v: pairs sha256 %s, want %s", c.o, got, c.pairs)
		}
	}
}

func TestDeterministic(t *testing.T) {
	o := defaults(1500)
	o.followUps, o.heavy = 0.1, 0.2
	a, b := gen(t, o), gen(t, o)
	if !bytes.Equal(a.corpus, b.corpus) || !bytes.Equal(a.gold, b.gold) || !bytes.Equal(a.pairs, b.pairs) {
		t.Error("the same flags gave different bytes")
	}
	o.seed = 2
	if c := gen(t, o); bytes.Equal(a.corpus, c.corpus) {
		t.Error("another seed gave the same corpus")
	}
}

func TestValidate(t *testing.T) {
	for _, o := range []options{
		{n: 10, vocab: 100, dupShare: 0.3, followUps: -0.1},
		{n: 10, vocab: 100, dupShare: 0.3, heavy: 1},
		{n: 10, vocab: 100, dupShare: 0.3, heavy: 0.8},
		{n: 10, vocab: 100, dupShare: 0.3, heavy: 0.3, followUps: 0.4},
		{n: -1, vocab: 100},
		{n: 10, vocab: 2},
	} {
		if o.validate() == nil {
			t.Errorf("%+v: no error", o)
		}
	}
	if err := (options{n: 10, vocab: 100, dupShare: 0.3, heavy: 0.3, followUps: 0.3}).validate(); err != nil {
		t.Error(err)
	}
}

// parsed is a generated corpus read back from its files.
type parsed struct {
	paras map[string][][]string // article ID → paragraphs → sentences
	date  map[string]time.Time
	gold  map[string]string
	pairs []struct{ A, B, Label, Stratum string }
}

func parse(t *testing.T, out output) parsed {
	t.Helper()
	p := parsed{paras: map[string][][]string{}, date: map[string]time.Time{}, gold: map[string]string{}}
	each := func(b []byte, f func([]byte) error) {
		sc := bufio.NewScanner(bytes.NewReader(b))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			if err := f(sc.Bytes()); err != nil {
				t.Fatal(err)
			}
		}
	}
	each(out.corpus, func(line []byte) error {
		var a struct{ ID, Text, Date string }
		if err := json.Unmarshal(line, &a); err != nil {
			return err
		}
		for _, para := range strings.Split(a.Text, "\n\n") {
			var ss []string
			for _, s := range strings.SplitAfter(para, ". ") {
				ss = append(ss, strings.TrimSpace(s))
			}
			p.paras[a.ID] = append(p.paras[a.ID], ss)
		}
		d, err := time.Parse(time.RFC3339, a.Date)
		p.date[a.ID] = d
		return err
	})
	each(out.gold, func(line []byte) error {
		var g struct{ ID, Cluster string }
		err := json.Unmarshal(line, &g)
		p.gold[g.ID] = g.Cluster
		return err
	})
	each(out.pairs, func(line []byte) error {
		var r struct{ A, B, Label, Stratum string }
		err := json.Unmarshal(line, &r)
		p.pairs = append(p.pairs, r)
		return err
	})
	return p
}

// sentence is one sentence of an article, with its paragraph.
type sentence struct {
	words []string
	para  int
}

func flat(paras [][]string) []sentence {
	var ss []sentence
	for i, p := range paras {
		for _, s := range p {
			ss = append(ss, sentence{strings.Fields(s), i})
		}
	}
	return ss
}

// matches reports whether b is a carried-over a: the same number of words
// and at least 60 % of them equal in place (the generator changes at most
// 30 %; two unrelated sentences share a few percent), and how many differ.
func matches(a, b sentence) (bool, int) {
	if len(a.words) != len(b.words) {
		return false, 0
	}
	diff := 0
	for i := range a.words {
		if a.words[i] != b.words[i] {
			diff++
		}
	}
	return 10*diff <= 4*len(a.words), diff
}

// carried matches each sentence of the copy to an unused sentence of the
// original: match[j] is the original's index for the copy's sentence j, or
// -1 for a new sentence; diff is the number of words changed in the
// matched sentences and kept their number of words.
func carried(orig, copy []sentence) (match []int, diff, kept int) {
	used := make([]bool, len(orig))
	for _, c := range copy {
		m := -1
		for i, o := range orig {
			if ok, d := matches(o, c); ok && !used[i] {
				m, used[i] = i, true
				diff += d
				kept += len(c.words)
				break
			}
		}
		match = append(match, m)
	}
	return match, diff, kept
}

func harder(t *testing.T) parsed {
	t.Helper()
	o := defaults(4000)
	o.followUps, o.heavy = 0.1, 0.2
	return parse(t, gen(t, o))
}

func TestFollowUps(t *testing.T) {
	c := harder(t)
	n, atLede := 0, 0
	for _, p := range c.pairs {
		if p.Stratum != kindFollowUp {
			continue
		}
		n++
		if p.Label != "distinct" {
			t.Errorf("%s, %s: label %s", p.A, p.B, p.Label)
		}
		earlier, follow := flat(c.paras[p.A]), flat(c.paras[p.B])
		match, diff, kept := carried(earlier, follow)
		var block []int // the follow-up's carried-over sentences
		for j, m := range match {
			if m >= 0 {
				block = append(block, j)
			}
		}
		k := len(block)
		if k == 0 {
			t.Errorf("%s reuses nothing of %s", p.B, p.A)
			continue
		}
		j0 := block[0]
		share := float64(k) / float64(len(earlier))
		switch {
		case share < 0.2 || share > 0.45:
			t.Errorf("%s reuses %d of %d sentences of %s (%.2f): want 20-45 %%", p.B, k, len(earlier), p.A, share)
		case block[k-1]-j0 != k-1:
			t.Errorf("%s: the reused sentences %v are not one block", p.B, block)
		case follow[j0].para == 0:
			t.Errorf("%s: the reused block starts in the lede paragraph", p.B)
		case j0 > 0 && follow[j0-1].para == follow[j0].para:
			t.Errorf("%s: the reused block does not start a paragraph", p.B)
		case diff > 3:
			t.Errorf("%s: %d words of the reused block changed, want at most 3", p.B, diff)
		}
		for i := 1; i < k; i++ {
			if match[block[i]] != match[j0]+i {
				t.Errorf("%s: reused sentences %v are not consecutive in %s", p.B, match, p.A)
				break
			}
		}
		if newWords := wordCount(follow) - kept; newWords < kept {
			t.Errorf("%s: %d new words for %d reused", p.B, newWords, kept)
		}
		if d := c.date[p.B].Sub(c.date[p.A]); d < 2*time.Hour || d >= 48*time.Hour {
			t.Errorf("%s arrives %v after %s: want 2 to 48 hours", p.B, d, p.A)
		}
		if follow[j0].para == 1 {
			atLede++
		}
		// Gold: its own cluster, shared only with its own rewrites.
		if c.gold[p.A] == c.gold[p.B] {
			t.Errorf("%s is in the cluster of %s", p.B, p.A)
		}
		for _, q := range c.pairs {
			if q.B != p.B && c.gold[q.B] == c.gold[p.B] && (q.A != p.B || q.Label != "dup") {
				t.Errorf("%s shares its cluster with %s, not its rewrite", p.B, q.B)
			}
		}
	}
	if share := float64(n) / float64(len(c.paras)); share < 0.08 || share > 0.12 {
		t.Errorf("%d follow-ups in %d articles (%.3f), want about 0.1", n, len(c.paras), share)
	}
	if float64(atLede) > 0.5*float64(n) {
		t.Errorf("%d of %d follow-ups carry the block straight after the lede: want it usually lower", atLede, n)
	}
	t.Logf("%d follow-ups, %d with the block straight after the lede", n, atLede)
}

func wordCount(ss []sentence) int {
	n := 0
	for _, s := range ss {
		n += len(s.words)
	}
	return n
}

func TestHeavyRewrites(t *testing.T) {
	c := harder(t)
	n, moved, movable := 0, 0, 0
	for _, p := range c.pairs {
		if p.Stratum != kindHeavy {
			continue
		}
		n++
		if p.Label != "dup" || c.gold[p.A] != c.gold[p.B] {
			t.Errorf("%s, %s: label %s, gold %s and %s: want dup, one cluster", p.A, p.B, p.Label, c.gold[p.A], c.gold[p.B])
		}
		orig, rw := flat(c.paras[p.A]), flat(c.paras[p.B])
		match, diff, kept := carried(orig, rw)
		keptParas := map[int]bool{}
		var order []int // the origin's index of each kept sentence, in the rewrite's order
		for _, m := range match {
			if m >= 0 {
				order = append(order, m)
				keptParas[orig[m].para] = true
			}
		}
		cut := float64(len(orig)-len(order)) / float64(len(orig))
		added := float64(len(rw)-len(order)) / float64(len(orig))
		changed := float64(diff) / float64(kept)
		switch {
		case match[0] != 0:
			t.Errorf("%s does not open with the lede of %s", p.B, p.A)
		case cut < 0.15 || cut > 0.30:
			t.Errorf("%s cuts %.3f of the sentences of %s: want 15-30 %%", p.B, cut, p.A)
		case added < 0.10 || added > 0.25:
			t.Errorf("%s adds %.3f as many sentences as %s has: want 10-25 %%", p.B, added, p.A)
		case changed < 0.05 || changed > 0.10:
			t.Errorf("%s changes %.3f of the words it keeps of %s: want 5-10 %%", p.B, changed, p.A)
		}
		if len(keptParas) >= 3 {
			movable++
			if !slices.IsSorted(order) {
				moved++
			} else {
				t.Errorf("%s keeps %d paragraphs of %s in their order: want one moved", p.B, len(keptParas), p.A)
			}
		}
		if d := c.date[p.B].Sub(c.date[p.A]); d < 0 || d >= 12*time.Hour {
			t.Errorf("%s arrives %v after %s: want within 12 hours", p.B, d, p.A)
		}
	}
	if share := float64(n) / float64(len(c.paras)); share < 0.17 || share > 0.23 {
		t.Errorf("%d heavy rewrites in %d articles (%.3f), want about 0.2", n, len(c.paras), share)
	}
	t.Logf("%d heavy rewrites, %d of %d with 3 paragraphs or more kept have paragraphs moved", n, moved, movable)
}

// TestPairs checks the pair labels against the gold clusters: every
// rewrite with its origin, every follow-up apart from the story it reuses.
func TestPairs(t *testing.T) {
	c := harder(t)
	count := map[string]int{}
	for _, p := range c.pairs {
		count[p.Stratum]++
		same := c.gold[p.A] == c.gold[p.B]
		if same != (p.Label == "dup") {
			t.Errorf("%+v: gold %s and %s", p, c.gold[p.A], c.gold[p.B])
		}
	}
	copies := 0
	clusters := map[string]int{}
	for _, g := range c.gold {
		clusters[g]++
	}
	for _, size := range clusters {
		copies += size - 1
	}
	if count[kindRewrite]+count[kindHeavy] != copies {
		t.Errorf("%d rewrite pairs and %d heavy, want %d copies in all", count[kindRewrite], count[kindHeavy], copies)
	}
}

// nightsOutput is what one run with -nights and -nights-dir writes.
type nightsOutput struct {
	output
	names  []string // the nightly files, in order
	nights [][]byte
}

// runNights runs the command with o (which must have -nights) into a
// temporary directory, -out, -gold, -pairs and -nights-dir all given.
func runNights(t *testing.T, o options) nightsOutput {
	t.Helper()
	dir := t.TempDir()
	o.out, o.gold, o.pairs = filepath.Join(dir, "all.jsonl"), filepath.Join(dir, "gold.jsonl"), filepath.Join(dir, "pairs.jsonl")
	o.nightsDir, o.outSet = filepath.Join(dir, "nights"), true
	if err := o.validate(); err != nil {
		t.Fatal(err)
	}
	if err := run(o, io.Discard); err != nil {
		t.Fatal(err)
	}
	var out nightsOutput
	read := func(path string) []byte {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	out.corpus, out.gold, out.pairs = read(o.out), read(o.gold), read(o.pairs)
	entries, err := os.ReadDir(o.nightsDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		out.names = append(out.names, e.Name())
		out.nights = append(out.nights, read(filepath.Join(o.nightsDir, e.Name())))
	}
	return out
}

func nightly(n, nights int) options {
	o := defaults(n)
	o.followUps, o.heavy, o.nights, o.late = 0.1, 0.15, nights, 0.05
	return o
}

// TestNightsPartition checks that the nightly files are night-01 to
// night-NN and together exactly -out, line for line, that -out is in
// arrival-night order with its IDs in sequence, and that without -out
// given only the nightly files are written.
func TestNightsPartition(t *testing.T) {
	for _, nights := range []int{1, 7, 12} {
		o := nightly(3000, nights)
		out := runNights(t, o)
		var want []string
		for k := range nights {
			want = append(want, fmt.Sprintf("night-%02d.jsonl", k+1))
		}
		if !slices.Equal(out.names, want) {
			t.Errorf("-nights %d: files %v, want %v", nights, out.names, want)
		}
		if got := bytes.Join(out.nights, nil); !bytes.Equal(got, out.corpus) {
			t.Errorf("-nights %d: the nightly files together are not -out", nights)
		}
		for k, b := range out.nights {
			if len(b) == 0 {
				t.Errorf("-nights %d: night %d is empty", nights, k+1)
			}
		}
		ids := idsOf(t, out.corpus)
		if len(ids) != o.n {
			t.Errorf("-nights %d: %d articles, want %d", nights, len(ids), o.n)
		}
		for i, id := range ids {
			if want := fmt.Sprintf("a%07d", i); id != want {
				t.Fatalf("-nights %d: line %d has %s, want %s", nights, i+1, id, want)
			}
		}
		if g := idsOf(t, out.gold); !slices.Equal(g, ids) {
			t.Errorf("-nights %d: gold does not list the articles of -out in its order", nights)
		}
	}
	// Width: at least 2, else the width of -nights.
	if nf := (&nightFiles{dir: "d", nights: 100}); nf.name(0) != filepath.Join("d", "night-001.jsonl") || nf.name(99) != filepath.Join("d", "night-100.jsonl") {
		t.Errorf("-nights 100: files %s to %s", nf.name(0), nf.name(99))
	}
	// -nights-dir without -out given: no -out.
	dir := t.TempDir()
	o := nightly(200, 3)
	o.out, o.gold, o.nightsDir = filepath.Join(dir, "corpus.jsonl"), filepath.Join(dir, "gold.jsonl"), filepath.Join(dir, "n")
	if err := run(o, io.Discard); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(o.out); !os.IsNotExist(err) {
		t.Errorf("-out written without being given: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "n", "night-03.jsonl")); err != nil {
		t.Error(err)
	}
}

func idsOf(t *testing.T, b []byte) []string {
	t.Helper()
	var ids []string
	for line := range bytes.Lines(b) {
		var a struct{ ID string }
		if err := json.Unmarshal(line, &a); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
	}
	return ids
}

// TestNightsDates checks the promised ranges: dates inside the nights,
// copies 0 to 48 hours after their origin, follow-ups 2 hours to 4 days
// after their story, each article arriving on its publication night or the
// next, about -late of them late, none late from the last night; and that
// the cases a nightly tool must handle occur: copies arriving on a later
// night than their origin, and on an earlier one.
func TestNightsDates(t *testing.T) {
	const nights = 7
	o := nightly(6000, nights)
	out := runNights(t, o)
	c := parse(t, out.output)
	arrival := map[string]int{}
	for k, b := range out.nights {
		for _, id := range idsOf(t, b) {
			arrival[id] = k
		}
	}
	end := nightsStart.Add(nights * night)
	late, eligible := 0, 0
	for id, d := range c.date {
		if d.Before(nightsStart) || !d.Before(end) {
			t.Errorf("%s dated %v: want within %v to %v", id, d, nightsStart, end)
		}
		pub, arr := nightOf(d), arrival[id]
		switch {
		case arr != pub && arr != pub+1:
			t.Errorf("%s published on night %d arrives on night %d", id, pub+1, arr+1)
		case arr != pub && pub == nights-1:
			t.Errorf("%s published on the last night arrives late", id)
		}
		if pub < nights-1 {
			eligible++
			if arr > pub {
				late++
			}
		}
	}
	if share := float64(late) / float64(eligible); share < 0.035 || share > 0.065 {
		t.Errorf("%d of %d articles late (%.3f), want about %.2f", late, eligible, share, o.late)
	}
	var copyDelays, followDelays []time.Duration
	after, before := 0, 0
	for _, p := range c.pairs {
		d := c.date[p.B].Sub(c.date[p.A])
		if p.Stratum == kindFollowUp {
			followDelays = append(followDelays, d)
			if d < 2*time.Hour || d >= 96*time.Hour {
				t.Errorf("follow-up %s published %v after %s: want 2 hours to 4 days", p.B, d, p.A)
			}
			continue
		}
		copyDelays = append(copyDelays, d)
		if d < 0 || d >= 48*time.Hour {
			t.Errorf("%s %s published %v after %s: want 0 to 48 hours", p.Stratum, p.B, d, p.A)
		}
		switch {
		case arrival[p.B] > arrival[p.A]:
			after++
		case arrival[p.B] < arrival[p.A]:
			before++
		}
	}
	if after < len(copyDelays)/10 || before == 0 {
		t.Errorf("of %d copies, %d arrive on a later night than their origin and %d on an earlier one: want many, and some",
			len(copyDelays), after, before)
	}
	// The distributions: medians near 5.5 and 18.2 hours (a little under,
	// the later ones being left out past the last night more often), tails
	// past a day and past two days.
	median := func(ds []time.Duration) time.Duration { slices.Sort(ds); return ds[len(ds)/2] }
	over := func(ds []time.Duration, x time.Duration) int {
		n := 0
		for _, d := range ds {
			if d > x {
				n++
			}
		}
		return n
	}
	if m := median(copyDelays); m < 4*time.Hour || m > 7*time.Hour {
		t.Errorf("median copy delay %v, want about 5.5 h", m)
	}
	if m := median(followDelays); m < 12*time.Hour || m > 22*time.Hour {
		t.Errorf("median follow-up delay %v, want about 18 h (a little under: the later ones fall past the last night more often)", m)
	}
	if over(copyDelays, 24*time.Hour) == 0 || over(followDelays, 48*time.Hour) == 0 {
		t.Error("no copy more than a day after its origin, or no follow-up more than two days after its story")
	}
	t.Logf("%d late of %d; %d copies (median %v), %d arrive after their origin, %d before; %d follow-ups (median %v)",
		late, eligible, len(copyDelays), median(copyDelays), after, before, len(followDelays), median(followDelays))

	// -late 0: every article arrives on its night.
	o.late = 0
	arts, _ := generate(o)
	for _, a := range arts {
		if a.night != nightOf(a.when) {
			t.Fatalf("-late 0: %s published on night %d arrives on night %d", a.ID, nightOf(a.when)+1, a.night+1)
		}
	}
}

// TestNightsDeterministic checks that the same flags give the same bytes
// in every file, and another seed other ones.
func TestNightsDeterministic(t *testing.T) {
	o := nightly(1500, 5)
	a, b := runNights(t, o), runNights(t, o)
	if !bytes.Equal(a.corpus, b.corpus) || !bytes.Equal(a.gold, b.gold) || !bytes.Equal(a.pairs, b.pairs) ||
		!slices.EqualFunc(a.nights, b.nights, bytes.Equal) {
		t.Error("the same flags gave different bytes")
	}
	o.seed = 2
	if c := runNights(t, o); bytes.Equal(a.corpus, c.corpus) {
		t.Error("another seed gave the same corpus")
	}
}

func TestParseArgs(t *testing.T) {
	for _, args := range [][]string{
		{"-nights-dir", "x"},
		{"-late", "0.1"},
		{"-nights", "-1"},
		{"-nights", "3", "-late", "1"},
		{"-nights", "3", "extra"},
		{"-no-such-flag"},
	} {
		if _, err := parseArgs(args, io.Discard); err == nil {
			t.Errorf("%q: no error", args)
		}
	}
	for _, c := range []struct {
		args   []string
		outSet bool
	}{
		{nil, false},
		{[]string{"-nights", "3", "-nights-dir", "x"}, false},
		{[]string{"-nights", "3", "-nights-dir", "x", "-out", "all.jsonl", "-late", "0"}, true},
	} {
		o, err := parseArgs(c.args, io.Discard)
		if err != nil || o.outSet != c.outSet {
			t.Errorf("%q: %v, -out given %v, want %v", c.args, err, o.outSet, c.outSet)
		}
	}
}

// TestTemplates: templated briefs of one skeleton are their own items;
// their re-sends share their cluster, and the pairs say so.
func TestTemplates(t *testing.T) {
	o := options{n: 600, seed: 3, vocab: 5000, dupShare: 0.3, templates: 0.5}
	arts, _ := generate(o)
	bySkeleton := map[string]map[int]bool{} // the first sentence without its company and figures → stories
	resends := 0
	for _, a := range arts {
		switch a.kind {
		case kindTemplate:
			first := strings.Fields(a.paras[0][0])
			key := strings.Join(first[2:], " ")
			for _, w := range first {
				if w != "" && w[0] >= '0' && w[0] <= '9' {
					key = strings.ReplaceAll(key, w, "#")
				}
			}
			if bySkeleton[key] == nil {
				bySkeleton[key] = map[int]bool{}
			}
			bySkeleton[key][a.story] = true
		case kindResend:
			resends++
			if a.origin == nil || a.origin.kind != kindTemplate || a.story != a.origin.story ||
				a.when.Sub(a.origin.when) < 0 || a.when.Sub(a.origin.when) >= 3*time.Hour {
				t.Fatalf("re-send %+v of %+v", a, a.origin)
			}
		}
	}
	shared := 0
	for _, stories := range bySkeleton {
		if len(stories) > 1 {
			shared++
		}
	}
	if shared == 0 || resends == 0 {
		t.Errorf("%d skeletons filed for several items, %d re-sends: want both", shared, resends)
	}
}
