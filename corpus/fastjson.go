// This file is the JSON fast path: one pass over a common JSONL line, no
// reflection, strings borrowed from the line. It is kept for its measured
// margin (benchmarks/RESULTS.md, 2026-11-27): 1.19–1.32× faster than
// github.com/valyala/fastjson held to the same strictness, 4–5.5× than
// github.com/segmentio/encoding/json, 7–12× than encoding/json; the
// benchmarks are in decode_bench_test.go and benchmarks/jsondecode.

package corpus

import (
	"encoding/binary"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// fastRecord decodes the common JSONL line — one flat object whose keys
// are written exactly as the configured field names — in a single pass,
// with string values unquoted as they are scanned. It reports ok = false
// for anything it does not handle exactly like encoding/json (an error of
// any kind, invalid UTF-8, a key with escapes or that matches a field only
// case-insensitively, nesting deeper than maxDepth), and the caller then
// decodes the line with encoding/json, which also gives the error message.
// FuzzFastRecord checks the two agree.
//
// The strings of the Document point into line, or into *scratch for those
// with escapes (appended there): they are valid while both are unchanged.
// hasText reports whether the text field is present (even null or "").
func fastRecord(line []byte, f Fields, scratch *[]byte) (d Document, hasText, ok bool) {
	if !utf8.Valid(line) {
		return d, false, false
	}
	p := &scanner{b: line, scratch: scratch}
	p.ws()
	if !p.eat('{') {
		return d, false, false
	}
	var id, title, text, source, date string
	var haveDate bool
	var seen [5]bool // a field's key met: a second is for decodeRecord to refuse
	p.ws()
	if p.eat('}') {
		d, ok = p.finish(d)
		return d, false, ok
	}
	for {
		p.ws()
		key, ok := p.plainKey()
		if !ok {
			return d, false, false
		}
		p.ws()
		if !p.eat(':') {
			return d, false, false
		}
		p.ws()
		var dst *string
		var field int
		switch {
		case key == "":
			if !p.skipValue(0) {
				return d, false, false
			}
			goto next
		}
		switch key {
		case f.ID:
			dst, field = &id, 0
		case f.Title:
			dst, field = &title, 1
		case f.Text:
			dst, field = &text, 2
			hasText = true
		case f.Source:
			dst, field = &source, 3
		case f.Date:
			dst, field = &date, 4
			haveDate = true
		default:
			if foldMatches(key, f) {
				return d, false, false
			}
			if !p.skipValue(0) {
				return d, false, false
			}
		}
		if dst != nil {
			if seen[field] {
				return d, false, false
			}
			seen[field] = true
			switch {
			case p.peek() == '"':
				s, ok := p.str()
				if !ok {
					return d, false, false
				}
				*dst = s
			case p.lit("null"):
				*dst = ""
			case key == f.ID && (p.peek() == '-' || isDigit(p.peek())):
				start := p.i
				if !p.number() {
					return d, false, false
				}
				*dst = borrow(p.b[start:p.i])
			default:
				return d, false, false // a field of the wrong type: encoding/json words the error
			}
		}
	next:
		p.ws()
		if p.eat('}') {
			break
		}
		if !p.eat(',') {
			return d, false, false
		}
	}
	d.ID, d.Title, d.Body, d.Source = id, title, text, source
	if haveDate {
		t, err := parseDate(trimSpace(date))
		if err != nil {
			return d, false, false
		}
		d.Published = t
	}
	d, ok = p.finish(d)
	return d, hasText, ok
}

// foldMatches reports whether key names a field case-insensitively only:
// encoding/json would use it, so the fast path must not decide.
func foldMatches(key string, f Fields) bool {
	for _, name := range []string{f.ID, f.Title, f.Text, f.Source, f.Date} {
		if len(key) == len(name) && key != name && equalFoldASCII(key, name) {
			return true
		}
	}
	// Non-ASCII keys could fold in ways ASCII folding misses ("ſ", "K").
	for i := 0; i < len(key); i++ {
		if key[i] >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

func equalFoldASCII(a, b string) bool {
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

func trimSpace(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\n' || s[0] == '\r') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t' || s[len(s)-1] == '\n' || s[len(s)-1] == '\r') {
		s = s[:len(s)-1]
	}
	return s
}

const maxDepth = 64

type scanner struct {
	b       []byte
	i       int
	scratch *[]byte // where unescaped strings are written; nil: a new buffer each
}

// borrow returns b as a string without copying: b must not change while
// the string is in use.
func borrow(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

func (p *scanner) finish(d Document) (Document, bool) {
	p.ws()
	return d, p.i == len(p.b)
}

func (p *scanner) peek() byte {
	if p.i < len(p.b) {
		return p.b[p.i]
	}
	return 0
}

func (p *scanner) eat(c byte) bool {
	if p.peek() == c {
		p.i++
		return true
	}
	return false
}

func (p *scanner) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *scanner) lit(word string) bool {
	if len(p.b)-p.i >= len(word) && string(p.b[p.i:p.i+len(word)]) == word {
		p.i += len(word)
		return true
	}
	return false
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// number scans a JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (p *scanner) number() bool {
	p.eat('-')
	switch {
	case p.eat('0'):
	case isDigit(p.peek()):
		for isDigit(p.peek()) {
			p.i++
		}
	default:
		return false
	}
	if p.eat('.') {
		if !isDigit(p.peek()) {
			return false
		}
		for isDigit(p.peek()) {
			p.i++
		}
	}
	if p.peek() == 'e' || p.peek() == 'E' {
		p.i++
		if !p.eat('+') {
			p.eat('-')
		}
		if !isDigit(p.peek()) {
			return false
		}
		for isDigit(p.peek()) {
			p.i++
		}
	}
	return true
}

// plainKey scans an object key without escapes.
func (p *scanner) plainKey() (string, bool) {
	if !p.eat('"') {
		return "", false
	}
	start := p.i
	for p.i < len(p.b) {
		switch c := p.b[p.i]; {
		case c == '"':
			p.i++
			return borrow(p.b[start : p.i-1]), true
		case c == '\\' || c < 0x20:
			return "", false
		}
		p.i++
	}
	return "", false
}

// str scans and unquotes a string (the input is valid UTF-8). A string
// without escapes is borrowed from the input; one with escapes is
// unescaped into the scratch buffer.
func (p *scanner) str() (string, bool) {
	p.i++ // the opening quote
	start := p.i
	c := p.plain()
	if c == '"' {
		p.i++
		return borrow(p.b[start : p.i-1]), true
	}
	var out []byte
	if p.scratch != nil {
		out = *p.scratch
	}
	from := len(out)
	out = append(out, p.b[start:p.i]...)
	for {
		switch {
		case p.i >= len(p.b) || c < 0x20:
			return "", false
		case c == '"':
			p.i++
			if p.scratch != nil {
				*p.scratch = out
			}
			return borrow(out[from:]), true
		}
		// c is a backslash.
		if p.i+1 >= len(p.b) {
			return "", false
		}
		e := p.b[p.i+1]
		p.i += 2
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return "", false
			}
			if utf16.IsSurrogate(r) {
				// A pair, or an unpaired surrogate: U+FFFD, as encoding/json.
				r1 := r
				r = utf8.RuneError
				save := p.i
				if p.lit(`\u`) {
					if r2, ok := p.hex4(); ok {
						if dec := utf16.DecodeRune(r1, r2); dec != utf8.RuneError {
							r = dec
							save = p.i
						}
					}
				}
				p.i = save
			}
			out = utf8.AppendRune(out, r)
		default:
			return "", false
		}
		run := p.i
		c = p.plain()
		out = append(out, p.b[run:p.i]...)
	}
}

// plain advances over bytes that stand for themselves in a string and
// returns the byte it stopped at: a quote, a backslash, a control
// character, or 0 at the end of the input.
func (p *scanner) plain() byte {
	b := p.b
	i := p.i
	// Eight bytes at a time while none of them can stop the scan: no
	// quote, no backslash, no byte below 0x20 (the tests are exact when
	// they find nothing, and the bytes are then looked at one by one).
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for ; i+8 <= len(b); i += 8 {
		v := binary.LittleEndian.Uint64(b[i:])
		q, bs := v^(ones*'"'), v^(ones*'\\')
		if ((q-ones)&^q|(bs-ones)&^bs|(v-ones*0x20)&^v)&highs != 0 {
			break
		}
	}
	for i < len(b) {
		c := b[i]
		if c == '"' || c == '\\' || c < 0x20 {
			p.i = i
			return c
		}
		i++
	}
	p.i = i
	return 0
}

func (p *scanner) hex4() (rune, bool) {
	if len(p.b)-p.i < 4 {
		return 0, false
	}
	v, err := strconv.ParseUint(string(p.b[p.i:p.i+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	p.i += 4
	return rune(v), true
}

// skipValue scans past any JSON value.
func (p *scanner) skipValue(depth int) bool {
	if depth > maxDepth {
		return false
	}
	switch c := p.peek(); {
	case c == '"':
		_, ok := p.str()
		return ok
	case c == '-' || isDigit(c):
		return p.number()
	case c == 't':
		return p.lit("true")
	case c == 'f':
		return p.lit("false")
	case c == 'n':
		return p.lit("null")
	case c == '[':
		p.i++
		p.ws()
		if p.eat(']') {
			return true
		}
		for {
			p.ws()
			if !p.skipValue(depth + 1) {
				return false
			}
			p.ws()
			if p.eat(']') {
				return true
			}
			if !p.eat(',') {
				return false
			}
		}
	case c == '{':
		p.i++
		p.ws()
		if p.eat('}') {
			return true
		}
		for {
			p.ws()
			if p.peek() != '"' {
				return false
			}
			if _, ok := p.str(); !ok {
				return false
			}
			p.ws()
			if !p.eat(':') {
				return false
			}
			p.ws()
			if !p.skipValue(depth + 1) {
				return false
			}
			p.ws()
			if p.eat('}') {
				return true
			}
			if !p.eat(',') {
				return false
			}
		}
	}
	return false
}
