// Package shard splits a set of texts into disjoint slices that separate
// processes compute, and reads which slice a process is from its command
// line or from a batch scheduler.
//
// A text belongs to a shard by its sha256 alone: read the first 8 bytes of
// the hash as a big-endian number x, a fraction x/2^64 of the hash space;
// shard K of N holds the texts whose fraction lies in [K/N, (K+1)/N). So
// the shards of a run partition the texts exactly (every text is in one
// shard, a text repeated is in the same one), and which shard a text is in
// depends neither on the order of the requests, nor on the machine, nor
// on anything else in the benchmark.
//
// A process learns its shard from "K/N" (Parse), or from the environment of
// a Kubernetes Indexed Job or a Slurm job array (FromEnv).
package shard

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"strconv"
	"strings"
)

// Shard is slice Index of Count, 0 <= Index < Count.
type Shard struct {
	Index, Count int
}

// All is the one shard that holds every text.
var All = Shard{Index: 0, Count: 1}

func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// Of is the shard, out of count, that holds the text of sha256 h.
func Of(h [32]byte, count int) int {
	hi, _ := bits.Mul64(binary.BigEndian.Uint64(h[:8]), uint64(count))
	return int(hi)
}

// Holds reports whether the text of sha256 h is in s.
func (s Shard) Holds(h [32]byte) bool { return Of(h, s.Count) == s.Index }

// check refuses a shard no run has.
func (s Shard) check() error {
	switch {
	case s.Count < 1:
		return fmt.Errorf("%d shards: want at least 1", s.Count)
	case s.Index < 0 || s.Index >= s.Count:
		return fmt.Errorf("shard %d of %d: want 0 <= K < %d (shards are numbered from 0)", s.Index, s.Count, s.Count)
	}
	return nil
}

// Parse reads "K/N": shard K (from 0) of N.
func Parse(text string) (Shard, error) {
	k, n, ok := strings.Cut(text, "/")
	ki, kerr := strconv.Atoi(k)
	ni, nerr := strconv.Atoi(n)
	if !ok || kerr != nil || nerr != nil {
		return Shard{}, fmt.Errorf("%q: want K/N, shard K (from 0) of N, or auto", text)
	}
	s := Shard{Index: ki, Count: ni}
	if err := s.check(); err != nil {
		return Shard{}, fmt.Errorf("%q: %v", text, err)
	}
	return s, nil
}

// The environment variables FromEnv reads.
const (
	// CountVar is the number of shards of a Kubernetes Indexed Job (set it
	// to the job's completions: Kubernetes does not tell its pods), or, in
	// a Slurm array, what makes the array's task IDs shard numbers.
	CountVar = "EDGEROUTE_SHARDS"
	// JobIndexVar is the index of a Kubernetes Indexed Job's pod, from 0.
	JobIndexVar = "JOB_COMPLETION_INDEX"
	// The task ID of a Slurm array task, the number of tasks, the lowest
	// and highest task IDs.
	SlurmIDVar    = "SLURM_ARRAY_TASK_ID"
	SlurmCountVar = "SLURM_ARRAY_TASK_COUNT"
	SlurmMinVar   = "SLURM_ARRAY_TASK_MIN"
	SlurmMaxVar   = "SLURM_ARRAY_TASK_MAX"
)

