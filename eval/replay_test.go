package eval

import "testing"

func TestReplayItemsAndBaselines(t *testing.T) {
	rp := Replay{Model: Paper().LatencyModel, Alpha: 0.05, Mean: MeanResponse{SLM: 136.3, LLM: 460.1}}
	reqs := []Request{
		{ID: "a", PromptTokens: 46, QSLM: 1, QLLM: 1, RespSLM: 100, RespLLM: 50},
		{ID: "b", PromptTokens: 10, QSLM: 0, QLLM: 1, RespSLM: 20, RespLLM: 30},
	}
	// a: T_s = 0.04*46 + 0.04*136.3 = 7.292; T_e = 0.92 + 2.3e-6 + 0.02 + 2.3005e-5 + 9.202 = 10.142025305
	// fused = 0.8 - 0.05*(10.142025305 - 7.292) = 0.8 - 0.14250126525 = 0.65749873475
	items, err := rp.Items(reqs, []float64{0.8, 0.1})
	if err != nil {
		t.Fatal(err)
	}
	if !near(items[0].Fused, 0.65749873475, 1e-12) || !near(items[0].TSLM, 7.292, 1e-12) || !near(items[0].TLLM, 10.142025305, 1e-12) {
		t.Errorf("item a = %+v", items[0])
	}
	// Actual response lengths change the accounting, not the decision.
	// a: T_s = 0.04*(46 + 100) = 5.84; T_e = 0.02*(46+50) + 46/2e7 + 0.02 + 50/2e7 = 1.92 + 2.3e-6 + 0.02 + 2.5e-6 = 1.9400048
	rp.Actual = true
	act, err := rp.Items(reqs, []float64{0.8, 0.1})
	if err != nil {
		t.Fatal(err)
	}
	if act[0].Fused != items[0].Fused || !near(act[0].TSLM, 5.84, 1e-12) || !near(act[0].TLLM, 1.9400048, 1e-12) {
		t.Errorf("actual item a = %+v", act[0])
	}
	// Baselines: quality (1+0)/2 and (1+1)/2; latency means of the accounted totals.
	rp.Actual = false
	slm, llm := rp.Baselines(reqs)
	// b: T_s = 0.04*10 + 5.452 = 5.852; T_e = 0.2 + 5e-7 + 0.02 + 2.3005e-5 + 9.202 = 9.422023505
	if slm.Quality != 0.5 || llm.Quality != 1 || !near(slm.Latency, (7.292+5.852)/2, 1e-12) || !near(llm.Latency, (10.142025305+9.422023505)/2, 1e-12) {
		t.Errorf("baselines %+v %+v", slm, llm)
	}
	rp.Actual = true
	reqs[1].RespLLM = -1
	if _, err := rp.Items(reqs, []float64{0.8, 0.1}); err == nil {
		t.Error("unknown response length accepted with Actual")
	}
}
