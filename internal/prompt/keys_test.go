package prompt

import (
	"io"
	"os"
	"testing"
)

// chunks reads one string per Read, as a terminal delivers keys.
type chunks struct {
	parts []string
}

func (c *chunks) Read(p []byte) (int, error) {
	if len(c.parts) == 0 {
		return 0, io.EOF
	}
	n := copy(p, c.parts[0])
	c.parts = c.parts[1:]
	return n, nil
}

func (c *chunks) Fd() uintptr { return os.Stdin.Fd() }

func TestKeysDropLoneEscapes(t *testing.T) {
	tests := []struct {
		parts []string
		want  string
	}{
		{[]string{"\x1b[B\r"}, "\x1b[B\r"},             // an arrow key, whole
		{[]string{"\x1b", "[B\r"}, "\x1b[B\r"},         // an arrow key split over two reads
		{[]string{"\x1b", "\x03"}, "\x03"},             // Esc, then Ctrl-C
		{[]string{"\x1b\x03"}, "\x03"},                 // both in one read
		{[]string{"a\x1bb\x1bOA"}, "ab\x1bOA"},         // Alt+b loses its Esc; ESC O A stays
		{[]string{"x\x1b", "\x1b", "y"}, "xy"},         // Esc presses alone
		{[]string{"\x1b", "\x1b", "[A"}, "\x1b[A"},     // Esc, then an arrow key
		{[]string{"plain", " text\r"}, "plain text\r"}, // untouched
	}
	for _, tt := range tests {
		k := &keys{FileReader: &chunks{parts: append([]string(nil), tt.parts...)}}
		got, err := io.ReadAll(k)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != tt.want {
			t.Errorf("reads %q gave %q, want %q", tt.parts, got, tt.want)
		}
	}
}
