package corpus

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

type format int

const (
	unknown format = iota
	txtFormat
	jsonlFormat
	csvFormat
	tsvFormat
)

// formatOf tells the format from a file name, ignoring a trailing .gz.
// It also returns the name without its extensions.
func formatOf(name string) (format, string) {
	base := name
	for _, z := range []string{".gz", ".gzip"} {
		if strings.HasSuffix(strings.ToLower(base), z) {
			base = base[:len(base)-len(z)]
			break
		}
	}
	ext := filepath.Ext(base)
	stem := base[:len(base)-len(ext)]
	switch strings.ToLower(ext) {
	case ".txt":
		return txtFormat, stem
	case ".jsonl", ".ndjson":
		return jsonlFormat, stem
	case ".csv":
		return csvFormat, stem
	case ".tsv":
		return tsvFormat, stem
	}
	return unknown, stem
}

// Known reports whether Read recognises the file name's format.
func Known(name string) bool {
	f, _ := formatOf(name)
	return f != unknown
}

// Read streams the documents of every input, in order, to emit. An input is
// a file, a directory (walked recursively in lexical order; files of unknown
// format and hidden files are ignored) or "-" for JSONL on stdin.
//
// It returns what it counted and the first error that stopped it: an error
// from emit, from Options.OnError, or ctx.Err().
func Read(ctx context.Context, inputs []string, stdin io.Reader, opts Options, emit func(Document) error) (Stats, error) {
	if opts.Fields == (Fields{}) {
		opts.Fields = DefaultFields()
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	opts.recordType = recordType(opts.Fields)
	r := &reader{ctx: ctx, opts: opts, emit: emit, stdin: stdin, seen: make(map[string]seenAt)}
	for _, in := range inputs {
		if err := r.input(in); err != nil {
			return r.stats, err
		}
	}
	return r.stats, nil
}

type reader struct {
	ctx   context.Context
	opts  Options
	emit  func(Document) error
	stdin io.Reader
	stats Stats
	seen  map[string]seenAt // every ID so far, for duplicates
	files []string          // file names seenAt refers to
}

// seenAt is where an ID was first seen, compactly: a map entry per article.
type seenAt struct{ file, line int32 }

func (r *reader) where(s seenAt) Position {
	return Position{File: r.files[s.file], Line: int(s.line)}
}

func (r *reader) at(p Position) seenAt {
	if len(r.files) == 0 || r.files[len(r.files)-1] != p.File {
		r.files = append(r.files, p.File)
	}
	return seenAt{file: int32(len(r.files) - 1), line: int32(min(p.Line, math.MaxInt32))}
}

// fail reports a problem; nil means "skipped, go on".
func (r *reader) fail(e *Error) error {
	if r.opts.OnError == nil {
		return e
	}
	if err := r.opts.OnError(e); err != nil {
		return err
	}
	r.stats.skip(e.Reason)
	return nil
}

func (r *reader) input(in string) error {
	if in == "-" {
		if r.stdin == nil {
			return r.fail(&Error{Pos: Position{File: "<stdin>"}, Reason: Unreadable, Err: errors.New("no standard input")})
		}
		r.stats.Files++
		return r.stream("<stdin>", "", jsonlFormat, r.stdin)
	}
	fi, err := os.Stat(in)
	if err != nil {
		return r.fail(&Error{Pos: Position{File: in}, Reason: Unreadable, Err: unwrapPath(err)})
	}
	if !fi.IsDir() {
		f, stem := formatOf(filepath.Base(in))
		if f == unknown {
			return r.fail(&Error{Pos: Position{File: in}, Reason: Unreadable,
				Err: errors.New("unknown format: want .txt, .jsonl, .ndjson, .csv or .tsv, optionally gzipped")})
		}
		return r.file(in, stem, f)
	}
	return filepath.WalkDir(in, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return r.fail(&Error{Pos: Position{File: path}, Reason: Unreadable, Err: unwrapPath(err)})
		}
		if path != in && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		f, _ := formatOf(path)
		if f == unknown {
			r.stats.Ignored++
			return nil
		}
		rel, err := filepath.Rel(in, path)
		if err != nil {
			rel = filepath.Base(path)
		}
		_, stem := formatOf(filepath.ToSlash(rel))
		return r.file(path, stem, f)
	})
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}

