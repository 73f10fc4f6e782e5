package recommend

import (
	"strings"
	"testing"
)

// criteriaLean restates the criteria table's "leans Flask/Django when"
// columns independently of rules.yaml, so that a rule pointing the wrong way
// (or an invented one) is caught. "" means the criteria give no lean.
var criteriaLean = map[string]map[string]string{
	"use_case": {
		"api": "flask", "microservice": "flask", "ml_serving": "flask", "prototype": "flask",
		"learning": "flask", "web_app": "", "cms": "django", "ecommerce": "django",
		"saas": "django", "social": "django", "enterprise": "django",
	},
	"project_size":      {"small": "flask", "medium": "django", "large": "django"},
	"team_experience":   {"beginner": "flask", "intermediate": "", "experienced": "django"},
	"needs_admin":       {"true": "django", "false": "flask"},
	"needs_auth":        {"true": "django", "false": "flask"},
	"api_style":         {"none": "", "crud": "django", "custom": "flask"},
	"security_critical": {"true": "django", "false": "flask"},
	"timeline":          {"tight": "django", "normal": ""},
	"control":           {"low": "django", "normal": "", "high": "flask"},
}

func TestEachFactorAlone(t *testing.T) {
	for _, q := range Questions() {
		leans, ok := criteriaLean[q.Key]
		if !ok || len(leans) != len(q.Values) {
			t.Fatalf("criteriaLean does not cover %s exactly", q.Key)
		}
		for _, v := range q.Values {
			want, ok := leans[v]
			if !ok {
				t.Fatalf("criteriaLean has no entry for %s=%s", q.Key, v)
			}
			r, err := Recommend(Answers{q.Key: v})
			if err != nil {
				t.Fatal(err)
			}
			if want == "" {
				if r.Scores["flask"] != 0 || r.Scores["django"] != 0 || len(r.Reasons) != 0 {
					t.Errorf("%s=%s: criteria give no lean, got scores %v", q.Key, v, r.Scores)
				}
				continue
			}
			other := "django"
			if want == "django" {
				other = "flask"
			}
			if r.Framework != want || r.Scores[want] <= 0 || r.Scores[other] != 0 {
				t.Errorf("%s=%s: got %s with scores %v, want only %s", q.Key, v, r.Framework, r.Scores, want)
			}
			for _, reason := range r.Reasons {
				if reason.Favors != want || reason.Factor != q.Key || reason.Answer != v {
					t.Errorf("%s=%s: unexpected reason %+v", q.Key, v, reason)
				}
			}
		}
	}
}

func singleRuleWeight(key, value string) int {
	for _, r := range rules() {
		if r.factor == key && r.answer == value {
			return r.weight
		}
	}
	return 0
}

