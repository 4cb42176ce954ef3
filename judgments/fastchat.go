package judgments

import (
	"fmt"
	"io"
	"strings"

	"github.com/edgeroute/edgeroute/datasets"
	"github.com/edgeroute/edgeroute/internal/jsonl"
	"github.com/edgeroute/edgeroute/tokens"
)

// FastChat's MT-Bench tooling writes
//
//	model_judgment/<judge>_single.jsonl: one line per (question, model,
//	    turn): {question_id, model, judge, user_prompt, judgment, score,
//	    turn, tstamp}; score -1 means the judge's verdict was unparsable;
//	model_answer/<model>.jsonl: {question_id, answer_id, model_id,
//	    choices: [{index, turns: [answer per turn]}], tstamp}.
//
// RouteLLM's mt_bench/judgements.jsonl is a judgment file. The judged
// answer is quoted inside user_prompt, so a judgment file alone gives both
// the score and the response length.

// ModelTurn identifies one model's answer to one turn.
type ModelTurn struct {
	Key
	Model string
}

// ReadFastChatJudgments reads a FastChat single-grading judgment file.
// Scores of -1 are skipped and counted. Response lengths are counted in
// the answer quoted in user_prompt (-1 when it cannot be found).
func ReadFastChatJudgments(r io.Reader, name string, counter tokens.Counter) (js []Judgment, skipped int, err error) {
	type row struct {
		QuestionID *int     `json:"question_id"`
		Model      string   `json:"model"`
		UserPrompt string   `json:"user_prompt"`
		Score      *float64 `json:"score"`
		Turn       int      `json:"turn"`
	}
	seen := map[ModelTurn]bool{}
	err = jsonl.Each(r, name, func(_ int, x *row) error {
		if x.QuestionID == nil || x.Model == "" || x.Score == nil || x.Turn < 1 {
			return fmt.Errorf("want question_id, model, score and turn >= 1")
		}
		if *x.Score == -1 {
			skipped++
			return nil
		}
		mt := ModelTurn{Key{datasets.MTBenchID(*x.QuestionID), x.Turn}, x.Model}
		if seen[mt] {
			return fmt.Errorf("%s judged twice for model %s", mt.Key, x.Model)
		}
		seen[mt] = true
		resp := -1
		if ans, ok := JudgedAnswer(x.UserPrompt, x.Turn); ok {
			resp = counter.Count(ans)
		}
		js = append(js, Judgment{RecordID: mt.RecordID, Turn: x.Turn, Model: x.Model, Quality: *x.Score, ResponseTokens: resp})
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	if len(js) == 0 {
		return nil, skipped, fmt.Errorf("%s: no judgments", name)
	}
	return js, skipped, nil
}

// JudgedAnswer extracts the answer a FastChat single-grading prompt asks
// the judge to grade. Turn 1 prompts (single-v1, single-math-v1) quote it
// between "[The Start of Assistant's Answer]" and "[The End of Assistant's
// Answer]"; turn 2 prompts (*-multi-turn) quote the whole conversation,
// and the answer is its second "### Assistant A:" block.
func JudgedAnswer(userPrompt string, turn int) (string, bool) {
	if turn == 1 {
		_, rest, ok := strings.Cut(userPrompt, "[The Start of Assistant's Answer]\n")
		if !ok {
			return "", false
		}
		ans, _, ok := strings.Cut(rest, "\n[The End of Assistant's Answer]")
		return ans, ok
	}
	_, conv, ok := strings.Cut(userPrompt, "<|The Start of Assistant A's Conversation with User|>")
	if !ok {
		return "", false
	}
	conv, _, ok = strings.Cut(conv, "<|The End of Assistant A's Conversation with User|>")
	if !ok {
		return "", false
	}
	blocks := strings.Split(conv, "### Assistant A:\n")
	if len(blocks) <= turn {
		return "", false
	}
	ans, _, _ := strings.Cut(blocks[turn], "\n\n### User:\n")
	return strings.TrimSuffix(ans, "\n\n"), true
}

// ReadFastChatAnswers reads a FastChat model-answer file and returns the
// length of each answer (first choice) per (question, turn, model).
func ReadFastChatAnswers(r io.Reader, name string, counter tokens.Counter) (map[ModelTurn]int, error) {
	type row struct {
		QuestionID *int   `json:"question_id"`
		ModelID    string `json:"model_id"`
		Choices    []struct {
			Turns []string `json:"turns"`
		} `json:"choices"`
	}
	out := map[ModelTurn]int{}
	err := jsonl.Each(r, name, func(_ int, x *row) error {
		if x.QuestionID == nil || x.ModelID == "" || len(x.Choices) == 0 {
			return fmt.Errorf("want question_id, model_id and choices")
		}
		for i, ans := range x.Choices[0].Turns {
			mt := ModelTurn{Key{datasets.MTBenchID(*x.QuestionID), i + 1}, x.ModelID}
			if _, dup := out[mt]; dup {
				return fmt.Errorf("%s answered twice by %s", mt.Key, x.ModelID)
			}
			out[mt] = counter.Count(ans)
		}
		return nil
	})
	if err == nil && len(out) == 0 {
		err = fmt.Errorf("%s: no answers", name)
	}
	return out, err
}
