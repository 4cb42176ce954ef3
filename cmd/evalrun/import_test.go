package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/edgeroute/edgeroute/judgments"
)

// RouteLLM's results imported to Parquet and replayed give exactly the
// bytes of replaying the CSVs directly, with every single-turn router,
// confidence intervals, the contaminated prompts dropped, and each
// record's own response length.
func TestImportRoundTrip(t *testing.T) {
	d := sharedData(t)
	for _, c := range []struct {
		bench string
		extra []string
	}{
		{"gsm8k", nil},
		{"gsm8k", []string{"--drop-contaminated", "--resp-len", "actual"}},
		{"mmlu", nil},
		{"mmlu", []string{"--drop-contaminated", "--by-domain"}},
	} {
		path := filepath.Join(t.TempDir(), c.bench+".parquet")
		_, errs, code := evalrun(t, "import", "--data", d, "--out", path, "routellm", "--bench", c.bench)
		if code != 0 || !strings.Contains(errs, "wrote "+path) {
			t.Fatalf("import: exit %d: %s", code, errs)
		}
		args := append([]string{"--bench", c.bench, "--router", "random,oracle,slm-only,llm-only", "--data", d, "--format", "json", "--points", "0", "--bootstrap", "20", "--seeds", "3"}, c.extra...)
		direct, errs, code := evalrun(t, args...)
		if code != 0 {
			t.Fatal(errs)
		}
		viaParquet, errs, code := evalrun(t, append(args, "--judgments", path)...)
		if code != 0 {
			t.Fatal(errs)
		}
		if direct != viaParquet {
			t.Errorf("%s %v: the replay of the imported Parquet differs from the direct replay", c.bench, c.extra)
		}
		if !strings.Contains(direct, `"router": "oracle"`) {
			t.Errorf("%s: no oracle in %.200s", c.bench, direct)
		}
	}
}

