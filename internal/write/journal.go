package write

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Every folder fwgen works in is named ".fwgen-" and eight random letters or
// digits: fixed-length, so it fits wherever the project's own name fits, and
// unmistakable, so a later run can find what a killed one left.
const workPrefix = ".fwgen-"

var workRe = regexp.MustCompile(`^\.fwgen-[a-z2-7]{8}$`)

// Inside a work folder: the lock a running fwgen holds, the staged files,
// the originals set aside, the journal, and the mark of a finished swap.
const (
	lockName    = "lock"
	newDir      = "new"
	oldDir      = "old"
	journalName = "journal.sh"
	doneName    = "done"
)

func workName() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz234567"
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand never fails on supported systems
	out := []byte(workPrefix)
	for _, c := range b {
		out = append(out, alphabet[c%32])
	}
	return string(out)
}

// entry is one file a swap places: it had an original (set aside as
// old/Index) or it did not.
type entry struct {
	Index    int
	Path     string
	Original bool
}

// journal is what a swap will do, written before it does any of it. It is a
// shell script as well as data: `sh journal.sh` puts every original back,
// so the user can restore a project without fwgen.
type journal struct {
	Work    string
	Entries []entry
	// Dirs are the folders the swap creates, parents first.
	Dirs []string
}

// journalEnd closes a complete journal.
const journalEnd = "# end of journal"

const journalHead = `#!/bin/sh
# fwgen journal: written before fwgen changed anything in this folder.
# Running it with sh puts every original file back and removes what fwgen
# added; a later fwgen run here does the same by itself.
cd "$(dirname "$0")/.." || exit 1
r() { if [ -e "$w/old/$1" ] || [ -L "$w/old/$1" ]; then mv -f -- "$w/old/$1" "$2"; fi; }
n() { if [ ! -e "$w/new/$2" ] && [ ! -L "$w/new/$2" ]; then rm -f -- "$2"; fi; }
d() { rmdir -- "$1" 2>/dev/null; }
`

func (j *journal) script() []byte {
	var b strings.Builder
	b.WriteString(journalHead)
	fmt.Fprintf(&b, "w=%s\n", j.Work)
	for _, e := range j.Entries {
		if e.Original {
			fmt.Fprintf(&b, "r %d %s\n", e.Index, shQuote(e.Path))
		}
	}
	for _, e := range j.Entries {
		if !e.Original {
			fmt.Fprintf(&b, "n %d %s\n", e.Index, shQuote(e.Path))
		}
	}
	for i := len(j.Dirs) - 1; i >= 0; i-- {
		fmt.Fprintf(&b, "d %s\n", shQuote(j.Dirs[i]))
	}
	b.WriteString(`rmdir "$w/old" 2>/dev/null && rm -rf -- "$w"` + "\n")
	b.WriteString(journalEnd + "\n")
	return []byte(b.String())
}

func parseJournal(raw []byte) (*journal, error) {
	j := &journal{}
	for _, line := range strings.Split(string(raw), "\n") {
		if w, ok := strings.CutPrefix(line, "w="); ok {
			j.Work = w
			continue
		}
		kind, rest, _ := strings.Cut(line, " ")
		switch kind {
		case "r", "n":
			num, quoted, _ := strings.Cut(rest, " ")
			i, err := strconv.Atoi(num)
			p, ok := shUnquote(quoted)
			if err != nil || !ok {
				return nil, fmt.Errorf("journal line %q is damaged", line)
			}
			j.Entries = append(j.Entries, entry{Index: i, Path: p, Original: kind == "r"})
		case "d":
			p, ok := shUnquote(rest)
			if !ok {
				return nil, fmt.Errorf("journal line %q is damaged", line)
			}
			j.Dirs = append(j.Dirs, p)
		}
	}
	if !workRe.MatchString(j.Work) {
		return nil, errors.New("journal names no work folder")
	}
	if !strings.HasSuffix(string(raw), "\n"+journalEnd+"\n") {
		return nil, errors.New("journal is incomplete")
	}
	slices.Reverse(j.Dirs)
	return j, nil
}

func shQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// shUnquote reads back exactly what shQuote writes.
func shUnquote(s string) (string, bool) {
	if len(s) < 2 || s[0] != '\'' || s[len(s)-1] != '\'' {
		return "", false
	}
	inner := s[1 : len(s)-1]
	out := strings.ReplaceAll(inner, `'\''`, "'")
	if strings.Contains(strings.ReplaceAll(inner, `'\''`, ""), "'") {
		return "", false
	}
	return out, true
}

