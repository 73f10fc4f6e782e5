package write

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"
	"testing"

	"github.com/fwgen/fwgen/internal/fail"
	"github.com/fwgen/fwgen/internal/render"
)

func TestMain(m *testing.M) {
	// Modes are asserted exactly; os.WriteFile and Mkdir apply the umask.
	syscall.Umask(0o022)
	os.Exit(m.Run())
}

var project = []render.File{
	{Path: ".fwgen.yaml", Data: []byte("_template: t\n"), Mode: 0o644},
	{Path: "README.md", Data: []byte("# New\n"), Mode: 0o644},
	{Path: "app/__init__.py", Data: []byte(""), Mode: 0o644},
	{Path: "app/deep/er/mod.py", Data: []byte("x = 1\n"), Mode: 0o644},
	{Path: "manage.py", Data: []byte("#!/usr/bin/env python\n"), Mode: 0o755},
}

// snapshot maps every path under root (relative, slash-separated) to its
// content, mode and kind, so tests can assert a tree is exactly as it was.
func snapshot(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		info, err := os.Lstat(p)
		if err != nil {
			return err
		}
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			out[rel] = "link→" + target
		case info.IsDir():
			out[rel] = "dir " + info.Mode().Perm().String()
		default:
			b, _ := os.ReadFile(p)
			out[rel] = info.Mode().Perm().String() + " " + string(b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func writeTree(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for p, data := range files {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// assertProject checks every file of files under target with its bytes and mode.
func assertProject(t *testing.T, target string, files []render.File) {
	t.Helper()
	for _, f := range files {
		full := filepath.Join(target, filepath.FromSlash(f.Path))
		info, err := os.Lstat(full)
		if err != nil {
			t.Errorf("%s: %v", f.Path, err)
			continue
		}
		if !info.Mode().IsRegular() || info.Mode().Perm() != f.Mode.Perm() {
			t.Errorf("%s: mode %v, want regular %v", f.Path, info.Mode(), f.Mode.Perm())
		}
		if b, _ := os.ReadFile(full); !bytes.Equal(b, f.Data) {
			t.Errorf("%s: content %q, want %q", f.Path, b, f.Data)
		}
	}
}

// assertNoLeftovers fails if a work folder remains beside target or in it.
func assertNoLeftovers(t *testing.T, target string) {
	t.Helper()
	for _, dir := range []string{filepath.Dir(target), target} {
		entries, err := os.ReadDir(dir)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), workPrefix) {
				t.Errorf("left behind %s in %s", e.Name(), dir)
			}
		}
	}
}

func TestFreshTarget(t *testing.T) {
	parent := t.TempDir()
	target := filepath.Join(parent, "proj")
	p, err := Check(target, project, false)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Fresh || p.Target != target || len(p.Replaced) != 0 {
		t.Errorf("plan = %+v", p)
	}
	if _, err := os.Lstat(target); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("Check wrote something")
	}
	if err := Write(context.Background(), p, project); err != nil {
		t.Fatal(err)
	}
	assertProject(t, target, project)
	got := snapshot(t, target)
	// ".", app, app/deep, app/deep/er and the 5 files: nothing else.
	if len(got) != 9 {
		t.Errorf("target holds %d entries, want 9: %v", len(got), got)
	}
	for _, dir := range []string{".", "app", "app/deep", "app/deep/er"} {
		if got[filepath.FromSlash(dir)] != "dir -rwxr-xr-x" {
			t.Errorf("folder %s: %q, want mode 0755", dir, got[filepath.FromSlash(dir)])
		}
	}
	assertNoLeftovers(t, target)
}

func TestFreshTargetMissingParents(t *testing.T) {
	target := filepath.Join(t.TempDir(), "a", "b", "proj")
	p, err := Check(target, project, false)
	if err != nil || !p.Fresh {
		t.Fatalf("Check = %+v, %v", p, err)
	}
	if err := Write(context.Background(), p, project); err != nil {
		t.Fatal(err)
	}
	assertProject(t, target, project)
}

