// Package write puts a rendered project on disk whole or not at all.
package write

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/fwgen/fwgen/internal/fail"
	"github.com/fwgen/fwgen/internal/render"
)

// Plan says how a project will be written into its target folder.
type Plan struct {
	Target string // absolute
	// Fresh is true when the target is absent or empty: the project is
	// staged beside it and renamed into place in one step.
	Fresh bool
	// Replaced lists the files --force will overwrite.
	Replaced []string
}

// Check decides whether files may be written into target and how, without
// writing anything. It refuses a non-empty target unless force, and any path
// that would leave the target through a symbolic link.
func Check(target string, files []render.File, force bool) (*Plan, error) {
	abs, err := filepath.Abs(target)
	if err != nil {
		return nil, fmt.Errorf("resolving %s: %w", target, err)
	}
	p := &Plan{Target: abs}
	info, err := os.Lstat(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		p.Fresh = true
		return p, nil
	case err != nil:
		return nil, fmt.Errorf("inspecting %s: %w", abs, err)
	case info.Mode()&fs.ModeSymlink != 0:
		return nil, fail.Invalidf("%s is a symbolic link; give a real folder", abs)
	case !info.IsDir():
		return nil, fail.Exists(fmt.Errorf("%s exists and is not a folder; nothing was written", abs))
	}
	entries, err := os.ReadDir(abs)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", abs, err)
	}
	if len(entries) == 0 {
		p.Fresh = true
		return p, nil
	}
	if !force {
		return nil, fail.Exists(fmt.Errorf("%s exists and is not empty; nothing was written (use --force to replace the files the template produces)", abs))
	}
	for _, f := range files {
		dst, err := inside(abs, f.Path)
		if err != nil {
			return nil, err
		}
		st, err := os.Lstat(dst)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return nil, fmt.Errorf("inspecting %s: %w", dst, err)
		case st.IsDir():
			return nil, fail.Exists(fmt.Errorf("%s is a folder where the template writes a file; nothing was written", dst))
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
		return "", fail.Invalidf("%s would be written outside %s", rel, root)
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
			return "", fail.Invalidf("%s would be written through a symbolic link to %s, outside %s", rel, real, root)
		}
		break
	}
	return dst, nil
}

func within(root, p string) bool {
	rel, err := filepath.Rel(root, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// Write carries out a plan. Files are first staged in a hidden folder beside
// the target; a failure or a cancelled ctx before the last step removes the
// staging folder and leaves the target as it was.
func Write(ctx context.Context, p *Plan, files []render.File) (err error) {
	parent := filepath.Dir(p.Target)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", parent, err)
	}
	stage, err := os.MkdirTemp(parent, "."+filepath.Base(p.Target)+".fwgen-")
	if err != nil {
		return fmt.Errorf("creating a staging folder in %s: %w", parent, err)
	}
	defer func() {
		if rmErr := os.RemoveAll(stage); rmErr != nil && err == nil {
			err = fmt.Errorf("removing staging folder: %w", rmErr)
		}
	}()
	if err := os.Chmod(stage, 0o755); err != nil {
		return fmt.Errorf("staging: %w", err)
	}
	made := map[string]bool{stage: true}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		dst := filepath.Join(stage, filepath.FromSlash(f.Path))
		if dir := filepath.Dir(dst); !made[dir] {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return fmt.Errorf("staging %s: %w", f.Path, err)
			}
			made[dir] = true
		}
		if err := os.WriteFile(dst, f.Data, f.Mode.Perm()); err != nil {
			return fmt.Errorf("staging %s: %w", f.Path, err)
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if p.Fresh {
		// An empty target folder is replaced; rename cannot cross it.
		if err := os.Remove(p.Target); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("replacing empty folder %s: %w", p.Target, err)
		}
		if err := os.Rename(stage, p.Target); err != nil {
			return fmt.Errorf("moving the project into %s: %w", p.Target, err)
		}
		return nil
	}
	return swapIn(stage, p.Target, files)
}

// swapIn moves staged files over an existing folder one by one, keeping what
// it replaces in a backup folder so that a failure can put everything back.
func swapIn(stage, target string, files []render.File) error {
	backup, err := os.MkdirTemp(filepath.Dir(target), "."+filepath.Base(target)+".fwgen-backup-")
	if err != nil {
		return fmt.Errorf("creating a backup folder: %w", err)
	}
	type step struct{ dst, saved string }
	var done []step
	var dirs []string
	undo := func() {
		for i := len(done) - 1; i >= 0; i-- {
			_ = os.Remove(done[i].dst)
			if done[i].saved != "" {
				_ = os.Rename(done[i].saved, done[i].dst)
			}
		}
		for i := len(dirs) - 1; i >= 0; i-- {
			_ = os.Remove(dirs[i])
		}
		// Remove only removes an empty folder: anything that could not be
		// put back stays in the backup rather than being lost.
		_ = os.Remove(backup)
	}
	for i, f := range files {
		dst := filepath.Join(target, filepath.FromSlash(f.Path))
		newDirs, err := mkdirs(filepath.Dir(dst))
		dirs = append(dirs, newDirs...)
		if err != nil {
			undo()
			return fmt.Errorf("creating folders for %s: %w", f.Path, err)
		}
		st := step{dst: dst}
		if _, err := os.Lstat(dst); err == nil {
			st.saved = filepath.Join(backup, fmt.Sprint(i))
			if err := os.Rename(dst, st.saved); err != nil {
				undo()
				return fmt.Errorf("setting aside %s: %w", f.Path, err)
			}
		}
		if err := os.Rename(filepath.Join(stage, filepath.FromSlash(f.Path)), dst); err != nil {
			if st.saved != "" {
				_ = os.Rename(st.saved, dst)
			}
			undo()
			return fmt.Errorf("writing %s: %w", f.Path, err)
		}
		done = append(done, st)
	}
	return os.RemoveAll(backup)
}

// mkdirs creates dir and its missing parents, returning those it created.
func mkdirs(dir string) ([]string, error) {
	var missing []string
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil {
			break
		}
		missing = append(missing, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	var made []string
	for i := len(missing) - 1; i >= 0; i-- {
		if err := os.Mkdir(missing[i], 0o755); err != nil {
			return made, err
		}
		made = append(made, missing[i])
	}
	return made, nil
}
