// Package textwrap breaks text at spaces to fit a terminal's width, so that
// tables, help and notes wrap between words instead of mid-word.
package textwrap

import (
	"strings"
	"unicode/utf8"
)

// Write writes text after first, breaking at spaces so that lines stay
// within width columns, and starts continuation lines with indent. Only a
// single word longer than the space left can exceed width. Trailing spaces
// are dropped.
func Write(b *strings.Builder, first, indent, text string, width int) {
	line, empty := first, true
	for _, word := range strings.Fields(text) {
		if !empty && utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) > width {
			b.WriteString(line + "\n")
			line, empty = indent, true
		}
		if !empty {
			line += " "
		}
		line += word
		empty = false
	}
	b.WriteString(strings.TrimRight(line, " ") + "\n")
}
