package corpus

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// fuzzStream parses data as format f in skip mode and checks the
// invariants every reader keeps, whatever the input: no panic, emitted
// documents are valid UTF-8 with a usable ID and some text, and every
// error is positioned and classified.
func fuzzStream(t *testing.T, data []byte, f format) {
	opts := Options{MaxBytes: 1 << 12, Workers: 2}
	opts.OnError = func(e *Error) error {
		if e.Pos.File != "fuzz" || e.Reason == "" || e.Err == nil {
			t.Fatalf("badly formed error %#v", e)
		}
		return nil
	}
	emit := func(d Document, _ struct{}) error {
		for _, s := range []string{d.ID, d.Title, d.Body, d.Source} {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 emitted: %q", s)
			}
		}
		if d.ID == "" || strings.ContainsFunc(d.ID, unicode.IsControl) || d.Title == "" && d.Body == "" {
			t.Fatalf("unusable document emitted: %+v", d)
		}
		return nil
	}
	r := newReader(context.Background(), opts, nil, emit)
	if _, err := r.run(func(p *producer) { p.stream("fuzz", "id", f, bytes.NewReader(data)) }); err != nil {
		t.Fatalf("skip mode returned %v", err)
	}
}

func FuzzJSONL(f *testing.F) {
	f.Add([]byte(`{"id": "a", "title": "T", "text": "body", "date": "2020-02-21"}` + "\n" + `{"id": 1, "text": null}`))
	f.Add([]byte("{\"id\": \"\xff\", \"text\": \"x\"}\n\n[1]\n{"))
	f.Add([]byte("\x1f\x8b\x08\x00\x00\x00\x00\x00"))
	f.Add([]byte("\uFEFF{\"id\": \"bom\", \"text\": \"x\"}\n \n\t\r\n\n{\"id\": \"b\", \"body\": \"y\"}\n  "))
	f.Add([]byte("{\"id\": \"a\", \"body\": \"x\"}\n[1]\nnull\n\"s\"\n{\"id\": \"a\xff\", \"text\": \"y\"}\n"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzStream(t, data, jsonlFormat) })
}

func FuzzCSV(f *testing.F) {
	f.Add([]byte("id,title,text,date\na,\"T, t\",\"multi\nline\",2018-09-14\nb,,x,\n"))
	f.Add([]byte("id,text\na,\"unterminated\nb,c,d\n"))
	f.Add([]byte("\uFEFFtext,id\n,\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzStream(t, data, csvFormat)
		fuzzStream(t, data, tsvFormat)
	})
}

func FuzzTXT(f *testing.F) {
	f.Add([]byte("\n\nTitle\nbody\n"))
	f.Add([]byte("\uFEFF\xff\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzStream(t, data, txtFormat) })
}

// FuzzFastRecord: whenever the one-pass decoder accepts a line, the
// encoding/json path decodes it without error to the same document.
func FuzzFastRecord(f *testing.F) {
	for _, s := range []string{
		`{"id": "a", "title": "T", "text": "body \u00e9 \ud83d\ude00 \ud800 x\n", "source": "AFP", "date": "2020-02-21"}`,
		`{"id": -1.5e3, "text": null, "extra": {"a": [1, true, null, "x\"y"]}, "": 3}`,
		`{"ID": "case", "text": "t"}`, `{"id": "dup", "id": "last", "text": "t"}`, ` { } `, `[1]`, `null`,
		`{"id": "a", "text": "t", "date": "2020-02-21T10:00:00+01:00"}`, `{"id": 01, "text": "t"}`,
		`{"id": "a", "body": "no text field"}`, `{"id": "a", "text": null}`, `{"id": "a", "Text": "folded"}`,
		`{"id": "a", "text": "t", "date": "0001-01-01T00:00:00Z"}`, `{"id": "a", "text": "t", "date": "1899-12-30"}`,
	} {
		f.Add([]byte(s))
	}
	fields := DefaultFields()
	rt := recordType(fields)
	f.Fuzz(func(t *testing.T, line []byte) {
		var scratch []byte
		fast, hasText, ok := fastRecord(line, fields, &scratch)
		if !ok {
			return
		}
		slow, rec, err := decodeRecord(line, fields, rt)
		if err != nil {
			t.Fatalf("fast path accepted %q, encoding/json rejects it: %v", line, err)
		}
		if fast.ID != slow.ID || fast.Title != slow.Title || fast.Body != slow.Body || fast.Source != slow.Source ||
			!fast.Published.Equal(slow.Published) || hasText != rec.hasText || rec.rawID != "" {
			t.Fatalf("%q: fast %+v (text field %v), encoding/json %+v (%+v)", line, fast, hasText, slow, rec)
		}
	})
}

// TestFastRecordStopBytes puts each byte that stops the string scan (quote,
// backslash, control character) and a non-ASCII letter at every position
// around the eight-byte steps: the fast path agrees with encoding/json.
func TestFastRecordStopBytes(t *testing.T) {
	fields := DefaultFields()
	rt := recordType(fields)
	for n := range 20 {
		for i := range n {
			for _, ins := range []string{`\"`, `\\`, `\n`, "\x01", "\u00e9", `\u00e9`} {
				text := strings.Repeat("a", i) + ins + strings.Repeat("b", n-i)
				line := []byte(`{"id": "x", "text": "` + text + `"}`)
				var scratch []byte
				fast, _, ok := fastRecord(line, fields, &scratch)
				slow, _, err := decodeRecord(line, fields, rt)
				switch {
				case ok && err != nil:
					t.Errorf("%q: fast path accepts, encoding/json: %v", line, err)
				case ok && fast.Body != slow.Body:
					t.Errorf("%q: fast %q, encoding/json %q", line, fast.Body, slow.Body)
				case !ok && err == nil && ins != "\x01":
					t.Errorf("%q: fast path refused a plain line", line)
				}
			}
		}
	}
}

// TestBatchesBoundedByBytes: large parsed articles (.txt files) go to the
// workers a few at a time, not batchItems at a time.
func TestBatchesBoundedByBytes(t *testing.T) {
	var sizes []int
	p := &producer{opts: &Options{}, send: func(items []item, _ []byte) bool {
		sizes = append(sizes, len(items))
		return true
	}}
	big := strings.Repeat("x", 600_000)
	for range 10 {
		p.add(item{kind: parsedDoc, doc: Document{ID: "a", Body: big}})
	}
	p.flush()
	if len(sizes) != 5 || sizes[0] != 2 {
		t.Errorf("batches of %v articles of 600 kB, want 5 batches of 2", sizes)
	}
}
