package state

// The state's format on disk, version 1 (FormatVersion). A state directory
// DIR holds:
//
//	DIR/.lock                  the lock (package lock), held by a run from start to end
//	DIR/CURRENT                one line: "neardup-state 1 gen-N SHA256" — the current
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
//
// A segment file is:
//
//	magic                      the 8 bytes "NDSEG02\n"
//	count                      uint32: its records
//	hashes                     uint32: the values of a signature (Params.Hashes)
//	signatures                 count × hashes × uint16: record i's signature at
//	                           values [i×hashes, (i+1)×hashes); zeros for a record
//	                           without shingles, which has none
//	records                    zstd frames (RFC 8878) holding, once decompressed
//	                           in turn, a uvarint count, then count records
//
// Signatures, two thirds of a state, do not compress: they lie apart, raw,
// and are read straight into the memory the index uses them from, neither
// decompressed nor copied (format 1 kept them in the records: decompressing
// and copying them was a third of a night's load, compressing them most of
// a commit). Each record is:
//
//	id, title, source          uvarint length, UTF-8 bytes
//	length                     uvarint: bytes of matched text
//	night                      uvarint: the night it arrived
//	canonical                  uvarint length, bytes: the canonical member's ID of
//	                           the cluster it joined; empty: kept
//	match (canonical not empty)  6 uint16: Jaccard, Containment, Figures, Names,
//	                           FigureOrder, Lede as they are written out, in
//	                           ten-thousandths (0xFFFF: -1, not applied);
//	                           uint32 Hours in hundredths (0xFFFFFFFF: -1);
//	                           uvarint Subjects+1, byte Verified, uvarint
//	                           length + Reason
//	text hash                  uint32 (dedup.TextHash)
//	words                      uvarint n, n × uint32 (title and lede words counted
//	                           by the subject test; dedup.Result.Words)
//	evidence                   cluster.AppendEvidence with an empty signature:
//	                           the record's signature is the column's
//
// Integers are little-endian. Nothing else is in a segment: decoding checks
// that the records end exactly at the end of the file.
//
// Commit writes generation N+1 under .tmp-gen-N+1 (every file synced), syncs
// it, renames it to gen-N+1, syncs DIR, writes CURRENT.tmp (synced) and
// renames it over CURRENT, syncs DIR, and only then removes gen-N. A run
// killed at any instant leaves CURRENT naming a whole generation; Open
// removes what a killed run left (.tmp-gen-*, CURRENT.tmp, generations
// other than the current one). Open checks every checksum before anything
// is used: a damaged state is an *ErrDamaged, never read further.

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unsafe"

	"github.com/klauspost/compress/zstd"

	"github.com/neardup/neardup/cluster"
)

// FormatVersion is the version of the state format above.
const FormatVersion = 2

const (
	currentFile  = "CURRENT"
	manifestFile = "MANIFEST"
	lockFile     = ".lock"
	genPrefix    = "gen-"
	tmpPrefix    = ".tmp-"
	outDir       = "out"
	segMagic     = "NDSEG02\n"
	segHeader    = len(segMagic) + 8
	currentMagic = "neardup-state"
)

// ErrDamaged reports a state file that is missing, truncated or does not
// match its checksum: the state is not used.
type ErrDamaged struct {
	Path string
	Err  error
}

func (e *ErrDamaged) Error() string {
	return fmt.Sprintf("state damaged: %s: %v (nothing was used or changed; restore DIR from a backup, or start over: README, Nightly use)", e.Path, e.Err)
}

func (e *ErrDamaged) Unwrap() error { return e.Err }

