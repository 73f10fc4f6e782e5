//go:build !unix

package write

import "os"

// Without flock a leftover cannot be told from a running fwgen's folder, so
// every one counts as in use and none is recovered automatically.
func lockFile(*os.File) error { return errLocked }
