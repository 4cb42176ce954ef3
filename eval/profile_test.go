package eval

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadProfileFile(t *testing.T) {
	dir := t.TempDir()
	write := func(body string) string {
		p := filepath.Join(dir, "p.json")
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := `{"name": "fast-phone", "slm": {"prefill_s_per_token": 0.001, "decode_s_per_token": 0.03},
	  "llm": {"prefill_s_per_token": 0.0001, "decode_s_per_token": 0.01}, "bandwidth_tokens_per_s": 5000,
	  "overhead_s": 0.05, "tau_r_s_per_token": 0.0002, "alpha": {"gsm8k": 0.1},
	  "mean_response_tokens": {"gsm8k": {"slm": 100, "llm": 200}}}`
	p, err := LoadProfile(write(good))
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "fast-phone" || p.SLM.Decode != 0.03 || p.Bandwidth != 5000 || p.TauR != 0.0002 || p.Alpha["gsm8k"] != 0.1 || p.MeanResponse["gsm8k"].LLM != 200 {
		t.Errorf("profile %+v", p)
	}
	if _, err := LoadProfile(write(good + "\n\n")); err != nil {
		t.Errorf("white space after the object: %v", err)
	}
	for _, c := range []struct{ body, want string }{
		{`{"bandwith_tokens_per_s": 1}`, "unknown field \"bandwith_tokens_per_s\""},
		{`{"slm": {"prefill_s_per_token": 1, "decode_s_per_token": 1}, "llm": {"prefill_s_per_token": 1, "decode_s_per_token": 1}, "bandwidth_tokens_per_s": 0}`, "bandwidth is 0"},
		{strings.Replace(good, `"gsm8k": 0.1`, `"gsm8k": -0.1`, 1), "alpha for gsm8k is -0.1"},
		{strings.Replace(good, `"slm": 100`, `"slm": -100`, 1), "mean response lengths for gsm8k"},
		{`{`, "unexpected EOF"},
		{good + "\n" + good, fmt.Sprintf("data after the JSON object, which ends at byte %d", len(good))},
		{good + "}", "data after the JSON object"},
		{`{"name": "a"} {"name": "b"}`, "data after the JSON object, which ends at byte 13"},
	} {
		if _, err := LoadProfile(write(c.body)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.body, err, c.want)
		}
	}
	if p, err := LoadProfile("paper"); err != nil || p.Alpha["mmlu"] != 0.03 || p.MeanResponse["mmlu"].LLM != 4567.9 {
		t.Errorf("paper: %+v %v", p, err)
	}
}
