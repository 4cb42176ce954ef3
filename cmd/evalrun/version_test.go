package main

import (
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionLine(t *testing.T) {
	mod := debug.Module{Path: "github.com/edgeroute/edgeroute", Version: "v0.3.1"}
	vcs := func(kv ...string) []debug.BuildSetting {
		var out []debug.BuildSetting
		for i := 0; i < len(kv); i += 2 {
			out = append(out, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return out
	}
	for _, c := range []struct {
		name string
		bi   *debug.BuildInfo
		want string
	}{
		{"go build in a checkout", &debug.BuildInfo{GoVersion: "go1.26.0", Main: mod,
			Settings: vcs("-compiler", "gc", "vcs", "git", "vcs.revision", "4c600710f458ff5389b12103c8d80c67ceccef6d", "vcs.time", "2026-12-01T19:21:02Z", "vcs.modified", "false")},
			"evalrun github.com/edgeroute/edgeroute v0.3.1, revision 4c600710f458ff5389b12103c8d80c67ceccef6d (2026-12-01T19:21:02Z), go1.26.0"},
		{"uncommitted changes", &debug.BuildInfo{GoVersion: "go1.26.0", Main: mod,
			Settings: vcs("vcs.revision", "4c60071", "vcs.modified", "true")},
			"evalrun github.com/edgeroute/edgeroute v0.3.1, revision 4c60071 (with uncommitted changes), go1.26.0"},
		{"go install module@version", &debug.BuildInfo{GoVersion: "go1.26.0", Main: mod},
			"evalrun github.com/edgeroute/edgeroute v0.3.1, revision unknown (not built in a VCS checkout, or built with -buildvcs=false), go1.26.0"},
		{"no version", &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Path: "github.com/edgeroute/edgeroute"}},
			"evalrun github.com/edgeroute/edgeroute (devel), revision unknown (not built in a VCS checkout, or built with -buildvcs=false), go1.26.0"},
		{"no build information", nil, "evalrun: no build information in this binary"},
	} {
		if got := versionLine(c.bi); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
	}
}

// A binary built in this checkout names the commit git has checked out,
// and says whether the tree had changes, as git status sees them.
func TestVersionOfBuiltBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skips building evalrun")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("needs the go command to build evalrun")
	}
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skipf("needs a git checkout of edgeroute (and git) to know the revision a build records: %v", err)
	}
	status, err := exec.Command("git", "status", "--porcelain").Output()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "evalrun")
	// -buildvcs=true: the stamp even where GOFLAGS turns it off.
	if out, err := exec.Command(gobin, "build", "-buildvcs=true", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	line := string(out)
	if want := "revision " + strings.TrimSpace(string(head)); !strings.HasPrefix(line, "evalrun github.com/edgeroute/edgeroute v") || !strings.Contains(line, want) {
		t.Errorf("--version printed %q; want the module and %q", line, want)
	}
	if dirty := len(status) > 0; strings.Contains(line, "with uncommitted changes") != dirty {
		t.Errorf("--version printed %q, and git status lists %d bytes of changes", line, len(status))
	}
}
