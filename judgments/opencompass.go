package judgments

import (
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"

	"github.com/edgeroute/edgeroute/datasets"
	"github.com/edgeroute/edgeroute/tokens"
)

// OpenCompass runs MT-Bench-101's own evaluation (MT-Bench-101 was merged
// into OpenCompass as the mtbench101 subjective dataset). It writes two
// JSON objects keyed "0", "1", ... per model:
//
//	predictions/<model>/mtbench101.json: the model's answers,
//	    {"prediction": answer, "gold": {"task", "multi_id", "turn_id"}, "origin_prompt": ...}
//	results/<model>_judged-by--<judge>/mtbench101.json: the judge's
//	    verdicts, {"prediction": judge text, "gold": {...}}
//
// The score is the number in the judge's "[[n]]" (OpenCompass's
// post_process_mtbench101: "Rating: [[n]]" first, else the first "[n]");
// a verdict without one is skipped and counted, as OpenCompass does. The
// first turn of some tasks is context only and has no entry.

type openCompassEntry struct {
	Prediction *string `json:"prediction"`
	Gold       struct {
		Task    string          `json:"task"`
		MultiID *int            `json:"multi_id"`
		TurnID  json.RawMessage `json:"turn_id"` // "3" or 3
	} `json:"gold"`
}

var (
	ratingRe = regexp.MustCompile(`(?:Final Rating|Rating):\s*\[\[?([0-9]+)\]?\]`)
	scoreRe  = regexp.MustCompile(`\[([0-9]+)\]`)
)

// MTBench101Score extracts the judge's score as OpenCompass does.
func MTBench101Score(judgment string) (float64, bool) {
	m := ratingRe.FindStringSubmatch(judgment)
	if m == nil {
		m = scoreRe.FindStringSubmatch(judgment)
	}
	if m == nil {
		return 0, false
	}
	v, err := strconv.Atoi(m[1])
	return float64(v), err == nil
}

// readOpenCompass reads one OpenCompass output file into its entries by
// judgments key, in key order.
func readOpenCompass(r io.Reader, name string) (map[Key]string, error) {
	var raw map[string]openCompassEntry
	if err := json.NewDecoder(r).Decode(&raw); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	ids := make([]string, 0, len(raw))
	for id := range raw {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	out := make(map[Key]string, len(raw))
	for _, id := range ids {
		e := raw[id]
		turn, err := strconv.Atoi(string(trimQuotes(e.Gold.TurnID)))
		if e.Prediction == nil || e.Gold.MultiID == nil || err != nil || turn < 1 {
			return nil, fmt.Errorf("%s entry %q: want prediction and gold {multi_id, turn_id >= 1}", name, id)
		}
		k := Key{datasets.MTBench101ID(*e.Gold.MultiID), turn}
		if _, dup := out[k]; dup {
			return nil, fmt.Errorf("%s entry %q: %s appears twice", name, id, k)
		}
		out[k] = *e.Prediction
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no entries", name)
	}
	return out, nil
}

func trimQuotes(b []byte) []byte {
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' {
		return b[1 : len(b)-1]
	}
	return b
}

// ReadOpenCompassMTBench101 reads one model's MT-Bench-101 results: the
// judge's verdicts (required) and the model's predictions (optional, nil:
// response lengths unknown). Every judged turn must have a prediction when
// predictions are given.
func ReadOpenCompassMTBench101(model string, judged io.Reader, judgedName string, predictions io.Reader, predName string, counter tokens.Counter) (js []Judgment, skipped int, err error) {
	verdicts, err := readOpenCompass(judged, judgedName)
	if err != nil {
		return nil, 0, err
	}
	var answers map[Key]string
	if predictions != nil {
		if answers, err = readOpenCompass(predictions, predName); err != nil {
			return nil, 0, err
		}
	}
	for _, k := range sortedKeys(verdicts) {
		score, ok := MTBench101Score(verdicts[k])
		if !ok {
			skipped++
			continue
		}
		resp := -1
		if answers != nil {
			ans, ok := answers[k]
			if !ok {
				return nil, 0, fmt.Errorf("%s: %s is judged in %s but has no prediction", predName, k, judgedName)
			}
			resp = counter.Count(ans)
		}
		js = append(js, Judgment{RecordID: k.RecordID, Turn: k.Turn, Model: model, Quality: score, ResponseTokens: resp})
	}
	if len(js) == 0 {
		return nil, skipped, fmt.Errorf("%s: no parsable verdicts", judgedName)
	}
	return js, skipped, nil
}
