package prompt

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/AlecAivazis/survey/v2"
	"github.com/AlecAivazis/survey/v2/terminal"
	"golang.org/x/term"

	"github.com/fwgen/fwgen/internal/fail"
)

// survey puts its key hints after the question, on the same line, which
// then overflows an 80-column terminal; fwgen puts a shorter hint on a line
// of its own.
func init() {
	survey.SelectQuestionTemplate = strings.Replace(survey.SelectQuestionTemplate,
		`{{- "  "}}{{- color "cyan"}}[Use arrows to move, type to filter`,
		`{{- "\n  "}}{{- color "cyan"}}[arrows to move, type to filter`, 1)
	survey.MultiSelectQuestionTemplate = strings.Replace(survey.MultiSelectQuestionTemplate,
		`{{- "  "}}{{- color "cyan"}}[Use arrows to move, space to select,{{- if not .Config.RemoveSelectAll }} <right> to all,{{end}}{{- if not .Config.RemoveSelectNone }} <left> to none,{{end}} type to filter`,
		`{{- "\n  "}}{{- color "cyan"}}[arrows to move, space to select,{{- if not .Config.RemoveSelectAll }} <right> all,{{end}}{{- if not .Config.RemoveSelectNone }} <left> none,{{end}} type to filter`, 1)
}

// Survey asks on a terminal with survey/v2.
type Survey struct {
	In  terminal.FileReader
	Out terminal.FileWriter
	Err io.Writer
}

func (s *Survey) ask(p survey.Prompt, resp any, opts ...survey.AskOpt) error {
	opts = append(opts, survey.WithStdio(&keys{FileReader: s.In}, s.Out, s.Err))
	err := survey.AskOne(p, resp, opts...)
	if errors.Is(err, terminal.InterruptErr) {
		return fail.ErrCancelled
	}
	return err
}

func (s *Survey) Input(msg, help, def string, validate func(string) error) (string, error) {
	var out string
	var opts []survey.AskOpt
	if validate != nil {
		opts = append(opts, survey.WithValidator(func(v any) error {
			str, _ := v.(string)
			return validate(str)
		}))
	}
	err := s.ask(&survey.Input{Message: msg, Help: help, Default: def}, &out, opts...)
	return out, err
}

func (s *Survey) Secret(msg, help string, keepsDefault bool, validate func(string) error) (string, error) {
	var out string
	opts := []survey.AskOpt{survey.WithValidator(func(v any) error {
		str, _ := v.(string)
		if (str == "" && keepsDefault) || validate == nil {
			return nil
		}
		return validate(str)
	})}
	hint := " (hidden)"
	if keepsDefault {
		hint = " (hidden; Enter keeps the default, which is not shown)"
	}
	err := s.ask(&survey.Password{Message: msg + hint, Help: help}, &out, opts...)
	return out, err
}

func (s *Survey) Confirm(msg, help string, def bool) (bool, error) {
	out := def
	err := s.ask(&survey.Confirm{Message: msg, Help: help, Default: def}, &out)
	return out, err
}

func (s *Survey) Select(msg, help string, options []string, def string) (string, error) {
	var out string
	size := s.pageSize(len(options))
	p := &survey.Select{Message: moreBelow(msg, len(options), size), Help: help, Options: options,
		PageSize: size, Filter: rankedFilter(options)}
	if def != "" {
		p.Default = def
	}
	err := s.ask(p, &out)
	return out, err
}

func (s *Survey) MultiSelect(msg, help string, options, def []string) ([]string, error) {
	out := []string{}
	size := s.pageSize(len(options))
	p := &survey.MultiSelect{Message: moreBelow(msg, len(options), size), Help: help, Options: options,
		PageSize: size, Filter: rankedFilter(options)}
	if len(def) > 0 {
		p.Default = def
	}
	err := s.ask(p, &out)
	return out, err
}

// pageSize shows every choice when the terminal has the rows for them
// (survey shows 7 by default, hiding the rest without a sign), else as many
// as fit.
func (s *Survey) pageSize(n int) int {
	rows := 24
	if _, h, err := term.GetSize(int(s.Out.Fd())); err == nil && h > 0 {
		rows = h
	}
	// The question, the hint line, and a line to spare.
	return max(1, min(n, rows-3))
}

// moreBelow says how many choices there are when not all are shown.
func moreBelow(msg string, n, shown int) string {
	if shown >= n {
		return msg
	}
	return fmt.Sprintf("%s (%d choices: more below)", msg, n)
}

// rankedFilter matches typed text against the choices in two tiers: the
// choices that start with it, or whose key in parentheses does ("web" finds
// "A general web application (web_app)"), hide those that merely contain
// it ("A project to learn web development"); when none starts with it, any
// choice containing it matches.
func rankedFilter(options []string) func(filter, value string, index int) bool {
	starts := func(value, f string) bool {
		v := strings.ToLower(value)
		if strings.HasPrefix(v, f) {
			return true
		}
		if i := strings.LastIndex(v, "("); i >= 0 && strings.HasSuffix(v, ")") {
			return strings.HasPrefix(v[i+1:], f)
		}
		return false
	}
	return func(filter, value string, _ int) bool {
		f := strings.ToLower(filter)
		if slices.ContainsFunc(options, func(o string) bool { return starts(o, f) }) {
			return starts(value, f)
		}
		return strings.Contains(strings.ToLower(value), f)
	}
}

// keys passes a terminal's input to survey without lone Escape presses.
// survey reads an Escape followed by anything but '[' or 'O' as a broken
// escape sequence, so Esc then Ctrl-C arriving together (as tmux sends
// them) lost the Ctrl-C; Esc has no use in fwgen's prompts. An Escape that
// ends a read is held until the next one shows whether it starts an arrow
// key's sequence, which a busy terminal may deliver in two reads.
type keys struct {
	terminal.FileReader
	pendingEsc bool
}

func (k *keys) Read(p []byte) (int, error) {
	for {
		off := 0
		if k.pendingEsc && len(p) > 1 {
			off = 1
		}
		n, err := k.FileReader.Read(p[off:])
		if off == 1 {
			k.pendingEsc = false
			if n > 0 && (p[1] == '[' || p[1] == 'O') {
				p[0] = 0x1b
				n++
			} else {
				copy(p, p[1:1+n])
			}
		}
		n, k.pendingEsc = dropLoneEscapes(p[:n])
		if n > 0 || err != nil {
			return n, err
		}
	}
}

// dropLoneEscapes removes, in place, each Escape byte that does not start an
// arrow or function key sequence and returns the new length; an Escape at
// the very end is removed too, and reported as pending.
func dropLoneEscapes(b []byte) (int, bool) {
	out := b[:0]
	pending := false
	for i, c := range b {
		if c == 0x1b {
			if i+1 >= len(b) {
				pending = true
				continue
			}
			if b[i+1] != '[' && b[i+1] != 'O' {
				continue
			}
		}
		out = append(out, c)
	}
	return len(out), pending
}
