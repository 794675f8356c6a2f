//go:build !killhooks

package main

// KillHooks says whether this binary was built with the kill points of
// the reliability tests (go build -tags killhooks); this one was not.
const KillHooks = false

func testKillHook() func(string) { return nil }

func testStateKillHook() func(string) { return nil }
