package cluster

import (
	"encoding/binary"
	"errors"
	"math"

	"github.com/neardup/neardup/shingle"
)

// The binary encoding of an Evidence (AppendEvidence, DecodeEvidence), for
// a nightly state on disk and for elements of a distributed pipeline. It
// keeps everything verification reads, exactly: a decoded Evidence checks
// every pair as the original does. Integers are little-endian; n is a
// uvarint count; a list of n values is n fixed-width values.
//
//	flags      byte: 1 Short present, 2 About present, 4 NotHeadline
//	published  int64 (Undated: math.MinInt64)
//	shingles   uvarint
//	signature  n, n × uint16
//	lede       byte N ≤ LedeShingles, N × uint16
//	Short (flag 1):
//	  figures, names, set    each n, n × uint64
//	  nwords                 uvarint
//	  sentences              n, n × uint32
//	  figure pairs           n, n × uint64
//	  nfigures               uvarint
//	  About (flag 2):
//	    subject words        n, n × (stem uint64, whole uint64)
//	    subject figures      n, n × uint64
//	    about flags          byte: 1 Corrected, 2 Story, 4 Flash, 8 Untitled
//	    own, own figures, names, lower   each n, n × uint32
//
// Empty and nil lists encode alike and decode as nil.

// ErrEvidence reports bytes that are not an encoded Evidence.
var ErrEvidence = errors.New("malformed evidence")

// AppendEvidence appends the encoding of e to dst.
func AppendEvidence(dst []byte, e *Evidence) []byte {
	var flags byte
	if e.Short != nil {
		flags |= 1
		if e.Short.About != nil {
			flags |= 2
		}
	}
	if e.NotHeadline {
		flags |= 4
	}
	dst = append(dst, flags)
	dst = binary.LittleEndian.AppendUint64(dst, uint64(e.Published))
	dst = binary.AppendUvarint(dst, uint64(uint32(e.Shingles)))
	dst = append16(dst, e.Signature)
	dst = append(dst, e.Lede.N)
	for _, v := range e.Lede.Set[:e.Lede.N] {
		dst = binary.LittleEndian.AppendUint16(dst, v)
	}
	s := e.Short
	if s == nil {
		return dst
	}
	dst = append64(dst, s.Figures)
	dst = append64(dst, s.Names)
	dst = append64(dst, s.Set)
	dst = binary.AppendUvarint(dst, uint64(uint32(s.NWords)))
	dst = append32(dst, s.Sentences)
	dst = append64(dst, s.FigurePairs)
	dst = binary.AppendUvarint(dst, uint64(uint32(s.NFigures)))
	a := s.About
	if a == nil {
		return dst
	}
	dst = binary.AppendUvarint(dst, uint64(len(a.Subject.Words)))
	for _, w := range a.Subject.Words {
		dst = binary.LittleEndian.AppendUint64(dst, w.Stem)
		dst = binary.LittleEndian.AppendUint64(dst, w.Whole)
	}
	dst = append64(dst, a.Subject.Figures)
	var af byte
	for i, b := range []bool{a.Subject.Corrected, a.Story, a.Flash, a.Untitled} {
		if b {
			af |= 1 << i
		}
	}
	dst = append(dst, af)
	for _, l := range [][]uint32{a.Own, a.OwnFigures, a.Names, a.Lower} {
		dst = append32(dst, l)
	}
	return dst
}

// EncodedNotHeadline reads NotHeadline from an encoded Evidence's flags
// without decoding the rest (false for bytes too short to hold them).
func EncodedNotHeadline(b []byte) bool { return len(b) > 0 && b[0]&4 != 0 }

// DecodeEvidence decodes one Evidence from the start of b and returns it
// with the bytes after it. It never panics and never allocates more than
// b's length justifies: a bad encoding is ErrEvidence.
func DecodeEvidence(b []byte) (Evidence, []byte, error) {
	d := decoder{b: b}
	var e Evidence
	flags := d.byte()
	e.Published = int64(d.u64())
	e.Shingles = d.int32()
	e.Signature = decodeList(&d, 2, func(b []byte) uint16 { return binary.LittleEndian.Uint16(b) })
	if n := d.byte(); n > LedeShingles {
		d.fail()
	} else {
		e.Lede.N = n
	}
	for i := range e.Lede.N {
		e.Lede.Set[i] = d.u16()
	}
	if flags&^7 != 0 || flags&3 == 2 {
		d.fail()
	}
	e.NotHeadline = flags&4 != 0
	if flags&1 != 0 && d.err == nil {
		s := &Short{}
		s.Figures, s.Names, s.Set = d.list64(), d.list64(), d.list64()
		s.NWords = d.int32()
		s.Sentences = d.list32()
		s.FigurePairs = d.list64()
		s.NFigures = d.int32()
		if flags&2 != 0 && d.err == nil {
			a := &About{}
			a.Subject.Words = decodeList(&d, 16, func(b []byte) shingle.TitleWord {
				return shingle.TitleWord{Stem: binary.LittleEndian.Uint64(b), Whole: binary.LittleEndian.Uint64(b[8:])}
			})
			a.Subject.Figures = d.list64()
			af := d.byte()
			if af&^15 != 0 {
				d.fail()
			}
			a.Subject.Corrected, a.Story, a.Flash, a.Untitled = af&1 != 0, af&2 != 0, af&4 != 0, af&8 != 0
			a.Own, a.OwnFigures, a.Names, a.Lower = d.list32(), d.list32(), d.list32(), d.list32()
			s.About = a
		}
		e.Short = s
	}
	if d.err != nil {
		return Evidence{}, b, d.err
	}
	return e, d.b, nil
}

