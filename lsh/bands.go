package lsh

// The banding of Index, one band and one bucket at a time, for pipelines
// that group band keys themselves (a distributed runner's GroupByKey):
// BandKeys gives the keys Index sorts by, and BucketPairs the pairs Index
// takes from one bucket, with the same MaxBucket bound. The union over
// every band of BucketPairs over the buckets of equal keys, each bucket in
// document order, is what Index.Candidates returns (a test checks it).

// BandKeys appends to dst[:0] the key of each of p.Bands bands of sig, a
// signature of p.Hashes values, and returns it. Equal keys of one band put
// two documents in one bucket; keys of different bands never meet (pair
// them with the band's number).
func BandKeys(p Params, sig []uint16, dst []uint32) []uint32 {
	dst = dst[:0]
	for band := range p.Bands {
		dst = append(dst, uint32(bandKey(band, sig[band*p.Rows:(band+1)*p.Rows])>>32))
	}
	return dst
}

// BucketPairs calls pair(i, j), i < j, for the pairs Index takes from a
// bucket of n documents, numbered 0 to n−1 in document order: every pair,
// or, in a bucket of more than MaxBucket, each document with the first
// StarPairs.
func BucketPairs(n int, pair func(i, j int)) {
	partners := n
	if n > MaxBucket {
		partners = StarPairs
	}
	for j := range n {
		for i := range min(j, partners) {
			pair(i, j)
		}
	}
}
