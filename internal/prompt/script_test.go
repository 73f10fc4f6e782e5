package prompt

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/fwgen/fwgen/internal/fail"
)

var (
	_ Prompter = (*Script)(nil)
	_ Prompter = (*Survey)(nil)
)

func script(t *testing.T, text string) *Script {
	t.Helper()
	s, err := ParseScript(text)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestParseScript(t *testing.T) {
	s := script(t, `
# a comment
Project name => My App
  Use Docker?=>yes
Extras =>
Odd => a => b
Database => ^C
`)
	want := []Step{
		{"Project name", "My App"}, {"Use Docker?", "yes"}, {"Extras", ""}, {"Odd", "a => b"}, {"Database", "^C"},
	}
	if !reflect.DeepEqual(s.Steps, want) {
		t.Errorf("Steps = %+v\nwant %+v", s.Steps, want)
	}
	_, err := ParseScript("a => b\n\nno arrow here\n")
	if err == nil || err.Error() != `prompt script line 3: want "question => answer", got "no arrow here"` {
		t.Errorf("error = %v", err)
	}
	if s := script(t, ""); len(s.Steps) != 0 {
		t.Errorf("empty script has steps %+v", s.Steps)
	}
}

func TestScriptInput(t *testing.T) {
	var validated []string
	validate := func(v string) error {
		validated = append(validated, v)
		if v == "bad" {
			return errors.New("not allowed")
		}
		return nil
	}
	s := script(t, "Name => typed\nSlug =>\nOther => bad")
	if v, err := s.Input("Name?", "help", "def", validate); err != nil || v != "typed" {
		t.Errorf("Input = %q, %v", v, err)
	}
	if v, err := s.Input("Slug?", "", "the default", validate); err != nil || v != "the default" {
		t.Errorf("empty answer: Input = %q, %v; want the default", v, err)
	}
	_, err := s.Input("Other?", "", "", validate)
	if err == nil || err.Error() != `scripted answer "bad" to "Other?" rejected: not allowed` {
		t.Errorf("rejected answer: %v", err)
	}
	if !reflect.DeepEqual(validated, []string{"typed", "the default", "bad"}) {
		t.Errorf("validated %q: the default must be validated too", validated)
	}
	s = script(t, "x => y")
	if v, err := s.Input("x", "", "", nil); err != nil || v != "y" {
		t.Errorf("nil validate: %q, %v", v, err)
	}
}

func TestScriptConfirm(t *testing.T) {
	tests := []struct {
		answer string
		def    bool
		want   bool
	}{
		{"", true, true}, {"", false, false}, {"y", false, true}, {"Yes", false, true}, {"TRUE", false, true},
		{"n", true, false}, {"NO", true, false}, {"false", true, false},
	}
	for _, tt := range tests {
		s := script(t, "Docker => "+tt.answer)
		if got, err := s.Confirm("Docker?", "", tt.def); err != nil || got != tt.want {
			t.Errorf("Confirm(%q, def %v) = %v, %v; want %v", tt.answer, tt.def, got, err, tt.want)
		}
	}
	s := script(t, "Docker => maybe")
	if _, err := s.Confirm("Docker?", "", false); err == nil || err.Error() != `scripted answer "maybe" to "Docker?" is not yes or no` {
		t.Errorf("error = %v", err)
	}
}

func TestScriptSelect(t *testing.T) {
	options := []string{"sqlite", "postgres", "A CMS site (cms)", "A CMS-less site (static)"}
	tests := []struct {
		answer, def, want string
	}{
		{"postgres", "sqlite", "postgres"},
		{"", "postgres", "postgres"},
		{"", "", "sqlite"}, // no default: the first option
		{"(cms)", "", "A CMS site (cms)"},
		{"static", "", "A CMS-less site (static)"},
	}
	for _, tt := range tests {
		s := script(t, "Database => "+tt.answer)
		if got, err := s.Select("Database?", "", options, tt.def); err != nil || got != tt.want {
			t.Errorf("Select(%q, def %q) = %q, %v; want %q", tt.answer, tt.def, got, err, tt.want)
		}
	}
	for _, bad := range []string{"mysql", "CMS", "site"} { // none, or more than one
		s := script(t, "Database => "+bad)
		got, err := s.Select("Database?", "", options, "")
		if err == nil || !strings.HasPrefix(err.Error(), `scripted answer "`+bad+`" to "Database?"`) {
			t.Errorf("Select(%q) = %q, %v; want an error", bad, got, err)
		}
	}
}

func TestScriptMultiSelect(t *testing.T) {
	options := []string{"celery", "redis", "sentry"}
	tests := []struct {
		answer string
		def    []string
		want   []string
	}{
		{"celery,redis", nil, []string{"celery", "redis"}},
		{" sentry , celery ", nil, []string{"sentry", "celery"}},
		{"-", []string{"celery"}, []string{}},
		{"", []string{"redis"}, []string{"redis"}},
		{"red", nil, []string{"redis"}},
	}
	for _, tt := range tests {
		s := script(t, "Extras => "+tt.answer)
		got, err := s.MultiSelect("Extras?", "", options, tt.def)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("MultiSelect(%q) = %#v, %v; want %#v", tt.answer, got, err, tt.want)
		}
	}
	// The default is copied, not shared.
	def := []string{"celery"}
	s := script(t, "Extras =>")
	got, _ := s.MultiSelect("Extras?", "", options, def)
	got[0] = "changed"
	if def[0] != "celery" {
		t.Error("MultiSelect returned the caller's default slice")
	}
	s = script(t, "Extras => celery,nope")
	if got, err := s.MultiSelect("Extras?", "", options, nil); err == nil {
		t.Errorf("MultiSelect(celery,nope) = %q, want an error", got)
	}
}

