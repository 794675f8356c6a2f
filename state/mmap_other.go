//go:build !unix

package state

import "os"

// mapFile reads f where files are not mapped.
func mapFile(f *os.File, size int64) ([]byte, func() error, error) { return readFile(f, size) }
