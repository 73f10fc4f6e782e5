package write

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/fwgen/fwgen/internal/fail"
	"github.com/fwgen/fwgen/internal/render"
)

// Write carries out a plan. Files are first staged in a work folder; a
// failure or a cancelled ctx before the last step removes it and leaves the
// target, and the folders around it, as they were. Leftovers of killed runs
// found on the way are recovered first (reported through p.Say).
func Write(ctx context.Context, p *Plan, files []render.File) error {
	return write(ctx, openRoot, p, files)
}

func write(ctx context.Context, open openFunc, p *Plan, files []render.File) error {
	for _, f := range files {
		if err := checkLocal(p, f.Path); err != nil {
			return err
		}
	}
	return beside(open, p, func(pfs FS, name string, say func(string)) error {
		if p.Fresh {
			return fresh(ctx, pfs, name, p, say, func(staged string) error {
				return stage(ctx, pfs, staged, files)
			})
		}
		return inPlace(ctx, pfs, name, p, files, say)
	})
}

// checkLocal refuses a path that would leave the target.
func checkLocal(p *Plan, rel string) error {
	if !filepath.IsLocal(filepath.FromSlash(rel)) || strings.ContainsAny(rel, "\n\r\x00\\") {
		return fail.Invalidf("%q would be written outside %s", short(rel), short(p.Target))
	}
	return nil
}

// beside opens the target's parent, making the missing folders above it,
// recovers what killed runs left there, and runs body in it; when body
// fails, the folders made for it go again.
func beside(open openFunc, p *Plan, body func(parent FS, name string, say func(string)) error) (err error) {
	say := p.Say
	if say == nil {
		say = func(string) {}
	}
	parent, name := filepath.Dir(p.Target), filepath.Base(p.Target)
	base, made, rel, err := openParent(open, parent)
	if err != nil {
		return err
	}
	defer base.Close()
	defer func() {
		if err == nil {
			return
		}
		// Folders made for --output go again, innermost first; Remove
		// takes only an empty folder, so nothing else is lost with them.
		for i := len(made) - 1; i >= 0; i-- {
			_ = base.Remove(made[i])
		}
	}()
	pfs, err := base.Sub(rel)
	if err != nil {
		return fmt.Errorf("opening %s: %w", short(parent), err)
	}
	defer pfs.Close()
	if err := recoverLeftovers(pfs, parent, say); err != nil {
		return err
	}
	return body(pfs, name, say)
}

// openParent opens the deepest existing ancestor of dir and makes the
// missing folders below it, returning them (relative to that ancestor) so
// that a failure can remove them again.
func openParent(open openFunc, dir string) (base FS, made []string, rel string, err error) {
	anc := dir
	var missing []string
	for {
		_, err := os.Lstat(anc)
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrNotExist) {
			if errors.Is(err, syscall.ENOTDIR) {
				return nil, nil, "", fail.Exists(fmt.Errorf("%s: a parent is a file, not a folder; nothing was written", short(dir)))
			}
			return nil, nil, "", fmt.Errorf("inspecting %s: %w", short(anc), err)
		}
		missing = append(missing, filepath.Base(anc))
		next := filepath.Dir(anc)
		if next == anc {
			break
		}
		anc = next
	}
	base, err = open(anc)
	if err != nil {
		if errors.Is(err, syscall.ENOTDIR) {
			return nil, nil, "", fail.Exists(fmt.Errorf("%s is a file, not a folder; nothing was written", short(anc)))
		}
		return nil, nil, "", fmt.Errorf("opening %s: %w", short(anc), err)
	}
	rel = "."
	for i := len(missing) - 1; i >= 0; i-- {
		rel = path.Join(rel, missing[i])
		err := base.Mkdir(rel, 0o755)
		if err == nil {
			made = append(made, rel)
			continue
		}
		if !errors.Is(err, fs.ErrExist) {
			for j := len(made) - 1; j >= 0; j-- {
				_ = base.Remove(made[j])
			}
			base.Close()
			return nil, nil, "", fmt.Errorf("creating %s: %w", short(filepath.Join(anc, filepath.FromSlash(rel))), err)
		}
	}
	return base, made, rel, nil
}

