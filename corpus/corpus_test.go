package corpus_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/neardup/neardup/corpus"
)

// write creates files under a new temporary directory and returns it.
func write(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func gz(s string) string {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.String()
}

// read runs corpus.Read and returns the documents, the stats and the errors
// it was given (skip mode) or the error that stopped it (fail mode).
func read(t *testing.T, inputs []string, stdin string, opts corpus.Options, skip bool) ([]corpus.Document, corpus.Stats, []string, error) {
	t.Helper()
	var docs []corpus.Document
	var errs []string
	if skip {
		opts.OnError = func(e *corpus.Error) error {
			errs = append(errs, string(e.Reason)+": "+e.Error())
			return nil
		}
	}
	stats, err := corpus.Read(context.Background(), inputs, strings.NewReader(stdin), opts, func(d corpus.Document) error {
		docs = append(docs, d)
		return nil
	})
	return docs, stats, errs, err
}

func TestReadFormats(t *testing.T) {
	dir := write(t, map[string]string{
		"a/one.txt":       "\n\nTitle one\nBody of one.\nSecond line.\n",
		"a/b/two.txt":     "\uFEFFTitle two\r\nBody two\r\n",
		"feed.jsonl":      `{"id": "j1", "title": "T", "text": "Body j1", "source": "AFP", "date": "2020-02-21"}` + "\n\n" + `{"id": 42, "text": "numeric id", "date": "2020-02-21T10:30:00+01:00"}` + "\n",
		"feed.csv":        "id,title,text,date\nc1,\"Quoted, title\",\"multi\nline body\",2018-09-14\nc2,T2,body c2,\n",
		"feed.tsv":        "text\tid\nbody with \"bare\" quotes\tt1\n",
		"zipped.ndjson":   gz(`{"id": "z1", "text": "zipped body"}` + "\n"), // gzip without .gz
		"named.jsonl.gz":  gz(`{"id": "z2", "text": "named gz"}` + "\n"),
		"notes.md":        "ignored",
		".hidden/x.jsonl": `{"id": "hidden", "text": "never read"}`,
	})
	docs, stats, _, err := read(t, []string{dir}, "", corpus.Options{}, false)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		id, title, body, source string
		date                    time.Time
		line                    int
	}{
		{"a/b/two", "Title two", "Body two", "", time.Time{}, 0},
		{"a/one", "Title one", "Body of one.\nSecond line.", "", time.Time{}, 0},
		{"c1", "Quoted, title", "multi\nline body", "", time.Date(2018, 9, 14, 0, 0, 0, 0, time.UTC), 2},
		{"c2", "T2", "body c2", "", time.Time{}, 4},
		{"j1", "T", "Body j1", "AFP", time.Date(2020, 2, 21, 0, 0, 0, 0, time.UTC), 1},
		{"42", "", "numeric id", "", time.Date(2020, 2, 21, 9, 30, 0, 0, time.UTC), 3},
		{"t1", "", `body with "bare" quotes`, "", time.Time{}, 2},
		{"z2", "", "named gz", "", time.Time{}, 1},
		{"z1", "", "zipped body", "", time.Time{}, 1},
	}
	if len(docs) != len(want) {
		t.Fatalf("got %d documents, want %d: %+v", len(docs), len(want), docs)
	}
	for i, w := range want {
		d := docs[i]
		if d.ID != w.id || d.Title != w.title || d.Body != w.body || d.Source != w.source || !d.Published.Equal(w.date) || d.Pos.Line != w.line {
			t.Errorf("doc %d = %+v, want %+v", i, d, w)
		}
	}
	if stats.Files != 7 || stats.Ignored != 1 || stats.Read != 9 {
		t.Errorf("stats = %+v, want 7 files, 1 ignored, 9 read", stats)
	}
}

