package eval

import (
	"fmt"
	"testing"
)

// BenchmarkBootstrapSingle: the intervals of a router on GSM8K-, MMLU-
// and 10x MMLU-sized replays, and of the random router on all of MMLU (10
// seeds), per 100 resamples: one sort per seed, then each resample is a
// walk linear in requests, so the cost is linear in requests x seeds x
// resamples. With LLM shares to read, a router of one seed reads them on
// the same walk, and one of several seeds walks once more, over all of
// its seeds' requests merged.
func BenchmarkBootstrapSingle(b *testing.B) {
	for _, c := range []struct {
		n, seeds int
		shares   []float64
	}{{1319, 1, nil}, {14042, 1, nil}, {140420, 1, nil}, {14042, 10, nil}, {14042, 1, []float64{0.25, 0.5, 0.75}}, {14042, 10, []float64{0.25, 0.5, 0.75}}} {
		seeds := make([][]Item, c.seeds)
		for s := range seeds {
			seeds[s] = randomItems(c.n, uint64(s+1))
		}
		b.Run(fmt.Sprintf("n=%d/seeds=%d/shares=%d/R=100", c.n, c.seeds, len(c.shares)), func(b *testing.B) {
			for b.Loop() {
				BootstrapSingle(seeds, 0.5, c.shares, Bootstrap{N: c.n, R: 100, Seed: 1}, 0.95)
			}
		})
	}
}

// BenchmarkBootstrapDialogues: MT-Bench-101's shape (1,388 dialogues),
// 1,000 thresholds, 100 resamples: a preparation linear in points x
// dialogues, then per resample a walk linear in dialogues + steps +
// points.
func BenchmarkBootstrapDialogues(b *testing.B) {
	ds, p := syntheticDialogues()
	rp := DialogueReplay{Model: Paper().LatencyModel, Alpha: 0.05, Mean: MeanResponse{SLM: 226.37, LLM: 879.16}, WithContext: true, KeepSums: true}
	pts := rp.Sweep(ds, p, 1000)
	b.Run("dialogues=1388/points=1000/R=100", func(b *testing.B) {
		for b.Loop() {
			BootstrapDialogues([][]DialoguePoint{pts}, 5.5, nil, Bootstrap{N: ds.Count(), R: 100, Seed: 1}, 0.95)
		}
	})
}
