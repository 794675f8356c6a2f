package main

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
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

// TestRunDryRun: --dry-run prints the estimate and writes nothing, with
// or without --out; a stream has no estimate.
func TestRunDryRun(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	for _, args := range [][]string{
		{"run", "--dry-run", "../../testdata/wire"},
		{"run", "--dry-run", "--out", out, "../../testdata/wire"},
	} {
		code, stdout, stderr := neardup(t, "", args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		for _, want := range []string{"articles      8 (all read)", "peak memory   about ", "budget        "} {
			if !strings.Contains(stdout, want) {
				t.Errorf("%v: no %q in:\n%s", args, want, stdout)
			}
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("--dry-run made %s (err %v)", out, err)
	}
	code, _, stderr := neardup(t, "", "run", "--dry-run", "-")
	if code != 1 || !strings.Contains(stderr, "standard input") {
		t.Errorf("--dry-run -: exit %d, %s", code, stderr)
	}
}

// TestRunMaxMemory: a run whose estimate exceeds --max-memory stops before
// reading, exit 1 with advice, and leaves the outputs as they were; 0
// turns the check off; a bad size is a usage error.
func TestRunMaxMemory(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	code, _, stderr := neardup(t, "", "run", "-q", "--max-memory", "1MB", "--out", out, "../../testdata/wire")
	if code != 1 {
		t.Fatalf("exit %d, want 1: %s", code, stderr)
	}
	for _, want := range []string{"would need about", "over the 977 KiB --max-memory", "--hashes 64", "--state", "Beam", "nothing was read or written"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("no %q in: %s", want, stderr)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a refused run made %s (err %v)", out, err)
	}
	if code, _, stderr := neardup(t, "", "run", "-q", "--max-memory", "0", "--out", out, "../../testdata/wire"); code != 0 {
		t.Errorf("--max-memory 0: exit %d: %s", code, stderr)
	}
	if code, _, stderr := neardup(t, "", "run", "-q", "--max-memory", "8GiB", "--out", out, "../../testdata/wire"); code != 0 {
		t.Errorf("--max-memory 8GiB: exit %d: %s", code, stderr)
	}
	if code, _, stderr := neardup(t, "", "run", "-q", "--max-memory", "lots", "--out", out, "../../testdata/wire"); code != 2 || !strings.Contains(stderr, "--max-memory") {
		t.Errorf("--max-memory lots: exit %d, want 2: %s", code, stderr)
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
		got, err := parseSize(tt.in)
		if tt.bad != (err != nil) || !tt.bad && got != tt.want {
			t.Errorf("parseSize(%q) = %d, %v; want %d (bad %v)", tt.in, got, err, tt.want, tt.bad)
		}
	}
}
