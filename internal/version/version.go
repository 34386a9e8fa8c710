// Package version reports the Bedside library version recorded in answers'
// provenance and eval reports.
package version

import "runtime/debug"

// fallback is used when the binary carries no module version (tests, go run).
const fallback = "v0.1.0-dev"

// String returns the version of the github.com/bedside-ai/bedside module
// linked into this binary, or a development version.
func String() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return fallback
	}
	if bi.Main.Path == "github.com/bedside-ai/bedside" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	for _, d := range bi.Deps {
		if d.Path == "github.com/bedside-ai/bedside" && d.Version != "" && d.Version != "(devel)" {
			return d.Version
		}
	}
	return fallback
}
