package main

import (
	"runtime"
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
