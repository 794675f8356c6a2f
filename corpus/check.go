// This file is the checks on records: those of one record (on the
// workers: parsing a JSONL line, UTF-8, the ID, emptiness) and those that
// need the records before it (on the consumer: duplicate IDs, a JSONL file
// without the text field).

package corpus

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

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

	labelsSaid string // the last file reported as a label file
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

// keyLines bounds the lines whose keys are collected to name the fields
// seen in a JSONL file without the text field.
const keyLines = 1000

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
	case fileOutside:
		r.stats.Outside++
		return nil
	case jsonlEnd:
		return r.endJSONL(o.doc.Pos)
	case failed:
		if o.labels {
			// A label file is said once, its other records counted.
			if r.labelsSaid == o.err.Pos.File {
				r.stats.skip(o.err.Reason)
				return nil
			}
			r.labelsSaid = o.err.Pos.File
		}
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
	hint := ""
	if kind := labelKind(slices.Sorted(maps.Keys(f.keys))); kind != "" {
		hint = "; this looks like " + kind + ", not articles: pass the articles' file instead"
	}
	err := r.fail(&Error{Pos: pos, Reason: NoTextField, Err: fmt.Errorf(
		"no record has the text field %q (fields seen: %s); its %d articles would be matched on their titles alone%s",
		r.opts.Fields.Text, seen, len(f.pending), hint)})
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

// work turns a batch's items into outcomes, on worker w: the sequencer's
// run.
func (r *reader[T]) work(ctx context.Context, w int, b batch, scratch *[]byte) []outcome[T] {
	out := make([]outcome[T], len(b.items))
	for i := range b.items {
		if ctx.Err() != nil {
			return nil // the consumer has stopped: never taken
		}
		it := &b.items[i]
		o := &out[i]
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
	return out
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
		if r.noID(d.ID, it.pos, line, o) {
			return
		}
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
	if r.noID(d.ID, it.pos, line, o) {
		return
	}
	o.hasText, o.rawID = rec.hasText, rec.rawID
	if !rec.hasText && it.pos.Line <= keyLines {
		o.keys = objectKeys(line)
	}
	// encoding/json has replaced invalid UTF-8 already; count it.
	r.document(w, d, !utf8.Valid(line), false, false, o)
}

// noID fails o when a JSONL record has no ID, naming the fields it has
// and, when they are a label file's, saying so: a folder of articles
// often holds its labels too.
func (r *reader[T]) noID(id string, pos Position, line []byte, o *outcome[T]) bool {
	if strings.TrimSpace(id) != "" {
		return false
	}
	keys := objectKeys(line)
	msg := fmt.Sprintf("empty or missing id (field %q; fields seen: %s)", r.opts.Fields.ID, quoteList(keys))
	if kind := labelKind(keys); kind != "" {
		msg += "; this looks like " + kind + ", not articles: pass the articles' file instead"
		o.labels = true
	}
	o.kind, o.err = failed, &Error{Pos: pos, Reason: Malformed, Err: errors.New(msg)}
	return true
}

// labelKind names the kind of label file a record's keys are from ("" if
// none): neardup eval's pair labels (a, b, label) or gold clusters (id,
// cluster, without text).
func labelKind(keys []string) string {
	has := func(k string) bool { return slices.Contains(keys, k) }
	switch {
	case has("a") && has("b") && has("label"):
		return "a pair-label file (a, b, label: neardup eval --pairs)"
	case has("id") && has("cluster") && !has("text"):
		return "a gold-label file (id, cluster: neardup eval --gold)"
	}
	return ""
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
	if i := strings.IndexFunc(d.ID, invisibleInID); i >= 0 {
		// A line or paragraph separator splits drop.txt's line for a
		// reader that splits on them (Python's splitlines): story-42\u2028x
		// would hide story-42; a bidi override or a zero-width character
		// makes two IDs look the same.
		r, _ := utf8.DecodeRuneInString(d.ID[i:])
		o.kind, o.err = failed, &Error{Pos: d.Pos, Reason: Malformed,
			Err: fmt.Errorf("id %q contains a line or paragraph separator or a format character (U+%04X)", d.ID, r)}
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

// invisibleInID reports the characters an ID may not hold beside control
// characters: line and paragraph separators (Zl, Zp) and format
// characters (Cf: bidi controls, zero-width spaces and joiners, the byte
// order mark).
func invisibleInID(r rune) bool {
	return unicode.In(r, unicode.Zl, unicode.Zp, unicode.Cf)
}
