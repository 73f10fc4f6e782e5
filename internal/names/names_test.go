package names

import (
	"errors"
	"strings"
	"testing"
)

func asError(t *testing.T, err error) *Error {
	t.Helper()
	var ne *Error
	if !errors.As(err, &ne) {
		t.Fatalf("error %v (%T) is not a *names.Error", err, err)
	}
	return ne
}

func TestCheckFolder(t *testing.T) {
	tests := []struct {
		name       string
		rule       Rule // "" means accepted
		suggestion string
	}{
		{"myapp", "", ""},
		{"My-Cool.App", "", ""},
		{"1app", "", ""},
		{"a_b-c.d", "", ""},
		{"app.", "", ""},
		{"", RuleEmpty, "myapp"},
		{".", RuleFolder, "myapp"},
		{"..", RuleFolder, "myapp"},
		{"a/b", RuleFolder, "a_b"},
		{`a\b`, RuleFolder, "a_b"},
		{"/abs", RuleFolder, "abs"},
		{"-app", RuleFolder, "app"},
		{".hidden", RuleFolder, "hidden"},
		{"_private", RuleFolder, "private"},
		{"my app", RuleFolder, "my_app"},
		{"café", RuleFolder, "cafe"},
		{"Crème-Brûlée!", RuleFolder, "creme_brulee"},
		{"日本", RuleFolder, "myapp"},
		{"a\x00b", RuleFolder, "a_b"},
		// The suggestion is also the package name the next run derives, so
		// it must itself pass CheckPackage: never a stdlib module, keyword or
		// dependency, and never a name starting with a digit.
		{"os?", RuleFolder, "os_app"},
		{"for/", RuleFolder, "for_app"},
		{"flask!", RuleFolder, "flask_app"},
		{"1/2", RuleFolder, "app_1_2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckFolder(tt.name)
			if tt.rule == "" {
				if err != nil {
					t.Fatalf("CheckFolder(%q) = %v, want nil", tt.name, err)
				}
				return
			}
			ne := asError(t, err)
			if ne.Rule != tt.rule || ne.Suggestion != tt.suggestion || ne.Value != tt.name {
				t.Errorf("CheckFolder(%q) = {Value %q, Rule %q, Suggestion %q}, want {%q, %q, %q}",
					tt.name, ne.Value, ne.Rule, ne.Suggestion, tt.name, tt.rule, tt.suggestion)
			}
			if err := CheckPackage(ne.Suggestion, nil); err != nil {
				t.Errorf("suggestion %q does not pass CheckPackage: %v", ne.Suggestion, err)
			}
		})
	}
}

func TestCheckPackage(t *testing.T) {
	reserved := []string{"tests", "wsgi"}
	tests := []struct {
		slug       string
		reserved   []string
		rule       Rule
		suggestion string
	}{
		{"myapp", reserved, "", ""},
		{"my_app2", reserved, "", ""},
		{"a", nil, "", ""},
		{"", reserved, RuleEmpty, "myapp"},
		{"My-App", reserved, RuleIdentifier, "my_app"},
		{"my-app", reserved, RuleIdentifier, "my_app"},
		{"café", reserved, RuleIdentifier, "cafe"},
		{"my-tests", reserved, RuleIdentifier, "my_tests"},
		{"Tests", reserved, RuleIdentifier, "tests_app"},
		{"1app", reserved, RuleIdentifier, "app_1app"},
		{"_private", reserved, RuleIdentifier, "private"},
		{"my app", reserved, RuleIdentifier, "my_app"},
		{"app-", reserved, RuleIdentifier, "app"},
		{"---", reserved, RuleIdentifier, "myapp"},
		{"False", reserved, RuleIdentifier, "false"},
		{"OS", reserved, RuleIdentifier, "os_app"},
		{"class", reserved, RuleKeyword, "class_app"},
		{"import", reserved, RuleKeyword, "import_app"},
		{"match", reserved, "", ""}, // a soft keyword, not in keyword.kwlist
		{"os", reserved, RuleStdlib, "os_app"},
		{"json", reserved, RuleStdlib, "json_app"},
		{"tomllib", reserved, RuleStdlib, "tomllib_app"}, // new in 3.11
		{"flask", reserved, RuleDependency, "flask_app"},
		{"rest_framework", reserved, RuleDependency, "rest_framework_app"},
		{"tests", reserved, RuleReserved, "tests_app"},
		{"wsgi", reserved, RuleReserved, "wsgi_app"},
		{"tests", nil, "", ""},
		// Candidates that are themselves taken are skipped in order.
		{"x", []string{"x", "x_app"}, RuleReserved, "app_x"},
		{"x", []string{"x", "x_app", "app_x"}, RuleReserved, "my_x"},
		{"x", []string{"x", "x_app", "app_x", "my_x"}, RuleReserved, "myapp"},
		{"9", []string{"app_9"}, RuleIdentifier, "my_9"},
		// The last resort must not be a reserved name either.
		{"x", []string{"x", "x_app", "app_x", "my_x", "myapp"}, RuleReserved, "myapp2"},
		{"", []string{"myapp", "myapp2"}, RuleEmpty, "myapp3"},
	}
	for _, tt := range tests {
		t.Run(tt.slug+"/"+strings.Join(tt.reserved, ","), func(t *testing.T) {
			err := CheckPackage(tt.slug, tt.reserved)
			if tt.rule == "" {
				if err != nil {
					t.Fatalf("CheckPackage(%q) = %v, want nil", tt.slug, err)
				}
				return
			}
			ne := asError(t, err)
			if ne.Rule != tt.rule || ne.Suggestion != tt.suggestion || ne.Value != tt.slug {
				t.Errorf("CheckPackage(%q, %q) = {Value %q, Rule %q, Suggestion %q}, want {%q, %q, %q}",
					tt.slug, tt.reserved, ne.Value, ne.Rule, ne.Suggestion, tt.slug, tt.rule, tt.suggestion)
			}
			if err := CheckPackage(ne.Suggestion, tt.reserved); err != nil {
				t.Errorf("suggestion %q does not pass CheckPackage: %v", ne.Suggestion, err)
			}
		})
	}
}

