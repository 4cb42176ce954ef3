package judgments

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/edgeroute/edgeroute/datasets"
	"github.com/edgeroute/edgeroute/internal/jsonl"
	"github.com/edgeroute/edgeroute/tokens"
)

// lm-evaluation-harness, run with --log_samples, writes one
// samples_<task>_<datetime>.jsonl per task. Each line is one (document,
// filter): doc_id (the document's index in the task's test split), doc
// (the dataset row: GSM8K {question, answer}; MMLU {question, subject,
// choices, answer}), target, arguments (the requests sent to the model),
// resps (the model's raw outputs: generated text for generate_until tasks,
// [loglikelihood, is_greedy] pairs for multiple-choice ones), filtered_resps,
// filter (the name of the answer-extraction pipeline: GSM8K has
// strict-match and flexible-extract, loglikelihood tasks have none),
// metrics (the names of the metric keys), doc_hash, prompt_hash,
// target_hash, and one key per metric (acc, exact_match, ...). The model's
// name is not in the file.
//
// Documents carry no benchmark record ID, so they are matched to records
// by content: the GSM8K question, or the MMLU question with its choices
// rendered as the record's prompt (datasets.MMLUPrompt), compared with
// white space collapsed.

// LMEvalOptions select what to read from a samples file.
type LMEvalOptions struct {
	Model  string // the model's name (required)
	Filter string // the filter whose lines are read (required)
	// Metric is the key read as quality. "": exact_match if the line's
	// metrics list it, else acc, else the only metric.
	Metric string
}

// LMEvalStats describes what ReadLMEval read.
type LMEvalStats struct {
	Lines     int    // lines in the file
	Documents int    // lines of the chosen filter, each matched to a record
	Metric    string // the metric read as quality
}

// ReadLMEval reads one samples file and matches each document of the
// chosen filter to a record of idx. A document that matches no record, or
// several it cannot choose between, or a record judged twice, is an error
// naming the line.
func ReadLMEval(r io.Reader, name string, idx *RecordIndex, opt LMEvalOptions, counter tokens.Counter) ([]Judgment, LMEvalStats, error) {
	var st LMEvalStats
	if opt.Model == "" {
		return nil, st, fmt.Errorf("%s: lm-evaluation-harness files do not name the model: give --model", name)
	}
	var js []Judgment
	filters := map[string]int{}
	seen := map[string]int{} // record ID -> line
	err := jsonl.Each(r, name, func(line int, raw *map[string]json.RawMessage) error {
		st.Lines++
		var filter string
		if err := decodeField(*raw, "filter", &filter); err != nil {
			return err
		}
		filters[filter]++
		if filter != opt.Filter {
			return nil
		}
		var doc map[string]json.RawMessage
		docID := -1
		if err := decodeField(*raw, "doc", &doc); err != nil {
			return err
		}
		if err := decodeField(*raw, "doc_id", &docID); err != nil {
			return err
		}
		text, subject, err := lmevalDocText(doc)
		if err != nil {
			return err
		}
		id, err := idx.Find(text, subject, docID)
		if err != nil {
			return fmt.Errorf("doc_id %d: %v", docID, err)
		}
		if first, dup := seen[id]; dup {
			return fmt.Errorf("doc_id %d is record %s, already judged on line %d", docID, id, first)
		}
		seen[id] = line
		metric, q, err := lmevalQuality(*raw, opt.Metric)
		if err != nil {
			return err
		}
		if st.Metric == "" {
			st.Metric = metric
		}
		js = append(js, Judgment{RecordID: id, Model: opt.Model, Quality: q, ResponseTokens: lmevalResponseTokens((*raw)["resps"], counter)})
		return nil
	})
	if err != nil {
		return nil, st, err
	}
	if len(js) == 0 {
		return nil, st, fmt.Errorf("%s: no lines with filter %q (the file has: %s)", name, opt.Filter, countList(filters))
	}
	st.Documents = len(js)
	return js, st, nil
}

// lmevalDocText renders a document as the text of its benchmark record,
// and gives its subject when it has one (MMLU).
func lmevalDocText(doc map[string]json.RawMessage) (text, subject string, err error) {
	var question string
	if err := decodeField(doc, "question", &question); err != nil {
		return "", "", fmt.Errorf("doc: %v", err)
	}
	if _, ok := doc["choices"]; !ok {
		return question, "", nil // GSM8K
	}
	var choices []string
	if err := decodeField(doc, "choices", &choices); err != nil {
		return "", "", fmt.Errorf("doc: %v", err)
	}
	if len(choices) != 4 {
		return "", "", fmt.Errorf("doc: %d choices, want 4 (MMLU)", len(choices))
	}
	if _, ok := doc["subject"]; ok {
		if err := decodeField(doc, "subject", &subject); err != nil {
			return "", "", fmt.Errorf("doc: %v", err)
		}
	}
	return datasets.MMLUPrompt(question, [4]string(choices)), subject, nil
}