func TestReadFieldNamesAndStdin(t *testing.T) {
	in := `{"uid": "s1", "headline": "H", "body": "B", "agency": "AP", "published": "2021-01-02"}` + "\n"
	opts := corpus.Options{Fields: corpus.Fields{ID: "uid", Title: "headline", Text: "body", Source: "agency", Date: "published"}}
	docs, _, _, err := read(t, []string{"-"}, in, opts, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 1 || docs[0].ID != "s1" || docs[0].Title != "H" || docs[0].Body != "B" || docs[0].Source != "AP" ||
		docs[0].Pos.String() != "<stdin>:1" || docs[0].Published.Year() != 2021 {
		t.Errorf("got %+v", docs)
	}
	// Standard input may be gzipped too.
	docs, _, _, err = read(t, []string{"-"}, gz(in), opts, false)
	if err != nil || len(docs) != 1 {
		t.Errorf("gzipped stdin: %v, %d docs", err, len(docs))
	}
}

func TestReadErrors(t *testing.T) {
	long := `{"id": "big", "text": "` + strings.Repeat("x", 300) + `"}`
	truncated := gz(strings.Repeat(`{"id": "a", "text": "some text"}`+"\n", 1))
	truncated = truncated[:len(truncated)-6]
	badCRC := []byte(gz(`{"id": "a", "text": "some text"}` + "\n"))
	badCRC[len(badCRC)-8] ^= 0xff // the CRC-32 of the trailer
	tests := []struct {
		name    string
		files   map[string]string
		input   string // relative to the directory; "" reads it whole
		reason  corpus.Reason
		wantErr string // the start of the message, after the directory
	}{
		{"malformed JSON", map[string]string{"f.jsonl": "{\"id\": \"a\", \"text\": \"ok\"}\n{\"id\": \"b\", \"text\": \n"},
			"f.jsonl", corpus.Malformed, "f.jsonl:2: invalid JSON"},
		{"JSON array line", map[string]string{"f.jsonl": "[1, 2]\n"}, "f.jsonl", corpus.Malformed, "f.jsonl:1: line is a JSON array, want an object"},
		{"text not a string", map[string]string{"f.jsonl": `{"id": "a", "text": 5}` + "\n"}, "f.jsonl", corpus.Malformed,
			`f.jsonl:1: field "text" is not a string`},
		{"missing id", map[string]string{"f.jsonl": `{"text": "no id"}` + "\n"}, "f.jsonl", corpus.Malformed,
			`f.jsonl:1: empty or missing id`},
		{"bad date", map[string]string{"f.jsonl": `{"id": "a", "text": "t", "date": "21/02/2020"}` + "\n"}, "f.jsonl",
			corpus.Malformed, `f.jsonl:1: field "date": date "21/02/2020" is neither`},
		{"id with newline", map[string]string{"f.jsonl": `{"id": "a\nb", "text": "t"}` + "\n"}, "f.jsonl", corpus.Malformed,
			"f.jsonl:1: id"},
		{"a pair-label file", map[string]string{"pairs.jsonl": `{"a": "1", "b": "2", "label": "dup"}` + "\n"}, "pairs.jsonl", corpus.Malformed,
			`pairs.jsonl:1: empty or missing id (field "id"; fields seen: "a", "b", "label"); this looks like a pair-label file (a, b, label: neardup eval --pairs), not articles`},
		{"a gold-label file", map[string]string{"gold.jsonl": `{"id": "1", "cluster": "c"}` + "\n"}, "gold.jsonl", corpus.NoTextField,
			`gold.jsonl: no record has the text field "text" (fields seen: "cluster", "id"); its 1 articles would be matched on their titles alone; this looks like a gold-label file`},
		{"id with a line separator", map[string]string{"f.jsonl": `{"id": "story-42\u2028x", "text": "t"}` + "\n"}, "f.jsonl", corpus.Malformed,
			`f.jsonl:1: id "story-42\u2028x" contains a line or paragraph separator or a format character (U+2028)`},
		{"id with a bidi override", map[string]string{"f.jsonl": `{"id": "a\u202eb", "text": "t"}` + "\n"}, "f.jsonl", corpus.Malformed,
			`f.jsonl:1: id "a\u202eb" contains a line or paragraph separator or a format character (U+202E)`},
		{"id with a zero-width space", map[string]string{"f.csv": "id,text\na\u200bb,t\n"}, "f.csv", corpus.Malformed,
			`f.csv:2: id "a\u200bb" contains a line or paragraph separator or a format character (U+200B)`},
		{"id given twice by case", map[string]string{"f.jsonl": `{"id": "mine", "Id": "victim", "text": "t"}` + "\n"}, "f.jsonl", corpus.Malformed,
			`f.jsonl:1: keys "id" and "Id" both name the field "id"`},
		{"id key given twice", map[string]string{"f.jsonl": `{"id": "mine", "text": "t", "id": "victim"}` + "\n"}, "f.jsonl", corpus.Malformed,
			`f.jsonl:1: keys "id" and "id" both name the field "id"`},
		{"duplicate id names both places", map[string]string{
			"a.jsonl": `{"id": "x", "text": "one"}` + "\n",
			"b.csv":   "id,text\ny,other\nx,two\n",
		}, "", corpus.DuplicateID, `b.csv:3: duplicate id "x", first seen at `},
		{"csv field count", map[string]string{"f.csv": "id,text\na,b\nc,d,e\n"}, "f.csv", corpus.Malformed,
			"f.csv:3: wrong number of fields"},
		{"csv bad quote", map[string]string{"f.csv": "id,text\na,\"unterminated\n"}, "f.csv", corpus.Malformed, "f.csv:2:"},
		{"csv without id column", map[string]string{"f.csv": "key,text\na,b\n"}, "f.csv", corpus.Malformed,
			`f.csv:1: header has no id column "id"`},
		{"line too large", map[string]string{"f.jsonl": long + "\n" + `{"id": "ok", "text": "fine"}` + "\n"}, "f.jsonl",
			corpus.TooLarge, "f.jsonl:1: line longer than 200 bytes"},
		{"txt too large", map[string]string{"f.txt": "Title\n" + strings.Repeat("word ", 100)}, "f.txt", corpus.TooLarge,
			"f.txt: article larger than 200 bytes"},
		{"truncated gzip", map[string]string{"f.jsonl.gz": truncated}, "f.jsonl.gz", corpus.Unreadable,
			"f.jsonl.gz:2: truncated input"},
		{"gzip checksum", map[string]string{"f.jsonl.gz": string(badCRC)}, "f.jsonl.gz", corpus.Unreadable,
			"f.jsonl.gz:2: corrupt gzip stream"},
		{"gzip header", map[string]string{"f.jsonl.gz": "\x1f\x8b\x01garbage"}, "f.jsonl.gz", corpus.Unreadable,
			"f.jsonl.gz: gzip:"},
		{"missing file", map[string]string{}, "nope.jsonl", corpus.Unreadable, "nope.jsonl: stat: no such file"},
		{"unknown format", map[string]string{"f.doc": "x"}, "f.doc", corpus.Unreadable, "f.doc: unknown format"},
		{"JSON null line", map[string]string{"f.jsonl": "null\n"}, "f.jsonl", corpus.Malformed, "f.jsonl:1: line is JSON null, want an object"},
		{"JSON string line", map[string]string{"f.jsonl": `{"id": "a", "text": "t"}` + "\n\"text\"\n"}, "f.jsonl", corpus.Malformed,
			"f.jsonl:2: line is a JSON string, want an object"},
		{"JSON number line", map[string]string{"f.jsonl": "42\n"}, "f.jsonl", corpus.Malformed, "f.jsonl:1: line is a JSON number, want an object"},
		{"zero date", map[string]string{"f.jsonl": `{"id": "a", "text": "t", "date": "0001-01-01T00:00:00Z"}` + "\n"}, "f.jsonl",
			corpus.Malformed, `f.jsonl:1: field "date": date "0001-01-01T00:00:00Z" is before 1900`},
		{"spreadsheet epoch in CSV", map[string]string{"f.csv": "id,text,date\na,t,1899-12-30\n"}, "f.csv",
			corpus.Malformed, `f.csv:2: column "date": date "1899-12-30" is before 1900`},
		{"csv without text column", map[string]string{"f.csv": "id,title,body\na,T,b\n"}, "f.csv", corpus.Malformed,
			`f.csv:1: header has no text column "text" (columns: "id", "title", "body")`},
		{"jsonl without text field", map[string]string{"f.jsonl": `{"id": "a", "title": "T", "body": "b"}` + "\n" + `{"id": "b", "body": "c", "extra": 1}` + "\n"},
			"f.jsonl", corpus.NoTextField, `f.jsonl: no record has the text field "text" (fields seen: "body", "extra", "id", "title"); its 2 articles`},
		{"ids that collide once invalid UTF-8 is replaced", map[string]string{"f.jsonl": "{\"id\": \"a\xff\", \"text\": \"x\"}\n{\"id\": \"a\xfe\", \"text\": \"y\"}\n"},
			"f.jsonl", corpus.DuplicateID, `f.jsonl:2: duplicate id once invalid UTF-8 is replaced: id "a\xfe" here and id "a\xff" at `},
		{"csv ids that collide once invalid UTF-8 is replaced", map[string]string{"f.csv": "id,text\na\uFFFD,x\na\xfe,y\n"},
			"f.csv", corpus.DuplicateID, "f.csv:3: duplicate id once invalid UTF-8 is replaced: id \"a\\xfe\" here and id \"a\uFFFD\" at "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := write(t, tt.files)
			input := filepath.Join(dir, tt.input)
			opts := corpus.Options{MaxBytes: 200}
			_, _, err := readFail(t, input, opts)
			var ce *corpus.Error
			if !errors.As(err, &ce) {
				t.Fatalf("error %v (%T), want a *corpus.Error", err, err)
			}
			msg := strings.TrimPrefix(ce.Error(), dir+string(filepath.Separator))
			if !strings.HasPrefix(msg, tt.wantErr) || ce.Reason != tt.reason {
				t.Errorf("error %q (%s), want it to start with %q (%s)", msg, ce.Reason, tt.wantErr, tt.reason)
			}

			// The same input in skip mode goes on and counts the skip.
			_, stats, errs, err := read(t, []string{input}, "", opts, true)
			if err != nil {
				t.Fatalf("skip mode stopped: %v", err)
			}
			if len(errs) == 0 || stats.Skipped[tt.reason] == 0 {
				t.Errorf("skip mode: errors %v, skipped %v", errs, stats.Skipped)
			}
		})
	}
}