// FromEnv is the shard of this process in a batch job, from the
// environment (getenv is os.Getenv, or a table in tests):
//
//   - A Kubernetes Indexed Job: K is $JOB_COMPLETION_INDEX and N is
//     $EDGEROUTE_SHARDS, which the job must set to its completions.
//   - A Slurm array (--array=0-9 or 1-10, any contiguous range): K is
//     $SLURM_ARRAY_TASK_ID - $SLURM_ARRAY_TASK_MIN and N is
//     $SLURM_ARRAY_TASK_COUNT. With $EDGEROUTE_SHARDS set, the task IDs are
//     the shard numbers instead: K is $SLURM_ARRAY_TASK_ID and N is
//     $EDGEROUTE_SHARDS, so that --array=2,5 runs shards 2 and 5 again.
//
// A variable that is missing, not a number or inconsistent with the others
// is an error that names it.
func FromEnv(getenv func(string) string) (Shard, error) {
	job, slurm := getenv(JobIndexVar), getenv(SlurmIDVar)
	switch {
	case job != "" && slurm != "":
		return Shard{}, fmt.Errorf("both $%s (Kubernetes) and $%s (Slurm) are set: give --shard K/N", JobIndexVar, SlurmIDVar)
	case job != "":
		return fromVars(getenv, JobIndexVar, CountVar, "", "the Kubernetes Indexed Job's completions")
	case slurm == "":
		return Shard{}, fmt.Errorf("neither $%s (a Kubernetes Indexed Job) nor $%s (a Slurm array) is set: give --shard K/N", JobIndexVar, SlurmIDVar)
	case getenv(CountVar) != "":
		return fromVars(getenv, SlurmIDVar, CountVar, "", "the number of shards")
	}
	s, err := fromVars(getenv, SlurmIDVar, SlurmCountVar, SlurmMinVar, "")
	if err != nil {
		return Shard{}, err
	}
	// An array with a step or gaps (--array=0-9:2, --array=1,3,7) has task
	// IDs that are not shard numbers once the lowest is subtracted.
	if v := getenv(SlurmMaxVar); v != "" {
		hi, err := envInt(SlurmMaxVar, v)
		if err != nil {
			return Shard{}, err
		}
		lo, _ := strconv.Atoi(strings.TrimSpace(getenv(SlurmMinVar))) // read by fromVars
		if hi-lo+1 != s.Count {
			return Shard{}, fmt.Errorf("$%s=%d, $%s=%d and $%s=%d: not a contiguous array (--array=MIN-MAX); to run chosen shards, set $%s to the number of shards and use shard numbers as task IDs",
				SlurmMinVar, lo, SlurmMaxVar, hi, SlurmCountVar, s.Count, CountVar)
		}
	}
	return s, nil
}

// fromVars reads K from indexVar (less the value of minVar, if named) and N
// from countVar; countWhat says what N is when countVar is missing.
func fromVars(getenv func(string) string, indexVar, countVar, minVar, countWhat string) (Shard, error) {
	var vals [3]int
	for i, name := range []string{indexVar, countVar, minVar} {
		if name == "" {
			continue
		}
		v := getenv(name)
		if v == "" {
			what := ""
			if name == countVar && countWhat != "" {
				what = " (" + countWhat + ")"
			}
			return Shard{}, fmt.Errorf("$%s is set but $%s%s is not", indexVar, name, what)
		}
		n, err := envInt(name, v)
		if err != nil {
			return Shard{}, err
		}
		vals[i] = n
	}
	s := Shard{Index: vals[0] - vals[2], Count: vals[1]}
	if err := s.check(); err != nil {
		names := fmt.Sprintf("$%s=%d", indexVar, vals[0])
		if minVar != "" {
			names += fmt.Sprintf(", $%s=%d", minVar, vals[2])
		}
		return Shard{}, fmt.Errorf("%s, $%s=%d: %v", names, countVar, vals[1], err)
	}
	return s, nil
}

func envInt(name, v string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return 0, fmt.Errorf("$%s=%q: not an integer", name, v)
	}
	return n, nil
}

// Containing is the shards, out of count, that hold the texts of the
// sha256s hs, in increasing order.
func Containing(hs [][32]byte, count int) []int {
	in := make([]bool, count)
	for _, h := range hs {
		in[Of(h, count)] = true
	}
	var out []int
	for k, ok := range in {
		if ok {
			out = append(out, k)
		}
	}
	return out
}

// List writes increasing shard numbers as Slurm's --array takes them:
// runs of consecutive numbers as ranges, "0-3,7,9-10".
func List(ks []int) string {
	var b strings.Builder
	for i := 0; i < len(ks); {
		j := i
		for j+1 < len(ks) && ks[j+1] == ks[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(ks[i]))
		if j > i {
			fmt.Fprintf(&b, "-%d", ks[j])
		}
		i = j + 1
	}
	return b.String()
}
