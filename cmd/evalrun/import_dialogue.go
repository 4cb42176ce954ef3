package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/edgeroute/edgeroute/judgments"
)

// repeated is a flag that may be given several times.
type repeated []string

func (r *repeated) String() string     { return fmt.Sprint(*r) }
func (r *repeated) Set(s string) error { *r = append(*r, s); return nil }

func importFastChat(_ context.Context, args []string, env *importEnv) ([]judgments.Judgment, error) {
	fs := flag.NewFlagSet("fastchat", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var answers repeated
	fs.Var(&answers, "answers", "FastChat model-answer file: response lengths from it replace those counted in the judge prompts (repeatable)")
	// --answers may come before or after the judgment files.
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		return nil, fmt.Errorf("fastchat: %v", err)
	}
	if len(paths) == 0 {
		return nil, errors.New("fastchat: no judgment file")
	}
	lens := map[judgments.ModelTurn]int{}
	for _, path := range answers {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		m, err := judgments.ReadFastChatAnswers(f, path, env.Tokens)
		f.Close()
		if err != nil {
			return nil, err
		}
		for k, v := range m {
			lens[k] = v
		}
	}
	var all []judgments.Judgment
	for _, path := range paths {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		js, skipped, err := judgments.ReadFastChatJudgments(f, path, env.Tokens)
		f.Close()
		if err != nil {
			return nil, err
		}
		if skipped > 0 {
			fmt.Fprintf(env.Stderr, "evalrun import: %s: skipped %d unparsable verdicts (score -1)\n", path, skipped)
		}
		all = append(all, js...)
	}
	for i, j := range all {
		if n, ok := lens[judgments.ModelTurn{Key: judgments.Key{RecordID: j.RecordID, Turn: j.Turn}, Model: j.Model}]; ok {
			all[i].ResponseTokens = n
		}
	}
	env.Bench = "mtbench"
	return all, nil
}

func importOpenCompass(_ context.Context, args []string, env *importEnv) ([]judgments.Judgment, error) {
	fs := flag.NewFlagSet("opencompass", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var models, results, predictions repeated
	fs.Var(&models, "model", "a model's name (repeat for each model, in the order of --results)")
	fs.Var(&results, "results", "the judge's results file of that model")
	fs.Var(&predictions, "predictions", "the model's predictions file, for response lengths (optional; then one per model)")
	if err := fs.Parse(args); err != nil {
		return nil, fmt.Errorf("opencompass: %v", err)
	}
	if len(models) == 0 || len(models) != len(results) || len(predictions) != 0 && len(predictions) != len(models) {
		return nil, errors.New("opencompass: give --model and --results once per model (and --predictions for all or none)")
	}
	var all []judgments.Judgment
	for i, model := range models {
		js, err := readOpenCompassModel(model, results[i], pick(predictions, i), env)
		if err != nil {
			return nil, err
		}
		all = append(all, js...)
	}
	env.Bench = "mtbench101"
	return all, nil
}

func pick(xs []string, i int) string {
	if i < len(xs) {
		return xs[i]
	}
	return ""
}

func readOpenCompassModel(model, results, predictions string, env *importEnv) ([]judgments.Judgment, error) {
	rf, err := os.Open(results)
	if err != nil {
		return nil, err
	}
	defer rf.Close()
	var pr io.Reader
	if predictions != "" {
		pf, err := os.Open(predictions)
		if err != nil {
			return nil, err
		}
		defer pf.Close()
		pr = pf
	}
	js, skipped, err := judgments.ReadOpenCompassMTBench101(model, rf, results, pr, predictions, env.Tokens)
	if err != nil {
		return nil, err
	}
	if skipped > 0 {
		fmt.Fprintf(env.Stderr, "evalrun import: %s: skipped %d verdicts without a [[score]]\n", results, skipped)
	}
	return js, nil
}
