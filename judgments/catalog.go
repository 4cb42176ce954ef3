package judgments

import (
	"fmt"
	"slices"
	"strings"

	"github.com/edgeroute/edgeroute/datasets"
)

// Benches are the benchmarks judgments may be of: single-turn (records
// judged at turn 0) and multi-turn (dialogues judged at turns 1..).
var Benches = []string{"mmlu", "gsm8k", "mtbench101", "mtbench"}

// checkBench reports an error unless bench is one of Benches.
func checkBench(bench string) error {
	if !slices.Contains(Benches, bench) {
		return fmt.Errorf("bench %q: unknown (want %s)", bench, strings.Join(Benches, ", "))
	}
	return nil
}

// singleTurn tells whether bench judges records rather than dialogue turns.
func singleTurn(bench string) bool { return bench == "mmlu" || bench == "gsm8k" }

// Catalog holds the requests of the benchmarks, so that an import checks
// each judgment against what a replay will look for, while the line is
// still known: a record ID that is not the benchmark's, a turn its
// dialogue does not have. It loads a benchmark's requests when first
// asked about it.
type Catalog struct {
	load    Requests
	benches map[string]*benchRequests
}

// Requests loads the requests of a benchmark: its records (single-turn)
// or its dialogues.
type Requests func(bench string) ([]datasets.Record, []datasets.Dialogue, error)

// Upstream loads a benchmark's requests from its upstream files in
// dataDir ("" when there is none: every question is then an error saying
// so).
func Upstream(dataDir string) Requests {
	return func(bench string) ([]datasets.Record, []datasets.Dialogue, error) {
		if dataDir == "" {
			return nil, nil, fmt.Errorf("no data directory to check %s record IDs against (evalrun import --data DIR)", bench)
		}
		if singleTurn(bench) {
			recs, err := datasets.Load(dataDir, bench)
			return recs, nil, err
		}
		ds, err := datasets.LoadDialogues(dataDir, bench)
		return nil, ds, err
	}
}

// benchRequests are the requests of one benchmark, or why they could not
// be loaded.
type benchRequests struct {
	index *RecordIndex   // single-turn: by prompt text
	turns map[string]int // record or dialogue ID -> number of turns (0: single-turn)
	err   error
}

// NewCatalog returns the catalog of the benchmarks load reads.
func NewCatalog(load Requests) *Catalog {
	return &Catalog{load: load, benches: map[string]*benchRequests{}}
}

func (c *Catalog) requests(bench string) (*benchRequests, error) {
	if b, ok := c.benches[bench]; ok {
		return b, b.err
	}
	b := &benchRequests{turns: map[string]int{}, err: checkBench(bench)}
	if b.err == nil {
		var recs []datasets.Record
		var ds []datasets.Dialogue
		if recs, ds, b.err = c.load(bench); b.err == nil {
			if singleTurn(bench) {
				b.index = NewRecordIndex(bench, recs)
			}
			for _, r := range recs {
				b.turns[r.ID] = 0
			}
			for _, d := range ds {
				b.turns[d.ID] = len(d.Turns)
			}
		}
	}
	c.benches[bench] = b
	return b, b.err
}

// Find returns the ID of the record of a single-turn benchmark whose
// prompt is text (white space collapsed).
func (c *Catalog) Find(bench, text string) (string, error) {
	b, err := c.requests(bench)
	if err != nil {
		return "", err
	}
	if b.index == nil {
		return "", fmt.Errorf("prompts are matched to records of single-turn benchmarks only (%s is multi-turn): give record_id", bench)
	}
	return b.index.Find(text, "", -1)
}

// Check reports an error unless k is a request of bench: a record of a
// single-turn benchmark at turn 0, or a turn of a dialogue.
func (c *Catalog) Check(bench string, k Key) error {
	b, err := c.requests(bench)
	if err != nil {
		return err
	}
	n, ok := b.turns[k.RecordID]
	switch {
	case !ok:
		return fmt.Errorf("record_id %q: the %s data has no such record", k.RecordID, bench)
	case n == 0 && k.Turn != 0:
		return fmt.Errorf("turn %d: %s is single-turn (turn 0)", k.Turn, bench)
	case n > 0 && (k.Turn < 1 || k.Turn > n):
		return fmt.Errorf("turn %d: %s has turns 1 to %d", k.Turn, k.RecordID, n)
	}
	return nil
}
