// Package sysmem is what the machine gives this process in memory, and
// how the process keeps to it: the cgroup's limit, MemAvailable and a
// limit on the address space (ulimit -v), the budget a run's memory
// estimate is checked against (Available); the soft memory limit that
// makes the runtime return freed pages (FollowHeapGoal); a start under a
// tight address-space limit (CheckAddressSpace); and sizes as people
// write them (ParseSize, FormatSize).
package sysmem

import (
	"errors"
	"fmt"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
)

// FollowHeapGoal makes the runtime return freed memory to the system
// promptly. By default Go keeps pages freed by a collection for reuse and
// returns them slowly; in a run that builds a large, long-lived index those
// pages (the reading stage's buffers, the candidate stage's scratch space)
// were a fifth of the peak at 1M articles. After each collection this sets
// a soft memory limit an eighth above the collector's new heap goal, so the
// runtime's scavenger keeps the process near that goal. Near the limit the
// collector also runs a little sooner than GOGC alone would have it: at 1M
// generated articles, peak RSS 1,081 -> 894 bytes per article, time within
// noise (benchmarks/RESULTS.md: GOMEMLIMIT=1TiB turns this off for the
// comparison). Not used when GOMEMLIMIT is set.
func FollowHeapGoal() {
	sample := []metrics.Sample{{Name: "/gc/heap/goal:bytes"}}
	onEveryGC(func() {
		metrics.Read(sample)
		if sample[0].Value.Kind() != metrics.KindUint64 {
			return
		}
		debug.SetMemoryLimit(memoryLimit(sample[0].Value.Uint64()))
	})
}

// memoryLimit is the soft limit for a heap goal: the goal plus room for
// what the runtime uses beside the heap (stacks, collector metadata).
func memoryLimit(goal uint64) int64 {
	margin := max(goal/8, 64<<20)
	return int64(goal + margin)
}

// gcHook calls f after every garbage collection: its finalizer runs when a
// collection finds it unreachable, and sets itself again.
type gcHook struct{ f func() }

func onEveryGC(f func()) {
	runtime.SetFinalizer(&gcHook{f: f}, (*gcHook).run)
}

func (h *gcHook) run() {
	h.f()
	runtime.SetFinalizer(h, (*gcHook).run)
}

// Available is the memory available to this process, with where the
// figure comes from: the cgroup's limit, MemAvailable, or the
// address-space limit less RuntimeReserve, the smallest; 0 when nothing
// is known.
func Available() (int64, string) {
	avail, from := MemAvailable(), "MemAvailable"
	if limit := CgroupLimit(); limit > 0 && (avail == 0 || limit < avail) {
		avail, from = limit, "the cgroup's memory limit"
	}
	if limit := AddressSpaceLimit() - RuntimeReserve; limit > 0 && (avail == 0 || limit < avail) {
		avail, from = limit, "the address-space limit (ulimit -v) less what the runtime reserves"
	}
	return avail, from
}

// ParseSize reads a size: a number with an optional unit, decimal (KB, MB,
// GB, TB) or binary (KiB, MiB, GiB, TiB, or K, M, G, T alone), B for bytes.
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := 0
	for i < len(t) && (t[i] >= '0' && t[i] <= '9' || t[i] == '.') {
		i++
	}
	v, err := strconv.ParseFloat(t[:i], 64)
	if err != nil || v < 0 {
		return 0, errors.New("want a size such as 4GiB, 800MB or 0")
	}
	units := map[string]float64{"": 1, "B": 1, "KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12,
		"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40, "KIB": 1 << 10, "MIB": 1 << 20, "GIB": 1 << 30, "TIB": 1 << 40}
	u, ok := units[strings.ToUpper(strings.TrimSpace(t[i:]))]
	if !ok || v*u > math.MaxInt64/2 {
		return 0, errors.New("want a size such as 4GiB, 800MB or 0")
	}
	return int64(v * u), nil
}

// FormatSize writes n bytes for a reader: 1.2 GiB, 85 MiB.
func FormatSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
	default:
		return fmt.Sprintf("%.0f KiB", float64(n)/(1<<10))
	}
}

// MemAvailable is /proc/meminfo's MemAvailable in bytes; 0 when unknown.
func MemAvailable() int64 {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "MemAvailable:"); ok {
			f := strings.Fields(rest)
			if len(f) >= 1 {
				if kb, err := strconv.ParseInt(f[0], 10, 64); err == nil {
					return kb << 10
				}
			}
		}
	}
	return 0
}

// CgroupLimit is this process's memory cgroup limit (v2 memory.max, or
// v1's limit_in_bytes); 0 when there is no limit or it cannot be read.
// Not the limit less the cgroup's use: that use counts the page cache,
// which the kernel reclaims before it kills, and a night reading its feed
// would be refused for the feed's own pages.
func CgroupLimit() int64 {
	read := func(path string) int64 {
		b, err := os.ReadFile(path)
		if err != nil {
			return 0
		}
		n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
		if err != nil || n <= 0 || n > 1<<60 {
			return 0 // "max", or v1's "no limit"
		}
		return n
	}
	for _, p := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		if limit := read(p); limit > 0 {
			return limit
		}
	}
	return 0
}
