//go:build unix

package corpus_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/neardup/neardup/corpus"
)

// TestSpecialFiles: a named pipe in a walked directory is counted and
// passed over, never opened (opening it would wait for a writer for
// ever); named on the command line, it is an error that says how to read a
// pipe. A symbolic link to one is the same.
func TestSpecialFiles(t *testing.T) {
	dir := write(t, map[string]string{"a.jsonl": `{"id": "a", "text": "x"}` + "\n"})
	fifo := filepath.Join(dir, "feed.jsonl")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	if err := os.Symlink(fifo, filepath.Join(dir, "link.jsonl")); err != nil {
		t.Fatal(err)
	}
	type result struct {
		docs  []corpus.Document
		stats corpus.Stats
		errs  []string
		err   error
	}
	run := func(inputs []string, skip bool) result {
		done := make(chan result, 1)
		go func() {
			docs, stats, errs, err := read(t, inputs, "", corpus.Options{}, skip)
			done <- result{docs, stats, errs, err}
		}()
		select {
		case r := <-done:
			return r
		case <-time.After(10 * time.Second):
			t.Fatalf("reading %v hangs", inputs)
		}
		return result{}
	}
	r := run([]string{dir}, false)
	if r.err != nil || len(r.docs) != 1 || r.stats.Special != 2 || r.stats.Files != 1 {
		t.Errorf("directory: %v, %d docs, stats %+v; want 1 doc, 2 special files", r.err, len(r.docs), r.stats)
	}
	r = run([]string{fifo}, false)
	var ce *corpus.Error
	if !errors.As(r.err, &ce) || ce.Reason != corpus.Unreadable ||
		!strings.Contains(ce.Error(), "feed.jsonl: not a regular file but a named pipe") {
		t.Errorf("named pipe given: %v", r.err)
	}
	r = run([]string{fifo, filepath.Join(dir, "a.jsonl")}, true)
	if r.err != nil || len(r.docs) != 1 || r.stats.Skipped[corpus.Unreadable] != 1 {
		t.Errorf("named pipe given, skip mode: %v, %d docs, stats %+v", r.err, len(r.docs), r.stats)
	}
}