func readFail(t *testing.T, input string, opts corpus.Options) ([]corpus.Document, corpus.Stats, error) {
	docs, stats, _, err := read(t, []string{input}, "", opts, false)
	return docs, stats, err
}

func TestSkipModeGoesOn(t *testing.T) {
	dir := write(t, map[string]string{"f.jsonl": strings.Join([]string{
		`{"id": "a", "text": "first"}`,
		`not json`,
		`{"id": "a", "text": "again"}`,
		`{"id": "e", "text": "  ", "title": ""}`,
		"{\"id\": \"b\", \"text\": \"bad \xff byte\"}",
		`{"id": "c", "title": "title only"}`,
	}, "\n")})
	docs, stats, errs, err := read(t, []string{dir}, "", corpus.Options{}, true)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, d := range docs {
		ids = append(ids, d.ID)
	}
	if strings.Join(ids, ",") != "a,b,c" {
		t.Errorf("ids %v, want a,b,c", ids)
	}
	if docs[1].Body != "bad \uFFFD byte" || stats.InvalidUTF8 != 1 {
		t.Errorf("invalid UTF-8: body %q, counted %d", docs[1].Body, stats.InvalidUTF8)
	}
	if stats.Skipped[corpus.Malformed] != 1 || stats.Skipped[corpus.DuplicateID] != 1 || stats.Skipped[corpus.Empty] != 1 ||
		stats.SkippedTotal() != 3 || len(errs) != 2 {
		t.Errorf("skipped %v (total %d), errors %v", stats.Skipped, stats.SkippedTotal(), errs)
	}
	if docs[2].Text() != "title only" {
		t.Errorf("title-only article: Text() = %q", docs[2].Text())
	}
}