func TestRelativeTarget(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	p, err := Check("proj", project, false)
	if err != nil {
		t.Fatal(err)
	}
	real, _ := filepath.EvalSymlinks(dir)
	if p.Target != filepath.Join(dir, "proj") && p.Target != filepath.Join(real, "proj") {
		t.Errorf("Target = %q, want an absolute path", p.Target)
	}
}

func TestEmptyTarget(t *testing.T) {
	target := filepath.Join(t.TempDir(), "proj")
	if err := os.Mkdir(target, 0o700); err != nil {
		t.Fatal(err)
	}
	before, err := os.Stat(target)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Check(target, project, false)
	if err != nil || p.Fresh {
		t.Fatalf("Check = %+v, %v", p, err)
	}
	if err := Write(context.Background(), p, project); err != nil {
		t.Fatal(err)
	}
	assertProject(t, target, project)
	assertNoLeftovers(t, target)
	// Filled in place: the same folder, with its own mode, not a new one.
	after, err := os.Stat(target)
	if err != nil || !os.SameFile(before, after) || after.Mode().Perm() != 0o700 {
		t.Errorf("target was replaced: %v, mode %v", err, after.Mode())
	}
}

func TestNonEmptyRefused(t *testing.T) {
	target := filepath.Join(t.TempDir(), "proj")
	writeTree(t, target, map[string]string{"keep.txt": "mine"})
	before := snapshot(t, target)
	_, err := Check(target, project, false)
	if err == nil || fail.Code(err) != fail.CodeExists ||
		!strings.Contains(err.Error(), target+" exists and is not empty; nothing was written") {
		t.Errorf("error = %v (code %d)", err, fail.Code(err))
	}
	if after := snapshot(t, target); !mapsEqual(before, after) {
		t.Errorf("target changed:\n%v\n%v", before, after)
	}
}

func TestTargetIsAFile(t *testing.T) {
	target := filepath.Join(t.TempDir(), "proj")
	if err := os.WriteFile(target, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, force := range []bool{false, true} {
		_, err := Check(target, project, force)
		if err == nil || fail.Code(err) != fail.CodeExists || !strings.Contains(err.Error(), "exists and is not a folder") {
			t.Errorf("force=%v: error = %v (code %d)", force, err, fail.Code(err))
		}
	}
}

func TestTargetIsASymlink(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real")
	if err := os.Mkdir(real, 0o755); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dir, "proj")
	if err := os.Symlink(real, target); err != nil {
		t.Fatal(err)
	}
	dangling := filepath.Join(dir, "dangling")
	if err := os.Symlink(filepath.Join(dir, "nowhere"), dangling); err != nil {
		t.Fatal(err)
	}
	for _, tgt := range []string{target, dangling} {
		for _, force := range []bool{false, true} {
			_, err := Check(tgt, project, force)
			if err == nil || fail.Code(err) != fail.CodeInvalid || !strings.Contains(err.Error(), "is a symbolic link") {
				t.Errorf("%s force=%v: error = %v (code %d)", tgt, force, err, fail.Code(err))
			}
		}
	}
	if entries, _ := os.ReadDir(real); len(entries) != 0 {
		t.Error("wrote through the link")
	}
}

func TestForceReplacesAndKeeps(t *testing.T) {
	target := filepath.Join(t.TempDir(), "proj")
	writeTree(t, target, map[string]string{
		"keep.txt":        "mine",
		"README.md":       "old readme",
		"app/__init__.py": "old init",
		"app/other.py":    "mine too",
	})
	p, err := Check(target, project, true)
	if err != nil {
		t.Fatal(err)
	}
	if p.Fresh || !slices.Equal(p.Replaced, []string{"README.md", "app/__init__.py"}) {
		t.Errorf("plan = %+v", p)
	}
	if err := Write(context.Background(), p, project); err != nil {
		t.Fatal(err)
	}
	assertProject(t, target, project)
	for p, want := range map[string]string{"keep.txt": "mine", "app/other.py": "mine too"} {
		if b, _ := os.ReadFile(filepath.Join(target, p)); string(b) != want {
			t.Errorf("%s = %q, want %q kept", p, b, want)
		}
	}
	assertNoLeftovers(t, target)
}

