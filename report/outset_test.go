package report_test

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/neardup/neardup/internal/atomicfs"
	"github.com/neardup/neardup/report"
)

var members = []string{"a.txt", "b.txt", "sub/c.html"}

// writeSet writes a set whose every member holds tag; hook may panic to
// stand for a process killed there.
func writeSet(dir, tag string, hook func(string)) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("killed at %v", r)
		}
	}()
	s, err := report.BeginSet(dir, members, report.SetOptions{Hook: hook})
	if err != nil {
		return err
	}
	defer s.Abort()
	for _, n := range members {
		if err := s.WriteFile(n, func(w io.Writer) error { _, err := io.WriteString(w, tag); return err }); err != nil {
			return err
		}
	}
	return s.Commit()
}

// shown returns the tag every member path shows, "" when none exists,
// and fails on a mix.
func shown(t *testing.T, dir string) string {
	t.Helper()
	var tags []string
	for _, n := range members {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if errors.Is(err, fs.ErrNotExist) {
			b = nil
		} else if err != nil {
			t.Fatal(err)
		}
		tags = append(tags, string(b))
	}
	if tags[0] != tags[1] || tags[1] != tags[2] {
		t.Fatalf("a mix of sets: %q", tags)
	}
	return tags[0]
}

func TestSetSwitchesAtOnce(t *testing.T) {
	points := []string{"adopted", "adopt switched", "wrote a.txt", "wrote sub/c.html", "written", "linked", "switched", "pruned"}
	for _, legacy := range []bool{false, true} {
		for _, at := range points {
			t.Run(fmt.Sprintf("legacy=%v/%s", legacy, at), func(t *testing.T) {
				dir := t.TempDir()
				if legacy {
					for _, n := range members {
						os.MkdirAll(filepath.Dir(filepath.Join(dir, n)), 0o755)
						os.WriteFile(filepath.Join(dir, n), []byte("old"), 0o644)
					}
				} else if err := writeSet(dir, "old", nil); err != nil {
					t.Fatal(err)
				}
				err := writeSet(dir, "new", func(p string) {
					if p == at {
						panic(p)
					}
				})
				want := "old"
				if at == "switched" || at == "pruned" {
					want = "new"
				}
				if at == "adopt switched" && !legacy {
					if err != nil {
						t.Fatalf("nothing to adopt, yet: %v", err)
					}
					want = "new"
				} else if err == nil {
					t.Fatalf("not killed at %s", at)
				}
				if got := shown(t, dir); got != want {
					t.Fatalf("killed at %s: the paths show %q, want %q", at, got, want)
				}
				// The next set cleans up and switches.
				if err := writeSet(dir, "next", nil); err != nil {
					t.Fatal(err)
				}
				if got := shown(t, dir); got != "next" {
					t.Fatalf("next set: %q", got)
				}
				if target, _ := os.Readlink(filepath.Join(dir, "sub", "c.html")); target != "../current/sub/c.html" {
					t.Errorf("sub/c.html -> %q", target)
				}
				entries, _ := os.ReadDir(dir)
				gens := 0
				for _, e := range entries {
					if strings.HasPrefix(e.Name(), ".gen-") {
						gens++
					}
					if strings.Contains(e.Name(), ".tmp-") {
						t.Errorf("left over: %s", e.Name())
					}
				}
				if gens != 2 {
					t.Errorf("%d generations, want the current one and the one before", gens)
				}
			})
		}
	}
}

