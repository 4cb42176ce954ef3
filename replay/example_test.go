package replay_test

import (
	"context"
	"fmt"

	"github.com/edgeroute/edgeroute/replay"
)

// The four-question GSM8K of the test data, where the LLM is both better
// and faster: the oracle keeps on the SLM the one question only the SLM
// answers right, and so beats both models alone.
func ExampleRun() {
	cfg := replay.DefaultConfig()
	cfg.Bench, cfg.DataDir, cfg.Bootstrap = "gsm8k", "../testdata/data", 0
	cfg.Routers = []replay.Router{{Name: "oracle"}}
	cfg.Target = 1
	rep, err := replay.Run(context.Background(), cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("SLM alone: quality %.2f, %.4f s\n", rep.SLM.Quality, rep.SLM.Latency)
	fmt.Printf("LLM alone: quality %.2f, %.4f s\n", rep.LLM.Quality, rep.LLM.Latency)
	at := rep.Routers[0].AtTarget
	fmt.Printf("oracle at %.2f: %.4f s with %.0f%% of the questions on the LLM\n", at.Quality, at.Latency, 100*at.LLMShare)
	// Output:
	// SLM alone: quality 0.50, 0.2100 s
	// LLM alone: quality 0.75, 0.1350 s
	// oracle at 1.00: 0.1425 s with 75% of the questions on the LLM
}
