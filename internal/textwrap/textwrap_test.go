package textwrap

import (
	"strings"
	"testing"
)

func TestWrite(t *testing.T) {
	tests := []struct {
		first, indent, text string
		width               int
		want                string
	}{
		{"", "", "a b c", 80, "a b c\n"},
		{"- ", "  ", "one two three four", 9, "- one two\n  three\n  four\n"},
		{"key  ", "     ", "café crème brûlée", 15, "key  café crème\n     brûlée\n"},
		// A word longer than the width stands alone rather than being cut.
		{"", "", "tiny enormousword x", 6, "tiny\nenormousword\nx\n"},
		{"x: ", "   ", "", 10, "x:\n"},
	}
	for _, tt := range tests {
		var b strings.Builder
		Write(&b, tt.first, tt.indent, tt.text, tt.width)
		if b.String() != tt.want {
			t.Errorf("Write(%q, %q, %q, %d) =\n%q\nwant\n%q", tt.first, tt.indent, tt.text, tt.width, b.String(), tt.want)
		}
	}
}
