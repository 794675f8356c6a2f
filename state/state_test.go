package state

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/neardup/neardup/cluster"
	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/lock"
)

func randomArticle(r *rand.Rand, i int) Article {
	a := Article{ID: string(rune('a'+i%26)) + string(rune('0'+i/26%10)) + "é/" + string(rune('A'+i%7)), Title: "Tïtle", Source: "AFP",
		Length: r.Int32N(5000), Night: r.Int32N(9) + 1, TextHash: r.Uint32()}
	if r.IntN(3) == 0 {
		a.Canonical = "canon"
		// Stored as precise as the outputs write them (ten-thousandths).
		share := func() float64 { return float64(r.IntN(10001)) / 1e4 }
		a.Match = cluster.Match{Jaccard: share(), Containment: share(), Figures: -1, Names: share(), Hours: 3.25,
			FigureOrder: -1, Lede: 0.5, Subjects: r.IntN(3) - 1, P: share(), Verified: true, Reason: cluster.ByModel}
		for i := range a.Match.Why {
			a.Match.Why[i].Group = -1 // not stored
		}
		if r.IntN(2) == 0 {
			a.Match.P, a.Match.Reason = -1, cluster.ByContainment // the veto stack's
		}
	}
	if r.IntN(2) == 0 {
		a.Words = []uint32{r.Uint32(), r.Uint32()}
	}
	a.Evidence = cluster.Evidence{Published: r.Int64N(2e9), Shingles: r.Int32N(400)}
	if a.Evidence.Shingles > 0 { // an article without shingles has no signature
		a.Evidence.Signature = make([]uint16, 16)
		for k := range a.Evidence.Signature {
			a.Evidence.Signature[k] = uint16(r.Uint32())
		}
	}
	if r.IntN(4) == 0 {
		a.Evidence.Published = cluster.Undated
		a.Evidence.Short = &cluster.Short{Set: []uint64{1, 2, 3}, NWords: 40}
	}
	return a
}

// randomArticles are n random articles.
func randomArticles(r *rand.Rand, n int) []Article {
	arts := make([]Article, n)
	for i := range arts {
		arts[i] = randomArticle(r, i)
	}
	return arts
}

func mustEncode(t testing.TB, arts []Article) []byte {
	t.Helper()
	z, err := encodeSegment(arts)
	if err != nil {
		t.Fatal(err)
	}
	return z
}

func TestSegmentRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	arts := randomArticles(r, 300)
	got, err := decodeSegment(mustEncode(t, arts))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, arts) {
		t.Fatalf("round trip differs")
	}
	if got, err := decodeSegment(mustEncode(t, nil)); err != nil || len(got) != 0 {
		t.Errorf("empty segment: %v, %v", got, err)
	}
}

// A segment's bytes cut short or changed never decode as articles: the
// header's bounds, zstd's checksum or the record structure catches it (and
// Open checks CRC-32C before decoding in any case).
func TestSegmentDamage(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	arts := randomArticles(r, 50)
	b := mustEncode(t, arts)
	for _, n := range []int{0, 4, len(segMagic), len(b) / 2, len(b) - 1} {
		if _, err := decodeSegment(b[:n]); err == nil {
			t.Errorf("cut to %d of %d bytes: decoded", n, len(b))
		}
	}
}

func FuzzDecodeSegment(f *testing.F) {
	r := rand.New(rand.NewPCG(3, 3))
	f.Add(mustEncode(f, []Article{randomArticle(r, 1), randomArticle(r, 2)}))
	f.Add(mustEncode(f, nil))
	f.Add([]byte(segMagic))
	f.Fuzz(func(t *testing.T, b []byte) {
		arts, err := decodeSegment(b)
		if err != nil {
			return
		}
		// What decodes encodes to records that decode the same.
		z, err := encodeSegment(arts)
		if err != nil {
			t.Fatalf("decoded articles do not encode: %v", err)
		}
		again, err := decodeSegment(z)
		if err != nil || !reflect.DeepEqual(again, arts) {
			t.Fatalf("re-encoded segment: %v", err)
		}
	})
}

