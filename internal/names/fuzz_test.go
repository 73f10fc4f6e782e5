package names

import (
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

var slugRe = regexp.MustCompile(`^[a-z0-9_]*$`)

// FuzzNames checks the invariants every caller relies on: no panic, Slug
// gives a clean identifier-ish string, an accepted package really is usable,
// and a refusal always suggests a name that is itself accepted.
func FuzzNames(f *testing.F) {
	for _, s := range []string{
		"", "myapp", "My-Cool.App", "os", "for", "flask", "tests", "1app", "..",
		"a/b", `a\b`, "café", "日本", "__future__", "_", "myapp", "K", "İ",
		"\xff\xfe", "a\x00b", "-x-", "x_app",
	} {
		f.Add(s, "tests,wsgi")
	}
	f.Add("x", "x,x_app,app_x,my_x,myapp,myapp2")
	f.Add("", "myapp")
	f.Fuzz(func(t *testing.T, name, reservedCSV string) {
		reserved := strings.Split(reservedCSV, ",")

		slug := Slug(name)
		if !slugRe.MatchString(slug) || strings.HasPrefix(slug, "_") || strings.HasSuffix(slug, "_") ||
			strings.Contains(slug, "__") {
			t.Fatalf("Slug(%q) = %q: not a clean slug", name, slug)
		}
		if again := Slug(slug); again != slug {
			t.Fatalf("Slug is not idempotent: Slug(%q) = %q, Slug of that = %q", name, slug, again)
		}
		if title := Title(name); utf8.ValidString(name) && !utf8.ValidString(title) {
			t.Fatalf("Title(%q) = %q is not valid UTF-8", name, title)
		}

		if err := CheckFolder(name); err != nil {
			ne := suggestionOK(t, "CheckFolder", name, err, nil)
			if ne.Rule != RuleEmpty && ne.Rule != RuleFolder {
				t.Fatalf("CheckFolder(%q) rule %q", name, ne.Rule)
			}
		} else if !folderRe.MatchString(name) || name == "." || name == ".." || strings.ContainsAny(name, `/\`) {
			t.Fatalf("CheckFolder accepted %q", name)
		}

		for _, pkg := range []string{name, slug} {
			if err := CheckPackage(pkg, reserved); err != nil {
				suggestionOK(t, "CheckPackage", pkg, err, reserved)
				continue
			}
			if !identRe.MatchString(pkg) || keywords()[pkg] || stdlib()[pkg] ||
				slices.Contains(Dependencies, pkg) || slices.Contains(reserved, pkg) {
				t.Fatalf("CheckPackage accepted %q (reserved %q)", pkg, reserved)
			}
		}
	})
}

func suggestionOK(t *testing.T, fn, value string, err error, reserved []string) *Error {
	t.Helper()
	var ne *Error
	if !errors.As(err, &ne) {
		t.Fatalf("%s(%q) error %v is not a *names.Error", fn, value, err)
	}
	if ne.Value != value {
		t.Fatalf("%s(%q) error names value %q", fn, value, ne.Value)
	}
	if serr := CheckPackage(ne.Suggestion, reserved); serr != nil {
		t.Fatalf("%s(%q) suggests %q, which fails CheckPackage: %v", fn, value, ne.Suggestion, serr)
	}
	return ne
}
