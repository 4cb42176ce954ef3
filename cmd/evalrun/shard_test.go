package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/edgeroute/edgeroute/internal/scorecache"
	"github.com/edgeroute/edgeroute/shard"
)

// TestMain makes the test binary evalrun itself when $EVALRUN_TEST_MAIN
// is 1, so that tests can run evalrun as separate processes.
func TestMain(m *testing.M) {
	if os.Getenv("EVALRUN_TEST_MAIN") == "1" {
		main()
	}
	os.Exit(m.Run())
}

// schedulerVars are the variables --shard auto reads.
var schedulerVars = []string{shard.CountVar, shard.JobIndexVar, shard.SlurmIDVar, shard.SlurmCountVar, shard.SlurmMinVar, shard.SlurmMaxVar}

// runProcess runs name as a process with the environment of the test,
// less any scheduler's variables, plus env.
func runProcess(env []string, name string, args ...string) (stdout, stderr string, code int, err error) {
	cmd := exec.Command(name, args...)
	for _, kv := range os.Environ() {
		if v, _, _ := strings.Cut(kv, "="); !contains(schedulerVars, v) {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return out.String(), errb.String(), ee.ExitCode(), nil
	}
	return out.String(), errb.String(), 0, err
}

// evalrunProcess runs evalrun (this test binary) as a process.
func evalrunProcess(env []string, args ...string) (stdout, stderr string, code int, err error) {
	return runProcess(append(env, "EVALRUN_TEST_MAIN=1"), os.Args[0], args...)
}

// gsm8k40Shards counts the distinct questions of testdata/gsm8k40 in each
// of n shards, worked here from the definition: shard floor(x n / 2^64)
// for x the first 8 bytes of the question's sha256.
func gsm8k40Shards(t *testing.T, n int) []int {
	t.Helper()
	f, err := os.Open("../../testdata/gsm8k40/gsm8k/test.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	counts := make([]int, n)
	seen := map[string]bool{}
	two64 := new(big.Int).Lsh(big.NewInt(1), 64)
	for sc := bufio.NewScanner(f); sc.Scan(); {
		var rec struct{ Question string }
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatal(err)
		}
		if seen[rec.Question] {
			continue
		}
		seen[rec.Question] = true
		h := sha256.Sum256([]byte(rec.Question))
		x := new(big.Int).SetBytes(h[:8])
		counts[new(big.Int).Div(x.Mul(x, big.NewInt(int64(n))), two64).Int64()]++
	}
	return counts
}

// Three shards of a benchmark, scored by three evalrun processes (one with
// --shard 0/3, one as pod 1 of a Kubernetes Indexed Job, one as task 3 of
// a Slurm array 1-3) into their own caches, merged: the replay that takes
// every output from the merged cache prints the same bytes as a replay
// that computed them all itself. For the encoder, the shards compute
// embeddings and the replay cross-fits the head from them.
func TestShardedScoringMatchesUnsharded(t *testing.T) {
	const data = "../../testdata/gsm8k40"
	want := gsm8k40Shards(t, 3)
	shards := []struct {
		flag string
		env  []string
	}{
		{"0/3", nil},
		{"auto", []string{"JOB_COMPLETION_INDEX=1", "EDGEROUTE_SHARDS=3"}},
		{"auto", []string{"SLURM_ARRAY_TASK_ID=3", "SLURM_ARRAY_TASK_MIN=1", "SLURM_ARRAY_TASK_MAX=3", "SLURM_ARRAY_TASK_COUNT=3"}},
	}
	for _, c := range []struct{ router, model string }{{"bert", "tiny-bert"}, {"encoder", "use-lite"}} {
		t.Run(c.router, func(t *testing.T) {
			model := sharedModel(t, c.model)
			dir := t.TempDir()
			route := []string{"--bench", "gsm8k", "--data", data, "--router", c.router, "--model", model}
			var wg sync.WaitGroup
			caches := make([]string, len(shards))
			for k, s := range shards {
				caches[k] = filepath.Join(dir, fmt.Sprint("shard", k))
				wg.Add(1)
				go func() {
					defer wg.Done()
					out, errs, code, err := evalrunProcess(s.env, append(append([]string{"score"}, route...), "--shard", s.flag, "--cache", caches[k])...)
					summary := fmt.Sprintf("evalrun score: gsm8k shard %d/3, %s (%s): %d of 40 texts, %d computed, 0 already cached, in %s\n", k, c.router, model, want[k], want[k], caches[k])
					if err != nil || code != 0 || out != "" || errs != summary {
						t.Errorf("shard %d: %v, exit %d, stdout %q, stderr %q; want only %q", k, err, code, out, errs, summary)
					}
				}()
			}
			wg.Wait()
			merged := filepath.Join(dir, "merged")
			_, errs, code := evalrun(t, append([]string{"cache", "merge", "--into", merged}, caches...)...)
			if code != 0 || !strings.Contains(errs, "(40 outputs), 0 already there, 0 left out") {
				t.Fatalf("merge: exit %d: %s", code, errs)
			}
			sharded, errs, code := evalrun(t, append(route, "--cache", merged, "--cache-only", "--format", "json")...)
			if code != 0 {
				t.Fatalf("replay from the merged cache: exit %d: %s", code, errs)
			}
			whole, errs, code := evalrun(t, append(route, "--cache", "off", "--format", "json")...)
			if code != 0 {
				t.Fatalf("unsharded replay: exit %d: %s", code, errs)
			}
			if sharded != whole {
				t.Errorf("the replay from the shards differs from the unsharded one:\n%s\n%s", sharded, whole)
			}
		})
	}
}

// A replay with --cache-only over a merge of some shards says how many
// texts lack outputs and which shards to run, and a replay without it
// computes them, saying so.
func TestCacheOnlyNamesMissingShards(t *testing.T) {
	model := sharedModel(t, "tiny-bert")
	want := gsm8k40Shards(t, 4)
	route := []string{"--bench", "gsm8k", "--data", "../../testdata/gsm8k40", "--router", "bert", "--model", model}
	cache := t.TempDir()
	for _, k := range []int{0, 2} {
		if _, errs, code := evalrun(t, append(append([]string{"score"}, route...), "--shard", fmt.Sprint(k, "/4"), "--cache", cache)...); code != 0 {
			t.Fatal(errs)
		}
	}
	_, errs, code := evalrun(t, append(append([]string{"score"}, route...), "--shard", "2/4", "--cache", cache)...)
	if again := fmt.Sprintf("%d of 40 texts, 0 computed, %d already cached", want[2], want[2]); code != 0 || !strings.Contains(errs, again) {
		t.Errorf("shard 2 again: exit %d, %q; want %q", code, errs, again)
	}
	_, errs, code = evalrun(t, append(route, "--cache", cache, "--cache-only")...)
	missing := want[1] + want[3]
	line := fmt.Sprintf("evalrun: --cache-only: %s has no bert outputs of tiny-bert for %d of 40 texts; they are in shards 1,3 of 4: run evalrun score --shard K/4 for K in 1,3 (a Slurm array: sbatch --array=1,3 with EDGEROUTE_SHARDS=4)", cache, missing)
	if code != 2 || !strings.HasPrefix(errs, line) || strings.Count(errs, "\n") != 1 {
		t.Errorf("exit %d, %q; want one line starting %q", code, errs, line)
	}
	_, errs, code = evalrun(t, append(route, "--cache", cache, "--bootstrap", "0")...)
	note := fmt.Sprintf("evalrun: %s has no bert outputs of tiny-bert for %d of 40 texts, in shards 1,3 of 4 (not merged?); computing them here\n", cache, missing)
	if code != 0 || errs != note {
		t.Errorf("exit %d, %q; want %q", code, errs, note)
	}
	if _, errs, code = evalrun(t, append(route, "--cache", cache, "--cache-only", "--bootstrap", "0")...); code != 0 || errs != "" {
		t.Errorf("after the replay computed them: exit %d, %q", code, errs)
	}
}

func TestShardBadInput(t *testing.T) {
	for _, v := range schedulerVars {
		t.Setenv(v, "")
	}
	data := []string{"--bench", "gsm8k", "--data", "../../testdata/gsm8k40"}
	notCache := t.TempDir()
	os.WriteFile(filepath.Join(notCache, "notes.txt"), []byte("x"), 0o644)
	for _, c := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"score", "--router", "bert", "--model", "m", "--shard", "3/2"}, nil, `evalrun score: --shard "3/2": shard 3 of 2: want 0 <= K < 2`},
		{[]string{"score", "--router", "bert", "--model", "m", "--shard", "0/0"}, nil, `evalrun score: --shard "0/0": 0 shards: want at least 1`},
		{[]string{"score", "--router", "bert", "--model", "m", "--shard", "two"}, nil, `--shard "two": want K/N, shard K (from 0) of N, or auto`},
		{[]string{"score", "--router", "bert", "--model", "m", "--shard", "auto"}, nil, "evalrun score: --shard auto: neither $JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) nor $SLURM_ARRAY_TASK_ID (a Slurm array) is set"},
		{[]string{"score", "--router", "bert", "--model", "m", "--shard", "auto"}, map[string]string{"JOB_COMPLETION_INDEX": "1"}, "--shard auto: $JOB_COMPLETION_INDEX is set but $EDGEROUTE_SHARDS (the Kubernetes Indexed Job's completions) is not"},
		{[]string{"score", "--router", "bert", "--model", "m", "--shard", "auto"}, map[string]string{"JOB_COMPLETION_INDEX": "3", "EDGEROUTE_SHARDS": "3"}, "$JOB_COMPLETION_INDEX=3, $EDGEROUTE_SHARDS=3: shard 3 of 3"},
		{[]string{"score", "--router", "bert", "--model", "m", "--shard", "auto"}, map[string]string{"SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_MIN": "1"}, "--shard auto: $SLURM_ARRAY_TASK_ID is set but $SLURM_ARRAY_TASK_COUNT is not"},
		{[]string{"score", "--router", "bert", "--model", "m", "--bootstrap", "5", "--seeds", "2"}, nil, "evalrun score: --bootstrap, --seeds: does not change the model outputs"},
		{[]string{"score", "--router", "random,oracle"}, nil, "evalrun score: --router: none of the routers reads a model (bert, encoder): nothing to score"},
		{[]string{"score", "--router", "bert", "--model", "m", "--cache", "off"}, nil, "evalrun score: --cache off: scoring a shard writes its outputs into the score cache"},
		{[]string{"score", "--router", "bert", "--model", "m", "extra"}, nil, `evalrun score: unexpected argument "extra"`},
		{[]string{"--router", "bert", "--model", "m", "--cache", "off", "--cache-only"}, nil, "evalrun: --cache-only needs a score cache, not --cache off"},
		{[]string{"cache"}, nil, "evalrun cache: want a subcommand: merge"},
		{[]string{"cache", "split"}, nil, `evalrun cache: "split": unknown subcommand (want merge)`},
		{[]string{"cache", "merge", "a"}, nil, "evalrun cache merge: --into DIR is required"},
		{[]string{"cache", "merge", "--into", "x"}, nil, "evalrun cache merge: no cache to merge"},
		{[]string{"cache", "merge", notCache, "--into", filepath.Join(notCache, "m")}, nil, "evalrun cache merge: " + notCache + ": not a score cache (no key directories in it)"},
		{[]string{"cache", "merge", filepath.Join(notCache, "nope"), "--into", filepath.Join(notCache, "m")}, nil, filepath.Join(notCache, "nope") + ": no such file or directory"},
	} {
		for k, v := range c.env {
			t.Setenv(k, v)
		}
		args := c.args
		if args[0] != "cache" {
			args = append(append([]string{}, args...), data...)
		}
		out, errs, code := evalrun(t, args...)
		if code != 2 || out != "" || !strings.Contains(errs, c.want) || strings.Count(errs, "\n") != 1 {
			t.Errorf("%v %v: exit %d, stdout %q, stderr %q; want 2 and one line with %q", c.args, c.env, code, out, errs, c.want)
		}
		for k := range c.env {
			t.Setenv(k, "")
		}
	}
}

