// Package datasets reads benchmark records: the prompts a router decides on.
//
// A Record is one request of a single-turn benchmark (an MMLU question with
// its four options, a GSM8K word problem). Its ID is stable across formats
// and runs: "<bench>/<subject>/<index>", where index is the 0-based position
// of the record inside its subject in the upstream file (MMLU: the row of
// mmlu/test/<subject>_test.csv; GSM8K: the line of test.jsonl, subject
// "test"). Judgments (package judgments) and router score caches are keyed by
// this ID, so the same question read from the Hendrycks CSVs or from the
// Hugging Face parquet export gets the same ID.
//
// Multi-turn benchmarks (MT-Bench-101, MT-Bench) are Dialogues: a sequence of
// user turns with their golden or judged answers; see dialogue.go.
package datasets

import "fmt"

// Record is one single-turn benchmark request.
type Record struct {
	ID      string // "<bench>/<subject>/<index>"
	Bench   string // "mmlu", "gsm8k"
	Subject string // MMLU subject; "test" for GSM8K
	Index   int    // 0-based row within the subject's upstream file
	Prompt  string // the text the models and the router read
	Answer  string // gold answer (MMLU letter, GSM8K final number), informative
}

// Load reads the records of a single-turn benchmark ("mmlu", "gsm8k")
// from its upstream files in dataDir.
func Load(dataDir, bench string) ([]Record, error) {
	switch bench {
	case "mmlu":
		return LoadMMLU(dataDir)
	case "gsm8k":
		return LoadGSM8K(dataDir)
	}
	return nil, fmt.Errorf("no records for bench %q (want mmlu or gsm8k)", bench)
}

// RecordID builds the stable ID of a record.
func RecordID(bench, subject string, index int) string {
	return fmt.Sprintf("%s/%s/%d", bench, subject, index)
}
