package fail

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"testing"
)

func TestCode(t *testing.T) {
	base := errors.New("base")
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"nil", nil, CodeOK},
		{"plain", base, CodeFailure},
		{"invalid", Invalid(base), CodeInvalid},
		{"invalidf", Invalidf("bad %d", 1), CodeInvalid},
		{"exists", Exists(base), CodeExists},
		{"conflicts", Conflicts(base), CodeConflicts},
		{"cancelled", ErrCancelled, CodeCancelled},
		{"wrapped invalid", fmt.Errorf("outer: %w", Invalid(base)), CodeInvalid},
		{"deeply wrapped", fmt.Errorf("a: %w", fmt.Errorf("b: %w", fmt.Errorf("c: %w", Exists(base)))), CodeExists},
		// The innermost classification wins.
		{"invalid around exists", Invalid(Exists(base)), CodeExists},
		{"exists around invalid", Exists(fmt.Errorf("x: %w", Invalid(base))), CodeInvalid},
		{"conflicts around plain", Conflicts(fmt.Errorf("x: %w", base)), CodeConflicts},
		// Cancellation wins over anything wrapped around it.
		{"invalid around cancelled", Invalid(fmt.Errorf("asking: %w", ErrCancelled)), CodeCancelled},
		{"join with cancelled", errors.Join(Invalid(base), ErrCancelled), CodeCancelled},
		// errors.Join: the first classified error in the list wins.
		{"join plain+invalid", errors.Join(base, Invalid(base)), CodeInvalid},
		{"join invalid+exists", errors.Join(Invalid(base), Exists(base)), CodeInvalid},
		{"join exists+invalid", errors.Join(Exists(base), Invalid(base)), CodeExists},
		{"join plain", errors.Join(base, errors.New("other")), CodeFailure},
		{"invalid around join of plain", Invalid(errors.Join(base, base)), CodeInvalid},
		{"invalid around join with exists", Invalid(errors.Join(base, Exists(base))), CodeExists},
		{"wrapped join", fmt.Errorf("x: %w", errors.Join(base, Conflicts(base))), CodeConflicts},
		{"multi %w", fmt.Errorf("%w and %w", base, Exists(base)), CodeExists},
		{"nested joins", errors.Join(base, errors.Join(base, Invalid(base))), CodeInvalid},
		{"empty join unwraps", emptyJoin{}, CodeFailure},
		// context.Canceled is NOT mapped to 130: only ErrCancelled (a prompt
		// interrupted by the user) is. A cancelled context (SIGINT during
		// writing, handled by the caller) is a plain failure unless the
		// caller wraps or translates it.
		{"context.Canceled", context.Canceled, CodeFailure},
		{"wrapped context.Canceled", fmt.Errorf("writing: %w", context.Canceled), CodeFailure},
		{"context.DeadlineExceeded", context.DeadlineExceeded, CodeFailure},
		{"fs.ErrNotExist", fs.ErrNotExist, CodeFailure},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Code(tt.err); got != tt.want {
				t.Errorf("Code(%v) = %d, want %d", tt.err, got, tt.want)
			}
		})
	}
}

type emptyJoin struct{}

func (emptyJoin) Error() string   { return "empty" }
func (emptyJoin) Unwrap() []error { return nil }

func TestWrapNil(t *testing.T) {
	if Invalid(nil) != nil || Exists(nil) != nil || Conflicts(nil) != nil {
		t.Error("wrapping nil must give nil")
	}
}

func TestWrapKeepsMessageAndChain(t *testing.T) {
	base := &fs.PathError{Op: "open", Path: "x", Err: fs.ErrNotExist}
	err := Invalid(base)
	if err.Error() != base.Error() {
		t.Errorf("message %q, want %q", err.Error(), base.Error())
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Error("errors.Is lost the chain")
	}
	var pe *fs.PathError
	if !errors.As(err, &pe) || pe != base {
		t.Error("errors.As lost the chain")
	}
	if got := Invalidf("bad %q: %w", "x", base); got.Error() != `bad "x": open x: file does not exist` || !errors.Is(got, fs.ErrNotExist) {
		t.Errorf("Invalidf = %v", got)
	}
}

func TestCodes(t *testing.T) {
	// The command-line contract.
	if CodeOK != 0 || CodeFailure != 1 || CodeInvalid != 2 || CodeExists != 3 || CodeConflicts != 4 || CodeCancelled != 130 {
		t.Error("exit codes changed")
	}
}