func TestForceFolderWhereFileRefused(t *testing.T) {
	target := filepath.Join(t.TempDir(), "proj")
	writeTree(t, target, map[string]string{"README.md/inside.txt": "x"})
	before := snapshot(t, target)
	_, err := Check(target, project, true)
	if err == nil || fail.Code(err) != fail.CodeExists ||
		!strings.Contains(err.Error(), filepath.Join(target, "README.md")+" is a folder where the template writes a file") {
		t.Errorf("error = %v (code %d)", err, fail.Code(err))
	}
	if !mapsEqual(before, snapshot(t, target)) {
		t.Error("target changed")
	}
}

func TestForceFileWhereFolderRefused(t *testing.T) {
	target := filepath.Join(t.TempDir(), "proj")
	writeTree(t, target, map[string]string{"app": "a file"})
	if _, err := Check(target, project, true); err == nil {
		t.Error("Check accepted app/… where app is a file")
	}
}

func TestSymlinkEscapeRefused(t *testing.T) {
	dir := t.TempDir()
	outside := filepath.Join(dir, "outside")
	writeTree(t, outside, map[string]string{"secret.txt": "keep"})
	target := filepath.Join(dir, "proj")
	writeTree(t, target, map[string]string{"keep.txt": "x"})
	if err := os.Symlink(outside, filepath.Join(target, "app")); err != nil {
		t.Fatal(err)
	}
	// A relative link climbing out is caught too.
	if err := os.Symlink("../outside", filepath.Join(target, "rel")); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, outside)
	for _, files := range [][]render.File{
		{{Path: "app/__init__.py", Mode: 0o644}},
		{{Path: "app/new/deeper/x.py", Mode: 0o644}}, // parents that do not exist yet
		{{Path: "rel/x.py", Mode: 0o644}},
	} {
		_, err := Check(target, files, true)
		if err == nil || fail.Code(err) != fail.CodeInvalid || !strings.Contains(err.Error(), "through a symbolic link to "+outside) {
			t.Errorf("%s: error = %v (code %d)", files[0].Path, err, fail.Code(err))
		}
	}
	if !mapsEqual(before, snapshot(t, outside)) {
		t.Error("outside changed")
	}
}

func TestSymlinkInsideAllowed(t *testing.T) {
	target := filepath.Join(t.TempDir(), "proj")
	writeTree(t, target, map[string]string{"real/keep.txt": "x"})
	if err := os.Symlink("real", filepath.Join(target, "alias")); err != nil {
		t.Fatal(err)
	}
	files := []render.File{{Path: "alias/new.txt", Data: []byte("n"), Mode: 0o644}}
	p, err := Check(target, files, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := Write(context.Background(), p, files); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(target, "real", "new.txt")); string(b) != "n" {
		t.Errorf("real/new.txt = %q", b)
	}
}

// A file that is itself a link is replaced; what it points at is untouched.
func TestForceReplacesLinkNotTarget(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "secret.txt")
	if err := os.WriteFile(secret, []byte("do not touch"), 0o600); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dir, "proj")
	writeTree(t, target, map[string]string{"keep.txt": "x"})
	if err := os.Symlink(secret, filepath.Join(target, "README.md")); err != nil {
		t.Fatal(err)
	}
	files := []render.File{{Path: "README.md", Data: []byte("new"), Mode: 0o644}}
	p, err := Check(target, files, true)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.Replaced, []string{"README.md"}) {
		t.Errorf("Replaced = %q", p.Replaced)
	}
	if err := Write(context.Background(), p, files); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(secret); string(b) != "do not touch" {
		t.Errorf("link target overwritten: %q", b)
	}
	assertProject(t, target, files)
}

func TestOutsidePathRefused(t *testing.T) {
	target := filepath.Join(t.TempDir(), "proj")
	writeTree(t, target, map[string]string{"keep.txt": "x"})
	_, err := Check(target, []render.File{{Path: "../evil.txt"}}, true)
	if err == nil || fail.Code(err) != fail.CodeInvalid || !strings.Contains(err.Error(), "would be written outside") {
		t.Errorf("error = %v", err)
	}
}

