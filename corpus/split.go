// This file is the splitters, one per format: .txt files, JSONL lines
// and CSV/TSV rows, cut into the records the producer hands on.

package corpus

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

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

// csv splits a CSV or TSV file with a header row into documents.
func (p *producer) csv(name string, br *bufio.Reader, sep rune) bool {
	cr := csv.NewReader(br)
	cr.Comma = sep
	cr.LazyQuotes = sep == '\t'
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return true
	}
	if err != nil {
		e, _ := csvError(name, err)
		return p.fail(e)
	}
	cols, err := csvColumns(header, p.opts.Fields)
	if err != nil {
		return p.fail(&Error{Pos: Position{File: name, Line: 1}, Reason: Malformed, Err: err})
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return true
		}
		if err != nil {
			e, fatal := csvError(name, err)
			if !p.fail(e) {
				return false
			}
			if fatal { // the rest of the file is lost
				return true
			}
			continue
		}
		line, _ := cr.FieldPos(0)
		pos := Position{File: name, Line: line}
		size := 0
		for _, v := range rec {
			size += len(v)
		}
		if size > p.opts.MaxBytes {
			if !p.fail(&Error{Pos: pos, Reason: TooLarge, Err: fmt.Errorf("row larger than %d bytes", p.opts.MaxBytes)}) {
				return false
			}
			continue
		}
		d := Document{
			ID:     cols.get(rec, cols.id),
			Title:  cols.get(rec, cols.title),
			Body:   cols.get(rec, cols.text),
			Source: cols.get(rec, cols.source),
			Pos:    pos,
		}
		if d.Published, err = parseDate(strings.TrimSpace(cols.get(rec, cols.date))); err != nil {
			if !p.fail(&Error{Pos: pos, Reason: Malformed, Err: fmt.Errorf("column %q: %w", p.opts.Fields.Date, err)}) {
				return false
			}
			continue
		}
		if !p.add(item{kind: parsedDoc, doc: d, check: true}) {
			return false
		}
	}
}

// csvError turns a csv package error into a positioned Error. A parse
// error spoils one record; anything else (an I/O error) ends the file: fatal.
func csvError(name string, err error) (e *Error, fatal bool) {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		if errors.Is(pe.Err, csv.ErrFieldCount) || errors.Is(pe.Err, csv.ErrQuote) || errors.Is(pe.Err, csv.ErrBareQuote) {
			return &Error{Pos: Position{File: name, Line: pe.StartLine}, Reason: Malformed, Err: pe.Err}, false
		}
		return &Error{Pos: Position{File: name, Line: pe.Line}, Reason: Unreadable, Err: readError(pe.Err)}, true
	}
	return &Error{Pos: Position{File: name}, Reason: Unreadable, Err: readError(err)}, true
}

type columns struct {
	id, title, text, source, date int // -1: absent
}

func (c columns) get(rec []string, i int) string {
	if i < 0 || i >= len(rec) {
		return ""
	}
	return rec[i]
}

func csvColumns(header []string, f Fields) (columns, error) {
	c := columns{-1, -1, -1, -1, -1}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF"))
		switch h {
		case f.ID:
			c.id = i
		case f.Title:
			c.title = i
		case f.Text:
			c.text = i
		case f.Source:
			c.source = i
		case f.Date:
			c.date = i
		}
	}
	if c.id < 0 {
		return c, fmt.Errorf("header has no id column %q (columns: %s)", f.ID, quoteList(header))
	}
	if c.text < 0 {
		return c, fmt.Errorf("header has no text column %q (columns: %s); its articles would be matched on their titles alone",
			f.Text, quoteList(header))
	}
	return c, nil
}

// quoteList writes names quoted and comma-separated, at most 20 of them.
func quoteList(names []string) string {
	var b strings.Builder
	for i, n := range names {
		if i == 20 {
			fmt.Fprintf(&b, ", … (%d in all)", len(names))
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q", strings.TrimSpace(strings.TrimPrefix(n, "\uFEFF")))
	}
	return b.String()
}
