package update

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// GitMerger merges with `git merge-file`, the merge git itself uses, so the
// markers are the ones git, editors and merge tools know.
type GitMerger struct {
	Ctx context.Context
	Git string
}

// Merge3 returns the merge, with markers "yours" and theirsLabel where the
// two sides disagree.
func (g GitMerger) Merge3(ours, base, theirs []byte, theirsLabel string) ([]byte, bool, error) {
	bin := g.Git
	if bin == "" {
		bin = "git"
	}
	dir, err := os.MkdirTemp("", "fwgen-merge-")
	if err != nil {
		return nil, false, err
	}
	defer os.RemoveAll(dir)
	paths := make([]string, 3)
	for i, data := range [][]byte{ours, base, theirs} {
		paths[i] = filepath.Join(dir, []string{"ours", "base", "theirs"}[i])
		if err := os.WriteFile(paths[i], data, 0o600); err != nil {
			return nil, false, err
		}
	}
	ctx := g.Ctx
	if ctx == nil {
		ctx = context.Background()
	}
	cmd := exec.CommandContext(ctx, bin, "merge-file", "-p", "-L", "yours", "-L", "base", "-L", theirsLabel,
		paths[0], paths[1], paths[2])
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return out.Bytes(), false, nil
	case errors.As(err, &exit) && exit.ExitCode() > 0 && exit.ExitCode() < 128:
		// merge-file exits with the number of conflicts.
		return out.Bytes(), true, nil
	}
	return nil, false, fmt.Errorf("git merge-file: %v %s", err, bytes.TrimSpace(errOut.Bytes()))
}
