package write

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
)

// FS is every file operation the writer makes, relative to one folder it
// cannot leave. The real one is an os.Root, so a symbolic link swapped in at
// any moment cannot lead a write outside; tests put a fault-injecting one in
// its place.
type FS interface {
	Lstat(name string) (fs.FileInfo, error)
	Mkdir(name string, perm fs.FileMode) error
	// WriteFile creates name, which must not exist, with data.
	WriteFile(name string, data []byte, perm fs.FileMode) error
	// WriteSync is WriteFile that also reaches the disk before returning:
	// the journal must be there before anything it describes happens.
	WriteSync(name string, data []byte, perm fs.FileMode) error
	ReadFile(name string) ([]byte, error)
	ReadDir(name string) ([]fs.DirEntry, error)
	// SyncDir makes the entries of folder name (renames into it) durable.
	SyncDir(name string) error
	Rename(oldname, newname string) error
	// RenameNoReplace is Rename that fails with fs.ErrExist when newname
	// exists, even as an empty folder.
	RenameNoReplace(oldname, newname string) error
	Remove(name string) error
	RemoveAll(name string) error
	// Sub opens the folder name as a new confined FS.
	Sub(name string) (FS, error)
	// Lock creates name if needed and takes an exclusive lock on it that
	// the operating system drops when the process dies; errLocked when
	// another process holds it.
	Lock(name string) (io.Closer, error)
	// SameFile reports whether this FS's folder is the one info describes.
	SameFile(info fs.FileInfo) bool
	Close() error
}

var errLocked = errors.New("locked by a running fwgen")

// openFunc opens a folder as an FS; tests replace it.
type openFunc func(dir string) (FS, error)

func openRoot(dir string) (FS, error) {
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &rootFS{r: r}, nil
}

type rootFS struct{ r *os.Root }

func (f *rootFS) Lstat(name string) (fs.FileInfo, error)    { return f.r.Lstat(name) }
func (f *rootFS) Mkdir(name string, perm fs.FileMode) error { return f.r.Mkdir(name, perm) }
func (f *rootFS) ReadFile(name string) ([]byte, error)      { return f.r.ReadFile(name) }
func (f *rootFS) Rename(oldname, newname string) error      { return f.r.Rename(oldname, newname) }
func (f *rootFS) Remove(name string) error                  { return f.r.Remove(name) }
func (f *rootFS) RemoveAll(name string) error               { return f.r.RemoveAll(name) }
func (f *rootFS) Close() error                              { return f.r.Close() }

func (f *rootFS) WriteFile(name string, data []byte, perm fs.FileMode) error {
	return f.write(name, data, perm, false)
}

func (f *rootFS) WriteSync(name string, data []byte, perm fs.FileMode) error {
	return f.write(name, data, perm, true)
}

func (f *rootFS) write(name string, data []byte, perm fs.FileMode, sync bool) error {
	w, err := f.r.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	if err == nil && sync {
		err = w.Sync()
	}
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	return err
}

func (f *rootFS) ReadDir(name string) ([]fs.DirEntry, error) {
	d, err := f.r.Open(name)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	return d.ReadDir(-1)
}

func (f *rootFS) SyncDir(name string) error {
	d, err := f.r.Open(name)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

func (f *rootFS) Sub(name string) (FS, error) {
	r, err := f.r.OpenRoot(name)
	if err != nil {
		return nil, err
	}
	return &rootFS{r: r}, nil
}

func (f *rootFS) SameFile(info fs.FileInfo) bool {
	st, err := f.r.Stat(".")
	return err == nil && os.SameFile(st, info)
}

func (f *rootFS) Lock(name string) (io.Closer, error) {
	l, err := f.r.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := lockFile(l); err != nil {
		l.Close()
		return nil, err
	}
	return l, nil
}

// RenameNoReplace renames between the two parent folders' descriptors, each
// opened through the root, so the rename itself resolves no path at all.
func (f *rootFS) RenameNoReplace(oldname, newname string) error {
	oldDir, oldBase := split(oldname)
	newDir, newBase := split(newname)
	od, err := f.r.Open(oldDir)
	if err != nil {
		return err
	}
	defer od.Close()
	nd, err := f.r.Open(newDir)
	if err != nil {
		return err
	}
	defer nd.Close()
	err = renameNoReplace(od, oldBase, nd, newBase)
	if errors.Is(err, errUnsupported) {
		// The file system cannot refuse to replace: check, then rename.
		// The window between the two is the only one left.
		if _, err := f.r.Lstat(newname); err == nil {
			return &os.LinkError{Op: "rename", Old: oldname, New: newname, Err: fs.ErrExist}
		}
		return f.r.Rename(oldname, newname)
	}
	return err
}

var errUnsupported = errors.New("unsupported")

func split(name string) (dir, base string) {
	dir, base = path.Split(name)
	dir = strings.TrimSuffix(dir, "/")
	if dir == "" {
		dir = "."
	}
	return dir, base
}
