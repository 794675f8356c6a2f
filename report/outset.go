package report

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/neardup/neardup/internal/atomicfs"
)

// The layout of an output directory OUT (see the package doc):
//
//	OUT/.lock                          the lock file (package lock)
//	OUT/.gen-N/                        generation N: every file of one run
//	OUT/current -> .gen-N              the current generation
//	OUT/clusters.jsonl -> current/clusters.jsonl   and so for every member
const (
	CurrentLink = "current"
	LockFile    = ".lock"
	genPrefix   = ".gen-"
)

// Outputs are the names of the files every run writes.
var Outputs = []string{ClustersFile, DropFile, SummaryFile}

// Set is one generation of outputs being written into an output directory:
// BeginSet, then WriteFile or Link for each member, then Commit, which
// makes the generation current in one rename. Abort (deferred) removes an
// uncommitted generation. The caller must hold the directory's lock for the
// whole time. A Set is for use by one goroutine.
type Set struct {
	dir     string
	names   []string // member names, slash-separated, relative to dir
	gen     string   // the new generation's name, ".gen-N"
	prev    string   // the generation current when the set began ("" if none)
	written map[string]bool
	hook    func(point string)
	done    bool
}

// SetOptions configure BeginSet.
type SetOptions struct {
	// Hook, if set, is called at named points of BeginSet and Commit
	// ("adopted", "written", "linked", "switched", "pruned"), for tests
	// that kill the process there. WriteFile calls it with "wrote NAME";
	// adoption with "adopt switched" once current points to the adopted
	// generation, before the plain files become links.
	Hook func(point string)
}

// MemberName checks that name (slash-separated, relative to the output
// directory) can be a member of a set: not empty, not leaving the
// directory, not one of the set's own entries (current, .gen-*, .lock,
// temporary names).
func MemberName(name string) error {
	if name == "" || path.IsAbs(name) || path.Clean(name) != name || name == "." || strings.HasPrefix(name, "../") || name == ".." {
		return fmt.Errorf("%q is not a clean relative path inside the output directory", name)
	}
	first, _, _ := strings.Cut(name, "/")
	if first == CurrentLink || first == LockFile || strings.HasPrefix(first, genPrefix) || isTemp(path.Base(name)) {
		return fmt.Errorf("%q is reserved for the output set itself", name)
	}
	return nil
}

// InsideOut says where file lies relative to the output directory dir: its
// member name when it is inside (symbolic links in the directories of
// either are resolved), "" when it is outside. Pointing at the directory
// itself, at one of its reserved entries or at one of Outputs is an error.
func InsideOut(dir, file string) (string, error) {
	d, err := resolveDir(dir)
	if err != nil {
		return "", err
	}
	file = filepath.Clean(file)
	f, err := resolveDir(filepath.Dir(file))
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(d, filepath.Join(f, filepath.Base(file)))
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", nil
	}
	rel = filepath.ToSlash(rel)
	if rel == "." {
		return "", fmt.Errorf("%s is the output directory", file)
	}
	if slices.Contains(Outputs, rel) {
		return "", fmt.Errorf("%s would overwrite the output %s", file, rel)
	}
	if err := MemberName(rel); err != nil {
		return "", fmt.Errorf("%s: %w", file, err)
	}
	return rel, nil
}

// Resolve makes path absolute, resolving symbolic links in as much of it
// as exists: two names of one file or directory resolve the same.
func Resolve(path string) (string, error) { return resolveDir(path) }

// resolveDir makes dir absolute, resolving symbolic links in as much of it
// as exists.
func resolveDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	var rest []string
	for p := abs; ; p = filepath.Dir(p) {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			return filepath.Join(append([]string{r}, rest...)...), nil
		}
		if filepath.Dir(p) == p {
			return abs, nil
		}
		rest = append([]string{filepath.Base(p)}, rest...)
	}
}

