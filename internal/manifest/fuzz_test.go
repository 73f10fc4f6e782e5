package manifest

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"testing/fstest"
	"time"
)

// Bounds of one fuzz input: manifests are a few KiB, and one must parse
// well within the deadline whatever it holds (aliases, deep nesting).
const (
	fuzzMaxInput = 64 << 10
	fuzzDeadline = 2 * time.Second
)

// FuzzManifest: Parse never panics and ends quickly; it fails only with
// located *Error values, and what it accepts is a manifest the rest of
// fwgen can rely on: valid name and version, unique well-formed keys, known
// types, choices where needed, no secret drawn by a recorded default, and
// Load accepts it beside a files/ folder.
func FuzzManifest(f *testing.F) {
	for _, p := range []string{"../../templates/flask/fwgen.yaml", "../../templates/django/fwgen.yaml", "../../testdata/templates/mini/fwgen.yaml"} {
		raw, err := os.ReadFile(filepath.FromSlash(p))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	for _, s := range []string{
		"", "name: x\nversion: 1.0.0\n", "name: x\nversion: 1.0.0\nquestions:\n  - key: a\n    type: choice\n",
		"name: x\nversion: 1.0.0\nquestions:\n  - key: k\n    secret: true\n    default: '{{ secretKey 9 }}'\n",
		"name: x\nversion: 1.0.0\nquestions:\n  - key: k\n    default: '{{ secretHex 9 }}'\n",
		"name: x\nversion: 1.0.0\nquestions:\n  - key: a\n  - key: a\n", "a: &a [x]\nb: [*a, *a]\n",
		"name: x\nversion: 1.0.0\nconditional:\n  - paths: ['[']\n    when: .x\n", "name: x\nversion: 1.0.0\nbogus: 1\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if len(raw) > fuzzMaxInput {
			t.Skip("larger than fuzzMaxInput")
		}
		var m *Manifest
		var err error
		done := make(chan struct{})
		go func() {
			defer close(done)
			m, err = Parse(raw, "t/fwgen.yaml")
		}()
		select {
		case <-done:
		case <-time.After(fuzzDeadline):
			t.Fatalf("Parse took longer than %v", fuzzDeadline)
		}
		if err != nil {
			var me *Error
			if !errors.As(err, &me) {
				t.Fatalf("error %v (%T) is not located", err, err)
			}
			return
		}
		if !keyRe.MatchString(m.Name) || !semverRe.MatchString(m.Version) {
			t.Fatalf("accepted name %q version %q", m.Name, m.Version)
		}
		var keys []string
		for _, q := range m.Questions {
			if !keyRe.MatchString(q.Key) || q.Key == "fwgen" || slices.Contains(keys, q.Key) {
				t.Fatalf("accepted key %q among %q", q.Key, keys)
			}
			keys = append(keys, q.Key)
			if !slices.Contains(typeNames, q.Type) {
				t.Fatalf("accepted type %q", q.Type)
			}
			if (q.Type == TypeChoice || q.Type == TypeMulti) != (len(q.Choices) > 0) {
				t.Fatalf("question %q: type %s with %d choices", q.Key, q.Type, len(q.Choices))
			}
			if !q.Secret && secretCallRe.MatchString(q.Default.Value) {
				t.Fatalf("question %q records a secret default", q.Key)
			}
		}
		fsys := fstest.MapFS{FileName: {Data: raw}, FilesDir + "/a.txt": {Data: []byte("a")}}
		if _, err := Load(fsys, "t"); err != nil {
			t.Fatalf("Parse accepted it but Load refuses: %v", err)
		}
	})
}