func TestScriptUnexpectedPrompts(t *testing.T) {
	s := script(t, "Name => x")
	_, err := s.Confirm("Use Docker?", "", false)
	if err == nil || err.Error() != `unexpected prompt "Use Docker?": the script expected one matching "Name"` {
		t.Errorf("mismatch: %v", err)
	}
	if len(s.Remaining()) != 1 {
		t.Error("a mismatch consumed the step")
	}
	if _, err := s.Input("Project Name?", "", "", nil); err != nil {
		t.Errorf("matching step: %v", err)
	}
	_, err = s.Select("Database?", "", []string{"a"}, "")
	if err == nil || err.Error() != `unexpected prompt "Database?": the script has no answers left` {
		t.Errorf("exhausted: %v", err)
	}
	if !reflect.DeepEqual(s.Asked, []string{"Use Docker?", "Project Name?", "Database?"}) {
		t.Errorf("Asked = %q", s.Asked)
	}
	if r := s.Remaining(); len(r) != 0 {
		t.Errorf("Remaining = %+v", r)
	}
	// Matching is by substring and case-sensitive.
	s = script(t, "name => x")
	if _, err := s.Input("Project Name?", "", "", nil); err == nil {
		t.Error("case-insensitive match")
	}
}

func TestScriptCancel(t *testing.T) {
	calls := map[string]func(s *Script) error{
		"Input":       func(s *Script) error { _, err := s.Input("Q", "", "d", nil); return err },
		"Confirm":     func(s *Script) error { _, err := s.Confirm("Q", "", true); return err },
		"Select":      func(s *Script) error { _, err := s.Select("Q", "", []string{"a"}, "a"); return err },
		"MultiSelect": func(s *Script) error { _, err := s.MultiSelect("Q", "", []string{"a"}, nil); return err },
	}
	for name, call := range calls {
		s := script(t, "Q => ^C\nQ => a")
		err := call(s)
		if !errors.Is(err, fail.ErrCancelled) || fail.Code(err) != fail.CodeCancelled {
			t.Errorf("%s: error = %v, want cancelled", name, err)
		}
		if len(s.Remaining()) != 1 {
			t.Errorf("%s: ^C did not consume exactly its step", name)
		}
	}
}

func TestRemainingIsACopy(t *testing.T) {
	s := script(t, "a => 1\nb => 2")
	r := s.Remaining()
	r[0].Answer = "changed"
	if s.Steps[0].Answer != "1" {
		t.Error("Remaining shares the script's steps")
	}
}

func TestScriptSecret(t *testing.T) {
	s, err := ParseScript("Token =>\nToken => typed\nToken => bad")
	if err != nil {
		t.Fatal(err)
	}
	if v, err := s.Secret("Token", "", true, nil); err != nil || v != "" {
		t.Errorf("empty answer = %q, %v; want \"\" (keep the default)", v, err)
	}
	if v, err := s.Secret("Token", "", true, nil); err != nil || v != "typed" {
		t.Errorf("typed answer = %q, %v", v, err)
	}
	if _, err := s.Secret("Token", "", true, func(string) error { return errors.New("no") }); err == nil {
		t.Error("a rejected scripted answer was accepted")
	}
}
