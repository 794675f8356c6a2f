package dedup_test

import (
	"context"
	"slices"
	"testing"

	"github.com/neardup/neardup/cluster"
	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/lsh"
	"github.com/neardup/neardup/shingle"
)

// testConfig is the defaults' config over the two test corpora.
func testConfig(t *testing.T) dedup.Config {
	t.Helper()
	rules := cluster.Rules{Threshold: 0.3, Containment: 0.6, MinRatio: 0.15, Figures: 0.75, VetoBelow: 150, Window: 48 * 3600e9,
		Subject: 0.02, ShortBelow: 60, ShortWindow: 20 * 3600e9, FigureOrder: 0.6, Lede: 0.15, FurnitureMin: 20}
	params, err := lsh.NewParams(128, dedup.CandidateThreshold(rules), 1)
	if err != nil {
		t.Fatal(err)
	}
	return dedup.Config{Inputs: []string{"../testdata/briefs", "../testdata/wire"},
		Corpus:  corpus.Options{Fields: corpus.DefaultFields(), MaxBytes: corpus.DefaultMaxBytes},
		Shingle: shingle.Options{Kind: shingle.Word, N: 3}, LSH: params, Rules: rules, AntiChain: true, Boilerplate: true, Workers: 2}
}

// TestStagesComposeToRun: the named stages, called one by one as another
// pipeline would call them (one ArticleSigner per article, the counts
// added in a different order, then Candidates and Cluster), give what Run
// gives.
func TestStagesComposeToRun(t *testing.T) {
	cfg := testConfig(t)
	want, err := dedup.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}

	var docs []dedup.Doc
	var signed []dedup.Signed
	opts := cfg.Corpus
	opts.Workers = 1
	_, err = corpus.ReadProcessed(context.Background(), cfg.Inputs, nil, opts,
		func(_ int, d *corpus.Document) dedup.Signed { return dedup.NewArticleSigner(cfg).Sign(d) },
		func(d corpus.Document, s dedup.Signed) error {
			docs = append(docs, dedup.Doc{ID: d.ID, Title: d.Title, Published: d.Published, Length: s.Length, Shingles: s.Evidence.Shingles})
			signed = append(signed, s)
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	counts := dedup.NewCorpusCounts(cfg.Rules)
	for i := range slices.Backward(signed) { // order does not matter
		counts.Add(&signed[i])
	}
	evidence := make([]cluster.Evidence, len(signed))
	for i := range signed {
		evidence[i] = signed[i].Evidence
	}
	rules := counts.Rules(cfg.Rules)
	pairs := dedup.Candidates(cfg.LSH, evidence, 3, nil)
	got := dedup.Cluster(docs, evidence, rules, pairs, cfg.AntiChain)

	if len(pairs) != want.Candidates || got.Verified != want.Verified {
		t.Errorf("%d candidates, %d verified; Run: %d, %d", len(pairs), got.Verified, want.Candidates, want.Verified)
	}
	if len(got.Clusters) != len(want.Clusters) || len(got.Clusters) == 0 {
		t.Fatalf("%d clusters; Run: %d", len(got.Clusters), len(want.Clusters))
	}
	for i := range got.Clusters {
		g, w := got.Clusters[i].Members, want.Clusters[i].Members
		if !slices.EqualFunc(g, w, func(a, b cluster.Member) bool { return a.Doc == b.Doc && a.Match == b.Match }) {
			t.Errorf("cluster %d: %+v; Run: %+v", i+1, g, w)
		}
	}
}

// TestEvidenceCodecKeepsVerdicts: evidence written and read back with
// cluster's binary encoding (a state on disk, a distributed pipeline's
// elements) checks every pair of real articles exactly as the original.
func TestEvidenceCodecKeepsVerdicts(t *testing.T) {
	cfg := testConfig(t)
	res, err := dedup.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	var buf []byte
	for i := range res.Evidence {
		buf = cluster.AppendEvidence(buf, &res.Evidence[i])
	}
	back := make([]cluster.Evidence, len(res.Evidence))
	shorts := 0
	for i := range back {
		back[i], buf, err = cluster.DecodeEvidence(buf)
		if err != nil {
			t.Fatal(err)
		}
		if back[i].Short != nil && back[i].Short.About != nil {
			shorts++
		}
	}
	if shorts == 0 {
		t.Fatal("no article with subject evidence: the test looks at nothing")
	}
	verified := 0
	for a := range back {
		for b := a + 1; b < len(back); b++ {
			want := res.Rules.Check(&res.Evidence[a], &res.Evidence[b])
			if got := res.Rules.Check(&back[a], &back[b]); got != want {
				t.Fatalf("%s, %s: decoded %+v, original %+v", res.Docs[a].ID, res.Docs[b].ID, got, want)
			}
			if want.Verified {
				verified++
			}
		}
	}
	if verified == 0 {
		t.Fatal("no verified pair")
	}
}

// NotHeadline: a title most of whose words the text never uses is page
// furniture, not the story's headline; a real headline, a title-only
// flash, an untitled article and character shingles say nothing.
func TestNotHeadline(t *testing.T) {
	text := "President Trump arrived in Helsinki on Sunday for his first summit with Vladimir Putin, " +
		"after a week in which he called the European Union a foe and the news media the enemy of the people. " +
		"The two leaders meet at the presidential palace on Monday, first alone, then with their aides."
	for _, c := range []struct {
		title, body string
		char        bool
		want        bool
	}{
		{"The Boston Globe", text, false, true},
		{"Enter City and State or Zip Code", text, false, true},
		{"Sunday, Jul 15th 2018 5-Day Forecast", text, false, true},
		{"Trump arrives in Helsinki for Putin summit", text, false, false},
		{"Putin and Trump meet at the palace", text, false, false},
		{"The Boston Globe", "", false, false}, // a flash: its title is its text
		{"", text, false, false},
		{"The Boston Globe", text, true, false}, // character shingles: no words
	} {
		cfg := testConfig(t)
		if c.char {
			cfg.Shingle = shingle.Options{Kind: shingle.Char, N: 5}
		}
		s := dedup.NewArticleSigner(cfg).Sign(&corpus.Document{ID: "x", Title: c.title, Body: c.body})
		if s.Evidence.NotHeadline != c.want {
			t.Errorf("title %q (text %d bytes, char %v): NotHeadline %v, want %v", c.title, len(c.body), c.char, s.Evidence.NotHeadline, c.want)
		}
	}
}