func TestInvalidUTF8InTxtAndCSV(t *testing.T) {
	dir := write(t, map[string]string{
		"a.txt": "Caf\xe9 title\nbody \xe9\n",
		"b.csv": "id,text\nb,caf\xe9\n",
	})
	docs, stats, _, err := read(t, []string{dir}, "", corpus.Options{}, false)
	if err != nil {
		t.Fatal(err)
	}
	if stats.InvalidUTF8 != 2 || docs[0].Title != "Caf\uFFFD title" || docs[1].Body != "caf\uFFFD" {
		t.Errorf("stats %+v, docs %+v", stats, docs)
	}
}

func TestEmitErrorStops(t *testing.T) {
	dir := write(t, map[string]string{"f.jsonl": `{"id": "a", "text": "x"}` + "\n" + `{"id": "b", "text": "y"}` + "\n"})
	stop := errors.New("stop")
	n := 0
	_, err := corpus.Read(context.Background(), []string{dir}, nil, corpus.Options{}, func(corpus.Document) error {
		n++
		return stop
	})
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("err %v after %d documents, want stop after 1", err, n)
	}
}

func TestKnown(t *testing.T) {
	for name, want := range map[string]bool{
		"a.txt": true, "a.JSONL": true, "a.ndjson.gz": true, "a.csv.gzip": true, "a.tsv": true,
		"a.json": false, "a.gz": false, "README": false,
	} {
		if corpus.Known(name) != want {
			t.Errorf("Known(%q) = %v", name, !want)
		}
	}
}

// TestExtensions: the one list of extensions is what Known recognises,
// and the package doc and the README's format table name each of them.
func TestExtensions(t *testing.T) {
	exts := corpus.Extensions()
	if len(exts) == 0 || corpus.ExtensionList() != ".txt, .jsonl, .ndjson, .csv or .tsv, optionally gzipped" {
		t.Errorf("Extensions() = %q, ExtensionList() = %q", exts, corpus.ExtensionList())
	}
	doc, err := os.ReadFile("corpus.go")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range exts {
		if !corpus.Known("a"+e) || !corpus.Known("a"+strings.ToUpper(e)+".gz") {
			t.Errorf("Known does not recognise %q", e)
		}
		if !strings.Contains(string(doc), "//   - "+e) && !strings.Contains(string(doc), ", "+e+":") {
			t.Errorf("the package doc does not name %q", e)
		}
		if !strings.Contains(string(readme), "`"+e+"`") {
			t.Errorf("README.md does not name %q", e)
		}
	}
}

