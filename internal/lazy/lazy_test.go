package lazy

import (
	"regexp"
	"testing"
)

func TestRegexpMatchesLikeRegexp(t *testing.T) {
	const expr = `^([a-z]+)-(\d+)$`
	lz, re := MustCompile(expr), regexp.MustCompile(expr)
	for _, s := range []string{"abc-12", "ABC-12", "abc-", "x-1"} {
		if got, want := lz.MatchString(s), re.MatchString(s); got != want {
			t.Errorf("MatchString(%q) = %v, regexp says %v", s, got, want)
		}
		if got, want := lz.FindStringSubmatch(s), re.FindStringSubmatch(s); len(got) != len(want) {
			t.Errorf("FindStringSubmatch(%q) = %q, regexp says %q", s, got, want)
		}
	}
	if got := lz.ReplaceAllString("ab-1", "$2$1"); got != "1ab" {
		t.Errorf("ReplaceAllString = %q, want 1ab", got)
	}
	if got := lz.ReplaceAllStringFunc("ab-1", func(string) string { return "z" }); got != "z" {
		t.Errorf("ReplaceAllStringFunc = %q, want z", got)
	}
	if lz.String() != expr || lz.Compiled() != lz.Compiled() {
		t.Error("String or Compiled do not give the one compiled expression")
	}
}

func TestBadExpressionPanicsOnFirstUse(t *testing.T) {
	r := MustCompile(`(`) // must not panic yet
	defer func() {
		if recover() == nil {
			t.Error("a bad expression did not panic when used")
		}
	}()
	r.MatchString("x")
}
