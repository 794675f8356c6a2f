package corpus

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"unicode"
	"unicode/utf8"

	"github.com/klauspost/compress/gzip"
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

// A Read is a pipeline of three parts:
//
//   - the producer (one goroutine) walks the inputs, opens, decompresses and
//     splits files into records — raw JSONL lines, parsed CSV rows and .txt
//     files — and hands them on in batches;
//   - Options.Workers workers parse the lines, check each record on its own
//     and call process;
//   - the consumer (the caller's goroutine) takes the batches in input
//     order: it counts, checks IDs against the earlier ones, and calls
//     OnError and emit.
//
// JSONL lines are copied into a batch's buffer, which is reused once its
// batch is parsed: what outlives the batch is copied out of it first.

// reader is the consumer's state.
type reader[T any] struct {
	ctx     context.Context
	opts    Options
	process func(worker int, d *Document) T
	emit    func(Document, T) error
	stats   Stats
	seen    map[string]seenAt // every ID so far, for duplicates
	files   []string          // file names seenAt refers to
	rawIDs  map[string]string // IDs that had invalid UTF-8, as written, by their replaced form
	jsonl   jsonlFile[T]      // the JSONL file being read
}

// jsonlFile is what the consumer knows of the JSONL file being read. Until
// a record with the text field comes, the file's documents are held back:
// if none comes, the file's field names are wrong and its documents are
// reported, not matched on their titles alone.
type jsonlFile[T any] struct {
	withText bool         // a record had the text field
	pending  []outcome[T] // documents held back until one does
	keys     map[string]bool
}

