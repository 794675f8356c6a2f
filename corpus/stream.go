// This file reads inputs one file at a time, for a pipeline that spreads
// the files of a corpus over many machines and opens them itself (the
// Beam pipeline: gs:// and s3:// objects are not os files).

package corpus

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"path/filepath"
	"strings"
)

// ReadStream is ReadProcessed over one input file, already opened as src
// (compressed or not): name is where it is (for positions), and rel is
// its path relative to the INPUT it was found under (its base name for a
// file named on its own), which gives its format and the ID of a .txt
// article, as Read gives them. A name of unknown format is an Unreadable
// error handed to Options.OnError. Duplicate IDs are found within the
// file only: a pipeline reading several files finds those across them.
func ReadStream[T any](ctx context.Context, name, rel string, src io.Reader, opts Options,
	process func(worker int, d *Document) T, emit func(Document, T) error) (Stats, error) {
	r := newReader(ctx, opts, process, emit)
	return r.run(func(p *producer) {
		f, stem := formatOf(filepath.ToSlash(rel))
		if f == unknown {
			p.fail(&Error{Pos: Position{File: name}, Reason: Unreadable, Err: errors.New("unknown format: want " + ExtensionList())})
			return
		}
		_ = p.add(item{kind: fileOpened}) && p.stream(name, stem, f, src)
	})
}

// Skips counts the files a walk of a directory passed over, as Stats
// does: for their extension, for not being regular files, for being
// links that leave the directory.
type Skips struct{ Ignored, Special, Outside int }

// WalkDir calls file, in the order Read reads them, for each file that
// Read reads under the directory dir, with its path relative to dir (for
// ReadStream). It skips what Read skips, and counts it. It stops at the
// first error, from the walk or from file.
func WalkDir(dir string, file func(path, rel string) error) (Skips, error) {
	var sk Skips
	root := resolvedRoot(dir)
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return &Error{Pos: Position{File: path}, Reason: Unreadable, Err: unwrapPath(err)}
		case path != dir && strings.HasPrefix(d.Name(), "."):
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		case d.IsDir():
			return nil
		case !Known(path):
			sk.Ignored++
			return nil
		case leavesRoot(root, path, d):
			sk.Outside++
			return nil
		case special(path, d):
			sk.Special++
			return nil
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			rel = filepath.Base(path)
		}
		return file(path, rel)
	})
	return sk, err
}
