// Package decisions reads editors' decisions about pairs of articles —
// decisions.jsonl, exported by the HTML report: the --pairs label format
// ({"a", "b", "label": "dup"|"distinct", "why"}, plus "by" and "at") —
// and binds them to a run's documents for clustering (cluster.Options):
// a "distinct" pair is a cannot-link, a "dup" pair a must-link.
//
// The rules, stated once: the same pair decided twice takes its last
// decision (files in the order given, lines in file order), so an editor
// who changes their mind exports again; decisions that contradict one
// another through must-links (A=B, B=C, A≠C) are an error naming the
// lines; a decision about an article not in the run is counted, not an
// error.
package decisions

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/neardup/neardup/cluster"
	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/lsh"
)

// Labels an editor gives.
const (
	Same  = "dup"      // the two are one news item
	Apart = "distinct" // they are different items
)

// Decision is one editor's decision about a pair.
type Decision struct {
	A     string `json:"a"`
	B     string `json:"b"`
	Label string `json:"label"`
	Why   string `json:"why,omitempty"`
	By    string `json:"by,omitempty"`
	At    string `json:"at,omitempty"`

	Pos corpus.Position `json:"-"` // its file and line
}

// Note is how the match evidence words the decision.
func (d *Decision) Note() string {
	var b strings.Builder
	if d.Label == Same {
		b.WriteString("editor: same story")
	} else {
		b.WriteString("editor: not a copy")
	}
	if d.Why != "" {
		b.WriteString(": " + d.Why)
	}
	if d.By != "" || d.At != "" {
		b.WriteString(" (" + strings.TrimSpace(d.By+" "+d.At) + ")")
	}
	return b.String()
}

// Set is the decisions of some files, the last one per pair.
type Set struct {
	list   []Decision        // one per pair, in the order first met
	byPair map[[2]string]int // (a, b) with a < b: its place in list
}

func key(a, b string) [2]string {
	if b < a {
		a, b = b, a
	}
	return [2]string{a, b}
}

// Len is the number of pairs decided.
func (s *Set) Len() int { return len(s.list) }

// List is the decisions, one per pair.
func (s *Set) List() []Decision { return s.list }

