package source

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestRootFSReadsLikeOSRoot: the per-folder fast path gives the same bytes
// and the same errors as os.Root's own FS, for plain files in several
// folders, links inside and out, folders and missing names.
// (A FIFO is refused before any read: the walk takes regular files only.)
func TestRootFSReadsLikeOSRoot(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	write := func(p, s string) {
		t.Helper()
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("top.txt", "top")
	write("a/one.txt", "one")
	write("a/b/two.txt", "two")
	write("a/empty.txt", "")
	write("c/big.bin", string(bytes.Repeat([]byte("x"), 1<<20+7)))
	if err := os.WriteFile(filepath.Join(outside, "secret"), []byte("s"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("one.txt", filepath.Join(dir, "a", "in-link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "secret"), filepath.Join(dir, "a", "out-link")); err != nil {
		t.Fatal(err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	fast, plain := newRootFS(root), root.FS().(fs.ReadFileFS)
	names := []string{"top.txt", "a/one.txt", "a/b/two.txt", "a/one.txt", "a/empty.txt", "c/big.bin",
		"a/in-link", "a/out-link", "a/missing", "missing/x", "a/b", "../x", "/abs", "a//one.txt", "top.txt/x"}
	for _, name := range names {
		got, gotErr := fast.ReadFile(name)
		want, wantErr := plain.ReadFile(name)
		if !bytes.Equal(got, want) || (gotErr == nil) != (wantErr == nil) ||
			(gotErr != nil && gotErr.Error() != wantErr.Error()) {
			t.Errorf("ReadFile(%q) = %d bytes, %v; os.Root gives %d bytes, %v", name, len(got), gotErr, len(want), wantErr)
		}
	}
	if _, err := fast.ReadFile("a/out-link"); err == nil {
		t.Error("a link out of the folder was followed")
	}
}
