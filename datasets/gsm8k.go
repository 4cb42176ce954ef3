package datasets

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/edgeroute/edgeroute/internal/jsonl"
)

// LoadGSM8K reads the GSM8K test set from dataDir/gsm8k/test.jsonl.
func LoadGSM8K(dataDir string) ([]Record, error) {
	path := filepath.Join(dataDir, "gsm8k", "test.jsonl")
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("gsm8k: %v", err)
	}
	defer f.Close()
	return ReadGSM8KJSONL(f, path)
}

// GSM8KAnswer is the final answer of a GSM8K worked solution: the text
// after its "####" marker.
func GSM8KAnswer(solution string) string {
	_, after, ok := strings.Cut(solution, "####")
	if !ok {
		return ""
	}
	return strings.TrimSpace(after)
}

// ReadGSM8KJSONL reads GSM8K lines {"question", "answer"}; line i is
// record gsm8k/test/i. name is used in errors.
func ReadGSM8KJSONL(r io.Reader, name string) ([]Record, error) {
	type row struct {
		Question *string `json:"question"`
		Answer   *string `json:"answer"`
	}
	var recs []Record
	err := jsonl.Each(r, name, func(_ int, row *row) error {
		if row.Question == nil || row.Answer == nil {
			return fmt.Errorf("want fields \"question\" and \"answer\"")
		}
		i := len(recs)
		recs = append(recs, Record{
			ID: RecordID("gsm8k", "test", i), Bench: "gsm8k", Subject: "test", Index: i,
			Prompt: *row.Question, Answer: GSM8KAnswer(*row.Answer),
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("%s: no records", name)
	}
	return recs, nil
}
