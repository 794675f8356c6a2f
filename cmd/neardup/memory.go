package main

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// followHeapGoal makes the runtime return freed memory to the system
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
func followHeapGoal() {
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
