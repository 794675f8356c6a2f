package state

import (
	"fmt"
	"slices"
)

// Test-only helpers over the segment format: what a run does through
// Commit and the mapped reader, done in one call.

// encodeSegment is a segment file holding arts (for tests), signatures of
// the first signed article's length.
func encodeSegment(arts []Article) ([]byte, error) {
	hashes := 0
	for i := range arts {
		if n := len(arts[i].Evidence.Signature); n > 0 {
			hashes = n
			break
		}
	}
	g := newSegment(len(arts), hashes)
	for i := range arts {
		if err := g.add(&arts[i]); err != nil {
			return nil, err
		}
	}
	return slices.Concat(g.file()...), nil
}

// decodeSegment reads a segment file's articles.
func decodeSegment(z []byte) ([]Article, error) {
	hashes, sigs, n, names, values, err := parseSegment(z, false)
	if err != nil {
		return nil, err
	}
	arts := make([]Article, n)
	noff, voff := 0, 0
	for i := range arts {
		r, err := scanRecord(names[noff:], values[voff:])
		if err != nil {
			return nil, fmt.Errorf("record %d of %d: %w", i+1, n, err)
		}
		if arts[i], err = r.article(names[noff:noff+r.nsize], values[voff:voff+r.vsize]); err != nil {
			return nil, fmt.Errorf("record %d of %d: %w", i+1, n, err)
		}
		if arts[i].Evidence.Signature != nil {
			return nil, fmt.Errorf("record %d of %d: a signature inside the record", i+1, n)
		}
		if arts[i].Evidence.Shingles > 0 && hashes > 0 {
			arts[i].Evidence.Signature = slices.Clone(sigs[i*hashes : (i+1)*hashes])
		}
		noff += r.nsize
		voff += r.vsize
	}
	if noff != len(names) || voff != len(values) {
		return nil, fmt.Errorf("%d bytes of names and %d of values after the last record", len(names)-noff, len(values)-voff)
	}
	return arts, nil
}
