package textenc

import (
	"encoding/json"
	"fmt"
	"math"
	"unicode/utf8"
)

// unigram is a Unigram (SentencePiece-style) model: a text is cut into the
// pieces whose scores (log probabilities) have the largest sum, found by
// Viterbi search over the text's bytes.
//
// It follows Hugging Face tokenizers' Unigram (encode_optimized): a
// character no piece starts with becomes the unknown id with the lowest
// piece score minus 10; runs of unknown characters fuse into one unknown
// token; among equal scores the path found first (the one whose last piece
// starts earlier) wins. sugarme's Unigram gives the same ids on our
// references but builds its result by prepending, quadratic in the number
// of pieces (over a minute for a 100,000-character text without spaces);
// this one is linear.
type unigram struct {
	ids      map[string]int
	scores   []float64
	unkID    int
	unkScore float64
	maxPiece int // bytes
}

// newUnigram reads a tokenizer.json "model" of type Unigram; ok is false
// when it has features this implementation lacks (byte fallback).
func newUnigram(raw json.RawMessage) (u *unigram, ok bool, err error) {
	var m struct {
		Type         string            `json:"type"`
		UnkID        *int              `json:"unk_id"`
		Vocab        []json.RawMessage `json:"vocab"`
		ByteFallback bool              `json:"byte_fallback"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, false, err
	}
	if m.Type != "Unigram" || m.ByteFallback || m.UnkID == nil {
		return nil, false, nil
	}
	u = &unigram{ids: make(map[string]int, len(m.Vocab)), scores: make([]float64, len(m.Vocab)), unkID: *m.UnkID}
	minScore := math.Inf(1)
	for i, entry := range m.Vocab {
		var pair []any
		if err := json.Unmarshal(entry, &pair); err != nil || len(pair) != 2 {
			return nil, false, fmt.Errorf("vocab entry %d: want [piece, score]", i)
		}
		piece, ok1 := pair[0].(string)
		score, ok2 := pair[1].(float64)
		if !ok1 || !ok2 {
			return nil, false, fmt.Errorf("vocab entry %d: want [piece, score]", i)
		}
		u.ids[piece] = i // a repeated piece: the last one counts, as in Hugging Face
		u.scores[i] = score
		minScore = min(minScore, score)
		u.maxPiece = max(u.maxPiece, len(piece))
	}
	if u.unkID < 0 || u.unkID >= len(m.Vocab) {
		return nil, false, fmt.Errorf("unk_id %d outside the vocabulary of %d", u.unkID, len(m.Vocab))
	}
	u.unkScore = minScore - 10
	return u, true, nil
}

// encode returns the ids of a normalized text.
func (u *unigram) encode(s string) []int {
	type node struct {
		score float64
		from  int // start of the last piece; -1: not reached yet
		id    int
	}
	best := make([]node, len(s)+1)
	for i := range best {
		best[i].from = -1
	}
	relax := func(end, start, id int, score float64) {
		if best[end].from < 0 || score > best[end].score {
			best[end] = node{score: score, from: start, id: id}
		}
	}
	for start := 0; start < len(s); {
		_, width := utf8.DecodeRuneInString(s[start:])
		here := best[start].score
		single := false
		for end := start + 1; end <= min(len(s), start+u.maxPiece); end++ {
			if id, ok := u.ids[s[start:end]]; ok {
				relax(end, start, id, here+u.scores[id])
				single = single || end-start == width
			}
		}
		if !single {
			relax(start+width, start, u.unkID, here+u.unkScore)
		}
		start += width
	}
	// Walk back from the end, fusing runs of unknown characters.
	var rev []int
	for end := len(s); end > 0; {
		n := best[end]
		start := n.from
		if n.id == u.unkID {
			for start > 0 && best[start].id == u.unkID {
				start = best[start].from
			}
			id, ok := u.ids[s[start:end]]
			if !ok {
				id = u.unkID
			}
			rev = append(rev, id)
		} else {
			rev = append(rev, n.id)
		}
		end = start
	}
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	return rev
}
