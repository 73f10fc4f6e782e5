package recommend

import (
	"os"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

type exampleCase struct {
	Name             string            `yaml:"name"`
	Answers          map[string]string `yaml:"answers"`
	Expect           string            `yaml:"expect"`
	ExpectConfidence string            `yaml:"expect_confidence"`
}

// The shared examples are the reference; the testdata copy keeps the test
// running where the shared tree is absent (a clone of this repository alone).
var examplePaths = []string{
	"../../../shared/examples/recommend-cases.yaml",
	"testdata/recommend-cases.yaml",
}

func TestExampleCases(t *testing.T) {
	var path string
	for _, p := range examplePaths {
		if _, err := os.Stat(p); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		t.Fatal("no recommend-cases.yaml found")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cases []exampleCase
	if err := yaml.Unmarshal(data, &cases); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(cases) == 0 {
		t.Fatalf("%s: no cases", path)
	}
	t.Logf("cases from %s", path)
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			if c.Expect == "" && c.ExpectConfidence == "" {
				t.Fatal("case expects nothing")
			}
			r, err := Recommend(Answers(c.Answers))
			if err != nil {
				t.Fatal(err)
			}
			if c.Expect != "" {
				if r.Framework != c.Expect {
					t.Errorf("framework = %s (scores %v), want %s", r.Framework, r.Scores, c.Expect)
				}
				// "For the right reasons": the strongest reason must point
				// the same way as the verdict, not merely the total.
				if len(r.Reasons) == 0 || r.Reasons[0].Favors != c.Expect {
					t.Errorf("strongest reason %+v does not favour %s", r.Reasons, c.Expect)
				}
			}
			if c.ExpectConfidence != "" && r.Confidence != c.ExpectConfidence {
				t.Errorf("confidence = %s (scores %v), want %s", r.Confidence, r.Scores, c.ExpectConfidence)
			}
		})
	}
}

