// Package starter holds the template `fwgen template init` writes: small,
// commented and working, with one question of each type, a condition, a
// conditional file, a verbatim file, a sprig function, variants and a check.
package starter

import "embed"

//go:embed all:skel
var embedded embed.FS

// Files returns the starter's tree.
func Files() (map[string][]byte, error) {
	out := map[string][]byte{}
	err := walk(".", out)
	return out, err
}

func walk(dir string, out map[string][]byte) error {
	entries, err := embedded.ReadDir(join("skel", dir))
	if err != nil {
		return err
	}
	for _, e := range entries {
		p := join(dir, e.Name())
		if e.IsDir() {
			if err := walk(p, out); err != nil {
				return err
			}
			continue
		}
		data, err := embedded.ReadFile(join("skel", p))
		if err != nil {
			return err
		}
		out[p] = data
	}
	return nil
}

func join(a, b string) string {
	if a == "." {
		return b
	}
	if b == "." {
		return a
	}
	return a + "/" + b
}
