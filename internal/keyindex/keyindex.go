// Package keyindex finds a key's position in a caller's slice: a hash
// table of int32 positions, for the indexes of millions of requests a pack
// or a judgments.Set makes.
//
// A Go map[judgments.Key]int32 stores each key (24 bytes) and value beside
// a control byte in groups kept at most 7/8 full, and grows by doubling:
// 56 to 84 bytes per entry (measured with Go 1.26), 670 MB for 1e7
// requests, which the garbage collector scans for the keys' strings, with
// a string hash and a probe of scattered memory per insert. The keys are in
// the caller's slice already, so an Index stores only a position (4 bytes)
// and a tag byte of the key's hash per slot, at most 3/4 full: 7 to 13
// bytes per entry, and no pointers to scan. A probe reads the tag bytes,
// which lie together, and reads a key from the caller's slice only when
// its tag matches, 1 time in 128 for another key.
package keyindex

import (
	"hash/maphash"
	"math/bits"
)

// Index maps keys to their positions in a slice the
// caller keeps: key(pos) is the key at pos.
type Index[K comparable] struct {
	seed  maphash.Seed
	key   func(pos int32) K
	tags  []uint8 // per slot: 0 when empty, else tagBit and 7 bits of the hash
	pos   []int32 // per slot: the position, where the tag is not 0
	n     int     // positions held
	shift uint    // 64 - log2(len(tags)): the hash's top bits pick the first slot
}

const tagBit = 0x80

// New is an empty Index with room for n keys before it grows.
func New[K comparable](n int, key func(pos int32) K) *Index[K] {
	x := &Index[K]{seed: maphash.MakeSeed(), key: key}
	x.alloc(n)
	return x
}

// alloc makes empty slots for n keys: a power of two, at most 3/4 full.
func (x *Index[K]) alloc(n int) {
	slots := 8
	for slots*3 < n*4 {
		slots *= 2
	}
	x.tags, x.pos = make([]uint8, slots), make([]int32, slots)
	x.shift = uint(64 - bits.TrailingZeros(uint(slots)))
}

// Len is the number of keys held.
func (x *Index[K]) Len() int { return x.n }

// Find returns k's position.
func (x *Index[K]) Find(k K) (pos int32, ok bool) {
	s, _ := x.slot(k)
	if x.tags[s] == 0 {
		return 0, false
	}
	return x.pos[s], true
}

// Add records that k is at pos, unless it is held already: then it
// returns k's position and false.
func (x *Index[K]) Add(k K, pos int32) (int32, bool) {
	if (x.n+1)*4 > len(x.tags)*3 {
		x.grow()
	}
	s, tag := x.slot(k)
	if x.tags[s] != 0 {
		return x.pos[s], false
	}
	x.tags[s], x.pos[s] = tag, pos
	x.n++
	return pos, true
}

// slot is the slot holding k, or the empty slot where k goes, and k's tag.
func (x *Index[K]) slot(k K) (int, uint8) {
	h := maphash.Comparable(x.seed, k)
	tag := uint8(h) | tagBit
	mask := len(x.tags) - 1
	for s := int(h >> x.shift); ; s = (s + 1) & mask {
		switch t := x.tags[s]; {
		case t == 0:
			return s, tag
		case t == tag && x.key(x.pos[s]) == k:
			return s, tag
		}
	}
}

// grow doubles the slots and places every position again.
func (x *Index[K]) grow() {
	tags, pos := x.tags, x.pos
	x.alloc(len(tags))
	for s, t := range tags {
		if t != 0 {
			i, _ := x.slot(x.key(pos[s]))
			x.tags[i], x.pos[i] = t, pos[s]
		}
	}
}
