// Package atomicfs holds the file steps that make a change durable and
// all-or-nothing, which the output set (report.Set) and the nightly state
// (state.Commit) are built from: write a file and sync it before anything
// names it, stage a file under a temporary name and rename it into place,
// link or copy a file into a new generation, replace a symbolic link in
// one rename, and sync the directory whose entries changed so that the
// rename survives a crash.
//
// One seam serves tests: Trace records every step in order (create, sync,
// link, rename, symlink, syncdir), from which a test checks the order a
// crash depends on — every file synced before a rename or link publishes
// it, every directory synced after its entries changed (CheckOrder).
package atomicfs

import (
	"bufio"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// TempInfix marks temporary names: ".NAME.tmp-RANDOM" (IsTemp), which a
// directory's owner removes when a killed run left them.
const TempInfix = ".tmp-"

// IsTemp reports whether a base name is a temporary file of this package.
func IsTemp(base string) bool {
	return strings.HasPrefix(base, ".") && strings.Contains(base[1:], TempInfix)
}

// tempName is a temporary name beside path.
func tempName(path string) string {
	return filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+TempInfix+strconv.FormatUint(rand.Uint64(), 36))
}

// WriteNew creates path, which must not exist, with what write produces
// (buffered), mode 0644, synced. On error the file may be left partly
// written: the caller removes what it was building.
func WriteNew(path string, write func(io.Writer) error) error {
	return writeSynced(path, os.O_EXCL, write)
}

// Write is WriteNew over a file that may exist (truncated first).
func Write(path string, write func(io.Writer) error) error {
	return writeSynced(path, os.O_TRUNC, write)
}

func writeSynced(path string, flag int, write func(io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|flag, 0o644)
	if err != nil {
		return err
	}
	note("create", path)
	bw := bufio.NewWriterSize(f, 256<<10)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Chmod(0o644)
	}
	if err == nil {
		err = f.Sync()
		note("sync", path)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// LinkOrCopy makes dst (its directory created if missing) the same file
// as src: a hard link, or a synced copy where the file system has none.
func LinkOrCopy(src, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	if err := os.Link(src, dst); err == nil {
		noteStep(Step{Op: "link", Path: filepath.Clean(dst), Old: filepath.Clean(src)})
		return nil
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	return WriteNew(dst, func(w io.Writer) error {
		_, err := io.Copy(w, in)
		return err
	})
}

// Rename renames old to new and syncs the directory of new (and of old,
// when another), so that the rename survives a crash.
func Rename(old, new string) error {
	if err := os.Rename(old, new); err != nil {
		return err // an *os.LinkError: nothing moved
	}
	noteRename(old, new)
	if err := SyncDir(filepath.Dir(new)); err != nil {
		return err
	}
	if filepath.Dir(old) != filepath.Dir(new) {
		return SyncDir(filepath.Dir(old))
	}
	return nil
}

// ReplaceSymlink makes p a symbolic link to target through a temporary
// link renamed over p, so that p is at every moment either what it was or
// the new link. It does not sync p's directory: a caller replacing many
// links syncs once (SyncDir).
func ReplaceSymlink(target, p string) error {
	tmp := tempName(p)
	if err := os.Symlink(target, tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, p); err != nil {
		os.Remove(tmp)
		return err
	}
	note("symlink", p)
	return nil
}

// SyncDir syncs a directory, so that the entries just renamed or created
// in it survive a crash.
func SyncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		note("syncdir", dir)
	}
	return err
}

// SyncTree syncs dir and every directory below it (their files were
// synced as written).
func SyncTree(dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		return SyncDir(p)
	})
}

// Staged is a file written whole and synced under a temporary name next
// to its path, not yet renamed into place.
type Staged struct {
	tmp, path string
}

// Stage writes what write produces to a temporary file next to path and
// syncs it. On error nothing is left behind.
func Stage(path string, write func(io.Writer) error) (*Staged, error) {
	if filepath.Dir(path) == "" {
		path = filepath.Join(".", path)
	}
	tmp := tempName(path)
	if err := WriteNew(tmp, write); err != nil {
		remove(tmp)
		return nil, err
	}
	return &Staged{tmp: tmp, path: path}, nil
}

// Rename moves the staged file into place in one rename, and syncs its
// directory.
func (f *Staged) Rename() error {
	if err := Rename(f.tmp, f.path); err != nil {
		remove(f.tmp)
		return err
	}
	f.tmp = ""
	return nil
}

