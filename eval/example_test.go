package eval_test

import (
	"fmt"

	"github.com/edgeroute/edgeroute/eval"
)

// Two requests under the paper's Table I: a router score, fused with the
// latency gap, decides which model serves.
func ExampleLatencyModel_Total() {
	m := eval.Paper().LatencyModel
	turn := eval.SingleTurn(46, 136.3) // a 46-word GSM8K prompt, the paper's mean SLM response
	ts := m.Total(eval.SLM, turn)
	te := m.Total(eval.LLM, eval.SingleTurn(46, 460.1))
	fmt.Printf("T_s = %.4f s, T_e = %.4f s\n", ts, te)
	fmt.Printf("fused score of p = 0.8 with alpha 0.05: %.4f\n", eval.Fuse(0.8, 0.05, ts, te))
	// Output:
	// T_s = 7.2920 s, T_e = 10.1420 s
	// fused score of p = 0.8 with alpha 0.05: 0.6575
}

// The exact curve of three requests, and the fastest way to reach 2/3
// accuracy on it.
func ExampleSweep() {
	items := []eval.Item{
		{Fused: 0.9, QSLM: 0, QLLM: 1, TSLM: 1, TLLM: 2},
		{Fused: 0.1, QSLM: 1, QLLM: 1, TSLM: 1, TLLM: 2},
		{Fused: 0.5, QSLM: 0, QLLM: 0, TSLM: 1, TLLM: 2},
	}
	c := eval.Sweep(items)
	for _, p := range c {
		fmt.Printf("theta %.1f: accuracy %.3f, latency %.3f s, LLM share %.3f\n", p.Threshold, p.Quality, p.Latency, p.LLMShare)
	}
	at, _ := c.AtTarget(2.0 / 3)
	fmt.Printf("2/3 accuracy: %.3f s with %.0f%% LLM calls\n", at.Latency, 100*at.LLMShare)
	// Output:
	// theta 0.9: accuracy 0.333, latency 1.000 s, LLM share 0.000
	// theta 0.5: accuracy 0.667, latency 1.333 s, LLM share 0.333
	// theta 0.1: accuracy 0.667, latency 1.667 s, LLM share 0.667
	// theta 0.1: accuracy 0.667, latency 2.000 s, LLM share 1.000
	// 2/3 accuracy: 1.333 s with 33% LLM calls
}
