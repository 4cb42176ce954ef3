package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/edgeroute/edgeroute/judgments"
)

// RouteLLM's results imported to Parquet and replayed give exactly the
// bytes of replaying the CSVs directly.
func TestImportRoundTrip(t *testing.T) {
	d := sharedData(t)
	for _, bench := range []string{"gsm8k", "mmlu"} {
		path := filepath.Join(t.TempDir(), bench+".parquet")
		_, errs, code := evalrun(t, "import", "--data", d, "--out", path, "routellm", "--bench", bench)
		if code != 0 || !strings.Contains(errs, "wrote ") {
			t.Fatalf("import: exit %d: %s", code, errs)
		}
		args := []string{"--bench", bench, "--router", "random,oracle", "--data", d, "--format", "json", "--bootstrap", "50"}
		direct, errs, code := evalrun(t, args...)
		if code != 0 {
			t.Fatal(errs)
		}
		viaParquet, errs, code := evalrun(t, append(args, "--judgments", path)...)
		if code != 0 {
			t.Fatal(errs)
		}
		if direct != viaParquet {
			t.Errorf("%s: replay of the imported Parquet differs from the direct replay", bench)
		}
	}
}

func TestImportPlainAndReplay(t *testing.T) {
	dir := t.TempDir()
	csv := filepath.Join(dir, "r.csv")
	// The fixture's four GSM8K questions, by prompt and by ID, with the same
	// results as its RouteLLM file: the replay must agree with it.
	os.WriteFile(csv, []byte(`bench,record_id,prompt,model,quality,response
gsm8k,,a b c d,weak,1,w w
gsm8k,gsm8k/test/1,,weak,0,w
gsm8k,gsm8k/test/2,,weak,0,w w w
gsm8k,gsm8k/test/3,,weak,1,w w
gsm8k,gsm8k/test/0,,strong,1,s s s s
gsm8k,gsm8k/test/1,,strong,1,s s
gsm8k,,one two three four five six,strong,1,s
gsm8k,gsm8k/test/3,,strong,0,s s s
`), 0o644)
	out := filepath.Join(dir, "r.parquet")
	_, errs, code := evalrun(t, "import", "--data", "testdata/data", "--out", out, "--slm", "weak", "--llm", "strong", "plain", csv)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	f, err := judgments.ReadParquet(out)
	if err != nil || f.SLM != "weak" || f.LLM != "strong" || len(f.Judgments) != 8 {
		t.Fatalf("%+v %v", f, err)
	}
	args := []string{"--bench", "gsm8k", "--router", "oracle", "--data", "testdata/data", "--format", "json"}
	direct, _, _ := evalrun(t, args...)
	via, errs, code := evalrun(t, append(args, "--judgments", out)...)
	if code != 0 || via != direct {
		t.Errorf("exit %d %s: plain import replays differently:\n%s\nvs\n%s", code, errs, via, direct)
	}
}

func TestImportRejects(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("bench,record_id,model,quality\ngsm8k,gsm8k/test/0,m,lots\n"), 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"import", "--out", filepath.Join(dir, "x.parquet")}, "no FORMAT"},
		{[]string{"import", "--out", filepath.Join(dir, "x.parquet"), "excel"}, `format "excel": unknown`},
		{[]string{"import", "plain", bad}, "--out FILE is required"},
		{[]string{"import", "--out", filepath.Join(dir, "x.parquet"), "plain", bad}, `bad.csv line 2: quality "lots"`},
		{[]string{"import", "--out", filepath.Join(dir, "x.parquet"), "plain", filepath.Join(dir, "none.csv")}, "none.csv: no such file"},
		{[]string{"import", "--data", "testdata/data", "--out", filepath.Join(dir, "x.parquet"), "routellm", "--bench", "arc"}, `no records for bench "arc"`},
	} {
		_, errs, code := evalrun(t, c.args...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", c.args, code, errs, c.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "x.parquet")); !os.IsNotExist(err) {
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
		if err := judgments.WriteParquet(path, &judgments.File{SLM: "a", LLM: "b", Judgments: c.js}); err != nil {
			t.Fatal(err)
		}
		_, errs, code := evalrun(t, "--bench", "gsm8k", "--data", "testdata/data", "--judgments", path)
		if code != 2 || !strings.Contains(errs, c.want) || !strings.Contains(errs, path) {
			t.Errorf("%s: exit %d, %q; want %q", c.name, code, errs, c.want)
		}
	}
}

func TestImportLMEval(t *testing.T) {
	dir := t.TempDir()
	// A data directory whose GSM8K is the fixture's two questions.
	data := filepath.Join(dir, "data", "gsm8k")
	os.MkdirAll(data, 0o755)
	os.WriteFile(filepath.Join(data, "test.jsonl"), []byte(`{"question": "What is 1+1?", "answer": "#### 2"}
{"question": "What is 2+2?", "answer": "#### 4"}
`), 0o644)
	out := filepath.Join(dir, "j.parquet")
	_, errs, code := evalrun(t, "import", "--data", filepath.Join(dir, "data"), "--out", out, "lmeval", "--model", "m", "--bench", "gsm8k",
		"../../judgments/testdata/lmeval/samples_gsm8k_2024-06-01T12-00-00.jsonl")
	if code != 0 || !strings.Contains(errs, "2 documents matched gsm8k records") {
		t.Fatalf("exit %d: %s", code, errs)
	}
	f, err := judgments.ReadParquet(out)
	if err != nil || len(f.Judgments) != 2 || f.Bench != "gsm8k" || f.Judgments[0].Quality != 1 {
		t.Errorf("%+v %v", f, err)
	}
}
