package answers

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/fwgen/fwgen/internal/fail"
	"github.com/fwgen/fwgen/internal/manifest"
	"github.com/fwgen/fwgen/internal/prompt"
	"github.com/fwgen/fwgen/internal/render"
)

// Resolver settles every question of a template: a given answer is checked,
// a missing one is asked (when interactive) or takes its default.
type Resolver struct {
	Template *manifest.Template
	Engine   *render.Engine
	Prompter prompt.Prompter // nil when not interactive
	// Base is data every default and condition sees besides earlier answers
	// (the "fwgen" map).
	Base map[string]any
	// Defaults replace the manifest's defaults of some questions (the
	// recommendation's, or the current answer when one is changed). A value
	// that does not fit its question is ignored: the manifest's default
	// stands.
	Defaults map[string]any
}

// Resolve returns the typed answers in question order. Keys of given that
// are not questions are the caller's to reject.
func (r *Resolver) Resolve(given Set) (map[string]any, error) {
	out := map[string]any{}
	data := map[string]any{}
	for k, v := range r.Base {
		data[k] = v
	}
	for i := range r.Template.Questions {
		q := &r.Template.Questions[i]
		v, err := r.one(q, given, data)
		if err != nil {
			return nil, err
		}
		out[q.Key] = v
		data[q.Key] = v
	}
	return out, nil
}

func (r *Resolver) one(q *manifest.Question, given Set, data map[string]any) (any, error) {
	if raw, ok := given[q.Key]; ok {
		v, err := Coerce(q, raw)
		if err != nil {
			return nil, err
		}
		return v, Check(q, v, r.Template.ReservedNames)
	}
	drawn := r.Engine.Draws()
	def, err := r.Default(q, data)
	if err != nil {
		return nil, err
	}
	if !q.Secret && r.Engine.Draws() != drawn {
		// However indirectly (an included template, a helper): a secret
		// must never reach the record.
		return nil, fail.Invalid(&manifest.Error{File: r.Template.Source + "/" + manifest.FileName, Line: q.Line,
			Msg: fmt.Sprintf("the default of %s draws a secret, which would be recorded in %s; mark the question secret: true", q.Key, manifest.RecordFile)})
	}
	if raw, ok := r.Defaults[q.Key]; ok {
		if v, err := Coerce(q, raw); err == nil && Check(q, v, r.Template.ReservedNames) == nil {
			def = v
		}
	}
	asked := r.Prompter != nil
	if asked && q.When != "" {
		at := q.At("when")
		asked, err = r.Engine.True(render.Loc{File: r.Template.Source + "/" + manifest.FileName, Line: at.Line, Col: at.Col}, q.When, data)
		if err != nil {
			return nil, err
		}
	}
	if !asked {
		// A default that fails its own checks is the template's fault, but
		// the message still names the key so the user can --set it.
		return def, Check(q, def, r.Template.ReservedNames)
	}
	return r.ask(q, def)
}

// ZeroDefault is the answer of a question that gives no default: false, 0,
// no items, the first choice, or the empty string.
func ZeroDefault(q *manifest.Question) any {
	switch q.Type {
	case manifest.TypeBool:
		return false
	case manifest.TypeInt:
		return 0
	case manifest.TypeMulti:
		return []string{}
	case manifest.TypeChoice:
		return q.Choices[0]
	}
	return ""
}

// Default renders a question's default over the answers so far.
func (r *Resolver) Default(q *manifest.Question, data map[string]any) (any, error) {
	node := q.Default
	if node.Kind == yaml.ScalarNode && node.Tag == "!!null" {
		// `default:`, `default: ~` and `default: null` give no default,
		// not the text "~" or "null".
		node = yaml.Node{}
	}
	var raw any
	switch node.Kind {
	case 0:
		return ZeroDefault(q), nil
	case yaml.ScalarNode:
		raw = node.Value
		left, _ := r.Template.Delims()
		if node.Tag == "!!str" && strings.Contains(node.Value, left) {
			at := q.At("default")
			s, err := r.Engine.StringAt(render.Loc{File: r.Template.Source + "/" + manifest.FileName, Line: at.Line, Col: at.Col}, node.Value, data)
			if err != nil {
				return nil, err
			}
			raw = s
		}
	default:
		if err := node.Decode(&raw); err != nil {
			// Such as an alias bomb: the template's fault, so invalid input.
			return nil, fail.Invalid(fmt.Errorf("%s:%d: default of %s: %s", r.Template.Source+"/"+manifest.FileName,
				node.Line, q.Key, strings.TrimPrefix(err.Error(), "yaml: ")))
		}
	}
	v, err := Coerce(q, raw)
	if err != nil {
		at := q.At("default")
		return nil, fmt.Errorf("%s:%d:%d: the default of %s does not fit its question: %w",
			r.Template.Source+"/"+manifest.FileName, at.Line, at.Col, q.Key, err)
	}
	return v, nil
}

func (r *Resolver) ask(q *manifest.Question, def any) (any, error) {
	p := r.Prompter
	msg := q.Prompt
	switch q.Type {
	case manifest.TypeBool:
		return p.Confirm(msg, q.Help, def.(bool))
	case manifest.TypeChoice:
		return p.Select(msg, q.Help, q.Choices, def.(string))
	case manifest.TypeMulti:
		return p.MultiSelect(msg, q.Help, q.Choices, def.([]string))
	case manifest.TypeInt:
		s, err := p.Input(msg, q.Help, strconv.Itoa(def.(int)), func(s string) error {
			_, err := Coerce(q, s)
			return plain(err)
		})
		if err != nil {
			return nil, err
		}
		return Coerce(q, s)
	default:
		if q.Secret {
			// The default of a secret is usually one just drawn: shown in
			// the prompt, it would be on the screen and in any recording.
			s, err := p.Secret(msg, q.Help, def.(string) != "", func(s string) error {
				return plain(Check(q, s, r.Template.ReservedNames))
			})
			if err != nil {
				return nil, err
			}
			if s == "" {
				s = def.(string)
			}
			return s, Check(q, s, r.Template.ReservedNames)
		}
		s, err := p.Input(msg, q.Help, def.(string), func(s string) error {
			return plain(Check(q, s, r.Template.ReservedNames))
		})
		if err != nil {
			return nil, err
		}
		return s, Check(q, s, r.Template.ReservedNames)
	}
}

// plain strips the exit-code classification for display inside a prompt.
func plain(err error) error {
	if err == nil {
		return nil
	}
	var ve *ValueError
	if errors.As(err, &ve) {
		return errors.New(ve.Allowed)
	}
	return errors.New(err.Error())
}
