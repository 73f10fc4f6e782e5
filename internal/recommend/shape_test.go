package recommend

import (
	"reflect"
	"testing"
)

func TestTemplateDefaults(t *testing.T) {
	tests := []struct {
		in   Answers
		want []Default
	}{
		{Answers{}, nil},
		{Answers{"api_style": "none", "project_size": "small", "use_case": "api"}, nil},
		{Answers{"api_style": "crud"}, []Default{
			{"api", true, "api_style=crud"}, {"api_docs", true, "api_style=crud"}}},
		{Answers{"api_style": "custom", "use_case": "saas"}, []Default{
			{"api", true, "api_style=custom"}, {"api_docs", true, "api_style=custom"},
			{"database", "postgres", "use_case=saas"}}},
		{Answers{"project_size": "large", "use_case": "social"}, []Default{
			{"database", "postgres", "project_size=large, use_case=social"}}},
		{Answers{"use_case": "ecommerce"}, []Default{{"database", "postgres", "use_case=ecommerce"}}},
		{Answers{"use_case": "enterprise"}, []Default{{"database", "postgres", "use_case=enterprise"}}},
		{Answers{"use_case": "cms", "project_size": "medium"}, nil},
	}
	for _, tt := range tests {
		if got := TemplateDefaults(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("TemplateDefaults(%v) = %#v, want %#v", tt.in, got, tt.want)
		}
	}
}
