package names

import (
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// RulePortable is broken by a name that some operating system, file system
// or shell cannot hold or show faithfully.
const RulePortable Rule = "portable"

// MaxNameBytes is the longest file or folder name common file systems take.
const MaxNameBytes = 255

// windowsReserved are the device names Windows resolves in every folder,
// with any extension and in any case.
var windowsReserved = map[string]bool{"con": true, "prn": true, "aux": true, "nul": true}

func init() {
	for _, p := range []string{"com", "lpt"} {
		for _, d := range "0123456789¹²³" {
			windowsReserved[p+string(d)] = true
		}
	}
}

// IsWindowsReserved reports whether name is, or starts with, a Windows
// device name: "CON", "nul.txt", "Com1.py".
func IsWindowsReserved(name string) bool {
	base, _, _ := strings.Cut(name, ".")
	return windowsReserved[strings.ToLower(strings.TrimRight(base, " "))]
}

// CheckPortable checks one file or folder name of a generated project.
func CheckPortable(seg string) error {
	bad := func(reason string) error {
		return &Error{Value: seg, Rule: RulePortable, Reason: reason}
	}
	switch {
	case seg == "":
		return bad("is empty")
	case len(seg) > MaxNameBytes:
		return bad(fmt.Sprintf("is %d bytes long; file systems take at most %d", len(seg), MaxNameBytes))
	case strings.IndexFunc(seg, unicode.IsControl) >= 0:
		return bad("holds a control character such as a newline or tab")
	case strings.TrimSpace(seg) != seg:
		return bad("starts or ends with white space")
	case IsWindowsReserved(seg):
		return bad("is a device name on Windows (CON, PRN, AUX, NUL, COM1-9, LPT1-9)")
	}
	return nil
}

// Fold is the key under which two paths name the same file on a
// case-insensitive or Unicode-normalising file system (macOS, Windows).
func Fold(p string) string {
	return strings.ToLower(norm.NFC.String(p))
}
