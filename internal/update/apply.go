package update

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/Masterminds/semver/v3"

	"github.com/fwgen/fwgen/internal/fail"
	"github.com/fwgen/fwgen/internal/write"
)

// Apply writes a prepared update whole or not at all, through the same
// writer as `fwgen new --force`, then removes the files the template
// dropped and the user never edited.
func Apply(ctx context.Context, r *Result) error {
	files := r.Files()
	plan, err := write.Check(r.Project, files, true)
	if err != nil {
		return err
	}
	if err := write.Write(ctx, plan, files); err != nil {
		if ctx.Err() != nil {
			return fail.ErrCancelled
		}
		return err
	}
	for _, p := range r.Removals() {
		full := filepath.Join(r.Project, filepath.FromSlash(p))
		if err := os.Remove(full); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("the update was written, but removing %s failed: %w", full, err)
		}
		// Folders that only held what the template dropped go too.
		for dir := filepath.Dir(full); dir != r.Project && len(dir) > len(r.Project); dir = filepath.Dir(dir) {
			if os.Remove(dir) != nil {
				break
			}
		}
	}
	return nil
}

// CheckResult says whether a newer template version exists.
type CheckResult struct {
	Project  string `json:"project"`
	Current  Side   `json:"current"`
	Newest   Side   `json:"newest"`
	UpToDate bool   `json:"up_to_date"`
}

// Check compares the recorded template version with the newest one, and
// changes nothing.
func Check(ctx context.Context, o Options) (*CheckResult, error) {
	rec, err := readRecord(o.Project)
	if err != nil {
		return nil, err
	}
	_, theirs, err := loadTemplates(ctx, o, rec)
	if err != nil {
		return nil, err
	}
	cur := Side{Template: rec.template, Version: rec.version, Source: rec.location, Commit: rec.commit}
	newest := side(theirs)
	res := &CheckResult{Project: o.Project, Current: cur, Newest: newest}
	if rec.commit != "" && newest.Commit != "" {
		res.UpToDate = newest.Commit == rec.commit
	} else {
		res.UpToDate = !newer(newest.Version, rec.version)
	}
	return res, nil
}

// newer reports whether version a is above b; versions that do not parse
// count as different, hence newer.
func newer(a, b string) bool {
	va, errA := semver.NewVersion(a)
	vb, errB := semver.NewVersion(b)
	if errA != nil || errB != nil {
		return a != b
	}
	return va.GreaterThan(vb)
}
