package render

import (
	"fmt"
	"testing"
	"testing/fstest"

	"github.com/fwgen/fwgen/internal/secret"
)

// TestRepeatedTextKeptOnce: a body and a path segment met by many files are
// kept after their second parse and give the same bytes every time; texts
// met once are not kept, so their parse trees can be collected.
func TestRepeatedTextKeptOnce(t *testing.T) {
	const body = "name [% .project_slug %]\n"
	files := fstest.MapFS{}
	for i := range 50 {
		files[fmt.Sprintf("[%% .project_slug %%]/m%02d.py", i)] = file(body)
		files[fmt.Sprintf("once/u%02d.txt", i)] = file(fmt.Sprintf("[%% .port %%] %d\n", i))
	}
	e := New(newTemplate(files, nil), secret.Pinned("x"))
	out, err := e.Files(testData(nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 100 {
		t.Fatalf("%d files, want 100", len(out))
	}
	for _, f := range out {
		var want string
		if _, err := fmt.Sscanf(f.Path, "my_app/m%02d.py", new(int)); err == nil {
			want = "name my_app\n"
		} else {
			var i int
			if _, err := fmt.Sscanf(f.Path, "once/u%02d.txt", &i); err != nil {
				t.Fatalf("unexpected path %s", f.Path)
			}
			want = fmt.Sprintf("8000 %d\n", i)
		}
		if string(f.Data) != want {
			t.Errorf("%s = %q, want %q", f.Path, f.Data, want)
		}
	}
	if _, ok := e.parsed[body]; !ok {
		t.Error("the body 50 files share was not kept")
	}
	if _, ok := e.parsed["[% .project_slug %]"]; !ok {
		t.Error("the path segment 50 files share was not kept")
	}
	if len(e.parsed) != 2 {
		t.Errorf("%d texts kept, want the 2 met more than once", len(e.parsed))
	}
}

// TestNamedTemplatesNeverKept: what a name in [% template %] means depends
// on the text parsed last, so such texts are parsed anew each time.
func TestNamedTemplatesNeverKept(t *testing.T) {
	a := `[% define "d" %]A[% end %][% template "d" %]`
	b := `[% define "d" %]B[% end %][% template "d" %]`
	files := fstest.MapFS{"a.txt": file(a), "b.txt": file(a), "c.txt": file(b), "d.txt": file(a)}
	e := New(newTemplate(files, nil), secret.Pinned("x"))
	out, err := e.Files(testData(nil))
	if err != nil {
		t.Fatal(err)
	}
	got := ""
	for _, f := range out {
		got += string(f.Data)
	}
	if got != "AABA" {
		t.Errorf("rendered %q, want AABA", got)
	}
	if len(e.parsed) != 0 {
		t.Errorf("%d texts with named templates kept", len(e.parsed))
	}
}

// TestTextWithoutDelimiterCopied: a file or segment with no left delimiter
// is its own output, whatever else it holds.
func TestTextWithoutDelimiterCopied(t *testing.T) {
	text := "%] {{ x }} {% if %} \x00 [ %\r\nend"
	files := fstest.MapFS{"plain %].txt": file(text)}
	e := New(newTemplate(files, nil), secret.Pinned("x"))
	out, err := e.Files(testData(nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 1 || out[0].Path != "plain %].txt" || string(out[0].Data) != "%] {{ x }} {% if %} \x00 [ %\nend" {
		t.Errorf("got %+v", out)
	}
	if len(e.parsed)+len(e.met) != 0 {
		t.Error("a text without delimiters was parsed")
	}
}
