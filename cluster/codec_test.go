package cluster

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/neardup/neardup/shingle"
)

// randomEvidence fills every field the encoding carries, with some lists
// empty and some pointers nil.
func randomEvidence(r *rand.Rand) Evidence {
	l16 := func() []uint16 {
		out := make([]uint16, r.IntN(3)*64)
		for i := range out {
			out[i] = uint16(r.Uint32())
		}
		return nilIfEmpty(out)
	}
	l32 := func() []uint32 {
		out := make([]uint32, r.IntN(5))
		for i := range out {
			out[i] = r.Uint32()
		}
		return nilIfEmpty(out)
	}
	l64 := func() []uint64 {
		out := make([]uint64, r.IntN(5))
		for i := range out {
			out[i] = r.Uint64()
		}
		return nilIfEmpty(out)
	}
	e := Evidence{Signature: l16(), Published: r.Int64() - 1<<62, Shingles: r.Int32(), NotHeadline: r.IntN(2) == 0}
	if r.IntN(4) == 0 {
		e.Published = Undated
	}
	e.Lede.N = uint8(r.IntN(LedeShingles + 1))
	for i := range e.Lede.N {
		e.Lede.Set[i] = uint16(r.Uint32())
	}
	if r.IntN(3) > 0 {
		e.Short = &Short{Figures: l64(), Names: l64(), Set: l64(), NWords: r.Int32(), Sentences: l32(), FigurePairs: l64(), NFigures: r.Int32()}
		if r.IntN(2) == 0 {
			a := &About{Own: l32(), OwnFigures: l32(), Names: l32(), Lower: l32(), Story: r.IntN(2) == 0, Flash: r.IntN(2) == 0, Untitled: r.IntN(2) == 0}
			a.Subject.Figures, a.Subject.Corrected = l64(), r.IntN(2) == 0
			for range r.IntN(4) {
				a.Subject.Words = append(a.Subject.Words, shingle.TitleWord{Stem: r.Uint64(), Whole: r.Uint64()})
			}
			e.Short.About = a
		}
	}
	return e
}

func nilIfEmpty[T any](l []T) []T {
	if len(l) == 0 {
		return nil
	}
	return l
}

func TestEvidenceRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var buf []byte
	var all []Evidence
	for range 2000 {
		e := randomEvidence(r)
		all = append(all, e)
		buf = AppendEvidence(buf, &e)
	}
	rest := buf
	for i, want := range all {
		got, next, err := DecodeEvidence(rest)
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("record %d:\n got %+v\nwant %+v", i, got, want)
		}
		rest = next
	}
	if len(rest) != 0 {
		t.Errorf("%d bytes left over", len(rest))
	}
}

// Every strict prefix of an encoding is an error, never a shorter record.
func TestEvidenceTruncated(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 200 {
		e := randomEvidence(r)
		b := AppendEvidence(nil, &e)
		for n := range len(b) {
			if _, _, err := DecodeEvidence(b[:n]); !errors.Is(err, ErrEvidence) {
				t.Fatalf("prefix %d of %d bytes: err %v", n, len(b), err)
			}
		}
	}
}

func TestEvidenceBadFlags(t *testing.T) {
	e := Evidence{Published: Undated}
	b := AppendEvidence(nil, &e)
	for _, flags := range []byte{2, 6, 8, 0x80} { // About without Short, an unknown flag
		b[0] = flags
		if _, _, err := DecodeEvidence(b); err == nil {
			t.Errorf("flags %#x accepted", flags)
		}
	}
}

func FuzzDecodeEvidence(f *testing.F) {
	r := rand.New(rand.NewPCG(5, 6))
	for range 8 {
		e := randomEvidence(r)
		f.Add(AppendEvidence(nil, &e))
	}
	f.Add([]byte{})
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, b []byte) {
		e, rest, err := DecodeEvidence(b)
		if err != nil {
			return
		}
		// What decodes re-encodes to the bytes it was read from.
		used := b[:len(b)-len(rest)]
		if again := AppendEvidence(nil, &e); !bytes.Equal(again, used) {
			t.Fatalf("re-encoded %x, read from %x", again, used)
		}
	})
}

// LayoutOf finds what DecodeEvidence reads, without decoding.
func TestEvidenceLayout(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for range 500 {
		e := randomEvidence(r)
		b := AppendEvidence(nil, &e)
		b = append(b, 0xAA) // what follows is not read
		l, err := LayoutOf(b)
		if err != nil {
			t.Fatal(err)
		}
		if l.Size != len(b)-1 || l.Published != e.Published || l.Shingles != e.Shingles || l.Hashes != len(e.Signature) || l.Short != (e.Short != nil) {
			t.Fatalf("layout %+v of %+v", l, e)
		}
		for k, v := range e.Signature {
			if got := uint16(b[l.Signature+2*k]) | uint16(b[l.Signature+2*k+1])<<8; got != v {
				t.Fatalf("signature value %d: %d, want %d", k, got, v)
			}
		}
		for n := range len(b) - 1 {
			if _, err := LayoutOf(b[:n]); err == nil {
				t.Fatalf("prefix %d of %d: no error", n, len(b)-1)
			}
		}
	}
}

// CountsOf reads what DecodeEvidence gives of About and Sentences.
func TestCountsOf(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	for range 500 {
		e := randomEvidence(r)
		about, sentences, err := CountsOf(AppendEvidence(nil, &e), nil)
		if err != nil {
			t.Fatal(err)
		}
		var want []uint32
		if e.Short != nil {
			want = e.Short.Sentences
		}
		if about != (e.Short != nil && e.Short.About != nil) || !reflect.DeepEqual(nilIfEmpty(sentences), want) {
			t.Fatalf("%v %v of %+v", about, sentences, e.Short)
		}
	}
}