// TestStagingFailureLeavesNothing makes staging fail half-way (a file whose
// parent is another file of the list: works as root) and checks that neither
// the target nor the staging folder exist afterwards.
func TestStagingFailureLeavesNothing(t *testing.T) {
	files := []render.File{
		{Path: "a.txt", Data: []byte("a"), Mode: 0o644},
		{Path: "b", Data: []byte("b"), Mode: 0o644},
		{Path: "b/c.txt", Data: []byte("c"), Mode: 0o644},
	}
	t.Run("absent", func(t *testing.T) {
		target := filepath.Join(t.TempDir(), "proj")
		p, err := Check(target, files, false)
		if err != nil {
			t.Fatal(err)
		}
		err = Write(context.Background(), p, files)
		if err == nil || !strings.Contains(err.Error(), "staging b/c.txt") {
			t.Fatalf("Write error = %v", err)
		}
		if _, err := os.Lstat(target); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("target exists after a failed write: %v", err)
		}
		assertNoLeftovers(t, target)
	})
	t.Run("empty", func(t *testing.T) {
		target := filepath.Join(t.TempDir(), "proj")
		if err := os.Mkdir(target, 0o755); err != nil {
			t.Fatal(err)
		}
		p, err := Check(target, files, false)
		if err != nil {
			t.Fatal(err)
		}
		if err := Write(context.Background(), p, files); err == nil {
			t.Fatal("Write succeeded")
		}
		if entries, err := os.ReadDir(target); err != nil || len(entries) != 0 {
			t.Errorf("empty target changed: %v %v", entries, err)
		}
		assertNoLeftovers(t, target)
	})
}

func TestCancelledLeavesNothing(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, existing := range []bool{false, true} {
		target := filepath.Join(t.TempDir(), "proj")
		if existing {
			writeTree(t, target, map[string]string{"keep.txt": "x", "README.md": "old"})
		}
		p, err := Check(target, project, true)
		if err != nil {
			t.Fatal(err)
		}
		var before map[string]string
		if existing {
			before = snapshot(t, target)
		}
		err = Write(ctx, p, project)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("existing=%v: Write error = %v, want context.Canceled", existing, err)
		}
		if existing {
			if !mapsEqual(before, snapshot(t, target)) {
				t.Errorf("existing target changed")
			}
		} else if _, err := os.Lstat(target); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("target exists after a cancelled write")
		}
		assertNoLeftovers(t, target)
	}
}

// TestFreshTargetFilledMeanwhile: the target was empty at Check and has
// files by Write; the rename must not replace them.
func TestFreshTargetFilledMeanwhile(t *testing.T) {
	target := filepath.Join(t.TempDir(), "proj")
	if err := os.Mkdir(target, 0o755); err != nil {
		t.Fatal(err)
	}
	p, err := Check(target, project, false)
	if err != nil || p.Fresh {
		t.Fatal(p, err)
	}
	writeTree(t, target, map[string]string{"theirs.txt": "x"})
	before := snapshot(t, target)
	if err := Write(context.Background(), p, project); err == nil {
		t.Fatal("Write replaced a folder that is no longer empty")
	}
	if !mapsEqual(before, snapshot(t, target)) {
		t.Error("target changed")
	}
	assertNoLeftovers(t, target)
}

// TestForceRollback: the last file's parent turns into a regular file
// between Check and Write. The clash is found before any file is moved, so
// the target stays byte for byte as it was (rollback after a failure half-way
// is fault_test.go's).
func TestForceRollback(t *testing.T) {
	target := filepath.Join(t.TempDir(), "proj")
	writeTree(t, target, map[string]string{
		"README.md":       "old readme",
		"app/__init__.py": "old init",
		"keep.txt":        "mine",
	})
	if err := os.Chmod(filepath.Join(target, "README.md"), 0o600); err != nil {
		t.Fatal(err)
	}
	files := []render.File{
		{Path: "README.md", Data: []byte("new readme"), Mode: 0o644},
		{Path: "app/__init__.py", Data: []byte("new init"), Mode: 0o644},
		{Path: "app/new/mod.py", Data: []byte("new"), Mode: 0o644},
		{Path: "new/deep/x.py", Data: []byte("new"), Mode: 0o755},
		{Path: "zz/late.txt", Data: []byte("late"), Mode: 0o644},
	}
	p, err := Check(target, files, true)
	if err != nil {
		t.Fatal(err)
	}
	writeTree(t, target, map[string]string{"zz": "a file where a folder goes"})
	before := snapshot(t, target)

	// The clash is found before anything is touched, and refused (3).
	err = Write(context.Background(), p, files)
	if err == nil || !strings.Contains(err.Error(), "zz is a file where the template needs a folder") || fail.Code(err) != fail.CodeExists {
		t.Fatalf("Write error = %v, want a refusal naming zz", err)
	}
	after := snapshot(t, target)
	if !mapsEqual(before, after) {
		t.Errorf("target not restored:\nbefore %v\nafter  %v", before, after)
	}
	assertNoLeftovers(t, target)
}

