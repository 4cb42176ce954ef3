package judgments

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/edgeroute/edgeroute/datasets"
	"github.com/edgeroute/edgeroute/jsonl"
	"github.com/edgeroute/edgeroute/tokens"
)

// lm-evaluation-harness, run with --log_samples, writes one
// samples_<task>_<datetime>.jsonl per task: a line per (document,
// filter) with doc_id, doc (the dataset row), target, arguments, resps
// (the raw model outputs), filtered_resps, filter, metrics (the names of
// the metric keys), doc_hash, prompt_hash, target_hash, and one key per
// metric (acc, exact_match, ...). The model's name is not in the file.

// LMEvalOptions select what to read from a samples file.
type LMEvalOptions struct {
	Model  string // the model's name (required)
	Filter string // the filter whose lines are read ("strict-match" for gsm8k, "none" for loglikelihood tasks)
	Metric string // the metric key read as quality ("": exact_match, else acc)
}

// ReadLMEval reads a samples file and matches each document to a record of
// recs by content (GSM8K: the question; MMLU: question and choices as
// RouteLLM renders them). It returns the judgments and how many lines it
// read; a document that matches no record, or several, is an error.
func ReadLMEval(r io.Reader, name string, recs []datasets.Record, opt LMEvalOptions, counter tokens.Counter) (js []Judgment, matched int, err error) {
	if opt.Model == "" {
		return nil, 0, fmt.Errorf("%s: lm-evaluation-harness files do not name the model: give --model", name)
	}
	byPrompt := map[string][]string{}
	for _, rec := range recs {
		byPrompt[rec.Prompt] = append(byPrompt[rec.Prompt], rec.ID)
	}
	seen := map[string]bool{}
	err = jsonl.Each(r, name, func(_ int, raw *map[string]json.RawMessage) error {
		var filter string
		var doc map[string]json.RawMessage
		if err := decodeField(*raw, "filter", &filter); err != nil {
			return err
		}
		if filter != opt.Filter {
			return nil
		}
		if err := decodeField(*raw, "doc", &doc); err != nil {
			return err
		}
		prompt, err := lmevalPrompt(doc)
		if err != nil {
			return err
		}
		ids := byPrompt[prompt]
		if len(ids) != 1 {
			return fmt.Errorf("document %.60q matches %d benchmark records", prompt, len(ids))
		}
		if seen[ids[0]] {
			return fmt.Errorf("record %s judged twice", ids[0])
		}
		seen[ids[0]] = true
		metric := opt.Metric
		if metric == "" {
			metric = "acc"
			if _, ok := (*raw)["exact_match"]; ok {
				metric = "exact_match"
			}
		}
		var q float64
		if err := decodeField(*raw, metric, &q); err != nil {
			return err
		}
		resp := -1
		var resps [][]json.RawMessage
		if json.Unmarshal((*raw)["resps"], &resps) == nil && len(resps) == 1 && len(resps[0]) == 1 {
			var text string
			if json.Unmarshal(resps[0][0], &text) == nil { // generation tasks; loglikelihood ones hold numbers
				resp = counter.Count(text)
			}
		}
		js = append(js, Judgment{RecordID: ids[0], Model: opt.Model, Quality: q, ResponseTokens: resp})
		matched++
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	if len(js) == 0 {
		return nil, 0, fmt.Errorf("%s: no lines with filter %q", name, opt.Filter)
	}
	return js, matched, nil
}

func decodeField(raw map[string]json.RawMessage, key string, v any) error {
	b, ok := raw[key]
	if !ok {
		return fmt.Errorf("no %q field", key)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("field %q: %v", key, err)
	}
	return nil
}

// lmevalPrompt renders a document as the benchmark record's prompt.
func lmevalPrompt(doc map[string]json.RawMessage) (string, error) {
	var question string
	if err := decodeField(doc, "question", &question); err != nil {
		return "", fmt.Errorf("doc: %v", err)
	}
	if _, ok := doc["choices"]; !ok {
		return question, nil // GSM8K
	}
	var choices []string
	if err := decodeField(doc, "choices", &choices); err != nil || len(choices) != 4 {
		return "", fmt.Errorf("doc: want 4 choices")
	}
	return datasets.MMLUPrompt(question, [4]string(choices)), nil
}
