package datasets

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/edgeroute/edgeroute/internal/arrowcol"
)

// The Hugging Face exports of the benchmarks are Parquet files:
// cais/mmlu (all/test-*.parquet: question, subject, choices, answer 0-3)
// and openai/gsm8k (main/test-*.parquet: question, answer). They hold the
// same rows as the upstream CSV/JSONL files, in the same order within each
// subject, so records read from them get the same IDs.
//
// Files re-exported by other tools hold the same values in other layouts
// (nullable columns, large strings, categoricals, large lists, integers
// of other widths): they read the same; only an actual null is refused,
// with its row.

// LoadMMLUParquet reads MMLU records from a cais/mmlu Parquet file. The
// index of a record is its position among the file's rows of its subject.
func LoadMMLUParquet(path string) ([]Record, error) {
	next := map[string]int{}
	var recs []Record
	cols := []arrowcol.Column{arrowcol.StringColumn("question"), arrowcol.StringColumn("subject"), {Name: "choices", Reads: readsStringList, What: "a list of strings"}, arrowcol.IntColumn("answer")}
	err := arrowcol.ReadFile(path, cols, false, func(batch []arrow.Array) func(int) error {
		// The types were checked: every accessor exists.
		question, _ := arrowcol.Strings(batch[0])
		subject, _ := arrowcol.Strings(batch[1])
		choices, options, _ := arrowcol.Lists(batch[2])
		option, _ := arrowcol.Strings(options)
		answer, _ := arrowcol.Ints(batch[3])
		return func(i int) error {
			q, qok := question(i)
			sub, sok := subject(i)
			lo, hi, cok := choices(i)
			ans, aok := answer(i)
			if err := nulls(cols, qok, sok, cok, aok); err != nil {
				return err
			}
			if hi-lo != 4 {
				return fmt.Errorf("%d choices, want 4", hi-lo)
			}
			var c [4]string
			for k := range c {
				var ok bool
				if c[k], ok = option(lo + k); !ok {
					return fmt.Errorf("choice %d is null", k+1)
				}
			}
			if ans < 0 || ans > 3 {
				return fmt.Errorf("answer %d, want 0-3", ans)
			}
			idx := next[sub]
			next[sub]++
			recs = append(recs, Record{
				ID: RecordID("mmlu", sub, idx), Bench: "mmlu", Subject: sub, Index: idx,
				Prompt: MMLUPrompt(q, c), Answer: string(rune('A' + ans)),
			})
			return nil
		}
	})
	if err != nil {
		return nil, err
	}
	return recs, nonEmpty(path, recs)
}

// LoadGSM8KParquet reads GSM8K records from an openai/gsm8k Parquet file;
// row i is record gsm8k/test/i.
func LoadGSM8KParquet(path string) ([]Record, error) {
	var recs []Record
	cols := []arrowcol.Column{arrowcol.StringColumn("question"), arrowcol.StringColumn("answer")}
	err := arrowcol.ReadFile(path, cols, false, func(batch []arrow.Array) func(int) error {
		question, _ := arrowcol.Strings(batch[0])
		answer, _ := arrowcol.Strings(batch[1])
		return func(i int) error {
			q, qok := question(i)
			a, aok := answer(i)
			if err := nulls(cols, qok, aok); err != nil {
				return err
			}
			n := len(recs)
			recs = append(recs, Record{
				ID: RecordID("gsm8k", "test", n), Bench: "gsm8k", Subject: "test", Index: n,
				Prompt: q, Answer: GSM8KAnswer(a),
			})
			return nil
		}
	})
	if err != nil {
		return nil, err
	}
	return recs, nonEmpty(path, recs)
}

// nulls names the first column whose value is absent (present[i] false).
func nulls(cols []arrowcol.Column, present ...bool) error {
	for i, ok := range present {
		if !ok {
			return fmt.Errorf("%s is null", cols[i].Name)
		}
	}
	return nil
}

func nonEmpty(path string, recs []Record) error {
	if len(recs) == 0 {
		return fmt.Errorf("%s: no rows", path)
	}
	return nil
}

// readsStringList tells whether dt is a list of strings.
func readsStringList(dt arrow.DataType) bool {
	switch dt.ID() {
	case arrow.LIST, arrow.LARGE_LIST, arrow.FIXED_SIZE_LIST:
		return arrowcol.ReadsStrings(dt.(arrow.ListLikeType).Elem())
	}
	return false
}
