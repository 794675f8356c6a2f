//go:build !linux

package sysmem

// AddressSpaceLimit: only Linux is checked.
func AddressSpaceLimit() int64 { return 0 }

func reexec(env []string) {}
