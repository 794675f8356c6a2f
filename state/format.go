package state

// The state's format on disk, version 4 (FormatVersion; version 3, the
// same but for the evidence's NotHeadline flag, is read too, and becomes
// 4 at its next commit). A state directory
// DIR holds:
//
//	DIR/.lock                  the lock (package lock), held by a run from start to end
//	DIR/CURRENT                one line: "neardup-state 4 gen-N SHA256" — the current
//	                           generation and the SHA-256 (hex) of its MANIFEST
//	DIR/gen-N/                 generation N, everything one committed night left:
//	  MANIFEST                 JSON (Manifest): format, parameters, clock and
//	                           cutoff, each segment with its size and CRC-32C,
//	                           every night's record, the night's outputs'
//	                           sizes and CRC-32C
//	  seg-NIGHT-GEN.nds        the articles that arrived on night NIGHT, written
//	                           by generation GEN (segments are immutable: a new
//	                           generation hard-links the ones it keeps)
//	  out/clusters.jsonl, out/drop.txt, out/summary.json
//	                           the night's outputs, restored by a retry
//	DIR/.tmp-gen-N/            a generation being written; removed by the next run
//	DIR/.tmp-seg-NIGHT         tonight's segment, written (synced) while the night's
//	                           outputs are made, before Commit moves it into
//	                           .tmp-gen-N; removed by the next run
//
// A segment file is:
//
//	magic                      the 8 bytes "NDSEG02\n"
//	count                      uint32: its records
//	hashes                     uint32: the values of a signature (Params.Hashes)
//	names size                 uint64: the bytes of the names' zstd frame
//	signatures                 count × hashes × uint16: record i's signature at
//	                           values [i×hashes, (i+1)×hashes); zeros for a record
//	                           without shingles, which has none
//	names                      one zstd frame (RFC 8878): each record's names
//	values                     one zstd frame: each record's values
//
// A record is in two parts, its names and its values, each a stream of its
// own: text compresses well alone, and hashes do not compress at all
// (compressed together, the text's statistics drown in them; compressed
// apart, each stream at zstd's default level takes the bytes one stream at
// its better level took, in a fifth of the time). Signatures, two thirds of
// a state, lie apart, raw, and are read straight into the memory the index
// uses them from, neither decompressed nor copied. A record's names are:
//
//	id, title, source          uvarint length, UTF-8 bytes
//	canonical                  uvarint length, bytes: the canonical member's ID of
//	                           the cluster it joined; empty: kept
//	reason                     uvarint length, bytes: its match's reason (empty when kept)
//
// Its values are:
//
//	length                     uvarint: bytes of matched text
//	night                      uvarint: the night it arrived
//	match (canonical not empty)  7 uint16: Jaccard, Containment, Figures, Names,
//	                           FigureOrder, Lede and the model's P as they are
//	                           written out, in ten-thousandths (0xFFFF: -1, not
//	                           applied; P was added in format 3);
//	                           uint32 Hours in hundredths (0xFFFFFFFF: -1);
//	                           uvarint Subjects+1, byte Verified
//	text hash                  uint32 (dedup.TextHash)
//	words                      uvarint n, n × uint32 (title and lede words counted
//	                           by the subject test; dedup.Result.Words)
//	evidence                   cluster.AppendEvidence with an empty signature:
//	                           the record's signature is the column's
//
// Integers are little-endian. Nothing else is in a segment: decoding checks
// that both streams end exactly with the last record.
//
// Commit writes generation N+1 under .tmp-gen-N+1 (every file synced; the
// night's segment moved in from .tmp-seg-NIGHT), syncs it, renames it to
// gen-N+1, syncs DIR, writes CURRENT.tmp (synced) and renames it over
// CURRENT, syncs DIR, and only then removes gen-N. A run killed at any
// instant leaves CURRENT naming a whole generation; Open removes what a
// killed run left (.tmp-gen-*, .tmp-seg-*, CURRENT.tmp, generations other
// than the current one). Segments are read through a read-only mapping
// where the system has one: no run changes a segment file once written. Open checks every checksum before anything
// is used: a damaged state is an *ErrDamaged, never read further.

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unsafe"

	"github.com/klauspost/compress/zstd"

	"github.com/neardup/neardup/cluster"
)

