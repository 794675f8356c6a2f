// This file is the producer: it walks the inputs and directories, opens
// and decompresses files, and hands their records on in batches; the
// splitters (split.go) cut each format into records.

package corpus

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/klauspost/compress/gzip"
)

// producer splits the inputs into items and hands them on in batches.
type producer struct {
	ctx   context.Context // cancelled when the consumer stops
	opts  *Options
	send  func(items []item, buf []byte) bool
	free  <-chan []byte
	items []item
	buf   []byte
	stop  bool
	docs  int // bytes of the parsed documents queued (lines count in buf)
}

// add queues an item; false means stop producing.
func (p *producer) add(it item) bool {
	p.items = append(p.items, it)
	p.docs += len(it.doc.Title) + len(it.doc.Body)
	if len(p.items) >= batchItems || len(p.buf)+p.docs >= batchBytes {
		return p.flush()
	}
	return !p.stop
}

// addLine queues a JSONL line, copied into the batch's buffer.
func (p *producer) addLine(pos Position, line []byte, tooLong bool) bool {
	if p.buf != nil && len(p.buf)+len(line) > cap(p.buf) {
		if !p.flush() {
			return false
		}
	}
	if p.buf == nil {
		select {
		case p.buf = <-p.free:
		default:
			p.buf = make([]byte, 0, bufferSize)
		}
	}
	lo := len(p.buf)
	p.buf = append(p.buf, line...)
	return p.add(item{kind: rawLine, pos: pos, tooLong: tooLong, lo: lo, hi: len(p.buf)})
}

// fail queues an error.
func (p *producer) fail(e *Error) bool { return p.add(item{kind: failed, err: e}) }

// flush hands the queued items on.
func (p *producer) flush() bool {
	if p.stop {
		return false
	}
	if len(p.items) > 0 {
		if !p.send(p.items, p.buf) {
			p.stop = true
			return false
		}
		p.items, p.buf, p.docs = make([]item, 0, batchItems), nil, 0
	}
	return true
}

// input produces one input; false means stop.
func (p *producer) input(in string, stdin io.Reader) bool {
	if in == "-" {
		if stdin == nil {
			return p.fail(&Error{Pos: Position{File: "<stdin>"}, Reason: Unreadable, Err: errors.New("no standard input")})
		}
		return p.add(item{kind: fileOpened}) && p.stream("<stdin>", "", jsonlFormat, newCtxReader(p.ctx, stdin))
	}
	fi, err := os.Stat(in)
	if err != nil {
		return p.fail(&Error{Pos: Position{File: in}, Reason: Unreadable, Err: unwrapPath(err)})
	}
	if !fi.IsDir() && !fi.Mode().IsRegular() {
		return p.fail(notRegular(in, fi.Mode()))
	}
	if !fi.IsDir() {
		f, stem := formatOf(filepath.Base(in))
		if f == unknown {
			return p.fail(&Error{Pos: Position{File: in}, Reason: Unreadable,
				Err: errors.New("unknown format: want " + ExtensionList())})
		}
		return p.file(in, stem, f)
	}
	var excluded []os.FileInfo
	for _, x := range p.opts.Exclude {
		if xi, err := os.Stat(x); err == nil && xi.IsDir() {
			excluded = append(excluded, xi)
		}
	}
	errStop := errors.New("stop")
	root := resolvedRoot(in)
	err = filepath.WalkDir(in, func(path string, d fs.DirEntry, err error) error {
		ok := true
		switch {
		case err != nil:
			ok = p.fail(&Error{Pos: Position{File: path}, Reason: Unreadable, Err: unwrapPath(err)})
		case path != in && strings.HasPrefix(d.Name(), "."):
			if d.IsDir() {
				return filepath.SkipDir
			}
		case d.IsDir():
			if path != in && isExcluded(d, excluded) {
				return filepath.SkipDir
			}
		default:
			f, _ := formatOf(path)
			if f == unknown {
				ok = p.add(item{kind: fileIgnored})
				break
			}
			if leavesRoot(root, path, d) {
				ok = p.add(item{kind: fileOutside})
				break
			}
			if special(path, d) {
				ok = p.add(item{kind: fileSpecial})
				break
			}
			rel, err := filepath.Rel(in, path)
			if err != nil {
				rel = filepath.Base(path)
			}
			_, stem := formatOf(filepath.ToSlash(rel))
			ok = p.file(path, stem, f)
		}
		if !ok {
			return errStop
		}
		return nil
	})
	return err == nil
}

// isExcluded reports whether the directory d is one of excluded.
func isExcluded(d fs.DirEntry, excluded []os.FileInfo) bool {
	if len(excluded) == 0 {
		return false
	}
	fi, err := d.Info()
	if err != nil {
		return false
	}
	for _, x := range excluded {
		if os.SameFile(fi, x) {
			return true
		}
	}
	return false
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}