// rollback undoes a swap described by j in t, from whatever point it
// reached: originals first, each put back with one rename that replaces the
// new file, so there is no moment when neither exists; then the new files
// that had no original, then the folders it made. It returns how many
// originals are still set aside (in Work/old) and the first error.
func rollback(t FS, j *journal) (left int, err error) {
	keep := func(e error) {
		if err == nil {
			err = e
		}
	}
	for i := len(j.Entries) - 1; i >= 0; i-- {
		e := j.Entries[i]
		saved := path.Join(j.Work, oldDir, strconv.Itoa(e.Index))
		if _, lerr := t.Lstat(saved); lerr != nil {
			continue
		}
		if rerr := t.Rename(saved, e.Path); rerr != nil {
			keep(fmt.Errorf("putting back %s: %w", e.Path, rerr))
			left++
		}
	}
	for i := len(j.Entries) - 1; i >= 0; i-- {
		e := j.Entries[i]
		if e.Original {
			continue
		}
		if _, lerr := t.Lstat(path.Join(j.Work, newDir, e.Path)); lerr == nil {
			continue // never placed
		}
		if rerr := t.Remove(e.Path); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
			keep(fmt.Errorf("removing %s: %w", e.Path, rerr))
		}
	}
	for i := len(j.Dirs) - 1; i >= 0; i-- {
		// Remove takes only an empty folder: one that holds anything else
		// now is not fwgen's to delete.
		_ = t.Remove(j.Dirs[i])
	}
	// The journal goes only with the last thing it describes: while
	// anything is left to undo, the next run (or sh journal.sh) needs it.
	if err == nil {
		if rerr := t.RemoveAll(j.Work); rerr != nil {
			keep(fmt.Errorf("removing %s: %w", j.Work, rerr))
		}
	}
	return left, err
}

// recoverLeftovers finds the work folders of runs that were killed in dir
// and undoes them: an unfinished swap is rolled back from its journal, a
// finished one or a staging folder is removed. A folder whose lock is held
// belongs to a running fwgen and is left alone. say reports each one.
func recoverLeftovers(dir FS, where string, say func(string)) error {
	entries, err := dir.ReadDir(".")
	if err != nil {
		return fmt.Errorf("reading %s: %w", where, err)
	}
	for _, de := range entries {
		if !de.IsDir() || !workRe.MatchString(de.Name()) {
			continue
		}
		w := de.Name()
		shown := path.Join(where, w)
		if _, err := dir.Lstat(path.Join(w, lockName)); err != nil {
			// Killed before it took its lock: only an empty folder can be.
			if dir.Remove(w) == nil {
				say(fmt.Sprintf("removed %s, left empty by an interrupted fwgen run", shown))
			}
			continue
		}
		lock, err := dir.Lock(path.Join(w, lockName))
		if errors.Is(err, errLocked) {
			continue
		}
		if err != nil {
			return fmt.Errorf("inspecting %s: %w", shown, err)
		}
		err = recoverOne(dir, w, shown, say)
		lock.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

func recoverOne(dir FS, w, shown string, say func(string)) error {
	raw, err := dir.ReadFile(path.Join(w, journalName))
	_, doneErr := dir.Lstat(path.Join(w, doneName))
	switch {
	case errors.Is(err, fs.ErrNotExist) || doneErr == nil:
		// Staging that never touched the project, or a swap that had
		// finished: nothing in it is needed any more.
		if err := dir.RemoveAll(w); err != nil {
			return fmt.Errorf("removing %s: %w", shown, err)
		}
		say(fmt.Sprintf("removed %s, left by an interrupted fwgen run", shown))
		return nil
	case err != nil:
		return fmt.Errorf("reading %s: %w", path.Join(shown, journalName), err)
	}
	j, err := parseJournal(raw)
	if err != nil || j.Work != w {
		return fmt.Errorf("%s: cannot recover: journal damaged; the originals are in %s", shown, path.Join(shown, oldDir))
	}
	left, err := rollback(dir, j)
	if err != nil {
		return fmt.Errorf("restoring what an interrupted fwgen run changed: %w; %d originals are still in %s; run: sh %s",
			err, left, path.Join(shown, oldDir), shQuote(path.Join(shown, journalName)))
	}
	say(fmt.Sprintf("restored %d files from %s, left by an interrupted fwgen run", len(j.Entries), shown))
	return nil
}

// Recover undoes what killed fwgen runs left in dir: work folders beside a
// project (staging) or inside one (a swap and its journal). Each one is
// reported through say; folders of running fwgen processes are left alone.
func Recover(dir string, say func(string)) error {
	d, err := openRoot(dir)
	if err != nil {
		return fmt.Errorf("opening %s: %w", dir, err)
	}
	defer d.Close()
	return recoverLeftovers(d, dir, say)
}

// RecoverAround runs Recover beside target and in it (when they exist), so
// that what a killed run left is undone before the target is judged empty
// or not: its half-placed files are not the user's.
func RecoverAround(target string, say func(string)) error {
	for _, dir := range []string{filepath.Dir(target), target} {
		st, err := os.Lstat(dir)
		if err != nil || !st.IsDir() {
			continue
		}
		if err := Recover(dir, say); err != nil {
			return err
		}
	}
	return nil
}
