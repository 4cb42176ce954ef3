package eval

import (
	"math/rand/v2"
	"testing"
)

// syntheticDialogues has MT-Bench-101's shape: 1,388 dialogues, 4,208
// turns, prompts of about 40 words, golden answers of about 54.
func syntheticDialogues() (*Dialogues, []float64) {
	r := rand.New(rand.NewPCG(3, 4))
	ds := &Dialogues{Start: []int{0}}
	var p []float64
	for d := 0; d < 1388; d++ {
		n := 3
		if d < 4208-3*1388 {
			n = 4
		}
		for t := 0; t < n; t++ {
			ds.Prompt = append(ds.Prompt, float64(5+r.IntN(70)))
			ds.Golden = append(ds.Golden, float64(10+r.IntN(90)))
			ds.Gen[0] = append(ds.Gen[0], 226.37)
			ds.Gen[1] = append(ds.Gen[1], 879.16)
			ds.Q[0] = append(ds.Q[0], float64(1+r.IntN(10)))
			ds.Q[1] = append(ds.Q[1], float64(1+r.IntN(10)))
			p = append(p, r.Float64())
		}
		ds.Start = append(ds.Start, len(ds.Prompt))
	}
	return ds, p
}

// BenchmarkDialogueSweep: 4,208 turns x 1,000 thresholds: each dialogue
// replayed where its path changes, each point its predecessor's totals
// with the changed dialogues' turns exchanged. The target: under
// 0.1 s (one core).
func BenchmarkDialogueSweep(b *testing.B) {
	ds, p := syntheticDialogues()
	for _, with := range []bool{false, true} {
		name := "without"
		if with {
			name = "with"
		}
		b.Run(name, func(b *testing.B) {
			rp := DialogueReplay{Model: Paper().LatencyModel, Alpha: 0.05, Mean: MeanResponse{SLM: 226.37, LLM: 879.16}, WithContext: with}
			for b.Loop() {
				if pts := rp.Sweep(ds, p, 1000); len(pts) != 1000 {
					b.Fatalf("%d points", len(pts))
				}
			}
		})
	}
}
