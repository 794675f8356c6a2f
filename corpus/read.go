// This file is the package's API: the input formats by extension, Read
// and ReadProcessed.

package corpus

import (
	"context"
	"io"
	"path/filepath"
	"strings"
)

type format int

const (
	unknown format = iota
	txtFormat
	jsonlFormat
	csvFormat
	tsvFormat
)

// formats is the one list of the input formats by extension: formatOf,
// Known, Extensions and ExtensionList (for the command's help and the
// errors that name the formats) are all built from it.
var formats = []struct {
	ext string // lower case, with the dot
	f   format
}{
	{".txt", txtFormat},
	{".jsonl", jsonlFormat},
	{".ndjson", jsonlFormat},
	{".csv", csvFormat},
	{".tsv", tsvFormat},
}

// gzipExts may follow a format's extension. Compression is recognised by
// its magic bytes, not by the name: these only let the name be known.
var gzipExts = []string{".gz", ".gzip"}

// formatOf tells the format from a file name, ignoring a trailing .gz.
// It also returns the name without its extensions.
func formatOf(name string) (format, string) {
	base := name
	for _, z := range gzipExts {
		if strings.HasSuffix(strings.ToLower(base), z) {
			base = base[:len(base)-len(z)]
			break
		}
	}
	ext := filepath.Ext(base)
	stem := base[:len(base)-len(ext)]
	ext = strings.ToLower(ext)
	for _, k := range formats {
		if k.ext == ext {
			return k.f, stem
		}
	}
	return unknown, stem
}

// Known reports whether Read recognises the file name's format.
func Known(name string) bool {
	f, _ := formatOf(name)
	return f != unknown
}

// Extensions returns the file extensions Read recognises, lower case and
// with the dot, in the order the documentation names them (.txt, .jsonl,
// .ndjson, .csv, .tsv). Any of them may be followed by .gz or .gzip, and
// they match in any case.
func Extensions() []string {
	exts := make([]string, len(formats))
	for i, k := range formats {
		exts[i] = k.ext
	}
	return exts
}

// ExtensionList names the recognised extensions for help texts and
// messages: ".txt, .jsonl, .ndjson, .csv or .tsv, optionally gzipped".
func ExtensionList() string {
	exts := Extensions()
	return strings.Join(exts[:len(exts)-1], ", ") + " or " + exts[len(exts)-1] + ", optionally gzipped"
}

// Read streams the documents of every input, in order, to emit. An input is
// a file, a directory (walked recursively in lexical order; files of unknown
// format and hidden files are ignored) or "-" for JSONL on stdin.
//
// It returns what it counted and the first error that stopped it: an error
// from emit, from Options.OnError, or ctx.Err().
func Read(ctx context.Context, inputs []string, stdin io.Reader, opts Options, emit func(Document) error) (Stats, error) {
	return ReadProcessed(ctx, inputs, stdin, opts, nil, func(d Document, _ struct{}) error { return emit(d) })
}

// ReadProcessed is Read with a step run in parallel: process is called for
// every document that passed the checks of its own record (text present,
// valid ID; not yet the duplicate-ID check, which needs the records before
// it), on one of Options.Workers goroutines — worker is its number, in
// [0, Workers) — concurrently and in no particular order. What it returns
// is handed to emit with the document, in input order.
//
// The strings of the Document that process sees are valid only during the
// call (they may point into a reused read buffer): copy what you keep. The
// Document handed to emit afterwards has no Body unless Options.KeepBody.
// With a nil process, ReadProcessed is Read.
func ReadProcessed[T any](ctx context.Context, inputs []string, stdin io.Reader, opts Options,
	process func(worker int, d *Document) T, emit func(Document, T) error) (Stats, error) {
	r := newReader(ctx, opts, process, emit)
	return r.run(func(p *producer) {
		for _, in := range inputs {
			if !p.input(in, stdin) {
				return
			}
		}
	})
}