func (r *reader) file(path, id string, f format) error {
	fh, err := os.Open(path)
	if err != nil {
		return r.fail(&Error{Pos: Position{File: path}, Reason: Unreadable, Err: unwrapPath(err)})
	}
	defer fh.Close()
	r.stats.Files++
	return r.stream(path, id, f, fh)
}

// stream decompresses src if it starts with the gzip magic, then parses it.
func (r *reader) stream(name, id string, f format, src io.Reader) error {
	br := bufio.NewReaderSize(src, 64<<10)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return r.fail(&Error{Pos: Position{File: name}, Reason: Unreadable, Err: fmt.Errorf("gzip: %w", err)})
		}
		defer zr.Close()
		br = bufio.NewReaderSize(zr, 64<<10)
	}
	switch f {
	case txtFormat:
		return r.txt(name, id, br)
	case jsonlFormat:
		return r.jsonl(name, br)
	case csvFormat:
		return r.csv(name, br, ',')
	case tsvFormat:
		return r.csv(name, br, '\t')
	}
	return fmt.Errorf("corpus: internal error: format %d", f)
}

// readError describes an error from the underlying stream.
func readError(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("truncated input (unexpected end of gzip stream?)")
	}
	if errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) {
		return fmt.Errorf("corrupt gzip stream: %w", err)
	}
	return err
}

func (r *reader) txt(name, id string, br *bufio.Reader) error {
	data, err := io.ReadAll(io.LimitReader(br, int64(r.opts.MaxBytes)+1))
	if err != nil {
		return r.fail(&Error{Pos: Position{File: name}, Reason: Unreadable, Err: readError(err)})
	}
	if len(data) > r.opts.MaxBytes {
		return r.fail(&Error{Pos: Position{File: name}, Reason: TooLarge,
			Err: fmt.Errorf("article larger than %d bytes", r.opts.MaxBytes)})
	}
	invalid := !utf8.Valid(data)
	text := string(data)
	text = strings.TrimPrefix(text, "\uFEFF")
	text = strings.TrimLeft(text, " \t\r\n")
	title, body, _ := strings.Cut(text, "\n")
	doc := Document{ID: id, Title: title, Body: body, Pos: Position{File: name}}
	return r.doc(doc, invalid)
}

// doc validates a parsed document and emits it.
func (r *reader) doc(d Document, invalid bool) error {
	if err := r.ctx.Err(); err != nil {
		return err
	}
	if !invalid {
		invalid = !utf8.ValidString(d.ID) || !utf8.ValidString(d.Title) ||
			!utf8.ValidString(d.Body) || !utf8.ValidString(d.Source)
	}
	if invalid {
		r.stats.InvalidUTF8++
		d.ID = strings.ToValidUTF8(d.ID, "\uFFFD")
		d.Title = strings.ToValidUTF8(d.Title, "\uFFFD")
		d.Body = strings.ToValidUTF8(d.Body, "\uFFFD")
		d.Source = strings.ToValidUTF8(d.Source, "\uFFFD")
	}
	d.ID = strings.TrimSpace(d.ID)
	d.Title = strings.TrimSpace(d.Title)
	d.Body = strings.TrimSpace(d.Body)
	d.Source = strings.TrimSpace(d.Source)
	if d.ID == "" {
		return r.fail(&Error{Pos: d.Pos, Reason: Malformed, Err: fmt.Errorf("empty or missing id (field %q)", r.opts.Fields.ID)})
	}
	if strings.ContainsFunc(d.ID, unicode.IsControl) {
		return r.fail(&Error{Pos: d.Pos, Reason: Malformed, Err: fmt.Errorf("id %q contains a control character", d.ID)})
	}
	if prev, dup := r.seen[d.ID]; dup {
		return r.fail(&Error{Pos: d.Pos, Reason: DuplicateID,
			Err: fmt.Errorf("%w %q, first seen at %s", ErrDuplicateID, d.ID, r.where(prev))})
	}
	r.seen[d.ID] = r.at(d.Pos)
	if d.Title == "" && d.Body == "" {
		r.stats.skip(Empty)
		return nil
	}
	r.stats.Read++
	return r.emit(d)
}

// lines reads newline-terminated lines of at most max bytes. A longer line
// is consumed whole and reported as too long.
type lines struct {
	br   *bufio.Reader
	max  int
	buf  []byte
	line int
}