// FormatVersion is the version of the state format above.
const FormatVersion = 4

// ReadsFormat reports whether this neardup reads a state of format v: its
// own, and 3, whose records are 4's without the evidence's NotHeadline
// flag (cluster.AppendEvidence's flag 4), which a format-3 neardup would
// take for damage: hence the new number.
func ReadsFormat(v int) bool { return v == FormatVersion || v == 3 }

const (
	currentFile  = "CURRENT"
	manifestFile = "MANIFEST"
	lockFile     = ".lock"
	genPrefix    = "gen-"
	tmpPrefix    = ".tmp-"
	outDir       = "out"
	segMagic     = "NDSEG02\n"
	segHeader    = len(segMagic) + 16
	currentMagic = "neardup-state"
)

// ErrDamaged reports a state file that is missing, truncated or does not
// match its checksum: the state is not used.
type ErrDamaged struct {
	Path string
	Err  error
}

func (e *ErrDamaged) Error() string {
	return fmt.Sprintf("state damaged: %s: %v (nothing was used or changed; restore DIR from a backup, or start over: docs/nightly.md)", e.Path, e.Err)
}

func (e *ErrDamaged) Unwrap() error { return e.Err }

// FormatError reports a state written in another format than this
// neardup's (FormatVersion): by an older or newer neardup. Nothing is read
// or changed.
type FormatError struct {
	Dir    string
	Format int
}

func (e *FormatError) Error() string {
	return fmt.Sprintf("state %s is in format %d, this neardup reads formats 3 and %d: run the neardup that made it, or start a new state (docs/nightly.md)", e.Dir, e.Format, FormatVersion)
}

// parseCurrent reads CURRENT's line: the generation's name and the
// MANIFEST's checksum.
func parseCurrent(b []byte) (gen string, sum string, err error) {
	f := strings.Fields(string(b))
	if len(f) != 4 || f[0] != currentMagic || !strings.HasSuffix(string(b), "\n") {
		return "", "", fmt.Errorf("not a state pointer (want \"neardup-state %d gen-N SHA256\")", FormatVersion)
	}
	if v, err := strconv.Atoi(f[1]); err != nil {
		return "", "", fmt.Errorf("format %q is not a number", f[1])
	} else if !ReadsFormat(v) {
		return "", "", &FormatError{Format: v}
	}
	if _, ok := genNumber(f[2]); !ok {
		return "", "", fmt.Errorf("%q is not a generation", f[2])
	}
	if len(f[3]) != 64 {
		return "", "", errors.New("bad checksum")
	}
	return f[2], f[3], nil
}

func currentLine(gen string, manifest []byte) []byte {
	sum := sha256.Sum256(manifest)
	return fmt.Appendf(nil, "%s %d %s %s\n", currentMagic, FormatVersion, gen, hex.EncodeToString(sum[:]))
}

// genNumber parses a generation's name, gen-N.
func genNumber(name string) (int, bool) {
	s, ok := strings.CutPrefix(name, genPrefix)
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n > 0 && genName(n) == name
}

func genName(n int) string { return fmt.Sprintf("%s%08d", genPrefix, n) }

func segName(night, gen int) string { return fmt.Sprintf("seg-%06d-%08d.nds", night, gen) }

