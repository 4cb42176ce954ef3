package judgments

import (
	"strings"
	"testing"

	"github.com/edgeroute/edgeroute/tokens"
)

// EachPlainRow reads rows without a bench column, domain included;
// ReadPlain still needs bench, and ignores domain.
func TestEachPlainRow(t *testing.T) {
	const text = "prompt,domain,model,quality,response\nWhat is 1+1?,math,small,1,two it is\n"
	var rows []PlainRow
	err := EachPlainRow(strings.NewReader(text), "x", false, func(_ int, r *PlainRow) error {
		rows = append(rows, *r)
		return r.Check()
	})
	if err != nil || len(rows) != 1 || rows[0].Domain != "math" || rows[0].Prompt != "What is 1+1?" {
		t.Fatalf("rows %+v, %v", rows, err)
	}
	if j := rows[0].Judgment("r", tokens.Words{}); j != (Judgment{RecordID: "r", Model: "small", Quality: 1, ResponseTokens: 3}) {
		t.Errorf("judgment %+v", j)
	}
	if _, _, err := ReadPlain(strings.NewReader(text), "x", false, NewCatalog(Upstream(testData)), tokens.Words{}); err == nil || !strings.Contains(err.Error(), `x line 1: no "bench" column`) {
		t.Errorf("ReadPlain without bench: %v", err)
	}
	_, js, err := ReadPlain(strings.NewReader("bench,prompt,domain,model,quality\ngsm8k,What is 1+1?,math,small,1\n"), "x", false, NewCatalog(Upstream(testData)), tokens.Words{})
	if err != nil || len(js) != 1 || js[0].RecordID != "gsm8k/test/0" {
		t.Errorf("ReadPlain with a domain: %+v, %v", js, err)
	}
}
