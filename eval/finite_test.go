package eval

import (
	"errors"
	"fmt"
	"math"
	"testing"
)

// Check goes through the requests in ranges on all cores: the error is
// still the first bad request's, and a sum that overflows only over all
// the ranges together is still caught.
func TestCheckAcrossRanges(t *testing.T) {
	n := 3*(1<<16) + 5
	reqs := make([]Request, n)
	for i := range reqs {
		reqs[i] = Request{ID: fmt.Sprint(i), PromptTokens: 10, RespSLM: -1, RespLLM: -1}
	}
	rp := Replay{Model: LatencyModel{SLM: Rates{Prefill: 1, Decode: 1}, LLM: Rates{Prefill: 1, Decode: 1}, Bandwidth: 1, Overhead: 1e303}, Mean: MeanResponse{SLM: 1, LLM: 1}}
	// Each T_e is 1e303 and change, each range's sum of 65,536 below
	// 1.8e308, the sum of all three and more above.
	var nf *NonFiniteError
	if err := rp.Check(reqs); !errors.As(err, &nf) || nf.Request != "" || nf.What != fmt.Sprintf("the sum of T_e over %d requests", n) || !math.IsInf(nf.Value, 1) {
		t.Errorf("sum over the ranges: %v", err)
	}
	// Two bad requests, in the second and third ranges: the first is named.
	rp.Model.Overhead = 1
	reqs[1<<16+7].PromptTokens = math.Inf(1)
	reqs[2<<16+9].PromptTokens = math.Inf(1)
	if err := rp.Check(reqs); !errors.As(err, &nf) || nf.Request != fmt.Sprint(1<<16+7) {
		t.Errorf("two bad requests: %v", err)
	}
}