// appendArticle appends a's record: its names to names, its values to
// values.
func appendArticle(names, values []byte, a *Article) ([]byte, []byte) {
	names = appendString(names, a.ID)
	names = appendString(names, a.Title)
	names = appendString(names, a.Source)
	names = appendString(names, a.Canonical)
	reason := ""
	if a.Canonical != "" {
		reason = a.Match.Reason
	}
	names = appendString(names, reason)
	dst := values
	dst = binary.AppendUvarint(dst, uint64(uint32(a.Length)))
	dst = binary.AppendUvarint(dst, uint64(uint32(a.Night)))
	if a.Canonical != "" {
		m := &a.Match
		for _, f := range []float64{m.Jaccard, m.Containment, m.Figures, m.Names, m.FigureOrder, m.Lede, m.P} {
			v := uint16(0xFFFF)
			if f >= 0 {
				v = uint16(math.Round(min(f, 1) * 1e4))
			}
			dst = binary.LittleEndian.AppendUint16(dst, v)
		}
		h := uint32(0xFFFFFFFF)
		if m.Hours >= 0 {
			h = uint32(min(math.Round(m.Hours*100), 0xFFFFFFFE))
		}
		dst = binary.LittleEndian.AppendUint32(dst, h)
		dst = binary.AppendUvarint(dst, uint64(m.Subjects+1))
		v := byte(0)
		if m.Verified {
			v = 1
		}
		dst = append(dst, v)
	}
	dst = binary.LittleEndian.AppendUint32(dst, a.TextHash)
	dst = binary.AppendUvarint(dst, uint64(len(a.Words)))
	for _, w := range a.Words {
		dst = binary.LittleEndian.AppendUint32(dst, w)
	}
	ev := a.Evidence
	ev.Signature = nil // in the signature column
	return names, cluster.AppendEvidence(dst, &ev)
}

func appendString(dst []byte, s string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

// A segment's two streams are compressed with zstd, at once.
var (
	zenc, _ = zstd.NewWriter(nil, zstd.WithEncoderConcurrency(2), zstd.WithEncoderLevel(zstd.SpeedDefault))
	zdec, _ = zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(1<<34))
)

// littleEndian: this machine's uint16 are stored as the format's, and the
// signature column is read and written in place.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// u16Bytes is the memory of s as bytes.
func u16Bytes(s []uint16) []byte {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), 2*len(s))
}

// sigColumn is the signature column's bytes for sigs: sigs' own memory
// where the machine is little-endian, a copy otherwise.
func sigColumn(sigs []uint16) []byte {
	if littleEndian {
		return u16Bytes(sigs)
	}
	b := make([]byte, 0, 2*len(sigs))
	for _, v := range sigs {
		b = binary.LittleEndian.AppendUint16(b, v)
	}
	return b
}

// segment is a segment being written: its records' two streams and
// their signatures.
type segment struct {
	hashes        int
	total         int // records it will hold
	count         int // records added
	names, values []byte
	sigs          []uint16 // count × hashes
}

// newSegment starts a segment of total records.
func newSegment(total, hashes int) *segment {
	return &segment{hashes: hashes, total: total, sigs: make([]uint16, 0, total*hashes),
		names: make([]byte, 0, 96*total), values: make([]byte, 0, 160*total)} // about what records take
}

// add appends an article; its signature must have the segment's hashes,
// or be empty for an article without shingles.
func (g *segment) add(a *Article) error {
	if err := g.sig(a.Evidence.Signature, a.Evidence.Shingles); err != nil {
		return err
	}
	g.names, g.values = appendArticle(g.names, g.values, a)
	return nil
}

// addRecord appends a record's names and values (its evidence without
// signature) and its signature.
func (g *segment) addRecord(names, values []byte, sig []uint16, shingles int32) error {
	if err := g.sig(sig, shingles); err != nil {
		return err
	}
	g.names, g.values = append(g.names, names...), append(g.values, values...)
	return nil
}

func (g *segment) sig(sig []uint16, shingles int32) error {
	switch {
	case shingles > 0 && len(sig) == g.hashes:
		g.sigs = append(g.sigs, sig...)
	case shingles <= 0 && len(sig) == 0:
		g.sigs = append(g.sigs, make([]uint16, g.hashes)...)
	default:
		return fmt.Errorf("state: a signature of %d values for %d shingles, the segment's is %d", len(sig), shingles, g.hashes)
	}
	g.count++
	return nil
}

// file is the segment file's parts, to write in turn. The two streams are
// compressed at once, on two cores.
func (g *segment) file() [][]byte {
	if g.count != g.total {
		panic("state: a segment written before all its records were added")
	}
	var names []byte
	done := make(chan struct{})
	go func() {
		names = zenc.EncodeAll(g.names, nil)
		close(done)
	}()
	values := zenc.EncodeAll(g.values, nil)
	<-done
	hdr := append([]byte(segMagic), make([]byte, 16)...)
	binary.LittleEndian.PutUint32(hdr[len(segMagic):], uint32(g.count))
	binary.LittleEndian.PutUint32(hdr[len(segMagic)+4:], uint32(g.hashes))
	binary.LittleEndian.PutUint64(hdr[len(segMagic)+8:], uint64(len(names)))
	return [][]byte{hdr, sigColumn(g.sigs), names, values}
}

