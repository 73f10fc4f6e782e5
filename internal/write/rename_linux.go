package write

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

func renameNoReplace(oldDir *os.File, oldBase string, newDir *os.File, newBase string) error {
	err := unix.Renameat2(int(oldDir.Fd()), oldBase, int(newDir.Fd()), newBase, unix.RENAME_NOREPLACE)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, unix.EINVAL), errors.Is(err, unix.ENOSYS), errors.Is(err, unix.EOPNOTSUPP):
		return errUnsupported
	}
	return &os.LinkError{Op: "rename", Old: oldBase, New: newBase, Err: err}
}