// Remove deletes the staged file unless it was renamed; safe to defer.
func (f *Staged) Remove() {
	if f != nil && f.tmp != "" {
		remove(f.tmp)
		f.tmp = ""
	}
}

// remove deletes a temporary file that was never published.
func remove(path string) {
	os.Remove(path)
	note("remove", path)
}

// WriteFile creates path with what write produces, through a staged file
// renamed over it: on any error path is untouched.
func WriteFile(path string, write func(io.Writer) error) error {
	f, err := Stage(path, write)
	if err != nil {
		return err
	}
	return f.Rename()
}

// Step is one file step Trace records: Op is create, sync, link or
// rename (Path the new name, Old the file linked or renamed), symlink
// (Path the link replaced), syncdir or remove (a temporary file never
// published).
type Step struct{ Op, Path, Old string }

var (
	traceMu sync.Mutex
	trace   *[]Step
)

func note(op, path string) { noteStep(Step{Op: op, Path: filepath.Clean(path)}) }

func noteRename(old, new string) {
	noteStep(Step{Op: "rename", Path: filepath.Clean(new), Old: filepath.Clean(old)})
}

func noteStep(s Step) {
	traceMu.Lock()
	if trace != nil {
		*trace = append(*trace, s)
	}
	traceMu.Unlock()
}

// Trace starts recording every step of this package, for a test of the
// order a crash depends on; stop ends it and returns the steps. Only one
// trace runs at a time.
func Trace() (stop func() []Step) {
	steps := []Step{}
	traceMu.Lock()
	trace = &steps
	traceMu.Unlock()
	return func() []Step {
		traceMu.Lock()
		defer traceMu.Unlock()
		trace = nil
		return steps
	}
}

// CheckOrder checks steps for what a crash needs: a file created is
// synced before a rename or link of it, or of a directory that holds it,
// publishes it, and before any symlink step (which may point at it); a
// rename finds every directory whose
// entries changed synced, but the two it changes (a directory renamed
// into place holds only entries that survive); and every directory whose
// entries changed is synced before the steps end. It returns the first
// violation.
func CheckOrder(steps []Step) error {
	unsynced := map[string]int{} // file -> step that created it
	dirty := map[string]int{}    // directory -> step that changed it
	change := func(dir string, i int) {
		if _, ok := dirty[dir]; !ok {
			dirty[dir] = i
		}
	}
	for i, s := range steps {
		switch s.Op {
		case "create":
			unsynced[s.Path] = i
			change(filepath.Dir(s.Path), i)
		case "sync", "remove":
			delete(unsynced, s.Path)
		case "syncdir":
			delete(dirty, s.Path)
		case "rename", "link", "symlink":
			published := unsynced
			if s.Op != "symlink" {
				published = under(unsynced, s.Old)
			}
			if f, at, ok := first(published); ok {
				return fmt.Errorf("step %d (%s %s): %s, created at step %d, is not synced yet", i, s.Op, s.Path, f, at)
			}
			if s.Op == "rename" {
				others := maps.Clone(dirty)
				delete(others, filepath.Dir(s.Path))
				delete(others, filepath.Dir(s.Old))
				if d, at, ok := first(others); ok {
					return fmt.Errorf("step %d (rename %s to %s): directory %s, changed at step %d, is not synced yet", i, s.Old, s.Path, d, at)
				}
			}
			change(filepath.Dir(s.Path), i)
		}
	}
	if d, at, ok := first(dirty); ok {
		return fmt.Errorf("directory %s changed at step %d (%s %s) and never synced after", d, at, steps[at].Op, steps[at].Path)
	}
	return nil
}

// under is the entries of m at path or inside it: what a rename or link
// of path publishes. Files written meanwhile elsewhere (a segment written
// ahead while kept ones are linked) are not published by it.
func under(m map[string]int, path string) map[string]int {
	out := map[string]int{}
	for k, v := range m {
		if k == path || strings.HasPrefix(k, path+string(filepath.Separator)) {
			out[k] = v
		}
	}
	return out
}

// first is the entry of m with the lowest step.
func first(m map[string]int) (string, int, bool) {
	name, at := "", -1
	for k, v := range m {
		if at < 0 || v < at {
			name, at = k, v
		}
	}
	return name, at, at >= 0
}
