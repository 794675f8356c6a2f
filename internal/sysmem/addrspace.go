package sysmem

import (
	"fmt"
	"io"
	"os"
	"strings"
)

// A limit on the address space (ulimit -v, RLIMIT_AS) counts memory that
// is reserved, not used: the Go runtime reserves a good part of a
// gigabyte up front, and glibc, which the binary uses when it is built
// with cgo (the default where a C compiler is found), reserves 64 MiB of
// address space for each thread that allocates, up to eight per core.
// Under ulimit -v 2G an 8-article run died so, with a runtime dump and
// exit 2, the usage code. neardup cuts what is cheap to cut (glibc's
// arenas, through GLIBC_TUNABLES, set by running itself again) and refuses
// in one line, with exit 1, a limit under which it cannot run at all.

// MinAddressSpace is the least address space neardup starts under,
// 1,400 MiB (ulimit -v 1433600). An 8-article run needs about 1.1 GB of it
// with glibc's arenas cut to two, but the Go runtime itself fails to
// start (a trivial Go program too, cgo or not) under some limits up to
// about ulimit -v 1300000, where its first heap arena cannot be placed
// (measured on linux/amd64, Go 1.26, 2026-12-07: neardup under
// 1200000–1300000, a trivial program under 1150000–1200000); from 1400000
// up every limit tried worked. A larger run needs its estimated peak on
// top (run --dry-run).
const MinAddressSpace = 1400 << 20

// RuntimeReserve is what the runtime and the C library reserve beyond the
// heap, for the memory budget a limit on the address space leaves a run.
const RuntimeReserve = 900 << 20

// arenaTunable limits glibc's malloc arenas.
const arenaTunable = "glibc.malloc.arena_max=2"

// withArenaLimit is env with arenaTunable added to GLIBC_TUNABLES, and
// whether it had to be (false: it is there already).
func withArenaLimit(env []string) ([]string, bool) {
	out := make([]string, 0, len(env)+1)
	found := false
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "GLIBC_TUNABLES="); ok {
			if strings.Contains(v, "glibc.malloc.arena_max=") {
				return env, false
			}
			found = true
			if v != "" {
				v += ":"
			}
			kv = "GLIBC_TUNABLES=" + v + arenaTunable
		}
		out = append(out, kv)
	}
	if !found {
		out = append(out, "GLIBC_TUNABLES="+arenaTunable)
	}
	return out, true
}

// CheckAddressSpace runs at the start of main: under a limit on the
// address space it runs neardup again with glibc's arenas limited (when
// the binary uses glibc and they are not limited yet), and returns exit
// code 1 after a one-line error when the limit is under MinAddressSpace;
// 0 otherwise.
func CheckAddressSpace(stderr io.Writer) int {
	limit := AddressSpaceLimit()
	if limit == 0 {
		return 0
	}
	if cgoLinked {
		if env, changed := withArenaLimit(os.Environ()); changed {
			reexec(env) // returns only when it could not
		}
	}
	if limit < MinAddressSpace {
		fmt.Fprintf(stderr, "neardup: the address space is limited to %d MiB (ulimit -v %d); neardup needs %d MiB of it at least (ulimit -v %d), most of it reserved by the Go runtime, not used: raise ulimit -v, or bound memory with a cgroup instead (systemd MemoryMax=, docker --memory), which counts only what is used\n",
			limit>>20, limit>>10, MinAddressSpace>>20, MinAddressSpace>>10)
		return 1
	}
	return 0
}