// lmevalQuality reads the line's metric: metric if given, else the
// default choice among the keys its metrics field lists.
func lmevalQuality(raw map[string]json.RawMessage, metric string) (string, float64, error) {
	if metric == "" {
		var listed []string
		if err := decodeField(raw, "metrics", &listed); err != nil {
			return "", 0, err
		}
		switch {
		case slices.Contains(listed, "exact_match"):
			metric = "exact_match"
		case slices.Contains(listed, "acc"):
			metric = "acc"
		case len(listed) == 1:
			metric = listed[0]
		default:
			return "", 0, fmt.Errorf("metrics %q: choose one with --metric", listed)
		}
	}
	var v any
	if err := decodeField(raw, metric, &v); err != nil {
		return "", 0, err
	}
	switch v := v.(type) {
	case float64:
		return metric, v, nil
	case bool: // some tasks log matches as booleans
		if v {
			return metric, 1, nil
		}
		return metric, 0, nil
	}
	return "", 0, fmt.Errorf("metric %q is %s, want a number", metric, raw[metric])
}

// lmevalResponseTokens counts the generated text of a generate_until line
// (resps = [[text]]: one request, one generation). Loglikelihood lines
// hold no text, and several generations (repeats) no single length: -1.
func lmevalResponseTokens(resps json.RawMessage, counter tokens.Counter) int {
	var texts [][]string
	if json.Unmarshal(resps, &texts) != nil || len(texts) != 1 || len(texts[0]) != 1 {
		return -1
	}
	return counter.Count(texts[0][0])
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

// countList renders counts as "a (3), b (1)", sorted by name.
func countList(m map[string]int) string {
	if len(m) == 0 {
		return "no lines"
	}
	ks := make([]string, 0, len(m))
	for k, n := range m {
		ks = append(ks, fmt.Sprintf("%q (%d lines)", k, n))
	}
	sort.Strings(ks)
	return strings.Join(ks, ", ")
}

// RecordIndex finds the records of one benchmark by their prompt text,
// compared with runs of white space collapsed to one space and the ends
// trimmed (tools re-export datasets with slightly different spacing).
type RecordIndex struct {
	bench  string
	recs   []datasets.Record
	byText map[string][]int
}

// NewRecordIndex indexes the records of bench.
func NewRecordIndex(bench string, recs []datasets.Record) *RecordIndex {
	ix := &RecordIndex{bench: bench, recs: recs, byText: make(map[string][]int, len(recs))}
	for i, r := range recs {
		k := normalizeSpace(r.Prompt)
		ix.byText[k] = append(ix.byText[k], i)
	}
	return ix
}

// Find returns the ID of the record whose prompt is text. When several
// records share that text (MMLU repeats some questions, within a subject
// and across subjects), subject (if not "") and then index (the record's
// position within its subject, if >= 0) choose among them.
func (ix *RecordIndex) Find(text, subject string, index int) (string, error) {
	cands := ix.byText[normalizeSpace(text)]
	if len(cands) == 0 {
		return "", fmt.Errorf("no %s record has the text %.80q", ix.bench, text)
	}
	narrow := func(keep func(datasets.Record) bool) {
		var kept []int
		for _, c := range cands {
			if keep(ix.recs[c]) {
				kept = append(kept, c)
			}
		}
		if len(kept) > 0 {
			cands = kept
		}
	}
	if len(cands) > 1 && subject != "" {
		narrow(func(r datasets.Record) bool { return r.Subject == subject })
	}
	if len(cands) > 1 && index >= 0 {
		narrow(func(r datasets.Record) bool { return r.Index == index })
	}
	if len(cands) > 1 {
		ids := make([]string, len(cands))
		for i, c := range cands {
			ids[i] = ix.recs[c].ID
		}
		return "", fmt.Errorf("%d %s records have the text %.80q (%s)", len(cands), ix.bench, text, strings.Join(ids, ", "))
	}
	return ix.recs[cands[0]].ID, nil
}

func normalizeSpace(s string) string { return strings.Join(strings.Fields(s), " ") }
