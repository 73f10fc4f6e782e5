package recommend

import (
	"encoding/json"
	"errors"
	"reflect"
	"sort"
	"strings"
	"testing"
)

func TestJSONShape(t *testing.T) {
	for _, a := range []Answers{{}, {"use_case": "web_app"}, {"use_case": "cms", "needs_admin": "true"}} {
		r, err := Recommend(a)
		if err != nil {
			t.Fatal(err)
		}
		data, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		var keys []string
		for k := range doc {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if want := []string{"alternatives", "confidence", "framework", "reasons", "scores"}; !reflect.DeepEqual(keys, want) {
			t.Fatalf("%v: keys %v, want %v", a, keys, want)
		}
		for _, k := range []string{"framework", "confidence"} {
			if _, ok := doc[k].(string); !ok {
				t.Errorf("%v: %s is %T", a, k, doc[k])
			}
		}
		scores, ok := doc["scores"].(map[string]any)
		if !ok || len(scores) != 2 {
			t.Fatalf("%v: scores = %#v", a, doc["scores"])
		}
		for _, fw := range []string{"flask", "django"} {
			if _, ok := scores[fw].(float64); !ok {
				t.Errorf("%v: scores.%s is %T", a, fw, scores[fw])
			}
		}
		// [] rather than null: consumers iterate without a nil check.
		for _, k := range []string{"reasons", "alternatives"} {
			if _, ok := doc[k].([]any); !ok {
				t.Errorf("%v: %s is %T (%s), want an array", a, k, doc[k], data)
			}
		}
		for _, item := range doc["reasons"].([]any) {
			reason, ok := item.(map[string]any)
			if !ok || len(reason) != 5 {
				t.Fatalf("%v: reason %#v", a, item)
			}
			for _, k := range []string{"factor", "answer", "favors", "why"} {
				if _, ok := reason[k].(string); !ok {
					t.Errorf("%v: reason.%s is %T", a, k, reason[k])
				}
			}
			if _, ok := reason["weight"].(float64); !ok {
				t.Errorf("%v: reason.weight is %T", a, reason["weight"])
			}
		}
		for _, item := range doc["alternatives"].([]any) {
			if _, ok := item.(string); !ok {
				t.Errorf("%v: alternative %#v is not a string", a, item)
			}
		}
	}
}

func TestValidate(t *testing.T) {
	if err := Validate(Answers{}); err != nil {
		t.Errorf("empty answers: %v", err)
	}
	if err := Validate(Answers{"use_case": "cms", "needs_admin": "false", "control": "high"}); err != nil {
		t.Errorf("valid answers: %v", err)
	}
	allKeys := "use_case, project_size, team_experience, needs_admin, needs_auth, api_style, security_critical, timeline, control"
	cases := []struct {
		answers Answers
		key     string
		value   string
		allowed []string
		msg     string
	}{
		{Answers{"project_size": "huge"}, "project_size", "huge", []string{"small", "medium", "large"},
			`invalid value "huge" for project_size: allowed values are small, medium, large`},
		{Answers{"colour": "red", "use_case": "cms"}, "colour", "", Keys(),
			`unknown answer key "colour": recommendation keys are ` + allKeys},
		// Unknown keys come first and in sorted order, so the message is stable.
		{Answers{"zeta": "1", "alpha": "2", "project_size": "huge"}, "alpha", "", Keys(),
			`unknown answer key "alpha": recommendation keys are ` + allKeys},
		{Answers{"needs_admin": "maybe"}, "needs_admin", "maybe", []string{"true", "false"},
			`invalid value "maybe" for needs_admin: allowed values are true/false, yes/no, y/n, on/off, 1/0 (any case)`},
		{Answers{"project_size": "lage"}, "project_size", "lage", []string{"small", "medium", "large"},
			`invalid value "lage" for project_size: allowed values are small, medium, large; did you mean "large"?`},
		{Answers{"use_cse": "cms"}, "use_cse", "", Keys(),
			`unknown answer key "use_cse": did you mean "use_case"? recommendation keys are ` + allKeys},
		{Answers{"use_case": ""}, "use_case", "", []string{"api", "microservice", "ml_serving", "prototype",
			"learning", "web_app", "cms", "ecommerce", "saas", "social", "enterprise"},
			`invalid value "" for use_case: allowed values are api, microservice, ml_serving, prototype, ` +
				`learning, web_app, cms, ecommerce, saas, social, enterprise`},
	}
	for _, c := range cases {
		for name, err := range map[string]error{"Validate": Validate(c.answers), "Recommend": recommendErr(c.answers)} {
			var ie *InvalidError
			if !errors.As(err, &ie) {
				t.Fatalf("%s(%v) = %v, want *InvalidError", name, c.answers, err)
			}
			if ie.Key != c.key || ie.Value != c.value || !reflect.DeepEqual(ie.Allowed, c.allowed) {
				t.Errorf("%s(%v) = %+v", name, c.answers, *ie)
			}
			if ie.Error() != c.msg {
				t.Errorf("%s(%v) message\n got %s\nwant %s", name, c.answers, ie.Error(), c.msg)
			}
		}
	}
}

func recommendErr(a Answers) error {
	_, err := Recommend(a)
	return err
}

func TestQuestionsAndKeys(t *testing.T) {
	qs := Questions()
	keys := Keys()
	if len(qs) != 9 || len(keys) != 9 || qs[0].Key != "use_case" {
		t.Fatalf("got %d questions, %d keys, first %q", len(qs), len(keys), qs[0].Key)
	}
	for i, q := range qs {
		if q.Key != keys[i] || !IsKey(q.Key) {
			t.Errorf("question %d is %s, key %s", i, q.Key, keys[i])
		}
		if q.Prompt == "" || q.Help == "" || strings.Contains(q.Help, "\n") || len(q.Values) == 0 {
			t.Errorf("%s: incomplete question %+v", q.Key, q)
		}
		for _, v := range q.Values {
			if q.Labels[v] == "" {
				t.Errorf("%s: no label for %s", q.Key, v)
			}
		}
	}
	if IsKey("colour") || IsKey("project_name") || IsKey("") {
		t.Error("IsKey accepts a non-recommendation key")
	}
	// Callers get copies: editing them must not change the package's data.
	qs[0].Values[0] = "changed"
	qs[0].Labels["api"] = "changed"
	keys[0] = "changed"
	if q := Questions()[0]; q.Values[0] != "api" || q.Labels["api"] == "changed" || Keys()[0] != "use_case" {
		t.Error("Questions or Keys share state with the caller")
	}
}

func TestDeterministic(t *testing.T) {
	a := Answers{"use_case": "saas", "needs_auth": "true", "needs_admin": "true", "api_style": "crud", "control": "high"}
	first, _ := Recommend(a)
	for range 20 {
		again, _ := Recommend(a)
		if !reflect.DeepEqual(first, again) {
			t.Fatalf("results differ:\n%+v\n%+v", first, again)
		}
	}
	for i := 1; i < len(first.Reasons); i++ {
		if first.Reasons[i].Weight > first.Reasons[i-1].Weight {
			t.Fatalf("reasons not strongest first: %+v", first.Reasons)
		}
	}
}

func TestConfidence(t *testing.T) {
	cases := []struct {
		win, lose int
		want      string
	}{
		{0, 0, "low"}, {3, 3, "low"}, {2, 0, "low"}, {5, 3, "low"}, {22, 18, "low"},
		{3, 0, "medium"}, {4, 0, "medium"}, {6, 3, "medium"}, {14, 9, "medium"},
		{5, 0, "high"}, {8, 0, "high"}, {10, 3, "high"}, {10, 5, "high"},
	}
	for _, c := range cases {
		if got := confidence(c.win, c.lose); got != c.want {
			t.Errorf("confidence(%d, %d) = %s, want %s", c.win, c.lose, got, c.want)
		}
	}
}

func TestCloseCall(t *testing.T) {
	r, _ := Recommend(Answers{})
	if r.Framework != "flask" || r.Confidence != "low" {
		t.Fatalf("no answers: %s/%s, want flask/low", r.Framework, r.Confidence)
	}
	text := strings.Join(r.Close, " ")
	// The biggest unanswered weights for each side are the use-case verdicts.
	for _, want := range []string{"use_case=cms (+5)", "use_case=microservice (+5)", "default is Flask"} {
		if !strings.Contains(text, want) {
			t.Errorf("close text lacks %q: %s", want, text)
		}
	}

	// Only unanswered keys are suggested, and combined rules count: with a
	// CRUD API already chosen, needs_admin=true adds the admin rule and the
	// CRUD+admin rule.
	r, _ = Recommend(Answers{"use_case": "ml_serving", "api_style": "crud"})
	if r.Confidence != "low" {
		t.Fatalf("ml_serving+crud: confidence %s, scores %v", r.Confidence, r.Scores)
	}
	text = strings.Join(r.Close, " ")
	if strings.Contains(text, "use_case=") || strings.Contains(text, "api_style=") {
		t.Errorf("close text suggests an answered key: %s", text)
	}
	if !strings.Contains(text, "needs_admin=true (+5)") || !strings.Contains(text, "flask 5, django 3") {
		t.Errorf("close text: %s", text)
	}

	r, _ = Recommend(Answers{"use_case": "cms", "needs_admin": "true"})
	if r.Close != nil {
		t.Errorf("high confidence result has close text %q", r.Close)
	}
}

// Recommendation bools take the one grammar template bools take, so that
// needs_auth=yes means what docker=yes means.
func TestBoolWords(t *testing.T) {
	want, err := Recommend(Answers{"needs_admin": "true", "needs_auth": "false"})
	if err != nil {
		t.Fatal(err)
	}
	for _, pair := range [][2]string{{"yes", "no"}, {"Y", "N"}, {"on", "OFF"}, {"1", "0"}, {"TRUE", "False"}} {
		got, err := Recommend(Answers{"needs_admin": pair[0], "needs_auth": pair[1]})
		if err != nil {
			t.Errorf("%v: %v", pair, err)
			continue
		}
		if !reflect.DeepEqual(got.Scores, want.Scores) || len(got.Reasons) != len(want.Reasons) {
			t.Errorf("%v scores %v, want %v as for true/false", pair, got.Scores, want.Scores)
		}
		for _, r := range got.Reasons {
			if r.Answer != "true" && r.Answer != "false" {
				t.Errorf("%v: reason answer %q, want the canonical true or false", pair, r.Answer)
			}
		}
	}
}
