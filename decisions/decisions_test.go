package decisions

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neardup/neardup/corpus"
)

func write(t *testing.T, lines ...string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "decisions.jsonl")
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// The same pair decided twice takes the later decision; decisions about
// articles not in the run are counted when bound.
func TestLoadLastWinsAndBind(t *testing.T) {
	f := write(t,
		`{"a": "x", "b": "y", "label": "distinct", "by": "Ann", "at": "2026-12-07T10:00:00Z"}`,
		``,
		`{"a": "y", "b": "x", "label": "dup", "why": "the same strike", "by": "Bo"}`,
		`{"a": "x", "b": "gone", "label": "distinct"}`)
	s, err := Load([]string{f})
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 2 || s.List()[0].Label != Same || s.List()[0].Pos.Line != 3 {
		t.Fatalf("decisions %+v", s.List())
	}
	ids := []string{"x", "y", "z"}
	b := s.Bind(len(ids), func(i int) string { return ids[i] })
	if b.Len() != 1 || b.Unknown != 1 || len(b.Linked) != 1 {
		t.Errorf("bound: %d decided, %d unknown, %v linked", b.Len(), b.Unknown, b.Linked)
	}
	d, ok := b.Decided(1, 0)
	if !ok || !d.Same || d.Note != "editor: same story: the same strike (Bo)" {
		t.Errorf("Decided(y, x) = %+v, %v", d, ok)
	}
	if _, ok := b.Decided(0, 2); ok {
		t.Error("an undecided pair is decided")
	}
}

// Bad decisions files get positioned errors.
func TestLoadErrors(t *testing.T) {
	for _, c := range []struct {
		lines []string
		want  string
	}{
		{[]string{`{"a": "x", "b": "y", "label": "dup"}`, `{"a": "x", "b": `}, ":2: invalid JSON"},
		{[]string{`{"a": "x", "label": "dup"}`}, `:1: a decision needs the IDs "a" and "b"`},
		{[]string{`{"a": "x", "b": "x", "label": "dup"}`}, `:1: a decision about "x" and itself`},
		{[]string{`{"a": "x", "b": "y", "label": "maybe"}`}, `:1: label "maybe": want "dup" or "distinct"`},
		{[]string{`{"a": "a", "b": "b", "label": "dup"}`, `{"a": "b", "b": "c", "label": "dup"}`, `{"a": "c", "b": "a", "label": "distinct"}`},
			":3: c and a decided not copies, but same-story decisions join them (%s:2, %s:1)"},
	} {
		f := write(t, c.lines...)
		_, err := Load([]string{f})
		var ce *corpus.Error
		want := strings.ReplaceAll(c.want, "%s", f)
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want a positioned error with %q", c.lines, err, want)
		}
	}
	if _, err := Load([]string{filepath.Join(t.TempDir(), "none.jsonl")}); err == nil {
		t.Error("a missing file: no error")
	}
}

// FuzzLoad: any decisions file gives decisions or an error, never a panic,
// and every decision loaded is well formed.
func FuzzLoad(f *testing.F) {
	f.Add([]byte(`{"a": "x", "b": "y", "label": "dup"}` + "\n"))
	f.Add([]byte(`{"a": "a", "b": "b", "label": "dup"}` + "\n" + `{"a": "b", "b": "a", "label": "distinct"}` + "\n"))
	f.Add([]byte("{}\n\n[]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "d.jsonl")
		os.WriteFile(p, data, 0o644)
		s, err := Load([]string{p})
		if err != nil {
			return
		}
		for _, d := range s.List() {
			if d.A == "" || d.B == "" || d.A == d.B || (d.Label != Same && d.Label != Apart) {
				t.Errorf("loaded %+v", d)
			}
		}
	})
}