func newReader[T any](ctx context.Context, opts Options, process func(int, *Document) T, emit func(Document, T) error) *reader[T] {
	if opts.Fields == (Fields{}) {
		opts.Fields = DefaultFields()
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	opts.Workers = max(1, opts.Workers)
	opts.recordType = recordType(opts.Fields)
	return &reader[T]{ctx: ctx, opts: opts, process: process, emit: emit, seen: make(map[string]seenAt), rawIDs: map[string]string{}}
}

// seenAt is where an ID was first seen, compactly: a map entry per article.
type seenAt struct{ file, line int32 }

func (r *reader[T]) where(s seenAt) Position {
	return Position{File: r.files[s.file], Line: int(s.line)}
}

func (r *reader[T]) at(p Position) seenAt {
	if len(r.files) == 0 || r.files[len(r.files)-1] != p.File {
		r.files = append(r.files, p.File)
	}
	return seenAt{file: int32(len(r.files) - 1), line: int32(min(p.Line, 1<<31-1))}
}

// fail reports a problem; nil means "skipped, go on".
func (r *reader[T]) fail(e *Error) error {
	if r.opts.OnError == nil {
		return e
	}
	if err := r.opts.OnError(e); err != nil {
		return err
	}
	r.stats.skip(e.Reason)
	return nil
}

// Batch limits: a batch goes to a worker when it holds batchItems records
// or batchBytes bytes of text (a few batches are in flight: large .txt
// articles must not make them large).
const (
	batchItems = 256
	batchBytes = 1 << 20
	bufferSize = batchBytes + batchBytes/4
)

type itemKind uint8

const (
	fileOpened  itemKind = iota // Stats.Files
	fileIgnored                 // Stats.Ignored
	fileSpecial                 // Stats.Special
	jsonlEnd                    // the end of a JSONL stream, named in pos
	failed                      // err
	rawLine                     // a JSONL line: buf[lo:hi], to parse
	blankLine                   // a JSONL line with nothing on it
	parsedDoc                   // doc, parsed by the producer
)

// item is one record as the producer hands it on.
type item struct {
	kind    itemKind
	tooLong bool // rawLine: longer than MaxBytes, not kept
	invalid bool // parsedDoc: had invalid UTF-8 (known)
	check   bool // parsedDoc: validity of the fields unknown, check them
	lo, hi  int
	pos     Position
	doc     Document
	err     *Error
}

// batch is a run of consecutive items; out is filled by a worker, then done
// is closed.
type batch[T any] struct {
	items []item
	buf   []byte
	out   []outcome[T]
	done  chan struct{}
}

// outcome is an item after a worker: a document, an error or a count.
type outcome[T any] struct {
	kind      itemKind // fileOpened, fileIgnored, fileSpecial, jsonlEnd, failed, blankLine or parsedDoc
	invalid   bool     // invalid UTF-8 was replaced
	empty     bool     // no text: counted, not emitted
	titleOnly bool     // a title but no text
	jsonl     bool     // a JSONL record: hasText and keys apply
	hasText   bool     // the record has the text field
	rawID     string   // the ID as written, if it had invalid UTF-8
	keys      []string // without the text field, in the first keyLines lines: the record's keys
	doc       Document
	value     T
	err       *Error
}

// keyLines bounds the lines whose keys are collected to name the fields
// seen in a JSONL file without the text field.
const keyLines = 1000

// run runs the pipeline over what produce hands to its producer.
func (r *reader[T]) run(produce func(p *producer)) (Stats, error) {
	ctx, cancel := context.WithCancel(r.ctx)
	defer cancel()
	work := make(chan *batch[T], r.opts.Workers)
	ordered := make(chan *batch[T], 2*r.opts.Workers)
	free := make(chan []byte, 4*r.opts.Workers) // buffers of parsed batches, for reuse

	go func() {
		defer close(ordered)
		defer close(work)
		p := &producer{ctx: ctx, opts: &r.opts, free: free}
		p.send = func(items []item, buf []byte) bool {
			b := &batch[T]{items: items, buf: buf, done: make(chan struct{})}
			select {
			case work <- b:
			case <-ctx.Done():
				return false
			}
			select {
			case ordered <- b:
				return true
			case <-ctx.Done():
				return false
			}
		}
		produce(p)
		p.flush()
	}()
	done := make(chan struct{})
	for w := range r.opts.Workers {
		go func() {
			defer func() { done <- struct{}{} }()
			var scratch []byte
			for b := range work {
				r.work(ctx, w, b, &scratch)
				if cap(b.buf) == bufferSize { // not one grown for a huge line
					select {
					case free <- b.buf[:0]:
					default:
					}
				}
				b.buf, b.items = nil, nil
				close(b.done)
			}
		}()
	}

	err := r.consume(ordered)
	cancel()
	for b := range ordered { // let the producer and the workers finish
		<-b.done
	}
	for range r.opts.Workers {
		<-done
	}
	return r.stats, err
}

// consume handles the batches in order.
func (r *reader[T]) consume(ordered <-chan *batch[T]) error {
	for b := range ordered {
		<-b.done
		if err := r.ctx.Err(); err != nil {
			return err
		}
		for i := range b.out {
			if err := r.accept(&b.out[i]); err != nil {
				return err
			}
		}
	}
	return r.ctx.Err()
}

// accept counts, checks for a duplicate ID and emits one outcome.
func (r *reader[T]) accept(o *outcome[T]) error {
	if o.invalid {
		r.stats.InvalidUTF8++
	}
	switch o.kind {
	case fileOpened:
		r.stats.Files++
		return nil
	case fileIgnored:
		r.stats.Ignored++
		return nil
	case fileSpecial:
		r.stats.Special++
		return nil
	case jsonlEnd:
		return r.endJSONL(o.doc.Pos)
	case failed:
		return r.fail(o.err)
	case blankLine:
		return nil
	}
	d := &o.doc
	if prev, dup := r.seen[d.ID]; dup {
		prevRaw := r.rawIDs[d.ID]
		if o.rawID != prevRaw {
			// Distinct IDs as written, equal once invalid UTF-8 is replaced.
			here, there := cmp.Or(o.rawID, d.ID), cmp.Or(prevRaw, d.ID)
			return r.fail(&Error{Pos: d.Pos, Reason: DuplicateID,
				Err: fmt.Errorf("%w once invalid UTF-8 is replaced: id %q here and id %q at %s both read as %q",
					ErrDuplicateID, here, there, r.where(prev), d.ID)})
		}
		return r.fail(&Error{Pos: d.Pos, Reason: DuplicateID,
			Err: fmt.Errorf("%w %q, first seen at %s", ErrDuplicateID, d.ID, r.where(prev))})
	}
	r.seen[d.ID] = r.at(d.Pos)
	if o.rawID != "" {
		r.rawIDs[d.ID] = o.rawID
	}
	if o.jsonl && !r.jsonl.withText {
		if !o.hasText {
			r.hold(o)
			return nil
		}
		r.jsonl.withText = true
		for i := range r.jsonl.pending {
			if err := r.accepted(&r.jsonl.pending[i]); err != nil {
				return err
			}
		}
		r.jsonl.pending = nil
	}
	return r.accepted(o)
}

// accepted counts and emits a document that passed every check.
func (r *reader[T]) accepted(o *outcome[T]) error {
	if o.empty {
		r.stats.skip(Empty)
		return nil
	}
	r.stats.Read++
	if o.titleOnly {
		r.stats.TitleOnly++
		if o.jsonl && !o.hasText {
			r.stats.NoTextField++
		}
	}
	return r.emit(o.doc, o.value)
}

// hold keeps back a document of a JSONL file that has shown no record with
// the text field yet.
func (r *reader[T]) hold(o *outcome[T]) {
	r.jsonl.pending = append(r.jsonl.pending, *o)
	if r.jsonl.keys == nil {
		r.jsonl.keys = map[string]bool{}
	}
	for _, k := range o.keys {
		if len(r.jsonl.keys) < 100 {
			r.jsonl.keys[k] = true
		}
	}
}

// endJSONL closes a JSONL file. If it had records but none with the text
// field, the field names are wrong for it: rather than match its documents
// on their titles alone, that is an error, and when OnError lets the read
// go on, all of them are skipped (counted as NoTextField, one each).
func (r *reader[T]) endJSONL(pos Position) error {
	f := r.jsonl
	r.jsonl = jsonlFile[T]{}
	if f.withText || len(f.pending) == 0 {
		return nil
	}
	seen := "none"
	if len(f.keys) > 0 {
		seen = quoteList(slices.Sorted(maps.Keys(f.keys)))
	}
	err := r.fail(&Error{Pos: pos, Reason: NoTextField, Err: fmt.Errorf(
		"no record has the text field %q (fields seen: %s); its %d articles would be matched on their titles alone",
		r.opts.Fields.Text, seen, len(f.pending))})
	if err != nil {
		return err
	}
	r.stats.Skipped[NoTextField] += len(f.pending) - 1
	for i := range f.pending {
		delete(r.seen, f.pending[i].doc.ID)
		delete(r.rawIDs, f.pending[i].doc.ID)
	}
	return nil
}

// work turns a batch's items into outcomes, on worker w.
func (r *reader[T]) work(ctx context.Context, w int, b *batch[T], scratch *[]byte) {
	b.out = make([]outcome[T], len(b.items))
	for i := range b.items {
		if ctx.Err() != nil {
			return // the consumer has stopped
		}
		it := &b.items[i]
		o := &b.out[i]
		switch it.kind {
		case rawLine:
			r.line(w, it, b.buf[it.lo:it.hi], scratch, o)
		case parsedDoc:
			r.document(w, it.doc, it.invalid, it.check, false, o)
		case jsonlEnd:
			o.kind, o.doc.Pos = it.kind, it.pos
		default:
			o.kind, o.err = it.kind, it.err
		}
	}
}

// line parses one JSONL line into o.
func (r *reader[T]) line(w int, it *item, line []byte, scratch *[]byte, o *outcome[T]) {
	switch {
	case it.tooLong:
		o.kind, o.err = failed, &Error{Pos: it.pos, Reason: TooLarge, Err: fmt.Errorf("line longer than %d bytes", r.opts.MaxBytes)}
		return
	case len(bytes.TrimSpace(line)) == 0:
		o.kind = blankLine
		return
	}
	*scratch = (*scratch)[:0]
	o.jsonl = true
	if d, hasText, ok := fastRecord(line, r.opts.Fields, scratch); ok {
		d.Pos = it.pos
		o.hasText = hasText
		if !hasText && it.pos.Line <= keyLines {
			o.keys = objectKeys(line)
		}
		r.document(w, d, false, false, true, o)
		return
	}
	d, rec, err := decodeRecord(line, r.opts.Fields, r.opts.recordType)
	if err != nil {
		o.kind, o.err = failed, &Error{Pos: it.pos, Reason: Malformed, Err: err}
		return
	}
	d.Pos = it.pos
	o.hasText, o.rawID = rec.hasText, rec.rawID
	if !rec.hasText && it.pos.Line <= keyLines {
		o.keys = objectKeys(line)
	}
	// encoding/json has replaced invalid UTF-8 already; count it.
	r.document(w, d, !utf8.Valid(line), false, false, o)
}

// document applies the checks that need no other record, calls process and
// makes o.doc independent of the read buffers (borrowed: its strings point
// into them).
func (r *reader[T]) document(w int, d Document, invalid, check, borrowed bool, o *outcome[T]) {
	if check {
		invalid = !utf8.ValidString(d.ID) || !utf8.ValidString(d.Title) ||
			!utf8.ValidString(d.Body) || !utf8.ValidString(d.Source)
	}
	if invalid && o.rawID == "" && !utf8.ValidString(d.ID) {
		o.rawID = strings.Clone(d.ID)
	}
	o.invalid = invalid
	if invalid {
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
		o.kind, o.err = failed, &Error{Pos: d.Pos, Reason: Malformed, Err: fmt.Errorf("empty or missing id (field %q)", r.opts.Fields.ID)}
		return
	}
	if strings.ContainsFunc(d.ID, unicode.IsControl) {
		o.kind, o.err = failed, &Error{Pos: d.Pos, Reason: Malformed, Err: fmt.Errorf("id %q contains a control character", d.ID)}
		return
	}
	o.kind = parsedDoc
	o.empty = d.Title == "" && d.Body == ""
	o.titleOnly = d.Title != "" && d.Body == ""
	if !o.empty && r.process != nil {
		o.value = r.process(w, &d)
		if !r.opts.KeepBody {
			d.Body = ""
		}
	}
	if borrowed {
		// One allocation for the three short fields, which live as long
		// as each other; the body only if it is kept.
		// (Not d.ID + d.Title + d.Source: a concatenation with one
		// non-empty operand returns that operand, still borrowed.)
		var sb strings.Builder
		sb.Grow(len(d.ID) + len(d.Title) + len(d.Source))
		sb.WriteString(d.ID)
		sb.WriteString(d.Title)
		sb.WriteString(d.Source)
		all := sb.String()
		a, b := len(d.ID), len(d.ID)+len(d.Title)
		d.ID, d.Title, d.Source = all[:a], all[a:b], all[b:]
		d.Body = strings.Clone(d.Body)
	}
	o.doc = d
}

// producer splits the inputs into items and hands them on in batches.
type producer struct {
	ctx   context.Context // cancelled when the consumer stops
	opts  *Options
	send  func(items []item, buf []byte) bool
	free  <-chan []byte
	items []item
	buf   []byte
	stop  bool
	docs  int // bytes of the parsed documents queued (lines count in buf)
}

// add queues an item; false means stop producing.
func (p *producer) add(it item) bool {
	p.items = append(p.items, it)
	p.docs += len(it.doc.Title) + len(it.doc.Body)
	if len(p.items) >= batchItems || len(p.buf)+p.docs >= batchBytes {
		return p.flush()
	}
	return !p.stop
}

// addLine queues a JSONL line, copied into the batch's buffer.
func (p *producer) addLine(pos Position, line []byte, tooLong bool) bool {
	if p.buf != nil && len(p.buf)+len(line) > cap(p.buf) {
		if !p.flush() {
			return false
		}
	}
	if p.buf == nil {
		select {
		case p.buf = <-p.free:
		default:
			p.buf = make([]byte, 0, bufferSize)
		}
	}
	lo := len(p.buf)
	p.buf = append(p.buf, line...)
	return p.add(item{kind: rawLine, pos: pos, tooLong: tooLong, lo: lo, hi: len(p.buf)})
}

// fail queues an error.
func (p *producer) fail(e *Error) bool { return p.add(item{kind: failed, err: e}) }

// flush hands the queued items on.
func (p *producer) flush() bool {
	if p.stop {
		return false
	}
	if len(p.items) > 0 {
		if !p.send(p.items, p.buf) {
			p.stop = true
			return false
		}
		p.items, p.buf, p.docs = make([]item, 0, batchItems), nil, 0
	}
	return true
}

// input produces one input; false means stop.
func (p *producer) input(in string, stdin io.Reader) bool {
	if in == "-" {
		if stdin == nil {
			return p.fail(&Error{Pos: Position{File: "<stdin>"}, Reason: Unreadable, Err: errors.New("no standard input")})
		}
		return p.add(item{kind: fileOpened}) && p.stream("<stdin>", "", jsonlFormat, newCtxReader(p.ctx, stdin))
	}
	fi, err := os.Stat(in)
	if err != nil {
		return p.fail(&Error{Pos: Position{File: in}, Reason: Unreadable, Err: unwrapPath(err)})
	}
	if !fi.IsDir() && !fi.Mode().IsRegular() {
		return p.fail(notRegular(in, fi.Mode()))
	}
	if !fi.IsDir() {
		f, stem := formatOf(filepath.Base(in))
		if f == unknown {
			return p.fail(&Error{Pos: Position{File: in}, Reason: Unreadable,
				Err: errors.New("unknown format: want .txt, .jsonl, .ndjson, .csv or .tsv, optionally gzipped")})
		}
		return p.file(in, stem, f)
	}
	var excluded []os.FileInfo
	for _, x := range p.opts.Exclude {
		if xi, err := os.Stat(x); err == nil && xi.IsDir() {
			excluded = append(excluded, xi)
		}
	}
	errStop := errors.New("stop")
	err = filepath.WalkDir(in, func(path string, d fs.DirEntry, err error) error {
		ok := true
		switch {
		case err != nil:
			ok = p.fail(&Error{Pos: Position{File: path}, Reason: Unreadable, Err: unwrapPath(err)})
		case path != in && strings.HasPrefix(d.Name(), "."):
			if d.IsDir() {
				return filepath.SkipDir
			}
		case d.IsDir():
			if path != in && isExcluded(d, excluded) {
				return filepath.SkipDir
			}
		default:
			f, _ := formatOf(path)
			if f == unknown {
				ok = p.add(item{kind: fileIgnored})
				break
			}
			if special(path, d) {
				ok = p.add(item{kind: fileSpecial})
				break
			}
			rel, err := filepath.Rel(in, path)
			if err != nil {
				rel = filepath.Base(path)
			}
			_, stem := formatOf(filepath.ToSlash(rel))
			ok = p.file(path, stem, f)
		}
		if !ok {
			return errStop
		}
		return nil
	})
	return err == nil
}

// isExcluded reports whether the directory d is one of excluded.
func isExcluded(d fs.DirEntry, excluded []os.FileInfo) bool {
	if len(excluded) == 0 {
		return false
	}
	fi, err := d.Info()
	if err != nil {
		return false
	}
	for _, x := range excluded {
		if os.SameFile(fi, x) {
			return true
		}
	}
	return false
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}

// special reports whether a directory entry is a named pipe, a socket, a
// device or a link to one: not read, for reading a pipe can block for ever.
func special(path string, d fs.DirEntry) bool {
	t := d.Type()
	if t&fs.ModeSymlink != 0 {
		fi, err := os.Stat(path)
		if err != nil {
			return false // opening it reports the error
		}
		t = fi.Mode().Type()
	}
	return !t.IsRegular() && !t.IsDir()
}

// notRegular is the error for a file that is not a regular file.
func notRegular(path string, m fs.FileMode) *Error {
	kind := "a special file"
	switch {
	case m&fs.ModeNamedPipe != 0:
		kind = "a named pipe"
	case m&fs.ModeSocket != 0:
		kind = "a socket"
	case m&fs.ModeDevice != 0:
		kind = "a device"
	}
	return &Error{Pos: Position{File: path}, Reason: Unreadable,
		Err: fmt.Errorf("not a regular file but %s (to read a pipe, give - and redirect it to standard input)", kind)}
}

// file opens and reads one input file. It is opened without blocking and
// read only if it is a regular file: opening a named pipe for reading
// would wait for a writer, beyond the reach of cancellation.
func (p *producer) file(path, id string, f format) bool {
	fh, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return p.fail(&Error{Pos: Position{File: path}, Reason: Unreadable, Err: unwrapPath(err)})
	}
	defer fh.Close()
	fi, err := fh.Stat()
	if err != nil {
		return p.fail(&Error{Pos: Position{File: path}, Reason: Unreadable, Err: unwrapPath(err)})
	}
	if !fi.Mode().IsRegular() {
		return p.fail(notRegular(path, fi.Mode()))
	}
	return p.add(item{kind: fileOpened}) && p.stream(path, id, f, fh)
}

