package corpus_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/neardup/neardup/corpus"
)

// TestExclude: a directory named in Options.Exclude, however it is spelt,
// is not walked into; a named input is read even when excluded.
func TestExclude(t *testing.T) {
	dir := write(t, map[string]string{
		"a.txt":                "A\nalpha",
		"out/clusters.jsonl":   `{"cluster": 1}` + "\n",
		"out/drop.txt":         "a\n",
		"out/sub/deeper.txt":   "D\ndelta",
		"outside/b.txt":        "B\nbeta",
		"outside/skipped.html": "<p>",
	})
	read := func(inputs []string, exclude ...string) ([]string, corpus.Stats) {
		t.Helper()
		var ids []string
		st, err := corpus.Read(context.Background(), inputs, nil, corpus.Options{Exclude: exclude, OnError: func(*corpus.Error) error { return nil }}, func(d corpus.Document) error {
			ids = append(ids, d.ID)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return ids, st
	}
	// Without Exclude, a run's outputs are read as articles (and
	// clusters.jsonl as malformed records).
	all, st := read([]string{dir})
	if !slices.Equal(all, []string{"a", "out/drop", "out/sub/deeper", "outside/b"}) || st.Skipped[corpus.Malformed] != 1 {
		t.Fatalf("without Exclude: %v, %+v", all, st)
	}
	spelt := filepath.Join(dir, "outside", "..", "out") + "/"
	ids, st := read([]string{dir}, spelt, filepath.Join(dir, "missing"))
	if !slices.Equal(ids, []string{"a", "outside/b"}) || st.Files != 2 || st.Ignored != 1 {
		t.Errorf("with Exclude: %v, %+v", ids, st)
	}
	if ids, _ := read([]string{filepath.Join(dir, "out")}, filepath.Join(dir, "out")); len(ids) != 2 {
		t.Errorf("an excluded directory named as input: %v, want its 2 articles", ids)
	}
}
