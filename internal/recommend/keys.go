package recommend

import (
	"fmt"
	"sort"
	"strings"
)

// Answers maps answer keys to values as strings ("true"/"false" for
// booleans). A missing key means no preference.
type Answers map[string]string

// Question describes one recommendation key for an interactive prompt.
type Question struct {
	Key    string
	Prompt string
	Help   string
	// Values lists the allowed values in display order. "No preference" is
	// not among them: leaving the key out is how that is expressed.
	Values []string
	Labels map[string]string
}

// questions is the single source for the keys, their allowed values and the
// asking order; the order follows the contract's table, which already starts
// with the most decisive question (use_case).
var questions = []Question{
	{
		Key:    "use_case",
		Prompt: "What are you building?",
		Help:   "The guides give outright verdicts by kind of project; it weighs most.",
		Values: []string{"api", "microservice", "ml_serving", "prototype", "learning", "web_app",
			"cms", "ecommerce", "saas", "social", "enterprise"},
		Labels: map[string]string{
			"api":          "An API service",
			"microservice": "A microservice",
			"ml_serving":   "An ML model served behind an API",
			"prototype":    "A prototype or MVP",
			"learning":     "A project to learn web development",
			"web_app":      "A general web application",
			"cms":          "A CMS or content platform",
			"ecommerce":    "An online shop",
			"saas":         "A SaaS product (multi-tenant, billing, dashboards)",
			"social":       "A social network, forum or portal",
			"enterprise":   "An enterprise app (roles, admin, complex models)",
		},
	},
	{
		Key:    "project_size",
		Prompt: "How big will the project get?",
		Help:   "Small, clearly scoped projects suit Flask; medium to large, long-lived ones suit Django.",
		Values: []string{"small", "medium", "large"},
		Labels: map[string]string{
			"small":  "Small, clear limited scope",
			"medium": "Medium",
			"large":  "Large, many features, long-lived",
		},
	},
	{
		Key:    "team_experience",
		Prompt: "How experienced is the team with Python web development?",
		Help:   "Newcomers mostly start with Flask; experienced teams slightly prefer Django.",
		Values: []string{"beginner", "intermediate", "experienced"},
		Labels: map[string]string{
			"beginner":     "Beginners",
			"intermediate": "Intermediate",
			"experienced":  "Experienced",
		},
	},
	{
		Key:    "needs_admin",
		Prompt: "Do you need an admin panel?",
		Help:   "Django ships one; Flask needs Flask-Admin.",
		Values: []string{"true", "false"},
		Labels: map[string]string{"true": "Yes", "false": "No"},
	},
	{
		Key:    "needs_auth",
		Prompt: "Do you need user accounts, login and roles?",
		Help:   "Django has accounts, permissions and roles built in; Flask adds them with extensions.",
		Values: []string{"true", "false"},
		Labels: map[string]string{"true": "Yes", "false": "No"},
	},
	{
		Key:    "api_style",
		Prompt: "What kind of API will it expose?",
		Help:   "CRUD over relational models is DRF's strength; custom logic and proxies fit Flask.",
		Values: []string{"none", "crud", "custom"},
		Labels: map[string]string{
			"none":   "No API",
			"crud":   "CRUD over relational models",
			"custom": "Custom logic, aggregation or proxies",
		},
	},
	{
		Key:    "security_critical",
		Prompt: "Is security critical (regulated domain, or no security specialists)?",
		Help:   "Django turns CSRF, XSS, SQL injection and clickjacking protection on by default.",
		Values: []string{"true", "false"},
		Labels: map[string]string{"true": "Yes", "false": "No"},
	},
	{
		Key:    "timeline",
		Prompt: "How tight is the timeline?",
		Help:   "For a full-featured app on a tight deadline, Django's built-ins save weeks.",
		Values: []string{"tight", "normal"},
		Labels: map[string]string{"tight": "Tight deadline", "normal": "Normal"},
	},
	{
		Key:    "control",
		Prompt: "How much control over each component do you need?",
		Help:   "Flask lets you choose every piece; Django trades that for conventions.",
		Values: []string{"low", "normal", "high"},
		Labels: map[string]string{
			"low":    "Low: prefer conventions, fewer decisions",
			"normal": "Normal",
			"high":   "High: choose every component",
		},
	},
}

// keyIndex and valueIndex let the scorer work on small integer vectors
// instead of maps; the exhaustive monotonicity test depends on that speed.
// They are built by initialisers rather than init() because the rule table,
// also a package variable, needs them while it loads.
var keyIndex, valueIndex = buildIndexes()

func buildIndexes() (map[string]int, map[string]map[string]int) {
	keys := map[string]int{}
	values := map[string]map[string]int{}
	for i, q := range questions {
		keys[q.Key] = i
		values[q.Key] = map[string]int{}
		for j, v := range q.Values {
			values[q.Key][v] = j
		}
	}
	return keys, values
}

// Questions returns the recommendation questions in asking order. The result
// is a copy, so callers may modify it freely.
func Questions() []Question {
	out := make([]Question, len(questions))
	for i, q := range questions {
		q.Values = append([]string(nil), q.Values...)
		labels := make(map[string]string, len(q.Labels))
		for k, v := range q.Labels {
			labels[k] = v
		}
		q.Labels = labels
		out[i] = q
	}
	return out
}

// Keys returns every recommendation key in the contract's order.
func Keys() []string {
	keys := make([]string, len(questions))
	for i, q := range questions {
		keys[i] = q.Key
	}
	return keys
}

// IsKey reports whether key is a recommendation key (as opposed to, say, a
// template key in the same answers file).
func IsKey(key string) bool {
	_, ok := keyIndex[key]
	return ok
}

// InvalidError reports an unknown key (Value empty, Allowed = the keys) or a
// value outside a key's list (Allowed = that key's values).
type InvalidError struct {
	Key     string
	Value   string
	Allowed []string
}

func (e *InvalidError) Error() string {
	if !IsKey(e.Key) {
		return fmt.Sprintf("unknown answer key %q: recommendation keys are %s", e.Key, strings.Join(e.Allowed, ", "))
	}
	return fmt.Sprintf("invalid value %q for %s: allowed values are %s", e.Value, e.Key, strings.Join(e.Allowed, ", "))
}

// Validate returns nil, or an *InvalidError for the first problem found.
// Unknown keys are reported before bad values, each in a fixed order, so the
// same input always yields the same message. Values are matched exactly: an
// empty string is not "no preference" (leave the key out for that).
func Validate(a Answers) error {
	var unknown []string
	for k := range a {
		if !IsKey(k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return &InvalidError{Key: unknown[0], Allowed: Keys()}
	}
	for _, q := range questions {
		v, ok := a[q.Key]
		if !ok {
			continue
		}
		if _, ok := valueIndex[q.Key][v]; !ok {
			return &InvalidError{Key: q.Key, Value: v, Allowed: append([]string(nil), q.Values...)}
		}
	}
	return nil
}

// unset marks a key with no answer in a vector.
const unset = -1

// vector turns validated answers into one value index per key.
func vector(a Answers) []int {
	vals := make([]int, len(questions))
	for i, q := range questions {
		vals[i] = unset
		if v, ok := a[q.Key]; ok {
			vals[i] = valueIndex[q.Key][v]
		}
	}
	return vals
}

// Pick takes the recommendation's keys out of a set of answers that may hold
// template keys too, as text.
func Pick(given map[string]any) Answers {
	out := Answers{}
	for _, k := range Keys() {
		if v, ok := given[k]; ok {
			out[k] = fmt.Sprint(v)
		}
	}
	return out
}
