package keyindex

import (
	"fmt"
	"hash/maphash"
	"testing"
)

type key struct {
	id   string
	turn int
}

// add is one Add call and what it must return.
type add struct {
	k    key
	pos  int32
	want int32
	new  bool
}

func TestAdd(t *testing.T) {
	a, b, c := key{"a", 0}, key{"b", 0}, key{"a", 1}
	for _, tc := range []struct {
		name string
		adds []add
		find map[key]int32 // the positions Find must give; other keys are absent
	}{
		{name: "empty", find: map[key]int32{}},
		{name: "distinct", adds: []add{{a, 0, 0, true}, {b, 1, 1, true}, {c, 2, 2, true}}, find: map[key]int32{a: 0, b: 1, c: 2}},
		{name: "the same ID, another turn, is another key", adds: []add{{a, 0, 0, true}, {c, 1, 1, true}}, find: map[key]int32{a: 0, c: 1}},
		{name: "a duplicate returns the first position", adds: []add{{a, 0, 0, true}, {b, 1, 1, true}, {a, 2, 0, false}, {b, 3, 1, false}, {c, 4, 4, true}}, find: map[key]int32{a: 0, b: 1, c: 4}},
		{name: "adjacent duplicates", adds: []add{{b, 7, 7, true}, {b, 8, 7, false}, {b, 9, 7, false}}, find: map[key]int32{b: 7}},
		{name: "the zero key", adds: []add{{key{}, 5, 5, true}, {key{}, 6, 5, false}}, find: map[key]int32{{}: 5}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			keys := map[int32]key{}
			x := New(0, func(pos int32) key { return keys[pos] })
			for _, ad := range tc.adds {
				keys[ad.pos] = ad.k
				if pos, ok := x.Add(ad.k, ad.pos); pos != ad.want || ok != ad.new {
					t.Errorf("Add(%v, %d) = %d, %v, want %d, %v", ad.k, ad.pos, pos, ok, ad.want, ad.new)
				}
			}
			if x.Len() != len(tc.find) {
				t.Errorf("Len() = %d, want %d", x.Len(), len(tc.find))
			}
			for _, k := range []key{a, b, c, {}, {"b", 1}, {"ab", 0}} {
				want, in := tc.find[k]
				if pos, ok := x.Find(k); ok != in || pos != want {
					t.Errorf("Find(%v) = %d, %v, want %d, %v", k, pos, ok, want, in)
				}
			}
		})
	}
}

// Keys 0..n-1 at positions 0..n-1, each added twice (the second time at
// position n+i, refused), into a table made for none: it grows from 8
// slots, and keys share first slots and tags.
func TestGrowAndCollide(t *testing.T) {
	for _, n := range []int{1, 6, 7, 1000, 100000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			ids := make([]string, n)
			for i := range ids {
				ids[i] = fmt.Sprint("r", i)
			}
			x := New(0, func(pos int32) string { return ids[pos%int32(n)] })
			for round := range 2 {
				for i := range n {
					pos, ok := x.Add(ids[i], int32(round*n+i))
					if pos != int32(i) || ok != (round == 0) {
						t.Fatalf("round %d: Add(%s) = %d, %v, want %d, %v", round, ids[i], pos, ok, i, round == 0)
					}
				}
			}
			if x.Len() != n {
				t.Errorf("Len() = %d, want %d", x.Len(), n)
			}
			for i := range n {
				if pos, ok := x.Find(ids[i]); !ok || pos != int32(i) {
					t.Fatalf("Find(%s) = %d, %v, want %d", ids[i], pos, ok, i)
				}
			}
			if _, ok := x.Find("r-1"); ok {
				t.Errorf("Find(r-1) found a key never added")
			}
		})
	}
}

// In a table of 8 slots, 6 keys mostly share a first slot; over 100
// tables, some must, and every key must still be found.
func TestProbe(t *testing.T) {
	ids := []string{"a", "b", "c", "d", "e", "f"}
	probed := false
	for range 100 {
		x := New(len(ids), func(pos int32) string { return ids[pos] })
		if len(x.tags) != 8 {
			t.Fatalf("%d slots for %d keys, want 8", len(x.tags), len(ids))
		}
		for i, id := range ids {
			x.Add(id, int32(i))
		}
		for i, id := range ids {
			if pos, ok := x.Find(id); !ok || pos != int32(i) {
				t.Fatalf("Find(%s) = %d, %v, want %d", id, pos, ok, i)
			}
		}
		for s, tag := range x.tags {
			if tag != 0 && int(maphash.Comparable(x.seed, ids[x.pos[s]])>>x.shift) != s {
				probed = true
			}
		}
	}
	if !probed {
		t.Error("no key was ever placed past its first slot")
	}
}
