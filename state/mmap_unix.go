//go:build unix

package state

import (
	"os"
	"syscall"
)

// mapFile maps size bytes of f read-only: the page cache's own pages, not
// a copy. A state's segment files are never changed once written, and the
// lock keeps other runs from removing them while they are mapped.
func mapFile(f *os.File, size int64) ([]byte, func() error, error) {
	if size == 0 || int64(int(size)) != size {
		return readFile(f, size)
	}
	b, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED|mapPopulate)
	if err != nil {
		return readFile(f, size)
	}
	return b, func() error { return syscall.Munmap(b) }, nil
}
