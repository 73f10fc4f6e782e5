package recommend

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// textWidth is the line length the text output aims for; only a single word
// longer than the space left can exceed it.
const textWidth = 110

var displayName = map[string]string{"flask": "Flask", "django": "Django"}

// WriteText writes the human-readable form of r: the verdict, a table of the
// reasons, the alternatives and, for a low-confidence call, why it is close.
func WriteText(w io.Writer, r Result) error {
	var b strings.Builder
	other := "django"
	if r.Framework == "django" {
		other = "flask"
	}
	name := displayName[r.Framework]
	if name == "" {
		name = r.Framework
	}
	fmt.Fprintf(&b, "Recommendation: %s (confidence: %s; %s %d, %s %d)\n\n",
		name, r.Confidence, r.Framework, r.Scores[r.Framework], other, r.Scores[other])

	switch {
	case len(r.Reasons) > 0:
		writeTable(&b, r.Reasons)
	case r.answered:
		b.WriteString("None of the answers given leans either way in the criteria.\n")
	default:
		b.WriteString("No answers were given, so there are no reasons to show.\n")
	}

	if len(r.Alternatives) > 0 {
		b.WriteString("\nAlternatives:\n")
		for _, alt := range r.Alternatives {
			writeWrapped(&b, "  - ", "    ", alt)
		}
	}
	if r.Confidence == "low" && len(r.Close) > 0 {
		b.WriteString("\n")
		for _, s := range r.Close {
			writeWrapped(&b, "", "  ", s)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeTable(b *strings.Builder, reasons []Reason) {
	header := [4]string{"FACTOR", "ANSWER", "FAVOURS", "WEIGHT"}
	var width [4]int
	for i, h := range header {
		width[i] = len(h)
	}
	cells := make([][4]string, len(reasons))
	for i, r := range reasons {
		cells[i] = [4]string{r.Factor, r.Answer, r.Favors, strconv.Itoa(r.Weight)}
		for j, c := range cells[i] {
			width[j] = max(width[j], len(c))
		}
	}
	row := func(c [4]string) string {
		var s strings.Builder
		for j := range c {
			fmt.Fprintf(&s, "%-*s  ", width[j], c[j])
		}
		return s.String()
	}
	b.WriteString(row(header) + "WHY\n")
	indent := strings.Repeat(" ", len(row(header)))
	for i, r := range reasons {
		writeWrapped(b, row(cells[i]), indent, r.Why)
	}
}

// writeWrapped writes text after first, breaking at spaces so lines stay
// within textWidth, and starts continuation lines with indent.
func writeWrapped(b *strings.Builder, first, indent, text string) {
	line := first
	empty := true
	for _, word := range strings.Fields(text) {
		if !empty && len(line)+1+len(word) > textWidth {
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
