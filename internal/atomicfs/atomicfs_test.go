package atomicfs

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckOrder(t *testing.T) {
	for _, tt := range []struct {
		name  string
		steps []Step
		want  string // in the error; "": none
	}{
		{"synced then renamed", []Step{{"create", "d/.x.tmp-1", ""}, {"sync", "d/.x.tmp-1", ""}, {"rename", "d/x", "d/.x.tmp-1"}, {"syncdir", "d", ""}}, ""},
		{"renamed before its sync", []Step{{"create", "d/.x.tmp-1", ""}, {"rename", "d/x", "d/.x.tmp-1"}, {"sync", "d/.x.tmp-1", ""}, {"syncdir", "d", ""}}, "d/.x.tmp-1, created at step 0, is not synced yet"},
		{"directory never synced", []Step{{"create", "d/a", ""}, {"sync", "d/a", ""}, {"link", "e/a", ""}, {"syncdir", "d", ""}}, "directory e changed at step 2 (link e/a)"},
		{"directory synced before the change only", []Step{{"syncdir", "d", ""}, {"symlink", "d/current", ""}}, "directory d changed at step 1"},
		{"a directory renamed in before its entries are synced", []Step{{"create", "s/tmp/seg", ""}, {"sync", "s/tmp/seg", ""}, {"rename", "s/gen-2", "s/tmp"}, {"syncdir", "s", ""}},
			"directory s/tmp, changed at step 0, is not synced yet"},
		{"a directory renamed in after its entries are synced", []Step{{"create", "s/tmp/seg", ""}, {"sync", "s/tmp/seg", ""}, {"syncdir", "s/tmp", ""}, {"rename", "s/gen-2", "s/tmp"}, {"syncdir", "s", ""}}, ""},
		{"a file written ahead while another is linked", []Step{{"create", "d/.seg.tmp-1", ""}, {"link", "g/old", "f/old"}, {"sync", "d/.seg.tmp-1", ""}, {"rename", "g/seg", "d/.seg.tmp-1"}, {"syncdir", "g", ""}, {"syncdir", "d", ""}}, ""},
		{"a file linked before its sync", []Step{{"create", "d/a", ""}, {"link", "g/a", "d/a"}, {"sync", "d/a", ""}, {"syncdir", "g", ""}, {"syncdir", "d", ""}}, "d/a, created at step 0, is not synced yet"},
		{"a symlink while any file is unsynced", []Step{{"create", "d/a", ""}, {"symlink", "d/current", ""}, {"sync", "d/a", ""}, {"syncdir", "d", ""}}, "d/a, created at step 0, is not synced yet"},
		{"a file written, never published", []Step{{"create", "d/a", ""}, {"sync", "d/a", ""}, {"syncdir", "d", ""}}, ""},
		{"nothing", nil, ""},
	} {
		err := CheckOrder(tt.steps)
		if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
}

// TestFileSteps: each step does what it says and traces its order; a
// failed write leaves the path untouched and no temporary file.
func TestFileSteps(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.txt")
	write := func(s string) func(io.Writer) error {
		return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
	}
	stop := Trace()
	if err := WriteFile(p, write("one")); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(p, func(w io.Writer) error { io.WriteString(w, "half"); return errors.New("disk full") }); err == nil {
		t.Fatal("a failed write succeeded")
	}
	if err := LinkOrCopy(p, filepath.Join(dir, "sub", "linked.txt")); err != nil {
		t.Fatal(err)
	}
	if err := SyncDir(filepath.Join(dir, "sub")); err != nil {
		t.Fatal(err)
	}
	if err := ReplaceSymlink("out.txt", filepath.Join(dir, "current")); err != nil {
		t.Fatal(err)
	}
	if err := ReplaceSymlink("sub/linked.txt", filepath.Join(dir, "current")); err != nil {
		t.Fatal(err)
	}
	if err := SyncTree(dir); err != nil {
		t.Fatal(err)
	}
	if err := WriteNew(p, write("again")); err == nil {
		t.Error("WriteNew over an existing file succeeded")
	}
	steps := stop()
	if err := CheckOrder(steps[:len(steps)-1]); err != nil { // the failed WriteNew's create is last
		t.Errorf("%v\n%v", err, steps)
	}
	for name, want := range map[string]string{"out.txt": "one", "sub/linked.txt": "one", "current": "one"} {
		if b, err := os.ReadFile(filepath.Join(dir, name)); err != nil || string(b) != want {
			t.Errorf("%s: %q, %v; want %q", name, b, err, want)
		}
	}
	if target, _ := os.Readlink(filepath.Join(dir, "current")); target != "sub/linked.txt" {
		t.Errorf("current -> %q", target)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if IsTemp(e.Name()) {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
	staged, err := Stage(p, write("two"))
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "one" {
		t.Errorf("staged, not renamed: %s holds %q", p, b)
	}
	if err := staged.Rename(); err != nil {
		t.Fatal(err)
	}
	staged.Remove() // after Rename: nothing to remove
	if b, _ := os.ReadFile(p); string(b) != "two" {
		t.Errorf("renamed: %q", b)
	}
	if !IsTemp(".x.tmp-abc") || IsTemp("x.tmp-abc") || IsTemp(".x") {
		t.Error("IsTemp")
	}
}
