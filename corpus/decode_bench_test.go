package corpus

import (
	"bytes"
	"cmp"
	"context"
	"github.com/neardup/neardup/internal/benchrecords"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

// The JSON fast path (fastjson.go) against encoding/json, on the records of
// the read stage. The same records, made by the same generator, are decoded
// by github.com/segmentio/encoding/json and github.com/valyala/fastjson in
// benchmarks/jsondecode (a module of its own, so that neither is a
// dependency of the command); benchmarks/RESULTS.md has the figures side
// by side and the decision.
//
//	go test -run '^$' -bench Decode -benchtime 2s -count 5 ./corpus
//	(cd benchmarks/jsondecode && go test -run '^$' -bench Decode -benchtime 2s -count 5)

// benchSets are the records the decode benchmarks go through
// (internal/benchrecords); $NEARDUP_REUTERS names another copy of
// Reuters-21578.
func benchSets(b *testing.B) []benchrecords.Set {
	sets, err := benchrecords.Sets(cmp.Or(os.Getenv("NEARDUP_REUTERS"), "../../shared/data/reuters21578/reuters21578.jsonl"))
	if err != nil {
		b.Logf("no Reuters-21578 records: %v", err)
	}
	return sets
}

// BenchmarkDecode decodes every record into a Document, as a read worker
// does (before its process step), and reports ns/record and MB/s of JSON.
func BenchmarkDecode(b *testing.B) {
	for _, set := range benchSets(b) {
		b.Run(set.Name, func(b *testing.B) { benchDecoders(b, set.Lines) })
	}
}

func benchDecoders(b *testing.B, lines [][]byte) {
	size := 0
	for _, l := range lines {
		size += len(l) + 1
	}
	f := DefaultFields()
	rt := recordType(f)
	run := func(b *testing.B, decode func(line []byte) (Document, bool)) {
		b.SetBytes(int64(size))
		b.ReportAllocs()
		sum := 0
		for b.Loop() {
			for _, l := range lines {
				d, ok := decode(l)
				if !ok || d.ID == "" {
					b.Fatalf("not decoded: %.80s", l)
				}
				sum += len(d.Body)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(lines)), "ns/record")
	}
	b.Run("fastjson.go", func(b *testing.B) {
		var scratch []byte
		run(b, func(line []byte) (Document, bool) {
			scratch = scratch[:0]
			d, _, ok := fastRecord(line, f, &scratch)
			return d, ok
		})
	})
	b.Run("encoding-json", func(b *testing.B) {
		run(b, func(line []byte) (Document, bool) {
			d, _, err := decodeRecord(line, f, rt)
			_ = utf8.Valid(line) // the read stage counts invalid UTF-8 after encoding/json
			return d, err == nil
		})
	})
}

// BenchmarkReadStage reads the same records through ReadProcessed, on one
// worker, with a process step that does nothing: what the read stage costs
// a record besides the work of package dedup, of which decoding is a part.
func BenchmarkReadStage(b *testing.B) {
	for _, set := range benchSets(b) {
		b.Run(set.Name, func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "records.jsonl")
			data := append(bytes.Join(set.Lines, []byte{'\n'}), '\n')
			if err := os.WriteFile(path, data, 0o644); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				st, err := ReadProcessed(context.Background(), []string{path}, nil, Options{Workers: 1},
					func(int, *Document) int { return 0 }, func(Document, int) error { return nil })
				if err != nil || st.Read+st.SkippedTotal() != len(set.Lines) {
					b.Fatalf("read %d of %d records: %v", st.Read, len(set.Lines), err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(set.Lines)), "ns/record")
		})
	}
}
