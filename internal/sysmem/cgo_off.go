//go:build !cgo

package sysmem

// cgoLinked: this binary was built without cgo (CGO_ENABLED=0).
const cgoLinked = false
