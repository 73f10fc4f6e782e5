package cli

import (
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/fwgen/fwgen/internal/answers"
	"github.com/fwgen/fwgen/internal/fail"
	"github.com/fwgen/fwgen/internal/generate"
	"github.com/fwgen/fwgen/internal/manifest"
	"github.com/fwgen/fwgen/internal/prompt"
	"github.com/fwgen/fwgen/internal/recommend"
	"github.com/fwgen/fwgen/internal/source"
)

// shapedDefault is a template default set by the recommendation's answers.
type shapedDefault struct {
	key     string
	value   any
	because string
}

type shaped []shapedDefault

// shapeDefaults keeps the recommendation's defaults that the template can
// take: a question of that key whose type fits the value.
func shapeDefaults(t *source.Template, ra recommend.Answers) shaped {
	var out shaped
	for _, def := range recommend.TemplateDefaults(ra) {
		q, ok := t.Question(def.Key)
		if !ok {
			continue
		}
		v, err := answers.Coerce(q, def.Value)
		if err != nil {
			continue
		}
		out = append(out, shapedDefault{key: def.Key, value: v, because: def.Because})
	}
	return out
}

func (s shaped) values() map[string]any {
	m := map[string]any{}
	for _, d := range s {
		m[d.key] = d.value
	}
	return m
}

func (s shaped) keys() []string {
	var out []string
	for _, d := range s {
		out = append(out, d.key)
	}
	return out
}

func (s shaped) value(key string) (any, bool) {
	for _, d := range s {
		if d.key == key {
			return d.value, true
		}
	}
	return nil, false
}

// origin says where key's default came from, or "".
func (s shaped) origin(key string) string {
	for _, d := range s {
		if d.key == key {
			return "recommended for " + d.because
		}
	}
	return ""
}

// report lists the defaults the recommendation set and no given answer
// overrode.
func (s shaped) report(w io.Writer, given answers.Set) {
	var lines []string
	for _, d := range s {
		if _, ok := given[d.key]; ok {
			continue
		}
		lines = append(lines, fmt.Sprintf("  %s=%v (for %s)", d.key, d.value, d.because))
	}
	if len(lines) > 0 {
		fmt.Fprintf(w, "Defaults from the recommendation (--set wins):\n%s\n\n", strings.Join(lines, "\n"))
	}
}

// reviewInfo is what the summary shows besides the template's answers.
type reviewInfo struct {
	target     string
	tmpl       *source.Template
	rec        *recommend.Result
	recAnswers recommend.Answers
	shaped     shaped
	given      answers.Set
	dryRun     bool
	// verdict says the project records a verdict (the recommendation step
	// ran, or a replayed project had one), which a changed recommendation
	// answer then scores again.
	verdict bool
}

const (
	reviewWrite  = "Write the project"
	reviewDryRun = "List the files (dry run: nothing is written)"
	reviewChange = "Change an answer"
	reviewCancel = "Cancel (nothing is written)"
)

// review shows every answer and lets the person write, change an answer
// and see the summary again, or cancel. It returns info brought up to date:
// given holds every answer to render from, and a changed recommendation
// answer is in recAnswers, rec and shaped.
func review(c *cobra.Command, d *Deps, req generate.Request, current map[string]any, info reviewInfo) (reviewInfo, error) {
	for {
		writeSummary(d.Err, info, current, d.width())
		question, write := fmt.Sprintf("Write %s now?", info.target), reviewWrite
		if info.dryRun {
			question, write = fmt.Sprintf("List what %s would get?", info.target), reviewDryRun
		}
		choice, err := d.Prompter.Select(question,
			"Change any answer before anything is written; cancelling writes nothing.",
			[]string{write, reviewChange, reviewCancel}, write)
		if err != nil {
			return info, err
		}
		switch choice {
		case reviewCancel:
			return info, fail.ErrCancelled
		case reviewWrite, reviewDryRun:
			info.given = settle(info.given, current)
			return info, nil
		}
		key, err := pickAnswer(d, info, current)
		if err != nil {
			return info, err
		}
		if recommend.IsKey(key) {
			if info, current, err = changeRecommendation(c, d, req, info, current, key); err != nil {
				return info, err
			}
			continue
		}
		again := req
		again.Given = settle(info.given, current)
		for _, k := range dependents(info.tmpl, key) {
			delete(again.Given, k)
		}
		delete(again.Given, key)
		again.Defaults = info.shaped.values()
		again.Defaults[key] = current[key]
		counter := &countingPrompter{Prompter: d.Prompter}
		again.Prompter = counter
		gen, err := generate.Generate(c.Context(), again)
		if err != nil {
			return info, err
		}
		if counter.asked == 0 {
			q, _ := info.tmpl.Question(key)
			fmt.Fprintf(d.Err, "%s is not asked with the other answers as they are (it is asked when %s).\n", key, q.When)
		}
		current = gen.Answers
	}
}

