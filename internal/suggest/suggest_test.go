package suggest

import "testing"

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "abc", 0}, {"abc", "", 3}, {"kitten", "sitting", 3},
		{"project_slgu", "project_slug", 1}, // transposition counts once
		{"café", "cafe", 1},
	} {
		if got := Distance(c.a, c.b); got != c.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestClosest(t *testing.T) {
	keys := []string{"project_name", "project_slug", "database", "docker", "ci", "api"}
	for _, c := range []struct{ typed, want string }{
		{"projct_slug", "project_slug"},
		{"datbase", "database"},
		{"DATABASE", "database"},
		{"dockr", "docker"},
		{"questons", ""}, // nothing near
		{"xyz", ""},
		{"database", ""}, // the word itself is no suggestion
	} {
		if got := Closest(c.typed, keys); got != c.want {
			t.Errorf("Closest(%q) = %q, want %q", c.typed, got, c.want)
		}
	}
	if h := Hint("datbase", keys); h != `; did you mean "database"?` {
		t.Errorf("Hint = %q", h)
	}
	if h := Hint("zzzzzz", keys); h != "" {
		t.Errorf("Hint for a far word = %q, want empty", h)
	}
}
