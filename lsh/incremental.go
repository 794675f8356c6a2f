package lsh

import (
	"math/bits"
	"slices"
	"sync"
)

// CandidatesAgainst finds, among old documents already matched with each
// other and new ones, the pairs Candidates would give over all of them
// that involve a new document: exactly those, bucket bounds included.
// Documents are numbered as one index would number them: old[i] is
// document i, new[j] document len(old)+j. A nil signature takes no part.
// It never builds an index of the old documents: each band looks their
// keys up in a table of the new documents' keys, so that the work grows
// with the old documents' number only by one lookup per band each.
// The pairs are sorted by A then B, each once, the same for every worker
// count.
func CandidatesAgainst(p Params, old, new [][]uint16, workers int) []Pair {
	keys, signed := oldKeys(p, old, workers)
	return overBands(p.Bands, workers, func() func(band int) []uint64 {
		var b againstBand
		return func(band int) []uint64 {
			return b.pairs(p, band, keys[band*len(old):(band+1)*len(old)], signed, new)
		}
	})
}

// oldKeys are the old documents' band keys, band by band (band b's keys
// are keys[b×len(old):(b+1)×len(old)]), and a bit per document with a
// signature. Each band's pass then reads 4 bytes a document, in order,
// instead of a cache line of its signature: the passes were bound by
// memory. Made by workers goroutines, each over a run of documents.
func oldKeys(p Params, old [][]uint16, workers int) (keys []uint32, signed []uint64) {
	n := len(old)
	keys = make([]uint32, p.Bands*n)
	signed = make([]uint64, (n+63)/64)
	workers = max(1, workers)
	chunk := (n/workers + 63) &^ 63 // whole words of signed to each
	var wg sync.WaitGroup
	for lo := 0; lo < n; lo += max(chunk, 64) {
		hi := min(lo+max(chunk, 64), n)
		wg.Go(func() {
			// A block of documents at a time, its keys band by band in
			// a buffer that stays in cache, then copied out: writing
			// each document's keys straight to their bands would touch
			// a page per band for every document.
			const block = 256
			buf := make([]uint32, p.Bands*block)
			r := p.Rows
			for b0 := lo; b0 < hi; b0 += block {
				b1 := min(b0+block, hi)
				clear(buf)
				for i := b0; i < b1; i++ {
					sig := old[i]
					if sig == nil {
						continue
					}
					signed[i>>6] |= 1 << (i & 63)
					at := i - b0
					for band := range p.Bands {
						var k uint64
						if r == 2 { // the default banding, bandKey inlined
							k = uint64(sig[2*band])<<16 | uint64(sig[2*band+1])
						} else {
							k = bandKey(band, sig[band*r:(band+1)*r]) >> 32
						}
						buf[band*block+at] = uint32(k)
					}
				}
				for band := range p.Bands {
					copy(keys[band*n+b0:band*n+b1], buf[band*block:band*block+b1-b0])
				}
			}
		})
	}
	wg.Wait()
	return keys, signed
}

// againstBand is one worker's scratch space for CandidatesAgainst.
type againstBand struct {
	news, oldRecs, tmp, out, outTmp []uint64
	slots                           []uint64 // open addressing: key<<32 | group+1; 0 empty
	groups                          []group
	seen                            []uint64 // a bit per value of a key's low bits: most old keys are no new one's
}

// group is the new documents of one key: news[lo:hi], and how many old
// documents share the key.
type group struct{ lo, hi, old int32 }

