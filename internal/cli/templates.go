package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"github.com/fwgen/fwgen/internal/answers"
	"github.com/fwgen/fwgen/internal/manifest"
	"github.com/fwgen/fwgen/internal/textwrap"
)

func newTemplatesCmd(d *Deps) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "templates",
		Short: "List the built-in templates, their versions and their answer keys",
		Long: `Templates lists the built-in templates with their versions and the answer
keys each takes (give them with --set KEY=VALUE or in an --answers file).
--json adds every key's type, default, choices, condition (when) and help.`,
		Example: "  fwgen templates\n  fwgen templates --json",
		Args:    noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			all, err := d.catalog().All()
			if err != nil {
				return err
			}
			if asJSON {
				out := []templateEntry{}
				for _, t := range all {
					e := templateEntry{Name: t.Name, Version: t.Version, Description: t.Description, Keys: t.Keys()}
					for i := range t.Questions {
						e.Questions = append(e.Questions, describeQuestion(&t.Questions[i]))
					}
					out = append(out, e)
				}
				return writeJSON(d.Out, out)
			}
			var b strings.Builder
			for i, t := range all {
				if i > 0 {
					b.WriteString("\n")
				}
				fmt.Fprintf(&b, "%s %s\n", t.Name, t.Version)
				textwrap.Write(&b, "  ", "  ", t.Description, d.width())
				textwrap.Write(&b, "  keys: ", "        ", strings.Join(t.Keys(), ", "), d.width())
			}
			b.WriteString("\n'fwgen templates --json' gives each key's type, default, choices and help.\n")
			_, err = io.WriteString(d.Out, b.String())
			return err
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print one JSON document, with every key's type, default, choices, when and help")
	return c
}

// templateEntry is one template of `fwgen templates --json`; keys stays the
// plain list it always was, questions describe each key.
type templateEntry struct {
	Name        string         `json:"name"`
	Version     string         `json:"version"`
	Description string         `json:"description"`
	Keys        []string       `json:"keys"`
	Questions   []questionInfo `json:"questions"`
}

type questionInfo struct {
	Key     string `json:"key"`
	Type    string `json:"type"`
	Prompt  string `json:"prompt"`
	Help    string `json:"help"`
	Default any    `json:"default"`
	// Choices is empty but for choice and multi keys; When is the condition
	// under which the key is asked ("" for always).
	Choices     []string `json:"choices"`
	When        string   `json:"when"`
	Pattern     string   `json:"pattern,omitempty"`
	PatternHelp string   `json:"pattern_help,omitempty"`
}

func describeQuestion(q *manifest.Question) questionInfo {
	choices := q.Choices
	if choices == nil {
		choices = []string{}
	}
	return questionInfo{
		Key: q.Key, Type: q.Type, Prompt: q.Prompt, Help: q.Help, Default: defaultOf(q),
		Choices: choices, When: q.When, Pattern: q.Pattern, PatternHelp: q.PatternHelp,
	}
}

// defaultOf is a question's default as the answer it gives: typed when it
// is a literal, the expression's text when the template computes it (such
// as "[% .fwgen.name | pySlug %]"), and the type's zero when there is none.
func defaultOf(q *manifest.Question) any {
	n := q.Default
	if n.Kind == 0 || (n.Kind == yaml.ScalarNode && n.Tag == "!!null") {
		return answers.ZeroDefault(q)
	}
	var raw any
	if err := n.Decode(&raw); err != nil {
		return n.Value
	}
	if v, err := answers.Coerce(q, raw); err == nil {
		return v
	}
	return n.Value
}

func writeJSON(w interface{ Write([]byte) (int, error) }, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
