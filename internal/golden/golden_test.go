package golden

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fwgen/fwgen/internal/render"
)

func files() []render.File {
	return []render.File{
		{Path: ".fwgen.yaml", Data: []byte("record"), Mode: 0o644},
		{Path: "README.md", Data: []byte("one\ntwo\nthree\n"), Mode: 0o644},
		{Path: "bin/run.sh", Data: []byte("#!/bin/sh\n"), Mode: 0o755},
		{Path: "logo.bin", Data: []byte{0, 1, 2}, Mode: 0o644},
	}
}

func TestUpdateThenCompareMatches(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "golden", "v")
	if err := Update(dir, files()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, Record)); err == nil {
		t.Error("the record must not be written into a golden folder")
	}
	st, err := os.Stat(filepath.Join(dir, "bin/run.sh"))
	if err != nil || st.Mode().Perm() != 0o755 {
		t.Errorf("mode of run.sh: %v %v", st, err)
	}
	diffs, err := Compare(os.DirFS(dir), files())
	if err != nil || len(diffs) != 0 {
		t.Fatalf("Compare after Update = %+v, %v", diffs, err)
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(dir), ".golden-*"))
	if len(left) != 0 {
		t.Errorf("Update left %v", left)
	}
}

func TestCompareReportsEveryKind(t *testing.T) {
	dir := t.TempDir()
	if err := Update(dir, files()); err != nil {
		t.Fatal(err)
	}
	changed := files()
	changed[1].Data = []byte("one\nTWO\nthree\n")
	changed[2].Mode = 0o644
	changed[3].Data = []byte{0, 9}
	changed = append(changed[:3:3], changed[3], render.File{Path: "new.txt", Data: []byte("n\n"), Mode: 0o644})
	if err := os.WriteFile(filepath.Join(dir, "gone.txt"), []byte("g\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	diffs, err := Compare(os.DirFS(dir), changed)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range diffs {
		got = append(got, d.Path+":"+d.Kind)
	}
	want := "README.md:changed bin/run.sh:mode gone.txt:missing logo.bin:changed new.txt:extra"
	if strings.Join(got, " ") != want {
		t.Fatalf("differences = %s\nwant %s", strings.Join(got, " "), want)
	}
	if !strings.Contains(diffs[0].Diff, "--- a/README.md\n+++ b/README.md\n") || !strings.Contains(diffs[0].Diff, "-two\n+TWO\n") {
		t.Errorf("unified diff:\n%s", diffs[0].Diff)
	}
	if !strings.Contains(diffs[1].Diff, "golden 0755, rendered 0644") {
		t.Errorf("mode note: %s", diffs[1].Diff)
	}
	if !strings.Contains(diffs[3].Diff, "binary file logo.bin differs") {
		t.Errorf("binary note: %s", diffs[3].Diff)
	}
	if !strings.Contains(diffs[4].Diff, "--- /dev/null") {
		t.Errorf("extra file diff: %s", diffs[4].Diff)
	}
}

func TestUpdateKeepsARecordAlreadyThere(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, Record), []byte("kept"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "stale.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Update(dir, files()); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, Record)); string(b) != "kept" {
		t.Errorf("record = %q", b)
	}
	if _, err := os.Stat(filepath.Join(dir, "stale.txt")); err == nil {
		t.Error("Update must remove files the render no longer has")
	}
}
