// Package names turns the NAME given to `fwgen new` into a folder name and a
// Python package name, and refuses names that would break the project.
package names

import (
	_ "embed"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

//go:generate sh -c "python3.11 -c \"import sys; print('\\\\n'.join(sorted(sys.stdlib_module_names)))\" > stdlib.txt"
//go:generate sh -c "python3.11 -c \"import keyword; print('\\\\n'.join(keyword.kwlist))\" > keywords.txt"

// stdlibText is Python 3.11's sys.stdlib_module_names: a package with one of
// these names would shadow the standard library module for the whole project.
//
//go:embed stdlib.txt
var stdlibText string

//go:embed keywords.txt
var keywordsText string

var (
	stdlib   = lines(stdlibText)
	keywords = lines(keywordsText)
)

// Dependencies are the import names the generated projects, their tests and
// their tooling import; a project package of the same name would shadow them.
var Dependencies = []string{
	"alembic", "bandit", "blinker", "click", "django", "dotenv",
	"drf_spectacular", "email_validator", "environ", "flask", "flask_login",
	"flask_migrate", "flask_sqlalchemy", "flask_wtf", "gunicorn", "itsdangerous",
	"jinja2", "markupsafe", "pip", "pkg_resources", "psycopg", "psycopg2",
	"pytest", "pytest_django", "rest_framework", "ruff", "setuptools",
	"sqlalchemy", "werkzeug", "whitenoise", "wtforms",
}

func lines(s string) map[string]bool {
	m := map[string]bool{}
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			m[l] = true
		}
	}
	return m
}

// Rule names the check a name failed.
type Rule string

const (
	RuleEmpty      Rule = "empty"
	RuleFolder     Rule = "folder"
	RuleIdentifier Rule = "identifier"
	RuleKeyword    Rule = "keyword"
	RuleStdlib     Rule = "stdlib"
	RuleDependency Rule = "dependency"
	RuleReserved   Rule = "reserved"
)

// Error says which rule a name broke and what would work instead.
type Error struct {
	Value      string
	Rule       Rule
	Reason     string
	Suggestion string
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("%q %s", Shorten(e.Value), e.Reason)
	if e.Suggestion != "" {
		msg += fmt.Sprintf("; try %q", e.Suggestion)
	}
	return msg
}

var (
	folderRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
	identRe  = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	nonIdent = regexp.MustCompile(`[^a-z0-9]+`)
)

// Slug is the Python package name derived from a project name: lower case,
// every run of other characters folded into one underscore.
func Slug(name string) string {
	return strings.Trim(nonIdent.ReplaceAllString(strings.ToLower(name), "_"), "_")
}

// Title is the display name derived from a project name: my-app → My App.
func Title(name string) string {
	words := strings.FieldsFunc(name, func(r rune) bool {
		return r == '-' || r == '_' || r == '.' || r == ' '
	})
	for i, w := range words {
		// Upper-case the first rune, not the first byte: a byte of a
		// multi-byte rune is not valid UTF-8 on its own.
		_, n := utf8.DecodeRuneInString(w)
		words[i] = strings.ToUpper(w[:n]) + w[n:]
	}
	return strings.Join(words, " ")
}

// CheckFolder checks NAME as the folder `fwgen new` creates.
func CheckFolder(name string) error {
	switch {
	case name == "":
		return &Error{Value: name, Rule: RuleEmpty, Reason: "is empty: give the project a name", Suggestion: "myapp"}
	case name == "." || name == ".." || strings.ContainsAny(name, `/\`):
		return &Error{Value: name, Rule: RuleFolder,
			Reason: "is a path, not a name: use --output to choose the parent folder", Suggestion: fallback(Slug(name))}
	case len(name) > MaxNameBytes:
		return &Error{Value: name, Rule: RuleFolder,
			Reason:     fmt.Sprintf("is %d bytes long; a folder name takes at most %d", len(name), MaxNameBytes),
			Suggestion: fallback(Slug(name[:32]))}
	case !folderRe.MatchString(name):
		return &Error{Value: name, Rule: RuleFolder,
			Reason:     "is not a usable folder name: use letters, digits, '-', '_' and '.', starting with a letter or digit",
			Suggestion: fallback(Slug(name))}
	case IsWindowsReserved(name):
		return &Error{Value: name, Rule: RulePortable,
			Reason:     "is a device name on Windows (CON, PRN, AUX, NUL, COM1-9, LPT1-9) and cannot be a folder there",
			Suggestion: fallback(Slug(name) + "_app")}
	}
	return nil
}

// fallback turns a slug into a suggestion that passes CheckPackage: the
// suggested folder name becomes the next run's package name.
func fallback(s string) string {
	if CheckPackage(s, nil) != nil {
		return suggest(s, nil)
	}
	return s
}

// CheckPackage checks a Python package name against every rule; reserved
// holds the extra top-level names a template writes beside the package.
func CheckPackage(slug string, reserved []string) error {
	fail := func(rule Rule, reason string) error {
		return &Error{Value: slug, Rule: rule, Reason: reason, Suggestion: suggest(slug, reserved)}
	}
	switch {
	case slug == "":
		return fail(RuleEmpty, "is empty: a Python package needs a name")
	case !identRe.MatchString(slug):
		return fail(RuleIdentifier, "is not a valid package name: use lower-case letters, digits and underscores, starting with a letter")
	case keywords[slug]:
		return fail(RuleKeyword, "is a Python keyword")
	case stdlib[slug]:
		return fail(RuleStdlib, "is a module of Python's standard library and would shadow it")
	case slices.Contains(Dependencies, slug):
		return fail(RuleDependency, "is the name of a package the project imports and would shadow it")
	case slices.Contains(reserved, slug):
		return fail(RuleReserved, "is already used by a top-level module of this template")
	}
	return nil
}

func suggest(slug string, reserved []string) string {
	base := strings.Trim(nonIdent.ReplaceAllString(strings.ToLower(slug), "_"), "_")
	if base == "" {
		return lastResort(reserved)
	}
	candidates := []string{base + "_app", "app_" + base, "my_" + base}
	if base[0] >= '0' && base[0] <= '9' {
		candidates = []string{"app_" + base, "my_" + base}
	}
	for _, c := range candidates {
		if identRe.MatchString(c) && !keywords[c] && !stdlib[c] &&
			!slices.Contains(Dependencies, c) && !slices.Contains(reserved, c) {
			return c
		}
	}
	return lastResort(reserved)
}

// lastResort is "myapp", or "myapp2", "myapp3"… when the template reserves it.
func lastResort(reserved []string) string {
	c := "myapp"
	for i := 2; slices.Contains(reserved, c); i++ {
		c = fmt.Sprintf("myapp%d", i)
	}
	return c
}

// shortMax is the most of a user's value a message repeats: a message stays
// a few hundred characters however long the value.
const shortMax = 80

// Shorten keeps the start and the end of a long value for a message and
// says how much was cut.
func Shorten(s string) string {
	if len(s) <= shortMax {
		return s
	}
	head, tail := 40, len(s)-30
	for head > 0 && !utf8.RuneStart(s[head]) {
		head--
	}
	for tail < len(s) && !utf8.RuneStart(s[tail]) {
		tail++
	}
	return fmt.Sprintf("%s…(%d bytes cut)…%s", s[:head], tail-head, s[tail:])
}
