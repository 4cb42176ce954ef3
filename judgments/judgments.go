// Package judgments holds precomputed per-model results: for every benchmark
// request and every model, how good the model's answer was and how long it
// was.
//
// A Judgment is keyed by (RecordID, Turn, Model). Single-turn benchmarks use
// Turn 0; multi-turn dialogues number their turns from 1, and the record ID
// names the dialogue. Quality is 0/1 for exact-match benchmarks (MMLU, GSM8K)
// or a judge score (MT-Bench: 1-10). ResponseTokens is the answer's length in
// tokens as counted by the tokens.Counter used at import (words by default),
// or -1 when the answer text is not known (RouteLLM's MMLU files store only
// correctness).
//
// The on-disk form is one Parquet file with the schema documented in
// parquet.go; importers in this package turn upstream formats (RouteLLM's
// CSVs, FastChat and OpenCompass outputs, lm-evaluation-harness samples) into
// a Set.
package judgments

import (
	"fmt"
	"math"
	"sort"
	"sync"

	"github.com/edgeroute/edgeroute/internal/keyindex"
)

// Judgment is one model's result on one request.
type Judgment struct {
	RecordID       string
	Turn           int // 0 for single-turn; 1.. for dialogue turns
	Model          string
	Quality        float64
	ResponseTokens int // -1 when unknown
}

// Key identifies a judged request (one record, one turn).
type Key struct {
	RecordID string
	Turn     int
}

func (k Key) String() string {
	if k.Turn == 0 {
		return k.RecordID
	}
	return fmt.Sprintf("%s turn %d", k.RecordID, k.Turn)
}

// Set is the judgments of a pair of models: the small model that runs on the
// device (SLM) and the large model on the edge server (LLM).
type Set struct {
	SLM, LLM string
	// By request, its pair's place in pairs: made by NewSet as it reads
	// the judgments, or by Get when first asked (NewSetOfRuns).
	index     *keyindex.Index[Key]
	indexOnce sync.Once
	pairs     []pair
}

// pair is a request's judgments by the SLM and the LLM (index 0 and 1).
// A quality is NaN until its model's judgment is read, NaN being no
// judgment's: a flag of its own would make a pair 64 bytes, not 56.
type pair struct {
	key     Key
	quality [2]float64
	tokens  [2]int
}

// unjudged are a new pair's qualities.
var unjudged = [2]float64{math.NaN(), math.NaN()}

// judged tells whether the pair holds side's judgment.
func (p *pair) judged(side int) bool { return !math.IsNaN(p.quality[side]) }

// NewSet checks and indexes judgments of the two named models. Every request
// must be judged exactly once for each of the two models; judgments of other
// models are ignored; a NaN or infinite quality, or a quality outside
// [minQ, maxQ], is an error naming the request.
func NewSet(slm, llm string, js []Judgment, minQ, maxQ float64) (*Set, error) {
	return newSet(slm, llm, js, minQ, maxQ, true)
}

// NewSetOfRuns is NewSet for judgments that come in runs, the judgments
// of each request together and each request in one run, as a pack's
// (Read gives them in row order, and rows are distinct): it makes the
// same Set with the same errors, but finds a request's run without an
// index, and leaves the index to Get, which a caller walking the requests
// in order with GetAt never needs. Judgments not in runs are a bug of
// the caller, and Get panics on them.
func NewSetOfRuns(slm, llm string, js []Judgment, minQ, maxQ float64) (*Set, error) {
	return newSet(slm, llm, js, minQ, maxQ, false)
}

