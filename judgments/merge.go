package judgments

import (
	"errors"
	"fmt"
)

// Merge combines judgments files of one benchmark into one, so that
// results imported one model at a time (or from different tools) become
// a pair to replay. names[i] names files[i] in errors.
//
// The rows are the union of the files' rows, in the order first seen; a
// row that several files hold with the same values is kept once. Two
// files that judge a request differently for one model (the same record,
// turn and model; another quality or response length) are an error
// naming both files, since no merge could tell which is right; so are
// files of different benchmarks.
//
// Default roles carry over, and must agree: every file that names an SLM
// names the same one (likewise the LLM), and no model is one file's SLM
// and another's LLM. A caller that chooses the roles itself clears them
// in files first.
func Merge(names []string, files []*File) (*File, error) {
	if len(files) == 0 || len(names) != len(files) {
		return nil, errors.New("merge: no files")
	}
	out := &File{Bench: files[0].Bench}
	type role struct{ model, file string }
	var slm, llm role
	seen := map[ModelTurn]int{} // row in out.Judgments
	from := map[ModelTurn]string{}
	for i, f := range files {
		if f.Bench != out.Bench {
			return nil, fmt.Errorf("merge: %s judges %s, %s judges %s: one benchmark per file", names[0], out.Bench, names[i], f.Bench)
		}
		for _, r := range []struct {
			model string
			dst   *role
			what  string
		}{{f.SLM, &slm, "SLM"}, {f.LLM, &llm, "LLM"}} {
			if r.model == "" {
				continue
			}
			if r.dst.model != "" && r.dst.model != r.model {
				return nil, fmt.Errorf("merge: %s names the %s %s, %s names %s: choose the pair with --slm and --llm", r.dst.file, r.what, r.dst.model, names[i], r.model)
			}
			*r.dst = role{r.model, names[i]}
		}
		if slm.model != "" && slm.model == llm.model {
			return nil, fmt.Errorf("merge: %s is the SLM in %s and the LLM in %s: choose the pair with --slm and --llm", slm.model, slm.file, llm.file)
		}
		for _, j := range f.Judgments {
			mt := ModelTurn{Key{j.RecordID, j.Turn}, j.Model}
			if k, ok := seen[mt]; ok {
				if prev := out.Judgments[k]; prev != j {
					return nil, fmt.Errorf("merge: %s, model %s: %s has quality %v and %s response tokens, %s has %v and %s",
						mt.Key, j.Model, from[mt], prev.Quality, tokensText(prev.ResponseTokens), names[i], j.Quality, tokensText(j.ResponseTokens))
				}
				continue
			}
			seen[mt], from[mt] = len(out.Judgments), names[i]
			out.Judgments = append(out.Judgments, j)
		}
	}
	out.SLM, out.LLM = slm.model, llm.model
	return out, nil
}

// tokensText is a response length in words: "unknown" for -1.
func tokensText(n int) string {
	if n == -1 {
		return "unknown"
	}
	return fmt.Sprint(n)
}
