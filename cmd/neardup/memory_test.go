package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

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
