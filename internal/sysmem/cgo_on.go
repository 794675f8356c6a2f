//go:build cgo

package sysmem

// cgoLinked: this binary was built with cgo, so it allocates through
// glibc too (the net package's resolver pulls it in).
const cgoLinked = true
