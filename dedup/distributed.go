package dedup

import (
	"encoding/binary"
	"fmt"

	"github.com/neardup/neardup/cluster"
)

// For a pipeline that reads a corpus in parts on many machines (the Beam
// pipeline, module github.com/neardup/neardup/beam): each part's
// CorpusCounts is encoded with AppendBinary, moved, decoded with
// DecodeCorpusCounts and merged with Merge. The merged counts are those
// of the whole corpus, so Rules gives the rules Run would use.
//
// Encoding: a byte of flags (1: vocabulary, 2: furniture), then for each
// present a uvarint length and the cluster package's encoding of it.

// Merge adds o's counts to c's; both were made for the same rules.
func (c *CorpusCounts) Merge(o *CorpusCounts) {
	if c.vocab != nil && o.vocab != nil {
		c.vocab.Merge(o.vocab)
	}
	if c.furniture != nil && o.furniture != nil {
		c.furniture.Merge(o.furniture)
	}
}

// AppendBinary appends the encoding of c to b.
func (c *CorpusCounts) AppendBinary(b []byte) ([]byte, error) {
	var flags byte
	if c.vocab != nil {
		flags |= 1
	}
	if c.furniture != nil {
		flags |= 2
	}
	b = append(b, flags)
	if c.vocab != nil {
		v, _ := c.vocab.AppendBinary(nil)
		b = append(binary.AppendUvarint(b, uint64(len(v))), v...)
	}
	if c.furniture != nil {
		f, _ := c.furniture.AppendBinary(nil)
		b = append(binary.AppendUvarint(b, uint64(len(f))), f...)
	}
	return b, nil
}

// DecodeCorpusCounts decodes counts encoded by AppendBinary.
func DecodeCorpusCounts(b []byte) (*CorpusCounts, error) {
	if len(b) == 0 || b[0] > 3 {
		return nil, fmt.Errorf("dedup: %w", cluster.ErrCounts)
	}
	flags := b[0]
	b = b[1:]
	part := func() ([]byte, error) {
		n, k := binary.Uvarint(b)
		if k <= 0 || n > uint64(len(b)-k) {
			return nil, fmt.Errorf("dedup: %w", cluster.ErrCounts)
		}
		p := b[k : k+int(n)]
		b = b[k+int(n):]
		return p, nil
	}
	c := &CorpusCounts{}
	if flags&1 != 0 {
		p, err := part()
		if err != nil {
			return nil, err
		}
		if c.vocab, err = cluster.DecodeVocabulary(p); err != nil {
			return nil, err
		}
	}
	if flags&2 != 0 {
		p, err := part()
		if err != nil {
			return nil, err
		}
		if c.furniture, err = cluster.DecodeFurniture(p); err != nil {
			return nil, err
		}
	}
	if len(b) != 0 {
		return nil, fmt.Errorf("dedup: %w: %d bytes left over", cluster.ErrCounts, len(b))
	}
	return c, nil
}