// RouteLLM's GSM8K results, rewritten here from the raw CSV as a plain CSV
// that names each record by its prompt and gives the response text, import
// and replay exactly as the direct replay.
func TestImportPlainRealGSM8K(t *testing.T) {
	d := sharedData(t)
	f, err := os.Open(filepath.Join(d, "routellm", "gsm8k", "gsm8k_responses.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	head := rows[0] // prompt, weak, strong, weak_response, strong_response
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write([]string{"bench", "prompt", "model", "quality", "response"})
	for _, r := range rows[1:] {
		for m := 1; m <= 2; m++ {
			q := map[string]string{"True": "1", "False": "0"}[r[m]]
			w.Write([]string{"gsm8k", r[0], head[m], q, r[m+2]})
		}
	}
	w.Flush()
	dir := t.TempDir()
	plain := filepath.Join(dir, "gsm8k.csv")
	os.WriteFile(plain, []byte(b.String()), 0o644)
	out := filepath.Join(dir, "gsm8k.parquet")
	_, errs, code := evalrun(t, "import", "--data", d, "--out", out, "--slm", head[1], "--llm", head[2], "plain", plain)
	if code != 0 || !strings.Contains(errs, "gsm8k, 2638 judgments of 1319 requests") {
		t.Fatalf("exit %d: %s", code, errs)
	}
	args := []string{"--bench", "gsm8k", "--router", "oracle,slm-only,llm-only", "--data", d, "--format", "json", "--points", "0", "--bootstrap", "0", "--resp-len", "actual"}
	direct, errs, code := evalrun(t, args...)
	if code != 0 {
		t.Fatal(errs)
	}
	via, errs, code := evalrun(t, append(args, "--judgments", out)...)
	if code != 0 || via != direct {
		t.Errorf("exit %d %s: the plain import replays differently", code, errs)
	}
}

// The four-question fixture's results as a plain CSV, by prompt and by ID:
// the replay agrees with the fixture's RouteLLM file.
func TestImportPlainAndReplay(t *testing.T) {
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "r.csv")
	os.WriteFile(csvPath, []byte(`bench,record_id,prompt,model,quality,response
gsm8k,,a  b c d,weak,1,w w
gsm8k,gsm8k/test/1,,weak,0,w
gsm8k,gsm8k/test/2,,weak,0,w w w
gsm8k,gsm8k/test/3,x,weak,1,w w
gsm8k,gsm8k/test/0,,strong,1,s s s s
gsm8k,gsm8k/test/1,,strong,1,s s
gsm8k,,one two three four five six,strong,1,s
gsm8k,gsm8k/test/3,,strong,0,s s s
`), 0o644)
	out := filepath.Join(dir, "r.parquet")
	_, errs, code := evalrun(t, "import", "--data", "../../testdata/data", "--out", out, "--slm", "weak", "--llm", "strong", "plain", csvPath)
	if code != 0 || !strings.Contains(errs, "wrote "+out+": gsm8k, 8 judgments of 4 requests by strong (4), weak (4)") {
		t.Fatalf("exit %d: %s", code, errs)
	}
	f, err := judgments.ReadParquet(out)
	if err != nil || f.Bench != "gsm8k" || f.SLM != "weak" || f.LLM != "strong" || len(f.Judgments) != 8 {
		t.Fatalf("%+v %v", f, err)
	}
	args := []string{"--bench", "gsm8k", "--router", "oracle", "--data", "../../testdata/data", "--format", "json", "--resp-len", "actual"}
	direct, errs, code := evalrun(t, args...)
	if code != 0 {
		t.Fatal(errs)
	}
	via, errs, code := evalrun(t, append(args, "--judgments", out)...)
	if code != 0 || via != direct {
		t.Errorf("exit %d %s: plain import replays differently:\n%s\nvs\n%s", code, errs, via, direct)
	}
}

// Without --out the file is judgments.parquet in the working directory.
func TestImportDefaultOut(t *testing.T) {
	data, _ := filepath.Abs("../../testdata/data")
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "r.csv")
	os.WriteFile(csvPath, []byte("bench,record_id,model,quality\ngsm8k,gsm8k/test/0,a,1\ngsm8k,gsm8k/test/0,b,0\n"), 0o644)
	t.Chdir(dir)
	if _, errs, code := evalrun(t, "import", "--data", data, "plain", csvPath); code != 0 || !strings.Contains(errs, "wrote judgments.parquet:") {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if f, err := judgments.ReadParquet(filepath.Join(dir, "judgments.parquet")); err != nil || len(f.Judgments) != 2 {
		t.Errorf("%+v %v", f, err)
	}
}

func TestImportRejects(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(text), 0o644)
		return p
	}
	bad := write("bad.csv", "bench,record_id,model,quality\ngsm8k,gsm8k/test/0,m,lots\n")
	twice := write("twice.csv", "bench,record_id,model,quality\ngsm8k,gsm8k/test/0,m,1\ngsm8k,gsm8k/test/0,m,0\n")
	good := write("good.csv", "bench,record_id,model,quality\ngsm8k,gsm8k/test/0,a,1\ngsm8k,gsm8k/test/0,b,0\n")
	mmlu := write("mmlu.csv", "bench,record_id,model,quality\nmmlu,mmlu/anatomy/0,a,1\n")
	samples := "../../judgments/testdata/lmeval/samples_gsm8k_2024-06-28T13-08-51.006327.jsonl"
	x := filepath.Join(dir, "x.parquet")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"import", "--out", x}, "no FORMAT"},
		{[]string{"import", "--out", x, "excel"}, `format "excel": unknown`},
		{[]string{"import", "--out", "", "plain", good}, "--out: empty file name"},
		{[]string{"import", "--out", x, "plain"}, "plain: no FILE"},
		{[]string{"import", "--data", "../../testdata/data", "--out", x, "plain", bad}, `bad.csv line 2: quality "lots" is not a number`},
		{[]string{"import", "--data", "../../testdata/data", "--out", x, "plain", filepath.Join(dir, "none.csv")}, "none.csv: no such file"},
		{[]string{"import", "--data", "../../testdata/data", "--out", x, "plain", twice}, "gsm8k/test/0 is judged twice for model m"},
		{[]string{"import", "--data", "../../testdata/data", "--out", x, "plain", good, mmlu}, `mmlu.csv: bench "mmlu", but earlier files are "gsm8k"`},
		{[]string{"import", "--data", "../../testdata/data", "--out", x, "--slm", "A", "plain", good}, "--slm A: no judgments of that model (models: a, b)"},
		{[]string{"import", "--out", x, "--data", filepath.Join(dir, "nodata"), "plain", good}, "nodata: not a directory"},
		{[]string{"import", "--data", "../../testdata/data", "--out", x, "routellm", "--bench", "arc"}, `no records for bench "arc"`},
		{[]string{"import", "--data", "../../testdata/data", "--out", x, "routellm", "--bench", "gsm8k", "extra.csv"}, `routellm: unexpected argument "extra.csv"`},
		{[]string{"import", "--data", "../../testdata/data", "--out", x, "lmeval", samples}, "lmeval: " + samples + ": give --model before it"},
		{[]string{"import", "--data", "../../testdata/data", "--out", x, "lmeval", "--model", "m", good}, "cannot tell the benchmark of " + good},
		{[]string{"import", "--data", "../../testdata/data", "--out", x, "lmeval", "--model", "m"}, "lmeval: no samples file"},
		{[]string{"import", "--data", "../../testdata/data", "--out", x, "lmeval", "--model", "m", "--nope", samples}, "lmeval: flag provided but not defined: -nope"},
		// The fixture data's GSM8K questions are not the samples' questions.
		{[]string{"import", "--data", "../../testdata/data", "--out", x, "lmeval", "--model", "m", samples}, samples + " line 1: doc_id 0: no gsm8k record has the text \"Mia has 12 marbles"},
	} {
		_, errs, code := evalrun(t, c.args...)
		if code != 2 || !strings.Contains(errs, c.want) || strings.Count(errs, "\n") != 1 {
			t.Errorf("%v: exit %d, %q; want 2 and %q", c.args, code, errs, c.want)
		}
	}
	if _, err := os.Stat(x); !os.IsNotExist(err) {
		t.Error("a failed import wrote its output")
	}
}

