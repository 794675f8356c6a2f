// Package lock gives one process at a time a directory to write in: an
// exclusive flock(2) on a lock file, with the holder's pid, host, start time
// and command written into the file so that the process turned away can say
// who holds it.
//
// The lock belongs to the open file, not to the file's existence: the kernel
// drops it when its holder exits, however it exits (SIGKILL included), so a
// lock left by a killed process is never stale and nothing has to guess
// whether a pid is still alive. For the same reason the lock file must never
// be removed or replaced while in use: a process that locked the old inode
// and one that locks a new file at the same path would both hold "the" lock.
// flock works between processes on one host; on NFS it is emulated with
// byte-range locks and on some network filesystems it is not enforced at all.
// On systems without flock (Windows among them) Acquire returns an error.
//
// Acquire tries once, or polls until its wait is over; Release unlocks.
// Each Acquire opens the file anew, so two Acquires of one file exclude each
// other even inside one process. A Lock is for use by one goroutine.
//
// Used for `neardup run --out DIR` and `neardup report --out DIR`, and for
// the nightly state directory (package state: `--state DIR`, `neardup
// state`), which is why it is a package of its own rather than part of
// report.
package lock

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
)

// Holder describes the process that holds a lock.
type Holder struct {
	PID     int       `json:"pid"`
	Host    string    `json:"host"`
	Started time.Time `json:"started"`
	Command string    `json:"command,omitempty"`
}

func (h Holder) String() string {
	if h.PID == 0 {
		return "another process (it has not written its name yet)"
	}
	s := fmt.Sprintf("pid %d on %s since %s", h.PID, h.Host, h.Started.UTC().Format(time.RFC3339))
	if h.Command != "" {
		s += " (" + h.Command + ")"
	}
	return s
}

// LockedError reports a lock held by another process.
type LockedError struct {
	Path   string
	Holder Holder
	Waited time.Duration // how long Acquire waited before giving up
}

func (e *LockedError) Error() string {
	msg := fmt.Sprintf("%s is locked by %s", e.Path, e.Holder)
	if e.Waited > 0 {
		msg += fmt.Sprintf("; waited %s", e.Waited.Round(time.Millisecond))
	}
	return msg
}

// Is makes errors.Is(err, ErrLocked) true for a *LockedError.
func (e *LockedError) Is(target error) bool { return target == ErrLocked }

// ErrLocked is matched by errors.Is for every *LockedError.
var ErrLocked = errors.New("lock: held by another process")

// Lock is a held lock.
type Lock struct {
	f *os.File
}

// Poll is how often Acquire retries while it waits.
const Poll = 50 * time.Millisecond

// Acquire locks the file at path (created if missing, never removed), trying
// once when wait is 0 and polling until wait has passed otherwise. On
// success it writes a Holder for this process, with command, into the file.
// When the lock stays held it returns a *LockedError naming the holder; when
// ctx ends while it waits, ctx's error.
func Acquire(ctx context.Context, path string, wait time.Duration, command string) (*Lock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock: %w", err)
	}
	start := time.Now()
	for {
		held, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("lock: flock %s: %w", path, err)
		}
		if held {
			break
		}
		if time.Since(start) >= wait {
			h := readHolder(path)
			f.Close()
			return nil, &LockedError{Path: path, Holder: h, Waited: wait}
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(min(Poll, wait-time.Since(start)+time.Millisecond)):
		}
	}
	host, _ := os.Hostname()
	h := Holder{PID: os.Getpid(), Host: host, Started: time.Now().UTC().Truncate(time.Second), Command: command}
	b, _ := json.Marshal(h)
	// Truncate then write: a reader in between sees an empty file and says
	// the holder is unknown; it never sees a mix of two holders' names
	// because only the holder writes.
	if err := f.Truncate(0); err == nil {
		f.WriteAt(append(b, '\n'), 0)
	}
	return &Lock{f: f}, nil
}

// readHolder reads the holder's description, retrying briefly in case the
// holder has just locked the file and not yet written it.
func readHolder(path string) Holder {
	var h Holder
	for range 5 {
		b, err := os.ReadFile(path)
		if err == nil && json.Unmarshal([]byte(strings.TrimSpace(string(b))), &h) == nil && h.PID != 0 {
			return h
		}
		time.Sleep(10 * time.Millisecond)
	}
	return Holder{}
}

// Release unlocks. The file stays, holding the last holder's description
// (harmless: a lock is held only while flock says so).
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := unlock(l.f)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	return err
}
