package eval

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// at_share is a list of points; reports written when it was an object
// keyed by the share in percent read as the same list, in order of share.
func TestAtShareJSON(t *testing.T) {
	r := RouterResult{Router: "random", AtShare: []Point{{Threshold: 0.5, Latency: 12, LLMShare: 0.25}, {Threshold: 0.1, Quality: 0.7, Latency: 14, LLMShare: 0.5}}}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if want := `"at_share":[{"threshold":0.5,"quality":0,"latency_s":12,"llm_share":0.25},{"threshold":0.1,"quality":0.7,"latency_s":14,"llm_share":0.5}]`; !strings.Contains(string(b), want) {
		t.Errorf("JSON %s, want %s in it", b, want)
	}
	for _, c := range []struct{ json, want string }{
		{string(b), "[{0.5 0 12 0.25} {0.1 0.7 14 0.5}]"},
		{`{"router": "random", "at_share": {"75": {"threshold": -0.1, "quality": 0, "latency_s": 16, "llm_share": 0.75}, "25": {"threshold": 0.3, "quality": 0, "latency_s": 11.9, "llm_share": 0.25}, "50": {"threshold": null, "quality": 0, "latency_s": 14, "llm_share": 0.5}}}`,
			"[{0.3 0 11.9 0.25} {NaN 0 14 0.5} {-0.1 0 16 0.75}]"},
		{`{"router": "slm-only"}`, "[]"},
	} {
		var got RouterResult
		if err := json.Unmarshal([]byte(c.json), &got); err != nil {
			t.Fatalf("%s: %v", c.json, err)
		}
		var plain []struct{ Threshold, Quality, Latency, LLMShare float64 }
		for _, p := range got.AtShare {
			plain = append(plain, struct{ Threshold, Quality, Latency, LLMShare float64 }{p.Threshold, p.Quality, p.Latency, p.LLMShare})
		}
		if s := fmt.Sprint(plain); s != c.want {
			t.Errorf("%s: at_share %s, want %s", c.json, s, c.want)
		}
	}
	var got RouterResult
	if err := json.Unmarshal([]byte(`{"router": "r", "at_share": {"half": {"latency_s": 1}}}`), &got); err == nil || !strings.Contains(err.Error(), `key "half"`) {
		t.Errorf("a key that is no share: %v", err)
	}
}

// A point's tail joins its JSON keys, and reads back.
func TestPointTailJSON(t *testing.T) {
	p := Point{Threshold: 0.5, Quality: 0.75, Latency: 10, LLMShare: 0.5, Tail: &Tail{Latency: 10, P50: 9, P95: 20, P99: 30, TTFT: 1.5, TTFTP95: 4}}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"threshold":0.5,"quality":0.75,"latency_s":10,"llm_share":0.5,"latency_p50_s":9,"latency_p95_s":20,"latency_p99_s":30,"ttft_s":1.5,"ttft_p95_s":4}`; string(b) != want {
		t.Errorf("JSON %s, want %s", b, want)
	}
	var back Point
	if err := json.Unmarshal(b, &back); err != nil || back.Tail == nil || back.P95 != 20 || back.TTFT != 1.5 {
		t.Errorf("read back %+v, %v", back, err)
	}
}
