// Package prompt asks questions. Commands depend on the Prompter interface,
// so tests drive them with a script instead of a terminal.
package prompt

// Prompter asks one question at a time. Every method returns
// fail.ErrCancelled when the user interrupts (Ctrl-C).
type Prompter interface {
	// Input asks for free text; validate (may be nil) rejects an answer
	// with a message and the question is asked again.
	Input(msg, help, def string, validate func(string) error) (string, error)
	// Secret asks for a value that must not be shown: the answer is not
	// echoed and no default is displayed. "" means Enter alone, which the
	// caller turns into the default when keepsDefault says there is one
	// (the prompt says so); validate sees every other answer.
	Secret(msg, help string, keepsDefault bool, validate func(string) error) (string, error)
	Confirm(msg, help string, def bool) (bool, error)
	Select(msg, help string, options []string, def string) (string, error)
	MultiSelect(msg, help string, options, def []string) ([]string, error)
}
