package pack

import (
	"cmp"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/edgeroute/edgeroute/datasets"
	"github.com/edgeroute/edgeroute/judgments"
	"github.com/edgeroute/edgeroute/tokens"
)

// upstream is a benchmark as the replay reads it from the upstream files
// today, without this package.
type upstream struct {
	records       []datasets.Record
	dialogues     []datasets.Dialogue
	judgments     []judgments.Judgment
	clean         int      // records or dialogues left by --drop-contaminated
	cleanIDs      []string // their IDs
	slm, llm      string
	scale         Scale
	kind, context string
}

func readUpstream(t *testing.T, bench string) *upstream {
	t.Helper()
	u := &upstream{}
	var err error
	switch bench {
	case "mmlu", "gsm8k":
		if u.records, err = datasets.Load(sharedData, bench); err != nil {
			t.Fatal(err)
		}
		if u.judgments, u.slm, u.llm, err = judgments.RouteLLM(sharedData, bench, u.records, u.records, tokens.Words{}); err != nil {
			t.Fatal(err)
		}
		prompts, err := datasets.RouteLLMContaminated(sharedData, bench)
		if err != nil {
			t.Fatal(err)
		}
		kept, _ := datasets.DropPrompts(u.records, prompts)
		for _, r := range kept {
			u.cleanIDs = append(u.cleanIDs, r.ID)
		}
	case "mtbench":
		if u.dialogues, err = datasets.LoadMTBench(sharedData); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(sharedData, "routellm", "mt_bench", "judgements.jsonl")
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if u.judgments, _, err = judgments.ReadFastChatJudgments(f, path, tokens.Words{}); err != nil {
			t.Fatal(err)
		}
		prompts, err := datasets.RouteLLMContaminated(sharedData, "mt_bench")
		if err != nil {
			t.Fatal(err)
		}
		kept, _ := datasets.DropDialogues(u.dialogues, prompts)
		for _, d := range kept {
			u.cleanIDs = append(u.cleanIDs, d.ID)
		}
		u.slm, u.llm = "mistralai/Mixtral-8x7B-Instruct-v0.1", "gpt-4-1106-preview"
	case "mtbench101":
		if u.dialogues, err = datasets.LoadMTBench101(sharedData); err != nil {
			t.Fatal(err)
		}
		for _, d := range u.dialogues {
			u.cleanIDs = append(u.cleanIDs, d.ID)
		}
	}
	return u
}

func byKeyAndModel(js []judgments.Judgment) []judgments.Judgment {
	js = slices.Clone(js)
	slices.SortFunc(js, func(a, b judgments.Judgment) int {
		return cmp.Or(cmp.Compare(a.RecordID, b.RecordID), cmp.Compare(a.Turn, b.Turn), cmp.Compare(a.Model, b.Model))
	})
	return js
}

// Each embedded pack holds exactly what the upstream files give: the same
// records or dialogues (every field), the same judgments, the same pair,
// and its contaminated flags drop what datasets.DropPrompts and
// DropDialogues drop.
func TestBuiltinEqualsUpstream(t *testing.T) {
	for _, c := range []struct {
		bench string
		all   int // records or dialogues
		clean int // left by --drop-contaminated (README, RouteLLM)
		js    int
	}{
		{"mmlu", 14042, 14037, 2 * 14042},
		{"gsm8k", 1319, 1307, 2 * 1319},
		{"mtbench", 80, 72, 320},
		{"mtbench101", 1388, 1388, 0},
	} {
		t.Run(c.bench, func(t *testing.T) {
			needShared(t)
			if *update {
				t.Skip("-update rewrites the embedded packs: run the tests again without it")
			}
			u := readUpstream(t, c.bench)
			p, err := Builtin(c.bench)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(p.Records, u.records) {
				t.Error("records differ from the upstream files'")
			}
			if !reflect.DeepEqual(p.Dialogues, u.dialogues) {
				t.Error("dialogues differ from the upstream files'")
			}
			if got, want := byKeyAndModel(p.Judgments), byKeyAndModel(u.judgments); !reflect.DeepEqual(got, want) {
				t.Errorf("judgments differ from the upstream files' (%d, want %d)", len(got), len(want))
			}
			if p.SLM != u.slm || p.LLM != u.llm {
				t.Errorf("pair %q/%q, want %q/%q", p.SLM, p.LLM, u.slm, u.llm)
			}
			if n := len(p.Records) + len(p.Dialogues); n != c.all || len(p.Judgments) != c.js {
				t.Errorf("%d records or dialogues, %d judgments; want %d, %d", n, len(p.Judgments), c.all, c.js)
			}
			clean, dropped := p.DropContaminated()
			var ids []string
			for _, r := range clean.Records {
				ids = append(ids, r.ID)
			}
			for _, d := range clean.Dialogues {
				ids = append(ids, d.ID)
			}
			if !slices.Equal(ids, u.cleanIDs) || len(ids) != c.clean || dropped != c.all-c.clean {
				t.Errorf("dropping contaminated rows leaves %d (dropped %d), DropPrompts/DropDialogues %d, the README %d", len(ids), dropped, len(u.cleanIDs), c.clean)
			}
			for _, j := range clean.Judgments {
				if !slices.Contains(ids, j.RecordID) {
					t.Fatalf("judgment of dropped %s kept", j.RecordID)
				}
			}
		})
	}
}
