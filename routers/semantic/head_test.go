//go:build cgo

package semantic

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
)

// synthetic draws n 8-dimensional vectors whose label is the sign of a
// known linear function of them and of the prompt length, plus noise.
func synthetic(n int, seed uint64, noise float64) *Fitting {
	r := rand.New(rand.NewPCG(seed, 1))
	f := &Fitting{Folds: 5, Seed: 7}
	for range n {
		v := make([]float32, 8)
		for k := range v {
			v[k] = float32(r.NormFloat64())
		}
		lp := 10 + r.IntN(50)
		margin := 2*float64(v[0]) - float64(v[3]) + 0.05*float64(lp-35) + noise*r.NormFloat64()
		f.Vecs = append(f.Vecs, v)
		f.Lps = append(f.Lps, lp)
		f.Label = append(f.Label, margin > 0)
	}
	return f
}

func auc(scores []float64, labels []bool) float64 {
	wins, pairs := 0.0, 0.0
	for i, p := range scores {
		for j, q := range scores {
			if labels[i] && !labels[j] {
				pairs++
				switch {
				case p > q:
					wins++
				case p == q:
					wins += 0.5
				}
			}
		}
	}
	return wins / pairs
}

// The fit on a separable problem: every training point on its side, and
// the gradient of the regularized objective, recomputed here from the
// head's parameters with the formula written out, zero at the solution.
func TestFitSeparable(t *testing.T) {
	f := synthetic(200, 3, 0)
	ds := newDataset(f.Vecs, f.Lps, f.Label)
	rows := allRows(ds.n)
	const l2 = 1e-3
	h := fitHead(ds, rows, ds.moments(rows), l2)
	// Standardization: the rows' mean and population standard deviation.
	for k := range ds.d {
		mean, sq := 0.0, 0.0
		for _, i := range rows {
			mean += ds.row(i)[k] / float64(ds.n)
		}
		for _, i := range rows {
			sq += (ds.row(i)[k] - mean) * (ds.row(i)[k] - mean) / float64(ds.n)
		}
		if math.Abs(h.Mean[k]-mean) > 1e-9 || math.Abs(h.Scale[k]-math.Sqrt(sq)) > 1e-9 {
			t.Fatalf("feature %d: mean %v scale %v, want %v %v", k, h.Mean[k], h.Scale[k], mean, math.Sqrt(sq))
		}
	}
	// d/dw_k [mean log loss + l2/2 |w|²] = mean (p_i - y_i) z_ik + l2 w_k;
	// d/db = mean (p_i - y_i).
	gw, gb := make([]float64, ds.d), 0.0
	for i := range ds.n {
		p := h.P(f.Vecs[i], f.Lps[i])
		if (p > 0.5) != f.Label[i] {
			t.Errorf("record %d on the wrong side: p %v, label %v", i, p, f.Label[i])
		}
		r := (p - ds.y[i]) / float64(ds.n)
		gb += r
		for k, x := range ds.row(i) {
			gw[k] += r * (x - h.Mean[k]) / h.Scale[k]
		}
	}
	worst := math.Abs(gb)
	for k := range gw {
		worst = math.Max(worst, math.Abs(gw[k]+l2*h.W[k]))
	}
	if worst > 1e-6 {
		t.Errorf("gradient at the fit: largest component %v", worst)
	}
}

// A noisy linear problem: out-of-fold scores rank the labels well, and the
// same seed gives the same scores.
func TestCrossFitLearns(t *testing.T) {
	f := synthetic(600, 1, 0.3)
	res, err := f.CrossFit(true)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.L2) != 5 || res.Final == nil || res.Final.Records != 600 {
		t.Fatalf("%d strengths, final %+v", len(res.L2), res.Final)
	}
	if a := auc(res.Scores, f.Label); a < 0.95 {
		t.Errorf("out-of-fold AUC %v (a coin gives 0.5)", a)
	}
	again, _ := f.CrossFit(true)
	for i := range res.Scores {
		if res.Scores[i] != again.Scores[i] {
			t.Fatal("two cross-fits with the same seed differ")
		}
	}
	f.Seed++
	other, _ := f.CrossFit(false)
	same := 0
	for i := range res.Scores {
		if res.Scores[i] == other.Scores[i] {
			same++
		}
	}
	if same == len(res.Scores) {
		t.Error("another seed gives the same folds")
	}
}

// A record's score never comes from a head that saw it: changing its
// label (or removing it from the fit) leaves its own score bit for bit
// the same, while the scores of records in other folds, whose heads did
// see it, change.
func TestCrossFitNeverSeesOwnRecord(t *testing.T) {
	f := synthetic(300, 2, 1)
	base, err := f.CrossFit(false)
	if err != nil {
		t.Fatal(err)
	}
	fold, _ := f.cells()
	for _, i := range []int{0, 17, 150, 299} {
		for _, change := range []string{"flip", "unjudge"} {
			g := *f
			g.Label = append([]bool(nil), f.Label...)
			g.Judged = nil
			if change == "flip" {
				g.Label[i] = !g.Label[i]
			} else {
				g.Judged = make([]bool, len(f.Vecs))
				for j := range g.Judged {
					g.Judged[j] = j != i
				}
			}
			res, err := g.CrossFit(false)
			if err != nil {
				t.Fatal(err)
			}
			if res.Scores[i] != base.Scores[i] {
				t.Errorf("record %d (%s): its score moved from %v to %v", i, change, base.Scores[i], res.Scores[i])
			}
			moved := 0
			for j := range res.Scores {
				if fold[j] != fold[i] && res.Scores[j] != base.Scores[j] {
					moved++
				}
			}
			if moved == 0 {
				t.Errorf("record %d (%s): no other fold's score moved; the control failed", i, change)
			}
		}
	}
}

