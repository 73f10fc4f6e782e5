package source

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os/exec"
	"path"
	"strings"
	"testing/fstest"

	"github.com/Masterminds/semver/v3"

	"github.com/fwgen/fwgen/internal/fail"
	"github.com/fwgen/fwgen/internal/manifest"
)

// ReleasesDir holds, beside the built-in templates, an archive of every
// earlier released version of each: RELEASES/NAME-VERSION.tar.gz. An update
// of a project made by an older fwgen rebuilds its base from there.
const ReleasesDir = "releases"

// BuiltinVersion loads built-in template name at version: the current one,
// or an archived release. ok is false when fwgen has no such version.
func (l Loader) BuiltinVersion(name, version string) (t *Template, ok bool, err error) {
	cur, err := l.Load(context.Background(), name)
	if err != nil {
		return nil, false, err
	}
	if cur.Version == version {
		return cur, true, nil
	}
	raw, err := fs.ReadFile(l.Builtins, path.Join(ReleasesDir, name+"-"+version+".tar.gz"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	root, err := untar(raw)
	if err != nil {
		return nil, false, fmt.Errorf("reading the archived %s %s: %w", name, version, err)
	}
	m, err := manifest.Load(root, "built-in template "+name+" "+version)
	if err != nil {
		return nil, false, fmt.Errorf("archived %s %s: %w", name, version, err)
	}
	return &Template{Template: m, Kind: Builtin, Root: root}, true, nil
}

// Releases lists the archived versions of built-in template name.
func (l Loader) Releases(name string) ([]string, error) {
	entries, err := fs.ReadDir(l.Builtins, ReleasesDir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if v, ok := strings.CutPrefix(strings.TrimSuffix(e.Name(), ".tar.gz"), name+"-"); ok && strings.HasSuffix(e.Name(), ".tar.gz") {
			out = append(out, v)
		}
	}
	return out, nil
}

func untar(raw []byte) (fs.FS, error) {
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	tr := tar.NewReader(zr)
	out := fstest.MapFS{}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		name := strings.TrimSuffix(path.Clean(strings.TrimPrefix(h.Name, "./")), "/")
		if name == "." || name == "" {
			continue
		}
		switch h.Typeflag {
		case tar.TypeDir:
			out[name] = &fstest.MapFile{Mode: fs.ModeDir | 0o755}
		case tar.TypeReg:
			data, err := io.ReadAll(io.LimitReader(tr, 16<<20))
			if err != nil {
				return nil, err
			}
			out[name] = &fstest.MapFile{Data: data, Mode: fs.FileMode(h.Mode).Perm()}
		}
	}
}

// NewestTag is the highest semantic-version tag of the repository at loc,
// or "" when it has none.
func (l Loader) NewestTag(ctx context.Context, loc string) (string, error) {
	bin := l.Git
	if bin == "" {
		bin = "git"
	}
	if _, err := exec.LookPath(bin); err != nil {
		return "", fail.Invalidf("the template %s is a git repository, but git is not installed or not on PATH", loc)
	}
	url := loc
	if !isURL(loc) {
		url = l.abs(loc)
	}
	out, err := gitRunner{ctx: ctx, bin: bin}.run("", "ls-remote", "--tags", "--refs", "--", url)
	if err != nil {
		return "", cloneError(ctx, loc, err)
	}
	var best *semver.Version
	bestTag := ""
	for _, line := range strings.Split(out, "\n") {
		_, ref, ok := strings.Cut(line, "\t")
		if !ok {
			continue
		}
		tag := strings.TrimPrefix(ref, "refs/tags/")
		v, err := semver.NewVersion(tag)
		if err != nil {
			continue
		}
		if best == nil || v.GreaterThan(best) {
			best, bestTag = v, tag
		}
	}
	return bestTag, nil
}

// IsGit reports whether a recorded location is a git repository rather
// than a template folder.
func (l Loader) IsGit(loc string) bool {
	return isURL(loc) || isRepository(l.abs(loc))
}
