//go:build !unix

package write

import (
	"io/fs"
	"path"
)

// OpenDir writes each file through the root: without openat the folder
// cannot be held open for that.
func (f *rootFS) OpenDir(name string) (Dir, error) {
	return rootDir{f: f, name: name}, nil
}

type rootDir struct {
	f    *rootFS
	name string
}

func (d rootDir) WriteFile(base string, data []byte, perm fs.FileMode) error {
	return d.f.WriteFile(path.Join(d.name, base), data, perm)
}

func (d rootDir) Close() error { return nil }