// makeWork creates a locked work folder in dir.
func makeWork(dir FS) (string, io.Closer, error) {
	var w string
	var err error
	for range 5 {
		w = workName()
		if err = dir.Mkdir(w, 0o700); !errors.Is(err, fs.ErrExist) {
			break
		}
	}
	if err != nil {
		return "", nil, fmt.Errorf("creating a work folder: %w", err)
	}
	lock, err := dir.Lock(path.Join(w, lockName))
	if err != nil {
		return "", nil, errors.Join(fmt.Errorf("creating a work folder: %w", err), removeWork(dir, w))
	}
	return w, lock, nil
}

// makeStaging makes the folder into in dir and opens it as its own root.
func makeStaging(dir FS, into string) (FS, error) {
	if err := dir.Mkdir(into, 0o755); err != nil {
		return nil, fmt.Errorf("staging: %w", err)
	}
	s, err := dir.Sub(into)
	if err != nil {
		return nil, fmt.Errorf("staging: %w", err)
	}
	return s, nil
}

// stage writes files into the folder into, opened as its own root. Each
// folder is made once and opened once, and its files are written through
// that one handle, folder by folder in the order the folders first appear
// in files (sorted by path), so a failure always names the same file.
func stage(ctx context.Context, dir FS, into string, files []render.File) error {
	s, err := makeStaging(dir, into)
	if err != nil {
		return err
	}
	defer s.Close()
	made := map[string]bool{".": true}
	for _, g := range byFolder(files) {
		if err := ctx.Err(); err != nil {
			return err
		}
		first := files[g.files[0]].Path
		for _, d := range append(parents(first), g.dir) {
			if made[d] {
				continue
			}
			if err := s.Mkdir(d, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
				return fmt.Errorf("staging %s: %w", short(first), err)
			}
			made[d] = true
		}
		if err := stageFolder(ctx, s, g, files); err != nil {
			return err
		}
	}
	return nil
}

func stageFolder(ctx context.Context, s FS, g folder, files []render.File) error {
	d, err := s.OpenDir(g.dir)
	if err != nil {
		return fmt.Errorf("staging %s: %w", short(files[g.files[0]].Path), err)
	}
	defer d.Close()
	for _, i := range g.files {
		if err := ctx.Err(); err != nil {
			return err
		}
		f := files[i]
		if err := d.WriteFile(path.Base(f.Path), f.Data, f.Mode.Perm()); err != nil {
			return fmt.Errorf("staging %s: %w", short(f.Path), err)
		}
	}
	return nil
}

// folder is one folder's files, as indexes into the list.
type folder struct {
	dir   string
	files []int
}

// byFolder groups files by folder, folders in the order they first appear.
func byFolder(files []render.File) []folder {
	var out []folder
	at := map[string]int{}
	for i, f := range files {
		d := path.Dir(f.Path)
		k, ok := at[d]
		if !ok {
			k = len(out)
			at[d] = k
			out = append(out, folder{dir: d})
		}
		out[k].files = append(out[k].files, i)
	}
	return out
}

// parents lists the folders above a slash-separated path, outermost first.
func parents(p string) []string {
	var out []string
	for i := 0; i < len(p); i++ {
		if p[i] == '/' {
			out = append(out, p[:i])
		}
	}
	return out
}

// fresh stages the project in a work folder beside the target and moves it
// into place with one rename that refuses to replace anything, so a folder
// made by someone else meanwhile, even an empty one, is never taken.
// stageInto writes the files into staged, a folder it must create.
func fresh(ctx context.Context, dir FS, name string, p *Plan, say func(string), stageInto func(staged string) error) (err error) {
	w, lock, err := makeWork(dir)
	if err != nil {
		return err
	}
	defer func() {
		lock.Close()
		rmErr := dir.RemoveAll(w)
		switch {
		case rmErr == nil:
		case err == nil:
			say(fmt.Sprintf("the project is complete, but removing the work folder %s failed (%v); the next fwgen run here removes it",
				short(filepath.Join(filepath.Dir(p.Target), w)), rmErr))
		default:
			err = fmt.Errorf("%w; removing the work folder %s failed too (%v); the next fwgen run here removes it",
				err, short(filepath.Join(filepath.Dir(p.Target), w)), rmErr)
		}
	}()
	staged := path.Join(w, newDir)
	if err := stageInto(staged); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := dir.RenameNoReplace(staged, name); err != nil {
		if errors.Is(err, fs.ErrExist) || errors.Is(err, syscall.ENOTEMPTY) {
			return fail.Exists(fmt.Errorf("%s was created by someone else while fwgen ran; nothing was written", short(p.Target)))
		}
		return fmt.Errorf("moving the project into %s: %w", short(p.Target), err)
	}
	return nil
}