// Load reads decisions files (JSONL, one decision a line; blank lines
// skipped). A malformed line, a label other than dup or distinct, a pair
// of an article with itself, or decisions that contradict one another are
// errors naming file and line.
func Load(paths []string) (*Set, error) {
	s := &Set{byPair: map[[2]string]int{}}
	for _, path := range paths {
		if err := s.read(path); err != nil {
			return nil, err
		}
	}
	if err := s.check(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Set) read(path string) error {
	return corpus.EachLine(path, func(pos corpus.Position, line []byte) error {
		d, err := parse(line)
		if err != nil {
			return err
		}
		d.Pos = pos
		k := key(d.A, d.B)
		if i, ok := s.byPair[k]; ok {
			s.list[i] = d // the later decision of the same pair stands
			return nil
		}
		s.byPair[k] = len(s.list)
		s.list = append(s.list, d)
		return nil
	})
}

func parse(line []byte) (Decision, error) {
	var d Decision
	dec := json.NewDecoder(bytes.NewReader(line))
	if err := dec.Decode(&d); err != nil {
		return d, fmt.Errorf("invalid JSON: %v (want one decision a line: a, b, label dup|distinct)", err)
	}
	d.A, d.B = strings.TrimSpace(d.A), strings.TrimSpace(d.B)
	switch {
	case d.A == "" || d.B == "":
		return d, errors.New(`a decision needs the IDs "a" and "b"`)
	case d.A == d.B:
		return d, fmt.Errorf("a decision about %q and itself", d.A)
	case d.Label != Same && d.Label != Apart:
		return d, fmt.Errorf("label %q: want %q or %q", d.Label, Same, Apart)
	}
	return d, nil
}

// check fails when a distinct decision joins two articles that dup
// decisions put in one story, naming the lines.
func (s *Set) check() error {
	parent := map[string]string{}
	var find func(string) string
	find = func(x string) string {
		p, ok := parent[x]
		if !ok || p == x {
			return x
		}
		r := find(p)
		parent[x] = r
		return r
	}
	same := map[string][]int{} // an ID's dup decisions
	for i, d := range s.list {
		if d.Label == Same {
			parent[find(d.A)] = find(d.B)
			same[d.A], same[d.B] = append(same[d.A], i), append(same[d.B], i)
		}
	}
	for _, d := range s.list {
		if d.Label != Apart || find(d.A) != find(d.B) {
			continue
		}
		path := s.samePath(d.A, d.B, same)
		lines := make([]string, len(path))
		for i, j := range path {
			lines[i] = s.list[j].Pos.String()
		}
		return &corpus.Error{Pos: d.Pos, Reason: corpus.Malformed, Err: fmt.Errorf(
			"%s and %s decided not copies, but same-story decisions join them (%s): change one and export again",
			d.A, d.B, strings.Join(lines, ", "))}
	}
	return nil
}

// samePath is the dup decisions (by place) on a shortest path from a to b.
func (s *Set) samePath(a, b string, same map[string][]int) []int {
	type step struct {
		id  string
		via int
	}
	prev := map[string]step{a: {"", -1}}
	queue := []string{a}
	for len(queue) > 0 {
		if _, ok := prev[b]; ok {
			break
		}
		x := queue[0]
		queue = queue[1:]
		for _, i := range same[x] {
			y := s.list[i].A
			if y == x {
				y = s.list[i].B
			}
			if _, seen := prev[y]; !seen {
				prev[y] = step{x, i}
				queue = append(queue, y)
			}
		}
	}
	var path []int
	for x := b; x != a; x = prev[x].id {
		st, ok := prev[x]
		if !ok {
			return nil
		}
		path = append(path, st.via)
	}
	slices.Reverse(path)
	return path
}

// Bound is a Set bound to a run's documents, by index.
type Bound struct {
	decided map[[2]int]*Decision // (a, b) with a < b
	Linked  []lsh.Pair           // the dup decisions of two documents of the run
	Docs    []int                // the documents of the run a decision names (cluster.Options.DecidedDocs), each once, in order
	Unknown int                  // decisions naming an article not in the run
}

// Bind binds the decisions to the n documents whose IDs id gives. It
// reads every ID once.
func (s *Set) Bind(n int, id func(i int) string) *Bound {
	want := map[string]int{}
	for _, d := range s.list {
		want[d.A], want[d.B] = -1, -1
	}
	for i := range n {
		if _, ok := want[id(i)]; ok {
			want[id(i)] = i
		}
	}
	b := &Bound{decided: map[[2]int]*Decision{}}
	for i := range s.list {
		d := &s.list[i]
		x, y := want[d.A], want[d.B]
		if x < 0 || y < 0 {
			b.Unknown++
			continue
		}
		if y < x {
			x, y = y, x
		}
		b.decided[[2]int{x, y}] = d
		b.Docs = append(b.Docs, x, y)
		if d.Label == Same {
			b.Linked = append(b.Linked, lsh.Pair{A: x, B: y})
		}
	}
	slices.Sort(b.Docs)
	b.Docs = slices.Compact(b.Docs)
	if b.Docs == nil {
		b.Docs = []int{}
	}
	slices.SortFunc(b.Linked, func(p, q lsh.Pair) int {
		if p.A != q.A {
			return p.A - q.A
		}
		return p.B - q.B
	})
	return b
}

// Len is the number of decisions about two documents of the run.
func (b *Bound) Len() int { return len(b.decided) }

// Decided is the editor's decision on documents a and b, for
// cluster.Options.Decided.
func (b *Bound) Decided(x, y int) (cluster.Decision, bool) {
	if y < x {
		x, y = y, x
	}
	d, ok := b.decided[[2]int{x, y}]
	if !ok {
		return cluster.Decision{}, false
	}
	return cluster.Decision{Same: d.Label == Same, Note: d.Note()}, true
}

// Lookup is the decision about the articles a and b (either order).
func (s *Set) Lookup(a, b string) (*Decision, bool) {
	if s == nil {
		return nil, false
	}
	i, ok := s.byPair[key(a, b)]
	if !ok {
		return nil, false
	}
	return &s.list[i], true
}

// With is stored decisions (a nightly state's) with s's over them: s's
// decision of a pair stands where both decided it. The result is checked
// for contradictions as Load checks; s may be nil.
func With(stored []Decision, s *Set) (*Set, error) {
	out := &Set{byPair: map[[2]string]int{}}
	add := func(d Decision) {
		k := key(d.A, d.B)
		if i, ok := out.byPair[k]; ok {
			out.list[i] = d
			return
		}
		out.byPair[k] = len(out.list)
		out.list = append(out.list, d)
	}
	for _, d := range stored {
		add(d)
	}
	if s != nil {
		for _, d := range s.list {
			add(d)
		}
	}
	if err := out.check(); err != nil {
		return nil, err
	}
	return out, nil
}

// Equal reports whether two lists hold the same decisions in the same
// order (positions aside).
func Equal(a, b []Decision) bool {
	return slices.EqualFunc(a, b, func(x, y Decision) bool {
		return x.A == y.A && x.B == y.B && x.Label == y.Label && x.Why == y.Why && x.By == y.By && x.At == y.At
	})
}
