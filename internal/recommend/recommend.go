// Package recommend turns answers about a Python web project into a Flask or
// Django recommendation. The rules are data (rules.yaml), each one traceable
// to a line of the project's decision criteria.
package recommend

import (
	"fmt"
	"sort"
	"strings"
)

// Result is the recommendation; its JSON is the contract's
// `fwgen recommend --json` document.
type Result struct {
	Framework    string         `json:"framework"`
	Confidence   string         `json:"confidence"`
	Scores       map[string]int `json:"scores"`
	Reasons      []Reason       `json:"reasons"`
	Alternatives []string       `json:"alternatives"`
	// Close explains a low-confidence call; it is for the text output only.
	Close []string `json:"-"`

	// answered lets the text output tell "no answers" from "answers with no
	// lean" without putting the answers into the contract's JSON.
	answered bool
}

// Reason is one rule that fired.
type Reason struct {
	Factor string `json:"factor"`
	Answer string `json:"answer"`
	Favors string `json:"favors"`
	Weight int    `json:"weight"`
	Why    string `json:"why"`
}

// Confidence thresholds on the winner's and loser's scores. A margin of 1–2
// points is within one soft factor, so it is low; "high" needs both a clear
// margin (an outright verdict's weight) and the winner at least double the
// loser, so that 14 vs 9 is not called high just because 5 points separate
// them. lowRatio makes a margin under a fifth of the total low as well.
const (
	lowMaxMargin  = 2
	lowRatio      = 5
	highMinMargin = 5
)

// winner breaks ties towards Flask.
func winner(s [2]int) int {
	if s[django] > s[flask] {
		return django
	}
	return flask
}

func confidence(win, lose int) string {
	margin := win - lose
	switch {
	case win+lose == 0 || margin <= lowMaxMargin || margin*lowRatio < win+lose:
		return "low"
	case margin >= highMinMargin && win >= 2*lose:
		return "high"
	default:
		return "medium"
	}
}

// Recommend validates the answers and scores them against the rules.
// Ties go to Flask: the guides' default for an undecided small project, since
// moving from Flask to Django later is easier than the reverse.
func Recommend(a Answers) (Result, error) {
	if err := Validate(a); err != nil {
		return Result{}, err
	}
	a = Normalize(a)
	vals := vector(a)
	var s [2]int
	reasons := []Reason{}
	rs := rules()
	for i := range rs {
		r := &rs[i]
		if !r.fires(vals) {
			continue
		}
		s[r.favors] += r.weight
		reasons = append(reasons, Reason{
			Factor: r.factor, Answer: r.answer, Favors: frameworks[r.favors], Weight: r.weight, Why: r.why,
		})
	}
	sort.SliceStable(reasons, func(i, j int) bool { return reasons[i].Weight > reasons[j].Weight })

	win := winner(s)
	res := Result{
		Framework:    frameworks[win],
		Confidence:   confidence(s[win], s[1-win]),
		Scores:       map[string]int{"flask": s[flask], "django": s[django]},
		Reasons:      reasons,
		Alternatives: alternatives(a, frameworks[win]),
		answered:     len(a) > 0,
	}
	if res.Confidence == "low" {
		res.Close = closeCall(vals, s)
	}
	return res, nil
}

const prototypeNote = "Prototype/MVP is contested: one guide argues Django for an MVP with a front end."

func alternatives(a Answers, framework string) []string {
	out := []string{}
	switch a["use_case"] {
	case "api", "microservice", "ml_serving":
		if a["api_style"] != "crud" && a["needs_admin"] != "true" {
			out = append(out, "FastAPI: the guides' named alternative for a pure async, API-only service.")
		}
	case "cms":
		out = append(out, "Wagtail (on Django) for CMS and content platforms.")
	case "ecommerce":
		out = append(out, "django-oscar or Saleor (on Django) for the shop itself.")
	case "saas":
		out = append(out, "django-tenants (with DRF) for multi-tenancy.")
	case "prototype":
		out = append(out, prototypeNote)
	}
	if framework == "flask" && a["needs_admin"] == "true" {
		out = append(out, "Flask-Admin to get the admin panel Django would have built in.")
	}
	return out
}

// tip is one unanswered question and the answer to it that would add the
// most to one side.
type tip struct {
	key, value string
	gain       int
}

// maxTips keeps the close-call sentence short enough to read.
const maxTips = 3

// tips finds, for one side, the unanswered keys whose best answer would add
// the most to that side given the answers already there (so combined rules
// count).
func tips(vals []int, base [2]int, side int) []tip {
	var out []tip
	probe := append([]int(nil), vals...)
	for k, q := range questions {
		if vals[k] != unset {
			continue
		}
		best := tip{key: q.Key}
		for v := range q.Values {
			probe[k] = v
			if g := score(probe)[side] - base[side]; g > best.gain {
				best.value, best.gain = q.Values[v], g
			}
		}
		probe[k] = unset
		if best.gain > 0 {
			out = append(out, best)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].gain > out[j].gain })
	if len(out) > maxTips {
		out = out[:maxTips]
	}
	return out
}

func formatTips(ts []tip) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = fmt.Sprintf("%s=%s (+%d)", t.key, t.value, t.gain)
	}
	return strings.Join(parts, ", ")
}

func closeCall(vals []int, s [2]int) []string {
	var out []string
	switch {
	case s[flask]+s[django] == 0:
		out = append(out, "The call is close: nothing answered so far leans either way.")
	case s[flask] == s[django]:
		out = append(out, fmt.Sprintf("The call is close: a tie at %d each, which goes to Flask.", s[flask]))
	default:
		out = append(out, fmt.Sprintf("The call is close: flask %d, django %d.", s[flask], s[django]))
	}
	td, tf := tips(vals, s, django), tips(vals, s, flask)
	switch {
	case len(td) == 0 && len(tf) == 0:
		out = append(out, "No unanswered question would change the scores, so weigh the reasons above yourself.")
	default:
		var parts []string
		if len(td) > 0 {
			parts = append(parts, "towards Django, "+formatTips(td))
		}
		if len(tf) > 0 {
			parts = append(parts, "towards Flask, "+formatTips(tf))
		}
		out = append(out, "What would tip it: "+strings.Join(parts, "; ")+".")
	}
	// The contested-prototype note is already in Alternatives, printed just
	// above these sentences, so it is not repeated here.
	out = append(out, "Undecided on a small project? The guides' default is Flask: moving to Django later "+
		"is the well-trodden path, stripping Django down is harder.")
	return out
}
