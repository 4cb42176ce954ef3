package contention

import (
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	"github.com/edgeroute/edgeroute/channel"
	"github.com/edgeroute/edgeroute/eval"
)

// mmluLike has MMLU's shape under the paper profile: 14,042 requests,
// prompts of 10-160 words, the paper's mean responses (1,254.4 and
// 4,567.9 tokens), accuracies about 0.68 (SLM) and 0.81 (LLM). The
// oracle's score is 1 exactly where only the LLM is right.
func mmluLike(oracle bool) Requests {
	r := rand.New(rand.NewPCG(14042, 1))
	w := make(Requests, 14042)
	for i := range w {
		prompt := float64(10 + r.IntN(150))
		turns := [2]eval.Turn{eval.SingleTurn(prompt, 1254.4), eval.SingleTurn(prompt, 4567.9)}
		q := [2]float64{float64(r.IntN(100) / 68), float64(r.IntN(100) / 81)}
		q = [2]float64{1 - q[0], 1 - q[1]} // 1 with probability 0.68, 0.81
		p := r.Float64()
		if oracle {
			p = max(0, q[1]-q[0])
		}
		w[i] = Request{P: p, Decide: turns, Serve: turns, Quality: q}
	}
	return w
}

// benchConfig: 64 phones, 16 slots, each phone asking every 600 s. At half
// the requests on the edge it is offered 64/600 x 0.5 x 91.6 x s(16)/16 =
// 0.53 of its capacity.
func benchConfig() Config {
	m, ch := paperLink()
	return Config{Model: m, Channel: ch, Alpha: 0.03, Devices: 64, EdgeSlots: 16, EdgeSlowdown: DefaultEdgeSlowdown,
		Arrival: channel.Arrival{Gap: 600}, Seed: 1}
}

// BenchmarkSimulate is one replay of an MMLU-sized input, setup included
// (the target: at most 20 ms).
func BenchmarkSimulate(b *testing.B) {
	w := mmluLike(false)
	for _, d := range []Decision{Static, Load} {
		b.Run(d.String(), func(b *testing.B) {
			cfg := benchConfig()
			cfg.Decide = d
			b.ReportAllocs()
			start := cpuTime()
			for b.Loop() {
				run, err := Simulate(cfg, w, -0.7)
				if err != nil || run.LLMShare < 0.15 || run.LLMShare > 0.7 {
					b.Fatalf("%v: share %v", err, run.LLMShare)
				}
			}
			reportCPU(b, start)
		})
	}
}

// BenchmarkSearchCapacity is the capacity search the CLI runs: 9 device
// counts (1 to 256), 100 thresholds each, for a random and an oracle
// router (the target: at most 10 s on the 2-core machine).
func BenchmarkSearchCapacity(b *testing.B) {
	routers := []Requests{mmluLike(false), mmluLike(true)}
	devices := []int{1, 2, 4, 8, 16, 32, 64, 128, 256}
	for _, d := range []Decision{Static, Load} {
		b.Run(d.String(), func(b *testing.B) {
			cfg := benchConfig()
			cfg.Decide = d
			start := cpuTime()
			for b.Loop() {
				for _, w := range routers {
					if _, err := SearchCapacity(cfg, w, devices, 100, 0.76, 150); err != nil {
						b.Fatal(err)
					}
				}
			}
			reportCPU(b, start)
		})
	}
}

// cpuTime is the process's CPU time, all threads. On a machine shared with
// other jobs wall time also measures them; CPU time over the cores used is
// what the benchmark would take alone.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N)/1e6, "cpu-ms/op")
}
