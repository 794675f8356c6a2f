package jsondecode

import (
	"bytes"
	"cmp"
	stdjson "encoding/json"
	"errors"
	"fmt"
	"github.com/neardup/neardup/internal/benchrecords"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/neardup/neardup/corpus"
	segjson "github.com/segmentio/encoding/json"
	"github.com/valyala/fastjson"
)

// Run beside the fast path's benchmark in package corpus, in turns:
//
//	go test -run '^$' -bench Decode -benchtime 2s -count 1 ../../corpus
//	go test -run '^$' -bench Decode -benchtime 2s -count 1
//	GOEXPERIMENT=jsonv2 go test -run '^$' -bench Decode/./encoding-json-v2 # also encoding/json/v2
//
// Each decoder does what the read stage needs of a JSONL line: the five
// fields of corpus.DefaultFields into a corpus.Document (the ID a string
// or a number, the others strings or null), whether the text field is
// present (even null), the date parsed, and utf8.Valid over the line (the
// read stage counts invalid UTF-8). Strings may borrow from the line or
// the decoder's buffer where the decoder allows it, as fastjson.go's do:
// the read stage copies what outlives its process step.

// benchSets are the records the decode benchmarks go through
// (internal/benchrecords); $NEARDUP_REUTERS names another copy of
// Reuters-21578.
func benchSets(b *testing.B) []benchrecords.Set {
	sets, err := benchrecords.Sets(cmp.Or(os.Getenv("NEARDUP_REUTERS"), "../../../shared/data/reuters21578/reuters21578.jsonl"))
	if err != nil {
		b.Logf("no Reuters-21578 records: %v", err)
	}
	return sets
}

// parseDate is corpus's: RFC 3339 or YYYY-MM-DD, from 1900 on, "" none.
func parseDate(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		if t, err = time.Parse(time.DateOnly, s); err != nil {
			return time.Time{}, err
		}
	}
	if t = t.UTC(); t.Year() < corpus.MinYear {
		return time.Time{}, errors.New("placeholder date")
	}
	return t, nil
}

// record is the struct shape a reflection decoder is given: the ID raw (a
// string or a number), the rest *string (nil: null or absent; a line with
// a nil Text is then looked at again for the key, which is rare).
type record struct {
	ID     stdjson.RawMessage `json:"id"`
	Title  *string            `json:"title"`
	Text   *string            `json:"text"`
	Source *string            `json:"source"`
	Date   *string            `json:"date"`
}

type segRecord struct {
	ID     segjson.RawMessage `json:"id"`
	Title  *string            `json:"title"`
	Text   *string            `json:"text"`
	Source *string            `json:"source"`
	Date   *string            `json:"date"`
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// document finishes a reflection-decoded record.
func document(id []byte, title, text, source, date *string, unquote func([]byte, any) error) (corpus.Document, error) {
	d := corpus.Document{Title: deref(title), Body: deref(text), Source: deref(source)}
	id = bytes.TrimSpace(id)
	switch {
	case len(id) == 0 || string(id) == "null":
	case id[0] == '"':
		if err := unquote(id, &d.ID); err != nil {
			return d, err
		}
	default:
		d.ID = string(id)
	}
	var err error
	d.Published, err = parseDate(strings.TrimSpace(deref(date)))
	return d, err
}

func borrow(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// BenchmarkDecode decodes every record into a Document with each decoder,
// and reports ns/record and MB/s of JSON.
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
	run := func(b *testing.B, decode func(line []byte) (corpus.Document, error)) {
		b.SetBytes(int64(size))
		b.ReportAllocs()
		sum := 0
		for b.Loop() {
			for _, l := range lines {
				d, err := decode(l)
				if err != nil || d.ID == "" {
					b.Fatalf("not decoded (%v): %.80s", err, l)
				}
				sum += len(d.Body)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(lines)), "ns/record")
	}
	b.Run("encoding-json", func(b *testing.B) {
		run(b, func(line []byte) (corpus.Document, error) {
			_ = utf8.Valid(line)
			var r record
			if err := stdjson.Unmarshal(line, &r); err != nil {
				return corpus.Document{}, err
			}
			return document(r.ID, r.Title, r.Text, r.Source, r.Date, stdjson.Unmarshal)
		})
	})
	b.Run("segmentio", func(b *testing.B) {
		run(b, func(line []byte) (corpus.Document, error) {
			_ = utf8.Valid(line)
			var r segRecord
			if err := segjson.Unmarshal(line, &r); err != nil {
				return corpus.Document{}, err
			}
			return document(r.ID, r.Title, r.Text, r.Source, r.Date, segjson.Unmarshal)
		})
	})
	b.Run("segmentio-zerocopy", func(b *testing.B) {
		run(b, func(line []byte) (corpus.Document, error) {
			_ = utf8.Valid(line)
			var r segRecord
			if _, err := segjson.Parse(line, &r, segjson.ZeroCopy); err != nil {
				return corpus.Document{}, err
			}
			return document(r.ID, r.Title, r.Text, r.Source, r.Date, segjson.Unmarshal)
		})
	})
	if name, decode := jsonv2(); decode != nil {
		b.Run(name, func(b *testing.B) { run(b, decode) })
	}
	b.Run("valyala-fastjson", func(b *testing.B) { valyala(b, run, false) })
	b.Run("valyala-fastjson-validated", func(b *testing.B) { valyala(b, run, true) })
}

// valyala decodes with github.com/valyala/fastjson. Its Parser is lenient
// (a string ends at the first unescaped quote, control characters and bad
// escapes pass, NaN and Inf are numbers), so a decoder held to fastjson.go's
// contract — accept only what encoding/json accepts — must first run
// fastjson.ValidateBytes, which is strict: validate says whether it does.
func valyala(b *testing.B, run func(*testing.B, func([]byte) (corpus.Document, error)), validate bool) {
	var p fastjson.Parser
	run(b, func(line []byte) (corpus.Document, error) {
		var d corpus.Document
		if !utf8.Valid(line) {
			return d, errors.New("invalid UTF-8")
		}
		if validate {
			if err := fastjson.ValidateBytes(line); err != nil {
				return d, err
			}
		}
		v, err := p.ParseBytes(line)
		if err != nil {
			return d, err
		}
		o, err := v.Object()
		if err != nil {
			return d, err
		}
		var date string
		o.Visit(func(k []byte, v *fastjson.Value) {
			if err != nil {
				return
			}
			var dst *string
			switch string(k) {
			case "id":
				dst = &d.ID
			case "title":
				dst = &d.Title
			case "text":
				dst = &d.Body
			case "source":
				dst = &d.Source
			case "date":
				dst = &date
			default:
				return // another field: not looked at
			}
			var s string
			switch v.Type() {
			case fastjson.TypeString:
				s = borrow(v.GetStringBytes())
			case fastjson.TypeNull:
			case fastjson.TypeNumber:
				if string(k) != "id" {
					err = fmt.Errorf("field %q is not a string", k)
					return
				}
				s = string(v.MarshalTo(nil))
			default:
				err = fmt.Errorf("field %q is not a string", k)
				return
			}
			*dst = s
		})
		if err != nil {
			return d, err
		}
		d.Published, err = parseDate(strings.TrimSpace(date))
		return d, err
	})
}