// segmentHeader reads a segment file's header, hdr (segHeader bytes), of
// a file of size bytes: its records, signature length and names' size.
func segmentHeader(hdr []byte, size int64) (count, hashes, names int, err error) {
	if len(hdr) < segHeader || string(hdr[:len(segMagic)]) != segMagic {
		return 0, 0, 0, errors.New("not a segment file of this format")
	}
	c := binary.LittleEndian.Uint32(hdr[len(segMagic):])
	h := binary.LittleEndian.Uint32(hdr[len(segMagic)+4:])
	n := binary.LittleEndian.Uint64(hdr[len(segMagic)+8:])
	// Checked without multiplying first: count × hashes can overflow.
	rest := uint64(size - int64(segHeader))
	if c > math.MaxInt32 || h > math.MaxInt32 || (h > 0 && uint64(c) > rest/2/uint64(h)) || n > rest-2*uint64(c)*uint64(h) {
		return 0, 0, 0, fmt.Errorf("%d signatures of %d values and %d bytes of names do not fit in %d bytes", c, h, n, size)
	}
	return int(c), int(h), int(n), nil
}

// decompress decodes one zstd frame into a buffer of the size its header
// gives (when it gives a plausible one).
func decompress(z []byte) ([]byte, error) {
	var dst []byte
	var h zstd.Header
	if h.Decode(z) == nil && h.HasFCS && h.FrameContentSize <= 1<<8*uint64(len(z)) {
		dst = make([]byte, 0, h.FrameContentSize+16) // the decoder's margin (zstd compressedBlockOverAlloc)
	}
	return zdec.DecodeAll(z, dst)
}

// parseSegment reads a segment file held in memory, z: its signature
// column — a copy, or, with view, z's own memory where the machine is
// little-endian — and its records' two streams, decompressed.
func parseSegment(z []byte, view bool) (hashes int, sigs []uint16, n int, names, values []byte, err error) {
	count, hashes, nz, err := segmentHeader(z, int64(len(z)))
	if err != nil {
		return 0, nil, 0, nil, nil, err
	}
	col := z[segHeader : segHeader+2*count*hashes]
	switch {
	case len(col) == 0:
	case view && littleEndian && uintptr(unsafe.Pointer(&col[0]))%2 == 0:
		sigs = unsafe.Slice((*uint16)(unsafe.Pointer(&col[0])), count*hashes)
	default:
		sigs = make([]uint16, count*hashes)
		for i := range sigs {
			sigs[i] = binary.LittleEndian.Uint16(col[2*i:])
		}
	}
	end := segHeader + len(col)
	if names, err = decompress(z[end : end+nz]); err != nil {
		return 0, nil, 0, nil, nil, fmt.Errorf("names: %w", err)
	}
	if count > len(names)/6 { // a record's names take 6 bytes or more
		return 0, nil, 0, nil, nil, fmt.Errorf("%d records in %d bytes of names", count, len(names))
	}
	if values, err = decompress(z[end+nz:]); err != nil {
		return 0, nil, 0, nil, nil, fmt.Errorf("values: %w", err)
	}
	return hashes, sigs, count, names, values, nil
}

var errRecord = errors.New("malformed record")

// matchFixed is the fixed part of a stored match: seven uint16 and a uint32.
// A match is kept as precise as the outputs write it (report.Round4, hours
// to hundredths): what a later night lists of a member is what its own
// night wrote.
const matchFixed = 7*2 + 4

// span is a field's bytes in a record: b[off:off+n].
type span struct{ off, n uint32 }

func (s span) of(b []byte) []byte { return b[s.off : s.off+s.n] }

// record is what scanRecord reads of a record without allocating: its
// fixed values, and where its strings (in its names), its match, words and
// evidence (in its values) lie.
type record struct {
	nsize, vsize                     int // bytes of its names and of its values
	id, title, source, canon, reason span
	match                            uint32 // offset of the match (canon.n > 0)
	length, night                    int32
	textHash                         uint32
	words                            span // n words of 4 bytes
	evidence                         uint32
	layout                           cluster.EvidenceLayout
}

