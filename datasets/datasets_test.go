package datasets

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sharedData is the real data beside the repository.
func sharedData(t testing.TB) string {
	d := filepath.Join("..", "..", "shared", "data")
	if _, err := os.Stat(d); err != nil {
		t.Skipf("no shared data at %s: %v", d, err)
	}
	return d
}

func TestLoadMMLU(t *testing.T) {
	recs, err := LoadMMLU(sharedData(t))
	if err != nil {
		t.Fatal(err)
	}
	// SOURCES.md: 57 files, 14,042 rows; answers A 3,222, B 3,462, C 3,582, D 3,776.
	if len(recs) != 14042 {
		t.Fatalf("%d records, want 14042", len(recs))
	}
	answers := map[string]int{}
	subjects := map[string]bool{}
	ids := map[string]bool{}
	for _, r := range recs {
		answers[r.Answer]++
		subjects[r.Subject] = true
		if ids[r.ID] {
			t.Fatalf("duplicate ID %s", r.ID)
		}
		ids[r.ID] = true
	}
	if answers["A"] != 3222 || answers["B"] != 3462 || answers["C"] != 3582 || answers["D"] != 3776 || len(subjects) != 57 {
		t.Errorf("answers %v, %d subjects", answers, len(subjects))
	}
	first := recs[0]
	want := "Find the degree for the given field extension Q(sqrt(2), sqrt(3), sqrt(18)) over Q.\nA. 0\nB. 4\nC. 2\nD. 6\nAnswer:"
	if first.ID != "mmlu/abstract_algebra/0" || first.Prompt != want || first.Answer != "B" {
		t.Errorf("first record %+v", first)
	}
}

func TestLoadGSM8K(t *testing.T) {
	recs, err := LoadGSM8K(sharedData(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1319 {
		t.Fatalf("%d records, want 1319", len(recs))
	}
	if r := recs[0]; r.ID != "gsm8k/test/0" || !strings.HasPrefix(r.Prompt, "Janet\u2019s ducks lay 16 eggs") || r.Answer != "18" {
		t.Errorf("first record %+v", r)
	}
}

func TestReadBadInput(t *testing.T) {
	cases := []struct {
		name, text, wantErr string
		mmlu                bool
	}{
		{"short row", "q,a,b,c,D\n", "line 1", true},
		{"bad answer", "q,a,b,c,d,E\n", "row 1: answer \"E\"", true},
		{"unterminated quote", "\"q,a,b,c,d,A\n", "line 1", true},
		{"empty csv", "", "no rows", true},
		{"Latin-1", "q,a,b,c,d,A\r\n\"caf\xe9\",a,b,c,d,B\r\n", "x.csv line 2: field 1: byte 0xe9 is not UTF-8", true},
		{"jsonl Latin-1", "{\"question\": \"caf\xe9\", \"answer\": \"#### 1\"}\n", "x.jsonl line 1, column 18: byte 0xe9 is not UTF-8", false},
		{"not json", "{\"question\": 1\n", "line 1", false},
		{"missing answer", "{\"question\": \"q\"}\n", "line 1: want fields", false},
		{"empty jsonl", "", "no records", false},
		{"bad second line", "{\"question\": \"q\", \"answer\": \"#### 1\"}\n[]\n", "line 2", false},
	}
	for _, c := range cases {
		var err error
		if c.mmlu {
			_, err = ReadMMLUCSV(strings.NewReader(c.text), "x.csv", "s")
		} else {
			_, err = ReadGSM8KJSONL(strings.NewReader(c.text), "x.jsonl")
		}
		if err == nil || !strings.Contains(err.Error(), c.wantErr) {
			t.Errorf("%s: error %v, want it to contain %q", c.name, err, c.wantErr)
		}
	}
}

// Files saved by spreadsheets and Windows editors (a byte order mark, CRLF
// line ends) read as the same records.
func TestReadWindowsFiles(t *testing.T) {
	mmlu, err := ReadMMLUCSV(strings.NewReader("\ufeffWhat?,a,b,\"c\r\nd\",e,C\r\n"), "x.csv", "s")
	want := Record{ID: "mmlu/s/0", Bench: "mmlu", Subject: "s", Prompt: "What?\nA. a\nB. b\nC. c\nd\nD. e\nAnswer:", Answer: "C"}
	if err != nil || len(mmlu) != 1 || mmlu[0] != want {
		t.Errorf("MMLU: %+v %v", mmlu, err)
	}
	gsm, err := ReadGSM8KJSONL(strings.NewReader("\ufeff{\"question\": \"q\", \"answer\": \"x #### 4\"}\r\n{\"question\": \"r\", \"answer\": \"#### 5\"}\r\n"), "x.jsonl")
	if err != nil || len(gsm) != 2 || gsm[0].Prompt != "q" || gsm[1].Answer != "5" {
		t.Errorf("GSM8K: %+v %v", gsm, err)
	}
}

func TestSameMMLUPrompt(t *testing.T) {
	cases := []struct {
		a, b string
		same bool
	}{
		{"Q\nA. x\nB. None\nAnswer:", "Q\nA. x\nB. nan\nAnswer:", true},
		{"Q\nA. x\nB. nan\nAnswer:", "Q\nA. x\nB. None\nAnswer:", true},
		{"Q\nA. x\nB. None\nAnswer:", "Q\nA. x\nB. none\nAnswer:", false},
		{"None\nA. x", "nan\nA. x", false}, // only option lines
		{"Q\nA. x", "Q\nA. y", false},
		{"Q\nA. x", "Q\nA. x\n", false},
	}
	for _, c := range cases {
		if got := SameMMLUPrompt(c.a, c.b); got != c.same {
			t.Errorf("SameMMLUPrompt(%q, %q) = %v", c.a, c.b, got)
		}
	}
}

func TestDropContaminated(t *testing.T) {
	d := sharedData(t)
	for _, c := range []struct {
		bench string
		load  func(string) ([]Record, error)
		kept  int
	}{{"mmlu", LoadMMLU, 14037}, {"gsm8k", LoadGSM8K, 1307}} {
		recs, err := c.load(d)
		if err != nil {
			t.Fatal(err)
		}
		prompts, err := RouteLLMContaminated(d, c.bench)
		if err != nil {
			t.Fatal(err)
		}
		kept, dropped := DropPrompts(recs, prompts)
		if len(kept) != c.kept || dropped != len(recs)-c.kept {
			t.Errorf("%s: kept %d, dropped %d; RouteLLM keeps %d", c.bench, len(kept), dropped, c.kept)
		}
	}
}

func FuzzReadMMLUCSV(f *testing.F) {
	f.Add("q,a,b,c,d,A\n")
	f.Add("\"multi\nline\",a,b,c,d,B\nq2,a,b,c,d,C\n")
	f.Add("q,a,b,c,d\n")
	f.Fuzz(func(t *testing.T, s string) {
		recs, err := ReadMMLUCSV(strings.NewReader(s), "f.csv", "s")
		if err == nil && len(recs) == 0 {
			t.Fatal("no error and no records")
		}
	})
}

func FuzzReadGSM8KJSONL(f *testing.F) {
	f.Add("{\"question\": \"q\", \"answer\": \"a #### 3\"}\n")
	f.Add("{\"question\": \"q\"}")
	f.Add("\n")
	f.Fuzz(func(t *testing.T, s string) {
		recs, err := ReadGSM8KJSONL(strings.NewReader(s), "f.jsonl")
		if err == nil && len(recs) == 0 {
			t.Fatal("no error and no records")
		}
	})
}
