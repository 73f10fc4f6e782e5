package render

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/fwgen/fwgen/internal/fail"
	"github.com/fwgen/fwgen/internal/secret"
)

// TestBudget: output that would exceed the budget stops rendering with exit
// 2 naming the file, before the memory is taken, whichever way it is made.
func TestBudget(t *testing.T) {
	for name, text := range map[string]string{
		"repeat":    `[% repeat 2000000000 "x" %]`,
		"repeat-in": `[% range 100 %][% repeat 20000 "x" %][% end %]`,
		"plain":     strings.Repeat("y", 5000),
		"loop":      `[% range 1000000 %]xxxxxxxxxx[% end %]`,
		"indent":    `[% indent 2000000000 "a\nb" %]`,
		"nindent":   `[% nindent 2000000000 "a" %]`,
		"until":     `[% range until 2000000000 %][% end %]`,
		"untilStep": `[% range untilStep 0 2000000000 1 %][% end %]`,
		"seq":       `[% seq 1 2000000000 %]`,
	} {
		tmpl := newTemplate(fstest.MapFS{"big.txt": file(text)}, nil)
		e := New(tmpl, secret.Pinned("x"))
		e.Bound(context.Background(), 4096)
		_, err := e.Files(testData(nil))
		if fail.Code(err) != fail.CodeInvalid || !strings.Contains(err.Error(), "files/big.txt") ||
			!strings.Contains(err.Error(), "output budget of 4KiB") {
			t.Errorf("%s: error = %v (code %d)", name, err, fail.Code(err))
		}
	}
	// Within the budget the guarded functions give sprig's results.
	tmpl := newTemplate(fstest.MapFS{"ok.txt": file(`[% repeat 3 "ab" %]|[% indent 2 "a\nb" %]|[% nindent 1 "c" %]|[% until 3 %]|[% until -2 %]|[% untilStep 1 8 3 %]|[% seq 3 %]|[% seq 5 2 %]|[% seq 1 2 7 %]|[% seq 3 -1 1 %]`)}, nil)
	e := New(tmpl, secret.Pinned("x"))
	e.Bound(context.Background(), 4096)
	files, err := e.Files(testData(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := "ababab|  a\n  b|\n c|[0 1 2]|[0 -1]|[1 4 7]|1 2 3|5 4 3 2|1 3 5 7|3 2 1"
	if got := string(files[0].Data); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// TestCancelStopsSilentLoop: a template looping without writing is
// abandoned as soon as the context is done.
func TestCancelStopsSilentLoop(t *testing.T) {
	tmpl := newTemplate(fstest.MapFS{"loop.txt": file(`[% range 100000000000 %][% end %]`)}, nil)
	e := New(tmpl, secret.Pinned("x"))
	ctx, cancel := context.WithCancel(context.Background())
	e.Bound(ctx, 0)
	time.AfterFunc(50*time.Millisecond, cancel)
	if _, err := e.Files(testData(nil)); !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", err)
	}
}

func TestSize(t *testing.T) {
	for in, want := range map[string]int64{
		"1": 1, "4096": 4096, "64MiB": 64 << 20, "64M": 64 << 20, "64mb": 64 << 20, "1GiB": 1 << 30, "512 KiB": 512 << 10, "10B": 10,
	} {
		var s Size
		if err := s.Set(in); err != nil || int64(s) != want {
			t.Errorf("Set(%q) = %d, %v; want %d", in, s, err, want)
		}
	}
	for _, in := range []string{"", "0", "-1", "x", "1.5MiB", "MiB", "99999999999GiB"} {
		var s Size
		if err := s.Set(in); err == nil || fail.Code(err) != fail.CodeInvalid {
			t.Errorf("Set(%q) = %v, want an invalid-input error", in, err)
		}
	}
	if got := Size(DefaultLimit).String(); got != "64MiB" {
		t.Errorf("String = %q", got)
	}
}