// inPlace fills an existing folder: stage inside it, write the journal,
// then per file set the original aside and move the new one in. Any failure
// after the journal rolls back from it.
func inPlace(ctx context.Context, dir FS, name string, p *Plan, files []render.File, say func(string)) error {
	t, err := dir.Sub(name)
	if err != nil {
		return fmt.Errorf("opening %s: %w", short(p.Target), err)
	}
	defer t.Close()
	if p.info != nil && !t.SameFile(p.info) {
		return fail.Exists(fmt.Errorf("%s was replaced while fwgen ran; nothing was written", short(p.Target)))
	}
	if err := recoverLeftovers(t, p.Target, say); err != nil {
		return err
	}
	if !p.Force {
		entries, err := t.ReadDir(".")
		if err != nil {
			return fmt.Errorf("reading %s: %w", short(p.Target), err)
		}
		if len(entries) > 0 {
			return fail.Exists(fmt.Errorf("%s is no longer empty; nothing was written", short(p.Target)))
		}
	}
	j, err := planSwap(t, p.Target, files)
	if err != nil {
		return err
	}
	w, lock, err := makeWork(t)
	if err != nil {
		return err
	}
	j.Work = w
	if err := stage(ctx, t, path.Join(w, newDir), files); err != nil {
		lock.Close()
		return errors.Join(err, removeWork(t, w))
	}
	if err := ctx.Err(); err != nil {
		lock.Close()
		return errors.Join(err, removeWork(t, w))
	}
	// The journal appears whole or not at all (written aside, synced, then
	// renamed): a run killed while writing it has touched nothing yet.
	err = t.Mkdir(path.Join(w, oldDir), 0o700)
	if err == nil {
		err = t.WriteSync(path.Join(w, journalName+".tmp"), j.script(), 0o600)
	}
	if err == nil {
		err = t.Rename(path.Join(w, journalName+".tmp"), path.Join(w, journalName))
	}
	if err == nil {
		err = t.SyncDir(w)
	}
	if err != nil {
		lock.Close()
		return errors.Join(fmt.Errorf("writing the journal: %w", err), removeWork(t, w))
	}
	err = swap(ctx, t, j)
	if err == nil {
		// The mark makes the swap final: a run killed from here on is
		// finished by the next one, not rolled back.
		err = t.WriteSync(path.Join(w, doneName), nil, 0o600)
	}
	if err != nil {
		left, rbErr := rollback(t, j)
		lock.Close()
		if rbErr != nil {
			where := filepath.Join(p.Target, w)
			script := shQuote(filepath.Join(where, journalName))
			if left == 0 {
				return fmt.Errorf("%w; undoing it failed too (%v): every original is back, but not everything new is gone; finish with: sh %s (or run fwgen here again)",
					err, rbErr, script)
			}
			return fmt.Errorf("%w; undoing it failed too (%v): %d original files are safe in %s; put them back with: sh %s",
				err, rbErr, left, short(filepath.Join(where, oldDir)), script)
		}
		return err
	}
	lock.Close()
	if err := t.RemoveAll(w); err != nil {
		say(fmt.Sprintf("the project is complete, but removing the work folder %s failed (%v); the next fwgen run here removes it",
			short(filepath.Join(p.Target, w)), err))
	}
	return nil
}

func removeWork(t FS, w string) error {
	if err := t.RemoveAll(w); err != nil {
		return fmt.Errorf("removing the work folder %s failed too (%w); nothing else was changed, and the next fwgen run here removes it", w, err)
	}
	return nil
}

