package corpus

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// parseJSONRecord decodes one JSONL line. Text fields must be strings or
// null; the ID may also be a number, kept as written.
func parseJSONRecord(line []byte, f Fields) (Document, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(line, &m); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return Document{}, fmt.Errorf("invalid JSON at byte %d: %v", se.Offset, err)
		}
		return Document{}, fmt.Errorf("invalid JSON: %v (want one object per line)", err)
	}
	var d Document
	var err error
	if d.ID, err = jsonField(m, f.ID, true); err != nil {
		return d, err
	}
	if d.Title, err = jsonField(m, f.Title, false); err != nil {
		return d, err
	}
	if d.Body, err = jsonField(m, f.Text, false); err != nil {
		return d, err
	}
	if d.Source, err = jsonField(m, f.Source, false); err != nil {
		return d, err
	}
	date, err := jsonField(m, f.Date, false)
	if err != nil {
		return d, err
	}
	if d.Published, err = parseDate(strings.TrimSpace(date)); err != nil {
		return d, fmt.Errorf("field %q: %w", f.Date, err)
	}
	return d, nil
}

func jsonField(m map[string]json.RawMessage, name string, numberOK bool) (string, error) {
	raw, ok := m[name]
	if !ok || name == "" {
		return "", nil
	}
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0 || string(raw) == "null":
		return "", nil
	case raw[0] == '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", fmt.Errorf("field %q: %v", name, err)
		}
		return s, nil
	case numberOK && (raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9'):
		return string(raw), nil
	}
	return "", fmt.Errorf("field %q is not a string", name)
}

// csv reads a CSV or TSV file with a header row.
func (r *reader) csv(name string, br *bufio.Reader, sep rune) error {
	cr := csv.NewReader(br)
	cr.Comma = sep
	cr.LazyQuotes = sep == '\t'
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil
	}
	if err != nil {
		e, _ := csvError(name, err)
		return r.fail(e)
	}
	cols, err := csvColumns(header, r.opts.Fields)
	if err != nil {
		return r.fail(&Error{Pos: Position{File: name, Line: 1}, Reason: Malformed, Err: err})
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			e, fatal := csvError(name, err)
			if err := r.fail(e); err != nil || fatal {
				return err
			}
			continue
		}
		line, _ := cr.FieldPos(0)
		pos := Position{File: name, Line: line}
		size := 0
		for _, v := range rec {
			size += len(v)
		}
		if size > r.opts.MaxBytes {
			if err := r.fail(&Error{Pos: pos, Reason: TooLarge, Err: fmt.Errorf("row larger than %d bytes", r.opts.MaxBytes)}); err != nil {
				return err
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
			if err := r.fail(&Error{Pos: pos, Reason: Malformed, Err: fmt.Errorf("column %q: %w", r.opts.Fields.Date, err)}); err != nil {
				return err
			}
			continue
		}
		if err := r.doc(d, false); err != nil {
			return err
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
		return c, fmt.Errorf("header has no id column %q", f.ID)
	}
	if c.text < 0 && c.title < 0 {
		return c, fmt.Errorf("header has neither a text column %q nor a title column %q", f.Text, f.Title)
	}
	return c, nil
}
