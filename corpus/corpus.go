// Package corpus reads news articles from files and streams them as Documents.
//
// Formats, chosen by file extension (after an optional .gz):
//
//   - .txt: one article per file. The first non-empty line is the title, the
//     rest is the body. The ID is the path relative to the input directory,
//     without extension, with forward slashes (a lone file: its base name).
//   - .jsonl, .ndjson: one JSON object per line with the fields named in
//     Fields (id, title, text, source, date by default). Blank lines are
//     passed over cheaply; a UTF-8 byte-order mark before the first line is
//     ignored.
//   - .csv, .tsv: a header row naming the same fields, then one article per row.
//
// Any of these may be gzip-compressed; compression is recognised by its magic
// bytes, not by the name. Standard input ("-") is read as JSONL. Extensions
// and ExtensionList give the recognised extensions, for help texts and
// messages.
//
// Dates are RFC 3339 or YYYY-MM-DD, from MinYear on; an empty date means
// "unknown".
//
// The text field must exist: a CSV header without its column, or a JSONL
// file none of whose records has it (present and null or "" counts), is an
// error (NoTextField) naming the fields seen, for its articles would
// otherwise be matched on their titles alone. A JSONL file's documents are
// held back until a record with the field comes, so that such a file emits
// nothing. Records without text (title-only flashes) in files where others
// have it are read and counted (Stats.TitleOnly, Stats.NoTextField).
//
// Only regular files are read: named pipes, sockets and devices found in
// directories are counted (Stats.Special) and passed over, and named as an
// input they are an Unreadable error, for opening or reading a pipe can
// block for ever. Standard input, which may be a pipe or a terminal, is
// read on a goroutine of its own so that cancelling ctx stops Read even
// while a read blocks (that goroutine ends when the read returns).
//
// Bad input never panics. Each problem is an *Error carrying the position
// (file:line) and a Reason. Read hands it to Options.OnError, which decides:
// return nil to skip the record (it is counted in Stats.Skipped) or return an
// error to stop. Invalid UTF-8 is replaced by U+FFFD and counted; two IDs
// that differ only in their invalid bytes are a DuplicateID error naming
// both. Empty articles are skipped and counted without calling OnError.
//
// Read is deterministic: directories are walked in lexical order, and
// documents are emitted in input order, whatever Options.Workers is. It is
// safe to run several Reads concurrently; a single Read is not meant to be
// shared. ReadProcessed adds a step run in parallel on each document as it
// is read (shingling and signing, for package dedup), so that a corpus is
// never held in memory.
package corpus

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"time"
)

// Document is one article as read from the input.
type Document struct {
	ID        string
	Title     string
	Body      string
	Source    string
	Published time.Time // zero when the input gave no date
	Pos       Position  // where the article starts
}

// Text returns the text that identifies the article for matching: the body,
// or the title when the body is empty (wire flashes are title-only).
func (d *Document) Text() string {
	if d.Body != "" {
		return d.Body
	}
	return d.Title
}

// Position is a place in the input. Line is 1-based; 0 means "no line"
// (a whole .txt file, or an error about a file as a whole).
type Position struct {
	File string
	Line int
}

func (p Position) String() string {
	if p.Line > 0 {
		return p.File + ":" + strconv.Itoa(p.Line)
	}
	return p.File
}

// Reason classifies why a record was skipped. Its string is used as a key in
// run summaries, so values are stable.
type Reason string

const (
	Malformed   Reason = "malformed"     // unparsable record, missing field, bad date
	Unreadable  Reason = "unreadable"    // cannot open or read a file, truncated gzip
	TooLarge    Reason = "too_large"     // record larger than Options.MaxBytes
	DuplicateID Reason = "duplicate_id"  // ID already seen earlier in the run (or the same once invalid UTF-8 is replaced)
	Empty       Reason = "empty"         // no title and no body
	NoTextField Reason = "no_text_field" // a JSONL file none of whose records has the text field: all its records
)

