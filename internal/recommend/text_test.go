package recommend

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func render(t *testing.T, a Answers) string {
	t.Helper()
	r, err := Recommend(a)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteText(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestWriteTextHigh(t *testing.T) {
	out := render(t, Answers{"use_case": "cms", "needs_admin": "true"})
	lines := strings.Split(out, "\n")
	if lines[0] != "Recommendation: Django (confidence: high; django 8, flask 0)" {
		t.Errorf("verdict line %q", lines[0])
	}
	for _, want := range []string{
		"FACTOR       ANSWER  FAVORS  WEIGHT  WHY\n",
		"use_case     cms     django  5       The guides name Django",
		"needs_admin  true    django  3       Django ships an admin panel",
		"Alternatives:\n  - Wagtail",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Index(out, "use_case ") > strings.Index(out, "needs_admin ") {
		t.Errorf("strongest reason not first:\n%s", out)
	}
	if strings.Contains(out, "close") || strings.Contains(out, "default is Flask") {
		t.Errorf("high-confidence output talks about a close call:\n%s", out)
	}
}

func TestWriteTextLow(t *testing.T) {
	out := render(t, Answers{"use_case": "prototype", "timeline": "tight"})
	for _, want := range []string{
		"Recommendation: Flask (confidence: low; flask 2, django 2)",
		"FACTOR    ANSWER     FAVORS  WEIGHT  WHY",
		"The call is close: a tie at 2 each, which goes to Flask.",
		"What would tip it: towards Django,",
		"towards Flask,",
		"one guide argues Django for an MVP",
		"The guides' default is Flask",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestWriteTextNoAnswers(t *testing.T) {
	out := render(t, Answers{})
	if !strings.HasPrefix(out, "Recommendation: Flask (confidence: low; flask 0, django 0)\n") {
		t.Errorf("verdict line:\n%s", out)
	}
	if !strings.Contains(out, "No answers were given") || strings.Contains(out, "FACTOR") {
		t.Errorf("no-answers output should replace the table:\n%s", out)
	}
	if !strings.Contains(out, "The call is close: nothing answered") || !strings.Contains(out, "default is Flask") {
		t.Errorf("no-answers output lacks the close-call text:\n%s", out)
	}

	// Answers the criteria give no lean for are not "no answers".
	out = render(t, Answers{"use_case": "web_app"})
	if strings.Contains(out, "No answers were given") || !strings.Contains(out, "None of the answers given leans") {
		t.Errorf("web_app output:\n%s", out)
	}
}

func TestWriteTextLineLength(t *testing.T) {
	all := []Answers{{}}
	for _, c := range realisticCases {
		all = append(all, c.answers)
	}
	all = append(all, Answers{"use_case": "enterprise", "api_style": "crud", "needs_auth": "true",
		"needs_admin": "true", "security_critical": "true", "project_size": "large"})
	for _, a := range all {
		for _, line := range strings.Split(render(t, a), "\n") {
			// A literal, not textWidth: the limit is the brief's, not the code's.
			if len(line) > 110 {
				t.Errorf("%v: line of %d chars: %q", a, len(line), line)
			}
		}
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteTextError(t *testing.T) {
	r, _ := Recommend(Answers{"use_case": "cms"})
	if err := WriteText(failingWriter{}, r); err == nil {
		t.Error("write error not returned")
	}
}

// Every line fits the width asked for, at 80 columns and wider, for answers
// that fire every rule there is (the widest table); a narrower terminal gets
// the reasons under their rows rather than lines broken mid-word.
func TestWriteTextFitsWidth(t *testing.T) {
	cases := []Answers{
		{"use_case": "saas", "needs_auth": "true", "api_style": "crud", "team_experience": "beginner"},
		{"use_case": "prototype", "timeline": "tight"},
		{"use_case": "api", "api_style": "crud", "needs_auth": "true", "needs_admin": "true", "project_size": "large",
			"security_critical": "false", "control": "high", "team_experience": "experienced"},
		{},
	}
	for _, width := range []int{MinWidth, 72, 80, 100, 120} {
		for _, a := range cases {
			r, err := Recommend(a)
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if err := WriteTextWidth(&b, r, width); err != nil {
				t.Fatal(err)
			}
			for _, line := range strings.Split(b.String(), "\n") {
				if n := utf8.RuneCountInString(line); n > width {
					t.Errorf("width %d, answers %v: a line of %d columns:\n%s", width, a, n, line)
				}
			}
			if width >= 80 && len(r.Reasons) > 0 && !strings.Contains(b.String(), "WEIGHT  WHY") {
				t.Errorf("width %d: the table lost its WHY column:\n%s", width, b.String())
			}
		}
	}
}

// The answers read as English in both outputs' words: the small-project
// label once read "Small, clear limited scope".
func TestLabelsWording(t *testing.T) {
	for _, q := range Questions() {
		for v, l := range q.Labels {
			if strings.Contains(l, "clear limited") {
				t.Errorf("%s=%s label %q", q.Key, v, l)
			}
		}
		if q.Key == "project_size" && q.Labels["small"] != "Small, with a clear and limited scope" {
			t.Errorf("small label %q", q.Labels["small"])
		}
	}
}
