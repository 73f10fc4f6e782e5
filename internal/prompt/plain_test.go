package prompt

import (
	"bytes"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/fwgen/fwgen/internal/fail"
)

func plainWith(input string) (*Plain, *bytes.Buffer) {
	var out bytes.Buffer
	return &Plain{In: strings.NewReader(input), Out: &out}, &out
}

func TestPlainInput(t *testing.T) {
	p, out := plainWith("\n?\nbad\ngood\n")
	v, err := p.Input("Name", "The display name.", "dflt", nil)
	if err != nil || v != "dflt" {
		t.Fatalf("Enter = %q, %v; want the default", v, err)
	}
	validate := func(s string) error {
		if s == "bad" {
			return errors.New("bad is not allowed")
		}
		return nil
	}
	v, err = p.Input("Name", "The display name.", "dflt", validate)
	if err != nil || v != "good" {
		t.Fatalf("Input = %q, %v; want good", v, err)
	}
	want := "Name (? for help) [dflt]: Name (? for help) [dflt]:   The display name.\n" +
		"Name (? for help) [dflt]:   bad is not allowed\nName (? for help) [dflt]: "
	if out.String() != want {
		t.Errorf("printed\n%q\nwant\n%q", out.String(), want)
	}
	if bytes.ContainsRune(out.Bytes(), 0x1b) {
		t.Errorf("escape sequence in plain output: %q", out)
	}
}

func TestPlainConfirm(t *testing.T) {
	p, out := plainWith("\nmaybe\nOn\nn\n")
	if v, err := p.Confirm("Docker?", "", true); err != nil || v != true {
		t.Fatalf("Enter = %v, %v; want the default true", v, err)
	}
	if v, err := p.Confirm("Docker?", "", false); err != nil || v != true {
		t.Fatalf("On = %v, %v; want true after refusing maybe", v, err)
	}
	if v, err := p.Confirm("API?", "", true); err != nil || v != false {
		t.Fatalf("n = %v, %v", v, err)
	}
	if !strings.Contains(out.String(), "Docker? (Y/n): ") || !strings.Contains(out.String(), "Docker? (y/N): ") ||
		!strings.Contains(out.String(), "answer true/false, yes/no, y/n, on/off, 1/0 (any case)") {
		t.Errorf("printed %q", out)
	}
}

func TestPlainSelect(t *testing.T) {
	opts := []string{"no preference", "An API service (api)", "A general web application (web_app)", "An online shop (ecommerce)"}
	p, out := plainWith("\n3\n9\nshop\nA\nweb_app\n")
	for _, want := range []string{"no preference", "A general web application (web_app)", "An online shop (ecommerce)", "A general web application (web_app)"} {
		v, err := p.Select("What are you building?", "", opts, "no preference")
		if err != nil || v != want {
			t.Fatalf("Select = %q, %v; want %q\n%s", v, err, want, out)
		}
	}
	text := out.String()
	for _, want := range []string{
		"What are you building?\n   1) no preference  (default)\n   2) An API service (api)\n",
		"   4) An online shop (ecommerce)\nChoose 1-4 [1]: ",
		"choose a number from 1 to 4",
		"choose by number (or type enough of a choice to name only one)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
}

func TestPlainMultiSelect(t *testing.T) {
	p, _ := plainWith("\n2,1,2\n-\n")
	opts := []string{"celery", "redis"}
	for _, want := range [][]string{{"celery"}, {"redis", "celery"}, {}} {
		v, err := p.MultiSelect("Extras", "", opts, []string{"celery"})
		if err != nil || !reflect.DeepEqual(v, want) {
			t.Fatalf("MultiSelect = %q, %v; want %q", v, err, want)
		}
	}
}

// End of input and an interrupt both cancel, as Ctrl-C does in survey.
func TestPlainCancels(t *testing.T) {
	p, _ := plainWith("")
	if _, err := p.Input("Name", "", "", nil); !errors.Is(err, fail.ErrCancelled) {
		t.Errorf("EOF: %v, want cancelled", err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	intr := make(chan os.Signal, 1)
	p = &Plain{In: r, Out: &bytes.Buffer{}, Interrupt: intr}
	intr <- os.Interrupt
	if _, err := p.Select("Pick", "", []string{"a"}, "a"); !errors.Is(err, fail.ErrCancelled) {
		t.Errorf("interrupt: %v, want cancelled", err)
	}
}

func TestPlainSecret(t *testing.T) {
	p, out := plainWith("\nshort\nlong enough\n")
	v, err := p.Secret("Token", "", true, nil)
	if err != nil || v != "" {
		t.Fatalf("Enter = %q, %v; want \"\" (keep the default)", v, err)
	}
	validate := func(s string) error {
		if len(s) < 8 {
			return errors.New("at least 8 characters")
		}
		return nil
	}
	v, err = p.Secret("Token", "", false, validate)
	if err != nil || v != "long enough" {
		t.Fatalf("Secret = %q, %v; want the second answer", v, err)
	}
	want := "Token (Enter keeps the default, which is not shown): " +
		"Token:   at least 8 characters\nToken: "
	if out.String() != want {
		t.Errorf("printed\n%q\nwant\n%q", out.String(), want)
	}
	// Without a default, Enter is an answer like any other: validate decides.
	p, _ = plainWith("\nok-now\n")
	v, err = p.Secret("Token", "", false, func(s string) error {
		if s == "" {
			return errors.New("required")
		}
		return nil
	})
	if err != nil || v != "ok-now" {
		t.Errorf("Secret without a default = %q, %v; want the empty answer refused", v, err)
	}
}