// settle lays the template's answers over the given ones, which keep the
// recommendation's keys.
func settle(given answers.Set, current map[string]any) answers.Set {
	out := answers.Set{}
	for k, v := range given {
		out[k] = v
	}
	for k, v := range current {
		out[k] = v
	}
	return out
}

// dependents are the questions after key whose condition or default reads
// it: changing key asks or derives them again.
func dependents(t *source.Template, key string) []string {
	ref := regexp.MustCompile(`\.` + regexp.QuoteMeta(key) + `\b`)
	var out []string
	after := false
	for _, q := range t.Questions {
		if q.Key == key {
			after = true
			continue
		}
		if after && (ref.MatchString(q.When) || ref.MatchString(q.Default.Value)) {
			out = append(out, q.Key)
		}
	}
	return out
}

// changeRecommendation asks recommendation question key again, scores the
// answers again when the project records a verdict, and lets the template
// answers that followed the recommendation's defaults follow the new ones.
func changeRecommendation(c *cobra.Command, d *Deps, req generate.Request, info reviewInfo, current map[string]any, key string) (reviewInfo, map[string]any, error) {
	var q recommend.Question
	for _, rq := range recommend.Questions() {
		if rq.Key == key {
			q = rq
		}
	}
	v, err := askRecommendationFrom(d, q, info.recAnswers[key])
	if err != nil {
		return info, current, err
	}
	ra := recommend.Answers{}
	for k, a := range info.recAnswers {
		ra[k] = a
	}
	given := settle(info.given, nil)
	delete(ra, key)
	delete(given, key)
	if v != "" {
		ra[key], given[key] = v, v
	}
	if info.verdict {
		res, err := recommend.Recommend(ra)
		if err != nil {
			return info, current, fail.Invalid(err)
		}
		info.rec = &res
		if res.Framework != info.tmpl.Name && (info.tmpl.Name == "flask" || info.tmpl.Name == "django") {
			fmt.Fprintf(d.Err, "The recommendation is now %s; this project stays on %s (start again to switch).\n",
				res.Framework, info.tmpl.Name)
		}
	}
	old := info.shaped
	info.recAnswers, info.given, info.shaped = ra, given, shapeDefaults(info.tmpl, ra)

	// An answer still at the default the old answers gave (the recommended
	// one, else the template's) takes the new default; one a person chose
	// stays.
	again := req
	again.Given = settle(given, current)
	for _, k := range append(old.keys(), info.shaped.keys()...) {
		if _, chosen := given[k]; chosen {
			continue
		}
		was, ok := old.value(k)
		if !ok {
			q, _ := info.tmpl.Question(k)
			was = defaultOf(q)
		}
		if fmt.Sprint(current[k]) == fmt.Sprint(was) {
			delete(again.Given, k)
		}
	}
	again.Defaults, again.Prompter = info.shaped.values(), nil
	gen, err := generate.Generate(c.Context(), again)
	if err != nil {
		return info, current, err
	}
	return info, gen.Answers, nil
}

func pickAnswer(d *Deps, info reviewInfo, current map[string]any) (string, error) {
	var options []string
	byOption := map[string]string{}
	// Clipped so that "? Which answer? KEY: VALUE" stays on one line.
	add := func(key, value string) {
		opt := clip(fmt.Sprintf("%s: %s", key, value), min(d.width(), 80)-20)
		options = append(options, opt)
		byOption[opt] = key
	}
	if info.verdict || len(info.recAnswers) > 0 {
		for _, k := range recommend.Keys() {
			v, ok := info.recAnswers[k]
			if !ok {
				v = noPreference
			}
			add(k, v)
		}
	}
	for _, q := range info.tmpl.Questions {
		add(q.Key, shown(&q, current[q.Key]))
	}
	first := len(options) - len(info.tmpl.Questions)
	got, err := d.Prompter.Select("Which answer?", "", options, options[first])
	if err != nil {
		return "", err
	}
	return byOption[got], nil
}

