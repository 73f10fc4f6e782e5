//go:build unix

package source

import (
	"os"
	"path"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// dirCache holds the folder of the last file read open: files are read in
// walk order, so one folder's files come one after another.
type dirCache struct {
	mu  sync.Mutex
	dir string
	f   *os.File
	fd  int
}

// readFile opens name's folder through the root once, then each file in it
// by its single name with O_NOFOLLOW: openat, fstat, read, close.
func (f *rootFS) readFile(name string) ([]byte, bool) {
	dir, base := path.Split(name)
	if dir == "" {
		dir = "."
	}
	c := &f.cache
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.f == nil || c.dir != dir {
		if c.f != nil {
			c.f.Close()
			c.f = nil
		}
		d, err := f.root.OpenFile(dir, os.O_RDONLY|syscall.O_DIRECTORY, 0)
		if err != nil {
			return nil, false
		}
		c.dir, c.f, c.fd = dir, d, int(d.Fd())
	}
	fd, err := unix.Openat(c.fd, base, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
	if err != nil {
		return nil, false
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if unix.Fstat(fd, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFREG {
		return nil, false
	}
	// A regular file's size is what there is to read; reading to the size
	// saves the read that would only find the end.
	data := make([]byte, st.Size)
	for n := 0; n < len(data); {
		m, err := unix.Read(fd, data[n:])
		switch {
		case err == unix.EINTR:
			continue
		case err != nil:
			return nil, false
		case m == 0:
			return data[:n], true
		}
		n += m
	}
	return data, true
}