// TestParallelJSONLSameAsSequential: parsing JSONL on several workers gives
// the same documents, counts and errors, in the same order, as parsing it
// in one goroutine — in skip mode and in fail mode.
func TestParallelJSONLSameAsSequential(t *testing.T) {
	var b strings.Builder
	for i := range 3000 {
		switch {
		case i%97 == 5:
			b.WriteString("{broken\n")
		case i%89 == 7:
			b.WriteString("\n")
		case i%83 == 3:
			fmt.Fprintf(&b, `{"id": "d%d", "text": "duplicate of an earlier id"}`+"\n", i-1)
		case i%71 == 1:
			fmt.Fprintf(&b, "{\"id\": \"u%d\", \"text\": \"bad \xff byte\"}\n", i)
		case i%67 == 2:
			fmt.Fprintf(&b, `{"id": "long%d", "text": "%s"}`+"\n", i, strings.Repeat("x", 300))
		default:
			fmt.Fprintf(&b, `{"id": "d%d", "title": "T%d", "text": "body %d"}`+"\n", i, i, i)
		}
	}
	b.WriteString(`{"id": "last", "text": "no newline at the end"}`)
	dir := write(t, map[string]string{"f.jsonl": b.String()})
	type outcome struct {
		ids   []string
		stats string
		errs  []string
		err   string
	}
	run := func(workers int, skip bool) outcome {
		docs, stats, errs, err := read(t, []string{dir}, "", corpus.Options{MaxBytes: 200, Workers: workers}, skip)
		o := outcome{stats: fmt.Sprint(stats), errs: errs, err: fmt.Sprint(err)}
		for _, d := range docs {
			o.ids = append(o.ids, d.ID+"@"+d.Pos.String())
			// Strings are copied out of the reused read buffers: still
			// intact now that the whole file has been read.
			if n, ok := strings.CutPrefix(d.ID, "d"); ok && d.Body != "duplicate of an earlier id" &&
				(d.Title != "T"+n || d.Body != "body "+n) {
				t.Fatalf("document %s came out as %q / %q", d.ID, d.Title, d.Body)
			}
		}
		return o
	}
	for _, skip := range []bool{true, false} {
		seq, par := run(1, skip), run(4, skip)
		if !slices.Equal(seq.ids, par.ids) || seq.stats != par.stats || !slices.Equal(seq.errs, par.errs) || seq.err != par.err {
			t.Errorf("skip=%v: parallel differs from sequential:\n%.500v\n%.500v", skip, seq, par)
		}
		if skip && (len(seq.ids) < 2500 || len(seq.errs) < 100) {
			t.Errorf("the test input did not exercise much: %d docs, %d errors", len(seq.ids), len(seq.errs))
		}
		if !skip && seq.err == "<nil>" {
			t.Error("fail mode did not stop")
		}
	}
}