// With random labels, out-of-fold scores carry no information about their
// own labels, while a head fitted on everything memorizes them.
func TestCrossFitRandomLabels(t *testing.T) {
	f := synthetic(300, 2, 0)
	r := rand.New(rand.NewPCG(9, 9))
	for i := range f.Label {
		f.Label[i] = r.IntN(2) == 0
		v := make([]float32, 120) // many features, few records: easy to memorize
		for k := range v {
			v[k] = float32(r.NormFloat64())
		}
		f.Vecs[i] = v
	}
	res, err := f.CrossFit(false)
	if err != nil {
		t.Fatal(err)
	}
	if a := auc(res.Scores, f.Label); math.Abs(a-0.5) > 0.1 {
		t.Errorf("out-of-fold AUC %v on random labels", a)
	}
	ds := newDataset(f.Vecs, f.Lps, f.Label)
	rows := allRows(ds.n)
	h := fitHead(ds, rows, ds.moments(rows), 0.001)
	in := make([]float64, ds.n)
	for i := range in {
		in[i] = h.P(f.Vecs[i], f.Lps[i])
	}
	if a := auc(in, f.Label); a < 0.75 {
		t.Errorf("in-sample AUC %v: the control should memorize", a)
	}
}

func TestCrossFitRejects(t *testing.T) {
	f := synthetic(40, 4, 0)
	for i := range f.Label {
		f.Label[i] = true
	}
	if _, err := f.CrossFit(false); err == nil || !strings.Contains(err.Error(), "same label") {
		t.Errorf("one-class labels: %v", err)
	}
	f = synthetic(6, 4, 0)
	if _, err := f.CrossFit(false); err == nil {
		t.Error("6 records in 5 folds of 5 groups accepted")
	}
	f = synthetic(40, 4, 0)
	f.Folds = 1
	if _, err := f.CrossFit(false); err == nil {
		t.Error("1 fold accepted")
	}
}

func TestHeadFile(t *testing.T) {
	f := synthetic(200, 3, 0.3)
	res, err := f.CrossFit(true)
	if err != nil {
		t.Fatal(err)
	}
	h := res.Final
	h.Router, h.Output, h.Pooling, h.ModelSHA256 = "encoder", SentenceEmbedding, "", "abc"
	path := filepath.Join(t.TempDir(), "head.json")
	if err := h.Save(path); err != nil {
		t.Fatal(err)
	}
	back, err := LoadHead(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range f.Vecs {
		if back.P(f.Vecs[i], f.Lps[i]) != h.P(f.Vecs[i], f.Lps[i]) {
			t.Fatal("the loaded head scores differently")
		}
	}
	m := &Model{Dir: "dir", SHA256: "abc", Output: SentenceEmbedding}
	if err := back.Check(path, m, 8); err != nil {
		t.Errorf("matching model refused: %v", err)
	}
	for _, c := range []struct {
		m     *Model
		width int
		want  string
	}{
		{&Model{Dir: "dir", SHA256: "def", Output: SentenceEmbedding}, 8, "sha256 abc"},
		{&Model{Dir: "dir", SHA256: "abc", Output: LastHiddenState, Pooling: CLSPooling}, 8, "pooling"},
		{m, 9, "9 + 1"},
	} {
		if err := back.Check(path, c.m, c.width); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v width %d: %v, want %q", c.m, c.width, err, c.want)
		}
	}
	for _, bad := range []string{`{`, `{"format":"other"}`, `{"format":"edgeroute-head/v1","features":3,"w":[1,2],"mean":[0,0,0],"scale":[1,1,1]}`,
		`{"format":"edgeroute-head/v1","features":2,"w":[1,2],"mean":[0,0],"scale":[1,0]}`} {
		os.WriteFile(path, []byte(bad), 0o644)
		if _, err := LoadHead(path); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

// counter counts the steps reported to it (from several goroutines).
type counter struct{ n atomic.Int64 }

func (c *counter) Add(k int) { c.n.Add(int64(k)) }

// Cross-fitting reports every step it takes, as many as Steps says (so a
// progress bar ends full): the moments, each fold's fits over the L2
// grid and its refit, and the final head; the scores are the same with
// and without a progress.
func TestCrossFitProgress(t *testing.T) {
	for _, final := range []bool{false, true} {
		f := synthetic(300, 4, 0.5)
		plain, err := f.CrossFit(final)
		if err != nil {
			t.Fatal(err)
		}
		var c counter
		f.Progress = &c
		res, err := f.CrossFit(final)
		if err != nil {
			t.Fatal(err)
		}
		want := 1 + 5*(len(L2Grid)+1) // moments, then per fold the grid and the refit
		if final {
			want++
		}
		if c.n.Load() != int64(want) || f.Steps(final) != want {
			t.Errorf("final %v: %d steps reported, Steps %d; want %d", final, c.n.Load(), f.Steps(final), want)
		}
		if !slices.Equal(res.Scores, plain.Scores) {
			t.Errorf("final %v: the scores change with a progress", final)
		}
	}
}