// A judgments file that names a record the benchmark lacks, or leaves a
// record unjudged, is refused.
func TestReplayRejectsJudgmentsMismatch(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		js   []judgments.Judgment
		want string
	}{
		{"unknown record", []judgments.Judgment{{RecordID: "gsm8k/test/9", Model: "a", Quality: 1}}, "gsm8k/test/9, which is not a gsm8k record"},
		{"one model only", []judgments.Judgment{{RecordID: "gsm8k/test/0", Model: "a", Quality: 1}, {RecordID: "gsm8k/test/0", Model: "b", Quality: 1}, {RecordID: "gsm8k/test/1", Model: "a", Quality: 1}}, "gsm8k/test/1 has no judgment for model b"},
		{"unjudged record", []judgments.Judgment{{RecordID: "gsm8k/test/0", Model: "a", Quality: 1}, {RecordID: "gsm8k/test/0", Model: "b", Quality: 1}}, "record gsm8k/test/1 has no judgments"},
		{"out of range", []judgments.Judgment{{RecordID: "gsm8k/test/0", Model: "a", Quality: 7}, {RecordID: "gsm8k/test/0", Model: "b", Quality: 1}}, "quality 7 outside [0, 1]"},
	} {
		path := filepath.Join(dir, c.name+".parquet")
		if err := judgments.WriteParquet(path, &judgments.File{Bench: "gsm8k", SLM: "a", LLM: "b", Judgments: c.js}); err != nil {
			t.Fatal(err)
		}
		_, errs, code := evalrun(t, "--bench", "gsm8k", "--data", "../../testdata/data", "--judgments", path)
		if code != 2 || !strings.Contains(errs, c.want) || !strings.Contains(errs, path) {
			t.Errorf("%s: exit %d, %q; want %q", c.name, code, errs, c.want)
		}
	}
}

// Two "models" from lm-evaluation-harness samples (the fixture read with
// its two filters), imported in one go and replayed: the baselines are the
// fixture's exact_match means and response lengths.
// lmevalSamples is the lm-evaluation-harness GSM8K fixture.
const lmevalSamples = "../../judgments/testdata/lmeval/samples_gsm8k_2024-06-28T13-08-51.006327.jsonl"

// lmevalData is a data directory whose GSM8K is the three questions of
// lmevalSamples.
func lmevalData(t *testing.T) string {
	t.Helper()
	data := t.TempDir()
	os.MkdirAll(filepath.Join(data, "gsm8k"), 0o755)
	os.WriteFile(filepath.Join(data, "gsm8k", "test.jsonl"), []byte(`{"question": "Mia has 12 marbles and gives away 5. How many marbles does she have left?", "answer": "#### 7"}
{"question": "A farmer has 6 cows. Each cow gives 9 liters of milk. How many liters of milk does he get?", "answer": "#### 54"}
{"question": "Leo buys 3 books at $7 each. How much does he spend?", "answer": "#### 21"}
`), 0o644)
	return data
}

