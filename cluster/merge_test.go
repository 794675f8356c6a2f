package cluster_test

import (
	"math/rand/v2"
	"testing"

	"github.com/neardup/neardup/cluster"
)

// TestCountsMergeEqualsWhole: counting a corpus in three parts, encoding,
// decoding and merging the parts gives the counts of the whole: every
// word's rarity and every sentence's furniture verdict agree, also where
// the furniture counters saturate.
func TestCountsMergeEqualsWhole(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	whole, wholeF := cluster.NewVocabulary(), cluster.NewFurniture(3)
	parts := []*cluster.Vocabulary{cluster.NewVocabulary(), cluster.NewVocabulary(), cluster.NewVocabulary()}
	partsF := []*cluster.Furniture{cluster.NewFurniture(3), cluster.NewFurniture(3), cluster.NewFurniture(3)}
	common := uint32(12345)
	for d := range 3000 {
		var words []uint64
		for range 5 {
			words = append(words, uint64(rng.IntN(4000)))
		}
		sentences := []uint32{uint32(rng.IntN(500)), 1000 + common} // one sentence in every article
		whole.Add(words)
		wholeF.Add(sentences)
		parts[d%3].Add(words)
		partsF[d%3].Add(sentences)
	}
	for i := 0; i < 70000; i++ { // saturate one counter: 65535 at most
		wholeF.Add([]uint32{7})
		partsF[i%3].Add([]uint32{7})
	}
	merged, mergedF := cluster.NewVocabulary(), cluster.NewFurniture(3)
	for i := range parts {
		b, _ := parts[i].AppendBinary(nil)
		v, err := cluster.DecodeVocabulary(b)
		if err != nil {
			t.Fatal(err)
		}
		merged.Merge(v)
		b, _ = partsF[i].AppendBinary(nil)
		f, err := cluster.DecodeFurniture(b)
		if err != nil {
			t.Fatal(err)
		}
		if f.Min != 3 {
			t.Fatalf("decoded Min %d, want 3", f.Min)
		}
		mergedF.Merge(f)
	}
	rare := 0
	for w := range uint64(4000) {
		for _, share := range []float64{0.0005, 0.001, 0.002} {
			if got, want := merged.Rare(w, share), whole.Rare(w, share); got != want {
				t.Fatalf("word %d at %v: merged rare %v, whole %v", w, share, got, want)
			} else if want {
				rare++
			}
		}
	}
	if rare == 0 {
		t.Fatal("no rare word: the shares test nothing")
	}
	for s := range uint32(2000) {
		if mergedF.Is(s) != wholeF.Is(s) {
			t.Fatalf("sentence %d: merged furniture %v, whole %v", s, mergedF.Is(s), wholeF.Is(s))
		}
	}
	if !mergedF.Is(1000+common) || !mergedF.Is(7) {
		t.Fatal("the common sentences are not furniture")
	}
	a, _ := merged.AppendBinary(nil)
	b, _ := whole.AppendBinary(nil)
	if string(a) != string(b) {
		t.Error("merged vocabulary encodes differently from the whole's")
	}
	a, _ = mergedF.AppendBinary(nil)
	b, _ = wholeF.AppendBinary(nil)
	if string(a) != string(b) {
		t.Error("merged furniture encodes differently from the whole's (saturation?)")
	}
	for _, bad := range [][]byte{nil, {1, 0, 1}, {1, 1, 0}, {1, 0xff, 0xff, 0xff, 0x7f, 1}} {
		if _, err := cluster.DecodeVocabulary(bad); err == nil {
			t.Errorf("DecodeVocabulary(%v): no error", bad)
		}
	}
	if _, err := cluster.DecodeFurniture([]byte{3, 1, 0xff, 0xff, 0x7f}); err == nil {
		t.Error("DecodeFurniture: a count over 16 bits decoded")
	}
}