// pairs returns the sorted candidate pairs of one band that involve a new
// document; keys are the old documents' keys in the band, signed marks
// those with a signature.
func (b *againstBand) pairs(p Params, band int, keys []uint32, signed []uint64, new [][]uint16) []uint64 {
	r := p.Rows
	nOld := len(keys)
	b.news = b.news[:0]
	for j, sig := range new {
		if sig != nil {
			b.news = append(b.news, bandKey(band, sig[band*r:(band+1)*r])|uint64(nOld+j))
		}
	}
	if len(b.news) == 0 {
		return nil
	}
	b.tmp = slices.Grow(b.tmp[:0], len(b.news))[:len(b.news)]
	news := radixSort(b.news, b.tmp, 32) // added in order: by key, then document
	if &news[0] == &b.tmp[0] {
		b.news, b.tmp = b.tmp, b.news // the scratch below must not be news
	}

	// The table of new keys, at most half full.
	b.groups = b.groups[:0]
	size := 1 << bits.Len(uint(2*len(news)))
	b.slots = slices.Grow(b.slots[:0], size)[:size]
	clear(b.slots)
	mask := uint64(size - 1)
	// A filter of the new keys' low bits, 8 to 32 times their number,
	// answers most lookups of old keys from cache.
	fbits := min(32, max(16, bits.Len(uint(len(news)))+5))
	b.seen = slices.Grow(b.seen[:0], 1<<(fbits-6))[:1<<(fbits-6)]
	clear(b.seen)
	for _, v := range news {
		k := mixKey(v>>32) >> (64 - fbits)
		b.seen[k>>6] |= 1 << (k & 63)
	}
	for lo := 0; lo < len(news); {
		hi := lo + 1
		for hi < len(news) && news[hi]>>32 == news[lo]>>32 {
			hi++
		}
		key := news[lo] >> 32
		b.groups = append(b.groups, group{lo: int32(lo), hi: int32(hi)})
		for s := mixKey(key) >> 32 & mask; ; s = (s + 1) & mask {
			if b.slots[s] == 0 {
				b.slots[s] = key<<32 | uint64(len(b.groups))
				break
			}
		}
		lo = hi
	}
	find := func(key, h uint64) int {
		for s := h >> 32 & mask; ; s = (s + 1) & mask {
			switch v := b.slots[s]; {
			case v == 0:
				return -1
			case v>>32 == key:
				return int(uint32(v)) - 1
			}
		}
	}

	// The old documents that share a key with a new one, in document order.
	b.oldRecs = b.oldRecs[:0]
	for i, k32 := range keys {
		key := uint64(k32)
		h := mixKey(key)
		if f := h >> (64 - fbits); b.seen[f>>6]&(1<<(f&63)) == 0 || signed[i>>6]&(1<<(i&63)) == 0 {
			continue
		}
		if g := find(key, h); g >= 0 {
			b.groups[g].old++
			b.oldRecs = append(b.oldRecs, key<<32|uint64(i))
		}
	}
	b.tmp = slices.Grow(b.tmp[:0], len(b.oldRecs))[:len(b.oldRecs)]
	olds := radixSort(b.oldRecs, b.tmp, 32)

	// Each bucket is its old documents, then its new ones, as in one
	// index; pairs are made as Index.band makes them, keeping those whose
	// later document is new.
	const doc = 1<<32 - 1
	b.out = b.out[:0]
	oi := 0
	var bucket []uint64
	for _, g := range b.groups {
		bucket = append(bucket[:0], olds[oi:oi+int(g.old)]...)
		oi += int(g.old)
		bucket = append(bucket, news[g.lo:g.hi]...)
		partners := len(bucket)
		if partners > MaxBucket {
			partners = StarPairs
		}
		for i := int(g.old); i < len(bucket); i++ {
			for j := range min(i, partners) {
				b.out = append(b.out, bucket[j]<<32|bucket[i]&doc)
			}
		}
	}
	b.outTmp = slices.Grow(b.outTmp[:0], len(b.out))[:len(b.out)]
	sorted := radixSort(b.out, b.outTmp, 0)
	return slices.Compact(sorted)
}

// mixKey spreads a band key's bits for the filter (the top bits) and the
// table (bits from 32 up): one multiplication (Fibonacci hashing), cheaper
// than splitmix on the one lookup per old document and band.
func mixKey(key uint64) uint64 { return (key + 1) * 0x9e3779b97f4a7c15 }
