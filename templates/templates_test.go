package templates

import (
	"bytes"
	"io/fs"
	"os"
	"testing"
)

// TestEmbedKeepsEveryFile guards against what go:embed drops without a
// word: names starting with "." or "_" (without all:), and anything else
// that would leave a generated project short of a file. Every file on disk
// must be embedded with the same bytes, empty ones included.
func TestEmbedKeepsEveryFile(t *testing.T) {
	disk := os.DirFS(".")
	seen := 0
	empty := 0
	for _, name := range []string{"flask", "django"} {
		err := fs.WalkDir(disk, name, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			want, err := fs.ReadFile(disk, p)
			if err != nil {
				return err
			}
			got, err := fs.ReadFile(FS, p)
			if err != nil {
				t.Errorf("%s is on disk but not embedded: %v", p, err)
				return nil
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s is embedded with different bytes", p)
			}
			seen++
			if len(want) == 0 {
				empty++
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if seen == 0 || empty == 0 {
		t.Fatalf("checked %d files, %d empty: the templates should hold both", seen, empty)
	}
	for _, must := range []string{"flask/files/.gitignore", "django/files/.gitignore", "django/files/config/__init__.py"} {
		if _, err := fs.Stat(FS, must); err != nil {
			t.Errorf("%s is not embedded: %v", must, err)
		}
	}
}
