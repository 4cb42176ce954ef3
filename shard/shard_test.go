package shard

import (
	"crypto/sha256"
	"math/big"
	"strings"
	"testing"
)

// hashStarting is a sha256 whose first bytes are b, the rest zero.
func hashStarting(b ...byte) [32]byte {
	var h [32]byte
	copy(h[:], b)
	return h
}

// Hand-worked: 0x80 00.. is the fraction 1/2, 0x55..55 just below 1/3,
// 0x55..56 just above it, 0xff..ff just below 1.
func TestOfHandWorked(t *testing.T) {
	third := []byte{0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55}
	aboveThird := []byte{0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x56}
	ones := []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	for _, c := range []struct {
		h     [32]byte
		count int
		want  int
	}{
		{hashStarting(), 1, 0},
		{hashStarting(), 5, 0},
		{hashStarting(0x80), 2, 1},
		{hashStarting(0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), 2, 0},
		{hashStarting(0x80), 3, 1}, // 3/2
		{hashStarting(third...), 3, 0},
		{hashStarting(aboveThird...), 3, 1},
		{hashStarting(ones...), 3, 2},
		{hashStarting(ones...), 1000, 999},
		// only the first 8 bytes count
		{hashStarting(0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), 2, 0},
	} {
		if got := Of(c.h, c.count); got != c.want {
			t.Errorf("Of(%x..., %d) = %d, want %d", c.h[:9], c.count, got, c.want)
		}
	}
}

// Of is floor(x N / 2^64) for the hash's first 8 bytes x, computed here in
// arbitrary precision; each text is held by exactly one shard.
func TestOfPartitions(t *testing.T) {
	two64 := new(big.Int).Lsh(big.NewInt(1), 64)
	for i := range 2000 {
		h := sha256.Sum256([]byte{byte(i), byte(i >> 8)})
		x := new(big.Int).SetBytes(h[:8])
		for _, n := range []int{1, 2, 3, 7, 10, 1 << 20} {
			want := new(big.Int).Div(new(big.Int).Mul(x, big.NewInt(int64(n))), two64).Int64()
			held := 0
			for k := range min(n, 16) {
				if (Shard{Index: k, Count: n}).Holds(h) {
					held++
				}
			}
			if got := Of(h, n); int64(got) != want || want < 16 && held != 1 || want >= 16 && held != 0 {
				t.Fatalf("hash %x, %d shards: Of %d, want %d; held by %d of the first 16", h[:8], n, got, want, held)
			}
		}
	}
}

func TestParse(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Shard
		err  string
	}{
		{"0/1", All, ""},
		{"2/3", Shard{2, 3}, ""},
		{"999/1000", Shard{999, 1000}, ""},
		{"3/2", Shard{}, `"3/2": shard 3 of 2: want 0 <= K < 2`},
		{"2/2", Shard{}, "want 0 <= K < 2"},
		{"0/0", Shard{}, `"0/0": 0 shards: want at least 1`},
		{"-1/4", Shard{}, "want 0 <= K < 4"},
		{"1", Shard{}, "want K/N"},
		{"a/b", Shard{}, "want K/N"},
		{"1/2/3", Shard{}, "want K/N"},
		{"", Shard{}, "want K/N"},
	} {
		got, err := Parse(c.in)
		if c.err == "" && (err != nil || got != c.want) || c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)) {
			t.Errorf("Parse(%q) = %v, %v; want %v, %q", c.in, got, err, c.want, c.err)
		}
	}
}

