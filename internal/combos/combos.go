// Package combos enumerates the answer sets that exercise a template: every
// combination of its bool and choice answers, with multi answers taken as
// none, each choice alone, and all. Lint renders each one, and CI runs the
// generated projects of each built-in template.
package combos

import (
	"github.com/fwgen/fwgen/internal/manifest"
)

// DefaultCap bounds the number of combinations: a template with twelve bool
// questions already has 4,096.
const DefaultCap = 4096

// Set is one combination: a value for every varying question, by key.
type Set map[string]any

// Enumerate returns the combinations in a fixed order (the first question
// varies slowest), at most limit of them, and whether limit cut the list.
// Questions of other types take their defaults and are not in the sets.
func Enumerate(qs []manifest.Question, limit int) ([]Set, bool) {
	var axes []axis
	for _, q := range qs {
		if vs := values(q); len(vs) > 0 {
			axes = append(axes, axis{key: q.Key, values: vs})
		}
	}
	out := []Set{}
	total := 1
	for _, a := range axes {
		total *= len(a.values)
		if total > limit {
			break
		}
	}
	n := min(total, limit)
	for i := 0; i < n; i++ {
		s := Set{}
		rest := i
		for j := len(axes) - 1; j >= 0; j-- {
			a := axes[j]
			s[a.key] = a.values[rest%len(a.values)]
			rest /= len(a.values)
		}
		out = append(out, s)
	}
	return out, total > limit
}

type axis struct {
	key    string
	values []any
}

func values(q manifest.Question) []any {
	switch q.Type {
	case manifest.TypeBool:
		return []any{false, true}
	case manifest.TypeChoice:
		out := make([]any, len(q.Choices))
		for i, c := range q.Choices {
			out[i] = c
		}
		return out
	case manifest.TypeMulti:
		out := []any{[]string{}}
		for _, c := range q.Choices {
			out = append(out, []string{c})
		}
		if len(q.Choices) > 1 {
			out = append(out, append([]string(nil), q.Choices...))
		}
		return out
	}
	return nil
}
