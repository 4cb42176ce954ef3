package workers

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
)

// Every index is done once, whatever the number of goroutines, and each
// goroutine makes its job function once.
func TestRunEachIndexOnce(t *testing.T) {
	for _, c := range []struct{ n, workers int }{{0, 0}, {1, 0}, {1000, 1}, {1000, 3}, {5, 64}} {
		counts := make([]atomic.Int32, c.n)
		var made atomic.Int32
		err := Run(context.Background(), c.n, c.workers, func() func(int) {
			made.Add(1)
			return func(j int) { counts[j].Add(1) }
		})
		if err != nil {
			t.Fatal(err)
		}
		for j := range counts {
			if counts[j].Load() != 1 {
				t.Errorf("n %d workers %d: index %d done %d times", c.n, c.workers, j, counts[j].Load())
			}
		}
		if c.workers > 0 && int(made.Load()) > min(c.n, c.workers) {
			t.Errorf("n %d workers %d: %d job functions", c.n, c.workers, made.Load())
		}
	}
}

// A cancelled context stops the jobs not started, with its error.
func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var done atomic.Int32
	err := Run(ctx, 1000, 2, func() func(int) {
		return func(j int) {
			if done.Add(1) == 10 {
				cancel()
			}
		}
	})
	if err != context.Canceled || done.Load() >= 1000 {
		t.Errorf("err %v after %d jobs", err, done.Load())
	}
}

// A job's panic reaches the caller of Run, with the job's value and its
// goroutine's stack.
func TestRunPanics(t *testing.T) {
	defer func() {
		p, ok := recover().(*Panic)
		if !ok || p.Value != "job 7 broke" || !strings.Contains(p.String(), "workers_test.go") {
			t.Errorf("recovered %#v", p)
		}
	}()
	Run(context.Background(), 100, 3, func() func(int) {
		return func(j int) {
			if j == 7 {
				panic("job 7 broke")
			}
		}
	})
	t.Error("Run returned")
}

// Ranges covers [0, n) exactly once, in ranges of the size asked.
func TestRangesCoverOnce(t *testing.T) {
	for _, c := range []struct{ n, size int }{{0, 4}, {1, 4}, {4, 4}, {10, 4}, {1000, 7}} {
		seen := make([]atomic.Int32, c.n)
		Ranges(c.n, c.size, func(lo, hi int) {
			if hi <= lo || hi-lo > c.size || lo%c.size != 0 {
				t.Errorf("n %d size %d: range [%d, %d)", c.n, c.size, lo, hi)
			}
			for i := lo; i < hi; i++ {
				seen[i].Add(1)
			}
		})
		for i := range seen {
			if got := seen[i].Load(); got != 1 {
				t.Errorf("n %d size %d: item %d done %d times", c.n, c.size, i, got)
			}
		}
	}
}
