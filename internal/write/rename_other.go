//go:build !linux

package write

import "os"

func renameNoReplace(*os.File, string, *os.File, string) error { return errUnsupported }
