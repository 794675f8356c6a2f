package pipeline

import (
	"fmt"
	"slices"

	"github.com/neardup/neardup/cluster"
	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/lsh"
)

// bandsFn keys an article by each of its bands (band number high, key
// low), as lsh.Index sorts them; articles without shingles take no part.
type bandsFn struct {
	Params lsh.Params
	keys   []uint32
}

func (f *bandsFn) ProcessElement(a Article, emit func(uint64, uint64)) error {
	if a.Shingles == 0 {
		return nil
	}
	ev, _, err := cluster.DecodeEvidence(a.Evidence)
	if err != nil {
		return fmt.Errorf("article %q: %w", a.ID, err)
	}
	f.keys = lsh.BandKeys(f.Params, ev.Signature, f.keys)
	for band, k := range f.keys {
		emit(uint64(band)<<32|uint64(k), a.Key)
	}
	return nil
}

// bucketPairs pairs the articles of one band bucket, in input order, as
// lsh.Index does (lsh.BucketPairs: a bucket over lsh.MaxBucket pairs each
// with its first lsh.StarPairs only). A pair found in several bands comes
// several times: halvesFn counts it once.
func bucketPairs(_ uint64, keys func(*uint64) bool, emit func(uint64, uint64)) {
	var docs []uint64
	var k uint64
	for keys(&k) {
		docs = append(docs, k)
	}
	if len(docs) < 2 {
		return
	}
	slices.Sort(docs)
	lsh.BucketPairs(len(docs), func(i, j int) { emit(docs[i], docs[j]) })
}

// evidenceByKey keys the evidence of an article with shingles by its key.
func evidenceByKey(a Article, emit func(uint64, []byte)) {
	if a.Shingles > 0 {
		emit(a.Key, a.Evidence)
	}
}

// halvesFn joins each candidate pair's first article with its evidence
// and sends it to the second: each distinct pair once.
func halvesFn(a uint64, evs func(*[]byte) bool, partners func(*uint64) bool, emit func(uint64, Half)) {
	var ev []byte
	if !evs(&ev) {
		return
	}
	var bs []uint64
	var b uint64
	for partners(&b) {
		bs = append(bs, b)
	}
	slices.Sort(bs)
	for _, b := range slices.Compact(bs) {
		emit(b, Half{A: a, Evidence: ev})
	}
}

// checkFn verifies each candidate pair at its second article with the
// run's rules (cluster.Rules.Check, as dedup.Cluster calls it: the earlier
// article first), the corpus counts a side input; it emits the verified
// pairs.
type checkFn struct {
	Rules cluster.Rules
	rules *cluster.Rules // with the counts, once read
}

func (f *checkFn) ProcessElement(b uint64, evs func(*[]byte) bool, halves func(*Half) bool, counts func(*[]byte) bool, emit func(Edge)) error {
	rules, err := withCounts(&f.rules, f.Rules, counts)
	if err != nil {
		return err
	}
	var enc []byte
	if !evs(&enc) {
		return nil
	}
	evB, _, err := cluster.DecodeEvidence(enc)
	if err != nil {
		return err
	}
	var h Half
	for halves(&h) {
		evA, _, err := cluster.DecodeEvidence(h.Evidence)
		if err != nil {
			return err
		}
		if rules.Check(&evA, &evB).Verified {
			emit(Edge{A: h.A, B: b})
		}
	}
	return nil
}

// withCounts returns the rules with the corpus counts of the side input
// set (dedup.CorpusCounts.Rules), decoded once into *cache.
func withCounts(cache **cluster.Rules, rules cluster.Rules, counts func(*[]byte) bool) (*cluster.Rules, error) {
	if *cache != nil {
		return *cache, nil
	}
	var enc []byte
	if !counts(&enc) {
		return nil, fmt.Errorf("pipeline: no corpus counts")
	}
	c, err := dedup.DecodeCorpusCounts(enc)
	if err != nil {
		return nil, err
	}
	r := c.Rules(rules)
	*cache = &r
	return *cache, nil
}

// countsFn adds up the corpus counts (dedup.CorpusCounts) of all articles.
type countsFn struct {
	Rules cluster.Rules
}

func (f *countsFn) CreateAccumulator() *dedup.CorpusCounts { return dedup.NewCorpusCounts(f.Rules) }

func (f *countsFn) AddInput(c *dedup.CorpusCounts, a Article) (*dedup.CorpusCounts, error) {
	if a.Shingles == 0 {
		return c, nil // no Short evidence: nothing counted
	}
	ev, _, err := cluster.DecodeEvidence(a.Evidence)
	if err != nil {
		return nil, err
	}
	c.Add(&dedup.Signed{Evidence: ev, Words: a.Words})
	return c, nil
}

func (f *countsFn) MergeAccumulators(a, b *dedup.CorpusCounts) *dedup.CorpusCounts {
	a.Merge(b)
	return a
}

func (f *countsFn) ExtractOutput(c *dedup.CorpusCounts) ([]byte, error) { return c.AppendBinary(nil) }

func encodeCounts(c *dedup.CorpusCounts) ([]byte, error) { return c.AppendBinary(nil) }
func decodeCounts(b []byte) (*dedup.CorpusCounts, error) { return dedup.DecodeCorpusCounts(b) }
