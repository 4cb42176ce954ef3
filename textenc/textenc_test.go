package textenc

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const models = "../../shared/models"

type reference struct {
	Text     string  `json:"text"`
	InputIDs []int64 `json:"input_ids"`
}

func references(t *testing.T, model string) []reference {
	t.Helper()
	f, err := os.Open(filepath.Join(models, model, "reference.jsonl"))
	if err != nil {
		t.Skipf("no %s test model: %v", model, err)
	}
	defer f.Close()
	var refs []reference
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var r reference
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		refs = append(refs, r)
	}
	return refs
}

func TestBertIDs(t *testing.T) {
	refs := references(t, "tiny-bert")
	tk, err := Load(filepath.Join(models, "tiny-bert", "tokenizer.json"), 512)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range refs {
		got, err := tk.Encode(r.Text)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got) != fmt.Sprint(r.InputIDs) {
			t.Errorf("line %d %.40q:\n got %v\nwant %v", i+1, r.Text, head(got), head(r.InputIDs))
		}
	}
}

func head(x []int64) []int64 {
	if len(x) > 30 {
		return x[:30]
	}
	return x
}

// use-lite: the Unigram tokenizer.json reproduces the reference JavaScript
// tokenizer except on the two documented quirks (a text starting with ":"
// and runs of "_"); the model reads the first 128 ids.
func TestUnigramIDs(t *testing.T) {
	refs := references(t, "use-lite")
	tk, err := Load(filepath.Join(models, "use-lite", "tokenizer.json"), 128)
	if err != nil {
		t.Fatal(err)
	}
	quirks := 0
	for i, r := range refs {
		got, err := tk.Encode(r.Text)
		if err != nil {
			t.Fatal(err)
		}
		want := r.InputIDs
		if len(want) > 128 {
			want = want[:128]
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			if len(r.Text) > 0 && (r.Text[0] == ':' || strings.Contains(r.Text, "____")) {
				quirks++
				continue
			}
			t.Errorf("line %d %.40q:\n got %v\nwant %v", i+1, r.Text, head(got), head(want))
		}
	}
	if quirks != 2 {
		t.Errorf("%d texts differ on the documented quirks, want 2", quirks)
	}
}

func TestTruncation(t *testing.T) {
	tk, err := Load(filepath.Join(models, "tiny-bert", "tokenizer.json"), 8)
	if err != nil {
		t.Skip(err)
	}
	// "a b c d e f g h i j": ids 1037 1038 1039 1040 1041 1042 1043 1044 1045 1046
	front, _ := tk.Encode("a b c d e f g h i j")
	back, _ := tk.EncodeTail("a b c d e f g h i j")
	if fmt.Sprint(front) != "[101 1037 1038 1039 1040 1041 1042 102]" || fmt.Sprint(back) != "[101 1041 1042 1043 1044 1045 1046 102]" {
		t.Errorf("front %v, back %v", front, back)
	}
	long, err := tk.Encode(strings.Repeat("word ", 20000)) // 100,000 characters
	if err != nil || len(long) != 8 {
		t.Errorf("100,000 characters: %d ids, %v", len(long), err)
	}
	if _, err := Load(filepath.Join(models, "tiny-bert", "tokenizer.json"), 2); err == nil {
		t.Error("a limit with no room for text accepted")
	}
	if _, err := Load(filepath.Join(models, "tiny-bert", "config.json"), 8); err == nil {
		t.Error("config.json accepted as a tokenizer")
	}
}