func TestErrorMessage(t *testing.T) {
	err := CheckPackage("os", nil)
	want := `"os" is a module of Python's standard library and would shadow it; try "os_app"`
	if err == nil || err.Error() != want {
		t.Errorf("message = %v, want %s", err, want)
	}
	e := &Error{Value: "x", Reason: "is bad"}
	if e.Error() != `"x" is bad` {
		t.Errorf("message without suggestion = %q", e.Error())
	}
}

func TestEveryStdlibNameRefused(t *testing.T) {
	if len(stdlib()) < 250 {
		t.Fatalf("stdlib.txt holds only %d names; is it truncated?", len(stdlib()))
	}
	for _, name := range []string{"os", "sys", "json", "typing", "asyncio", "tomllib", "__future__"} {
		if !stdlib()[name] {
			t.Errorf("stdlib.txt lacks %q", name)
		}
	}
	for _, line := range strings.Split(stdlibText, "\n") {
		name := strings.TrimSpace(line)
		if name == "" {
			continue
		}
		err := CheckPackage(name, nil)
		if err == nil {
			t.Errorf("stdlib module %q accepted", name)
			continue
		}
		ne := asError(t, err)
		want := RuleStdlib
		switch {
		case !identRe.MatchString(name):
			want = RuleIdentifier // _abc, __future__
		case keywords()[name]:
			want = RuleKeyword
		}
		if ne.Rule != want {
			t.Errorf("CheckPackage(%q).Rule = %q, want %q", name, ne.Rule, want)
		}
		if err := CheckPackage(ne.Suggestion, nil); err != nil {
			t.Errorf("suggestion %q for %q fails: %v", ne.Suggestion, name, err)
		}
	}
}

func TestEveryKeywordRefused(t *testing.T) {
	if len(keywords()) != 35 {
		t.Fatalf("keywords.txt holds %d keywords, Python 3.11 has 35", len(keywords()))
	}
	for kw := range keywords() {
		ne := asError(t, CheckPackage(kw, nil))
		want := RuleKeyword
		if kw != strings.ToLower(kw) {
			want = RuleIdentifier // False, None, True
		}
		if ne.Rule != want {
			t.Errorf("CheckPackage(%q).Rule = %q, want %q", kw, ne.Rule, want)
		}
		if err := CheckPackage(ne.Suggestion, nil); err != nil {
			t.Errorf("suggestion %q for %q fails: %v", ne.Suggestion, kw, err)
		}
	}
}

func TestEveryDependencyRefused(t *testing.T) {
	for _, dep := range Dependencies {
		ne := asError(t, CheckPackage(dep, nil))
		if ne.Rule != RuleDependency {
			t.Errorf("CheckPackage(%q).Rule = %q, want %q", dep, ne.Rule, RuleDependency)
		}
		if ne.Suggestion != dep+"_app" {
			t.Errorf("CheckPackage(%q).Suggestion = %q, want %q", dep, ne.Suggestion, dep+"_app")
		}
	}
}

func TestSlug(t *testing.T) {
	tests := map[string]string{
		"My-Cool.App":    "my_cool_app",
		"myapp":          "myapp",
		"my app":         "my_app",
		"__x__":          "x",
		"a--b..c":        "a_b_c",
		"123":            "123",
		"1-app":          "1_app",
		"!!!":            "",
		"":               "",
		"Ünïcode":        "unicode",
		"日本":             "",
		"CamelCase":      "camelcase",
		"  spaced out  ": "spaced_out",
		"a\tb\nc":        "a_b_c",
	}
	for in, want := range tests {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTitle(t *testing.T) {
	tests := map[string]string{
		"My-Cool.App": "My Cool App",
		"my-app":      "My App",
		"my_app":      "My App",
		"my.app":      "My App",
		"  my   app ": "My App",
		"myApp":       "MyApp",
		"a":           "A",
		"":            "",
		"--":          "",
		"élan-vital":  "Élan Vital",
		"ñu":          "Ñu",
	}
	for in, want := range tests {
		if got := Title(in); got != want {
			t.Errorf("Title(%q) = %q, want %q", in, got, want)
		}
	}
}