// BeginSet starts a new generation of the members names in dir, which the
// caller has created and locked. First it tidies up after earlier runs
// killed or failed: it removes temporary files and every generation but the
// current one and the one before it; and it adopts outputs that an older
// neardup wrote as plain files at member names (they become a generation of
// their own, made current, and their paths symbolic links into it, so that
// each path shows the same bytes throughout).
func BeginSet(dir string, names []string, opts SetOptions) (*Set, error) {
	s := &Set{dir: dir, names: slices.Clone(names), written: map[string]bool{}, hook: opts.Hook}
	if s.hook == nil {
		s.hook = func(string) {}
	}
	for _, n := range names {
		if err := MemberName(n); err != nil {
			return nil, err
		}
		if fi, err := os.Lstat(s.path(n)); err == nil && fi.IsDir() {
			return nil, fmt.Errorf("%s is a directory, not an output", s.path(n))
		}
	}
	cur, err := s.current()
	if err != nil {
		return nil, err
	}
	if err := s.prune(cur, ""); err != nil {
		return nil, err
	}
	if err := s.adopt(cur); err != nil {
		return nil, fmt.Errorf("adopting the outputs of an older neardup in %s: %w", dir, err)
	}
	if s.prev, err = s.current(); err != nil {
		return nil, err
	}
	s.hook("adopted")
	if s.gen, err = s.newGen(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Set) path(name string) string { return filepath.Join(s.dir, filepath.FromSlash(name)) }

// current returns the name of the current generation, "" if there is none.
func (s *Set) current() (string, error) {
	target, err := os.Readlink(s.path(CurrentLink))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", nil
	case err != nil:
		return "", fmt.Errorf("%s is not the symbolic link neardup makes: %w", s.path(CurrentLink), err)
	case genSeq(target) < 0:
		return "", fmt.Errorf("%s points to %q, not to a generation", s.path(CurrentLink), target)
	}
	return target, nil
}

// genSeq is the number of a generation's name, or -1.
func genSeq(name string) int {
	rest, ok := strings.CutPrefix(name, genPrefix)
	if !ok {
		return -1
	}
	n, err := strconv.Atoi(rest)
	if err != nil || n < 0 || strconv.Itoa(n) != rest {
		return -1
	}
	return n
}

func isTemp(base string) bool { return atomicfs.IsTemp(base) }

// prune removes temporary files and every generation but cur, keep and,
// when keep is "", the newest one before cur.
func (s *Set) prune(cur, keep string) error {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return err
	}
	if keep == "" && cur != "" {
		best := -1
		for _, e := range entries {
			if n := genSeq(e.Name()); n >= 0 && n < genSeq(cur) && n > best {
				best, keep = n, e.Name()
			}
		}
	}
	dirs := map[string]bool{s.dir: true}
	for _, n := range s.names {
		dirs[filepath.Dir(s.path(n))] = true
	}
	for _, e := range entries {
		name := e.Name()
		switch {
		case genSeq(name) >= 0 && name != cur && name != keep,
			strings.HasPrefix(name, genPrefix) && genSeq(name) < 0 && e.IsDir():
			err = os.RemoveAll(filepath.Join(s.dir, name))
		case isTemp(name) && !e.IsDir():
			err = os.Remove(filepath.Join(s.dir, name))
		}
		if err != nil {
			return fmt.Errorf("removing what an earlier run left: %w", err)
		}
	}
	// Temporary symbolic links next to members in subdirectories.
	for d := range dirs {
		if d == s.dir {
			continue
		}
		sub, _ := os.ReadDir(d)
		for _, e := range sub {
			if isTemp(e.Name()) && !e.IsDir() {
				if err := os.Remove(filepath.Join(d, e.Name())); err != nil {
					return fmt.Errorf("removing what an earlier run left: %w", err)
				}
			}
		}
	}
	return nil
}

// newGen creates the directory of a new generation, numbered after every
// one present.
func (s *Set) newGen() (string, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return "", err
	}
	next := 1
	for _, e := range entries {
		next = max(next, genSeq(e.Name())+1)
	}
	name := genPrefix + strconv.Itoa(next)
	if err := os.Mkdir(filepath.Join(s.dir, name), 0o755); err != nil {
		return "", err
	}
	return name, nil
}

