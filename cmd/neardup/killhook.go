//go:build killhooks

package main

import "os"

// KillHooks says whether this binary was built with the kill points of
// the reliability tests (go build -tags killhooks). A release build has
// none: NEARDUP_TEST_KILL_AT does nothing there.
const KillHooks = true

// testKillHook is a device for the reliability tests (docs/development.md):
// with NEARDUP_TEST_KILL_AT=POINT in the environment, the process kills
// itself with SIGKILL when writing its outputs reaches POINT (a
// report.SetOptions.Hook point, e.g. "linked").
func testKillHook() func(string) {
	at := os.Getenv("NEARDUP_TEST_KILL_AT")
	if at == "" {
		return nil
	}
	return func(point string) {
		if point == at {
			if p, err := os.FindProcess(os.Getpid()); err == nil {
				p.Kill() // SIGKILL
			}
			select {} // the signal is on its way
		}
	}
}

// testStateKillHook is testKillHook for the state's commit points, with
// NEARDUP_TEST_KILL_AT=state:POINT.
func testStateKillHook() func(string) {
	hook := testKillHook()
	if hook == nil {
		return nil
	}
	return func(point string) { hook("state:" + point) }
}
