package eval

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/edgeroute/edgeroute/channel"
)

// mmluLike is 14,042 requests (MMLU's size) with MMLU-like prompt lengths,
// random scores, and a request every 10 s on a driving-like trace of
// 27,591 s (log-normal capacity around 8.5 Mbit/s, 4% outages).
func mmluLike(b *testing.B) (Replay, []Request, []float64, []float64, *channel.Trace) {
	r := rand.New(rand.NewPCG(14042, 27591))
	secs := make([]channel.Second, 27591)
	for k := range secs {
		if r.Float64() >= 0.04 {
			c := math.Round(8500 * math.Exp(1.5*r.NormFloat64()))
			secs[k].Down, secs[k].Up = c, c
		}
		secs[k].RTT = 0.06 + 0.1*r.Float64()
	}
	tr, err := channel.NewTrace("driving-like", secs, channel.DefaultBytesPerToken)
	if err != nil {
		b.Fatal(err)
	}
	reqs := make([]Request, 14042)
	p := make([]float64, len(reqs))
	for i := range reqs {
		reqs[i] = Request{ID: "q", PromptTokens: float64(10 + r.IntN(300)), QSLM: float64(r.IntN(2)), QLLM: float64(r.IntN(2)), RespSLM: -1, RespLLM: -1}
		p[i] = r.Float64()
	}
	starts := channel.Arrival{Gap: 10}.Starts(len(reqs), float64(tr.Len()), 1)
	rp := Replay{Model: Paper().LatencyModel, Alpha: 0.03, Mean: MeanResponse{SLM: 1254.4, LLM: 4567.9}}
	return rp, reqs, p, starts, tr
}

// BenchmarkTimedItems prices all of MMLU on a trace (Times: realized
// latency and first-token time on both models, and the decision's T_e, per
// --decide) and fuses the prices with router scores (TimedItems).
func BenchmarkTimedItems(b *testing.B) {
	rp, reqs, p, starts, tr := mmluLike(b)
	for _, d := range []channel.Decide{channel.Mean, channel.Last, channel.Oracle} {
		b.Run(d.String(), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				times, err := rp.Times(reqs, starts, tr, d)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := rp.TimedItems(reqs, p, times); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	times, err := rp.Times(reqs, starts, tr, channel.Mean)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("fuse", func(b *testing.B) { // TimedItems alone: another router on the same prices
		for b.Loop() {
			if _, err := rp.TimedItems(reqs, p, times); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("paper-items", func(b *testing.B) { // the paper channel's Items, for scale
		for b.Loop() {
			if _, err := rp.Items(reqs, p); err != nil {
				b.Fatal(err)
			}
		}
	})
}
