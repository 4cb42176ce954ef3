package judgments

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/edgeroute/edgeroute/internal/textfile"
	"github.com/edgeroute/edgeroute/tokens"
)

// testData holds two GSM8K questions and one two-turn MT-Bench-101
// dialogue, the records the plain fixtures name.
const testData = "testdata/data"

func TestReadPlain(t *testing.T) {
	for _, c := range []struct {
		path, bench string
		want        []Judgment
	}{
		// The CSV starts with a byte order mark, as spreadsheets write it.
		{"testdata/plain.csv", "gsm8k", []Judgment{
			{RecordID: "gsm8k/test/0", Model: "small", Quality: 1, ResponseTokens: 12},
			{RecordID: "gsm8k/test/1", Model: "small", Quality: 0, ResponseTokens: 4}, // "four is the answer"
			{RecordID: "gsm8k/test/0", Model: "large", Quality: 1, ResponseTokens: -1},
			{RecordID: "gsm8k/test/1", Model: "large", Quality: 1, ResponseTokens: 3}, // the prompt, spaced differently, agrees with the ID
		}},
		{"testdata/plain.jsonl", "mtbench101", []Judgment{
			{RecordID: "mtbench101/7", Turn: 1, Model: "small", Quality: 8, ResponseTokens: 2},
			{RecordID: "mtbench101/7", Turn: 2, Model: "small", Quality: 9.5, ResponseTokens: 40},
			{RecordID: "mtbench101/7", Turn: 1, Model: "large", Quality: 10, ResponseTokens: -1},
		}},
	} {
		f, err := os.Open(c.path)
		if err != nil {
			t.Fatal(err)
		}
		bench, got, err := ReadPlain(f, c.path, strings.HasSuffix(c.path, ".jsonl"), NewCatalog(Upstream(testData)), tokens.Words{})
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", c.path, err)
		}
		if bench != c.bench || len(got) != len(c.want) {
			t.Fatalf("%s: bench %q, %d judgments: %+v", c.path, bench, len(got), got)
		}
		for i := range c.want {
			if got[i] != c.want[i] {
				t.Errorf("%s row %d = %+v, want %+v", c.path, i, got[i], c.want[i])
			}
		}
	}
}

