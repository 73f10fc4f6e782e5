package recommend

import (
	"slices"
	"strings"
)

// Default is a template answer the recommendation's answers speak to: the
// default it suggests, and the answers that suggest it.
type Default struct {
	Key   string
	Value any
	// Because is what was answered, as "key=value" joined by ", ".
	Because string
}

// TemplateDefaults turns recommendation answers into defaults for template
// keys, so that the skeleton starts where the answers point. Keys a template
// does not have are the caller's to drop; given answers always win over
// these, which only replace a template's own defaults.
//
// An API that is central (CRUD over models, or custom endpoints) turns on
// Flask's API blueprint and Django's schema and docs; a large project, or a
// kind of product that the guides pair with PostgreSQL, gets postgres.
func TemplateDefaults(a Answers) []Default {
	a = Normalize(a)
	var out []Default
	if style := a["api_style"]; style == "crud" || style == "custom" {
		because := "api_style=" + style
		out = append(out, Default{Key: "api", Value: true, Because: because},
			Default{Key: "api_docs", Value: true, Because: because})
	}
	var db []string
	if a["project_size"] == "large" {
		db = append(db, "project_size=large")
	}
	if uc := a["use_case"]; slices.Contains([]string{"saas", "ecommerce", "enterprise", "social"}, uc) {
		db = append(db, "use_case="+uc)
	}
	if len(db) > 0 {
		out = append(out, Default{Key: "database", Value: "postgres", Because: strings.Join(db, ", ")})
	}
	return out
}