func TestImportLMEval(t *testing.T) {
	dir := t.TempDir()
	data := lmevalData(t)
	samples := lmevalSamples
	out := filepath.Join(dir, "j.parquet")
	_, errs, code := evalrun(t, "import", "--data", data, "--out", out, "--slm", "small", "--llm", "large",
		"lmeval", "--model", "small", samples, "--model", "large", "--filter", "flexible-extract", samples)
	for _, want := range []string{
		samples + ": 3 documents (filter strict-match, metric exact_match) matched gsm8k records",
		samples + ": 3 documents (filter flexible-extract, metric exact_match) matched gsm8k records",
		"small: 3 of 3 gsm8k records judged",
		"wrote " + out + ": gsm8k, 6 judgments of 3 requests by large (3), small (3)",
	} {
		if code != 0 || !strings.Contains(errs, want) {
			t.Fatalf("exit %d, want %q: %s", code, want, errs)
		}
	}
	f, err := judgments.ReadParquet(out)
	if err != nil || f.Bench != "gsm8k" || f.SLM != "small" || f.LLM != "large" || len(f.Judgments) != 6 {
		t.Fatalf("%+v %v", f, err)
	}
	// strict-match: 1, 0, 0; flexible-extract: 1, 1, 0. Responses of 20,
	// 17 and 9 words (the same raw text under both filters).
	rep := replayJSON(t, "--bench", "gsm8k", "--router", "oracle", "--data", data, "--judgments", out)
	const third, twoThirds, meanLen = 1.0 / 3, 2.0 / 3, (20.0 + 17 + 9) / 3
	if rep.N != 3 || !near(rep.SLM.Quality, third) || !near(rep.LLM.Quality, twoThirds) || !near(rep.Profile.MeanResponse.SLM, meanLen) || !near(rep.Profile.MeanResponse.LLM, meanLen) {
		t.Errorf("n %d, quality %v / %v, mean response %+v; want 3, 1/3 / 2/3, %v", rep.N, rep.SLM.Quality, rep.LLM.Quality, rep.Profile.MeanResponse, meanLen)
	}
}

// `import plain -` reads stdin, CSV or JSONL as its first character says
// (after a byte order mark and white space); - twice is an error.
func TestImportPlainStdin(t *testing.T) {
	want := []judgments.Judgment{
		{RecordID: "gsm8k/test/0", Model: "a", Quality: 1, ResponseTokens: 3},
		{RecordID: "gsm8k/test/0", Model: "b", Quality: 0, ResponseTokens: -1},
	}
	for _, c := range []struct{ name, stdin string }{
		{"csv", "bench,record_id,model,quality,response_tokens\ngsm8k,gsm8k/test/0,a,1,3\ngsm8k,gsm8k/test/0,b,0,\n"},
		{"jsonl", "\ufeff \n" + `{"bench": "gsm8k", "record_id": "gsm8k/test/0", "model": "a", "quality": 1, "response_tokens": 3}` + "\n" +
			`{"bench": "gsm8k", "record_id": "gsm8k/test/0", "model": "b", "quality": 0}` + "\n"},
	} {
		out := filepath.Join(t.TempDir(), "j.parquet")
		var stdout, stderr strings.Builder
		code := run(context.Background(), []string{"import", "--data", "../../testdata/data", "--out", out, "plain", "-"}, strings.NewReader(c.stdin), &stdout, &stderr)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", c.name, code, stderr.String())
		}
		f, err := judgments.ReadParquet(out)
		if err != nil || f.Bench != "gsm8k" || !slices.Equal(f.Judgments, want) {
			t.Errorf("%s: %+v %v; want %+v", c.name, f, err, want)
		}
	}
	_, errs, code := evalrun(t, "import", "--data", "../../testdata/data", "--out", filepath.Join(t.TempDir(), "j.parquet"), "plain", "-", "-")
	if code != 2 || errs != "evalrun import: plain: - (stdin) named 2 times\n" {
		t.Errorf("- twice: exit %d, %q", code, errs)
	}
}