// The contract's own example must come out high, as the contract shows it.
func TestContractExample(t *testing.T) {
	r, err := Recommend(Answers{"use_case": "cms", "needs_admin": "true"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Framework != "django" || r.Confidence != "high" {
		t.Fatalf("got %s/%s, want django/high", r.Framework, r.Confidence)
	}
	for _, reason := range r.Reasons {
		if reason.Factor == "needs_admin" && reason.Answer == "true" && reason.Favors == "django" {
			return
		}
	}
	t.Fatalf("no needs_admin=true reason in %+v", r.Reasons)
}

type realisticCase struct {
	name       string
	answers    Answers
	framework  string
	confidence string
	// alts are substrings, one per expected alternative; the count must match
	// exactly so that alternatives appear only where they apply.
	alts []string
}

// Expected verdicts, justified from docs/decision-criteria.md.
var realisticCases = []realisticCase{
	// SaaS is an outright Django verdict. High control leans Flask, but it is
	// a factor, not a verdict: it should cost confidence, not flip the call.
	{"experienced team wanting control builds a SaaS",
		Answers{"use_case": "saas", "team_experience": "experienced", "control": "high"},
		"django", "medium", []string{"django-tenants"}},
	// CMS → Django outright; "beginners → Flask" is about learning, a softer
	// pull than the kind of product.
	{"beginner builds a CMS",
		Answers{"use_case": "cms", "team_experience": "beginner"},
		"django", "medium", []string{"Wagtail"}},
	// "A CRUD REST API over a relational database → Django + DRF", and
	// accounts lean Django too, even though "API" alone leans Flask.
	{"CRUD API with accounts",
		Answers{"use_case": "api", "api_style": "crud", "needs_auth": "true"},
		"django", "high", nil},
	// ML serving → Flask outright; wanting an admin leans Django but Flask-Admin
	// covers it. Not high: one strong factor pulls the other way.
	{"small ML endpoint that wants an admin",
		Answers{"use_case": "ml_serving", "needs_admin": "true", "project_size": "small"},
		"flask", "medium", []string{"Flask-Admin"}},
	// Only soft factors, all pointing to Flask: small scope, no accounts, no
	// admin. Clear direction, but nothing outright.
	{"small internal tool without accounts or admin",
		Answers{"use_case": "web_app", "project_size": "small", "needs_auth": "false", "needs_admin": "false"},
		"flask", "medium", nil},
	// Regulated domain, large, accounts and admin: every factor answered leans
	// Django (security defaults on, built-in admin and auth).
	{"regulated fintech portal",
		Answers{"use_case": "web_app", "project_size": "large", "security_critical": "true",
			"needs_auth": "true", "needs_admin": "true"},
		"django", "high", nil},
	// Prototype → Flask is contested and a tight deadline leans Django: a tie,
	// which goes to Flask with low confidence and the contested note.
	{"prototype on a tight deadline",
		Answers{"use_case": "prototype", "timeline": "tight"},
		"flask", "low", []string{"contested"}},
	// E-commerce → Django outright, against two Flask leans (small, beginners):
	// still Django, but close.
	{"small shop built by beginners",
		Answers{"use_case": "ecommerce", "project_size": "small", "team_experience": "beginner"},
		"django", "low", []string{"Saleor"}},
	// Microservice → Flask outright; custom logic, no accounts (gateway) and
	// in-house security expertise all lean Flask; FastAPI worth a mention.
	{"microservice behind a gateway",
		Answers{"use_case": "microservice", "api_style": "custom", "needs_auth": "false", "security_critical": "false"},
		"flask", "high", []string{"FastAPI"}},
	// Enterprise apps with auth, roles, admin → Django outright; a wish for
	// control does not outweigh that.
	{"enterprise app whose team wants control",
		Answers{"use_case": "enterprise", "project_size": "large", "needs_auth": "true",
			"needs_admin": "true", "control": "high"},
		"django", "high", nil},
	// "A custom-logic API, external-API proxy … → Flask", small scope.
	{"small external-API proxy",
		Answers{"use_case": "api", "api_style": "custom", "project_size": "small"},
		"flask", "high", []string{"FastAPI"}},
	// Learning → Flask outright; an admin panel leans Django but is not what
	// the project is about.
	{"beginner's learning project that wants an admin",
		Answers{"use_case": "learning", "team_experience": "beginner", "needs_admin": "true"},
		"flask", "medium", []string{"Flask-Admin"}},
	// Social/forum → Django outright, with Django-leaning extras.
	{"forum for an experienced team on a deadline",
		Answers{"use_case": "social", "team_experience": "experienced", "timeline": "tight", "project_size": "medium"},
		"django", "high", nil},
	// "API" alone only leans Flask softly (a CRUD API would go to Django) and
	// experienced teams lean Django slightly: close, Flask by a little.
	{"API of unknown shape for an experienced team",
		Answers{"use_case": "api", "team_experience": "experienced"},
		"flask", "low", []string{"FastAPI"}},
	// Microservice → Flask outright, but a CRUD API (→ Django + DRF) plus an
	// admin over the same models are two strong Django factors that reinforce
	// each other: Django, not by much. FastAPI does not fit a CRUD+admin service.
	{"microservice with a CRUD API and admin",
		Answers{"use_case": "microservice", "api_style": "crud", "needs_admin": "true"},
		"django", "medium", nil},
}

func TestRealisticCases(t *testing.T) {
	if len(realisticCases) < 12 {
		t.Fatalf("only %d realistic cases", len(realisticCases))
	}
	for _, c := range realisticCases {
		t.Run(c.name, func(t *testing.T) {
			r, err := Recommend(c.answers)
			if err != nil {
				t.Fatal(err)
			}
			if r.Framework != c.framework || r.Confidence != c.confidence {
				t.Errorf("got %s/%s (scores %v), want %s/%s", r.Framework, r.Confidence, r.Scores,
					c.framework, c.confidence)
			}
			if len(r.Alternatives) != len(c.alts) {
				t.Errorf("alternatives = %q, want %d matching %q", r.Alternatives, len(c.alts), c.alts)
			}
			for _, want := range c.alts {
				found := false
				for _, alt := range r.Alternatives {
					found = found || strings.Contains(alt, want)
				}
				if !found {
					t.Errorf("no alternative mentions %q in %q", want, r.Alternatives)
				}
			}
			if (r.Confidence == "low") != (len(r.Close) > 0) {
				t.Errorf("confidence %s but %d close sentences", r.Confidence, len(r.Close))
			}
		})
	}
}