// stream decompresses src if it starts with the gzip magic, then splits it.
func (p *producer) stream(name, id string, f format, src io.Reader) bool {
	br := bufio.NewReaderSize(src, 64<<10)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return p.fail(&Error{Pos: Position{File: name}, Reason: Unreadable, Err: fmt.Errorf("gzip: %w", err)})
		}
		defer zr.Close()
		br = bufio.NewReaderSize(zr, 64<<10)
	}
	switch f {
	case txtFormat:
		return p.txt(name, id, br)
	case jsonlFormat:
		return p.jsonl(name, br) && p.add(item{kind: jsonlEnd, pos: Position{File: name}})
	case csvFormat:
		return p.csv(name, br, ',')
	case tsvFormat:
		return p.csv(name, br, '\t')
	}
	panic(fmt.Sprintf("corpus: format %d", f))
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

func (p *producer) txt(name, id string, br *bufio.Reader) bool {
	data, err := io.ReadAll(io.LimitReader(br, int64(p.opts.MaxBytes)+1))
	if err != nil {
		return p.fail(&Error{Pos: Position{File: name}, Reason: Unreadable, Err: readError(err)})
	}
	if len(data) > p.opts.MaxBytes {
		return p.fail(&Error{Pos: Position{File: name}, Reason: TooLarge,
			Err: fmt.Errorf("article larger than %d bytes", p.opts.MaxBytes)})
	}
	invalid := !utf8.Valid(data)
	text := string(data)
	text = strings.TrimPrefix(text, "\uFEFF")
	text = strings.TrimLeft(text, " \t\r\n")
	title, body, _ := strings.Cut(text, "\n")
	doc := Document{ID: id, Title: title, Body: body, Pos: Position{File: name}}
	return p.add(item{kind: parsedDoc, doc: doc, invalid: invalid})
}

