package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestAddressSpaceLimit: under ulimit -v 1500000 (KiB) a run finishes;
// under 1300000, below sysmem.MinAddressSpace, it exits 1 with one line that says what
// to do, not a runtime dump with exit 2 (issue 25, defect 10). Tested on
// a build without cgo, the one docs/nightly.md recommends under
// ulimit -v: its start does not depend on glibc's reservations, which
// under such limits sometimes kill a cgo build before main runs.
func TestAddressSpaceLimit(t *testing.T) {
	if runtime.GOOS != "linux" || testing.Short() {
		t.Skip("ulimit -v, on Linux")
	}
	static := filepath.Join(t.TempDir(), "neardup")
	build := exec.Command("go", "build", "-o", static, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("CGO_ENABLED=0 go build: %v\n%s", err, out)
	}
	run := func(kb int) (int, string) {
		cmd := exec.Command("sh", "-c", fmt.Sprintf("ulimit -v %d && exec %s run -q --out %s %s", kb, static, t.TempDir(), wireDir))
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Fatal(err)
		}
		return cmd.ProcessState.ExitCode(), string(out)
	}
	if code, out := run(1500 * 1000); code != 0 {
		t.Errorf("under ulimit -v 1500000: exit %d\n%.600s", code, out)
	}
	code, out := run(1300 * 1000)
	if code != 1 || strings.Count(strings.TrimSpace(out), "\n") != 0 || !strings.Contains(out, "ulimit -v") || !strings.Contains(out, "cgroup") {
		t.Errorf("under ulimit -v 1300000: exit %d, %.600q; want exit 1 and one line naming ulimit -v and a cgroup", code, out)
	}
}
