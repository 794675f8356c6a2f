package cluster

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Counts over parts of a corpus, added up: a distributed pipeline counts
// each part on its own, encodes the counts (AppendBinary) to move them,
// decodes them (DecodeVocabulary, DecodeFurniture) and merges them. Merged
// counts are the counts of the whole corpus, whatever the parts and the
// order.
//
// The encoding lists the table's non-zero slots: a uvarint gap from the
// previous one (the first from −1), then its uvarint count; Vocabulary's
// starts with its uvarint number of articles, Furniture's with its Min.

// ErrCounts reports bytes that are not encoded counts.
var ErrCounts = errors.New("cluster: malformed counts")

// Merge adds o's counts to v's.
func (v *Vocabulary) Merge(o *Vocabulary) {
	v.docs += o.docs
	for i, n := range o.df {
		v.df[i] += n
	}
}

// Merge adds o's counts to f's, saturating as Add does.
func (f *Furniture) Merge(o *Furniture) {
	for i, n := range o.df {
		f.df[i] = uint16(min(uint32(f.df[i])+uint32(n), uint32(^uint16(0))))
	}
}

// AppendBinary appends the encoding of v to b.
func (v *Vocabulary) AppendBinary(b []byte) ([]byte, error) {
	b = binary.AppendUvarint(b, uint64(v.docs))
	return appendSlots(b, v.df), nil
}

// DecodeVocabulary decodes a Vocabulary encoded by AppendBinary.
func DecodeVocabulary(b []byte) (*Vocabulary, error) {
	docs, n := binary.Uvarint(b)
	if n <= 0 {
		return nil, ErrCounts
	}
	v := NewVocabulary()
	v.docs = int(docs)
	if err := decodeSlots(b[n:], v.df); err != nil {
		return nil, err
	}
	return v, nil
}

// AppendBinary appends the encoding of f to b.
func (f *Furniture) AppendBinary(b []byte) ([]byte, error) {
	b = binary.AppendUvarint(b, uint64(f.Min))
	return appendSlots(b, f.df), nil
}

// DecodeFurniture decodes a Furniture encoded by AppendBinary.
func DecodeFurniture(b []byte) (*Furniture, error) {
	m, n := binary.Uvarint(b)
	if n <= 0 {
		return nil, ErrCounts
	}
	f := NewFurniture(int(m))
	if err := decodeSlots(b[n:], f.df); err != nil {
		return nil, err
	}
	return f, nil
}

func appendSlots[T uint16 | uint32](b []byte, table []T) []byte {
	prev := -1
	for i, n := range table {
		if n != 0 {
			b = binary.AppendUvarint(b, uint64(i-prev))
			b = binary.AppendUvarint(b, uint64(n))
			prev = i
		}
	}
	return b
}

func decodeSlots[T uint16 | uint32](b []byte, table []T) error {
	i := -1
	for len(b) > 0 {
		gap, n := binary.Uvarint(b)
		if n <= 0 || gap == 0 || gap > uint64(len(table)-1-i) {
			return ErrCounts
		}
		b = b[n:]
		i += int(gap)
		c, n := binary.Uvarint(b)
		if n <= 0 || c == 0 || c > uint64(^T(0)) {
			return fmt.Errorf("%w: count %d in slot %d", ErrCounts, c, i)
		}
		b = b[n:]
		table[i] = T(c)
	}
	return nil
}