func append16(dst []byte, l []uint16) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(l)))
	for _, v := range l {
		dst = binary.LittleEndian.AppendUint16(dst, v)
	}
	return dst
}

func append32(dst []byte, l []uint32) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(l)))
	for _, v := range l {
		dst = binary.LittleEndian.AppendUint32(dst, v)
	}
	return dst
}

func append64(dst []byte, l []uint64) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(l)))
	for _, v := range l {
		dst = binary.LittleEndian.AppendUint64(dst, v)
	}
	return dst
}

// decoder reads from b until the first error, after which every read
// gives zero.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail() { d.err, d.b = ErrEvidence, nil }

func (d *decoder) take(n int) []byte {
	if d.err != nil || n < 0 || n > len(d.b) {
		d.fail()
		return nil
	}
	out := d.b[:n]
	d.b = d.b[n:]
	return out
}

func (d *decoder) byte() byte {
	if b := d.take(1); b != nil {
		return b[0]
	}
	return 0
}

func (d *decoder) u16() uint16 {
	if b := d.take(2); b != nil {
		return binary.LittleEndian.Uint16(b)
	}
	return 0
}

func (d *decoder) u64() uint64 {
	if b := d.take(8); b != nil {
		return binary.LittleEndian.Uint64(b)
	}
	return 0
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 || n != uvarintLen(v) { // one encoding per value: no padded varints

		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func uvarintLen(v uint64) int {
	n := 1
	for ; v >= 0x80; v >>= 7 {
		n++
	}
	return n
}

func (d *decoder) int32() int32 {
	v := d.uvarint()
	if v > math.MaxInt32 {
		d.fail()
		return 0
	}
	return int32(v)
}

// decodeList reads a count and that many values of size bytes each.
func decodeList[T any](d *decoder, size int, get func([]byte) T) []T {
	n := d.uvarint()
	if d.err != nil || n == 0 {
		return nil
	}
	if n > uint64(len(d.b)/size) {
		d.fail()
		return nil
	}
	raw := d.take(int(n) * size)
	out := make([]T, n)
	for i := range out {
		out[i] = get(raw[i*size:])
	}
	return out
}

func (d *decoder) list32() []uint32 {
	return decodeList(d, 4, func(b []byte) uint32 { return binary.LittleEndian.Uint32(b) })
}

func (d *decoder) list64() []uint64 {
	return decodeList(d, 8, func(b []byte) uint64 { return binary.LittleEndian.Uint64(b) })
}

// EvidenceLayout is where the fields an index needs lie in an encoded
// Evidence, read without decoding (or allocating) the rest.
type EvidenceLayout struct {
	Size      int   // bytes of the encoding
	Published int64 // Evidence.Published
	Shingles  int32
	Signature int // offset of the signature's first value (uint16, little-endian)
	Hashes    int // the signature's length
	Short     bool
	about     bool
	// NotHeadline is Evidence.NotHeadline.
	NotHeadline bool
}

// LayoutOf reads the layout of the Evidence encoded at the start of b. It
// checks the structure (every count within b) but not the values: decode
// with DecodeEvidence before verifying with it.
func LayoutOf(b []byte) (EvidenceLayout, error) {
	l, _, err := walk(b, nil)
	return l, err
}

// CountsOf reads, from the Evidence encoded at the start of b, what corpus
// counts weigh by — whether it has About evidence, and its sentences
// (appended to dst) — without decoding the rest.
func CountsOf(b []byte, dst []uint32) (about bool, sentences []uint32, err error) {
	l, sentences, err := walk(b, dst)
	return l.about, sentences, err
}

// walk goes over the Evidence encoded at the start of b without decoding
// it: its layout, and its sentences appended to dst.
func walk(b []byte, dst []uint32) (EvidenceLayout, []uint32, error) {
	d := decoder{b: b}
	var l EvidenceLayout
	flags := d.byte()
	l.Published = int64(d.u64())
	l.Shingles = d.int32()
	n := d.uvarint()
	if n > uint64(len(d.b)/2) {
		d.fail()
	}
	l.Signature, l.Hashes = len(b)-len(d.b), int(n)
	d.take(2 * int(n))
	if ln := d.byte(); ln > LedeShingles {
		d.fail()
	} else {
		d.take(2 * int(ln))
	}
	if flags&^7 != 0 || flags&3 == 2 {
		d.fail()
	}
	l.NotHeadline = flags&4 != 0
	list := func(size int) []byte {
		if n := d.uvarint(); n > uint64(len(d.b)/size) {
			d.fail()
			return nil
		} else {
			return d.take(int(n) * size)
		}
	}
	if flags&1 != 0 {
		l.Short = true
		list(8)
		list(8)
		list(8)
		d.int32()
		raw := list(4)
		for i := 0; i+4 <= len(raw); i += 4 {
			dst = append(dst, binary.LittleEndian.Uint32(raw[i:]))
		}
		list(8)
		d.int32()
		if flags&2 != 0 {
			l.about = true
			list(16)
			list(8)
			if d.byte()&^15 != 0 {
				d.fail()
			}
			for range 4 {
				list(4)
			}
		}
	}
	if d.err != nil {
		return EvidenceLayout{}, dst, d.err
	}
	l.Size = len(b) - len(d.b)
	return l, dst, nil
}
