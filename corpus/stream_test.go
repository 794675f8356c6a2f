package corpus_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/neardup/neardup/corpus"
)

// TestWalkDirReadStreamEqualRead: reading each file WalkDir finds with
// ReadStream gives the documents, positions and counts Read gives for the
// directory, over every format (gzipped too), hidden and unknown files.
func TestWalkDirReadStreamEqualRead(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"a/one.txt":        "Title one\n\nBody of one.\n",
		"a/two.TXT":        "Title two\nBody two.\n",
		"b.jsonl":          `{"id":"j1","title":"T","text":"x y z","date":"2024-05-01"}` + "\n\n" + `{"id":"j2","text":"w"}` + "\n",
		"c.csv":            "id,text,source\nc1,hello there,AFP\n",
		"d.tsv":            "id\ttext\nt1\tsome text\n",
		".hidden.jsonl":    `{"id":"h","text":"no"}` + "\n",
		".dir/x.txt":       "hidden\n",
		"notes.md":         "ignored\n",
		"z/empty.jsonl":    `{"id":"e","text":""}` + "\n",
		"z/flashes.ndjson": `{"id":"f1","title":"FLASH"}` + "\n" + `{"id":"f2","title":"T2","text":"t"}` + "\n",
	}
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(`{"id":"g1","text":"zipped"}` + "\n"))
	zw.Close()
	if err := os.WriteFile(filepath.Join(dir, "y.jsonl.gz"), gz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var want []corpus.Document
	wantStats, err := corpus.Read(ctx, []string{dir}, nil, corpus.Options{}, func(d corpus.Document) error {
		want = append(want, d)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []corpus.Document
	var gotStats corpus.Stats
	gotStats.Skipped = map[corpus.Reason]int{}
	skips, err := corpus.WalkDir(dir, func(path, rel string) error {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		st, err := corpus.ReadStream(ctx, path, rel, f, corpus.Options{KeepBody: true}, nil,
			func(d corpus.Document, _ struct{}) error {
				got = append(got, d)
				return nil
			})
		gotStats.Files += st.Files
		gotStats.Read += st.Read
		gotStats.TitleOnly += st.TitleOnly
		for r, n := range st.Skipped {
			gotStats.Skipped[r] += n
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	gotStats.Ignored, gotStats.Special, gotStats.Outside = skips.Ignored, skips.Special, skips.Outside
	if len(want) != 9 || !slices.Equal(got, want) {
		t.Errorf("ReadStream over WalkDir: %+v\nRead: %+v", got, want)
	}
	if gotStats.Files != wantStats.Files || gotStats.Read != wantStats.Read || gotStats.Ignored != wantStats.Ignored ||
		gotStats.TitleOnly != wantStats.TitleOnly || gotStats.Skipped[corpus.Empty] != wantStats.Skipped[corpus.Empty] || wantStats.Ignored != 1 {
		t.Errorf("stats %+v, Read's %+v", gotStats, wantStats)
	}

	// A name of unknown format is an error handed to OnError.
	var reported *corpus.Error
	_, err = corpus.ReadStream(ctx, "x.md", "x.md", strings.NewReader("hi"), corpus.Options{OnError: func(e *corpus.Error) error {
		reported = e
		return nil
	}}, nil, func(corpus.Document, struct{}) error { return nil })
	if err != nil || reported == nil || reported.Reason != corpus.Unreadable {
		t.Errorf("unknown format: err %v, reported %v", err, reported)
	}
}
