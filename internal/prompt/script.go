package prompt

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/fwgen/fwgen/internal/fail"
)

// Step is one expected question and the answer to give. Match is a substring
// of the question's message; Answer is the text typed: "" takes the default,
// "^C" cancels, and multi-select answers are comma-separated.
type Step struct {
	Match  string
	Answer string
}

// Script answers questions from a fixed list and fails on any question it
// did not expect, so tests notice prompts they did not plan for.
type Script struct {
	mu    sync.Mutex
	Steps []Step
	// Asked records every message asked, in order.
	Asked []string
}

// ParseScript reads "match => answer" lines; blank lines and # comments are
// skipped.
func ParseScript(text string) (*Script, error) {
	s := &Script{}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		match, answer, ok := strings.Cut(line, "=>")
		if !ok {
			return nil, fmt.Errorf("prompt script line %d: want \"question => answer\", got %q", i+1, line)
		}
		s.Steps = append(s.Steps, Step{Match: strings.TrimSpace(match), Answer: strings.TrimSpace(answer)})
	}
	return s, nil
}

func (s *Script) next(msg string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Asked = append(s.Asked, msg)
	if len(s.Steps) == 0 {
		return "", fmt.Errorf("unexpected prompt %q: the script has no answers left", msg)
	}
	st := s.Steps[0]
	if !strings.Contains(msg, st.Match) {
		return "", fmt.Errorf("unexpected prompt %q: the script expected one matching %q", msg, st.Match)
	}
	s.Steps = s.Steps[1:]
	if st.Answer == "^C" {
		return "", fail.ErrCancelled
	}
	return st.Answer, nil
}

// Remaining reports the steps never reached.
func (s *Script) Remaining() []Step {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.Steps)
}

func (s *Script) Input(msg, _, def string, validate func(string) error) (string, error) {
	a, err := s.next(msg)
	if err != nil {
		return "", err
	}
	if a == "" {
		a = def
	}
	if validate != nil {
		if err := validate(a); err != nil {
			return "", fmt.Errorf("scripted answer %q to %q rejected: %w", a, msg, err)
		}
	}
	return a, nil
}

func (s *Script) Secret(msg, _ string, keepsDefault bool, validate func(string) error) (string, error) {
	a, err := s.next(msg)
	if err != nil {
		return "", err
	}
	if a == "" && keepsDefault {
		return "", nil
	}
	if validate != nil {
		if err := validate(a); err != nil {
			return "", fmt.Errorf("scripted answer %q to %q rejected: %w", a, msg, err)
		}
	}
	return a, nil
}

func (s *Script) Confirm(msg, _ string, def bool) (bool, error) {
	a, err := s.next(msg)
	if err != nil {
		return false, err
	}
	switch strings.ToLower(a) {
	case "":
		return def, nil
	case "y", "yes", "true":
		return true, nil
	case "n", "no", "false":
		return false, nil
	}
	return false, fmt.Errorf("scripted answer %q to %q is not yes or no", a, msg)
}

func (s *Script) Select(msg, _ string, options []string, def string) (string, error) {
	a, err := s.next(msg)
	if err != nil {
		return "", err
	}
	if a == "" {
		if def == "" && len(options) > 0 {
			return options[0], nil
		}
		return def, nil
	}
	return pick(msg, a, options)
}

// pick finds the option an answer names: the option itself, or the only
// option containing it, so scripts can say "cms" for "A CMS … (cms)".
func pick(msg, a string, options []string) (string, error) {
	if slices.Contains(options, a) {
		return a, nil
	}
	var found []string
	for _, o := range options {
		if strings.Contains(o, a) {
			found = append(found, o)
		}
	}
	if len(found) == 1 {
		return found[0], nil
	}
	return "", fmt.Errorf("scripted answer %q to %q names %d of the options %q; want exactly one", a, msg, len(found), options)
}

func (s *Script) MultiSelect(msg, _ string, options, def []string) ([]string, error) {
	a, err := s.next(msg)
	if err != nil {
		return nil, err
	}
	if a == "" {
		return slices.Clone(def), nil
	}
	if a == "-" {
		return []string{}, nil
	}
	var out []string
	for _, v := range strings.Split(a, ",") {
		o, err := pick(msg, strings.TrimSpace(v), options)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}
