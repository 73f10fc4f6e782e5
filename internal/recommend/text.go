package recommend

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/fwgen/fwgen/internal/textwrap"
)

// MinWidth is the narrowest line the text output wraps to: below it the
// table's columns leave too little room to be readable, so it overflows
// instead.
const MinWidth = 66

var displayName = map[string]string{"flask": "Flask", "django": "Django"}

// WriteText writes the human-readable form of r: the verdict, a table of the
// reasons, the alternatives and, for a low-confidence call, why it is close.
func WriteText(w io.Writer, r Result) error { return WriteTextWidth(w, r, 80) }

// WriteTextWidth is WriteText for a terminal of width columns: every line
// fits, and the reasons table keeps its columns, wrapping only WHY, at 80
// columns and more.
func WriteTextWidth(w io.Writer, r Result, width int) error {
	width = max(width, MinWidth)
	var b strings.Builder
	b.WriteString(Verdict(r) + "\n\n")

	switch {
	case len(r.Reasons) > 0:
		writeTable(&b, r.Reasons, width)
	case r.answered:
		b.WriteString("None of the answers given leans either way in the criteria.\n")
	default:
		b.WriteString("No answers were given, so there are no reasons to show.\n")
	}

	if len(r.Alternatives) > 0 {
		b.WriteString("\nAlternatives:\n")
		for _, alt := range r.Alternatives {
			textwrap.Write(&b, "  - ", "    ", alt, width)
		}
	}
	if r.Confidence == "low" && len(r.Close) > 0 {
		b.WriteString("\n")
		for _, s := range r.Close {
			textwrap.Write(&b, "", "  ", s, width)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Verdict is the first line of the text output: the framework, the
// confidence and both scores.
func Verdict(r Result) string {
	other := "django"
	if r.Framework == "django" {
		other = "flask"
	}
	name := displayName[r.Framework]
	if name == "" {
		name = r.Framework
	}
	return fmt.Sprintf("Recommendation: %s (confidence: %s; %s %d, %s %d)",
		name, r.Confidence, r.Framework, r.Scores[r.Framework], other, r.Scores[other])
}

// minWhy is the narrowest WHY column worth keeping beside the others; below
// it each reason's text goes under its row instead.
const minWhy = 24

func writeTable(b *strings.Builder, reasons []Reason, textWidth int) {
	// FAVORS, as the JSON output's "favors": one spelling in both outputs.
	header := [4]string{"FACTOR", "ANSWER", "FAVORS", "WEIGHT"}
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
	indent := strings.Repeat(" ", len(row(header)))
	if textWidth-len(indent) < minWhy {
		b.WriteString(strings.TrimRight(row(header), " ") + "\n")
		for i, r := range reasons {
			b.WriteString(strings.TrimRight(row(cells[i]), " ") + "\n")
			textwrap.Write(b, "    ", "    ", r.Why, textWidth)
		}
		return
	}
	b.WriteString(row(header) + "WHY\n")
	for i, r := range reasons {
		textwrap.Write(b, row(cells[i]), indent, r.Why, textWidth)
	}
}
