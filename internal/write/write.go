// Package write puts a rendered project on disk whole or not at all, and
// never outside its target: every operation goes through a confined root
// (see FS), every swap over existing files keeps a journal, and a later run
// recovers what a killed one left.
package write

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/fwgen/fwgen/internal/fail"
	"github.com/fwgen/fwgen/internal/names"
	"github.com/fwgen/fwgen/internal/render"
)

// Plan says how a project will be written into its target folder.
type Plan struct {
	Target string // absolute
	// Fresh is true when the target is absent: the project is staged
	// beside it and renamed into place in one step. An existing folder,
	// empty or (with force) not, is filled in place: it is never deleted
	// or recreated, so it may be a mount point or the shell's own folder.
	Fresh bool
	// Force allows replacing files; without it the folder must be empty.
	Force bool
	// Replaced lists the files --force will overwrite.
	Replaced []string
	// Say reports what fwgen recovered from an interrupted run; nil is silent.
	Say func(string)

	info fs.FileInfo // the target folder as Check saw it
}

// Check decides whether files may be written into target and how, without
// writing anything. It refuses a non-empty target unless force, and any path
// that would leave the target through a symbolic link.
func Check(target string, files []render.File, force bool) (*Plan, error) {
	abs, err := filepath.Abs(target)
	if err != nil {
		return nil, fmt.Errorf("resolving %s: %w", target, err)
	}
	p := &Plan{Target: abs, Force: force}
	info, err := os.Lstat(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		p.Fresh = true
		return p, nil
	case errors.Is(err, syscall.ENOTDIR):
		return nil, fail.Exists(fmt.Errorf("%s: a parent is a file, not a folder; nothing was written", short(abs)))
	case err != nil:
		return nil, fmt.Errorf("inspecting %s: %w", short(abs), err)
	case info.Mode()&fs.ModeSymlink != 0:
		return nil, fail.Invalidf("%s is a symbolic link; give a real folder", short(abs))
	case !info.IsDir():
		return nil, fail.Exists(fmt.Errorf("%s exists and is not a folder; nothing was written", short(abs)))
	}
	p.info = info
	entries, err := os.ReadDir(abs)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", short(abs), err)
	}
	if len(entries) == 0 {
		return p, nil
	}
	if !force {
		return nil, fail.Exists(fmt.Errorf("%s exists and is not empty; nothing was written (use --force to replace the files the template produces)", short(abs)))
	}
	for _, f := range files {
		dst, err := inside(abs, f.Path)
		if err != nil {
			return nil, err
		}
		st, err := os.Lstat(dst)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case errors.Is(err, syscall.ENOTDIR):
			return nil, fail.Exists(fmt.Errorf("%s: a parent is a file where the template needs a folder; nothing was written", short(dst)))
		case err != nil:
			return nil, fmt.Errorf("inspecting %s: %w", short(dst), err)
		case st.IsDir():
			return nil, fail.Exists(fmt.Errorf("%s is a folder where the template writes a file; nothing was written", short(dst)))
		default:
			p.Replaced = append(p.Replaced, f.Path)
		}
	}
	return p, nil
}

// inside joins rel to root and refuses a result that, following any symbolic
// links among the existing folders on the way, lands outside root.
func inside(root, rel string) (string, error) {
	dst := filepath.Join(root, filepath.FromSlash(rel))
	if !within(root, dst) {
		return "", fail.Invalidf("%s would be written outside %s", names.Shorten(rel), short(root))
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return "", fmt.Errorf("resolving %s: %w", root, err)
	}
	// Walk the parents that exist; the file itself may be replaced safely
	// because rename replaces a link, never what it points at.
	dir := filepath.Dir(dst)
	for d := dir; within(root, d); d = filepath.Dir(d) {
		real, err := filepath.EvalSymlinks(d)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("resolving %s: %w", d, err)
		}
		if !within(realRoot, real) {
			return "", fail.Invalidf("%s would be written through a symbolic link to %s, outside %s", names.Shorten(rel), short(real), short(root))
		}
		break
	}
	return dst, nil
}

func within(root, p string) bool {
	rel, err := filepath.Rel(root, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// short keeps a path in a message readable whatever its length.
func short(p string) string { return names.Shorten(p) }
