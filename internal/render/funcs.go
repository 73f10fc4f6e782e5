package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig/v3"

	"github.com/fwgen/fwgen/internal/names"
	"github.com/fwgen/fwgen/internal/secret"
)

// nondeterministic lists what sprig's hermetic map still holds that reads
// randomness, the clock or the local time zone. Templates must give the same
// bytes for the same answers; secrets go through secretKey and secretHex,
// which read the injected source instead.
var nondeterministic = []string{
	"randInt", "shuffle", "bcrypt", "htpasswd", "encryptAES", "decryptAES",
	"genPrivateKey", "genCA", "genCAWithKey", "genSelfSignedCert",
	"genSelfSignedCertWithKey", "genSignedCert", "genSignedCertWithKey",
	"buildCustomCert", "ago", "durationRound", "toDate", "mustToDate",
	"mustDateModify", "must_date_modify", "unixEpoch",
}

// LeftOut reports whether name is a sprig function that fwgen removes.
func LeftOut(name string) bool {
	_, inSprig := sprig.TxtFuncMap()[name]
	_, kept := sprig.HermeticTxtFuncMap()[name]
	return inSprig && (!kept || slices.Contains(nondeterministic, name))
}

// FuncMap is the function set every template runs with; random draws come
// from r, in the order the template calls them.
func FuncMap(r io.Reader) template.FuncMap {
	fm := sprig.HermeticTxtFuncMap()
	for _, name := range nondeterministic {
		delete(fm, name)
	}
	// sprig's keys and values follow Go's randomised map order; these give
	// the same order (sorted by key) every time.
	fm["keys"] = sortedKeys
	fm["values"] = sortedValues
	fm["secretKey"] = func(n int) (string, error) { return secret.Key(r, n) }
	fm["secretHex"] = func(n int) (string, error) { return secret.Hex(r, n) }
	fm["pySlug"] = names.Slug
	fm["titleName"] = names.Title
	fm["pyString"] = pyString
	fm["tomlString"] = quote
	return fm
}

func sortedKeys(dicts ...map[string]any) []string {
	out := []string{}
	for _, d := range dicts {
		out = append(out, slices.Sorted(maps.Keys(d))...)
	}
	return out
}

func sortedValues(dict map[string]any) []any {
	out := []any{}
	for _, k := range slices.Sorted(maps.Keys(dict)) {
		out = append(out, dict[k])
	}
	return out
}

// quote writes s as a double-quoted string literal. JSON's escapes are a
// subset of both Python's and TOML basic strings' escapes.
func quote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}

// pyString writes s as a Python string literal the way ruff's formatter
// would leave it: double quotes, unless single quotes need fewer escapes,
// so that generated code passes `ruff format --check` whatever the answer.
func pyString(s string) string {
	q := '"'
	if strings.Count(s, `"`) > strings.Count(s, "'") {
		q = '\''
	}
	var b strings.Builder
	b.WriteRune(q)
	for _, r := range s {
		switch {
		case r == '\\' || r == q:
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteRune(q)
	return b.String()
}