// Error is a problem with the input at a position.
type Error struct {
	Pos    Position
	Reason Reason
	Err    error
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s: %v", e.Pos, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// EachLine calls fn with every non-blank line of the file at path (white
// space trimmed) and its position, for the line formats beside the corpus
// (labels, decisions). An error of fn that is not an *Error already is
// returned as a malformed record at that position.
func EachLine(path string, fn func(pos Position, line []byte) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 64<<20)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		pos := Position{File: path, Line: n}
		if err := fn(pos, line); err != nil {
			var ce *Error
			if errors.As(err, &ce) {
				return err
			}
			return &Error{Pos: pos, Reason: Malformed, Err: err}
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// ErrDuplicateID is wrapped by the Error reported for a repeated ID.
var ErrDuplicateID = errors.New("duplicate id")

// Fields names the columns (CSV/TSV) or keys (JSONL) that hold each part of
// an article.
type Fields struct {
	ID, Title, Text, Source, Date string
}

// DefaultFields are the field names used when none are given.
func DefaultFields() Fields {
	return Fields{ID: "id", Title: "title", Text: "text", Source: "source", Date: "date"}
}

// DefaultMaxBytes is the default limit on one record (a JSONL line, a CSV
// row, a .txt file): 8 MiB, far above any real article.
const DefaultMaxBytes = 8 << 20

// Options configures Read.
type Options struct {
	Fields   Fields // zero value: DefaultFields
	MaxBytes int    // limit on one record; 0: DefaultMaxBytes

	// OnError is called for every input problem. Returning nil skips the
	// record (or the rest of an unreadable file); returning an error stops
	// Read, which returns that error. Nil OnError stops at the first problem.
	OnError func(*Error) error

	// Workers goroutines parse JSONL lines, check records and run
	// ReadProcessed's process step in parallel (≤ 1: one); another reads
	// and splits the files. Documents, errors and OnError calls still come
	// in input order, from the calling goroutine.
	Workers int

	// KeepBody keeps each document's Body for emit after ReadProcessed's
	// process step, which otherwise drops it (the process step has used
	// it, and a body is most of a document's size).
	KeepBody bool

	// Exclude names directories a directory walk does not enter (nor
	// count the files of), compared by file identity, not by spelling:
	// a run's own output directory inside one of its inputs. Named inputs
	// are read even when excluded; missing directories are ignored.
	Exclude []string

	// OnFile, if set, is called with the path of every file opened for
	// reading, in input order, from the goroutine that reads the files (a
	// nightly state records each night's inputs).
	OnFile func(path string)

	recordType reflect.Type // set by Read from Fields
}

// Stats counts what Read saw.
type Stats struct {
	Files       int            // input files opened
	Ignored     int            // files in directories skipped for their extension
	Special     int            // files in directories skipped for not being regular files (pipes, sockets, devices)
	Outside     int            // links in directories to files outside the INPUT directory: not followed
	Read        int            // documents emitted
	Skipped     map[Reason]int // records skipped, by reason
	InvalidUTF8 int            // documents whose invalid UTF-8 was replaced
	TitleOnly   int            // documents emitted without text, to be matched on their title
	NoTextField int            // of those, JSONL records without the text field (in files where others have it)
}

func (s *Stats) skip(r Reason) {
	if s.Skipped == nil {
		s.Skipped = make(map[Reason]int)
	}
	s.Skipped[r]++
}

// SkippedTotal is the number of records skipped for any reason.
func (s *Stats) SkippedTotal() int {
	n := 0
	for _, v := range s.Skipped {
		n += v
	}
	return n
}

// MinYear is the earliest year of a publication date. Earlier dates are
// errors: they are placeholders for "no date" (0001-01-01, Go's and .NET's
// zero time; 1601-01-01, Windows'; 1899-12-30, spreadsheets'), and one read
// as a date would keep an article apart from its copies by the window veto.
const MinYear = 1900

// parseDate accepts RFC 3339 and YYYY-MM-DD from MinYear on; "" is no date.
func parseDate(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		if t, err = time.Parse(time.DateOnly, s); err != nil {
			return time.Time{}, fmt.Errorf("date %q is neither RFC 3339 nor YYYY-MM-DD", s)
		}
	}
	if t = t.UTC(); t.Year() < MinYear {
		return time.Time{}, fmt.Errorf("date %q is before %d: a placeholder, not a publication date (leave the field empty for no date)", s, MinYear)
	}
	return t, nil
}