func TestParseCurrent(t *testing.T) {
	good := string(currentLine("gen-00000003", []byte("{}")))
	if gen, sum, err := parseCurrent([]byte(good)); err != nil || gen != "gen-00000003" || len(sum) != 64 {
		t.Fatalf("%q: %v %v %v", good, gen, sum, err)
	}
	for _, bad := range []string{"", "neardup-state 1 gen-00000003\n", good[:len(good)-1], "neardup-state 9" + good[15:],
		"neardup-state 1 gen-3 " + good[len(good)-65:], "other 1 gen-00000003 " + good[len(good)-65:]} {
		if _, _, err := parseCurrent([]byte(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// Open removes what killed runs left beside the current generation, and a
// second Open waits for the first's lock.
func TestOpenTidiesAndLocks(t *testing.T) {
	dir := t.TempDir()
	for _, leftover := range []string{".tmp-gen-00000001", "gen-00000001", "CURRENT.tmp"} {
		os.MkdirAll(filepath.Join(dir, leftover), 0o755)
	}
	os.WriteFile(filepath.Join(dir, "unrelated.txt"), []byte("mine"), 0o644)
	s, err := Open(context.Background(), dir, Options{Command: "test"})
	if err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if !reflect.DeepEqual(names, []string{".lock", "unrelated.txt"}) {
		t.Errorf("after Open: %v", names)
	}
	if s.Manifest.Generation != 0 || s.Len() != 0 {
		t.Errorf("a new state: %+v", s.Manifest)
	}
	_, err = Open(context.Background(), dir, Options{Wait: 100 * time.Millisecond})
	if !errors.Is(err, lock.ErrLocked) {
		t.Errorf("second Open: %v", err)
	}
	s.Close()
	s2, err := Open(context.Background(), dir, Options{})
	if err != nil {
		t.Fatalf("after Close: %v", err)
	}
	s2.Close()
}

func TestDiffParams(t *testing.T) {
	a := Params{Parameters: dedup.Parameters{Shingle: "word:3", Threshold: 0.3, Hashes: 128, Window: "48h", ShortWindow: "off"}}
	b := a
	if d := diffParams(a, b); len(d) != 0 {
		t.Errorf("equal: %v", d)
	}
	b.Threshold, b.Hashes = 0.5, 64
	if d := diffParams(a, b); !reflect.DeepEqual(d, []string{"hashes: state 128, flags 64", "threshold: state 0.3, flags 0.5"}) {
		t.Errorf("diffs: %v", d)
	}
	// A MANIFEST of an older neardup: durations as Duration.String wrote
	// them, no candidate_threshold. The same parameters, not a difference.
	var old Params
	if err := json.Unmarshal([]byte(`{"algorithm":0,"shingle":"word:3","threshold":0.3,"hashes":128,"window":"48h0m0s","short_window":"0s"}`), &old); err != nil {
		t.Fatal(err)
	}
	c := a
	c.Candidates = 0.2
	if d := diffParams(old, c); len(d) != 0 {
		t.Errorf("an older state's record: %v", d)
	}
	c.Window = "36h"
	if d := diffParams(old, c); !reflect.DeepEqual(d, []string{"window: state 48h0m0s, flags 36h"}) {
		t.Errorf("an older state's window against --window 36h: %v", d)
	}
}

// A stored match reads back as the outputs wrote it: the same four
// decimals, the same hours to the hundredth.
func TestMatchKeptAsWritten(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	for range 2000 {
		a := randomArticle(r, 0)
		a.Canonical = "c"
		a.Match = cluster.Match{Jaccard: r.Float64(), Containment: r.Float64(), Figures: r.Float64()*2 - 1, Names: -1,
			Hours: r.Float64() * 100, FigureOrder: r.Float64(), Lede: -1, Subjects: -1, P: r.Float64(), Reason: "model", Verified: true}
		got, err := decodeSegment(mustEncode(t, []Article{a}))
		if err != nil {
			t.Fatal(err)
		}
		m, w := got[0].Match, a.Match
		round4 := func(x float64) float64 { return math.Round(x*1e4) / 1e4 }
		if round4(m.Jaccard) != round4(w.Jaccard) || round4(m.Containment) != round4(w.Containment) || round4(m.FigureOrder) != round4(w.FigureOrder) ||
			math.Round(m.Hours*100) != math.Round(w.Hours*100) || m.Names != -1 || m.Lede != -1 || (w.Figures < 0) != (m.Figures < 0) || round4(m.P) != round4(w.P) {
			t.Fatalf("stored %+v, read %+v", w, m)
		}
	}
}

// A segment written as a commit writes it reads back, its signatures
// from the column; a reader expecting signatures of another length finds
// the state damaged, and a signature of another length than the segment's
// is refused when written.
func TestSegmentFile(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	arts := randomArticles(r, 100)
	dir := t.TempDir()
	f, err := writeSegment(dir, "s.nds", 1, 16, arts)
	if err != nil {
		t.Fatalf("%+v, %v", f, err)
	}
	path := filepath.Join(dir, "s.nds")
	sigs, n, names, values, release, err := readSegment(path, f, 16)
	if err != nil || n != len(arts) || len(sigs) != 16*n {
		t.Fatalf("%d records, %d values, %v", n, len(sigs), err)
	}
	var got []Article
	for noff, off := 0, 0; noff < len(names) || off < len(values); {
		rec, err := scanRecord(names[noff:], values[off:])
		if err != nil {
			t.Fatal(err)
		}
		a, err := rec.article(names[noff:], values[off:])
		if err != nil {
			t.Fatal(err)
		}
		if a.Evidence.Shingles > 0 {
			a.Evidence.Signature = sigs[16*len(got) : 16*len(got)+16]
		}
		got = append(got, a)
		noff += rec.nsize
		off += rec.vsize
	}
	if !reflect.DeepEqual(got, arts) {
		t.Fatalf("articles differ")
	}
	if err := release(); err != nil {
		t.Fatal(err)
	}
	var damaged *ErrDamaged
	if _, _, _, _, _, err := readSegment(path, f, 32); !errors.As(err, &damaged) {
		t.Errorf("read with 32 hashes: %v", err)
	}
	bad := randomArticle(r, 1)
	bad.Evidence.Shingles, bad.Evidence.Signature = 3, []uint16{1, 2}
	if _, err := writeSegment(dir, "bad.nds", 1, 16, []Article{bad}); err == nil {
		t.Error("a 2-value signature in a 16-value segment was written")
	}
}

// ReadHistory reads CURRENT again when the generation it named has just
// been replaced (a run committing while history reads, without a lock).
func TestReadHistoryFollowsSwitch(t *testing.T) {
	dir := t.TempDir()
	manifest := []byte(`{"format":1,"generation":2,"nights":[{"night":2,"date":"2026-11-26"}]}`)
	os.MkdirAll(filepath.Join(dir, genName(2)), 0o755)
	os.WriteFile(filepath.Join(dir, genName(2), manifestFile), manifest, 0o644)
	// CURRENT still names generation 1, already removed.
	os.WriteFile(filepath.Join(dir, currentFile), currentLine(genName(1), []byte("{}")), 0o644)
	go func() {
		time.Sleep(50 * time.Millisecond)
		os.WriteFile(filepath.Join(dir, currentFile+".tmp"), currentLine(genName(2), manifest), 0o644)
		os.Rename(filepath.Join(dir, currentFile+".tmp"), filepath.Join(dir, currentFile))
	}()
	m, err := ReadHistory(dir)
	if err != nil || m.Generation != 2 || len(m.Nights) != 1 {
		t.Fatalf("%+v, %v", m, err)
	}
	// A generation that stays missing is damage.
	os.WriteFile(filepath.Join(dir, currentFile), currentLine(genName(3), []byte("{}")), 0o644)
	var damaged *ErrDamaged
	if _, err := ReadHistory(dir); !errors.As(err, &damaged) {
		t.Errorf("missing generation: %v", err)
	}
}

// FuzzScanRecord feeds hostile bytes to the record reader directly (the
// segment fuzz target mostly meets zstd's checks first): it never panics,
// and what it reads decodes.
func FuzzScanRecord(f *testing.F) {
	r := rand.New(rand.NewPCG(6, 6))
	for i := range 4 {
		a := randomArticle(r, i)
		names, values := appendArticle(nil, nil, &a)
		f.Add(names, values)
	}
	f.Fuzz(func(t *testing.T, names, values []byte) {
		rec, err := scanRecord(names, values)
		if err != nil {
			return
		}
		if rec.nsize > len(names) || rec.vsize > len(values) {
			t.Fatalf("sizes %d, %d of %d, %d bytes", rec.nsize, rec.vsize, len(names), len(values))
		}
		rec.wordsOf(values, nil)
		if _, err := rec.article(names, values); err != nil {
			t.Fatalf("scanned but does not decode: %v", err)
		}
		if _, _, err := cluster.CountsOf(values[rec.evidence:rec.vsize], nil); err != nil {
			t.Fatalf("scanned but its counts do not read: %v", err)
		}
	})
}

// TestGoldenSegment: the segments of the compatibility fixture
// (testdata/golden/nights/state-02, written by the format of its time)
// decode to the articles it was written from, and encoding them again
// gives the same header, signature column and (decompressed) streams:
// the segment format has not drifted. zstd's compressed bytes are not
// compared, only what they hold: a library upgrade may compress
// otherwise.
func TestGoldenSegment(t *testing.T) {
	segs, err := filepath.Glob(filepath.Join("..", "testdata", "golden", "nights", "state-02", "gen-*", "seg-*.nds"))
	if err != nil || len(segs) != 2 {
		t.Fatalf("the fixture's segments: %v (%v), want 2", segs, err)
	}
	var ids []string
	for _, path := range segs {
		z, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		arts, err := decodeSegment(z)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, a := range arts {
			ids = append(ids, a.ID)
		}
		again, err := encodeSegment(arts)
		if err != nil {
			t.Fatal(err)
		}
		h1, s1, n1, names1, values1, err1 := parseSegment(z, false)
		h2, s2, n2, names2, values2, err2 := parseSegment(again, false)
		if err1 != nil || err2 != nil || h1 != h2 || n1 != n2 || !slices.Equal(s1, s2) || !bytes.Equal(names1, names2) || !bytes.Equal(values1, values2) || !bytes.Equal(z[:len(segMagic)+8], again[:len(segMagic)+8]) {
			t.Errorf("%s: encoding its %d articles again gives another segment (hashes %d/%d, records %d/%d, names %d/%d bytes, values %d/%d bytes; %v, %v)",
				path, len(arts), h1, h2, n1, n2, len(names1), len(names2), len(values1), len(values2), err1, err2)
		}
	}
	want := "a0000000 a0000001 a0000002 a0000003 a0000004 a0000005 a0000006 a0000007 a0000008 a0000009"
	if got := strings.Join(ids, " "); got != want {
		t.Errorf("the fixture's segments hold %s, want %s", got, want)
	}
}
