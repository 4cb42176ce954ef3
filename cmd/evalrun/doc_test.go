package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/edgeroute/edgeroute/judgments"
)

// example is a command of the README whose output the README shows.
type example struct {
	line   string // "$ go run ./cmd/evalrun ..."
	args   []string
	output string
}

// readmeExamples finds, in the README's code blocks, each line
// "$ go run ./cmd/evalrun ARGS" followed by the output it shows (up to
// the next "$ " line or the end of the block); commands shown without
// output are left out.
func readmeExamples(readme string) []example {
	var out []example
	var cur *example
	inBlock := false
	for _, line := range strings.Split(readme, "\n") {
		switch {
		case strings.HasPrefix(line, "```"):
			inBlock = !inBlock
			cur = nil
		case !inBlock:
		case strings.HasPrefix(line, "$ "):
			cur = nil
			if rest, ok := strings.CutPrefix(line, "$ go run ./cmd/evalrun "); ok {
				out = append(out, example{line: line, args: strings.Fields(rest)})
				cur = &out[len(out)-1]
			}
		case cur != nil:
			cur.output += line + "\n"
		}
	}
	var shown []example
	for _, e := range out {
		if strings.TrimSpace(e.output) != "" {
			shown = append(shown, e)
		}
	}
	return shown
}