// reader reads a stream of a record: uvarints, fields and strings, failing
// once for all.
type reader struct {
	b    []byte
	pos  int
	fail bool
}

func (d *reader) uv() uint64 {
	if d.fail {
		return 0
	}
	v, k := binary.Uvarint(d.b[d.pos:])
	if k <= 0 {
		d.fail = true
		return 0
	}
	d.pos += k
	return v
}

func (d *reader) take(n uint64) uint32 {
	if d.fail || n > uint64(len(d.b)-d.pos) {
		d.fail = true
		return 0
	}
	at := d.pos
	d.pos += int(n)
	return uint32(at)
}

func (d *reader) str() span {
	n := d.uv()
	return span{d.take(n), uint32(n)}
}

// scanRecord reads the record whose names start names and whose values
// start values (format.go's layout).
func scanRecord(names, values []byte) (record, error) {
	var r record
	n := reader{b: names}
	r.id, r.title, r.source, r.canon, r.reason = n.str(), n.str(), n.str(), n.str(), n.str()
	if n.fail || r.id.n == 0 || (r.canon.n == 0 && r.reason.n > 0) {
		return r, errRecord
	}
	r.nsize = n.pos
	v := reader{b: values}
	r.length, r.night = int32(v.uv()), int32(v.uv())
	if r.canon.n > 0 {
		r.match = v.take(matchFixed)
		v.uv()
		v.take(1)
	}
	h := v.take(4)
	nw := v.uv()
	r.words = span{v.take(4 * nw), uint32(nw)}
	if v.fail {
		return r, errRecord
	}
	r.textHash = binary.LittleEndian.Uint32(values[h:])
	l, err := cluster.LayoutOf(values[v.pos:])
	if err != nil {
		return r, err
	}
	r.evidence, r.layout = uint32(v.pos), l
	r.vsize = v.pos + l.Size
	return r, nil
}

// matchOf decodes the record's match (zero when kept).
func (r *record) matchOf(names, values []byte) cluster.Match {
	var m cluster.Match
	if r.canon.n == 0 {
		return m
	}
	at := values[r.match:]
	for i, f := range []*float64{&m.Jaccard, &m.Containment, &m.Figures, &m.Names, &m.FigureOrder, &m.Lede, &m.P} {
		*f = -1
		if v := binary.LittleEndian.Uint16(at[2*i:]); v != 0xFFFF {
			*f = float64(v) / 1e4
		}
	}
	m.Hours = -1
	if v := binary.LittleEndian.Uint32(at[14:]); v != 0xFFFFFFFF {
		m.Hours = float64(v) / 100
	}
	at = at[matchFixed:]
	v, k := binary.Uvarint(at)
	m.Subjects = int(v) - 1
	m.Verified = at[k] == 1
	for i := range m.Why {
		m.Why[i].Group = -1 // not stored: the probability is, its explanation was written on its own night
	}
	m.Reason = string(r.reason.of(names))
	return m
}

// wordsOf appends the record's words to dst; values are its values.
func (r *record) wordsOf(values []byte, dst []uint32) []uint32 {
	for i := range r.words.n {
		dst = append(dst, binary.LittleEndian.Uint32(values[r.words.off+4*i:]))
	}
	return dst
}

// article decodes the whole record, its names and values.
func (r *record) article(names, values []byte) (Article, error) {
	text := string(names[:r.nsize]) // the strings share one copy
	str := func(s span) string { return text[s.off : s.off+s.n] }
	a := Article{ID: str(r.id), Title: str(r.title), Source: str(r.source), Length: r.length, Night: r.night,
		Canonical: str(r.canon), TextHash: r.textHash}
	a.Match = r.matchOf(names, values)
	if r.words.n > 0 {
		a.Words = r.wordsOf(values, make([]uint32, 0, r.words.n))
	}
	ev, _, err := cluster.DecodeEvidence(values[r.evidence:r.vsize])
	if err != nil {
		return a, err
	}
	a.Evidence = ev
	return a, nil
}
