// Package source turns what a user gives as --template (a built-in name, a
// folder, or a git repository with an optional @REF) into a loaded template
// and the identity a project's record keeps, so a replay or an update can get
// the same template bytes back.
package source

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/fwgen/fwgen/internal/catalog"
	"github.com/fwgen/fwgen/internal/fail"
	"github.com/fwgen/fwgen/internal/manifest"
)

// Kinds of source.
const (
	Builtin = "builtin"
	Folder  = "folder"
	Git     = "git"
)

// Template is a loaded template and where it came from.
type Template struct {
	*manifest.Template
	Kind string
	// Location is what a record keeps to find the template again: the
	// folder as given, or the repository without its @REF; "" for a
	// built-in template, which its name identifies.
	Location string
	// Ref is the @REF asked for, and Commit the commit it resolved to (git
	// only).
	Ref    string
	Commit string
	// Root is the template's whole tree (fwgen.yaml, files/, testdata/...).
	Root fs.FS
	// Dir is the template's folder on disk, for a folder source; "" else.
	Dir string
}

// Loader resolves template sources.
type Loader struct {
	Builtins fs.FS
	// Dir is the folder relative paths are taken from.
	Dir string
	// Git is the git command; "git" when empty.
	Git string
}

// Load resolves spec and loads the template it names.
func (l Loader) Load(ctx context.Context, spec string) (*Template, error) {
	if spec == "" {
		return nil, fail.Invalidf("empty template source: give a built-in name, a folder or a git repository")
	}
	cat := catalog.Catalog{FS: l.Builtins}
	builtins, err := cat.Names()
	if err != nil {
		return nil, err
	}
	if slices.Contains(builtins, spec) {
		t, err := cat.Builtin(spec)
		if err != nil {
			return nil, err
		}
		root, err := fs.Sub(l.Builtins, spec)
		if err != nil {
			return nil, err
		}
		return &Template{Template: t, Kind: Builtin, Root: root}, nil
	}
	if strings.HasPrefix(spec, "-") {
		return nil, fail.Invalidf("template source %q must not start with '-'", spec)
	}
	// A folder whose name holds an '@' is still a folder.
	if dir := l.abs(spec); isDir(dir) && !isRepository(dir) {
		return l.folder(spec, dir)
	}
	loc, ref := SplitRef(spec)
	if isURL(loc) || isDir(l.abs(loc)) {
		return l.git(ctx, spec, loc, ref)
	}
	if ref != "" {
		return nil, fail.Invalidf("template source %q: %s is neither a folder nor a git URL", spec, loc)
	}
	return nil, fail.Invalidf("template %q is not a built-in template (%s), and no folder or git repository of that name exists (a git source is a path to a repository, file://, https://, ssh:// or git@host:path)",
		spec, strings.Join(builtins, ", "))
}

func (l Loader) folder(spec, dir string) (*Template, error) {
	// Messages and the record show the folder as the user gave it.
	shown := filepath.ToSlash(filepath.Clean(spec))
	// Read through a root: no link in the template leads out of its folder.
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("reading template folder %s: %w", shown, err)
	}
	fsys := root.FS()
	t, err := manifest.Load(fsys, shown)
	if err != nil {
		return nil, wrapLoad(spec, err)
	}
	return &Template{Template: t, Kind: Folder, Location: shown, Root: fsys, Dir: dir}, nil
}

func (l Loader) abs(p string) string {
	if filepath.IsAbs(p) || l.Dir == "" {
		return p
	}
	return filepath.Join(l.Dir, p)
}

// SplitRef splits "LOCATION@REF". The '@' of a REF stands after the last '/'
// and ':', so "git@host:org/repo" and "ssh://git@host/repo" have none.
func SplitRef(spec string) (loc, ref string) {
	at := strings.LastIndexByte(spec, '@')
	if at <= 0 || at == len(spec)-1 || at < strings.LastIndexAny(spec, "/:") {
		return spec, ""
	}
	return spec[:at], spec[at+1:]
}

// isURL accepts the transports the contract names, and nothing that would
// make git run a command (ext::, fd::).
func isURL(s string) bool {
	for _, scheme := range []string{"file://", "https://", "http://", "ssh://", "git://", "git+ssh://", "ssh+git://"} {
		if strings.HasPrefix(s, scheme) {
			return true
		}
	}
	// scp-like syntax: user@host:path, with no '/' before the ':'.
	colon := strings.IndexByte(s, ':')
	at := strings.IndexByte(s, '@')
	return at > 0 && colon > at+1 && !strings.Contains(s[:colon], "/")
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// isRepository reports whether dir is a git repository rather than a
// template folder: a bare repository, or a work tree without a manifest.
func isRepository(dir string) bool {
	if _, err := os.Stat(filepath.Join(dir, manifest.FileName)); err == nil {
		return false
	}
	for _, marker := range []string{".git", "HEAD"} {
		if _, err := os.Stat(filepath.Join(dir, marker)); err == nil {
			return true
		}
	}
	return false
}

func wrapLoad(spec string, err error) error {
	var me *manifest.Error
	if errors.As(err, &me) {
		return fail.Invalid(err)
	}
	return fmt.Errorf("loading template %s: %w", spec, err)
}
