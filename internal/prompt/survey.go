package prompt

import (
	"errors"
	"io"

	"github.com/AlecAivazis/survey/v2"
	"github.com/AlecAivazis/survey/v2/terminal"

	"github.com/fwgen/fwgen/internal/fail"
)

// Survey asks on a terminal with survey/v2.
type Survey struct {
	In  terminal.FileReader
	Out terminal.FileWriter
	Err io.Writer
}

func (s *Survey) ask(p survey.Prompt, resp any, opts ...survey.AskOpt) error {
	opts = append(opts, survey.WithStdio(s.In, s.Out, s.Err))
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

func (s *Survey) Confirm(msg, help string, def bool) (bool, error) {
	out := def
	err := s.ask(&survey.Confirm{Message: msg, Help: help, Default: def}, &out)
	return out, err
}

func (s *Survey) Select(msg, help string, options []string, def string) (string, error) {
	var out string
	p := &survey.Select{Message: msg, Help: help, Options: options}
	if def != "" {
		p.Default = def
	}
	err := s.ask(p, &out)
	return out, err
}

func (s *Survey) MultiSelect(msg, help string, options, def []string) ([]string, error) {
	out := []string{}
	p := &survey.MultiSelect{Message: msg, Help: help, Options: options}
	if len(def) > 0 {
		p.Default = def
	}
	err := s.ask(p, &out)
	return out, err
}