// parseCurrent reads CURRENT's line: the generation's name and the
// MANIFEST's checksum.
func parseCurrent(b []byte) (gen string, sum string, err error) {
	f := strings.Fields(string(b))
	if len(f) != 4 || f[0] != currentMagic || !strings.HasSuffix(string(b), "\n") {
		return "", "", errors.New("not a state pointer (want \"neardup-state 1 gen-N SHA256\")")
	}
	if v, err := strconv.Atoi(f[1]); err != nil || v != FormatVersion {
		return "", "", fmt.Errorf("format %s: this neardup reads format %d", f[1], FormatVersion)
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

// appendArticle appends a's record to dst.
func appendArticle(dst []byte, a *Article) []byte {
	dst = appendString(dst, a.ID)
	dst = appendString(dst, a.Title)
	dst = appendString(dst, a.Source)
	dst = binary.AppendUvarint(dst, uint64(uint32(a.Length)))
	dst = binary.AppendUvarint(dst, uint64(uint32(a.Night)))
	dst = appendString(dst, a.Canonical)
	if a.Canonical != "" {
		m := &a.Match
		for _, f := range []float64{m.Jaccard, m.Containment, m.Figures, m.Names, m.FigureOrder, m.Lede} {
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
		dst = appendString(dst, m.Reason)
	}
	dst = binary.LittleEndian.AppendUint32(dst, a.TextHash)
	dst = binary.AppendUvarint(dst, uint64(len(a.Words)))
	for _, w := range a.Words {
		dst = binary.LittleEndian.AppendUint32(dst, w)
	}
	ev := a.Evidence
	ev.Signature = nil // in the signature column
	return cluster.AppendEvidence(dst, &ev)
}

func appendString(dst []byte, s string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

// A segment's records are compressed with zstd: their IDs, titles and
// sources compress; the signatures, apart, would not.
var (
	zenc, _ = zstd.NewWriter(nil, zstd.WithEncoderConcurrency(2), zstd.WithEncoderLevel(zstd.SpeedBetterCompression))
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

// segment is a segment being written: its records (count first) and
// their signatures.
type segment struct {
	hashes  int
	total   int      // records it will hold
	count   int      // records added
	records []byte   // the count, then the records
	sigs    []uint16 // count × hashes
	half    int      // where the record of total/2 starts (for two frames)
}

// newSegment starts a segment of total records.
func newSegment(total, hashes int) *segment {
	records := make([]byte, 0, 256*total+binary.MaxVarintLen64) // about what a record takes
	return &segment{hashes: hashes, total: total, records: binary.AppendUvarint(records, uint64(total)), sigs: make([]uint16, 0, total*hashes)}
}

// add appends an article; its signature must have the segment's hashes,
// or be empty for an article without shingles.
func (g *segment) add(a *Article) error {
	return g.append(a.Evidence.Signature, a.Evidence.Shingles, func(b []byte) []byte { return appendArticle(b, a) })
}

// addRecord appends a record's bytes (its evidence without signature) and
// its signature.
func (g *segment) addRecord(rec []byte, sig []uint16, shingles int32) error {
	return g.append(sig, shingles, func(b []byte) []byte { return append(b, rec...) })
}

func (g *segment) append(sig []uint16, shingles int32, record func([]byte) []byte) error {
	switch {
	case shingles > 0 && len(sig) == g.hashes:
		g.sigs = append(g.sigs, sig...)
	case shingles == 0 && len(sig) == 0:
		g.sigs = append(g.sigs, make([]uint16, g.hashes)...)
	default:
		return fmt.Errorf("state: a signature of %d values for %d shingles, the segment's is %d", len(sig), shingles, g.hashes)
	}
	if g.count == g.total/2 {
		g.half = len(g.records)
	}
	g.records = record(g.records)
	g.count++
	return nil
}

// file is the segment file's parts, to write in turn, and where its
// second zstd frame starts (File.Split; 0: one frame). The records are
// compressed as two frames at once on two cores (a zstd stream may be
// several frames, and DecodeAll reads them in turn); a night's segment is
// most of what a commit does.
func (g *segment) file() ([][]byte, int64) {
	if g.count != g.total {
		panic("state: a segment written before all its records were added")
	}
	half := g.half
	hdr := append([]byte(segMagic), 0, 0, 0, 0, 0, 0, 0, 0)
	binary.LittleEndian.PutUint32(hdr[len(segMagic):], uint32(g.count))
	binary.LittleEndian.PutUint32(hdr[len(segMagic)+4:], uint32(g.hashes))
	col := sigColumn(g.sigs)
	b := g.records
	if half <= 0 || half >= len(b) {
		return [][]byte{hdr, col, zenc.EncodeAll(b, nil)}, 0
	}
	var second []byte
	done := make(chan struct{})
	go func() {
		second = zenc.EncodeAll(b[half:], nil)
		close(done)
	}()
	first := zenc.EncodeAll(b[:half], nil)
	<-done
	return [][]byte{hdr, col, first, second}, int64(len(hdr) + len(col) + len(first))
}

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
	parts, _ := g.file()
	return slices.Concat(parts...), nil
}

// segmentHeader reads a segment file's header, hdr (segHeader bytes), of
// a file of size bytes: its records and signature length.
func segmentHeader(hdr []byte, size int64) (count, hashes int, err error) {
	if len(hdr) < segHeader || string(hdr[:len(segMagic)]) != segMagic {
		return 0, 0, errors.New("not a segment file of this format")
	}
	c := binary.LittleEndian.Uint32(hdr[len(segMagic):])
	h := binary.LittleEndian.Uint32(hdr[len(segMagic)+4:])
	if uint64(c)*uint64(h)*2 > uint64(size-int64(segHeader)) {
		return 0, 0, fmt.Errorf("%d signatures of %d values do not fit in %d bytes", c, h, size)
	}
	return int(c), int(h), nil
}

// segmentRecords decompresses a segment's records, z (the zstd frames):
// their count and bytes. split is where its second frame starts within z
// (0: unknown). The frames are decoded in turn into one buffer of the size
// their headers give (decoding is a tenth of a load; growing and joining
// buffers cost more).
func segmentRecords(z []byte, split int64) (int, []byte, error) {
	var dst []byte
	if size, ok := framesSize(z, split); ok {
		dst = make([]byte, 0, size+16) // the decoder's margin (zstd compressedBlockOverAlloc)
	}
	b, err := zdec.DecodeAll(z, dst)
	if err != nil {
		return 0, nil, err
	}
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)) {
		return 0, nil, errors.New("bad record count")
	}
	return int(n), b[k:], nil
}

// framesSize is the decompressed size the headers of z's one or two
// frames (the second at split) give, if they give it and it is plausible.
func framesSize(z []byte, split int64) (int, bool) {
	frames := [][]byte{z}
	if split > 0 && split < int64(len(z)) {
		frames = [][]byte{z[:split], z[split:]}
	}
	total := uint64(0)
	for _, f := range frames {
		var h zstd.Header
		if h.Decode(f) != nil || !h.HasFCS || h.FrameContentSize > 1<<8*uint64(len(f)) {
			return 0, false
		}
		total += h.FrameContentSize
	}
	return int(total), true
}

// parseSegment reads a segment file held in memory, z: its signature
// column — a copy, or, with view, z's own memory where the machine is
// little-endian — and its records, decompressed. split is File.Split (0:
// unknown).
func parseSegment(z []byte, split int64, view bool) (hashes int, sigs []uint16, n int, recs []byte, err error) {
	count, hashes, err := segmentHeader(z, int64(len(z)))
	if err != nil {
		return 0, nil, 0, nil, err
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
	end := int64(segHeader + len(col))
	if split > 0 {
		split -= end
	}
	n, recs, err = segmentRecords(z[end:], split)
	if err == nil && n != count {
		err = fmt.Errorf("%d records, the header says %d", n, count)
	}
	return hashes, sigs, n, recs, err
}

// decodeSegment reads a segment file's articles.
func decodeSegment(z []byte) ([]Article, error) {
	hashes, sigs, n, b, err := parseSegment(z, 0, false)
	if err != nil {
		return nil, err
	}
	arts := make([]Article, n)
	off := 0
	for i := range arts {
		r, err := scanRecord(b[off:])
		if err != nil {
			return nil, fmt.Errorf("record %d of %d: %w", i+1, n, err)
		}
		if arts[i], err = r.article(b[off : off+r.size]); err != nil {
			return nil, fmt.Errorf("record %d of %d: %w", i+1, n, err)
		}
		if arts[i].Evidence.Signature != nil {
			return nil, fmt.Errorf("record %d of %d: a signature inside the record", i+1, n)
		}
		if arts[i].Evidence.Shingles > 0 && hashes > 0 {
			arts[i].Evidence.Signature = slices.Clone(sigs[i*hashes : (i+1)*hashes])
		}
		off += r.size
	}
	if off != len(b) {
		return nil, fmt.Errorf("%d bytes after the last record", len(b)-off)
	}
	return arts, nil
}

var errRecord = errors.New("malformed record")

// matchFixed is the fixed part of a stored match: six uint16 and a uint32.
// A match is kept as precise as the outputs write it (report.Round4, hours
// to hundredths): what a later night lists of a member is what its own
// night wrote.
const matchFixed = 6*2 + 4

// span is a field's bytes in a record: b[off:off+n].
type span struct{ off, n uint32 }

func (s span) of(b []byte) []byte { return b[s.off : s.off+s.n] }

// record is what scanRecord reads of a record without allocating: its
// fixed values, and where its strings, words and evidence lie.
type record struct {
	size                     int
	id, title, source, canon span
	match                    uint32 // offset of the match (canon.n > 0)
	length, night            int32
	textHash                 uint32
	words                    span // n words of 4 bytes
	evidence                 uint32
	layout                   cluster.EvidenceLayout
}

// scanRecord reads the record at the start of b (format.go's layout).
func scanRecord(b []byte) (record, error) {
	var r record
	pos := 0
	fail := false
	uv := func() uint64 {
		if fail {
			return 0
		}
		v, k := binary.Uvarint(b[pos:])
		if k <= 0 {
			fail = true
			return 0
		}
		pos += k
		return v
	}
	take := func(n uint64) uint32 {
		if fail || n > uint64(len(b)-pos) {
			fail = true
			return 0
		}
		at := pos
		pos += int(n)
		return uint32(at)
	}
	str := func() span {
		n := uv()
		return span{take(n), uint32(n)}
	}
	r.id, r.title, r.source = str(), str(), str()
	r.length, r.night = int32(uv()), int32(uv())
	if r.canon = str(); r.canon.n > 0 {
		r.match = take(matchFixed)
		uv()
		take(1)
		str()
	}
	h := take(4)
	nw := uv()
	r.words = span{take(4 * nw), uint32(nw)}
	if fail || r.id.n == 0 {
		return r, errRecord
	}
	r.textHash = binary.LittleEndian.Uint32(b[h:])
	l, err := cluster.LayoutOf(b[pos:])
	if err != nil {
		return r, err
	}
	r.evidence, r.layout = uint32(pos), l
	r.size = pos + l.Size
	return r, nil
}

// wordsOf appends the record's words to dst.
func (r *record) wordsOf(b []byte, dst []uint32) []uint32 {
	for i := range r.words.n {
		dst = append(dst, binary.LittleEndian.Uint32(b[r.words.off+4*i:]))
	}
	return dst
}

// article decodes the whole record, b (its bytes, from its start).
func (r *record) article(b []byte) (Article, error) {
	text := string(b[:r.size]) // the strings share one copy
	str := func(s span) string { return text[s.off : s.off+s.n] }
	a := Article{ID: str(r.id), Title: str(r.title), Source: str(r.source), Length: r.length, Night: r.night,
		Canonical: str(r.canon), TextHash: r.textHash}
	if r.canon.n > 0 {
		m := &a.Match
		at := b[r.match:]
		for i, f := range []*float64{&m.Jaccard, &m.Containment, &m.Figures, &m.Names, &m.FigureOrder, &m.Lede} {
			*f = -1
			if v := binary.LittleEndian.Uint16(at[2*i:]); v != 0xFFFF {
				*f = float64(v) / 1e4
			}
		}
		m.Hours = -1
		if v := binary.LittleEndian.Uint32(at[12:]); v != 0xFFFFFFFF {
			m.Hours = float64(v) / 100
		}
		at = at[matchFixed:]
		v, k := binary.Uvarint(at)
		m.Subjects = int(v) - 1
		m.Verified = at[k] == 1
		n, k2 := binary.Uvarint(at[k+1:])
		start := int(r.match) + matchFixed + k + 1 + k2
		m.Reason = text[start : start+int(n)]
	}
	if r.words.n > 0 {
		a.Words = r.wordsOf(b, make([]uint32, 0, r.words.n))
	}
	ev, _, err := cluster.DecodeEvidence(b[r.evidence:r.size])
	if err != nil {
		return a, err
	}
	a.Evidence = ev
	return a, nil
}
