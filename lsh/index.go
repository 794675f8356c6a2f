package lsh

import (
	"slices"
	"sync"
)

// Bounds on a band bucket: a bucket of more than MaxBucket documents pairs
// each document with the bucket's first StarPairs documents (in document
// order) only. True copies of one story still meet through those first
// documents and union-find; a band shared by thousands of templated or
// boilerplate articles costs n·StarPairs pairs instead of n²/2.
const (
	MaxBucket = 256
	StarPairs = 8
)

// Index collects signatures and finds the pairs that share at least one
// band. Not safe for concurrent Add.
type Index struct {
	p    Params
	ids  []int32
	sigs [][]uint16
}

// NewIndex returns an empty index for p.
func NewIndex(p Params) *Index { return &Index{p: p} }

// Add stores the signature of document id (0 ≤ id < 2^31). The index keeps
// sig: do not modify it afterwards.
func (x *Index) Add(id int, sig []uint16) {
	x.ids = append(x.ids, int32(id))
	x.sigs = append(x.sigs, sig)
}

type record struct {
	key uint64
	doc int32
}

// bandKey hashes one band of a signature to 64 bits.
func bandKey(band int, values []uint16) uint64 {
	h := splitmix(uint64(band) + 0x243f6a8885a308d3)
	for _, v := range values {
		h = splitmix(h ^ uint64(v))
	}
	return h
}

// Candidates returns every pair of added documents that share a band,
// sorted by A then B, each once. It works on up to workers bands at a time
// and calls progress (if not nil) with the number of bands done since its
// last call. Call it once, after the last Add.
func (x *Index) Candidates(workers int, progress func(bands int)) []Pair {
	workers = max(1, min(workers, x.p.Bands))
	next := make(chan int)
	found := make([][]Pair, x.p.Bands)
	var wg sync.WaitGroup
	var mu sync.Mutex
	for range workers {
		wg.Go(func() {
			recs := make([]record, len(x.ids))
			for band := range next {
				found[band] = x.band(band, recs, nil)
				if progress != nil {
					mu.Lock()
					progress(1)
					mu.Unlock()
				}
			}
		})
	}
	for band := range x.p.Bands {
		next <- band
	}
	close(next)
	wg.Wait()
	pairs := slices.Concat(found...)
	slices.SortFunc(pairs, comparePairs)
	return slices.Compact(pairs)
}

// band appends the candidate pairs of one band to out, using recs as
// scratch space.
func (x *Index) band(band int, recs []record, out []Pair) []Pair {
	r := x.p.Rows
	for i, sig := range x.sigs {
		recs[i] = record{key: bandKey(band, sig[band*r:(band+1)*r]), doc: x.ids[i]}
	}
	slices.SortFunc(recs, func(a, b record) int {
		switch {
		case a.key < b.key:
			return -1
		case a.key > b.key:
			return 1
		}
		return int(a.doc - b.doc)
	})
	for lo := 0; lo < len(recs); {
		hi := lo + 1
		for hi < len(recs) && recs[hi].key == recs[lo].key {
			hi++
		}
		bucket := recs[lo:hi]
		partners := len(bucket)
		if partners > MaxBucket {
			partners = StarPairs
		}
		for i := range bucket {
			for j := range min(i, partners) {
				out = append(out, Pair{int(bucket[j].doc), int(bucket[i].doc)})
			}
		}
		lo = hi
	}
	return out
}
