package dedup_test

import (
	"context"
	"slices"
	"testing"

	"github.com/spf13/pflag"

	"github.com/neardup/neardup/cluster"
	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/internal/matchflags"
)

// TestCorpusCountsMergedInParts: counts added in three parts, each encoded,
// decoded and merged, give the clusters Run gives (the subject and
// furniture tests read them); and the encoding survives a round trip.
func TestCorpusCountsMergedInParts(t *testing.T) {
	var o matchflags.Options
	o.AddFlags(pflag.NewFlagSet("test", pflag.ContinueOnError))
	o.Furniture = 2 // so that the furniture counts are read on these small corpora
	cfg, err := o.Config("test", []string{"../testdata/briefs", "../testdata/wire"})
	if err != nil {
		t.Fatal(err)
	}
	rules, params := cfg.Rules, cfg.LSH
	want, err := dedup.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	parts := []*dedup.CorpusCounts{dedup.NewCorpusCounts(rules), dedup.NewCorpusCounts(rules), dedup.NewCorpusCounts(rules)}
	var docs []dedup.Doc
	var evidence []cluster.Evidence
	signer := dedup.NewArticleSigner(cfg)
	opts := cfg.Corpus
	_, err = corpus.ReadProcessed(context.Background(), cfg.Inputs, nil, opts,
		func(_ int, d *corpus.Document) dedup.Signed { return signer.Sign(d) },
		func(d corpus.Document, s dedup.Signed) error {
			parts[len(docs)%3].Add(&s)
			docs = append(docs, dedup.Doc{ID: d.ID, Title: d.Title, Published: d.Published, Length: s.Length, Shingles: s.Evidence.Shingles})
			evidence = append(evidence, s.Evidence)
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	merged := dedup.NewCorpusCounts(rules)
	for _, p := range parts {
		b, _ := p.AppendBinary(nil)
		c, err := dedup.DecodeCorpusCounts(b)
		if err != nil {
			t.Fatal(err)
		}
		merged.Merge(c)
	}
	got := dedup.Cluster(docs, evidence, merged.Rules(rules), dedup.Candidates(params, evidence, 1, nil), true)
	if len(got.Clusters) == 0 || len(got.Clusters) != len(want.Clusters) || got.Verified != want.Verified {
		t.Fatalf("%d clusters, %d verified; Run: %d, %d", len(got.Clusters), got.Verified, len(want.Clusters), want.Verified)
	}
	for i := range got.Clusters {
		if !slices.Equal(got.Clusters[i].Members, want.Clusters[i].Members) {
			t.Errorf("cluster %d: %+v; Run: %+v", i+1, got.Clusters[i].Members, want.Clusters[i].Members)
		}
	}
	a, _ := merged.AppendBinary(nil)
	c, err := dedup.DecodeCorpusCounts(a)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := c.AppendBinary(nil); string(a) != string(b) {
		t.Error("counts changed in a round trip")
	}
	for _, bad := range [][]byte{nil, {4}, {1}, {1, 9, 0}, append(slices.Clone(a), 0)} {
		if _, err := dedup.DecodeCorpusCounts(bad); err == nil {
			t.Errorf("DecodeCorpusCounts(% x…): no error", bad[:min(len(bad), 4)])
		}
	}
}
