package render

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/template"

	"github.com/fwgen/fwgen/internal/fail"
)

// DefaultLimit is the output budget: all files of one project, and every
// default, together. The built-in templates render well under 1 MiB; a
// template that needs more is given --max-output.
const DefaultLimit = 64 << 20

// BudgetError reports rendering that went over the output budget.
type BudgetError struct{ Limit int64 }

func (e *BudgetError) Error() string {
	return fmt.Sprintf("rendering exceeds the output budget of %s (all files together); if the template is right, raise it with --max-output", Size(e.Limit))
}

// Bound makes rendering stop when ctx is done, and fail when its output
// together, or a single function's result, would exceed limit bytes
// (0: DefaultLimit). A template can loop for long without writing; when ctx
// is done the render is abandoned (see Files) rather than waited for.
func (e *Engine) Bound(ctx context.Context, limit int64) {
	if limit <= 0 {
		limit = DefaultLimit
	}
	e.ctx, e.limit = ctx, limit
}

func (e *Engine) remaining() int64 { return e.limit - e.used }

// budgetWriter counts every byte a template writes against the budget.
type budgetWriter struct {
	e *Engine
	w io.Writer
}

func (b budgetWriter) Write(p []byte) (int, error) {
	if err := b.e.ctx.Err(); err != nil {
		return 0, err
	}
	if int64(len(p)) > b.e.remaining() {
		return 0, &BudgetError{Limit: b.e.limit}
	}
	b.e.used += int64(len(p))
	return b.w.Write(p)
}

// guard refuses a function result of n bytes that does not fit the budget
// before it is built: text/template writes a value only after making it.
func (e *Engine) guard(n int64) error {
	if err := e.ctx.Err(); err != nil {
		return err
	}
	if n < 0 || n > e.remaining() {
		return &BudgetError{Limit: e.limit}
	}
	return nil
}

// guardedFuncs replaces the functions whose output can be made much larger
// than their input with versions that check the budget first.
func (e *Engine) guardedFuncs() template.FuncMap {
	return template.FuncMap{
		"repeat": func(count int, s string) (string, error) {
			if count < 0 {
				return "", fmt.Errorf("repeat: negative count %d", count)
			}
			if err := e.guard(mul(count, len(s))); err != nil {
				return "", err
			}
			return strings.Repeat(s, count), nil
		},
		"indent": func(spaces int, s string) (string, error) {
			if err := e.guard(indentSize(spaces, s)); err != nil {
				return "", err
			}
			pad := strings.Repeat(" ", spaces)
			return pad + strings.ReplaceAll(s, "\n", "\n"+pad), nil
		},
		"nindent": func(spaces int, s string) (string, error) {
			if err := e.guard(indentSize(spaces, s) + 1); err != nil {
				return "", err
			}
			pad := strings.Repeat(" ", spaces)
			return "\n" + pad + strings.ReplaceAll(s, "\n", "\n"+pad), nil
		},
		"until": func(count int) ([]int, error) {
			step := 1
			if count < 0 {
				step = -1
			}
			return e.untilStep(0, count, step)
		},
		"untilStep": e.untilStep,
		"seq":       e.seq,
	}
}

func mul(a, b int) int64 {
	if a < 0 || b < 0 {
		return -1
	}
	if b != 0 && int64(a) > (1<<62)/int64(b) {
		return 1 << 62
	}
	return int64(a) * int64(b)
}

func indentSize(spaces int, s string) int64 {
	if spaces < 0 {
		return -1
	}
	return mul(spaces, strings.Count(s, "\n")+1) + int64(len(s))
}

// steps is how many values start, start+step, … stay before stop.
func steps(start, stop, step int) int64 {
	switch {
	case step > 0 && stop > start:
		return (int64(stop) - int64(start) + int64(step) - 1) / int64(step)
	case step < 0 && stop < start:
		return (int64(start) - int64(stop) - int64(step) - 1) / -int64(step)
	}
	return 0
}

// A list of n ints costs 8n bytes: counted against the budget, not spent.
func (e *Engine) untilStep(start, stop, step int) ([]int, error) {
	n := steps(start, stop, step)
	if n > 0 {
		if err := e.guard(mul(int(min(n, 1<<40)), 8)); err != nil {
			return nil, err
		}
	}
	out := make([]int, 0, n)
	for i := int64(0); i < n; i++ {
		out = append(out, start+int(i)*step)
	}
	return out, nil
}

// seq is sprig's seq (like the coreutils command) under the budget.
func (e *Engine) seq(params ...int) (string, error) {
	start, step, end := 1, 1, 0
	switch len(params) {
	case 0:
		return "", nil
	case 1:
		end = params[0]
	case 2:
		start, end = params[0], params[1]
	case 3:
		start, step, end = params[0], params[1], params[2]
	default:
		return "", errors.New("seq: at most three numbers")
	}
	if len(params) < 3 && end < start {
		step = -1
	}
	if step == 0 || (end < start && step > 0) || (end > start && step < 0) {
		return "", nil
	}
	inc := 1
	if step < 0 {
		inc = -1
	}
	vals, err := e.untilStep(start, end+inc, step)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for i, v := range vals {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.Itoa(v))
	}
	return b.String(), nil
}

// Size is a number of bytes given as 1048576, 512KiB, 64MiB, 1GiB (or
// K, M, G, KB, MB, GB: all powers of 1024). It is a pflag.Value.
type Size int64

func (s Size) String() string {
	for _, u := range []struct {
		suffix string
		n      int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if int64(s) >= u.n && int64(s)%u.n == 0 {
			return strconv.FormatInt(int64(s)/u.n, 10) + u.suffix
		}
	}
	return strconv.FormatInt(int64(s), 10) + " bytes"
}

func (s *Size) Set(v string) error {
	t := strings.TrimSpace(v)
	mult := int64(1)
	for _, u := range []struct {
		suffixes []string
		n        int64
	}{{[]string{"GiB", "GB", "G"}, 1 << 30}, {[]string{"MiB", "MB", "M"}, 1 << 20}, {[]string{"KiB", "KB", "K"}, 1 << 10}, {[]string{"B"}, 1}} {
		for _, suf := range u.suffixes {
			if len(t) > len(suf) && strings.EqualFold(t[len(t)-len(suf):], suf) {
				t, mult = strings.TrimSpace(t[:len(t)-len(suf)]), u.n
				goto parsed
			}
		}
	}
parsed:
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 || n > (1<<62)/mult {
		return fail.Invalidf("%q is not a size: give bytes, or a number with KiB, MiB or GiB, such as 64MiB", v)
	}
	*s = Size(n * mult)
	return nil
}

func (s *Size) Type() string { return "size" }
