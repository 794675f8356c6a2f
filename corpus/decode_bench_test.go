package corpus

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
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

// benchRecords is how many records the decode benchmarks go through.
const benchRecords = 2000

// benchCorpusSHA256 is the hash of benchCorpus(benchRecords), the same in
// benchmarks/jsondecode: both decode the same bytes.
const benchCorpusSHA256 = "4c10491168708268219e7cdeac2320552e495880aaad6cfa7c85d9f2b20901ec"

// benchCorpus makes n JSONL records shaped like benchmarks/gen's and real
// wire copy: a numeric-looking string ID, a headline, a body of 2–6 KB in
// paragraphs (newlines, hence escapes), quotes, some non-ASCII words and
// figures, a source and an RFC 3339 date; encoded by encoding/json, as
// most producers of JSONL do. Keep it identical to the copy in
// benchmarks/jsondecode (TestBenchCorpus checks the hash).
func benchCorpus(n int) [][]byte {
	rng := rand.New(rand.NewPCG(1, 27))
	words := strings.Fields(`the a of to in and said on for was is that by with at from its
		it as be has have will would year percent million billion shares bank government minister
		company market prices oil trade talks officials week report rose fell agreed statement
		Reuters analysts quarter profit growth exports central rate inflation election parliament
		Zürich São Paulo Société Générale café naïve «accord» — über Ålesund Kraków`)
	sources := []string{"Reuters", "AFP", "AP", "dpa", "Agence Europe"}
	word := func() string { return words[rng.IntN(len(words))] }
	type rec struct {
		ID     string `json:"id"`
		Title  string `json:"title"`
		Text   string `json:"text"`
		Source string `json:"source"`
		Date   string `json:"date"`
	}
	lines := make([][]byte, n)
	for i := range lines {
		var title, body strings.Builder
		for j := range 6 + rng.IntN(6) {
			if j > 0 {
				title.WriteByte(' ')
			}
			title.WriteString(strings.ToUpper(word()))
		}
		size := 2000 + rng.IntN(4000)
		for body.Len() < size {
			for k := range 3 + rng.IntN(5) { // a sentence
				switch {
				case k > 0 && rng.IntN(12) == 0:
					fmt.Fprintf(&body, " %d.%d", rng.IntN(1000), rng.IntN(100))
				case k > 0 && rng.IntN(25) == 0:
					fmt.Fprintf(&body, ` "%s %s"`, word(), word())
				case k > 0:
					body.WriteString(" " + word())
				default:
					body.WriteString(word())
				}
			}
			body.WriteString(". ")
			if rng.IntN(4) == 0 {
				body.WriteString("\n    ")
			}
		}
		r := rec{
			ID:     fmt.Sprintf("%d", 100000+i),
			Title:  title.String(),
			Text:   strings.TrimSpace(body.String()),
			Source: sources[rng.IntN(len(sources))],
			Date:   fmt.Sprintf("2026-%02d-%02dT%02d:%02d:00Z", 1+rng.IntN(12), 1+rng.IntN(28), rng.IntN(24), rng.IntN(60)),
		}
		b, err := json.Marshal(r)
		if err != nil {
			panic(err)
		}
		lines[i] = b
	}
	return lines
}

// benchSets are the records the decode benchmarks go through: the
// generated ones, and the first benchRecords of Reuters-21578 (ASCII, 0.9 KB
// on average, a "topics" array, 7 % without text) when the project's
// shared data is there ($NEARDUP_REUTERS names another copy).
func benchSets(b *testing.B) []benchSet {
	sets := []benchSet{{"gen", benchCorpus(benchRecords)}}
	path := cmp.Or(os.Getenv("NEARDUP_REUTERS"), "../../shared/data/reuters21578/reuters21578.jsonl")
	data, err := os.ReadFile(path)
	if err != nil {
		b.Logf("no Reuters-21578 records: %v", err)
		return sets
	}
	var lines [][]byte
	for l := range bytes.Lines(data) {
		if len(lines) == benchRecords {
			break
		}
		lines = append(lines, bytes.TrimRight(l, "\n"))
	}
	return append(sets, benchSet{"reuters", lines})
}

type benchSet struct {
	name  string
	lines [][]byte
}

func TestBenchCorpus(t *testing.T) {
	h := sha256.New()
	for _, l := range benchCorpus(benchRecords) {
		h.Write(l)
		h.Write([]byte{'\n'})
	}
	if got := fmt.Sprintf("%x", h.Sum(nil)); got != benchCorpusSHA256 {
		t.Errorf("benchCorpus hash %s, want %s (change the copy in benchmarks/jsondecode with it)", got, benchCorpusSHA256)
	}
}

// BenchmarkDecode decodes every record into a Document, as a read worker
// does (before its process step), and reports ns/record and MB/s of JSON.
func BenchmarkDecode(b *testing.B) {
	for _, set := range benchSets(b) {
		b.Run(set.name, func(b *testing.B) { benchDecoders(b, set.lines) })
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
		b.Run(set.name, func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "records.jsonl")
			data := append(bytes.Join(set.lines, []byte{'\n'}), '\n')
			if err := os.WriteFile(path, data, 0o644); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				st, err := ReadProcessed(context.Background(), []string{path}, nil, Options{Workers: 1},
					func(int, *Document) int { return 0 }, func(Document, int) error { return nil })
				if err != nil || st.Read+st.SkippedTotal() != len(set.lines) {
					b.Fatalf("read %d of %d records: %v", st.Read, len(set.lines), err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(set.lines)), "ns/record")
		})
	}
}