// TestReadProcessed: process sees every document that passed its own
// record's checks (duplicates included: they are found in order, later),
// on a worker in range; its value reaches emit with its document, in input
// order; the body is dropped unless KeepBody.
func TestReadProcessed(t *testing.T) {
	var b strings.Builder
	for i := range 2000 {
		fmt.Fprintf(&b, `{"id": "d%d", "title": "T\u00e9%d", "text": "body\n%d"}`+"\n", i%1500, i, i)
	}
	b.WriteString(`{"id": "e", "text": " "}` + "\n" + `{"text": "no id"}` + "\n")
	dir := write(t, map[string]string{"f.jsonl": b.String()})
	for _, keep := range []bool{false, true} {
		var calls atomic.Int64
		process := func(w int, d *corpus.Document) string {
			calls.Add(1)
			if w < 0 || w >= 3 {
				t.Errorf("worker %d out of [0, 3)", w)
			}
			return d.ID + "|" + d.Body // copies: d's strings are borrowed
		}
		var got []string
		opts := corpus.Options{Workers: 3, KeepBody: keep, OnError: func(*corpus.Error) error { return nil }}
		stats, err := corpus.ReadProcessed(context.Background(), []string{dir}, nil, opts, process, func(d corpus.Document, v string) error {
			if v != d.ID+"|body\n"+strings.TrimPrefix(d.Title, "T\u00e9") {
				t.Errorf("document %s (%q) got value %q", d.ID, d.Title, v)
			}
			if keep != (d.Body != "") {
				t.Errorf("KeepBody %v, body %q", keep, d.Body)
			}
			got = append(got, d.ID)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1500 || got[0] != "d0" || got[1499] != "d1499" || stats.Skipped[corpus.DuplicateID] != 500 {
			t.Errorf("emitted %d documents (%v … ), stats %+v", len(got), got[:3], stats)
		}
		if calls.Load() != 2000 { // not the empty one nor the one without ID
			t.Errorf("process called %d times, want 2000", calls.Load())
		}
	}
}

// TestReadCancelled: cancelling the context stops a read promptly, with
// the context's error, and leaves no goroutine behind.
func TestReadCancelled(t *testing.T) {
	var b strings.Builder
	for i := range 20000 {
		fmt.Fprintf(&b, `{"id": "d%d", "text": "body %d"}`+"\n", i, i)
	}
	dir := write(t, map[string]string{"f.jsonl": b.String(), "g.csv": "id,text\nc1,x\n"})
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	_, err := corpus.ReadProcessed(ctx, []string{dir}, nil, corpus.Options{Workers: 4},
		func(int, *corpus.Document) int { return 1 },
		func(corpus.Document, int) error {
			if n++; n == 1000 {
				cancel()
			}
			return nil
		})
	if !errors.Is(err, context.Canceled) || n >= 20000 {
		t.Errorf("err %v after %d documents, want context.Canceled well before the end", err, n)
	}
	for range 100 {
		if runtime.NumGoroutine() <= before {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("%d goroutines before the read, %d after", before, runtime.NumGoroutine())
}

// TestReadLongLines: lines longer than a batch buffer, up to MaxBytes, are
// read whole, and the ones around them intact.
func TestReadLongLines(t *testing.T) {
	big := strings.Repeat("word ", 700_000) // 3.5 MB, more than a batch buffer
	var b strings.Builder
	for i := range 5 {
		fmt.Fprintf(&b, `{"id": "s%d", "text": "short %d"}`+"\n", i, i)
		fmt.Fprintf(&b, `{"id": "b%d", "text": "%s%d"}`+"\n", i, big, i)
	}
	dir := write(t, map[string]string{"f.jsonl": b.String()})
	docs, _, _, err := read(t, []string{dir}, "", corpus.Options{Workers: 2}, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 10 {
		t.Fatalf("%d documents, want 10", len(docs))
	}
	for i, d := range docs {
		n := i / 2
		want := fmt.Sprintf("short %d", n)
		if i%2 == 1 {
			want = big + fmt.Sprint(n)
		}
		if d.Body != want {
			t.Errorf("document %s: body of %d bytes, want %d", d.ID, len(d.Body), len(want))
		}
	}
}

// TestReadProcessedAllFormats: the process step runs for .txt, CSV and
// TSV records as for JSONL lines.
func TestReadProcessedAllFormats(t *testing.T) {
	dir := write(t, map[string]string{
		"a.txt": "Title\nbody of a\n", "b.csv": "id,text\nb1,body of b1\nb2,body of b2\n",
		"c.tsv": "id\ttext\nc1\tbody of c1\n", "d.jsonl": `{"id": "d1", "text": "body of d1"}` + "\n",
	})
	var got []string
	_, err := corpus.ReadProcessed(context.Background(), []string{dir}, nil, corpus.Options{Workers: 2},
		func(_ int, d *corpus.Document) string { return strings.TrimPrefix(d.Body, "body of ") },
		func(d corpus.Document, v string) error {
			got = append(got, d.ID+"="+v)
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	if want := "a=a b1=b1 b2=b2 c1=c1 d1=d1"; strings.Join(got, " ") != want {
		t.Errorf("got %v, want %s", got, want)
	}
}

// TestTextField: a JSONL file whose records lack the text field is read
// when some of its records have it (title-only flashes, counted), and is
// an error when none has it — the fields are misnamed, and its articles
// would be matched on their titles alone. Held-back records come out in
// input order once a record with the field arrives.
func TestTextField(t *testing.T) {
	tests := []struct {
		name       string
		file       string
		opts       corpus.Options
		ids        string // emitted, in order; "" with wantErr
		titleOnly  int
		noField    int
		wantErr    string // fail mode's error, after the directory
		skipped    int    // skip mode: records skipped as no_text_field
		skipReason corpus.Reason
	}{
		{name: "Reuters-like flashes: field empty or absent in some records",
			file: `{"id": "1", "title": "FLASH ONE", "text": ""}` + "\n" + `{"id": "2", "title": "T", "text": "a story"}` + "\n" +
				`{"id": "3", "title": "FLASH THREE"}` + "\n" + `{"id": "4", "title": "FLASH FOUR", "text": null}` + "\n",
			ids: "1 2 3 4", titleOnly: 3, noField: 1},
		{name: "records before the first with the field are held back, then emitted in order",
			file: `{"id": "a", "title": "A"}` + "\n" + `{"id": "b", "title": "B"}` + "\n" + `{"broken` + "\n" +
				`{"id": "c", "text": "C"}` + "\n" + `{"id": "d", "title": "D"}` + "\n",
			ids: "a b c d", titleOnly: 3, noField: 3, wantErr: "f.jsonl:3: invalid JSON"},
		{name: "every record null: the field is named, the texts are missing",
			file: `{"id": "a", "title": "A", "text": null}` + "\n", ids: "a", titleOnly: 1},
		{name: "no record has the field",
			file:    `{"id": "a", "title": "A", "body": "x"}` + "\n" + `{"id": "b", "title": "B", "body": "y"}` + "\n" + `{"id": "c"}` + "\n",
			wantErr: `f.jsonl: no record has the text field "text" (fields seen: "body", "id", "title"); its 3 articles would be matched on their titles alone`,
			skipped: 3, skipReason: corpus.NoTextField},
		{name: "--text-field nosuch", opts: corpus.Options{Fields: corpus.Fields{ID: "id", Title: "title", Text: "nosuch", Source: "source", Date: "date"}},
			file:    `{"id": "a", "title": "A", "text": "x"}` + "\n",
			wantErr: `f.jsonl: no record has the text field "nosuch" (fields seen: "id", "text", "title")`,
			skipped: 1, skipReason: corpus.NoTextField},
		{name: "field matched case-insensitively, as encoding/json does",
			file: `{"id": "a", "Text": "x"}` + "\n", ids: "a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := write(t, map[string]string{"f.jsonl": tt.file})
			input := filepath.Join(dir, "f.jsonl")
			docs, stats, errs, err := read(t, []string{input}, "", tt.opts, true)
			if err != nil {
				t.Fatalf("skip mode: %v", err)
			}
			var ids []string
			for _, d := range docs {
				ids = append(ids, d.ID)
			}
			if got := strings.Join(ids, " "); got != tt.ids || stats.TitleOnly != tt.titleOnly || stats.NoTextField != tt.noField {
				t.Errorf("skip mode: ids %q, title-only %d, without the field %d; want %q, %d, %d (errors %v)",
					got, stats.TitleOnly, stats.NoTextField, tt.ids, tt.titleOnly, tt.noField, errs)
			}
			if tt.skipReason != "" && stats.Skipped[tt.skipReason] != tt.skipped {
				t.Errorf("skip mode: skipped %v, want %d %s", stats.Skipped, tt.skipped, tt.skipReason)
			}
			_, _, err = readFail(t, input, tt.opts)
			msg := ""
			if err != nil {
				msg = strings.TrimPrefix(err.Error(), dir+string(filepath.Separator))
			}
			if tt.wantErr == "" && err != nil || !strings.HasPrefix(msg, tt.wantErr) {
				t.Errorf("fail mode: error %q, want %q", msg, tt.wantErr)
			}
		})
	}
}

// TestTextFieldPerFile: the rule is per file — a file without the field is
// an error even when another file has it, and the next file starts afresh.
func TestTextFieldPerFile(t *testing.T) {
	dir := write(t, map[string]string{
		"a.jsonl": `{"id": "a1", "text": "x"}` + "\n",
		"b.jsonl": `{"id": "b1", "body": "y"}` + "\n",
		"c.jsonl": `{"id": "c1", "title": "T"}` + "\n" + `{"id": "c2", "text": "z"}` + "\n",
	})
	docs, stats, errs, err := read(t, []string{dir}, "", corpus.Options{}, true)
	if err != nil || len(docs) != 3 || len(errs) != 1 || !strings.Contains(errs[0], "b.jsonl: no record has the text field") ||
		stats.Skipped[corpus.NoTextField] != 1 || stats.NoTextField != 1 {
		t.Errorf("err %v, %d docs, errors %v, stats %+v", err, len(docs), errs, stats)
	}
}

// TestJSONLByteOrderMark: a UTF-8 byte-order mark before the first line
// of a JSONL file (plain, gzipped or on standard input) is not part of it.
func TestJSONLByteOrderMark(t *testing.T) {
	content := "\uFEFF" + `{"id": "a", "text": "first"}` + "\n" + `{"id": "b", "text": "second"}` + "\n"
	dir := write(t, map[string]string{"f.jsonl": content, "g.jsonl.gz": gz(strings.NewReplacer(`"a"`, `"c"`, `"b"`, `"d"`).Replace(content))})
	docs, _, _, err := read(t, []string{dir}, "", corpus.Options{}, false)
	if err != nil || len(docs) != 4 || docs[0].ID != "a" || docs[0].Pos.Line != 1 {
		t.Errorf("files: %v, %+v", err, docs)
	}
	docs, _, _, err = read(t, []string{"-"}, strings.ReplaceAll(content, `"a"`, `"s"`), corpus.Options{}, false)
	if err != nil || len(docs) != 2 || docs[0].ID != "s" {
		t.Errorf("stdin: %v, %+v", err, docs)
	}
}

// TestBlankLines: runs of blank lines (empty, spaces, tabs, CRLF), longer
// than the read buffer or straddling its edge, are passed over with the
// line numbers after them right; a line of spaces before a record is kept.
func TestBlankLines(t *testing.T) {
	var b strings.Builder
	want := map[string]int{}
	line := 0
	add := func(s string) {
		b.WriteString(s)
		line += strings.Count(s, "\n")
	}
	rec := func(id string) {
		want[id] = line + 1
		add(fmt.Sprintf(`{"id": %q, "text": "t"}`+"\n", id))
	}
	rec("a")
	add(strings.Repeat("\n", 200_000))
	rec("b")
	add(strings.Repeat(" \t\r\n", 30_000) + strings.Repeat(" ", 100_000) + "\n")
	rec("c")
	add(strings.Repeat("\n", 65_530) + "        ") // a record indented across the buffer's edge
	want["d"] = line + 1
	add(`{"id": "d", "text": "t"}` + "\n\r\n")
	add("   ") // blanks, no newline, at the end
	dir := write(t, map[string]string{"f.jsonl": b.String()})
	docs, stats, _, err := read(t, []string{dir}, "", corpus.Options{MaxBytes: 200_000}, false)
	if err != nil || len(docs) != 4 || stats.SkippedTotal() != 0 {
		t.Fatalf("%v, %d docs, stats %+v", err, len(docs), stats)
	}
	for _, d := range docs {
		if d.Pos.Line != want[d.ID] {
			t.Errorf("document %s at line %d, want %d", d.ID, d.Pos.Line, want[d.ID])
		}
	}
}

// TestStdinCancelled: a read of standard input that blocks (a pipe whose
// writer neither writes nor closes) gives way when the context is
// cancelled.
func TestStdinCancelled(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	done := make(chan error, 1)
	go func() {
		_, err := corpus.Read(ctx, []string{"-"}, pr, corpus.Options{}, func(corpus.Document) error { return nil })
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Read of a blocked standard input ignored cancellation")
	}
}

// Links in an INPUT directory to files outside it are not followed, and
// are counted; links within it are read (issue 25, defect 7).
func TestLinksLeavingInput(t *testing.T) {
	dir := write(t, map[string]string{
		"secret.txt":       "Secret\nNot for the outputs.\n",
		"feed/a.jsonl":     `{"id": "a", "text": "Body a"}` + "\n",
		"feed/sub/c.txt":   "Title c\nBody c.\n",
		"feed/sub/far.txt": "Title far\nBody far.\n",
	})
	feed := filepath.Join(dir, "feed")
	for link, target := range map[string]string{
		"l1.txt": filepath.Join("..", "secret.txt"), // leaves the tree
		"l2.txt": filepath.Join("sub", "c.txt"),     // stays in it
		"l3.txt": filepath.Join(dir, "secret.txt"),  // absolute, leaves
	} {
		if err := os.Symlink(target, filepath.Join(feed, link)); err != nil {
			t.Skip("no symbolic links here:", err)
		}
	}
	docs, stats, err := readFail(t, feed, corpus.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, d := range docs {
		titles = append(titles, d.Title)
	}
	if slices.Contains(titles, "Secret") || len(docs) != 4 || stats.Outside != 2 {
		t.Errorf("read %q, %d links outside counted; want 4 articles without the secret, 2 links", titles, stats.Outside)
	}
	skips, err := corpus.WalkDir(feed, func(path, rel string) error {
		if strings.Contains(rel, "l1") || strings.Contains(rel, "l3") {
			t.Errorf("WalkDir gave the link %s", rel)
		}
		return nil
	})
	if err != nil || skips.Outside != 2 {
		t.Errorf("WalkDir: %+v, %v", skips, err)
	}
}

// A label file among the articles is said once, in skip mode, its other
// records counted (issue 27, item 2).
func TestLabelFileSaidOnce(t *testing.T) {
	var b strings.Builder
	for i := range 10 {
		fmt.Fprintf(&b, `{"a": "%d", "b": "%d", "label": "dup"}`+"\n", i, i+1)
	}
	dir := write(t, map[string]string{"pairs.jsonl": b.String(), "articles.jsonl": `{"id": "x", "text": "a text"}` + "\n"})
	docs, stats, errs, err := read(t, []string{dir}, "", corpus.Options{}, true)
	if err != nil || len(docs) != 1 {
		t.Fatalf("read %d articles, %v", len(docs), err)
	}
	if len(errs) != 1 || !strings.Contains(errs[0], "looks like a pair-label file") || stats.Skipped[corpus.Malformed] != 10 {
		t.Errorf("errors %q, %d skipped; want one error for the file and its 10 records counted", errs, stats.Skipped[corpus.Malformed])
	}
}
