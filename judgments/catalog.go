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
// dialogue does not have. It loads a benchmark's records from the data
// directory when first asked about it.
type Catalog struct {
	dataDir string
	benches map[string]*benchRequests
}

// benchRequests are the requests of one benchmark, or why they could not
// be loaded.
type benchRequests struct {
	index *RecordIndex   // single-turn: by prompt text
	turns map[string]int // record or dialogue ID -> number of turns (0: single-turn)
	err   error
}

// NewCatalog returns the catalog of the benchmarks in dataDir ("" when
// there is none: every question is then an error saying so).
func NewCatalog(dataDir string) *Catalog {
	return &Catalog{dataDir: dataDir, benches: map[string]*benchRequests{}}
}

func (c *Catalog) load(bench string) (*benchRequests, error) {
	if b, ok := c.benches[bench]; ok {
		return b, b.err
	}
	b := &benchRequests{turns: map[string]int{}, err: checkBench(bench)}
	switch {
	case b.err != nil:
	case c.dataDir == "":
		b.err = fmt.Errorf("no data directory to check %s record IDs against (evalrun import --data DIR)", bench)
	case singleTurn(bench):
		var recs []datasets.Record
		if recs, b.err = datasets.Load(c.dataDir, bench); b.err == nil {
			b.index = NewRecordIndex(bench, recs)
			for _, r := range recs {
				b.turns[r.ID] = 0
			}
		}
	default:
		var ds []datasets.Dialogue
		if ds, b.err = datasets.LoadDialogues(c.dataDir, bench); b.err == nil {
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
	b, err := c.load(bench)
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
	b, err := c.load(bench)
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
