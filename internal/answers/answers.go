// Package answers reads answers from files and --set flags, checks them
// against a template's questions, and asks for the ones still missing.
package answers

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"gopkg.in/yaml.v3"

	"github.com/fwgen/fwgen/internal/fail"
	"github.com/fwgen/fwgen/internal/manifest"
	"github.com/fwgen/fwgen/internal/names"
)

// Set is a collection of raw answers by key. Values are what YAML gave
// (string, bool, int, list) or a string from --set.
type Set map[string]any

// File is an answers file: answers, plus metadata under keys starting with
// "_" that a generated project's .fwgen.yaml carries and replay ignores.
type File struct {
	Answers Set
	Meta    map[string]any
}

// MaxFileSize bounds an answers file (and standard input given as one):
// a real one is a few hundred bytes, and reading must end.
const MaxFileSize = 1 << 20

// maxNodes bounds the values an answers file expands to, aliases included,
// so a small file cannot unfold into an unbounded one.
const maxNodes = 100_000

// Load reads a YAML or JSON answers file. It must be a regular file: a FIFO
// or a device could block or never end.
func Load(path string) (*File, error) {
	// O_NONBLOCK: should path be swapped for a FIFO after any check, opening
	// it still returns at once, and the check below refuses it.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fail.Invalidf("answers file %s does not exist", names.Shorten(path))
		}
		return nil, fmt.Errorf("reading answers file: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	switch {
	case err != nil:
		return nil, fmt.Errorf("reading answers file: %w", err)
	case st.IsDir():
		return nil, fail.Invalidf("answers file %s is a folder; give a YAML or JSON file", names.Shorten(path))
	case !st.Mode().IsRegular():
		return nil, fail.Invalidf("answers file %s is not a regular file (a FIFO, device or socket); give a file, or - for standard input", names.Shorten(path))
	case st.Size() > MaxFileSize:
		return nil, fail.Invalidf("answers file %s is %d bytes; answers files are limited to %d", names.Shorten(path), st.Size(), MaxFileSize)
	}
	return Read(path, f)
}

// Read reads answers from r (standard input for "--answers -"), named
// name in messages, refusing more than MaxFileSize bytes.
func Read(name string, r io.Reader) (*File, error) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading answers from %s: %w", names.Shorten(name), err)
	}
	if len(raw) > MaxFileSize {
		return nil, fail.Invalidf("answers from %s exceed %d bytes, the limit for answers", names.Shorten(name), MaxFileSize)
	}
	f, err := Parse(raw)
	if err != nil {
		return nil, fail.Invalid(fmt.Errorf("answers file %s: %w", names.Shorten(name), err))
	}
	return f, nil
}

