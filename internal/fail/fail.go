// Package fail classifies errors so that the exit code is chosen in one place.
package fail

import (
	"errors"
	"fmt"
)

// Exit codes of the command-line contract.
const (
	CodeOK        = 0
	CodeFailure   = 1
	CodeInvalid   = 2
	CodeExists    = 3
	CodeConflicts = 4
	CodeNewer     = 5
	CodeCancelled = 130
)

type kindError struct {
	code int
	err  error
}

func (e *kindError) Error() string { return e.err.Error() }
func (e *kindError) Unwrap() error { return e.err }

func wrap(code int, err error) error {
	if err == nil {
		return nil
	}
	return &kindError{code: code, err: err}
}

// Invalid marks err as caused by the input: usage, answers, names, templates.
func Invalid(err error) error { return wrap(CodeInvalid, err) }

// Invalidf is Invalid(fmt.Errorf(...)).
func Invalidf(format string, args ...any) error { return Invalid(fmt.Errorf(format, args...)) }

// Exists marks a refusal to overwrite a non-empty target.
func Exists(err error) error { return wrap(CodeExists, err) }

// Conflicts marks an update that finished with conflicts left in files.
func Conflicts(err error) error { return wrap(CodeConflicts, err) }

// Newer marks `update --check` finding a newer template version.
func Newer(err error) error { return wrap(CodeNewer, err) }

// Panic turns a recovered panic into one line: no stack trace reaches a
// user, and the message says what to do about it.
func Panic(v any) error {
	msg := fmt.Sprint(v)
	if len(msg) > 200 {
		msg = msg[:200] + "…"
	}
	return fmt.Errorf("internal error: %s (this is a bug in fwgen: please report it with the command you ran)", msg)
}

// ErrCancelled is returned when the user interrupts a prompt.
var ErrCancelled = errors.New("cancelled")

// Code maps an error to the process exit code. The innermost classification
// wins, so a wrapped error keeps the meaning its origin gave it.
func Code(err error) int {
	if err == nil {
		return CodeOK
	}
	if errors.Is(err, ErrCancelled) {
		return CodeCancelled
	}
	code := CodeFailure
	for e := err; e != nil; {
		if k, ok := e.(*kindError); ok {
			code = k.code
		}
		switch u := e.(type) {
		case interface{ Unwrap() error }:
			e = u.Unwrap()
		case interface{ Unwrap() []error }:
			errs := u.Unwrap()
			if len(errs) == 0 {
				e = nil
				break
			}
			for _, inner := range errs {
				if c := Code(inner); c != CodeFailure {
					return c
				}
			}
			e = nil
		default:
			e = nil
		}
	}
	return code
}
