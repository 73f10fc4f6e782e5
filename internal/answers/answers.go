// Package answers reads answers from files and --set flags, checks them
// against a template's questions, and asks for the ones still missing.
package answers

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/fwgen/fwgen/internal/fail"
	"github.com/fwgen/fwgen/internal/manifest"
	"github.com/fwgen/fwgen/internal/names"
	"github.com/fwgen/fwgen/internal/suggest"
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

// Load reads a YAML or JSON answers file.
func Load(path string) (*File, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fail.Invalidf("answers file %s does not exist", path)
		}
		return nil, fmt.Errorf("reading answers file: %w", err)
	}
	f, err := Parse(raw)
	if err != nil {
		return nil, fail.Invalid(fmt.Errorf("answers file %s: %w", path, err))
	}
	return f, nil
}

// Parse decodes answers from YAML (JSON is a subset of YAML).
func Parse(raw []byte) (*File, error) {
	f := &File{Answers: Set{}, Meta: map[string]any{}}
	if len(bytes.TrimSpace(raw)) == 0 {
		return f, nil
	}
	var m map[string]any
	if err := yaml.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("not a mapping of answer keys to values: %s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	for k, v := range m {
		if strings.HasPrefix(k, "_") {
			f.Meta[k] = v
			continue
		}
		switch v.(type) {
		case map[string]any:
			return nil, fmt.Errorf("answer %q is a mapping; answers are strings, numbers, booleans or lists", k)
		case []any:
			for _, item := range v.([]any) {
				if _, isMap := item.(map[string]any); isMap {
					return nil, fmt.Errorf("answer %q holds a mapping; list answers hold strings", k)
				}
			}
		}
		f.Answers[k] = v
	}
	return f, nil
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
		case int:
			// YAML reads an unquoted 1 or 0 as a number.
			if x == 0 || x == 1 {
				return x == 1, nil
			}
		case string:
			if b, ok := manifest.ParseBool(x); ok {
				return b, nil
			}
		}
		return nil, bad("allowed values are " + manifest.BoolWords)
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
			return nil, bad("allowed values are " + strings.Join(q.Choices, ", ") + suggest.Hint(s, q.Choices))
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
				return nil, bad("allowed values are " + strings.Join(q.Choices, ", ") + " (comma-separated)" + suggest.Hint(it, q.Choices))
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
		want := "does not have the form this answer needs (the pattern " + q.Pattern + ")"
		if q.PatternHelp != "" {
			want = "want " + q.PatternHelp
		}
		return fail.Invalid(&ValueError{Key: q.Key, Value: s, Allowed: want})
	}
	if q.Validate == manifest.ValidatePythonPackage {
		if err := names.CheckPackage(s, reserved); err != nil {
			return fail.Invalid(fmt.Errorf("invalid value for %s: %w", q.Key, err))
		}
	}
	return nil
}
