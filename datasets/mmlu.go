package datasets

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/edgeroute/edgeroute/internal/textfile"
)

// MMLUPrompt renders an MMLU question the way RouteLLM routed it: the
// question, the four options as "A. ..." lines, then "Answer:".
func MMLUPrompt(question string, choices [4]string) string {
	var b strings.Builder
	b.WriteString(question)
	for i, c := range choices {
		fmt.Fprintf(&b, "\n%c. %s", 'A'+i, c)
	}
	b.WriteString("\nAnswer:")
	return b.String()
}

// MMLUSubjects lists the subjects of the Hendrycks test CSVs in dir
// (mmlu/test), sorted.
func MMLUSubjects(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("mmlu: %v", err)
	}
	var subs []string
	for _, e := range ents {
		if s, ok := strings.CutSuffix(e.Name(), "_test.csv"); ok && !e.IsDir() {
			subs = append(subs, s)
		}
	}
	if len(subs) == 0 {
		return nil, fmt.Errorf("mmlu: no <subject>_test.csv files in %s", dir)
	}
	sort.Strings(subs)
	return subs, nil
}

// LoadMMLU reads the MMLU test set from the Hendrycks CSVs under
// dataDir/mmlu/test, subjects in alphabetical order, rows in file order.
func LoadMMLU(dataDir string) ([]Record, error) {
	dir := filepath.Join(dataDir, "mmlu", "test")
	subs, err := MMLUSubjects(dir)
	if err != nil {
		return nil, err
	}
	var recs []Record
	for _, s := range subs {
		path := filepath.Join(dir, s+"_test.csv")
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("mmlu: %v", err)
		}
		rs, err := ReadMMLUCSV(f, path, s)
		f.Close()
		if err != nil {
			return nil, err
		}
		recs = append(recs, rs...)
	}
	return recs, nil
}

// ReadMMLUCSV reads one Hendrycks test CSV (no header; question, A, B, C,
// D, answer letter) of the given subject. name is used in errors.
func ReadMMLUCSV(r io.Reader, name, subject string) ([]Record, error) {
	cr := textfile.NewCSV(r)
	cr.FieldsPerRecord = 6
	var recs []Record
	for i := 0; ; i++ {
		row, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("%s line %d: %v", name, pe.Line, pe.Err)
			}
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		ans := row[5]
		if len(ans) != 1 || ans[0] < 'A' || ans[0] > 'D' {
			return nil, fmt.Errorf("%s row %d: answer %q, want A, B, C or D", name, i+1, ans)
		}
		recs = append(recs, Record{
			ID: RecordID("mmlu", subject, i), Bench: "mmlu", Subject: subject, Index: i,
			Prompt: MMLUPrompt(row[0], [4]string{row[1], row[2], row[3], row[4]}),
			Answer: ans,
		})
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("%s: no rows", name)
	}
	return recs, nil
}