// ReadContext is Read that returns as soon as ctx is done: standard input
// may be a pipe that never ends, and a read cannot be interrupted.
func ReadContext(ctx context.Context, name string, r io.Reader) (*File, error) {
	type result struct {
		f   *File
		err error
	}
	done := make(chan result, 1)
	go func() {
		f, err := Read(name, r)
		done <- result{f, err}
	}()
	select {
	case res := <-done:
		return res.f, res.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Parse decodes answers from YAML (JSON is a subset of YAML). It walks the
// document itself: decoding into a map checks duplicate keys pairwise,
// which takes quadratic time in the number of keys.
func Parse(raw []byte) (*File, error) {
	f := &File{Answers: Set{}, Meta: map[string]any{}}
	if len(bytes.TrimSpace(raw)) == 0 {
		return f, nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return f, nil
		}
		return nil, notMapping(err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, notMapping(err)
		}
		return nil, fmt.Errorf("holds more than one YAML document (a second one starts at line %d); give one mapping of answer keys to values", extra.Line)
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return f, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, errors.New("not a mapping of answer keys to values")
	}
	c := &converter{}
	m, err := c.mapping(root)
	if err != nil {
		return nil, err
	}
	for k, v := range m {
		if strings.HasPrefix(k, "_") {
			f.Meta[k] = v
			continue
		}
		switch v.(type) {
		case map[string]any:
			return nil, fmt.Errorf("answer %q is a mapping; answers are strings, numbers, booleans or lists", names.Shorten(k))
		case []any:
			for _, item := range v.([]any) {
				if _, isMap := item.(map[string]any); isMap {
					return nil, fmt.Errorf("answer %q holds a mapping; list answers hold strings", names.Shorten(k))
				}
			}
		}
		f.Answers[k] = v
	}
	return f, nil
}

func notMapping(err error) error {
	return fmt.Errorf("not a mapping of answer keys to values: %s", strings.TrimPrefix(err.Error(), "yaml: "))
}

// converter turns YAML nodes into the values yaml.Unmarshal would give,
// in time linear in the nodes visited, which it bounds.
type converter struct{ nodes int }

func (c *converter) value(n *yaml.Node) (any, error) {
	c.nodes++
	if c.nodes > maxNodes {
		return nil, fmt.Errorf("expands to more than %d values (aliases included)", maxNodes)
	}
	switch n.Kind {
	case yaml.AliasNode:
		return c.value(n.Alias)
	case yaml.MappingNode:
		return c.mapping(n)
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, item := range n.Content {
			v, err := c.value(item)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	default:
		var v any
		if err := n.Decode(&v); err != nil {
			return nil, notMapping(err)
		}
		return v, nil
	}
}

func (c *converter) mapping(n *yaml.Node) (map[string]any, error) {
	out := make(map[string]any, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn := n.Content[i]
		for kn.Kind == yaml.AliasNode {
			kn = kn.Alias
		}
		if kn.Kind != yaml.ScalarNode || kn.Tag == "!!merge" || kn.Tag == "!!null" {
			return nil, fmt.Errorf("line %d: keys must be plain names (no lists, mappings or merges)", kn.Line)
		}
		var k string
		if err := kn.Decode(&k); err != nil {
			return nil, notMapping(err)
		}
		if _, dup := out[k]; dup {
			return nil, fmt.Errorf("line %d: key %q is given twice", kn.Line, names.Shorten(k))
		}
		v, err := c.value(n.Content[i+1])
		if err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, nil
}

// ParseSets reads repeated KEY=VALUE flags; the last one for a key wins.
func ParseSets(sets []string) (Set, error) {
	out := Set{}
	for _, s := range sets {
		k, v, ok := strings.Cut(s, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, fail.Invalidf("--set %q: want KEY=VALUE", s)
		}
		out[k] = v
	}
	return out, nil
}

// Merge returns a copy of base with over's keys laid on top.
func Merge(base, over Set) Set {
	out := Set{}
	for k, v := range base {
		out[k] = v
	}
	for k, v := range over {
		out[k] = v
	}
	return out
}

// ValueError names the key, the value and what is allowed.
type ValueError struct {
	Key, Value, Allowed string
}

func (e *ValueError) Error() string {
	return fmt.Sprintf("invalid value %q for %s: %s", e.Value, e.Key, e.Allowed)
}

func show(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []any:
		parts := make([]string, len(x))
		for i, p := range x {
			parts[i] = fmt.Sprint(p)
		}
		return strings.Join(parts, ",")
	}
	return fmt.Sprint(v)
}

// Coerce turns a raw answer into the question's type: string, bool, int or
// []string; choice and multi answers must be among the choices.
func Coerce(q *manifest.Question, v any) (any, error) {
	bad := func(allowed string) error {
		return fail.Invalid(&ValueError{Key: q.Key, Value: show(v), Allowed: allowed})
	}
	switch q.Type {
	case manifest.TypeBool:
		switch x := v.(type) {
		case bool:
			return x, nil
		case string:
			if b, ok := manifest.ParseBool(x); ok {
				return b, nil
			}
		}
		return nil, bad("allowed values are true, false")
	case manifest.TypeInt:
		switch x := v.(type) {
		case int:
			return x, nil
		case string:
			if n, err := strconv.Atoi(strings.TrimSpace(x)); err == nil {
				return n, nil
			}
		}
		return nil, bad("want a whole number")
	case manifest.TypeChoice:
		s, ok := scalar(v)
		if !ok || !slices.Contains(q.Choices, s) {
			return nil, bad("allowed values are " + strings.Join(q.Choices, ", "))
		}
		return s, nil
	case manifest.TypeMulti:
		var items []string
		switch x := v.(type) {
		case string:
			for _, p := range strings.Split(x, ",") {
				if p = strings.TrimSpace(p); p != "" {
					items = append(items, p)
				}
			}
		case []any:
			for _, p := range x {
				s, ok := scalar(p)
				if !ok {
					return nil, bad("want a list of " + strings.Join(q.Choices, ", "))
				}
				items = append(items, s)
			}
		case []string:
			items = x
		default:
			return nil, bad("want a list of " + strings.Join(q.Choices, ", "))
		}
		out := []string{}
		for _, it := range items {
			if !slices.Contains(q.Choices, it) {
				return nil, bad("allowed values are " + strings.Join(q.Choices, ", ") + " (comma-separated)")
			}
			if !slices.Contains(out, it) {
				out = append(out, it)
			}
		}
		return out, nil
	default:
		s, ok := scalar(v)
		if !ok {
			return nil, bad("want a string")
		}
		return s, nil
	}
}

func scalar(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case int, int64, float64, bool:
		return fmt.Sprint(x), true
	}
	return "", false
}

// Check applies a question's pattern and named validation to a typed answer.
func Check(q *manifest.Question, v any, reserved []string) error {
	s, isString := v.(string)
	if !isString {
		return nil
	}
	if !q.MatchPattern(s) {
		return fail.Invalid(&ValueError{Key: q.Key, Value: s, Allowed: "must match " + q.Pattern})
	}
	if q.Validate == manifest.ValidatePythonPackage {
		if err := names.CheckPackage(s, reserved); err != nil {
			return fail.Invalid(fmt.Errorf("invalid value for %s: %w", q.Key, err))
		}
	}
	return nil
}