// newSet is NewSet, or NewSetOfRuns unless index is set.
func newSet(slm, llm string, js []Judgment, minQ, maxQ float64, index bool) (*Set, error) {
	if slm == llm {
		return nil, fmt.Errorf("judgments: SLM and LLM are the same model %q", slm)
	}
	s := &Set{SLM: slm, LLM: llm, pairs: make([]pair, 0, len(js)/2)}
	if index {
		s.index = keyindex.New(len(js)/2, s.pairKey)
	}
	for _, j := range js {
		var side int
		switch j.Model {
		case slm:
			side = 0
		case llm:
			side = 1
		default:
			continue
		}
		k := Key{j.RecordID, j.Turn}
		if math.IsNaN(j.Quality) || math.IsInf(j.Quality, 0) || j.Quality < minQ || j.Quality > maxQ {
			return nil, fmt.Errorf("judgments: %s, model %s: quality %v outside [%v, %v]", k, j.Model, j.Quality, minQ, maxQ)
		}
		// A request's judgments usually come together: the last
		// request's place needs no lookup.
		i, ok := int32(len(s.pairs)-1), len(s.pairs) > 0 && s.pairs[len(s.pairs)-1].key == k
		if !ok {
			i, ok = int32(len(s.pairs)), true // a new request, if the judgments come in runs
			if index {
				i, ok = s.index.Add(k, i)
			}
			if ok {
				if len(s.pairs) == math.MaxInt32 {
					return nil, fmt.Errorf("judgments: more than %d requests", math.MaxInt32)
				}
				s.pairs = append(s.pairs, pair{key: k, quality: unjudged})
			}
		}
		p := &s.pairs[i]
		if p.judged(side) {
			return nil, fmt.Errorf("judgments: %s judged twice for model %s", k, j.Model)
		}
		p.quality[side], p.tokens[side] = j.Quality, j.ResponseTokens
	}
	// A request judged by one model only: the first in key order is named.
	var missing *pair
	for i := range s.pairs {
		if p := &s.pairs[i]; (!p.judged(0) || !p.judged(1)) && (missing == nil || keyLess(p.key, missing.key)) {
			missing = p
		}
	}
	if missing != nil {
		model := slm
		if missing.judged(0) {
			model = llm
		}
		return nil, fmt.Errorf("judgments: %s has no judgment for model %s", missing.key, model)
	}
	if len(s.pairs) == 0 {
		return nil, fmt.Errorf("judgments: no judgments for models %q and %q", slm, llm)
	}
	return s, nil
}

func (s *Set) pairKey(i int32) Key { return s.pairs[i].key }

// indexRuns makes the index of a NewSetOfRuns.
func (s *Set) indexRuns() {
	if s.index != nil {
		return
	}
	// Built aside and kept only whole: after the panic, Get panics again
	// rather than answer from half an index.
	index := keyindex.New(len(s.pairs), s.pairKey)
	for i, p := range s.pairs {
		if _, ok := index.Add(p.key, int32(i)); !ok {
			panic(fmt.Sprintf("judgments: NewSetOfRuns given %s in two runs", p.key))
		}
	}
	s.index = index
}

// Len is the number of judged requests.
func (s *Set) Len() int { return len(s.pairs) }

// Get returns the SLM's and the LLM's judgment of a request.
func (s *Set) Get(k Key) (slm, llm Judgment, ok bool) {
	s.indexOnce.Do(s.indexRuns)
	i, ok := s.index.Find(k)
	if !ok {
		return Judgment{}, Judgment{}, false
	}
	slm, llm = s.judgments(int(i))
	return slm, llm, true
}

// GetAt is Get for the request that is the i-th judged (in the order of
// the judgments NewSet was given), when it is k, without a lookup: for a
// caller walking requests in that order, as a replay of a pack walks its
// rows. Else it is Get.
func (s *Set) GetAt(i int, k Key) (slm, llm Judgment, ok bool) {
	if i >= 0 && i < len(s.pairs) && s.pairs[i].key == k {
		slm, llm = s.judgments(i)
		return slm, llm, true
	}
	return s.Get(k)
}

// judgments are pair i's judgments.
func (s *Set) judgments(i int) (slm, llm Judgment) {
	p := &s.pairs[i]
	slm = Judgment{RecordID: p.key.RecordID, Turn: p.key.Turn, Model: s.SLM, Quality: p.quality[0], ResponseTokens: p.tokens[0]}
	llm = Judgment{RecordID: p.key.RecordID, Turn: p.key.Turn, Model: s.LLM, Quality: p.quality[1], ResponseTokens: p.tokens[1]}
	return slm, llm
}

// Keys returns the judged requests in a stable order.
func (s *Set) Keys() []Key {
	ks := make([]Key, len(s.pairs))
	for i, p := range s.pairs {
		ks[i] = p.key
	}
	return sortKeys(ks)
}

func sortedKeys[V any](m map[Key]V) []Key {
	ks := make([]Key, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	return sortKeys(ks)
}

// sortKeys sorts keys by record, then turn.
func sortKeys(ks []Key) []Key {
	sort.Slice(ks, func(i, j int) bool { return keyLess(ks[i], ks[j]) })
	return ks
}

// keyLess orders keys by record, then turn.
func keyLess(a, b Key) bool {
	if a.RecordID != b.RecordID {
		return a.RecordID < b.RecordID
	}
	return a.Turn < b.Turn
}
