package render

import (
	"io/fs"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/fwgen/fwgen/internal/fail"
	"github.com/fwgen/fwgen/internal/manifest"
	"github.com/fwgen/fwgen/internal/names"
	"github.com/fwgen/fwgen/internal/secret"
)

// FuzzRenderPath renders a template whose only file has a path segment built
// from the fuzzed string, either as a quoted literal inside the delimiters
// (so the rendered segment is exactly the string) or as the raw segment name
// (which may itself hold template code). It must never panic, and every path
// it accepts must stay inside the project.
func FuzzRenderPath(f *testing.F) {
	for _, s := range []string{
		"", "a", "..", ".", "/", "/etc/passwd", "a/../..", `a\b`, "a//b", "C:", "c:/x", "\x00",
		" ", "\t", "x\n", "[% .project_slug %]", "[% if .docker %]x[% end %]", "[% \"..\" %]",
		"[% printf \"%c\" 47 %]", "%]", "[%", "é", "\xff", "a/b/c", "../x", "...", "[% .nope %]",
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	root := filepath.Join(string(filepath.Separator), "project", "root")
	data := testData(nil)
	f.Fuzz(func(t *testing.T, s string, raw bool) {
		seg := s
		if !raw {
			// A Go string literal; '/' escaped so the literal stays one
			// segment of the template's own path.
			seg = "[% " + strings.ReplaceAll(strconv.Quote(s), "/", `\x2f`) + " %]"
		}
		for _, src := range []string{seg, "dir/" + seg + "/f.txt", seg + ".py"} {
			if !fs.ValidPath(src) {
				continue
			}
			tmpl := newTemplate(fstest.MapFS{src: file("x")}, nil)
			files, err := New(tmpl, secret.Pinned("fuzz")).Files(data)
			if err != nil {
				if c := fail.Code(err); c != fail.CodeInvalid && c != fail.CodeFailure {
					t.Fatalf("%q: exit code %d for %v", src, c, err)
				}
				continue
			}
			if len(files) > 1 {
				t.Fatalf("%q rendered to %d files", src, len(files))
			}
			for _, file := range files {
				checkRendered(t, root, src, file.Path)
			}
		}
	})
}

func checkRendered(t *testing.T, root, src, p string) {
	t.Helper()
	if p == "" || path.IsAbs(p) || filepath.IsAbs(p) || filepath.VolumeName(p) != "" {
		t.Fatalf("%q rendered to the absolute or empty path %q", src, p)
	}
	if strings.ContainsAny(p, "\\\x00") {
		t.Fatalf("%q rendered to %q, with a backslash or NUL", src, p)
	}
	for _, s := range strings.Split(p, "/") {
		if s == "" || s == "." || s == ".." {
			t.Fatalf("%q rendered to %q, with segment %q", src, p, s)
		}
		if err := names.CheckPortable(s); err != nil {
			t.Fatalf("%q rendered to %q, which is not portable: %v", src, p, err)
		}
	}
	if names.Fold(p) == manifest.RecordFile {
		t.Fatalf("%q rendered to fwgen's record %q", src, p)
	}
	joined := filepath.Join(root, filepath.FromSlash(p))
	rel, err := filepath.Rel(root, joined)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		t.Fatalf("%q rendered to %q, which leaves %s (%s)", src, p, root, joined)
	}
	if filepath.ToSlash(rel) != p {
		t.Fatalf("%q rendered to %q, which is not clean (joins as %q)", src, p, rel)
	}
}
