package eval

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
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
		for s := range seeds { // the same requests, other scores
			seeds[s] = randomItems(c.n, uint64(s+1))
			for i := range seeds[s] {
				f := seeds[s][i].Fused
				seeds[s][i] = seeds[0][i]
				seeds[s][i].Fused = f
			}
		}
		b.Run(fmt.Sprintf("n=%d/seeds=%d/shares=%d/R=100", c.n, c.seeds, len(c.shares)), func(b *testing.B) {
			for b.Loop() {
				bootstrapSingle(seeds, 0.5, c.shares, Bootstrap{N: c.n, R: 100, Seed: 1}, 0.95)
			}
		})
	}
}

// BenchmarkBootstrapRandomMMLU is the README's first command's
// bootstrap: the random router (10 seeds, distinct uniform scores) and
// the oracle (three scores) on MMLU's 14,042 requests, with MMLU's
// accuracies (0.68 and 0.81, correlated), sharing their resamples; per
// 100 resamples.
func BenchmarkBootstrapRandomMMLU(b *testing.B) {
	const n = 14042
	r := rand.New(rand.NewPCG(1, 2))
	items := make([]Item, n)
	for i := range items {
		slm := float64(min(1, r.IntN(100)/68))
		llm := slm
		if r.IntN(100) < 40 {
			llm = float64(min(1, r.IntN(100)/19))
		}
		items[i] = Item{QSLM: 1 - slm, QLLM: llm, TSLM: 50 + 4*r.Float64(), TLLM: 90 + 6*r.Float64()}
	}
	var seeds [][]Item
	for range 10 {
		s := slices.Clone(items)
		for i := range s {
			s[i].Fused = r.Float64() - 1.2
		}
		seeds = append(seeds, s)
	}
	oracle := slices.Clone(items)
	for i, it := range oracle {
		oracle[i].Fused = (it.QLLM-it.QSLM)/2 - 1.2
	}
	for b.Loop() {
		sb := NewSingleTurnBootstrap(Bootstrap{N: n, R: 100, Seed: 1}, nil, 0.95)
		random := sb.AddRouter(0.76)
		for _, s := range seeds {
			sb.AddSeed(random, s, nil)
		}
		sb.AddSeed(sb.AddRouter(0.76), oracle, nil)
		if _, err := sb.Run(context.Background()); err != nil {
			b.Fatal(err)
		}
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
			if _, err := BootstrapDialogues(context.Background(), [][]DialoguePoint{pts}, 5.5, nil, Bootstrap{N: ds.Count(), R: 100, Seed: 1}, 0.95); err != nil {
				b.Fatal(err)
			}
		}
	})
}
