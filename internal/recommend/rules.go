package recommend

import (
	"bytes"
	_ "embed"
	"fmt"
	"sort"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

//go:embed rules.yaml
var rulesYAML []byte

const (
	flask  = 0
	django = 1
)

var frameworks = [2]string{"flask", "django"}

type condition struct{ key, value int }

type rule struct {
	when   []condition // in the order rules.yaml writes them, which is how Factor/Answer read
	favors int
	weight int
	why    string
	factor string
	answer string
}

// rules are loaded on first use, not at start-up, so commands that never
// recommend (fwgen version, fwgen new) do not pay for parsing them. A broken
// rules.yaml is a build defect, and the tests load it too, so the panic
// cannot reach a user unnoticed.
var rules = sync.OnceValue(func() []rule { return mustLoadRules(rulesYAML) })

func mustLoadRules(data []byte) []rule {
	rs, err := loadRules(data)
	if err != nil {
		panic("recommend: rules.yaml: " + err.Error())
	}
	return rs
}

type rawRule struct {
	When   yaml.Node `yaml:"when"` // a node, not a map, to keep the written key order
	Favors string    `yaml:"favors"`
	Weight int       `yaml:"weight"`
	Why    string    `yaml:"why"`
}

func loadRules(data []byte) ([]rule, error) {
	var raw []rawRule
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&raw); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	out := make([]rule, 0, len(raw))
	for n, r := range raw {
		where := fmt.Sprintf("rule %d", n+1)
		if r.When.Kind != yaml.MappingNode || len(r.When.Content) == 0 {
			return nil, fmt.Errorf("%s: when must be a non-empty mapping", where)
		}
		var rl rule
		used := map[int]bool{}
		for i := 0; i+1 < len(r.When.Content); i += 2 {
			k, v := r.When.Content[i].Value, r.When.Content[i+1].Value
			ki, ok := keyIndex[k]
			if !ok {
				return nil, fmt.Errorf("%s: unknown key %q", where, k)
			}
			vi, ok := valueIndex[k][v]
			if !ok || r.When.Content[i+1].Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("%s: invalid value %q for %s", where, v, k)
			}
			if used[ki] {
				return nil, fmt.Errorf("%s: %s appears twice", where, k)
			}
			used[ki] = true
			rl.when = append(rl.when, condition{ki, vi})
		}
		var factors, answers []string
		for _, c := range rl.when {
			factors = append(factors, questions[c.key].Key)
			answers = append(answers, questions[c.key].Values[c.value])
		}
		rl.factor = strings.Join(factors, "+")
		rl.answer = strings.Join(answers, "+")
		sig := signature(rl.when)
		if seen[sig] {
			return nil, fmt.Errorf("%s: a rule for %s=%s already exists", where, rl.factor, rl.answer)
		}
		seen[sig] = true
		switch r.Favors {
		case "flask":
			rl.favors = flask
		case "django":
			rl.favors = django
		default:
			return nil, fmt.Errorf("%s: favors must be flask or django, not %q", where, r.Favors)
		}
		// Weights must be positive: a rule that subtracted would break the
		// guarantee that answering more questions never costs a side points.
		if r.Weight <= 0 {
			return nil, fmt.Errorf("%s: weight must be positive, not %d", where, r.Weight)
		}
		rl.weight = r.Weight
		rl.why = strings.TrimSpace(r.Why)
		if rl.why == "" {
			return nil, fmt.Errorf("%s: why is empty", where)
		}
		out = append(out, rl)
	}
	return out, nil
}

// signature identifies a rule's conditions regardless of the order written.
func signature(when []condition) string {
	sorted := append([]condition(nil), when...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].key < sorted[j].key })
	return fmt.Sprint(sorted)
}

func (r *rule) fires(vals []int) bool {
	for _, c := range r.when {
		if vals[c.key] != c.value {
			return false
		}
	}
	return true
}

// score is the whole recommender arithmetic: the sum of the weights of the
// rules that fire, per side.
func score(vals []int) (s [2]int) {
	rs := rules()
	for i := range rs {
		if rs[i].fires(vals) {
			s[rs[i].favors] += rs[i].weight
		}
	}
	return s
}