func TestSetCommitNeedsEveryMember(t *testing.T) {
	dir := t.TempDir()
	if err := writeSet(dir, "old", nil); err != nil {
		t.Fatal(err)
	}
	s, err := report.BeginSet(dir, members, report.SetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s.WriteFile("a.txt", func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err })
	if err := s.WriteFile("b.txt", func(w io.Writer) error { return errors.New("disk full") }); err == nil {
		t.Error("a failed write: no error")
	}
	if err := s.WriteFile("other.txt", func(io.Writer) error { return nil }); err == nil {
		t.Error("a member not named at BeginSet was written")
	}
	if err := s.Commit(); err == nil {
		t.Error("Commit with members missing: no error")
	}
	gen := s.Dir()
	s.Abort()
	if _, err := os.Stat(gen); !errors.Is(err, fs.ErrNotExist) || shown(t, dir) != "old" {
		t.Errorf("after Abort: %v, the paths show %q", err, shown(t, dir))
	}
	// Link takes members from the current set. (The number of the aborted
	// generation, never current, is used again.)
	s, _ = report.BeginSet(dir, members, report.SetOptions{})
	for _, n := range members {
		if err := s.Link(n); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Commit(); err != nil || shown(t, dir) != "old" {
		t.Errorf("a set of links: %v", err)
	}
	if cur, _ := report.CurrentDir(dir); filepath.Base(cur) != ".gen-2" {
		t.Errorf("CurrentDir %s", cur)
	}
	if names, _ := report.CurrentMembers(dir); !slices.Equal(names, members) {
		t.Errorf("CurrentMembers %v", names)
	}
}

func TestInsideOut(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	os.Mkdir(out, 0o755)
	os.Symlink("out", filepath.Join(dir, "alias"))
	tests := []struct {
		file, name, err string
	}{
		{filepath.Join(out, "report.html"), "report.html", ""},
		{filepath.Join(dir, "alias", "sub", "r.html"), "sub/r.html", ""},
		{filepath.Join(dir, "report.html"), "", ""},
		{filepath.Join(dir, "alias", "summary.json"), "", "would overwrite the output summary.json"},
		{filepath.Join(out, "drop.txt"), "", "would overwrite"},
		{out + "/", "", "is the output directory"},
		{filepath.Join(out, "current", "x.html"), "", "reserved"},
		{filepath.Join(out, ".gen-3", "x.html"), "", "reserved"},
		{filepath.Join(out, ".lock"), "", "reserved"},
	}
	for _, tt := range tests {
		name, err := report.InsideOut(out, tt.file)
		if name != tt.name || (err == nil) != (tt.err == "") || (err != nil && !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("InsideOut(%s) = %q, %v; want %q, %q", tt.file, name, err, tt.name, tt.err)
		}
	}
}

func TestReadSet(t *testing.T) {
	dir := t.TempDir()
	if _, err := report.ReadSet(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("no set: %v", err)
	}
	write := func(clusters, drop string, nclusters, dups int) {
		os.WriteFile(filepath.Join(dir, report.ClustersFile), []byte(clusters), 0o644)
		os.WriteFile(filepath.Join(dir, report.DropFile), []byte(drop), 0o644)
		os.WriteFile(filepath.Join(dir, report.SummaryFile), fmt.Appendf(nil, `{"matching":{"clusters":%d,"duplicates":%d}}`, nclusters, dups), 0o644)
	}
	line := `{"cluster":1,"size":2,"canonical":"a","members":[{"id":"a"},{"id":"b"}]}` + "\n"
	write(line, "b\n", 1, 1)
	if c, err := report.ReadSet(dir); err != nil || len(c.Clusters) != 1 || !slices.Equal(c.Drop, []string{"b"}) {
		t.Errorf("a consistent set: %+v, %v", c, err)
	}
	write(line, "c\n", 1, 1)
	if _, err := report.ReadSet(dir); err == nil || !strings.Contains(err.Error(), "non-canonical") {
		t.Errorf("drop.txt of another run: %v", err)
	}
	write(line, "b\n", 2, 1)
	if _, err := report.ReadSet(dir); err == nil || !strings.Contains(err.Error(), "counts 2 clusters") {
		t.Errorf("summary.json of another run: %v", err)
	}
	write("", "", 0, 0)
	if _, err := report.ReadSet(dir); err != nil {
		t.Errorf("an empty set: %v", err)
	}
}

// TestAdoptKeepsOtherMembers: when an older neardup has written plain
// files over the links of a set, adopting them keeps the set's other
// files showing what they showed.
func TestAdoptKeepsOtherMembers(t *testing.T) {
	dir := t.TempDir()
	if err := writeSet(dir, "v1", nil); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"a.txt", "b.txt"} {
		os.Remove(filepath.Join(dir, n))
		os.WriteFile(filepath.Join(dir, n), []byte("plain"), 0o644)
	}
	func() {
		defer func() { recover() }()
		report.BeginSet(dir, []string{"a.txt", "b.txt"}, report.SetOptions{Hook: func(p string) {
			if p == "adopted" {
				panic(p)
			}
		}})
	}()
	for n, want := range map[string]string{"a.txt": "plain", "b.txt": "plain", "sub/c.html": "v1"} {
		if b, err := os.ReadFile(filepath.Join(dir, n)); string(b) != want {
			t.Errorf("%s shows %q (%v), want %q", n, b, err, want)
		}
		if fi, _ := os.Lstat(filepath.Join(dir, n)); fi.Mode()&fs.ModeSymlink == 0 {
			t.Errorf("%s is not a link after adoption", n)
		}
	}
}

// TestSetSyncOrder: a set's commit, first over nothing, then over a set,
// then over plain files of an older neardup (adopted), syncs every file
// before a rename or link publishes it and every directory whose entries
// changed (atomicfs.CheckOrder over the steps it takes).
func TestSetSyncOrder(t *testing.T) {
	for _, legacy := range []bool{false, true} {
		dir := t.TempDir()
		if legacy {
			for _, n := range members {
				os.MkdirAll(filepath.Dir(filepath.Join(dir, n)), 0o755)
				os.WriteFile(filepath.Join(dir, n), []byte("old"), 0o644)
			}
		}
		for _, tag := range []string{"first", "second"} {
			stop := atomicfs.Trace()
			err := writeSet(dir, tag, nil)
			steps := stop()
			if err != nil {
				t.Fatal(err)
			}
			if len(steps) == 0 {
				t.Fatal("no steps traced")
			}
			if err := atomicfs.CheckOrder(steps); err != nil {
				t.Errorf("legacy %v, %s set: %v\nsteps: %v", legacy, tag, err, steps)
			}
		}
	}
}