// TestForceRollbackMkdirFails: a missing folder under a regular file.
func TestForceRollbackMkdirFails(t *testing.T) {
	target := filepath.Join(t.TempDir(), "proj")
	writeTree(t, target, map[string]string{"README.md": "old", "keep.txt": "mine"})
	files := []render.File{
		{Path: "README.md", Data: []byte("new"), Mode: 0o644},
		{Path: "a/b.txt", Data: []byte("new"), Mode: 0o644},
		{Path: "zz/sub/late.txt", Data: []byte("late"), Mode: 0o644},
	}
	p, err := Check(target, files, true)
	if err != nil {
		t.Fatal(err)
	}
	writeTree(t, target, map[string]string{"zz": "file"})
	before := snapshot(t, target)
	err = Write(context.Background(), p, files)
	if err == nil || !strings.Contains(err.Error(), "zz is a file where the template needs a folder") || fail.Code(err) != fail.CodeExists {
		t.Fatalf("Write error = %v", err)
	}
	if after := snapshot(t, target); !mapsEqual(before, after) {
		t.Errorf("target not restored:\nbefore %v\nafter  %v", before, after)
	}
	assertNoLeftovers(t, target)
}

func TestModes(t *testing.T) {
	files := []render.File{
		{Path: "run.sh", Data: []byte("#!/bin/sh\n"), Mode: 0o755},
		{Path: "bin/tool", Data: []byte("x"), Mode: 0o755},
		{Path: "data.txt", Data: []byte("x"), Mode: 0o644},
	}
	for _, existing := range []bool{false, true} {
		target := filepath.Join(t.TempDir(), "proj")
		if existing {
			// The old files had other modes: the new ones win.
			writeTree(t, target, map[string]string{"run.sh": "old", "data.txt": "old"})
			if err := os.Chmod(filepath.Join(target, "data.txt"), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		p, err := Check(target, files, true)
		if err != nil {
			t.Fatal(err)
		}
		if err := Write(context.Background(), p, files); err != nil {
			t.Fatal(err)
		}
		assertProject(t, target, files)
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	keys := make([]string, 0, len(a))
	for k := range a {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if v, ok := b[k]; !ok || v != a[k] {
			return false
		}
	}
	return true
}

// TestFreshTargetMadeMeanwhile: the target was absent at Check and another
// process made it, even empty, before the move: fwgen loses the race with
// exit 3, takes nothing of theirs and leaves nothing of its own.
func TestFreshTargetMadeMeanwhile(t *testing.T) {
	for _, theirs := range []map[string]string{nil, {"theirs.txt": "x"}} {
		target := filepath.Join(t.TempDir(), "proj")
		p, err := Check(target, project, false)
		if err != nil || !p.Fresh {
			t.Fatal(p, err)
		}
		if err := os.Mkdir(target, 0o700); err != nil {
			t.Fatal(err)
		}
		writeTree(t, target, theirs)
		before := snapshot(t, target)
		err = Write(context.Background(), p, project)
		if err == nil || fail.Code(err) != fail.CodeExists || !strings.Contains(err.Error(), "was created by someone else while fwgen ran") {
			t.Errorf("error = %v (code %d)", err, fail.Code(err))
		}
		if !mapsEqual(before, snapshot(t, target)) {
			t.Error("their folder changed")
		}
		assertNoLeftovers(t, target)
	}
}