func (p *producer) jsonl(name string, br *bufio.Reader) bool {
	if bom, _ := br.Peek(3); string(bom) == "\uFEFF" {
		br.Discard(3) // a byte-order mark, as some Windows tools write
	}
	ls := &lines{br: br, max: p.opts.MaxBytes}
	for {
		line, tooLong, err := ls.next()
		if errors.Is(err, io.EOF) {
			return true
		}
		pos := Position{File: name, Line: ls.line}
		if err != nil {
			return p.fail(&Error{Pos: pos, Reason: Unreadable, Err: readError(err)})
		}
		if !p.addLine(pos, line, tooLong) {
			return false
		}
	}
}

// skipBlank passes over whole blank lines (spaces, tabs, carriage
// returns) in the read buffer, counting them, a byte at a time: a file of
// blank lines costs what reading it costs, not a record per line.
func (l *lines) skipBlank() {
	need := 1
	for {
		buf, err := l.br.Peek(max(need, l.br.Buffered()))
		i, end := 0, 0 // end: after the last newline of the blank run
		for ; i < len(buf); i++ {
			c := buf[i]
			if c == '\n' {
				end = i + 1
				l.line++
			} else if c != ' ' && c != '\t' && c != '\r' {
				break
			}
		}
		l.br.Discard(end)
		if i < len(buf) || err != nil {
			return // a line to read, the end, or a blank run longer than the buffer
		}
		need = len(buf) - end + 1 // the blank start of a line: read more of it
	}
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
// long, and io.EOF at the end. The line is valid until the next call.
// Blank lines are passed over, counted.
func (l *lines) next() ([]byte, bool, error) {
	l.skipBlank()
	l.line++
	chunk, err := l.br.ReadSlice('\n')
	if err == nil && len(chunk) <= l.max+2 { // the common case: a line in the buffer
		return bytes.TrimRight(chunk, "\r\n"), false, nil
	}
	l.buf = l.buf[:0]
	tooLong := false
	for {
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
		case errors.Is(err, io.EOF):
			if len(l.buf) == 0 && !tooLong {
				return nil, false, io.EOF
			}
			return bytes.TrimRight(l.buf, "\r\n"), tooLong, nil
		default:
			return nil, false, err
		}
		chunk, err = l.br.ReadSlice('\n')
	}
}

// ctxReader reads from a source that may block for ever — standard input,
// a pipe or a terminal — on a goroutine of its own, so that Read returns
// ctx.Err() as soon as ctx is cancelled. A read already blocked then stays
// blocked, on that goroutine, until the source delivers or closes (for the
// command, until the process exits).
type ctxReader struct {
	ctx  context.Context
	res  chan readResult
	data []byte // unread part of the last chunk
	err  error
}

type readResult struct {
	data []byte
	err  error
}

func newCtxReader(ctx context.Context, src io.Reader) *ctxReader {
	r := &ctxReader{ctx: ctx, res: make(chan readResult)}
	go func() {
		// Two buffers: the consumer finishes one before it receives the
		// other, so the one being filled is never being read.
		bufs := [2][]byte{make([]byte, 64<<10), make([]byte, 64<<10)}
		for i := 0; ; i ^= 1 {
			n, err := src.Read(bufs[i])
			select {
			case r.res <- readResult{bufs[i][:n], err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return r
}

func (r *ctxReader) Read(p []byte) (int, error) {
	for len(r.data) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		select {
		case res := <-r.res:
			r.data, r.err = res.data, res.err
		case <-r.ctx.Done():
			r.err = r.ctx.Err()
			return 0, r.err
		}
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}