// adopt turns members that are plain files (outputs of an older neardup)
// into links into a generation, without any member path changing content.
func (s *Set) adopt(cur string) error {
	var plain []string
	for _, n := range s.names {
		if fi, err := os.Lstat(s.path(n)); err == nil && fi.Mode().IsRegular() {
			plain = append(plain, n)
		}
	}
	if len(plain) == 0 {
		return nil
	}
	// Unless every plain file already is the current generation's (an
	// adoption cut short), the plain files, with the current generation's
	// other files, become a new generation, made current.
	same := cur != ""
	for _, n := range plain {
		a, err1 := os.Stat(s.path(n))
		b, err2 := os.Stat(filepath.Join(s.dir, cur, filepath.FromSlash(n)))
		same = same && err1 == nil && err2 == nil && os.SameFile(a, b)
	}
	if !same {
		gen, err := s.newGen()
		if err != nil {
			return err
		}
		g := filepath.Join(s.dir, gen)
		others, err := s.members(cur)
		if err != nil {
			return err
		}
		for _, n := range plain {
			if err := atomicfs.LinkOrCopy(s.path(n), filepath.Join(g, filepath.FromSlash(n))); err != nil {
				return err
			}
		}
		for _, n := range others {
			if slices.Contains(plain, n) {
				continue
			}
			if err := atomicfs.LinkOrCopy(filepath.Join(s.dir, cur, filepath.FromSlash(n)), filepath.Join(g, filepath.FromSlash(n))); err != nil {
				return err
			}
		}
		if err := atomicfs.SyncTree(g); err != nil {
			return err
		}
		if err := s.switchTo(gen); err != nil {
			return err
		}
		s.hook("adopt switched")
	}
	for _, n := range plain {
		if err := s.link(n); err != nil {
			return err
		}
	}
	return s.syncLinkDirs()
}

// syncLinkDirs syncs the directories that hold the member links.
func (s *Set) syncLinkDirs() error {
	dirs := []string{s.dir}
	for _, n := range s.names {
		dirs = append(dirs, filepath.Dir(s.path(n)))
	}
	slices.Sort(dirs)
	for _, d := range slices.Compact(dirs) {
		if err := atomicfs.SyncDir(d); err != nil {
			return err
		}
	}
	return nil
}

