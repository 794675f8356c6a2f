package corpus

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// recordType is a struct type whose JSON tags are the configured field
// names, so that a line decodes in one pass, without a map: ID is raw (a
// string or a number), and so is Text (absent, which matters, is then
// told from null); the others are *string (nil for null or absent).
func recordType(f Fields) reflect.Type {
	raw := reflect.TypeFor[json.RawMessage]()
	str := reflect.TypeFor[*string]()
	field := func(name, key string, t reflect.Type) reflect.StructField {
		if key == "" {
			key = "-" // not read
		}
		return reflect.StructField{Name: name, Type: t, Tag: reflect.StructTag(`json:"` + key + `"`)}
	}
	return reflect.StructOf([]reflect.StructField{
		field("ID", f.ID, raw), field("Title", f.Title, str), field("Text", f.Text, raw),
		field("Source", f.Source, str), field("Date", f.Date, str),
	})
}

// ValidFieldName reports whether name can name a JSONL field or CSV
// column: not empty, no quote, comma or backslash, not "-", and printable.
func ValidFieldName(name string) bool {
	return name != "" && name != "-" && !strings.ContainsAny(name, "\",\\") &&
		!strings.ContainsFunc(name, func(r rune) bool { return !unicode.IsPrint(r) })
}

// record is what a JSONL line says beyond its Document.
type record struct {
	hasText bool   // the text field is present (even null or empty)
	rawID   string // the ID as written, when it was invalid UTF-8 (replaced in the Document)
}

// decodeRecord decodes one JSONL line into a Document with encoding/json,
// with rt from recordType. Text fields must be strings or null; the ID may
// also be a number, kept as written. Field names match as encoding/json
// matches them: exactly, else case-insensitively. Lines are first given to
// fastRecord, which decodes the common ones the same way in one pass.
func decodeRecord(line []byte, f Fields, rt reflect.Type) (Document, record, error) {
	var rec record
	if t := bytes.TrimSpace(line); string(t) == "null" {
		return Document{}, rec, errors.New("line is JSON null, want an object")
	}
	v := reflect.New(rt)
	if err := json.Unmarshal(line, v.Interface()); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return Document{}, rec, fmt.Errorf("invalid JSON at byte %d: %v", se.Offset, err)
		case errors.As(err, &te) && te.Field != "":
			return Document{}, rec, fmt.Errorf("field %q is not a string", fieldKey(rt, te.Field))
		case errors.As(err, &te):
			return Document{}, rec, fmt.Errorf("line is %s, want an object", jsonKind(bytes.TrimSpace(line)))
		}
		return Document{}, rec, fmt.Errorf("invalid JSON: %v (want one object per line)", err)
	}
	e := v.Elem()
	str := func(i int) string {
		if p := e.Field(i).Interface().(*string); p != nil {
			return *p
		}
		return ""
	}
	var d Document
	id := bytes.TrimSpace(e.Field(0).Interface().(json.RawMessage))
	switch {
	case len(id) == 0 || string(id) == "null":
	case id[0] == '"':
		if err := json.Unmarshal(id, &d.ID); err != nil {
			return d, rec, fmt.Errorf("field %q: %v", f.ID, err)
		}
		if !utf8.Valid(id) {
			rec.rawID = string(id[1 : len(id)-1])
		}
	case id[0] == '-' || id[0] >= '0' && id[0] <= '9':
		d.ID = string(id)
	default:
		return d, rec, fmt.Errorf("field %q is not a string", f.ID)
	}
	text := bytes.TrimSpace(e.Field(2).Interface().(json.RawMessage))
	switch {
	case len(text) == 0:
	case string(text) == "null":
		rec.hasText = true
	case text[0] == '"':
		rec.hasText = true
		if err := json.Unmarshal(text, &d.Body); err != nil {
			return d, rec, fmt.Errorf("field %q: %v", f.Text, err)
		}
	default:
		return d, rec, fmt.Errorf("field %q is not a string", f.Text)
	}
	d.Title, d.Source = str(1), str(3)
	var err error
	if d.Published, err = parseDate(strings.TrimSpace(str(4))); err != nil {
		return d, rec, fmt.Errorf("field %q: %w", f.Date, err)
	}
	return d, rec, nil
}

// jsonKind names the kind of JSON value that starts line.
func jsonKind(line []byte) string {
	switch c := line[0]; {
	case c == '[':
		return "a JSON array"
	case c == '"':
		return "a JSON string"
	case c == 't' || c == 'f':
		return "a JSON boolean"
	case c == '-' || '0' <= c && c <= '9':
		return "a JSON number"
	}
	return "a JSON value but not an object"
}

// objectKeys returns the distinct keys of a JSON object line, sorted, or
// nil if the line is not one.
func objectKeys(line []byte) []string {
	var m map[string]json.RawMessage
	if json.Unmarshal(line, &m) != nil {
		return nil
	}
	return slices.Sorted(maps.Keys(m))
}

// fieldKey maps a struct field name of rt to its JSON key.
func fieldKey(rt reflect.Type, name string) string {
	if sf, ok := rt.FieldByName(name); ok {
		return strings.Split(sf.Tag.Get("json"), ",")[0]
	}
	return name
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