// resolvedRoot is an INPUT directory with its symbolic links resolved.
func resolvedRoot(dir string) string {
	if r, err := filepath.EvalSymlinks(dir); err == nil {
		if a, err := filepath.Abs(r); err == nil {
			return a
		}
	}
	return dir
}

// leavesRoot reports whether a directory entry is a symbolic link to a
// file outside root (resolved): a feed directory's link to /etc/passwd
// must not put it in the outputs. Links within the tree are read.
func leavesRoot(root, path string, d fs.DirEntry) bool {
	if d.Type()&fs.ModeSymlink == 0 {
		return false
	}
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return false // opening it reports the error
	}
	if target, err = filepath.Abs(target); err != nil {
		return false
	}
	rel, err := filepath.Rel(root, target)
	return err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// special reports whether a directory entry is a named pipe, a socket, a
// device or a link to one: not read, for reading a pipe can block for ever.
func special(path string, d fs.DirEntry) bool {
	t := d.Type()
	if t&fs.ModeSymlink != 0 {
		fi, err := os.Stat(path)
		if err != nil {
			return false // opening it reports the error
		}
		t = fi.Mode().Type()
	}
	return !t.IsRegular() && !t.IsDir()
}

// notRegular is the error for a file that is not a regular file.
func notRegular(path string, m fs.FileMode) *Error {
	kind := "a special file"
	switch {
	case m&fs.ModeNamedPipe != 0:
		kind = "a named pipe"
	case m&fs.ModeSocket != 0:
		kind = "a socket"
	case m&fs.ModeDevice != 0:
		kind = "a device"
	}
	return &Error{Pos: Position{File: path}, Reason: Unreadable,
		Err: fmt.Errorf("not a regular file but %s (to read a pipe, give - and redirect it to standard input)", kind)}
}

// file opens and reads one input file. It is opened without blocking and
// read only if it is a regular file: opening a named pipe for reading
// would wait for a writer, beyond the reach of cancellation.
func (p *producer) file(path, id string, f format) bool {
	fh, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return p.fail(&Error{Pos: Position{File: path}, Reason: Unreadable, Err: unwrapPath(err)})
	}
	defer fh.Close()
	fi, err := fh.Stat()
	if err != nil {
		return p.fail(&Error{Pos: Position{File: path}, Reason: Unreadable, Err: unwrapPath(err)})
	}
	if !fi.Mode().IsRegular() {
		return p.fail(notRegular(path, fi.Mode()))
	}
	if p.opts.OnFile != nil {
		p.opts.OnFile(path)
	}
	return p.add(item{kind: fileOpened}) && p.stream(path, id, f, fh)
}

// stream decompresses src if it starts with the gzip magic, then splits it.
func (p *producer) stream(name, id string, f format, src io.Reader) bool {
	br := bufio.NewReaderSize(src, 64<<10)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return p.fail(&Error{Pos: Position{File: name}, Reason: Unreadable, Err: fmt.Errorf("gzip: %w", err)})
		}
		defer zr.Close()
		br = bufio.NewReaderSize(zr, 64<<10)
	}
	switch f {
	case txtFormat:
		return p.txt(name, id, br)
	case jsonlFormat:
		return p.jsonl(name, br) && p.add(item{kind: jsonlEnd, pos: Position{File: name}})
	case csvFormat:
		return p.csv(name, br, ',')
	case tsvFormat:
		return p.csv(name, br, '\t')
	}
	panic(fmt.Sprintf("corpus: format %d", f))
}

// readError describes an error from the underlying stream.
func readError(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("truncated input (unexpected end of gzip stream?)")
	}
	if errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) {
		return fmt.Errorf("corrupt gzip stream: %w", err)
	}
	return err
}

// ctxReader reads from a source that may block for ever — standard input,
// a pipe or a terminal — on a goroutine of its own, so that Read returns
// ctx.Err() as soon as ctx is cancelled. A read already blocked then stays
// blocked, on that goroutine, until the source delivers or closes (for the
// command, until the process exits).
type ctxReader struct {
	ctx  context.Context
	res  chan readResult
	data []byte // unread part of the last chunk
	err  error
}

type readResult struct {
	data []byte
	err  error
}

func newCtxReader(ctx context.Context, src io.Reader) *ctxReader {
	r := &ctxReader{ctx: ctx, res: make(chan readResult)}
	go func() {
		// Two buffers: the consumer finishes one before it receives the
		// other, so the one being filled is never being read.
		bufs := [2][]byte{make([]byte, 64<<10), make([]byte, 64<<10)}
		for i := 0; ; i ^= 1 {
			n, err := src.Read(bufs[i])
			select {
			case r.res <- readResult{bufs[i][:n], err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return r
}

func (r *ctxReader) Read(p []byte) (int, error) {
	for len(r.data) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		select {
		case res := <-r.res:
			r.data, r.err = res.data, res.err
		case <-r.ctx.Done():
			r.err = r.ctx.Err()
			return 0, r.err
		}
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}
