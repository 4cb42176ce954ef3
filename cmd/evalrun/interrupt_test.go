package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// interrupted runs evalrun (this test binary) as a process, sends it
// SIGINT after delay and reports how it ended. A run interrupted must
// exit 130 with nothing on stdout and one line on stderr after its
// progress, "evalrun: interrupted"; a run that finished before the signal
// exits 0. It says whether the signal interrupted the run.
func interrupted(t *testing.T, delay time.Duration, args ...string) (stdout string, stopped bool) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "EVALRUN_TEST_MAIN=1")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(delay):
		if serr := cmd.Process.Signal(os.Interrupt); serr != nil {
			t.Fatal(serr)
		}
		err = <-done
	}
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	errs := errb.String()
	switch {
	case strings.Contains(errs, "panic:") || strings.Contains(errs, "goroutine "):
		t.Errorf("%v after %v: crashed:\n%s", args, delay, errs)
	case code == exitOK:
		if out.Len() == 0 && !slices.Contains(args, "paper") {
			t.Errorf("%v after %v: exit 0 with nothing on stdout", args, delay)
		}
	case code == exitInterrupted:
		if out.Len() != 0 || !strings.HasSuffix(errs, "evalrun: interrupted\n") {
			t.Errorf("%v after %v: exit 130, stdout %d bytes, stderr ends %q", args, delay, out.Len(), tail(errs))
		}
		return "", true
	default:
		t.Errorf("%v after %v: exit %d: %s", args, delay, code, errs)
	}
	return out.String(), false
}

func tail(s string) string {
	if len(s) > 200 {
		return s[len(s)-200:]
	}
	return s
}

// SIGINT stops every long loop: the bootstrap, many seeds, evalrun paper
// (interrupted or not, it leaves no temporary file). Each workload takes
// seconds; at least one of its signals must land before it ends, or the
// test would test nothing.
func TestInterruptStops(t *testing.T) {
	if testing.Short() {
		t.Skip("runs evalrun for seconds, as processes")
	}
	paperOut := t.TempDir()
	for _, c := range []struct {
		name   string
		args   []string
		delays []time.Duration
	}{
		{"bootstrap", []string{"--bench", "gsm8k", "--data", "builtin", "--router", "random,oracle", "--bootstrap", "300000"}, []time.Duration{100 * time.Millisecond, time.Second}},
		{"seeds", []string{"--bench", "mmlu", "--data", "builtin", "--router", "random", "--seeds", "30000", "--bootstrap", "0"}, []time.Duration{300 * time.Millisecond, time.Second}},
		{"paper", []string{"paper", "--data", "builtin", "--bench", "gsm8k,mmlu", "--bootstrap", "20000", "--out", paperOut}, []time.Duration{500 * time.Millisecond, 2 * time.Second}},
	} {
		stops := 0
		for _, d := range c.delays {
			if _, stopped := interrupted(t, d, c.args...); stopped {
				stops++
			}
		}
		if stops == 0 {
			t.Errorf("%s: finished before every signal (%v): make it longer", c.name, c.delays)
		}
	}
	err := filepath.WalkDir(paperOut, func(path string, _ os.DirEntry, err error) error {
		if strings.Contains(filepath.Base(path), ".tmp") {
			t.Errorf("temporary file left: %s", path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// SIGINT at several points of an ONNX scoring run (loading the model,
// tokenizing, inference) stops it without a report; the cache keeps what
// was finished, and the run resumed from it prints exactly what a run
// from an empty cache prints.
func TestInterruptScoring(t *testing.T) {
	if testing.Short() {
		t.Skip("scores GSM8K with use-lite several times, as processes")
	}
	model := sharedModel(t, "use-lite")
	cache := t.TempDir()
	args := []string{"--bench", "gsm8k", "--data", "builtin", "--router", "encoder", "--model", model, "--bootstrap", "0"}
	stops := 0
	for _, d := range []time.Duration{200 * time.Millisecond, time.Second, 4 * time.Second} {
		if _, stopped := interrupted(t, d, append(args, "--cache", cache)...); stopped {
			stops++
		}
	}
	if stops == 0 {
		t.Fatal("scoring finished before every signal")
	}
	resumed, stopped := interrupted(t, time.Hour, append(args, "--cache", cache)...)
	fresh, _ := interrupted(t, time.Hour, append(args, "--cache", t.TempDir())...)
	if stopped || resumed != fresh {
		t.Errorf("resumed from the interrupted runs' cache:\n%s\nfrom an empty cache:\n%s", resumed, fresh)
	}
}