// The guides' outright verdicts must outweigh every softer factor, and the
// contested prototype verdict must weigh less than the uncontested ones.
func TestVerdictsOutweighSofterFactors(t *testing.T) {
	verdicts := []string{"cms", "ecommerce", "saas", "social", "enterprise", "microservice", "ml_serving", "learning"}
	minVerdict := 0
	for _, v := range verdicts {
		w := singleRuleWeight("use_case", v)
		if w == 0 {
			t.Fatalf("no rule for use_case=%s", v)
		}
		if minVerdict == 0 || w < minVerdict {
			minVerdict = w
		}
	}
	isVerdict := map[string]bool{}
	for _, v := range verdicts {
		isVerdict[v] = true
	}
	for _, r := range rules() {
		if r.factor == "use_case" && isVerdict[r.answer] {
			continue
		}
		if r.weight >= minVerdict {
			t.Errorf("rule %s=%s weighs %d, not less than the verdicts' %d", r.factor, r.answer, r.weight, minVerdict)
		}
	}
	if p := singleRuleWeight("use_case", "prototype"); p == 0 || p >= singleRuleWeight("use_case", "api") {
		t.Errorf("prototype weighs %d: contested, it should weigh least of the Flask use cases", p)
	}
	r, err := Recommend(Answers{"use_case": "prototype"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(r.Alternatives, " "), "one guide argues Django") {
		t.Errorf("prototype alternatives %q lack the contested note", r.Alternatives)
	}
}

// Combined rules exist where the criteria say a combination goes its own way.
func TestCombinedRules(t *testing.T) {
	r, _ := Recommend(Answers{"use_case": "api", "api_style": "crud"})
	if r.Framework != "django" {
		t.Errorf("CRUD REST API: got %s %v, want django", r.Framework, r.Scores)
	}
	r, _ = Recommend(Answers{"use_case": "api"})
	if r.Framework != "flask" {
		t.Errorf("API alone: got %s %v, want flask", r.Framework, r.Scores)
	}
	r, _ = Recommend(Answers{"api_style": "crud", "needs_auth": "true"})
	found := false
	for _, reason := range r.Reasons {
		found = found || (reason.Factor == "api_style+needs_auth" && reason.Answer == "crud+true")
	}
	if !found {
		t.Errorf("no combined api_style+needs_auth reason in %+v", r.Reasons)
	}
}

func TestReasonsOrder(t *testing.T) {
	r, err := Recommend(Answers{"use_case": "api", "api_style": "crud", "needs_auth": "true"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, reason := range r.Reasons {
		got = append(got, reason.Factor+"="+reason.Answer)
	}
	// Weight first; equal weights keep rules.yaml order.
	want := "use_case=api api_style=crud use_case+api_style=api+crud needs_auth=true api_style+needs_auth=crud+true"
	if strings.Join(got, " ") != want {
		t.Errorf("reasons order\n got %s\nwant %s", strings.Join(got, " "), want)
	}
}

func TestLoadRulesRejects(t *testing.T) {
	bad := map[string]string{
		"unknown key":    "- {when: {colour: red}, favors: flask, weight: 1, why: x.}",
		"bad value":      "- {when: {project_size: huge}, favors: flask, weight: 1, why: x.}",
		"empty when":     "- {when: {}, favors: flask, weight: 1, why: x.}",
		"bad favors":     "- {when: {project_size: small}, favors: fastapi, weight: 1, why: x.}",
		"zero weight":    "- {when: {project_size: small}, favors: flask, weight: 0, why: x.}",
		"negative":       "- {when: {project_size: small}, favors: flask, weight: -2, why: x.}",
		"empty why":      "- {when: {project_size: small}, favors: flask, weight: 1, why: ''}",
		"unknown field":  "- {when: {project_size: small}, favors: flask, weight: 1, why: x., extra: 1}",
		"repeated key":   "- {when: {project_size: small, project_size: large}, favors: flask, weight: 1, why: x.}",
		"list value":     "- {when: {project_size: [small]}, favors: flask, weight: 1, why: x.}",
		"when not a map": "- {when: [project_size], favors: flask, weight: 1, why: x.}",
		"swapped dup":    "- {when: {api_style: crud, needs_admin: true}, favors: django, weight: 1, why: x.}\n- {when: {needs_admin: true, api_style: crud}, favors: django, weight: 1, why: y.}",
		"duplicate rule": "- {when: {project_size: small}, favors: flask, weight: 1, why: x.}\n- {when: {project_size: small}, favors: flask, weight: 2, why: y.}",
	}
	for name, data := range bad {
		if _, err := loadRules([]byte(data)); err == nil {
			t.Errorf("%s: loadRules accepted %q", name, data)
		}
	}
	if _, err := loadRules([]byte("- {when: {needs_admin: true, api_style: crud}, favors: django, weight: 2, why: x.}")); err != nil {
		t.Errorf("valid combined rule rejected: %v", err)
	}
}

func TestRulesAreWellFormed(t *testing.T) {
	if len(rules()) == 0 {
		t.Fatal("no rules loaded")
	}
	for _, r := range rules() {
		if !strings.HasSuffix(r.why, ".") || strings.Count(r.why, ". ") > 0 {
			t.Errorf("%s=%s: why should be one sentence: %q", r.factor, r.answer, r.why)
		}
	}
}
