// Package synth writes synthetic templates of any size, for benchmarks and
// the process measurements in internal/benchproc.
package synth

import (
	"fmt"
	"os"
	"path/filepath"
)

// Template writes a template with n files spread over folders of 100, each
// rendering a few answers, into dir.
func Template(dir string, n int) error {
	manifest := `name: synth
version: 1.0.0
description: Synthetic template for measurements.
delimiters: ["[%", "%]"]
questions:
  - key: project_slug
    validate: python_package
    default: '[% .fwgen.name | pySlug %]'
  - key: greeting
    default: hello
`
	if err := os.MkdirAll(filepath.Join(dir, "files"), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "fwgen.yaml"), []byte(manifest), 0o644); err != nil {
		return err
	}
	body := []byte(`"""Module of [% .project_slug %]."""

GREETING = [% pyString .greeting %]
# {{ jinja passes through }} {% if x %}{% endif %}


def hello() -> str:
    return GREETING
`)
	for i := 0; i < n; i++ {
		sub := filepath.Join(dir, "files", "[%.project_slug%]", fmt.Sprintf("pkg%03d", i/100))
		if i%100 == 0 {
			if err := os.MkdirAll(sub, 0o755); err != nil {
				return err
			}
		}
		if err := os.WriteFile(filepath.Join(sub, fmt.Sprintf("mod%05d.py", i)), body, 0o644); err != nil {
			return err
		}
	}
	return nil
}
