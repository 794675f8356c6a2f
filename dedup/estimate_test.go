package dedup_test

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neardup/neardup/dedup"
)

// writeCorpus writes n generated articles of about words words each as
// JSONL (with a blank line every tenth record, which is not an article)
// or, with csv, as CSV with a header; gz compresses it.
func writeCorpus(t *testing.T, path string, n, words int, csv, gz bool) {
	t.Helper()
	r := rand.New(rand.NewPCG(1, uint64(n)))
	var b strings.Builder
	if csv {
		b.WriteString("id,title,text\n")
	}
	vocab := strings.Fields("the minister said on monday that talks with the union over pay would resume next week after a strike closed ports and rail lines across the north")
	for i := range n {
		var text strings.Builder
		for w := range words + r.IntN(words) {
			if w > 0 {
				text.WriteByte(' ')
			}
			fmt.Fprintf(&text, "%s%d", vocab[r.IntN(len(vocab))], r.IntN(50))
		}
		if csv {
			fmt.Fprintf(&b, "a%d,Title %d,%s\n", i, i, text.String())
			continue
		}
		rec, _ := json.Marshal(map[string]string{"id": fmt.Sprint("a", i), "title": fmt.Sprint("Title ", i), "text": text.String()})
		b.Write(rec)
		b.WriteByte('\n')
		if i%10 == 9 {
			b.WriteByte('\n')
		}
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if gz {
		z := gzip.NewWriter(f)
		z.Write([]byte(b.String()))
		if err := z.Close(); err != nil {
			t.Fatal(err)
		}
		return
	}
	f.WriteString(b.String())
}

// TestEstimateMemoryArticles: the estimate counts the articles of each
// format, exactly when the sample is the whole input and within a few
// per cent when it is windows of a larger file or the start of a
// compressed one.
func TestEstimateMemoryArticles(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name         string
		n, words     int
		csv, gz      bool
		whole        bool
		within       float64
		inputs       []string
		wantArticles int
	}{
		{name: "wire", inputs: []string{"../testdata/wire"}, whole: true, wantArticles: 8},
		{name: "small.jsonl", n: 300, words: 40, whole: true},
		{name: "small.csv", n: 300, words: 40, csv: true, whole: true},
		{name: "small.jsonl.gz", n: 300, words: 40, gz: true, whole: true},
		{name: "large.jsonl", n: 30000, words: 20, within: 0.05},
		{name: "large.csv", n: 30000, words: 20, csv: true, within: 0.05},
		{name: "large.jsonl.gz", n: 30000, words: 20, gz: true, within: 0.05},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := testConfig(t)
			cfg.Inputs = c.inputs
			want := c.wantArticles
			if cfg.Inputs == nil {
				path := filepath.Join(dir, c.name)
				writeCorpus(t, path, c.n, c.words, c.csv, c.gz)
				cfg.Inputs, want = []string{path}, c.n
			}
			est, err := dedup.EstimateMemory(context.Background(), cfg, 0)
			if err != nil {
				t.Fatal(err)
			}
			if est.Whole != c.whole {
				t.Errorf("Whole = %v, want %v (sampled %d)", est.Whole, c.whole, est.Sampled)
			}
			if c.whole && est.Articles != want || !c.whole && (float64(est.Articles) < (1-c.within)*float64(want) || float64(est.Articles) > (1+c.within)*float64(want)) {
				t.Errorf("Articles = %d, want %d (within %.0f %%)", est.Articles, want, 100*c.within)
			}
			if !c.whole && est.Sampled >= want*3/4 {
				t.Errorf("sampled %d of %d articles: the sample should be small", est.Sampled, want)
			}
			if est.PerArticle <= 256 { // the signature alone is 256 bytes
				t.Errorf("PerArticle = %d, want more than the signature", est.PerArticle)
			}
			if !c.whole {
				return
			}
			res, err := dedup.Run(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Docs) != want {
				t.Fatalf("the run read %d articles, the corpus has %d", len(res.Docs), want)
			}
		})
	}
}

// TestEstimateMemoryGrows: the estimate is deterministic, does not depend
// on the worker count, grows with the input and with what a state holds,
// and a stream has none.
func TestEstimateMemoryGrows(t *testing.T) {
	dir := t.TempDir()
	small, large := filepath.Join(dir, "small.jsonl"), filepath.Join(dir, "large.jsonl")
	writeCorpus(t, small, 2000, 60, false, false)
	writeCorpus(t, large, 20000, 60, false, false)
	estimate := func(input string, workers, stored int) dedup.Estimate {
		t.Helper()
		cfg := testConfig(t)
		cfg.Inputs, cfg.Workers = []string{input}, workers
		est, err := dedup.EstimateMemory(context.Background(), cfg, stored)
		if err != nil {
			t.Fatal(err)
		}
		return est
	}
	a := estimate(large, 1, 0)
	if b := estimate(large, 2, 0); a != b {
		t.Errorf("estimates differ with the worker count: %+v and %+v", a, b)
	}
	if s := estimate(small, 2, 0); s.Peak >= a.Peak || s.Articles >= a.Articles {
		t.Errorf("2,000 articles estimated at %+v, 20,000 at %+v", s, a)
	}
	st := estimate(large, 2, 100000)
	if st.Stored != 100000 || st.Peak-a.Peak < 100000*1000 {
		t.Errorf("100,000 stored articles add %d bytes: %+v", st.Peak-a.Peak, st)
	}
	cfg := testConfig(t)
	cfg.Inputs = []string{"-"}
	if _, err := dedup.EstimateMemory(context.Background(), cfg, 0); !errors.Is(err, dedup.ErrNoEstimate) {
		t.Errorf("standard input: err %v, want ErrNoEstimate", err)
	}
	cfg.Inputs = []string{filepath.Join(dir, "missing.jsonl")}
	if _, err := dedup.EstimateMemory(context.Background(), cfg, 0); err == nil {
		t.Error("a missing input gave an estimate")
	}
}
