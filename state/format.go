package state

// The state's format on disk, version 1 (FormatVersion). A state directory
// DIR holds:
//
//	DIR/.lock                  the lock (package lock), held by a run from start to end
//	DIR/CURRENT                one line: "neardup-state 1 gen-N SHA256" — the current
//	                           generation and the SHA-256 (hex) of its MANIFEST
//	DIR/gen-N/                 generation N, everything one committed night left:
//	  MANIFEST                 JSON (Manifest): format, parameters, clock and
//	                           cutoff, each segment with its size and SHA-256,
//	                           every night's record, the night's outputs'
//	                           sizes and SHA-256
//	  seg-NIGHT-GEN.nds        the articles that arrived on night NIGHT, written
//	                           by generation GEN (segments are immutable: a new
//	                           generation hard-links the ones it keeps)
//	  out/clusters.jsonl, out/drop.txt, out/summary.json
//	                           the night's outputs, restored by a retry
//	DIR/.tmp-gen-N/            a generation being written; removed by the next run
//
// A segment file is the 8 bytes "NDSEG01\n" and one zstd frame (RFC 8878)
// holding a uvarint count, then count records, each:
//
//	id, title, source          uvarint length, UTF-8 bytes
//	length                     uvarint: bytes of matched text
//	night                      uvarint: the night it arrived
//	canonical                  uvarint length, bytes: the canonical member's ID of
//	                           the cluster it joined; empty: kept
//	match (canonical not empty)  7 float64 (Jaccard, Containment, Figures, Names,
//	                           Hours, FigureOrder, Lede), uvarint Subjects+1,
//	                           byte Verified, uvarint length + Reason
//	text hash                  uint64 (dedup.TextHash)
//	words                      uvarint n, n × uint32 (title and lede words counted
//	                           by the subject test; dedup.Result.Words)
//	evidence                   cluster.AppendEvidence
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
	"strconv"
	"strings"

	"github.com/klauspost/compress/zstd"

	"github.com/neardup/neardup/cluster"
)

// FormatVersion is the version of the state format above.
const FormatVersion = 1

const (
	currentFile  = "CURRENT"
	manifestFile = "MANIFEST"
	lockFile     = ".lock"
	genPrefix    = "gen-"
	tmpPrefix    = ".tmp-"
	outDir       = "out"
	segMagic     = "NDSEG01\n"
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
		for _, f := range []float64{m.Jaccard, m.Containment, m.Figures, m.Names, m.Hours, m.FigureOrder, m.Lede} {
			dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(f))
		}
		dst = binary.AppendUvarint(dst, uint64(m.Subjects+1))
		v := byte(0)
		if m.Verified {
			v = 1
		}
		dst = append(dst, v)
		dst = appendString(dst, m.Reason)
	}
	dst = binary.LittleEndian.AppendUint64(dst, a.TextHash)
	dst = binary.AppendUvarint(dst, uint64(len(a.Words)))
	for _, w := range a.Words {
		dst = binary.LittleEndian.AppendUint32(dst, w)
	}
	return cluster.AppendEvidence(dst, &a.Evidence)
}

func appendString(dst []byte, s string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

// Segments are compressed with zstd: a quarter of a record is titles, IDs
// and sources, which compress; signatures and hash sets do not. Measured
// on a generated night: 499 bytes an article raw, 386 compressed.
var (
	zenc, _ = zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1))
	zdec, _ = zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(1<<34))
)

// encodeSegment is a segment file holding arts.
func encodeSegment(arts []Article) []byte {
	b := binary.AppendUvarint(nil, uint64(len(arts)))
	for i := range arts {
		b = appendArticle(b, &arts[i])
	}
	return zenc.EncodeAll(b, []byte(segMagic))
}

// decodeSegment reads a segment file's articles. Strings share one copy
// of the file's bytes.
func decodeSegment(z []byte) ([]Article, error) {
	if len(z) < len(segMagic) || string(z[:len(segMagic)]) != segMagic {
		return nil, errors.New("not a segment file")
	}
	b, err := zdec.DecodeAll(z[len(segMagic):], nil)
	if err != nil {
		return nil, err
	}
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)) {
		return nil, errors.New("bad record count")
	}
	b = b[k:]
	text := string(b) // one allocation for every string of the segment
	arts := make([]Article, n)
	off := 0
	for i := range arts {
		used, err := decodeArticle(text[off:], b[off:], &arts[i])
		if err != nil {
			return nil, fmt.Errorf("record %d of %d: %w", i+1, n, err)
		}
		off += used
	}
	if off != len(b) {
		return nil, fmt.Errorf("%d bytes after the last record", len(b)-off)
	}
	return arts, nil
}

var errRecord = errors.New("malformed record")

// decodeArticle decodes one record from b (text is the same bytes as a
// string, for the strings) and returns its length.
func decodeArticle(text string, b []byte, a *Article) (int, error) {
	pos := 0
	fail := false
	uv := func() uint64 {
		v, k := binary.Uvarint(b[pos:])
		if k <= 0 {
			fail = true
			return 0
		}
		pos += k
		return v
	}
	str := func() string {
		n := uv()
		if fail || n > uint64(len(b)-pos) {
			fail = true
			return ""
		}
		s := text[pos : pos+int(n)]
		pos += int(n)
		return s
	}
	fixed := func(n int) []byte {
		if fail || n > len(b)-pos {
			fail = true
			return make([]byte, n)
		}
		pos += n
		return b[pos-n : pos]
	}
	a.ID, a.Title, a.Source = str(), str(), str()
	a.Length, a.Night = int32(uv()), int32(uv())
	if a.Canonical = str(); a.Canonical != "" {
		m := &a.Match
		for _, f := range []*float64{&m.Jaccard, &m.Containment, &m.Figures, &m.Names, &m.Hours, &m.FigureOrder, &m.Lede} {
			*f = math.Float64frombits(binary.LittleEndian.Uint64(fixed(8)))
		}
		m.Subjects = int(uv()) - 1
		m.Verified = fixed(1)[0] == 1
		m.Reason = str()
	}
	a.TextHash = binary.LittleEndian.Uint64(fixed(8))
	if n := uv(); n > 0 && !fail {
		if n > uint64(len(b)-pos)/4 {
			return 0, errRecord
		}
		a.Words = make([]uint32, n)
		for i := range a.Words {
			a.Words[i] = binary.LittleEndian.Uint32(fixed(4))
		}
	}
	if fail || a.ID == "" {
		return 0, errRecord
	}
	ev, rest, err := cluster.DecodeEvidence(b[pos:])
	if err != nil {
		return 0, err
	}
	a.Evidence = ev
	return len(b) - len(rest), nil
}