// writeSummary prints every answer, one per line, within width columns.
func writeSummary(w io.Writer, info reviewInfo, current map[string]any, width int) {
	var b strings.Builder
	fmt.Fprintf(&b, "\nReview: %s, with the %s\n", info.target, generate.Describe(info.tmpl))
	keyWidth := 0
	for _, q := range info.tmpl.Questions {
		keyWidth = max(keyWidth, len(q.Key))
	}
	var recKeys []string
	for _, k := range recommend.Keys() {
		if _, ok := info.recAnswers[k]; ok {
			recKeys = append(recKeys, k)
			keyWidth = max(keyWidth, len(k))
		}
	}
	line := func(key, value, note string) {
		if note != "" {
			value += "  (" + note + ")"
		}
		fmt.Fprintf(&b, "  %-*s  %s\n", keyWidth, key, clip(value, width-keyWidth-4))
	}
	if info.rec != nil || len(recKeys) > 0 {
		b.WriteString("\n")
		if info.rec != nil {
			b.WriteString(clip(recommend.Verdict(*info.rec), width) + "\n")
		}
		for _, k := range recKeys {
			line(k, info.recAnswers[k], "")
		}
	}
	b.WriteString("\n")
	for _, q := range info.tmpl.Questions {
		note := ""
		if _, given := info.given[q.Key]; !given {
			if o := info.shaped.origin(q.Key); o != "" && slices.Contains(shapedKeys(info.shaped, current), q.Key) {
				note = o
			}
		}
		line(q.Key, shown(&q, current[q.Key]), note)
	}
	b.WriteString("\n")
	_, _ = io.WriteString(w, b.String())
}

// shapedKeys are the shaped defaults that the current answers still hold.
func shapedKeys(s shaped, current map[string]any) []string {
	var out []string
	for _, d := range s {
		if fmt.Sprint(current[d.key]) == fmt.Sprint(d.value) {
			out = append(out, d.key)
		}
	}
	return out
}

// clip shortens s to n columns with an ellipsis; the summary is one line per
// answer whatever the width.
func clip(s string, n int) string {
	r := []rune(s)
	if n < 8 || len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// shown is an answer as the review shows it: never a secret's value, which
// may be a key or a token.
func shown(q *manifest.Question, v any) string {
	if q.Secret {
		return "(secret, not shown)"
	}
	return showValue(v)
}

func showValue(v any) string {
	switch x := v.(type) {
	case bool:
		if x {
			return "yes"
		}
		return "no"
	case []string:
		if len(x) == 0 {
			return "(none)"
		}
		return strings.Join(x, ", ")
	case string:
		if x == "" {
			return `""`
		}
		return x
	}
	return fmt.Sprint(v)
}

// countingPrompter counts the questions asked through it.
type countingPrompter struct {
	prompt.Prompter
	asked int
}

func (p *countingPrompter) Input(msg, help, def string, validate func(string) error) (string, error) {
	p.asked++
	return p.Prompter.Input(msg, help, def, validate)
}

func (p *countingPrompter) Secret(msg, help string, keepsDefault bool, validate func(string) error) (string, error) {
	p.asked++
	return p.Prompter.Secret(msg, help, keepsDefault, validate)
}

func (p *countingPrompter) Confirm(msg, help string, def bool) (bool, error) {
	p.asked++
	return p.Prompter.Confirm(msg, help, def)
}

func (p *countingPrompter) Select(msg, help string, options []string, def string) (string, error) {
	p.asked++
	return p.Prompter.Select(msg, help, options, def)
}

func (p *countingPrompter) MultiSelect(msg, help string, options, def []string) ([]string, error) {
	p.asked++
	return p.Prompter.MultiSelect(msg, help, options, def)
}
