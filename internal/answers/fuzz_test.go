package answers

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/fwgen/fwgen/internal/fail"
	"github.com/fwgen/fwgen/internal/manifest"
)

var fuzzQuestions = []*manifest.Question{
	{Key: "s", Type: manifest.TypeString},
	{Key: "b", Type: manifest.TypeBool},
	{Key: "i", Type: manifest.TypeInt},
	{Key: "c", Type: manifest.TypeChoice, Choices: []string{"sqlite", "postgres", "1", "true"}},
	{Key: "m", Type: manifest.TypeMulti, Choices: []string{"celery", "redis", "1"}},
}

// fuzzMaxInput bounds fuzz inputs (answers files are limited to MaxFileSize
// anyway; bigger inputs only slow the fuzzer), and fuzzDeadline bounds the
// time one input may take: an input that takes longer is a finding (a
// quadratic path, an alias bomb).
const (
	fuzzMaxInput = 64 << 10
	fuzzDeadline = 2 * time.Second
)

// FuzzParse: Parse never panics and ends quickly; what it accepts splits
// into answers and metadata by the leading "_", holds no mappings among the
// answers, and every answer coerces to each question type or fails with a
// classified error.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"", "~", "{}", "[]", "a: 1", "project_name: Shop\ndocker: true\nport: 8000\nextras: [celery, redis]\n_template: flask\n",
		`{"a": "b", "_m": {"x": 1}, "l": [1, "two", true, null]}`, "a: {b: 1}", "a:\n  - b: 1\n", "a: 2001-12-14",
		"a: 18446744073709551615", "a: .inf", "a: [[x]]", "a: &x 1\nb: *x\n", "? [a]\n: b", "1: x", "a: !!binary aGk=",
		"a: 1\na: 2", "\t", "a: \"\\xff\"", "_: 1", "a: y", "a: 0x10", "a: 1e3", "m: celery,redis", "c: 1",
		"a: 1\n---\nb: 2\n", "a: &a [x,x]\nb: &b [*a,*a]\nc: [*b,*b]\n", "<<: {a: 1}\n", "*a : 1",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if len(raw) > fuzzMaxInput {
			t.Skip("larger than fuzzMaxInput")
		}
		var file *File
		var err error
		within(t, func() { file, err = Parse(raw) })
		if err != nil {
			return
		}
		if file.Answers == nil || file.Meta == nil {
			t.Fatal("nil sets")
		}
		var m map[string]any
		if len(bytes.TrimSpace(raw)) > 0 {
			if err := yaml.Unmarshal(raw, &m); err != nil {
				if strings.Contains(err.Error(), "excessive aliasing") {
					return // yaml's own guess; Parse counts values instead
				}
				t.Fatalf("Parse accepted what yaml refuses: %v", err)
			}
		}
		if len(file.Answers)+len(file.Meta) != len(m) {
			t.Fatalf("%d answers + %d meta for %d keys", len(file.Answers), len(file.Meta), len(m))
		}
		for k := range m {
			_, inAnswers := file.Answers[k]
			_, inMeta := file.Meta[k]
			if strings.HasPrefix(k, "_") != inMeta || inAnswers == inMeta {
				t.Fatalf("key %q: in answers %v, in meta %v", k, inAnswers, inMeta)
			}
		}
		for k, v := range file.Answers {
			switch x := v.(type) {
			case map[string]any:
				t.Fatalf("answer %q is a mapping", k)
			case []any:
				for _, item := range x {
					if _, ok := item.(map[string]any); ok {
						t.Fatalf("answer %q holds a mapping", k)
					}
				}
			}
			for _, q := range fuzzQuestions {
				checkCoerce(t, q, v)
			}
		}
	})
}

// within fails the input when f takes longer than fuzzDeadline.
func within(t *testing.T, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(fuzzDeadline):
		t.Fatalf("took longer than %v", fuzzDeadline)
	}
}

func checkCoerce(t *testing.T, q *manifest.Question, v any) {
	t.Helper()
	got, err := Coerce(q, v)
	if err != nil {
		if got != nil {
			t.Fatalf("Coerce(%s, %#v) = %#v and error %v", q.Type, v, got, err)
		}
		if fail.Code(err) != fail.CodeInvalid || !strings.HasPrefix(err.Error(), "invalid value ") {
			t.Fatalf("Coerce(%s, %#v) error %v (code %d)", q.Type, v, err, fail.Code(err))
		}
		return
	}
	ok := false
	switch q.Type {
	case manifest.TypeString:
		_, ok = got.(string)
	case manifest.TypeBool:
		_, ok = got.(bool)
	case manifest.TypeInt:
		_, ok = got.(int)
	case manifest.TypeChoice:
		s, isString := got.(string)
		ok = isString && slices.Contains(q.Choices, s)
	case manifest.TypeMulti:
		list, isList := got.([]string)
		ok = isList && list != nil
		for i, s := range list {
			if !slices.Contains(q.Choices, s) || slices.Contains(list[:i], s) {
				ok = false
			}
		}
	}
	if !ok {
		t.Fatalf("Coerce(%s, %#v) = %#v (%T)", q.Type, v, got, got)
	}
}

// FuzzParseSets: ParseSets never panics, refuses exactly the entries
// without "=" or with a blank key, and keeps the last value for each key.
func FuzzParseSets(f *testing.F) {
	for _, s := range []string{"a=1", "a=1\nb=2\na=3", "novalue", "=x", " k = v ", "a=b=c", "", "\n", "x=\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, joined string) {
		sets := strings.Split(joined, "\n")
		got, err := ParseSets(sets)
		want := Set{}
		valid := true
		for _, s := range sets {
			k, v, ok := strings.Cut(s, "=")
			k = strings.TrimSpace(k)
			if !ok || k == "" {
				valid = false
				break
			}
			want[k] = v
		}
		if !valid {
			if err == nil || fail.Code(err) != fail.CodeInvalid {
				t.Fatalf("ParseSets(%q) = %v, %v; want a usage error", sets, got, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("ParseSets(%q): %v", sets, err)
		}
		if len(got) != len(want) {
			t.Fatalf("ParseSets(%q) = %q, want %q", sets, got, want)
		}
		for k, v := range want {
			if got[k] != v {
				t.Fatalf("ParseSets(%q)[%q] = %q, want %q", sets, k, got[k], v)
			}
		}
		for _, q := range fuzzQuestions {
			for _, v := range got {
				checkCoerce(t, q, v)
			}
		}
	})
}
