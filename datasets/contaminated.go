package datasets

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/edgeroute/edgeroute/internal/jsonl"
)

// SameMMLUPrompt reports whether two renderings of a prompt are the same
// question: equal, or equal but for answer options whose text is "None" in
// one and "nan" in the other (RouteLLM read the Hendrycks CSVs with pandas,
// which turns the option text None into NaN; 10 of its 14,042 MMLU prompts
// differ from the test CSVs only so).
func SameMMLUPrompt(a, b string) bool {
	if a == b {
		return true
	}
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	if len(la) != len(lb) {
		return false
	}
	for i := range la {
		if la[i] == lb[i] {
			continue
		}
		x, y := la[i], lb[i]
		if len(x) < 3 || len(y) < 3 || x[:3] != y[:3] || x[1:3] != ". " || x[0] < 'A' || x[0] > 'D' {
			return false
		}
		if !(x[3:] == "None" && y[3:] == "nan" || x[3:] == "nan" && y[3:] == "None") {
			return false
		}
	}
	return true
}

// RouteLLMContaminated reads routellm/<bench>/contaminated_prompts.jsonl:
// the evaluation prompts RouteLLM found too close to its router's training
// data. It returns their eval_prompt texts.
func RouteLLMContaminated(dataDir, bench string) ([]string, error) {
	path := filepath.Join(dataDir, "routellm", bench, "contaminated_prompts.jsonl")
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--drop-contaminated: %v", err)
	}
	defer f.Close()
	var out []string
	err = jsonl.Each(f, path, func(_ int, row *struct {
		EvalPrompt *string `json:"eval_prompt"`
	}) error {
		if row.EvalPrompt == nil {
			return fmt.Errorf("no eval_prompt")
		}
		out = append(out, *row.EvalPrompt)
		return nil
	})
	return out, err
}

// DropPrompts returns the records whose prompt is none of prompts (compared
// with SameMMLUPrompt), as RouteLLM's benchmark code drops contaminated
// rows, and how many were dropped.
func DropPrompts(recs []Record, prompts []string) (kept []Record, dropped int) {
	exact := make(map[string]bool, len(prompts))
	for _, p := range prompts {
		exact[p] = true
	}
	for _, r := range recs {
		drop := exact[r.Prompt]
		for _, p := range prompts {
			if drop {
				break
			}
			drop = SameMMLUPrompt(r.Prompt, p)
		}
		if drop {
			dropped++
			continue
		}
		kept = append(kept, r)
	}
	return kept, dropped
}
