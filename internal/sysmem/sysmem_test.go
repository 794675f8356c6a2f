package sysmem

import (
	"runtime"
	"slices"
	"sync/atomic"
	"testing"
	"time"
)

// TestOnEveryGC: the hook runs after each collection, not only the first.
func TestOnEveryGC(t *testing.T) {
	var calls atomic.Int32
	onEveryGC(func() { calls.Add(1) })
	for want := int32(1); want <= 3; want++ {
		runtime.GC()
		deadline := time.Now().Add(5 * time.Second)
		for calls.Load() < want && time.Now().Before(deadline) {
			runtime.GC() // finalizers run after a collection, on their own goroutine
			time.Sleep(time.Millisecond)
		}
		if calls.Load() < want {
			t.Fatalf("after %d collections the hook ran %d times", want, calls.Load())
		}
	}
}

func TestMemoryLimit(t *testing.T) {
	for _, tt := range []struct {
		goal uint64
		want int64
	}{
		{4 << 20, 68 << 20},    // small heaps: a fixed 64 MiB of room
		{800 << 20, 900 << 20}, // large ones: an eighth more than the goal
		{8 << 30, 9 << 30},
	} {
		if got := memoryLimit(tt.goal); got != tt.want {
			t.Errorf("memoryLimit(%d MiB) = %d MiB, want %d MiB", tt.goal>>20, got>>20, tt.want>>20)
		}
	}
}

func TestParseSize(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int64
		bad  bool
	}{
		{in: "0", want: 0}, {in: "1024", want: 1024}, {in: "800MB", want: 800e6}, {in: "4GiB", want: 4 << 30},
		{in: "4g", want: 4 << 30}, {in: "1.5 GB", want: 1.5e9}, {in: "2T", want: 2 << 40}, {in: "512kib", want: 512 << 10},
		{in: "", bad: true}, {in: "lots", bad: true}, {in: "-1GB", bad: true}, {in: "3 parsecs", bad: true}, {in: "1e30", bad: true},
		{in: "99999999999TB", bad: true},
	} {
		got, err := ParseSize(tt.in)
		if tt.bad != (err != nil) || !tt.bad && got != tt.want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d (bad %v)", tt.in, got, err, tt.want, tt.bad)
		}
	}
}

func TestWithArenaLimit(t *testing.T) {
	for _, tt := range []struct {
		env     []string
		want    []string
		changed bool
	}{
		{[]string{"A=1"}, []string{"A=1", "GLIBC_TUNABLES=" + arenaTunable}, true},
		{[]string{"GLIBC_TUNABLES=", "B=2"}, []string{"GLIBC_TUNABLES=" + arenaTunable, "B=2"}, true},
		{[]string{"GLIBC_TUNABLES=glibc.malloc.tcache_count=0"}, []string{"GLIBC_TUNABLES=glibc.malloc.tcache_count=0:" + arenaTunable}, true},
		{[]string{"GLIBC_TUNABLES=glibc.malloc.arena_max=8"}, []string{"GLIBC_TUNABLES=glibc.malloc.arena_max=8"}, false}, // the user's own
	} {
		got, changed := withArenaLimit(tt.env)
		if !slices.Equal(got, tt.want) || changed != tt.changed {
			t.Errorf("withArenaLimit(%q) = %q, %v; want %q, %v", tt.env, got, changed, tt.want, tt.changed)
		}
	}
}
