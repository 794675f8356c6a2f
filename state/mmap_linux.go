package state

import "syscall"

// mapPopulate asks for the whole mapping at once: one call, not a page
// fault per page.
const mapPopulate = syscall.MAP_POPULATE
