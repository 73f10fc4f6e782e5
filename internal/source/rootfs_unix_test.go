//go:build unix

package source

import (
	"os"
	"path/filepath"
	"testing"
)

// TestRootFSFastPathTaken: plain files are read by the fast path, links
// and folders are left to os.Root.
func TestRootFSFastPathTaken(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "a"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "a", "f"), []byte("data"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("f", filepath.Join(dir, "a", "link")); err != nil {
		t.Fatal(err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	f := newRootFS(root)
	if data, ok := f.readFile("a/f"); !ok || string(data) != "data" {
		t.Errorf("fast path: %q, %v", data, ok)
	}
	for _, name := range []string{"a/link", "a", "a/missing"} {
		if _, ok := f.readFile(name); ok {
			t.Errorf("fast path read %s", name)
		}
	}
}
