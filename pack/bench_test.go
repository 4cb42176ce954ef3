package pack

import (
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/edgeroute/edgeroute/datasets"
	"github.com/edgeroute/edgeroute/judgments"
)

// Loading the embedded MMLU pack: 14,042 records, 28,084 judgments
// (issue 10: at most 50 ms).
func BenchmarkBuiltinMMLU(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		p, err := Builtin("mmlu")
		if err != nil {
			b.Fatal(err)
		}
		if len(p.Records) != 14042 {
			b.Fatalf("%d records", len(p.Records))
		}
	}
}

// synthBench is a generated single-turn pack of synthRows records, each
// judged by two models, as a file's bytes: made once for the benchmarks.
var synthBench = sync.OnceValues(func() ([]byte, error) {
	const synthRows = 1 << 18
	p := &Pack{Meta: Meta{Bench: "synth", Kind: KindSingleTurn, Quality: Scale{Min: 0, Max: 1},
		SLM: "slm", LLM: "llm", Models: []string{"llm", "slm"}, Tokens: "words"}}
	words := strings.Repeat("w ", 200)
	p.Records = make([]datasets.Record, synthRows)
	p.Judgments = make([]judgments.Judgment, 0, 2*synthRows)
	for i := range p.Records {
		id := "synth/" + strconv.Itoa(i)
		p.Records[i] = datasets.Record{ID: id, Bench: "synth", Subject: "synth", Index: i, Prompt: words[:2*(1+i%200)-1]}
		p.Judgments = append(p.Judgments,
			judgments.Judgment{RecordID: id, Model: "slm", Quality: float64(i % 2), ResponseTokens: i % 300},
			judgments.Judgment{RecordID: id, Model: "llm", Quality: float64(i % 3 % 2), ResponseTokens: i % 700})
	}
	return Encode(p)
})

// Reading a generated pack of 262,144 records and making the Set of its
// judgments of the pair: what a replay of a pack file loads.
func BenchmarkReadSynthSet(b *testing.B) {
	file, err := synthBench()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		p, err := ReadBytes("synth.parquet", file)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := judgments.NewSetOfRuns(p.SLM, p.LLM, p.Judgments, p.Quality.Min, p.Quality.Max); err != nil {
			b.Fatal(err)
		}
	}
}
