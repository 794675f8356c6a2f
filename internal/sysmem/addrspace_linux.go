//go:build linux

package sysmem

import (
	"os"
	"syscall"
)

// AddressSpaceLimit is RLIMIT_AS's soft limit in bytes; 0: none.
func AddressSpaceLimit() int64 {
	var r syscall.Rlimit
	// RLIM_INFINITY is all ones: no limit.
	if err := syscall.Getrlimit(syscall.RLIMIT_AS, &r); err != nil || r.Cur > 1<<62 {
		return 0
	}
	return int64(r.Cur)
}

// reexec replaces the process with neardup run again with env; it
// returns only when that fails (the run goes on as it is).
func reexec(env []string) {
	exe, err := os.Executable()
	if err != nil {
		return
	}
	syscall.Exec(exe, os.Args, env)
}