// planSwap looks at what is in the target now: which files have an original
// and which folders must be made. A folder where a file goes, or a file
// where a folder goes, is refused before anything is touched.
func planSwap(t FS, target string, files []render.File) (*journal, error) {
	j := &journal{}
	seen := map[string]bool{}
	for i, f := range files {
		for _, d := range parents(f.Path) {
			if seen[d] {
				continue
			}
			seen[d] = true
			st, err := t.Lstat(d)
			switch {
			case errors.Is(err, fs.ErrNotExist):
				j.Dirs = append(j.Dirs, d)
			case err != nil:
				return nil, inspectError(target, d, err)
			case st.Mode()&fs.ModeSymlink != 0:
				// A link to a folder inside the target is followed; the root
				// refuses one that leads outside.
			case !st.IsDir():
				return nil, fail.Exists(fmt.Errorf("%s is a file where the template needs a folder; nothing was written",
					short(filepath.Join(target, d))))
			}
		}
		st, err := t.Lstat(f.Path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			j.Entries = append(j.Entries, entry{Index: i, Path: f.Path})
		case err != nil:
			return nil, inspectError(target, f.Path, err)
		case st.IsDir():
			return nil, fail.Exists(fmt.Errorf("%s is a folder where the template writes a file; nothing was written",
				short(filepath.Join(target, f.Path))))
		default:
			j.Entries = append(j.Entries, entry{Index: i, Path: f.Path, Original: true})
		}
	}
	return j, nil
}

func inspectError(target, rel string, err error) error {
	if escapes(err) {
		return fail.Invalidf("%s leads outside %s through a symbolic link; nothing was written", short(rel), short(target))
	}
	if errors.Is(err, syscall.ENOTDIR) {
		return fail.Exists(fmt.Errorf("%s: a parent is a file where the template needs a folder; nothing was written",
			short(filepath.Join(target, rel))))
	}
	return fmt.Errorf("inspecting %s: %w", short(filepath.Join(target, rel)), err)
}

// escapes reports an os.Root refusal to follow a link out of the root; the
// standard library does not export that error.
func escapes(err error) bool {
	return err != nil && strings.Contains(err.Error(), "path escapes from parent")
}

// swap moves the staged files in. Before each file it checks that the
// target still looks as planned: a file that appeared or vanished meanwhile
// stops the swap rather than being replaced or recreated unrecorded.
func swap(ctx context.Context, t FS, j *journal) error {
	for _, d := range j.Dirs {
		if err := t.Mkdir(d, 0o755); err != nil {
			if escapes(err) {
				return fail.Invalidf("%s leads outside the project through a symbolic link; nothing was written", short(d))
			}
			if errors.Is(err, fs.ErrExist) {
				return fail.Exists(fmt.Errorf("%s was created by someone else while fwgen ran", short(d)))
			}
			return fmt.Errorf("creating folder %s: %w", short(d), err)
		}
	}
	for _, e := range j.Entries {
		if err := ctx.Err(); err != nil {
			return err
		}
		_, err := t.Lstat(e.Path)
		switch {
		case escapes(err):
			return fail.Invalidf("%s leads outside the project through a symbolic link; nothing was written", short(e.Path))
		case err == nil && !e.Original:
			return fail.Exists(fmt.Errorf("%s was created by someone else while fwgen ran", short(e.Path)))
		case err != nil && e.Original:
			return fail.Exists(fmt.Errorf("%s was removed by someone else while fwgen ran", short(e.Path)))
		}
		if e.Original {
			if err := t.Rename(e.Path, path.Join(j.Work, oldDir, strconv.Itoa(e.Index))); err != nil {
				return fmt.Errorf("setting aside %s: %w", short(e.Path), err)
			}
		}
		if err := t.Rename(path.Join(j.Work, newDir, e.Path), e.Path); err != nil {
			if escapes(err) {
				return fail.Invalidf("%s leads outside the project through a symbolic link; nothing was written", short(e.Path))
			}
			return fmt.Errorf("writing %s: %w", short(e.Path), err)
		}
	}
	return nil
}