// WriteFile writes the member name of the new generation, synced.
func (s *Set) WriteFile(name string, write func(io.Writer) error) error {
	if err := s.member(name); err != nil {
		return err
	}
	p := filepath.Join(s.dir, s.gen, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	if err := atomicfs.WriteNew(p, write); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	s.written[name] = true
	s.hook("wrote " + name)
	return nil
}

// Link takes the member name unchanged from the current generation into
// the new one; it fails when the current generation lacks it.
func (s *Set) Link(name string) error {
	if err := s.member(name); err != nil {
		return err
	}
	if s.prev == "" {
		return fmt.Errorf("%s: no current output set to take %s from", s.dir, name)
	}
	if err := atomicfs.LinkOrCopy(filepath.Join(s.dir, s.prev, filepath.FromSlash(name)), filepath.Join(s.dir, s.gen, filepath.FromSlash(name))); err != nil {
		return err
	}
	s.written[name] = true
	return nil
}

func (s *Set) member(name string) error {
	if !slices.Contains(s.names, name) {
		return fmt.Errorf("output set: %q was not named when the set began", name)
	}
	if s.done {
		return errors.New("output set: already committed")
	}
	return nil
}

// Commit makes the new generation current: it syncs the generation, makes
// sure every member path is a symbolic link through current, and then
// replaces current in one rename. It fails, leaving the previous set
// current, unless every member was written. Afterwards it removes every
// generation but the new one and the one it replaced (kept for readers
// that resolved current just before), and an error doing so is returned
// with the set committed.
func (s *Set) Commit() error {
	if s.done {
		return errors.New("output set: already committed")
	}
	for _, n := range s.names {
		if !s.written[n] {
			return fmt.Errorf("output set: %s was not written", n)
		}
	}
	s.hook("written")
	if err := atomicfs.SyncTree(filepath.Join(s.dir, s.gen)); err != nil {
		return err
	}
	for _, n := range s.names {
		if err := s.link(n); err != nil {
			return err
		}
	}
	if err := s.syncLinkDirs(); err != nil {
		return err
	}
	s.hook("linked")
	if err := s.switchTo(s.gen); err != nil {
		return err
	}
	s.done = true
	s.hook("switched")
	// Best effort: what is left is removed by the next run, which reports
	// an error if it cannot.
	s.prune(s.gen, s.prev)
	s.hook("pruned")
	return nil
}

// Abort removes the generation unless it was committed. It is safe to
// defer after BeginSet.
func (s *Set) Abort() {
	if s != nil && !s.done && s.gen != "" {
		os.RemoveAll(filepath.Join(s.dir, s.gen))
		s.done = true
	}
}

// Dir returns the new generation's directory, where its members are
// written (for reading them back before Commit).
func (s *Set) Dir() string { return filepath.Join(s.dir, s.gen) }

// link makes the member path a symbolic link to current/NAME, unless it
// already is one.
func (s *Set) link(name string) error {
	p := s.path(name)
	target := path.Join(strings.Repeat("../", strings.Count(name, "/")), CurrentLink, name)
	if t, err := os.Readlink(p); err == nil && t == target {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return atomicfs.ReplaceSymlink(target, p)
}

// switchTo points current at gen, in one rename, and syncs the directory.
func (s *Set) switchTo(gen string) error {
	if err := atomicfs.ReplaceSymlink(gen, s.path(CurrentLink)); err != nil {
		return fmt.Errorf("switching to the new outputs: %w", err)
	}
	return atomicfs.SyncDir(s.dir)
}

// CurrentDir is the directory that holds dir's current outputs: its current
// generation, or dir itself when outputs are plain files (an older neardup)
// or absent. Reading every file of a set from it, rather than through the
// member links one by one, reads one set even while a run switches.
func CurrentDir(dir string) (string, error) {
	s := &Set{dir: dir}
	cur, err := s.current()
	if err != nil || cur == "" {
		return dir, err
	}
	return filepath.Join(dir, cur), nil
}

// CurrentMembers lists the member names of dir's current generation,
// sorted; none when there is no generation.
func CurrentMembers(dir string) ([]string, error) {
	s := &Set{dir: dir}
	cur, err := s.current()
	if err != nil {
		return nil, err
	}
	return s.members(cur)
}

// members lists the files of generation gen ("": none), sorted.
func (s *Set) members(gen string) ([]string, error) {
	if gen == "" {
		return nil, nil
	}
	root := filepath.Join(s.dir, gen)
	var names []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(root, p)
		names = append(names, filepath.ToSlash(rel))
		return err
	})
	slices.Sort(names)
	return names, err
}

// Contents are the three outputs of one run as read back by ReadSet.
type Contents struct {
	Clusters []ClusterLine
	Drop     []string
	Summary  *Summary
}

// ReadSet reads clusters.jsonl, drop.txt and summary.json from dir (an
// output directory or one of its generations) and checks that they are one
// run's: drop.txt is exactly the sorted non-canonical members of
// clusters.jsonl (tonight's, for a nightly run's set), and summary.json
// counts as many clusters and duplicates. A missing set is an error wrapping fs.ErrNotExist.
func ReadSet(dir string) (*Contents, error) {
	var c Contents
	var err error
	if c.Summary, err = ReadSummary(filepath.Join(dir, SummaryFile)); err != nil {
		return nil, err
	}
	if c.Clusters, err = ReadClusters(filepath.Join(dir, ClustersFile)); err != nil {
		return nil, err
	}
	if c.Drop, err = ReadDrop(filepath.Join(dir, DropFile)); err != nil {
		return nil, err
	}
	var want []string
	for _, cl := range c.Clusters {
		for _, m := range cl.Members[1:] {
			// A night's drop.txt lists tonight's members only.
			if c.Summary.State == nil || m.Night == c.Summary.State.Night {
				want = append(want, m.ID)
			}
		}
	}
	slices.Sort(want)
	m := c.Summary.Matching
	switch {
	case !slices.Equal(c.Drop, want):
		return &c, fmt.Errorf("%s: %s is not the non-canonical members of %s (%d IDs, want %d)", dir, DropFile, ClustersFile, len(c.Drop), len(want))
	case m.Clusters != len(c.Clusters) || m.Duplicates != len(want):
		return &c, fmt.Errorf("%s: %s counts %d clusters and %d duplicates, %s has %d and %d", dir, SummaryFile,
			m.Clusters, m.Duplicates, ClustersFile, len(c.Clusters), len(want))
	}
	return &c, nil
}
