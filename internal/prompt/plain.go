package prompt

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"

	"github.com/fwgen/fwgen/internal/fail"
	"github.com/fwgen/fwgen/internal/manifest"
)

// Plain asks line by line, with numbered choices and no colour, cursor
// movement or raw mode: for TERM=dumb, NO_COLOR, screen readers and
// terminals that cannot draw survey's menus. "?" shows a question's help.
type Plain struct {
	In  io.Reader
	Out io.Writer
	// Interrupt, when set, ends a pending read as a cancellation: at a
	// terminal in cooked mode Ctrl-C is a signal, not a key.
	Interrupt <-chan os.Signal

	lines chan lineResult
}

type lineResult struct {
	text string
	err  error
}

// NewPlain is a Plain prompter whose reads end on SIGINT.
func NewPlain(in io.Reader, out io.Writer) *Plain {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt)
	return &Plain{In: in, Out: out, Interrupt: ch}
}

// readLine reads one line in the background, so that an interrupt can end
// the wait; the reader goroutine stays for the next line.
func (p *Plain) readLine() (string, error) {
	if p.lines == nil {
		p.lines = make(chan lineResult)
		go func() {
			r := bufio.NewReader(p.In)
			for {
				s, err := r.ReadString('\n')
				if err != nil && s != "" {
					err = nil
				}
				p.lines <- lineResult{strings.TrimRight(s, "\r\n"), err}
				if err != nil {
					return
				}
			}
		}()
	}
	select {
	case l := <-p.lines:
		if l.err != nil {
			// End of input: nobody is left to answer.
			fmt.Fprintln(p.Out)
			return "", fail.ErrCancelled
		}
		return strings.TrimSpace(l.text), nil
	case <-p.Interrupt:
		fmt.Fprintln(p.Out)
		return "", fail.ErrCancelled
	}
}

// ask prints the question until answer accepts a line; "?" prints help.
func (p *Plain) ask(prompt, help string, answer func(string) error) error {
	for {
		fmt.Fprint(p.Out, prompt)
		line, err := p.readLine()
		if err != nil {
			return err
		}
		if line == "?" {
			if help == "" {
				help = "No help for this question."
			}
			fmt.Fprintf(p.Out, "  %s\n", help)
			continue
		}
		err = answer(line)
		if err == nil {
			return nil
		}
		fmt.Fprintf(p.Out, "  %s\n", err)
	}
}

func helpHint(help string) string {
	if help == "" {
		return ""
	}
	return " (? for help)"
}

func (p *Plain) Input(msg, help, def string, validate func(string) error) (string, error) {
	prompt := msg + helpHint(help)
	if def != "" {
		prompt += " [" + def + "]"
	}
	return p.text(prompt, help, validate, def, true)
}

// Secret never shows the default. A plain terminal may still echo what is
// typed: it is the terminal that hides input, and one that asks for plain
// prompts is not trusted to.
func (p *Plain) Secret(msg, help string, keepsDefault bool, validate func(string) error) (string, error) {
	prompt := msg + helpHint(help)
	if keepsDefault {
		prompt += " (Enter keeps the default, which is not shown)"
	}
	return p.text(prompt, help, validate, "", !keepsDefault)
}

// text asks for a line. Enter alone stands for enter, which validate
// judges only if judgeEnter.
func (p *Plain) text(prompt, help string, validate func(string) error, enter string, judgeEnter bool) (string, error) {
	var out string
	err := p.ask(prompt+": ", help, func(line string) error {
		check := true
		if line == "" {
			line, check = enter, judgeEnter
		}
		if check && validate != nil {
			if err := validate(line); err != nil {
				return err
			}
		}
		out = line
		return nil
	})
	return out, err
}

func (p *Plain) Confirm(msg, help string, def bool) (bool, error) {
	hint := "y/N"
	if def {
		hint = "Y/n"
	}
	out := def
	err := p.ask(fmt.Sprintf("%s%s (%s): ", msg, helpHint(help), hint), help, func(line string) error {
		if line == "" {
			return nil
		}
		b, ok := manifest.ParseBool(line)
		if !ok {
			return fmt.Errorf("answer %s", manifest.BoolWords)
		}
		out = b
		return nil
	})
	return out, err
}

func (p *Plain) listOptions(msg, help string, options []string, isDefault func(string) bool) {
	fmt.Fprintf(p.Out, "%s%s\n", msg, helpHint(help))
	for i, o := range options {
		mark := ""
		if isDefault(o) {
			mark = "  (default)"
		}
		fmt.Fprintf(p.Out, "  %2d) %s%s\n", i+1, o, mark)
	}
}

func (p *Plain) Select(msg, help string, options []string, def string) (string, error) {
	if def == "" && len(options) > 0 {
		def = options[0]
	}
	p.listOptions(msg, help, options, func(o string) bool { return o == def })
	out := def
	prompt := fmt.Sprintf("Choose 1-%d [%d]: ", len(options), slices.Index(options, def)+1)
	err := p.ask(prompt, help, func(line string) error {
		if line == "" {
			return nil
		}
		o, err := choose(line, options)
		out = o
		return err
	})
	return out, err
}

func (p *Plain) MultiSelect(msg, help string, options, def []string) ([]string, error) {
	p.listOptions(msg, help, options, func(o string) bool { return slices.Contains(def, o) })
	out := slices.Clone(def)
	prompt := fmt.Sprintf("Choose numbers, comma-separated; - for none [%s]: ", defaultNumbers(options, def))
	err := p.ask(prompt, help, func(line string) error {
		switch line {
		case "":
			return nil
		case "-":
			out = []string{}
			return nil
		}
		var got []string
		for _, part := range strings.Split(line, ",") {
			o, err := choose(strings.TrimSpace(part), options)
			if err != nil {
				return err
			}
			if !slices.Contains(got, o) {
				got = append(got, o)
			}
		}
		out = got
		return nil
	})
	return out, err
}

func defaultNumbers(options, def []string) string {
	var n []string
	for i, o := range options {
		if slices.Contains(def, o) {
			n = append(n, strconv.Itoa(i+1))
		}
	}
	if len(n) == 0 {
		return "none"
	}
	return strings.Join(n, ",")
}

// choose reads a choice as its number, or as text naming exactly one option.
func choose(s string, options []string) (string, error) {
	if n, err := strconv.Atoi(s); err == nil {
		if n >= 1 && n <= len(options) {
			return options[n-1], nil
		}
		return "", fmt.Errorf("choose a number from 1 to %d", len(options))
	}
	if slices.Contains(options, s) {
		return s, nil
	}
	var found []string
	for _, o := range options {
		if strings.Contains(strings.ToLower(o), strings.ToLower(s)) {
			found = append(found, o)
		}
	}
	if len(found) == 1 {
		return found[0], nil
	}
	return "", errors.New("choose by number (or type enough of a choice to name only one)")
}
