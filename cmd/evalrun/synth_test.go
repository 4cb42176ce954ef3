package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/edgeroute/edgeroute/pack"
	"github.com/edgeroute/edgeroute/pack/synth"
)

// evalrun synth writes a pack of n requests whose prompts have the drawn
// lengths; the same seed gives the same bytes, another seed another pack.
func TestSynthCommand(t *testing.T) {
	dir := t.TempDir()
	file := func(name string, args ...string) []byte {
		path := filepath.Join(dir, name)
		if out, errs, code := evalrun(t, append([]string{"synth", "--out", path}, args...)...); code != 0 || out != "" {
			t.Fatalf("exit %d: %s%s", code, out, errs)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	a, b, c := file("a.parquet", "--n", "50", "--seed", "3"), file("b.parquet", "--n", "50", "--seed", "3"), file("c.parquet", "--n", "50", "--seed", "4")
	if !bytes.Equal(a, b) || bytes.Equal(a, c) {
		t.Errorf("same seed: same bytes %v; another seed: same bytes %v", bytes.Equal(a, b), bytes.Equal(a, c))
	}
	p, err := pack.ReadBytes("a.parquet", a)
	if err != nil {
		t.Fatal(err)
	}
	if want := synth.Pack(50, 3); !slices.Equal(p.Records, want.Records) ||
		!slices.Equal(p.Judgments, want.Judgments) || p.SLM != synth.SLM || p.LLM != synth.LLM {
		t.Fatalf("the pack read back is not the pack drawn: %s", p.Describe())
	}
	// and it replays
	if out, errs, code := evalrun(t, "--bench", filepath.Join(dir, "a.parquet"), "--router", "random,oracle,length", "--alpha", "0.03", "--bootstrap", "20"); code != 0 || !strings.Contains(out, "oracle") {
		t.Errorf("replay: exit %d: %s%s", code, out, errs)
	}
}

// Bad input is refused with exit 2, naming the flag.
func TestSynthBadInput(t *testing.T) {
	out := filepath.Join(t.TempDir(), "x.parquet")
	for _, c := range []struct{ args, want string }{
		{"--n 0 --out " + out, "--n 0"},
		{"--n -5 --out " + out, "--n -5"},
		{"--n 99999999999 --out " + out, "--n 99999999999"},
		{"--n 10", "--out FILE is required"},
		{"--n ten --out " + out, "invalid value \"ten\" for flag -n"},
		{"--n 10 --out " + out + " extra", "unexpected argument"},
	} {
		_, errs, code := evalrun(t, append([]string{"synth"}, strings.Fields(c.args)...)...)
		if code != exitBadInput || !strings.Contains(errs, c.want) || strings.Count(errs, "\n") != 1 {
			t.Errorf("synth %s: exit %d, %q; want 2 and %q", c.args, code, errs, c.want)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a refused synth wrote its file")
	}
}

// BenchmarkReplaySynth is the README's table: a single-turn replay of a
// synthetic pack of n requests, random (10 seeds), oracle and length,
// without intervals and with 200 resamples, the whole command (reading
// the pack included). Cost: linear in requests x (seeds + routers), and
// with resamples in requests x seeds x resamples. n = 1e7 is measured
// with /usr/bin/time -v (README), beyond what a benchmark run holds.
func BenchmarkReplaySynth(b *testing.B) {
	for _, n := range []int{10000, 100000, 1000000} {
		path := filepath.Join(b.TempDir(), "synth.parquet")
		if err := pack.Write(path, synth.Pack(n, 1)); err != nil {
			b.Fatal(err)
		}
		for _, resamples := range []string{"0", "200"} {
			b.Run(fmt.Sprintf("n=%d/bootstrap=%s", n, resamples), func(b *testing.B) {
				for b.Loop() {
					if _, errs, code := evalrun(b, "--bench", path, "--router", "random,oracle,length", "--alpha", "0.03", "--bootstrap", resamples); code != 0 {
						b.Fatal(errs)
					}
				}
			})
		}
	}
}
