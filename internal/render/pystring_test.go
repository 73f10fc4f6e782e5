package render

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestPyStringChoosesQuotesLikeRuff(t *testing.T) {
	cases := map[string]string{
		`plain`:          `"plain"`,
		`Joe "The" Café`: `'Joe "The" Café'`,
		`it's`:           `"it's"`,
		`a"b'c`:          `"a\"b'c"`,
		`x"y"z'`:         `'x"y"z\''`,
		"tab\tnl\n":      `"tab\tnl\n"`,
		`back\slash`:     `"back\\slash"`,
		"bell\x07":       `"bell\x07"`,
	}
	for in, want := range cases {
		if got := pyString(in); got != want {
			t.Errorf("pyString(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestPyStringRoundTrips asks Python itself to read the literals back.
func TestPyStringRoundTrips(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found")
	}
	inputs := []string{`plain`, `Joe "The" Café`, `it's`, `a"b'c`, "x\"y\"z'", "tab\tnl\n\r", `back\slash\`, "bell\x07\x7f", "ünï ☃"}
	var src strings.Builder
	src.WriteString("import sys\nvalues = [\n")
	for _, in := range inputs {
		src.WriteString("    " + pyString(in) + ",\n")
	}
	src.WriteString("]\nsys.stdout.write('\\0'.join(values))\n")
	file := filepath.Join(t.TempDir(), "lit.py")
	if err := os.WriteFile(file, []byte(src.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(python, file).Output()
	if err != nil {
		t.Fatalf("python could not read the literals: %v\n%s", err, src.String())
	}
	got := strings.Split(string(out), "\x00")
	for i, in := range inputs {
		if i >= len(got) || got[i] != in {
			t.Errorf("literal %s read back as %q, want %q", pyString(in), got[i], in)
		}
	}
}
