package datasets

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/edgeroute/edgeroute/internal/jsonl"
)

// Dialogue is one multi-turn conversation: the router decides at every
// user turn. Its ID, "<bench>/<id>", keys the judgments of its turns
// (judgments.Key{RecordID: ID, Turn: 1..}).
type Dialogue struct {
	ID    string
	Bench string // "mtbench101", "mtbench"
	Task  string // MT-Bench-101 task code, MT-Bench category
	Turns []DialogueTurn
}

// DialogueTurn is one user message and, for golden-context benchmarks, the
// benchmark's own answer to it, which forms the context of later turns.
type DialogueTurn struct {
	User   string
	Golden string // "" when the benchmark gives none (MT-Bench)
}

// LoadDialogues reads the dialogues of a multi-turn benchmark
// ("mtbench101", "mtbench") from its files in dataDir.
func LoadDialogues(dataDir, bench string) ([]Dialogue, error) {
	switch bench {
	case "mtbench101":
		return LoadMTBench101(dataDir)
	case "mtbench":
		return LoadMTBench(dataDir)
	}
	return nil, fmt.Errorf("no dialogues for bench %q (want mtbench101 or mtbench)", bench)
}

// LoadMTBench101 reads dataDir/mtbench101/mtbench101.jsonl:
// {task, id, history: [{user, bot}]}. The bot texts are the golden context.
func LoadMTBench101(dataDir string) ([]Dialogue, error) {
	path := filepath.Join(dataDir, "mtbench101", "mtbench101.jsonl")
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("mtbench101: %v", err)
	}
	defer f.Close()
	type row struct {
		Task    string `json:"task"`
		ID      *int   `json:"id"`
		History []struct {
			User *string `json:"user"`
			Bot  *string `json:"bot"`
		} `json:"history"`
	}
	var ds []Dialogue
	seen := map[int]bool{}
	err = jsonl.Each(f, path, func(_ int, r *row) error {
		if r.ID == nil || r.Task == "" || len(r.History) == 0 {
			return fmt.Errorf("want task, id and a non-empty history")
		}
		if seen[*r.ID] {
			return fmt.Errorf("id %d twice", *r.ID)
		}
		seen[*r.ID] = true
		d := Dialogue{ID: MTBench101ID(*r.ID), Bench: "mtbench101", Task: r.Task}
		for i, h := range r.History {
			if h.User == nil || h.Bot == nil {
				return fmt.Errorf("turn %d: want user and bot", i+1)
			}
			d.Turns = append(d.Turns, DialogueTurn{User: *h.User, Golden: *h.Bot})
		}
		ds = append(ds, d)
		return nil
	})
	if err == nil && len(ds) == 0 {
		err = fmt.Errorf("%s: no dialogues", path)
	}
	return ds, err
}

// LoadMTBench reads MT-Bench's questions,
// dataDir/routellm/mt_bench/question.jsonl: {question_id, category,
// turns}. MT-Bench has no golden answers: the context of a turn is what
// the model that served the earlier turns answered.
func LoadMTBench(dataDir string) ([]Dialogue, error) {
	path := filepath.Join(dataDir, "routellm", "mt_bench", "question.jsonl")
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("mtbench: %v", err)
	}
	defer f.Close()
	type row struct {
		QuestionID *int     `json:"question_id"`
		Category   string   `json:"category"`
		Turns      []string `json:"turns"`
	}
	var ds []Dialogue
	seen := map[int]bool{}
	err = jsonl.Each(f, path, func(_ int, r *row) error {
		if r.QuestionID == nil || len(r.Turns) == 0 {
			return fmt.Errorf("want question_id and turns")
		}
		if seen[*r.QuestionID] {
			return fmt.Errorf("question_id %d twice", *r.QuestionID)
		}
		seen[*r.QuestionID] = true
		d := Dialogue{ID: MTBenchID(*r.QuestionID), Bench: "mtbench", Task: r.Category}
		for _, u := range r.Turns {
			d.Turns = append(d.Turns, DialogueTurn{User: u})
		}
		ds = append(ds, d)
		return nil
	})
	if err == nil && len(ds) == 0 {
		err = fmt.Errorf("%s: no questions", path)
	}
	return ds, err
}

// MTBenchID is the dialogue ID of an MT-Bench question.
func MTBenchID(questionID int) string { return fmt.Sprintf("mtbench/%d", questionID) }

// MTBench101ID is the dialogue ID of an MT-Bench-101 dialogue.
func MTBench101ID(id int) string { return fmt.Sprintf("mtbench101/%d", id) }

// DropDialogues returns the dialogues any of whose user turns is one of
// prompts (RouteLLM drops an MT-Bench question when either turn is
// contaminated), and how many were dropped.
func DropDialogues(ds []Dialogue, prompts []string) (kept []Dialogue, dropped int) {
	bad := make(map[string]bool, len(prompts))
	for _, p := range prompts {
		bad[p] = true
	}
	for _, d := range ds {
		drop := false
		for _, t := range d.Turns {
			drop = drop || bad[t.User]
		}
		if drop {
			dropped++
			continue
		}
		kept = append(kept, d)
	}
	return kept, dropped
}
