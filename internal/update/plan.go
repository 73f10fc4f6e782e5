// Package update brings a generated project to a newer template version or
// changed answers without losing the user's work: it renders the recorded
// base and the target ("theirs"), reads the working tree ("ours"), decides
// per file, and merges files changed on both sides with a kept three-way
// merge (git merge-file).
package update

import (
	"bytes"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"

	"github.com/fwgen/fwgen/internal/render"
)

// Actions a file can get.
const (
	Create       = "create"         // new in the template
	Update       = "update"         // the user never edited it: the template's new version
	Merge        = "merge"          // both changed it; merged cleanly
	Conflict     = "conflict"       // both changed it; marked, or the template's copy written beside it
	Keep         = "keep"           // the user's version stays as it is
	Remove       = "remove"         // the template dropped it and the user never edited it
	DeletedByYou = "deleted-by-you" // the user deleted it; it stays deleted
	Unchanged    = "unchanged"      // nothing to do
)

// File is one file of a tree.
type File struct {
	Data []byte
	Mode fs.FileMode
}

// Tree is files by slash-separated path.
type Tree map[string]File

// TreeOf indexes rendered files by path.
func TreeOf(files []render.File) Tree {
	t := Tree{}
	for _, f := range files {
		t[f.Path] = File{Data: f.Data, Mode: f.Mode}
	}
	return t
}

// Entry is the decision for one path.
type Entry struct {
	Path   string `json:"path"`
	Action string `json:"action"`
	// Note says why, for the cases a user must hear about.
	Note string `json:"note,omitempty"`
	// Diff is a unified diff from the user's file to the result.
	Diff string `json:"diff,omitempty"`
	// Result is what the path holds afterwards (nil: removed or untouched).
	Result *File `json:"-"`
	// Beside is the template's copy of a binary conflict, written as
	// Path + ".fwgen-new".
	Beside *File `json:"-"`
}

// Changes reports whether the entry writes or removes anything.
func (e Entry) Changes() bool {
	switch e.Action {
	case Create, Update, Merge, Conflict, Remove:
		return true
	}
	return false
}

// Merger merges three versions of a text file.
type Merger interface {
	Merge3(ours, base, theirs []byte, theirsLabel string) (merged []byte, conflicts bool, err error)
}

// NewSuffix names the template's copy of a binary file in conflict.
const NewSuffix = ".fwgen-new"

// Plan decides every path. base is nil when the base cannot be rebuilt:
// then no file the user has is ever overwritten (two-way mode).
func Plan(base, theirs, ours Tree, m Merger, theirsLabel string) ([]Entry, error) {
	paths := map[string]bool{}
	for _, t := range []Tree{base, theirs} {
		for p := range t {
			paths[p] = true
		}
	}
	var out []Entry
	for _, p := range slices.Sorted(maps.Keys(paths)) {
		e, err := decide(p, base, theirs, ours, m, theirsLabel)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

func decide(p string, base, theirs, ours Tree, m Merger, label string) (Entry, error) {
	b, inBase := base[p]
	t, inTheirs := theirs[p]
	o, inOurs := ours[p]
	e := Entry{Path: p}
	twoWay := base == nil
	switch {
	case inTheirs && !inOurs && inBase:
		e.Action, e.Note = DeletedByYou, "you deleted it; it stays deleted"
	case inTheirs && !inOurs:
		e.Action, e.Result = Create, &t
	case !inTheirs && inBase && inOurs:
		if same(o, b) {
			e.Action = Remove
		} else {
			e.Action, e.Note = Keep, "the template no longer has it, but you edited it, so it stays"
		}
	case !inTheirs:
		e.Action = Unchanged
	case same(o, t):
		e.Action = Unchanged
	case twoWay:
		e.Action, e.Note = Keep, "the template's previous version cannot be rebuilt, so your file is not overwritten"
	case !inBase:
		// Added on both sides, differently: a conflict, as git treats it.
		return conflict(e, o, File{Mode: t.Mode}, t, m, label, "both you and the template added it")
	case same(o, b):
		e.Action, e.Result = Update, &t
	case same(b, t):
		e.Action = Keep
	default:
		return conflict(e, o, b, t, m, label, "")
	}
	return e, nil
}

// conflict merges a file both sides changed.
func conflict(e Entry, o, b, t File, m Merger, label, note string) (Entry, error) {
	if binary(o.Data) || binary(b.Data) || binary(t.Data) {
		e.Action, e.Result, e.Beside = Conflict, nil, &t
		e.Note = "binary file changed on both sides: yours is kept, the template's is written beside it as " + e.Path + NewSuffix
		return e, nil
	}
	merged, conflicts, err := m.Merge3(o.Data, b.Data, t.Data, label)
	if err != nil {
		return e, fmt.Errorf("merging %s: %w", e.Path, err)
	}
	mode := o.Mode
	if t.Mode != b.Mode {
		mode = t.Mode
	}
	e.Result = &File{Data: merged, Mode: mode}
	e.Action = Merge
	if conflicts {
		e.Action = Conflict
		e.Note = "changed on both sides: resolve the conflict markers"
		if note != "" {
			e.Note = note + ": resolve the conflict markers"
		}
	}
	return e, nil
}

func same(a, b File) bool { return bytes.Equal(a.Data, b.Data) && a.Mode.Perm() == b.Mode.Perm() }

func binary(data []byte) bool { return bytes.IndexByte(data, 0) >= 0 }

// Markers are the conflict markers an earlier update leaves; a file that
// still holds them must be resolved before the next update.
func Markers(data []byte) bool {
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "<<<<<<< yours") || strings.HasPrefix(line, ">>>>>>> template") {
			return true
		}
	}
	return false
}
