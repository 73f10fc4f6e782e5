// Package lazy holds regular expressions that are compiled on first use, so
// that a command which never matches one (fwgen version) does not pay for
// compiling it at start-up.
package lazy

import (
	"regexp"
	"sync"
)

// Regexp is a regular expression compiled the first time it is used. Its
// methods are those of regexp.Regexp that fwgen calls.
type Regexp struct {
	expr string
	re   func() *regexp.Regexp
}

// MustCompile returns a Regexp for expr; like regexp.MustCompile it panics
// on a bad expression, but only when first used, so each expression must be
// exercised by a test.
func MustCompile(expr string) *Regexp {
	return &Regexp{expr: expr, re: sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })}
}

// String is the source text of the expression.
func (r *Regexp) String() string { return r.expr }

// Compiled is the compiled expression.
func (r *Regexp) Compiled() *regexp.Regexp { return r.re() }

func (r *Regexp) MatchString(s string) bool { return r.re().MatchString(s) }

func (r *Regexp) FindStringSubmatch(s string) []string { return r.re().FindStringSubmatch(s) }

func (r *Regexp) ReplaceAllString(src, repl string) string { return r.re().ReplaceAllString(src, repl) }

func (r *Regexp) ReplaceAllStringFunc(src string, repl func(string) string) string {
	return r.re().ReplaceAllStringFunc(src, repl)
}
