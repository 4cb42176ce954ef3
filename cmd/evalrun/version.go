package main

import (
	"fmt"
	"runtime/debug"
	"strings"
)

// versionLine describes the build for `evalrun --version`: the module's
// version and the VCS revision it was built from, as the go command
// stamps them (go build and go install in a checkout; `go install
// module@version` records the version but no revision). bi is nil when
// the binary carries no build information.
func versionLine(bi *debug.BuildInfo) string {
	if bi == nil {
		return "evalrun: no build information in this binary"
	}
	version := bi.Main.Version
	if version == "" {
		version = "(devel)"
	}
	vcs := map[string]string{}
	for _, s := range bi.Settings {
		if k, ok := strings.CutPrefix(s.Key, "vcs."); ok {
			vcs[k] = s.Value
		}
	}
	rev := "revision unknown (not built in a VCS checkout, or built with -buildvcs=false)"
	if r := vcs["revision"]; r != "" {
		rev = "revision " + r
		var notes []string
		if t := vcs["time"]; t != "" {
			notes = append(notes, t)
		}
		if vcs["modified"] == "true" {
			notes = append(notes, "with uncommitted changes")
		}
		if len(notes) > 0 {
			rev += " (" + strings.Join(notes, ", ") + ")"
		}
	}
	return fmt.Sprintf("evalrun %s %s, %s, %s", bi.Main.Path, version, rev, bi.GoVersion)
}

// buildInfo is the running binary's build information, nil without.
func buildInfo() *debug.BuildInfo {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return nil
	}
	return bi
}