// merge combines one-model files into a pair that replays, takes the
// import's flags after its files, lets --slm/--llm settle roles the files
// disagree on, and refuses a request judged differently by two files.
func TestImportMerge(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, f *judgments.File) string {
		p := filepath.Join(dir, name)
		if err := judgments.WriteParquet(p, f); err != nil {
			t.Fatal(err)
		}
		return p
	}
	rows := func(model string, q ...float64) []judgments.Judgment {
		var js []judgments.Judgment
		for i, x := range q {
			js = append(js, judgments.Judgment{RecordID: fmt.Sprintf("gsm8k/test/%d", i), Model: model, Quality: x, ResponseTokens: -1})
		}
		return js
	}
	small := write("small.parquet", &judgments.File{Bench: "gsm8k", SLM: "small", Judgments: rows("small", 1, 0, 0, 1)})
	large := write("large.parquet", &judgments.File{Bench: "gsm8k", LLM: "large", Judgments: rows("large", 1, 1, 1, 0)})
	other := write("other.parquet", &judgments.File{Bench: "gsm8k", SLM: "large", Judgments: rows("small", 1, 0, 1, 1)})
	alsoSmall := write("also-small.parquet", &judgments.File{Bench: "gsm8k", SLM: "large", Judgments: rows("small", 1, 0, 0, 1)})

	out := filepath.Join(dir, "pair.parquet")
	_, errs, code := evalrun(t, "import", "merge", small, large, "--out", out)
	if code != 0 || errs != "evalrun import: wrote "+out+": gsm8k, 8 judgments of 4 requests by large (4), small (4)\n" {
		t.Fatalf("exit %d: %s", code, errs)
	}
	// The fixtures' GSM8K, whose RouteLLM results are these qualities:
	// the pair replays as RouteLLM's files do, lengths aside.
	rep := replayJSON(t, "--bench", "gsm8k", "--router", "oracle", "--data", "../../testdata/data", "--judgments", out)
	if rep.SLM.Model != "small" || rep.LLM.Model != "large" || rep.SLM.Quality != 0.5 || rep.LLM.Quality != 0.75 {
		t.Errorf("SLM %+v, LLM %+v; want small at 0.5, large at 0.75", rep.SLM, rep.LLM)
	}

	// also-small names large its SLM; --slm and --llm choose instead.
	if _, errs, code := evalrun(t, "import", "--slm", "small", "--llm", "large", "merge", small, alsoSmall, large, "--out", out); code != 0 {
		t.Errorf("roles given: exit %d: %s", code, errs)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"merge", small, alsoSmall, "--out", out}, "merge: " + small + " names the SLM small, " + alsoSmall + " names large: choose the pair with --slm and --llm"},
		{[]string{"--slm", "small", "merge", small, other, "--out", out}, "merge: gsm8k/test/2, model small: " + small + " has quality 0 and unknown response tokens, " + other + " has 1 and unknown"},
		{[]string{"merge", small, "--out", out}, "merge: 1 judgments files; want two or more"},
		{[]string{"merge", small, filepath.Join(dir, "none.parquet")}, "none.parquet"},
	} {
		_, errs, code := evalrun(t, append([]string{"import"}, c.args...)...)
		if code != 2 || !strings.Contains(errs, c.want) || strings.Count(errs, "\n") != 1 {
			t.Errorf("%v: exit %d, %q; want 2 and %q", c.args, code, errs, c.want)
		}
	}
}

// A replay reads one judgments file: a second --judgments is an error
// naming the flag, not a silent choice of the last.
func TestReplayJudgmentsOnce(t *testing.T) {
	out, errs, code := evalrun(t, "--bench", "gsm8k", "--data", "../../testdata/data", "--judgments", "a.parquet", "--judgments", "b.parquet")
	want := `evalrun: invalid value "b.parquet" for flag -judgments: given twice (a.parquet, then b.parquet); a replay reads one judgments file: combine several with evalrun import merge`
	if code != 2 || out != "" || !strings.HasPrefix(errs, want) || strings.Count(errs, "\n") != 1 {
		t.Errorf("exit %d, stderr %q; want 2 and %q", code, errs, want)
	}
}
