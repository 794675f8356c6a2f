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
	r := &reader{
		ctx:  context.Background(),
		opts: Options{Fields: DefaultFields(), MaxBytes: 1 << 12, recordType: recordType(DefaultFields())},
		seen: make(map[string]seenAt),
	}
	r.opts.OnError = func(e *Error) error {
		if e.Pos.File != "fuzz" || e.Reason == "" || e.Err == nil {
			t.Fatalf("badly formed error %#v", e)
		}
		return nil
	}
	r.emit = func(d Document) error {
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
	if err := r.stream("fuzz", "id", f, bytes.NewReader(data)); err != nil {
		t.Fatalf("skip mode returned %v", err)
	}
}

func FuzzJSONL(f *testing.F) {
	f.Add([]byte(`{"id": "a", "title": "T", "text": "body", "date": "2020-02-21"}` + "\n" + `{"id": 1, "text": null}`))
	f.Add([]byte("{\"id\": \"\xff\", \"text\": \"x\"}\n\n[1]\n{"))
	f.Add([]byte("\x1f\x8b\x08\x00\x00\x00\x00\x00"))
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