func TestReadPlainRejects(t *testing.T) {
	const head = "bench,record_id,prompt,model,quality\n"
	const tokensHead = "bench,record_id,model,quality,response_tokens\n"
	const j0 = `{"bench": "gsm8k", "record_id": "gsm8k/test/0", "model": "m", "quality": 1`
	for _, c := range []struct {
		name, text string
		jsonl      bool
		want       string
	}{
		{"no quality column", "bench,record_id,model\ngsm8k,a,m\n", false, `x line 1: no "quality" column`},
		{"unknown column", "bench,record_id,model,quality,score\n", false, `x line 1: unknown column "score"`},
		{"column twice", "bench,model,model,quality\n", false, `x line 1: column "model" twice`},
		{"empty file", "", false, "x: empty file"},
		{"short row", head + "gsm8k,gsm8k/test/0,,m\n", false, "x line 2: wrong number of fields"},
		{"bad quality", head + "gsm8k,gsm8k/test/0,,m,high\n", false, `x line 2: quality "high" is not a number`},
		{"nan quality", head + "gsm8k,gsm8k/test/0,,m,NaN\n", false, "x line 2: quality NaN"},
		{"no id", head + "gsm8k,,,m,1\n", false, "x line 2: neither record_id nor prompt"},
		{"unknown prompt", head + "gsm8k,,What?,m,1\n", false, `x line 2: no gsm8k record has the text "What?"`},
		{"id of another bench", head + "mmlu,gsm8k/test/0,,m,1\n", false, `x line 2: record_id "gsm8k/test/0" is not a mmlu record ID`},
		{"unknown id", head + "gsm8k,gsm8k/test/0,,m,1\ngsm8k,gsm8k/test/2,,m,1\n", false, `x line 3: record_id "gsm8k/test/2": the gsm8k data has no such record`},
		{"unknown bench", head + "gsm8 k,gsm8 k/test/0,,m,1\n", false, `x line 2: bench "gsm8 k": unknown (want mmlu, gsm8k, mtbench101, mtbench)`},
		{"bench in capitals", head + "GSM8K,gsm8k/test/0,,m,1\n", false, `x line 2: bench "GSM8K": unknown`},
		{"no bench", head + ",gsm8k/test/0,,m,1\n", false, `x line 2: bench "": unknown`},
		{"id and prompt disagree", head + "gsm8k,gsm8k/test/0,What is 2+2?,m,1\n", false, "x line 2: record_id gsm8k/test/0, but the prompt is record gsm8k/test/1"},
		{"two benches", head + "gsm8k,gsm8k/test/0,,m,1\nmmlu,mmlu/anatomy/0,,m,1\n", false, `x line 3: bench "mmlu", but earlier rows are "gsm8k"`},
		{"judged twice", head + "gsm8k,gsm8k/test/0,,m,1\ngsm8k,gsm8k/test/1,,m,1\ngsm8k,,What is  1+1?,m,0\n", false, "x line 4: gsm8k/test/0 is judged twice for model m (first on line 2)"},
		{"a turn of a single-turn record", "bench,record_id,model,quality,turn\ngsm8k,gsm8k/test/0,m,1,1\n", false, "x line 2: turn 1: gsm8k is single-turn (turn 0)"},
		{"a turn the dialogue lacks", "bench,record_id,model,quality,turn\nmtbench101,mtbench101/7,m,1,3\n", false, "x line 2: turn 3: mtbench101/7 has turns 1 to 2"},
		{"a dialogue without a turn", "bench,record_id,model,quality\nmtbench101,mtbench101/7,m,1\n", false, "x line 2: turn 0: mtbench101/7 has turns 1 to 2"},
		{"unknown dialogue", "bench,record_id,model,quality,turn\nmtbench101,mtbench101/8,m,1,1\n", false, `x line 2: record_id "mtbench101/8": the mtbench101 data has no such record`},
		{"prompt of a dialogue", head + "mtbench101,,Hi,m,1\n", false, "x line 2: prompts are matched to records of single-turn benchmarks only"},
		{"bench without data", head + "mtbench,mtbench/81,,m,1\n", false, "x line 2: mtbench: open testdata/data/routellm/mt_bench/question.jsonl: no such file"},
		{"negative tokens", tokensHead + "gsm8k,gsm8k/test/0,m,1,-3\n", false, "x line 2: response_tokens -3"},
		{"too many tokens", tokensHead + "gsm8k,gsm8k/test/0,m,1,10000000000000\n", false, "x line 2: response tokens 10000000000000, more than 2147483647"},
		{"fractional turn", "bench,record_id,model,quality,turn\ngsm8k,gsm8k/test/0,m,1,1.5\n", false, `x line 2: turn "1.5" is not an integer`},
		{"a turn beyond the schema", "bench,record_id,model,quality,turn\nmtbench101,mtbench101/7,m,1,2147483648\n", false, "x line 2: turn 2147483648: mtbench101/7 has turns 1 to 2"},
		{"no rows", head, false, "x: no judgments"},
		{"Latin-1 model name", head + "gsm8k,gsm8k/test/0,,m,1\r\ngsm8k,gsm8k/test/1,,caf\xe9,1\r\n", false, "x line 3: field 4: byte 0xe9 is not UTF-8"},
		{"Latin-1 in a quoted prompt", head + "gsm8k,,\"What\nis \x96\",m,1\n", false, "x line 3: field 3: byte 0x96 is not UTF-8"},
		{"jsonl no model", `{"bench": "gsm8k", "record_id": "gsm8k/test/0", "quality": 1}`, true, "x line 1: model is empty"},
		{"jsonl typo", `{"bench": "gsm8k", "record_id": "gsm8k/test/0", "model": "m", "qualty": 1}`, true, `x line 1: json: unknown field "qualty"`},
		{"jsonl misspelled tokens", j0 + `, "response_token": 5}`, true, `x line 1: json: unknown field "response_token"`},
		{"jsonl too many tokens", "\ufeff" + j0 + "}\r\n" + j0 + `, "model": "n", "response_tokens": 1e13}`, true, "x line 2: json: cannot unmarshal number 1e13"},
		{"jsonl many tokens", j0 + `, "response_tokens": 10000000000000}`, true, "x line 1: response tokens 10000000000000, more than 2147483647"},
		{"jsonl unknown id", j0 + "}\n" + `{"bench": "gsm8k", "record_id": "gsm8k/test/99", "model": "m", "quality": 1}`, true, `x line 2: record_id "gsm8k/test/99": the gsm8k data has no such record`},
		{"jsonl judged twice", j0 + "}\n\n" + j0 + "}", true, "x line 3: gsm8k/test/0 is judged twice for model m (first on line 1)"},
		{"jsonl Latin-1", j0 + `, "response": "caf` + "\xe9" + `"}`, true, "x line 1, column 93: byte 0xe9 is not UTF-8"},
		{"jsonl string quality", `{"bench": "gsm8k", "record_id": "gsm8k/test/0", "model": "m", "quality": "1"}`, true, "x line 1: json: cannot unmarshal string"},
		{"jsonl negative turn", `{"bench": "gsm8k", "record_id": "gsm8k/test/0", "model": "m", "quality": 1, "turn": -1}`, true, "x line 1: turn -1"},
		{"jsonl not an object", `[1, 2]`, true, "x line 1: json: cannot unmarshal array"},
	} {
		_, _, err := ReadPlain(strings.NewReader(c.text), "x", c.jsonl, NewCatalog(Upstream(testData)), tokens.Words{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
	// Without a data directory, record IDs cannot be checked: an error.
	_, _, err := ReadPlain(strings.NewReader(j0+"}"), "x", true, NewCatalog(Upstream("")), tokens.Words{})
	if err == nil || !strings.Contains(err.Error(), "x line 1: no data directory to check gsm8k record IDs against") {
		t.Errorf("no data directory: %v", err)
	}
}

// Files from spreadsheets and Windows editors (byte order mark, CRLF) read
// as the plain files do, and the format follows the extension in any case.
func TestReadPlainFile(t *testing.T) {
	dir := t.TempDir()
	want := []Judgment{{RecordID: "gsm8k/test/1", Model: "m", Quality: 1, ResponseTokens: 3}, {RecordID: "gsm8k/test/0", Model: "m", Quality: 0, ResponseTokens: -1}}
	for _, c := range []struct{ name, text string }{
		{"r.CSV", "\ufeffbench,prompt,record_id,model,quality,response\r\ngsm8k,\"What is\r\n2+2?\",,m,1,a b c\r\ngsm8k,,gsm8k/test/0,m,0,\r\n"},
		{"r.Jsonl", "\ufeff{\"bench\": \"gsm8k\", \"prompt\": \"What is 2+2?\", \"model\": \"m\", \"quality\": 1, \"response\": \"a b c\"}\r\n" +
			"{\"bench\": \"gsm8k\", \"record_id\": \"gsm8k/test/0\", \"model\": \"m\", \"quality\": 0}\r\n"},
	} {
		path := filepath.Join(dir, c.name)
		os.WriteFile(path, []byte(c.text), 0o644)
		bench, got, err := ReadPlainFile(path, NewCatalog(Upstream(testData)), tokens.Words{})
		if err != nil || bench != "gsm8k" || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: %q %+v %v", c.name, bench, got, err)
		}
	}
	for _, c := range []struct{ name, want string }{
		{"r.txt", `r.txt: plain judgments are .csv or .jsonl files, not ".txt"`},
		{"r", `plain judgments are .csv or .jsonl files, not ""`},
		{"missing.csv", "missing.csv: no such file"},
	} {
		if c.name != "missing.csv" {
			os.WriteFile(filepath.Join(dir, c.name), []byte("bench,record_id,model,quality\n"), 0o644)
		}
		if _, _, err := ReadPlainFile(filepath.Join(dir, c.name), NewCatalog(Upstream(testData)), tokens.Words{}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}

// The plain importer never panics, and what it accepts would pass a
// replay's checks. A byte order mark at the start and CRLF line ends (as
// spreadsheets and Windows editors write) change nothing: the same
// judgments, or the same error.
func FuzzReadPlain(f *testing.F) {
	for _, path := range []string{"testdata/plain.csv", "testdata/plain.jsonl"} {
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b), strings.HasSuffix(path, ".jsonl"))
	}
	f.Add("bench,prompt,model,quality\ngsm8k,What is 1+1?,m,1\n", false)
	f.Add("\ufeffbench,record_id,model,quality\r\ngsm8k,gsm8k/test/1,m,1\r\n", false)
	f.Add("bench,record_id,model,quality,response\ngsm8k,gsm8k/test/1,m,1,\"caf\xe9\nau lait\"\n", false)
	f.Add("\ufeff{\"bench\": \"gsm8k\", \"record_id\": \"gsm8k/test/0\", \"model\": \"m\", \"quality\": 0}\r\n", true)
	f.Add("{\"bench\": \"gsm8k\", \"record_id\": \"gsm8k/test/0\", \"model\": \"m\\u00e9\xe9\", \"quality\": 0}\n", true)
	f.Add("{\"bench\": \"mtbench101\", \"record_id\": \"mtbench101/7\", \"turn\": 2, \"model\": \"m\", \"quality\": 7, \"response\": \"\xff\"}", true)
	cat := NewCatalog(Upstream(testData))
	f.Fuzz(func(t *testing.T, text string, jsonLines bool) {
		bench, js, err := ReadPlain(strings.NewReader(text), "f", jsonLines, cat, tokens.Words{})
		if err == nil {
			if bench == "" || len(js) == 0 {
				t.Fatalf("no error, bench %q, %d judgments", bench, len(js))
			}
			seen := map[ModelTurn]bool{}
			for _, j := range js {
				mt := ModelTurn{Key{j.RecordID, j.Turn}, j.Model}
				if cat.Check(bench, mt.Key) != nil || checkJudgment(j) != nil || seen[mt] || !utf8.ValidString(j.Model) || j.Quality != j.Quality {
					t.Fatalf("bad judgment %+v", j)
				}
				seen[mt] = true
			}
		}
		if strings.HasPrefix(text, textfile.BOM) || strings.Contains(text, "\r") {
			return
		}
		windows := textfile.BOM + strings.ReplaceAll(text, "\n", "\r\n")
		wbench, wjs, werr := ReadPlain(strings.NewReader(windows), "f", jsonLines, cat, tokens.Words{})
		if wbench != bench || fmt.Sprint(wjs) != fmt.Sprint(js) || fmt.Sprint(werr) != fmt.Sprint(err) {
			t.Fatalf("with a byte order mark and CRLF: %q %v %v; without: %q %v %v", wbench, wjs, werr, bench, js, err)
		}
	})
}
