package judgments

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/edgeroute/edgeroute/datasets"
	"github.com/edgeroute/edgeroute/internal/textfile"
	"github.com/edgeroute/edgeroute/tokens"
)

// RouteLLM published per-question correctness of a weak and a strong model
// (Mixtral-8x7B-Instruct and GPT-4-1106-preview) on MMLU and GSM8K:
//
//	routellm/mmlu/responses/mmlu_<subject>.csv: prompt, <weak>, <strong>
//	routellm/gsm8k/gsm8k_responses.csv: prompt, <weak>, <strong>,
//	    <weak>_response, <strong>_response
//
// with True/False correctness. Row i of a file is row i of the benchmark's
// test file for that subject (the Hendrycks MMLU CSV, the GSM8K JSONL). The
// weak model (the first model column) plays the SLM, the strong one the LLM.

// ImportRouteLLM reads RouteLLM's results for bench ("mmlu" or "gsm8k")
// from dataDir, joined with the benchmark's records.
func ImportRouteLLM(dataDir, bench string, counter tokens.Counter) (js []Judgment, slm, llm string, err error) {
	recs, err := datasets.Load(dataDir, bench)
	if err != nil {
		return nil, "", "", fmt.Errorf("routellm: %v", err)
	}
	return RouteLLM(dataDir, bench, recs, recs, counter)
}

// RouteLLM reads RouteLLM's results for the records recs of bench, a
// subset of all, the benchmark's records. A results file has one row per
// record of all, each with the record's prompt text (MMLU: up to
// datasets.SameMMLUPrompt); rows of records not in recs (left out of this
// replay, such as contaminated ones) are skipped unread. A row beyond the
// benchmark's records, a record of recs without its row, or a prompt that
// differs is an error naming the file and the row.
func RouteLLM(dataDir, bench string, all, recs []datasets.Record, counter tokens.Counter) (js []Judgment, slm, llm string, err error) {
	bySubject := map[string][]datasets.Record{}
	var subjects []string
	known := make(map[string]bool, len(all))
	for _, r := range all {
		if len(bySubject[r.Subject]) == 0 {
			subjects = append(subjects, r.Subject)
		}
		bySubject[r.Subject] = append(bySubject[r.Subject], r)
		known[r.ID] = true
	}
	keep := make(map[string]bool, len(recs))
	for _, r := range recs {
		if !known[r.ID] {
			return nil, "", "", fmt.Errorf("routellm: record %s is not one of the %d %s records", r.ID, len(all), bench)
		}
		keep[r.ID] = true
	}
	for _, sub := range subjects {
		var path string
		switch bench {
		case "mmlu":
			path = filepath.Join(dataDir, "routellm", "mmlu", "responses", "mmlu_"+sub+".csv")
		case "gsm8k":
			path = filepath.Join(dataDir, "routellm", "gsm8k", "gsm8k_responses.csv")
		default:
			return nil, "", "", fmt.Errorf("routellm: no results for bench %q (want mmlu or gsm8k)", bench)
		}
		f, err := os.Open(path)
		if err != nil {
			return nil, "", "", fmt.Errorf("routellm: %v", err)
		}
		sub, w, s, err := readRouteLLMCSV(f, path, bench == "gsm8k", bySubject[sub], keep, counter)
		f.Close()
		if err != nil {
			return nil, "", "", err
		}
		if slm == "" {
			slm, llm = w, s
		} else if slm != w || llm != s {
			return nil, "", "", fmt.Errorf("%s: models %q and %q, but other files have %q and %q", path, w, s, slm, llm)
		}
		js = append(js, sub...)
	}
	return js, slm, llm, nil
}

// readRouteLLMCSV reads one RouteLLM results file whose rows are, in order,
// the records recs (by index): the judgments of those in keep.
// withResponses: the file also has the two models' response texts, whose
// lengths are counted.
func readRouteLLMCSV(r io.Reader, name string, withResponses bool, recs []datasets.Record, keep map[string]bool, counter tokens.Counter) (js []Judgment, weak, strong string, err error) {
	cr := textfile.NewCSV(r)
	ncol := 3
	if withResponses {
		ncol = 5
	}
	cr.FieldsPerRecord = ncol
	header, err := cr.Read()
	if err != nil {
		return nil, "", "", textfile.CSVError(name, err)
	}
	weak, strong = header[1], header[2]
	if header[0] != "prompt" || weak == strong ||
		withResponses && (header[3] != weak+"_response" || header[4] != strong+"_response") {
		return nil, "", "", fmt.Errorf("%s: header %q, want prompt, <weak>, <strong>%s", name, header, map[bool]string{true: ", <weak>_response, <strong>_response"}[withResponses])
	}
	byIndex := make(map[int]datasets.Record, len(recs))
	for _, rec := range recs {
		byIndex[rec.Index] = rec
	}
	judged := map[string]bool{}
	row := 0
	for ; ; row++ {
		fields, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, "", "", textfile.CSVError(name, err)
		}
		rec, ok := byIndex[row]
		if !ok {
			line, _ := cr.FieldPos(0)
			return nil, "", "", fmt.Errorf("%s row %d (line %d): no such record: the benchmark has %d records here", name, row+1, line, len(recs))
		}
		if !keep[rec.ID] {
			continue // a record left out of this replay (e.g. contaminated)
		}
		judged[rec.ID] = true
		if !datasets.SameMMLUPrompt(rec.Prompt, fields[0]) {
			return nil, "", "", fmt.Errorf("%s row %d: prompt differs from record %s", name, row+1, rec.ID)
		}
		for k, model := range []string{weak, strong} {
			var q float64
			switch fields[1+k] {
			case "True":
				q = 1
			case "False":
				q = 0
			default:
				return nil, "", "", fmt.Errorf("%s row %d, column %s: %q, want True or False", name, row+1, model, fields[1+k])
			}
			resp := -1
			if withResponses {
				resp = counter.Count(fields[3+k])
			}
			js = append(js, Judgment{RecordID: rec.ID, Model: model, Quality: q, ResponseTokens: resp})
		}
	}
	for _, rec := range recs {
		if keep[rec.ID] && !judged[rec.ID] {
			return nil, "", "", fmt.Errorf("%s: record %s has no row (the file has %d data rows for %d records)", name, rec.ID, row, len(recs))
		}
	}
	return js, weak, strong, nil
}
