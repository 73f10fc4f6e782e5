// Package version holds fwgen's version, set at build time with
// -ldflags "-X github.com/fwgen/fwgen/internal/version.Version=…".
package version

// Version is recorded in every generated project's .fwgen.yaml.
var Version = "0.1.0"
