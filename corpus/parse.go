// This file decodes a JSONL record with encoding/json (the fallback of
// fastjson.go) and checks field names.

package corpus

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
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
	err := json.Unmarshal(line, v.Interface())
	if err == nil {
		err = sameFieldTwice(line, f)
	}
	if err != nil {
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
		var twice *fieldTwiceError
		if errors.As(err, &twice) {
			return Document{}, rec, err
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
	if d.Published, err = parseDate(strings.TrimSpace(str(4))); err != nil {
		return d, rec, fmt.Errorf("field %q: %w", f.Date, err)
	}
	return d, rec, nil
}

// fieldTwiceError: two keys of a record name one field.
type fieldTwiceError struct{ first, second, field string }

func (e *fieldTwiceError) Error() string {
	return fmt.Sprintf("keys %q and %q both name the field %q: which one is meant is unclear (other JSON readers take another)", e.first, e.second, e.field)
}

// sameFieldTwice fails when two top-level keys of the object line name
// the same configured field, exactly or as encoding/json folds case
// ({"id": "mine", "Id": "victim"}, or "id" twice): encoding/json keeps the
// last, other readers the first, and an ID must be one.
func sameFieldTwice(line []byte, f Fields) error {
	dec := json.NewDecoder(bytes.NewReader(line))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil // not an object: Unmarshal said so already
	}
	var first [5]string
	var skip json.RawMessage
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil
		}
		key, _ := t.(string)
		for i, name := range [5]string{f.ID, f.Title, f.Text, f.Source, f.Date} {
			if name == "" || !strings.EqualFold(key, name) {
				continue
			}
			if first[i] != "" {
				return &fieldTwiceError{first[i], key, name}
			}
			first[i] = key
		}
		if dec.Decode(&skip) != nil {
			return nil
		}
	}
	return nil
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