// A damaged segment in a source is reported by name and left out; the
// rest is merged, and the merge exits 2.
func TestCacheMergeReportsDamage(t *testing.T) {
	src, into := t.TempDir(), filepath.Join(t.TempDir(), "merged")
	c, err := scorecache.Open(src, "model=m", io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	for i, text := range []string{"a", "b"} {
		c.Put(scorecache.Hash(text), []float32{float32(i)})
		if err := c.Flush(); err != nil { // one segment per text
			t.Fatal(err)
		}
	}
	segs, _ := filepath.Glob(filepath.Join(src, "*", "*.parquet"))
	if len(segs) != 2 {
		t.Fatalf("%d segments", len(segs))
	}
	os.WriteFile(segs[0], []byte("PAR1 damaged PAR1"), 0o644)
	out, errs, code := evalrun(t, "cache", "merge", src, "--into", into)
	lines := strings.Split(strings.TrimSuffix(errs, "\n"), "\n")
	if code != 2 || out != "" || len(lines) != 2 || !strings.HasPrefix(lines[0], "evalrun cache merge: "+segs[0]+" is unusable") ||
		lines[1] != fmt.Sprintf("evalrun cache merge: 1 cache into %s: 1 segment copied (1 output), 0 already there, 1 left out", into) {
		t.Errorf("exit %d, stdout %q, stderr:\n%s", code, out, errs)
	}
	merged, _ := filepath.Glob(filepath.Join(into, "*", "*.parquet"))
	if len(merged) != 1 {
		t.Errorf("%d segments merged, want the undamaged one", len(merged))
	}
}