func TestFromEnv(t *testing.T) {
	for _, c := range []struct {
		name string
		env  map[string]string
		want Shard
		err  string
	}{
		{"kubernetes", map[string]string{JobIndexVar: "2", CountVar: "3"}, Shard{2, 3}, ""},
		{"kubernetes first", map[string]string{JobIndexVar: "0", CountVar: "1"}, All, ""},
		{"kubernetes without count", map[string]string{JobIndexVar: "2"}, Shard{}, "$JOB_COMPLETION_INDEX is set but $EDGEROUTE_SHARDS (the Kubernetes Indexed Job's completions) is not"},
		{"kubernetes index too large", map[string]string{JobIndexVar: "3", CountVar: "3"}, Shard{}, "$JOB_COMPLETION_INDEX=3, $EDGEROUTE_SHARDS=3: shard 3 of 3"},
		{"kubernetes zero count", map[string]string{JobIndexVar: "0", CountVar: "0"}, Shard{}, "$EDGEROUTE_SHARDS=0: 0 shards"},
		{"kubernetes not a number", map[string]string{JobIndexVar: "x", CountVar: "3"}, Shard{}, `$JOB_COMPLETION_INDEX="x": not an integer`},
		{"slurm from 0", map[string]string{SlurmIDVar: "4", SlurmCountVar: "10", SlurmMinVar: "0", SlurmMaxVar: "9"}, Shard{4, 10}, ""},
		{"slurm from 1", map[string]string{SlurmIDVar: "10", SlurmCountVar: "10", SlurmMinVar: "1", SlurmMaxVar: "10"}, Shard{9, 10}, ""},
		{"slurm without max", map[string]string{SlurmIDVar: "3", SlurmCountVar: "3", SlurmMinVar: "1"}, Shard{2, 3}, ""},
		{"slurm without count", map[string]string{SlurmIDVar: "3", SlurmMinVar: "0"}, Shard{}, "$SLURM_ARRAY_TASK_ID is set but $SLURM_ARRAY_TASK_COUNT is not"},
		{"slurm without min", map[string]string{SlurmIDVar: "3", SlurmCountVar: "4"}, Shard{}, "$SLURM_ARRAY_TASK_MIN is not"},
		{"slurm step", map[string]string{SlurmIDVar: "4", SlurmCountVar: "5", SlurmMinVar: "0", SlurmMaxVar: "8"}, Shard{}, "not a contiguous array"},
		{"slurm id below min", map[string]string{SlurmIDVar: "0", SlurmCountVar: "5", SlurmMinVar: "1"}, Shard{}, "$SLURM_ARRAY_TASK_ID=0, $SLURM_ARRAY_TASK_MIN=1, $SLURM_ARRAY_TASK_COUNT=5"},
		{"slurm bad max", map[string]string{SlurmIDVar: "0", SlurmCountVar: "5", SlurmMinVar: "0", SlurmMaxVar: "four"}, Shard{}, "$SLURM_ARRAY_TASK_MAX"},
		{"slurm rerun of chosen shards", map[string]string{SlurmIDVar: "5", SlurmCountVar: "2", SlurmMinVar: "2", SlurmMaxVar: "5", CountVar: "10"}, Shard{5, 10}, ""},
		{"slurm rerun out of range", map[string]string{SlurmIDVar: "10", SlurmCountVar: "2", SlurmMinVar: "2", CountVar: "10"}, Shard{}, "$SLURM_ARRAY_TASK_ID=10, $EDGEROUTE_SHARDS=10"},
		{"neither", map[string]string{CountVar: "3"}, Shard{}, "neither $JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) nor $SLURM_ARRAY_TASK_ID (a Slurm array) is set"},
		{"both", map[string]string{JobIndexVar: "0", SlurmIDVar: "0"}, Shard{}, "both $JOB_COMPLETION_INDEX (Kubernetes) and $SLURM_ARRAY_TASK_ID (Slurm)"},
	} {
		got, err := FromEnv(func(k string) string { return c.env[k] })
		if c.err == "" && (err != nil || got != c.want) || c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)) {
			t.Errorf("%s: %v, %v; want %v, %q", c.name, got, err, c.want, c.err)
		}
	}
}

func TestContainingAndList(t *testing.T) {
	hs := [][32]byte{hashStarting(0xff), hashStarting(0x00), hashStarting(0x80), hashStarting(0x81), hashStarting(0x33)}
	// out of 10: 0xff.. -> 9, 0x00 -> 0, 0x80 -> 5, 0x81 -> 5 (0x81/0x100 = 0.504), 0x33 -> 1 (0.199)
	if got := Containing(hs, 10); len(got) != 4 || got[0] != 0 || got[1] != 1 || got[2] != 5 || got[3] != 9 {
		t.Errorf("Containing: %v, want [0 1 5 9]", got)
	}
	for _, c := range []struct {
		ks   []int
		want string
	}{
		{nil, ""},
		{[]int{3}, "3"},
		{[]int{0, 1, 5, 9}, "0-1,5,9"},
		{[]int{0, 1, 2, 3, 7, 9, 10}, "0-3,7,9-10"},
	} {
		if got := List(c.ks); got != c.want {
			t.Errorf("List(%v) = %q, want %q", c.ks, got, c.want)
		}
	}
}
