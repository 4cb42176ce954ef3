package pack

import (
	"math/bits"
	"sync"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// recycler is an arrow allocator that hands the buffers a batch's arrays
// let go (Release) to the next batch's: the batches of a pack read in
// turns then take one batch's memory, not ten batches' worth of garbage
// that waits for the collector (which, beside gigabytes of Records and
// Judgments, lets it grow by as much again). Buffers of a power of two
// bytes (from 64 KiB; smaller ones are the Go allocator's) are kept by
// size; a buffer is zeroed when handed out, as the Go allocator's are.
type recycler struct {
	mu   sync.Mutex
	free map[int][][]byte // by capacity
	out  map[*byte][]byte // the buffers handed out, by their first byte
}

const recycleMin = 64 << 10

func newRecycler() *recycler {
	return &recycler{free: map[int][][]byte{}, out: map[*byte][]byte{}}
}

var _ memory.Allocator = (*recycler)(nil)

func (r *recycler) Allocate(size int) []byte {
	if size < recycleMin {
		return memory.DefaultAllocator.Allocate(size)
	}
	class := 1 << bits.Len(uint(size-1))
	r.mu.Lock()
	var buf []byte
	l := r.free[class]
	reused := len(l) > 0
	if reused {
		buf, r.free[class] = l[len(l)-1], l[:len(l)-1]
	} else {
		r.mu.Unlock()
		buf = make([]byte, class+64) // padding for 64-byte alignment
		shift := (64 - int(uintptr(unsafe.Pointer(unsafe.SliceData(buf)))%64)) % 64
		buf = buf[shift : shift+class : shift+class]
		r.mu.Lock()
	}
	r.out[unsafe.SliceData(buf)] = buf
	r.mu.Unlock()
	if reused {
		clear(buf[:size]) // a new one is zero already
	}
	return buf[:size:size]
}

func (r *recycler) Reallocate(size int, b []byte) []byte {
	if cap(b) >= size {
		return b[:size]
	}
	nb := r.Allocate(size)
	copy(nb, b)
	r.Free(b)
	return nb
}

func (r *recycler) Free(b []byte) {
	if cap(b) < recycleMin {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	p := unsafe.SliceData(b)
	if buf, ok := r.out[p]; ok {
		delete(r.out, p)
		r.free[cap(buf)] = append(r.free[cap(buf)], buf)
	}
}
