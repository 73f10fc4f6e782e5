package source

import (
	"io/fs"
	"os"
)

// rootFS reads a template folder through an os.Root, so no link in it leads
// out, and reads files folder by folder (see readFile): a template of many
// files is read with a few system calls per file rather than a walk of its
// path for each one.
type rootFS struct {
	root  *os.Root
	inner fs.FS // root.FS(): everything but the fast path, and its fallback
	cache dirCache
}

// inner's methods: os.Root's fs.FS has them all.
type fullFS interface {
	fs.ReadDirFS
	fs.ReadFileFS
	fs.StatFS
	fs.ReadLinkFS
}

func newRootFS(r *os.Root) *rootFS { return &rootFS{root: r, inner: r.FS()} }

func (f *rootFS) Open(name string) (fs.File, error) { return f.inner.Open(name) }

func (f *rootFS) ReadDir(name string) ([]fs.DirEntry, error) {
	return f.inner.(fullFS).ReadDir(name)
}

func (f *rootFS) Stat(name string) (fs.FileInfo, error) { return f.inner.(fullFS).Stat(name) }

func (f *rootFS) Lstat(name string) (fs.FileInfo, error) { return f.inner.(fullFS).Lstat(name) }

func (f *rootFS) ReadLink(name string) (string, error) { return f.inner.(fullFS).ReadLink(name) }

// ReadFile reads name. Whatever the fast path cannot do plainly (a link,
// anything but a regular file, any error) is left to os.Root, so errors
// and what is followed are exactly its own.
func (f *rootFS) ReadFile(name string) ([]byte, error) {
	if fs.ValidPath(name) {
		if data, ok := f.readFile(name); ok {
			return data, nil
		}
	}
	return f.inner.(fullFS).ReadFile(name)
}
