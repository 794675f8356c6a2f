//go:build !(linux || darwin || freebsd || openbsd || netbsd || dragonfly)

package lock

import (
	"errors"
	"os"
	"runtime"
)

var errUnsupported = errors.New("no flock(2) on " + runtime.GOOS)

func tryLock(*os.File) (bool, error) { return false, errUnsupported }

func unlock(*os.File) error { return errUnsupported }
