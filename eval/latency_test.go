package eval

import (
	"math"
	"testing"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// Worked by hand from eqs. 1-7 with the paper's Table I.
func TestTotalPaperProfile(t *testing.T) {
	m := Paper().LatencyModel
	cases := []struct {
		name       string
		k          Model
		turn       Turn
		want       float64
		arithmetic string
	}{
		{"mmlu slm", SLM, SingleTurn(10, 1254.4), 50.576, "0.04*10 + 0.04*1254.4 = 0.4 + 50.176"},
		{"mmlu llm", LLM, SingleTurn(10, 4567.9), 91.578228895, "0.02*10 + 10/2e7 + 0.02 + 4567.9/2e7 + 0.02*4567.9 = 0.2 + 5e-7 + 0.02 + 0.000228395 + 91.358"},
		{"gsm8k slm", SLM, SingleTurn(46, 136.3), 7.292, "0.04*46 + 0.04*136.3 = 1.84 + 5.452"},
		{"gsm8k llm", LLM, SingleTurn(46, 460.1), 10.142025305, "0.02*46 + 46/2e7 + 0.02 + 460.1/2e7 + 0.02*460.1 = 0.92 + 2.3e-6 + 0.02 + 2.3005e-5 + 9.202"},
		{"multi-turn switch to llm", LLM, Turn{Context: 100, Reprefill: 60, Prompt: 20, Upload: 120, Response: 50},
			2.6200085, "0.02*(60+20) + 120/2e7 + 0.02 + 50/2e7 + 0.02*50 = 1.6 + 6e-6 + 0.02 + 2.5e-6 + 1.0"},
	}
	for _, c := range cases {
		if got := m.Total(c.k, c.turn); !near(got, c.want, 1e-9) {
			t.Errorf("%s: Total = %.12g, want %.12g (%s)", c.name, got, c.want, c.arithmetic)
		}
	}
}

func TestTotalSeparateRatesAndRouter(t *testing.T) {
	m := LatencyModel{SLM: Rates{Prefill: 0.001, Decode: 0.05}, LLM: Rates{Prefill: 0.0002, Decode: 0.01}, Bandwidth: 1000, Overhead: 0.1, TauR: 0.0005}
	turn := Turn{Context: 200, Reprefill: 200, Prompt: 100, Upload: 300, Response: 40}
	// router 0.0005*300 = 0.15 on both sides
	// slm: 0.001*300 + 0.15 + 0.05*40 = 0.3 + 0.15 + 2 = 2.45
	// llm: 0.0002*300 + (300/1000 + 0.1 + 40/1000) + 0.15 + 0.01*40 = 0.06 + 0.44 + 0.15 + 0.4 = 1.05
	if got := m.Total(SLM, turn); !near(got, 2.45, 1e-12) {
		t.Errorf("slm = %v, want 2.45", got)
	}
	if got := m.Total(LLM, turn); !near(got, 1.05, 1e-12) {
		t.Errorf("llm = %v, want 1.05", got)
	}
}

func TestFuse(t *testing.T) {
	// 0.9 - 0.03*(91.578228895 - 50.576) = 0.9 - 1.23006686685
	if got := Fuse(0.9, 0.03, 50.576, 91.578228895); !near(got, -0.33006686685, 1e-12) {
		t.Errorf("Fuse = %v", got)
	}
}

func TestValidate(t *testing.T) {
	good := Paper().LatencyModel
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, mutate := range map[string]func(*LatencyModel){
		"zero bandwidth":     func(m *LatencyModel) { m.Bandwidth = 0 },
		"negative bandwidth": func(m *LatencyModel) { m.Bandwidth = -1 },
		"zero slm decode":    func(m *LatencyModel) { m.SLM.Decode = 0 },
		"negative overhead":  func(m *LatencyModel) { m.Overhead = -0.1 },
		"nan tau":            func(m *LatencyModel) { m.TauR = math.NaN() },
		"inf llm prefill":    func(m *LatencyModel) { m.LLM.Prefill = math.Inf(1) },
	} {
		m := good
		mutate(&m)
		if err := m.Validate(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
