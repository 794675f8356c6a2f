//go:build unix && !linux

package state

const mapPopulate = 0
