//go:build !linux

package main

// addressSpaceLimit: only Linux is checked.
func addressSpaceLimit() int64 { return 0 }

func reexec(env []string) {}