// next returns the next line without its terminator, whether it was too
// long, and io.EOF at the end.
func (l *lines) next() ([]byte, bool, error) {
	l.buf = l.buf[:0]
	l.line++
	tooLong := false
	for {
		chunk, err := l.br.ReadSlice('\n')
		if !tooLong {
			if len(l.buf)+len(chunk) > l.max+2 {
				tooLong = true
				l.buf = l.buf[:0]
			} else {
				l.buf = append(l.buf, chunk...)
			}
		}
		switch {
		case err == nil:
			return bytes.TrimRight(l.buf, "\r\n"), tooLong, nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			if len(l.buf) == 0 && !tooLong {
				return nil, false, io.EOF
			}
			return bytes.TrimRight(l.buf, "\r\n"), tooLong, nil
		default:
			return nil, false, err
		}
	}
}

func (r *reader) jsonl(name string, br *bufio.Reader) error {
	if r.opts.Workers > 1 {
		return r.jsonlParallel(name, br)
	}
	ls := &lines{br: br, max: r.opts.MaxBytes}
	for {
		line, tooLong, err := ls.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		pos := Position{File: name, Line: ls.line}
		if err != nil {
			return r.fail(&Error{Pos: pos, Reason: Unreadable, Err: readError(err)})
		}
		rec := parseLine(line, tooLong, r.opts)
		if err := r.record(pos, rec); err != nil {
			return err
		}
	}
}

// parsed is one JSONL line after parsing.
type parsed struct {
	blank   bool
	doc     Document
	invalid bool   // the line had invalid UTF-8
	reason  Reason // set with err
	err     error
}

func parseLine(line []byte, tooLong bool, opts Options) parsed {
	switch {
	case tooLong:
		return parsed{reason: TooLarge, err: fmt.Errorf("line longer than %d bytes", opts.MaxBytes)}
	case len(bytes.TrimSpace(line)) == 0:
		return parsed{blank: true}
	}
	doc, err := parseJSONRecord(line, opts.Fields, opts.recordType)
	if err != nil {
		return parsed{reason: Malformed, err: err}
	}
	return parsed{doc: doc, invalid: !utf8.Valid(line)}
}

// record reports or emits one parsed line.
func (r *reader) record(pos Position, p parsed) error {
	switch {
	case p.blank:
		return nil
	case p.err != nil:
		return r.fail(&Error{Pos: pos, Reason: p.reason, Err: p.err})
	}
	p.doc.Pos = pos
	return r.doc(p.doc, p.invalid)
}

// lineBatch is a run of consecutive lines parsed by one worker.
type lineBatch struct {
	first   int // line number of lines[0]
	lines   [][]byte
	tooLong []bool
	out     []parsed
	readErr error // a read error after the last line
	done    chan struct{}
}

// jsonlParallel parses batches of lines on Options.Workers goroutines and
// handles the results in input order in the calling goroutine.
func (r *reader) jsonlParallel(name string, br *bufio.Reader) error {
	const batchLines = 256
	work := make(chan *lineBatch, r.opts.Workers)
	ordered := make(chan *lineBatch, 2*r.opts.Workers)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range r.opts.Workers {
		wg.Go(func() {
			for b := range work {
				b.out = make([]parsed, len(b.lines))
				for i, l := range b.lines {
					b.out[i] = parseLine(l, b.tooLong[i], r.opts)
				}
				close(b.done)
			}
		})
	}
	go func() { // the line reader
		defer close(ordered)
		defer close(work)
		ls := &lines{br: br, max: r.opts.MaxBytes}
		for {
			b := &lineBatch{first: ls.line + 1, done: make(chan struct{})}
			for len(b.lines) < batchLines {
				line, tooLong, err := ls.next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					b.readErr = err
					break
				}
				b.lines = append(b.lines, bytes.Clone(line))
				b.tooLong = append(b.tooLong, tooLong)
			}
			select {
			case work <- b:
			case <-stop:
				return
			}
			select {
			case ordered <- b:
			case <-stop:
				return
			}
			if len(b.lines) < batchLines {
				return
			}
		}
	}()
	defer wg.Wait()
	defer func() {
		close(stop)
		for b := range ordered { // let the reader and workers finish
			<-b.done
		}
	}()
	for b := range ordered {
		<-b.done
		for i, p := range b.out {
			if err := r.record(Position{File: name, Line: b.first + i}, p); err != nil {
				return err
			}
		}
		if b.readErr != nil {
			return r.fail(&Error{Pos: Position{File: name, Line: b.first + len(b.lines)}, Reason: Unreadable, Err: readError(b.readErr)})
		}
	}
	return nil
}
