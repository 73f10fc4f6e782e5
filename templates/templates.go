// Package templates embeds the built-in templates. The all: prefix keeps
// files whose names start with "." or "_" (.gitignore, __init__.py), which
// go:embed would otherwise drop without a word.
package templates

import "embed"

// FS holds one folder per built-in template, and the archives of their
// earlier releases under releases/.
//
//go:embed all:flask all:django releases
var FS embed.FS
