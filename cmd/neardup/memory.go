package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/state"
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

// memoryOptions are run's flags for the memory estimate.
type memoryOptions struct {
	maxMemory string // --max-memory: a size, 0 (no check) or "" (the memory available)
	dryRun    bool
}

func (o *memoryOptions) addFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.maxMemory, "max-memory", "", "refuse to start a run whose estimated peak memory exceeds `SIZE` (e.g. 4GiB, 800MB; 0: no check; default: the memory available, from the cgroup limit or MemAvailable)")
	fs.BoolVar(&o.dryRun, "dry-run", false, "estimate the run's peak memory from a sample of INPUT, print it and exit: nothing else is read or written (--out not needed)")
}

// memoryCheck estimates the run's peak memory before it reads its input
// (dedup.EstimateMemory, with what the state holds), prints it with
// --dry-run, and refuses a run over budget: exit 1 with advice, before
// anything is read, instead of the kernel killing the run an hour in.
// It returns whether the run should stop here (a dry run).
func memoryCheck(ctx context.Context, o *runOptions, cfg dedup.Config, e env) (stop bool, err error) {
	budget, from, err := memoryBudget(o.memory.maxMemory)
	if err != nil {
		return false, err
	}
	if budget == 0 && !o.memory.dryRun {
		return false, nil
	}
	stored := 0
	if o.state != "" {
		if m, err := state.ReadHistory(o.state); err == nil {
			stored = m.Articles
		}
	}
	est, err := dedup.EstimateMemory(ctx, cfg, stored)
	if errors.Is(err, dedup.ErrNoEstimate) {
		if o.memory.dryRun {
			return true, fmt.Errorf("run --dry-run: no estimate from %v", err)
		}
		return false, nil // a stream is not refused for what it might hold
	}
	if err != nil {
		if o.memory.dryRun {
			return true, fmt.Errorf("run --dry-run: %w", err)
		}
		return false, nil // an input the run itself will report, as --on-error says
	}
	if o.memory.dryRun {
		printEstimate(e.stdout, est, budget, from)
		return true, nil
	}
	if budget > 0 && est.Peak > budget {
		return false, fmt.Errorf("the run would need about %s of memory (%s articles of about %d bytes each%s), over the %s %s: "+
			"cut the signature (--hashes 64), split the input into nights (--state, docs/nightly.md), or run the Beam pipeline (docs/beam.md); "+
			"--max-memory SIZE sets the budget, --max-memory 0 turns the check off; nothing was read or written",
			byteSize(est.Peak), thousands(est.Articles), est.PerArticle, storedNote(est.Stored), byteSize(budget), from)
	}
	return false, nil
}

func storedNote(stored int) string {
	if stored == 0 {
		return ""
	}
	return fmt.Sprintf(", and %s in the state", thousands(stored))
}

func printEstimate(w io.Writer, est dedup.Estimate, budget int64, from string) {
	how := "estimated from a sample of " + thousands(est.Sampled)
	if est.Whole {
		how = "all read"
	}
	fmt.Fprintf(w, "articles      %s (%s)\n", thousands(est.Articles), how)
	fmt.Fprintf(w, "kept          %d bytes an article\n", est.PerArticle)
	if est.Stored > 0 {
		fmt.Fprintf(w, "in the state  %s articles\n", thousands(est.Stored))
	}
	fmt.Fprintf(w, "peak memory   about %s (%d bytes)\n", byteSize(est.Peak), est.Peak)
	switch {
	case budget == 0:
		fmt.Fprintln(w, "budget        none (--max-memory 0)")
	case est.Peak > budget:
		fmt.Fprintf(w, "budget        %s (%s): the run would be refused\n", byteSize(budget), from)
	default:
		fmt.Fprintf(w, "budget        %s (%s)\n", byteSize(budget), from)
	}
}

// memoryBudget is the run's memory budget: --max-memory's size, or
// without it the memory available to this process (the cgroup's limit,
// MemAvailable, or the address-space limit less RuntimeReserve, the
// smallest), with where it came from;
// 0: no check (--max-memory 0, or nothing known).
func memoryBudget(flag string) (int64, string, error) {
	if flag != "" {
		n, err := parseSize(flag)
		if err != nil {
			return 0, "", usagef("run: --max-memory %q: %v", flag, err)
		}
		return n, "--max-memory", nil
	}
	avail, from := memAvailable(), "MemAvailable"
	if limit := cgroupRoom(); limit > 0 && (avail == 0 || limit < avail) {
		avail, from = limit, "the cgroup's memory limit"
	}
	if limit := addressSpaceLimit() - RuntimeReserve; limit > 0 && (avail == 0 || limit < avail) {
		avail, from = limit, "the address-space limit (ulimit -v) less what the runtime reserves"
	}
	return avail, "memory available, " + from, nil
}

// parseSize reads a size: a number with an optional unit, decimal (KB, MB,
// GB, TB) or binary (KiB, MiB, GiB, TiB, or K, M, G, T alone), B for bytes.
func parseSize(s string) (int64, error) {
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

// byteSize writes n bytes for a reader: 1.2 GiB, 85 MiB.
func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
	default:
		return fmt.Sprintf("%.0f KiB", float64(n)/(1<<10))
	}
}

// memAvailable is /proc/meminfo's MemAvailable in bytes; 0 when unknown.
func memAvailable() int64 {
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

// cgroupRoom is this process's memory cgroup limit (v2 memory.max, or
// v1's limit_in_bytes); 0 when there is no limit or it cannot be read.
// Not the limit less the cgroup's use: that use counts the page cache,
// which the kernel reclaims before it kills, and a night reading its feed
// would be refused for the feed's own pages.
func cgroupRoom() int64 {
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

// thousands writes n with commas: 1,000,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