// readme is the README's text.
func readme(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The README's examples print what the README shows.
func TestREADMEExamples(t *testing.T) {
	examples := readmeExamples(readme(t))
	if len(examples) == 0 {
		t.Fatal("the README shows no example with its output")
	}
	for _, ex := range examples {
		out, errs, code := evalrun(t, ex.args...)
		if code != 0 {
			t.Errorf("%s: exit %d: %s", ex.line, code, errs)
			continue
		}
		if out != ex.output {
			t.Errorf("%s: the README shows\n%s\nevalrun prints\n%s", ex.line, ex.output, out)
		}
	}
}

// readmeSection is the README's text from the heading to the next
// heading of the same or a higher level (outside code blocks, where "# "
// starts a comment).
func readmeSection(t *testing.T, heading string) string {
	t.Helper()
	level := func(line string) int { return len(line) - len(strings.TrimLeft(line, "#")) }
	var out []string
	in, code := false, false
	for _, line := range strings.Split(readme(t), "\n") {
		if strings.HasPrefix(line, "```") {
			code = !code
		}
		switch {
		case !code && line == heading:
			in = true
		case in && !code && strings.HasPrefix(line, "#") && level(line) <= level(heading):
			return strings.Join(out, "\n")
		case in:
			out = append(out, line)
		}
	}
	if !in {
		t.Fatalf("the README has no heading %q", heading)
	}
	return strings.Join(out, "\n")
}

// codeLines are the lines of the code blocks in text.
func codeLines(text string) []string {
	var out []string
	in := false
	for _, line := range strings.Split(text, "\n") {
		switch {
		case strings.HasPrefix(line, "```"):
			in = !in
		case in:
			out = append(out, line)
		}
	}
	return out
}

// The README's importer examples, run as written (with their shell globs
// expanded) in a directory that holds the files they name, each write a
// judgments file that replays; so does the replay command shown.
func TestREADMEImportExamples(t *testing.T) {
	var cmds []string
	for _, line := range codeLines(readmeSection(t, "### Your own model pair: `evalrun import`")) {
		if strings.HasPrefix(line, "evalrun ") {
			if i := strings.Index(line, " # "); i >= 0 {
				line = line[:i]
			}
			cmds = append(cmds, strings.TrimSpace(line))
		}
	}
	if len(cmds) < 8 {
		t.Fatalf("%d commands in the importers' section: %q", len(cmds), cmds)
	}
	// The inputs of a merge are one model each: only the merge replays.
	mergeInputs := map[string]bool{}
	for _, cmd := range cmds {
		if f := strings.Fields(cmd); slices.Contains(f, "merge") {
			for i, a := range f {
				if strings.HasSuffix(a, ".parquet") && f[i-1] != "--out" {
					mergeInputs[a] = true
				}
			}
		}
	}
	fixtures, _ := filepath.Abs("../../testdata/data")
	lmData := lmevalData(t)
	work := readmeImportFiles(t)
	t.Chdir(work)
	for _, cmd := range cmds {
		// The lm-evaluation-harness samples are of other GSM8K questions
		// than the fixtures'.
		data := fixtures
		if strings.Contains(cmd, " lmeval ") || strings.Contains(cmd, " merge ") {
			data = lmData
		}
		t.Setenv("EDGEROUTE_DATA", data)
		var args []string
		for _, a := range strings.Fields(cmd)[1:] {
			if !strings.Contains(a, "*") {
				args = append(args, a)
				continue
			}
			m, _ := filepath.Glob(a)
			if len(m) == 0 {
				t.Fatalf("%s: %s matches no file", cmd, a)
			}
			args = append(args, m...)
		}
		_, errs, code := evalrun(t, args...)
		if code != 0 {
			t.Errorf("%s: exit %d: %s", cmd, code, errs)
			continue
		}
		if args[0] != "import" {
			continue
		}
		out := args[slices.Index(args, "--out")+1]
		f, err := judgments.ReadParquet(out)
		if err != nil {
			t.Fatalf("%s: %v", cmd, err)
		}
		if mergeInputs[out] {
			continue
		}
		if _, errs, code := evalrun(t, "--bench", f.Bench, "--judgments", out, "--bootstrap", "0"); code != 0 {
			t.Errorf("%s: the file does not replay: %s", cmd, errs)
		}
	}
}

// readmeImportFiles is a directory holding, at the paths the README's
// importer examples name, fixtures in each tool's format: the
// lm-evaluation-harness samples for both models, RouteLLM's MT-Bench
// fixture (which is FastChat's judgment format) under the README's model
// names with FastChat answer files, the OpenCompass MT-Bench-101 fixture
// for both models, and a plain CSV of the fixtures' GSM8K.
func readmeImportFiles(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	put := func(path string, b []byte) {
		p := filepath.Join(dir, path)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	read := func(path string) []byte {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	samples := read(lmevalSamples)
	for _, m := range []string{"small", "large"} {
		put(filepath.Join(m, filepath.Base(lmevalSamples)), samples)
	}
	judged := strings.NewReplacer("mistralai/Mixtral-8x7B-Instruct-v0.1", "vicuna-13b-v1.3", "gpt-4-1106-preview", "gpt-4").
		Replace(string(read("../../testdata/data/routellm/mt_bench/judgements.jsonl")))
	put("model_judgment/gpt-4_single.jsonl", []byte(judged))
	for _, m := range []string{"vicuna-13b-v1.3", "gpt-4"} {
		var b strings.Builder
		for q := 81; q <= 83; q++ {
			fmt.Fprintf(&b, `{"question_id": %d, "answer_id": "%d", "model_id": %q, "choices": [{"index": 0, "turns": ["one two", "three"]}], "tstamp": 0}`+"\n", q, q, m)
		}
		put("model_answer/"+m+".jsonl", []byte(b.String()))
	}
	oc := "../../judgments/testdata/opencompass/"
	for _, m := range []string{"a", "b"} {
		put("results/"+m+"_judged-by--gpt-4/mtbench101.json", read(oc+"results_mtbench101.json"))
		put("predictions/"+m+"/mtbench101.json", read(oc+"predictions_mtbench101.json"))
	}
	put("results.csv", []byte("bench,record_id,model,quality\n"+
		"gsm8k,gsm8k/test/0,a,1\ngsm8k,gsm8k/test/1,a,0\ngsm8k,gsm8k/test/2,a,0\ngsm8k,gsm8k/test/3,a,1\n"+
		"gsm8k,gsm8k/test/0,b,1\ngsm8k,gsm8k/test/1,b,1\ngsm8k,gsm8k/test/2,b,1\ngsm8k,gsm8k/test/3,b,0\n"))
	return dir
}

// The README shows how to install evalrun before its first command that
// needs the binary, and says where go install puts it.
func TestREADMEInstallsBeforeUse(t *testing.T) {
	text := readme(t)
	lines := codeLines(text)
	install := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, "go install ./cmd/evalrun") })
	first := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, "evalrun ") })
	if install < 0 || first < 0 || install > first {
		t.Errorf("go install at code line %d, the first evalrun command at %d (%q)", install, first, lines[max(first, 0)])
	}
	if !strings.Contains(text, "$(go env GOPATH)/bin") {
		t.Error("the README does not say that go install puts evalrun in $(go env GOPATH)/bin")
	}
}

// The CI snippet builds evalrun before running it: go run would report
// check's regressions (1) and bad input (2) alike as 1.
func TestREADMECISnippetBuildsFirst(t *testing.T) {
	var runs []string
	for _, line := range codeLines(readmeSection(t, "## Figures, the paper's tables, CI gates")) {
		if r, ok := strings.CutPrefix(strings.TrimSpace(line), "- run: "); ok {
			runs = append(runs, r)
		}
	}
	if len(runs) < 3 || !strings.HasPrefix(runs[0], "go build -o evalrun ./cmd/evalrun") {
		t.Fatalf("CI steps %q: want go build -o evalrun ./cmd/evalrun first", runs)
	}
	for _, r := range runs[1:] {
		if !strings.HasPrefix(r, "./evalrun ") {
			t.Errorf("CI step %q does not run the built binary", r)
		}
	}
}
