package source

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing/fstest"

	"github.com/fwgen/fwgen/internal/fail"
	"github.com/fwgen/fwgen/internal/manifest"
)

// git clones loc at ref into a temporary folder, reads the tree into memory
// and removes the clone before returning, on every path.
func (l Loader) git(ctx context.Context, spec, loc, ref string) (*Template, error) {
	bin := l.Git
	if bin == "" {
		bin = "git"
	}
	if _, err := exec.LookPath(bin); err != nil {
		return nil, fail.Invalidf("template %s is a git repository, but git is not installed or not on PATH", spec)
	}
	url := loc
	if !isURL(loc) {
		url = l.abs(loc)
	}
	tmp, err := os.MkdirTemp("", "fwgen-clone-")
	if err != nil {
		return nil, fmt.Errorf("cloning template %s: %w", spec, err)
	}
	defer os.RemoveAll(tmp)
	work := filepath.Join(tmp, "t")
	g := gitRunner{ctx: ctx, bin: bin}

	if err := g.clone(url, ref, work); err != nil {
		return nil, cloneError(ctx, spec, err)
	}
	commit, err := g.run(work, "rev-parse", "HEAD")
	if err != nil {
		return nil, cloneError(ctx, spec, err)
	}
	root, err := readTree(work)
	if err != nil {
		return nil, cloneError(ctx, spec, err)
	}
	t, err := manifest.Load(root, spec)
	if err != nil {
		return nil, wrapLoad(spec, err)
	}
	// A local repository is recorded by its absolute path, so that an
	// update run from inside the project finds it again.
	return &Template{Template: t, Kind: Git, Location: url, Ref: ref, Commit: commit, Root: root}, nil
}

type gitRunner struct {
	ctx context.Context
	bin string
}

// gitError carries git's own last words.
type gitError struct {
	args   []string
	stderr string
	err    error
}

func (e *gitError) Error() string {
	msg := lastLine(e.stderr)
	if msg == "" {
		msg = e.err.Error()
	}
	return msg
}

func (e *gitError) Unwrap() error { return e.err }

// lastLine picks git's reason: its first "fatal:" line (the ones after it
// are advice), else its last line.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for _, l := range lines {
		if msg, ok := strings.CutPrefix(strings.TrimSpace(l), "fatal: "); ok {
			return msg
		}
	}
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); l != "" && !strings.HasPrefix(l, "warning:") && !strings.HasPrefix(l, "hint:") {
			return l
		}
	}
	return ""
}

func (g gitRunner) run(dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(g.ctx, g.bin, args...)
	cmd.Dir = dir
	// Never wait for a password at a prompt that nobody may see, and never
	// let the user's git configuration run hooks or helpers of its own.
	cmd.Env = append(os.Environ(), "GIT_TERMINAL_PROMPT=0", "GIT_ASKPASS=true", "SSH_ASKPASS=true",
		"GIT_SSH_COMMAND="+sshCommand(), "GIT_CONFIG_NOSYSTEM=1")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return "", &gitError{args: args, stderr: errOut.String(), err: err}
	}
	return strings.TrimSpace(out.String()), nil
}

func sshCommand() string {
	if c := os.Getenv("GIT_SSH_COMMAND"); c != "" {
		return c
	}
	return "ssh -o BatchMode=yes"
}

// clone fetches as little as the ref allows: a shallow clone for the default
// branch, a branch or a tag; a full clone to find a commit, short or long.
func (g gitRunner) clone(url, ref, dir string) error {
	// Only the transports the contract names; never ext:: or fd::, which
	// run commands.
	base := []string{"-c", "core.hooksPath=/dev/null", "-c", "protocol.allow=never"}
	for _, p := range []string{"file", "https", "http", "ssh", "git"} {
		base = append(base, "-c", "protocol."+p+".allow=always")
	}
	base = append(base, "clone", "--quiet", "--no-recurse-submodules")
	if ref == "" {
		_, err := g.run("", append(base, "--depth", "1", "--", url, dir)...)
		return err
	}
	_, err := g.run("", append(base, "--depth", "1", "--branch", ref, "--", url, dir)...)
	if err == nil {
		return nil
	}
	var ge *gitError
	if !errors.As(err, &ge) || !strings.Contains(ge.stderr, "not found in upstream") {
		return err
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if _, err := g.run("", append(base, "--no-checkout", "--", url, dir)...); err != nil {
		return err
	}
	commit, err := g.run(dir, "rev-parse", "--verify", "--quiet", "--end-of-options", ref+"^{commit}")
	if err != nil {
		return &unknownRef{ref: ref}
	}
	_, err = g.run(dir, "-c", "core.hooksPath=/dev/null", "checkout", "--quiet", "--detach", commit)
	return err
}

type unknownRef struct{ ref string }

func (e *unknownRef) Error() string {
	return fmt.Sprintf("no tag, branch or commit %q", e.ref)
}

func cloneError(ctx context.Context, spec string, err error) error {
	if ctx.Err() != nil {
		return fail.ErrCancelled
	}
	var ge *gitError
	var ur *unknownRef
	if errors.As(err, &ge) || errors.As(err, &ur) {
		return fail.Invalidf("cannot get template %s: %v", spec, err)
	}
	return fmt.Errorf("cloning template %s: %w", spec, err)
}

// readTree copies a clone's files, without .git, into memory, so the clone
// can be removed before anything renders.
func readTree(dir string) (fs.FS, error) {
	out := fstest.MapFS{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil || rel == "." {
			return err
		}
		rel = filepath.ToSlash(rel)
		if rel == ".git" {
			return fs.SkipDir
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			out[rel] = &fstest.MapFile{Mode: fs.ModeDir | 0o755}
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			// Kept as a link so that the renderer refuses it by name.
			out[rel] = &fstest.MapFile{Data: []byte(target), Mode: fs.ModeSymlink | 0o777}
		case d.Type().IsRegular():
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out[rel] = &fstest.MapFile{Data: data, Mode: info.Mode().Perm()}
		}
		return nil
	})
	return out, err
}
