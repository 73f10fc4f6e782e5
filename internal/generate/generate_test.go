package generate

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/fwgen/fwgen/internal/answers"
	"github.com/fwgen/fwgen/internal/fail"
	"github.com/fwgen/fwgen/internal/manifest"
	"github.com/fwgen/fwgen/internal/render"
	"github.com/fwgen/fwgen/internal/source"
)

func tmpl(t *testing.T, kind string) *source.Template {
	t.Helper()
	fsys := fstest.MapFS{
		"fwgen.yaml":  {Data: []byte("name: t\nversion: 1.2.3\nquestions:\n  - key: docker\n    type: bool\n  - key: name\n    default: '{{ .fwgen.name }}'\n")},
		"files/a.txt": {Data: []byte("{{ .name }} {{ .docker }}\n")},
	}
	m, err := manifest.Load(fsys, "t")
	if err != nil {
		t.Fatal(err)
	}
	st := &source.Template{Template: m, Kind: kind, Root: fsys}
	if kind == source.Git {
		st.Location, st.Ref, st.Commit = "file:///srv/t", "v1", strings.Repeat("ab", 20)
	}
	return st
}

func TestGenerateWithRecord(t *testing.T) {
	res, err := Generate(context.Background(), Request{
		Template: tmpl(t, source.Git), Name: "demo", Given: answers.Set{"docker": "yes"}, Version: "9.9.9",
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Files) != 2 || res.Files[0].Path != RecordFile || res.Files[1].Path != "a.txt" {
		t.Fatalf("files = %+v", res.Files)
	}
	if got := string(res.Files[1].Data); got != "demo true\n" {
		t.Errorf("a.txt = %q", got)
	}
	rec := string(res.Files[0].Data)
	for _, want := range []string{"_fwgen_version: 9.9.9\n", "_template: t\n", "_template_version: 1.2.3\n",
		"_template_source: file:///srv/t\n", "_template_ref: v1\n", "_template_commit: " + strings.Repeat("ab", 20) + "\n",
		"docker: true\n", "name: demo\n"} {
		if !strings.Contains(rec, want) {
			t.Errorf("record lacks %q:\n%s", want, rec)
		}
	}
	if res.Answers["docker"] != true {
		t.Errorf("typed answers = %v", res.Answers)
	}
}

func TestGenerateNoRecordAndBuiltinRecord(t *testing.T) {
	res, err := Generate(context.Background(), Request{Template: tmpl(t, source.Folder), Name: "x", NoRecord: true})
	if err != nil || len(res.Files) != 1 || res.Files[0].Path != "a.txt" {
		t.Fatalf("NoRecord: %+v %v", res, err)
	}
	res, err = Generate(context.Background(), Request{Template: tmpl(t, source.Builtin), Name: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if rec := string(res.Files[0].Data); strings.Contains(rec, "_template_source") || strings.Contains(rec, "_template_commit") {
		t.Errorf("a built-in template is named by its name alone:\n%s", rec)
	}
}

func TestCheckKeys(t *testing.T) {
	err := CheckKeys(answers.Set{"dokcer": true, "zzz": 1}, []string{"docker", "name"}, nil)
	if fail.Code(err) != fail.CodeInvalid || err.Error() != `unknown answer key "dokcer": did you mean "docker"? template keys are docker, name` {
		t.Errorf("error = %v", err)
	}
	err = CheckKeys(answers.Set{"use_cas": "api"}, []string{"docker"}, []string{"use_case"})
	if err == nil || err.Error() != `unknown answer key "use_cas": did you mean "use_case"? recommendation keys are use_case; template keys are docker` {
		t.Errorf("error = %v", err)
	}
	if err := CheckKeys(answers.Set{"use_case": "api", "docker": true}, []string{"docker"}, []string{"use_case"}); err != nil {
		t.Errorf("known keys refused: %v", err)
	}
}

func TestVariantRandIsStable(t *testing.T) {
	a, b := make([]byte, 16), make([]byte, 16)
	_, _ = VariantRand("x").Read(a)
	_, _ = VariantRand("x").Read(b)
	c := make([]byte, 16)
	_, _ = VariantRand("y").Read(c)
	if string(a) != string(b) || string(a) == string(c) {
		t.Error("VariantRand must give the same bytes for a name and others for another")
	}
}

// TestStreamMatchesGenerate: streaming emits Generate's files, the record
// last, and returns the same listing without the data.
func TestStreamMatchesGenerate(t *testing.T) {
	req := Request{Template: tmpl(t, source.Git), Name: "demo", Given: answers.Set{"docker": "yes"}, Version: "9.9.9"}
	want, err := Generate(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	var emitted []render.File
	got, err := Stream(context.Background(), req, func(f render.File) error {
		emitted = append(emitted, f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(emitted) != 2 || emitted[0].Path != "a.txt" || emitted[1].Path != RecordFile {
		t.Fatalf("emitted %+v", emitted)
	}
	for _, e := range emitted {
		for _, w := range want.Files {
			if w.Path == e.Path && !bytes.Equal(w.Data, e.Data) {
				t.Errorf("%s: streamed %q, generated %q", e.Path, e.Data, w.Data)
			}
		}
	}
	if len(got.Files) != len(want.Files) {
		t.Fatalf("listed %+v", got.Files)
	}
	for i, f := range got.Files {
		if f.Path != want.Files[i].Path || f.Data != nil {
			t.Errorf("listed #%d = %+v, want %s without data", i, f, want.Files[i].Path)
		}
	}
	if got.Answers["docker"] != true {
		t.Errorf("answers = %v", got.Answers)
	}
	stop := errors.New("writer gone")
	if _, err := Stream(context.Background(), req, func(render.File) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("emit failing: error %v", err)
	}
}
