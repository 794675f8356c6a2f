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
	p         Params
	ids       []int32
	sigs      [][]uint16
	unordered bool // ids were not added in increasing order
}

// NewIndex returns an empty index for p, with room for n signatures
// (more may be added).
func NewIndex(p Params, n int) *Index {
	return &Index{p: p, ids: make([]int32, 0, n), sigs: make([][]uint16, 0, n)}
}

// Add stores the signature of document id (0 ≤ id < 2^31). The index keeps
// sig: do not modify it afterwards. Candidates is quickest when ids come in
// increasing order.
func (x *Index) Add(id int, sig []uint16) {
	if n := len(x.ids); n > 0 && int32(id) <= x.ids[n-1] {
		x.unordered = true
	}
	x.ids = append(x.ids, int32(id))
	x.sigs = append(x.sigs, sig)
}

// A band record is the band's key in the high 32 bits and the document in
// the low 32: sorting records sorts by key, then by document.
//
// A band of up to two 16-bit values is its key exactly (the default, 28
// bands × 2 rows). Wider bands are hashed to 32 bits: two different bands
// then share a key with probability 2⁻³², which can only add a candidate
// pair, and verification rejects it.
func bandKey(band int, values []uint16) uint64 {
	var k uint64
	if len(values) <= 2 {
		for _, v := range values {
			k = k<<16 | uint64(v)
		}
		return k << 32
	}
	h := splitmix(uint64(band) + 0x243f6a8885a308d3)
	for _, v := range values {
		h = splitmix(h ^ uint64(v))
	}
	return h &^ (1<<32 - 1)
}

// Candidates returns every pair of added documents that share a band,
// sorted by A then B, each once. It works on up to workers bands at a time
// and calls progress (if not nil) with the number of bands done since its
// last call. Call it once, after the last Add.
//
// Each worker keeps the union of its bands' pairs, sorted: a pair found in
// many bands (true copies share most) is stored once, not once per band.
func (x *Index) Candidates(workers int, progress func(bands int)) []Pair {
	var mu sync.Mutex
	return overBands(x.p.Bands, workers, func() func(band int) []uint64 {
		recs := make([]uint64, len(x.ids))
		tmp := make([]uint64, len(x.ids))
		var pairs, pairsTmp []uint64
		return func(band int) []uint64 {
			pairs = x.band(band, recs, tmp, pairs[:0])
			if cap(pairsTmp) < len(pairs) {
				pairsTmp = make([]uint64, len(pairs))
			}
			sorted := radixSort(pairs, pairsTmp[:len(pairs)], 0)
			if progress != nil {
				mu.Lock()
				progress(1)
				mu.Unlock()
			}
			return sorted
		}
	})
}

// overBands hands the bands to up to workers goroutines, each with the
// band function worker makes for it (its own scratch space), which
// returns a band's pairs (A<<32 | B) sorted and duplicate-free; each
// goroutine keeps the union of its bands' pairs, and the union of those is
// returned as Pairs, sorted by A then B — the same for every worker count.
func overBands(bands, workers int, worker func() func(band int) []uint64) []Pair {
	workers = max(1, min(workers, bands))
	next := make(chan int)
	found := make([][]uint64, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			band := worker()
			var acc, spare []uint64
			for b := range next {
				spare = union(spare[:0], acc, band(b))
				acc, spare = spare, acc
			}
			found[w] = acc
		})
	}
	for b := range bands {
		next <- b
	}
	close(next)
	wg.Wait()
	all := found[0]
	for _, f := range found[1:] {
		all = union(nil, all, f)
	}
	pairs := make([]Pair, len(all))
	for i, p := range all {
		pairs[i] = Pair{A: int(p >> 32), B: int(uint32(p))}
	}
	return pairs
}

// union appends to out the union of a and b, which are sorted and
// duplicate-free, and returns it: sorted and duplicate-free.
func union(out, a, b []uint64) []uint64 {
	out = slices.Grow(out, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			out = append(out, a[i])
			i++
		case a[i] > b[j]:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}

// band appends to out the candidate pairs of one band, each as A<<32 | B
// (A < B, each once), using recs and tmp (one per document) as scratch
// space.
func (x *Index) band(band int, recs, tmp []uint64, out []uint64) []uint64 {
	r := x.p.Rows
	for i, sig := range x.sigs {
		recs[i] = bandKey(band, sig[band*r:(band+1)*r]) | uint64(uint32(x.ids[i]))
	}
	// With documents added in increasing order, the sort being stable,
	// sorting by key alone sorts by key, then document.
	from := 32
	if x.unordered {
		from = 0
	}
	recs = radixSort(recs, tmp, from)
	const doc = 1<<32 - 1
	for lo := 0; lo < len(recs); {
		hi := lo + 1
		for hi < len(recs) && recs[hi]>>32 == recs[lo]>>32 {
			hi++
		}
		bucket := recs[lo:hi]
		partners := len(bucket)
		if partners > MaxBucket {
			partners = StarPairs
		}
		for i := range bucket {
			for j := range min(i, partners) {
				out = append(out, bucket[j]<<32|bucket[i]&doc)
			}
		}
		lo = hi
	}
	return out
}

// radixSort sorts a by its bits from the bit from (a multiple of 8) upward, stably, with tmp
// (as long as a) as scratch, and returns the sorted slice: a or tmp. It
// passes over the data once per byte, and skips the bytes that are the
// same in every element.
func radixSort(a, tmp []uint64, from int) []uint64 {
	if len(a) < 2 {
		return a
	}
	var counts [8][256]int
	for _, v := range a {
		for b := from / 8; b < 8; b++ {
			counts[b][byte(v>>(8*b))]++
		}
	}
	for b := from / 8; b < 8; b++ {
		c := &counts[b]
		shift := 8 * b
		if c[byte(a[0]>>shift)] == len(a) {
			continue // one value for this byte: nothing to move
		}
		sum := 0
		for d, n := range c {
			c[d] = sum
			sum += n
		}
		for _, v := range a {
			d := byte(v >> shift)
			tmp[c[d]] = v
			c[d]++
		}
		a, tmp = tmp, a
	}
	return a
}
