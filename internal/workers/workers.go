// Package workers runs independent jobs on goroutines, one per core by
// default, the way every parallel loop of edgeroute does: a job is an
// index, each goroutine takes the next one until none is left, and each
// goroutine has state of its own (scratch buffers made once).
//
// A panic in a job is not lost in its goroutine, where it would end the
// process before anyone could say it was a bug: the other goroutines stop
// taking jobs, and Run panics in the goroutine that called it with a
// *Panic that carries the job's value and stack, for the caller's
// recover to report.
package workers

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
)

// Run calls the job functions of up to workers goroutines (0: GOMAXPROCS)
// for every index in [0, n), each index once: a goroutine makes its job
// function with newWorker, once, then calls it with the indices it takes.
// It returns when every index is done, or with ctx.Err() once ctx is done
// (the jobs running finish; no more start).
func Run(ctx context.Context, n, workers int, newWorker func() func(j int)) error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var next atomic.Int64
	var failed atomic.Pointer[Panic]
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Go(func() {
			defer func() {
				if r := recover(); r != nil {
					failed.CompareAndSwap(nil, &Panic{Value: r, Stack: debug.Stack()})
				}
			}()
			job := newWorker()
			for ctx.Err() == nil && failed.Load() == nil {
				j := int(next.Add(1) - 1)
				if j >= n {
					return
				}
				job(j)
			}
		})
	}
	wg.Wait()
	if p := failed.Load(); p != nil {
		panic(p)
	}
	return ctx.Err()
}

// Panic is a job's panic, re-raised by Run: the value it panicked with
// and the stack of its goroutine.
type Panic struct {
	Value any
	Stack []byte
}

func (p *Panic) String() string {
	return fmt.Sprintf("%v\n\nin a worker goroutine:\n%s", p.Value, p.Stack)
}

// Ranges calls f on consecutive ranges [lo, hi) of [0, n), of size items
// each (the last may be shorter), on one goroutine per core: a loop over
// millions of independent items, in ranges long enough that taking one
// costs nothing beside its work.
func Ranges(n, size int, f func(lo, hi int)) {
	Run(context.Background(), (n+size-1)/size, 0, func() func(int) {
		return func(j int) { f(j*size, min(n, (j+1)*size)) }
	})
}
