// Package textenc turns text into the token ids a Hugging Face exported
// model expects, from the model's tokenizer.json.
//
// Tokenizing is three steps: normalize the text (Unicode forms, case,
// accents, white space), split it into words, and cut each word into
// vocabulary pieces (WordPiece, Unigram or BPE). The model's template
// then wraps the ids in its special tokens ([CLS] ... [SEP]).
//
// The splitting and the WordPiece and BPE models are
// github.com/sugarme/tokenizer (pure Go). Its normalizers are not used:
// they differ from Hugging Face tokenizers on the files we use (its BERT
// normalizer strips accents without decomposing first, so "é" survives,
// and treats only ASCII space, tab, CR and LF as white space, not U+00A0
// or U+3000; its NFKC turns text that is not already NFKC into NFKD; its
// Replace is quadratic in the text's length, minutes for a long prompt).
// This package implements the normalizer types of tokenizer.json itself
// (BertNormalizer, NFC/NFD/NFKC/NFKD, Lowercase, StripAccents, Strip,
// Prepend, Replace, Sequence) and hands sugarme normalized text; a file
// with another type keeps sugarme's normalizer. A Unigram model without
// a pre-tokenizer (one lattice per text, as in use-lite) is searched here
// too: sugarme's is quadratic in the number of pieces.
//
// Special tokens ([CLS], [SEP], ...) written in a text become their ids,
// matched on the raw text as Hugging Face does. A text too long for the
// model keeps its template's special tokens and loses content from the
// end (or, with EncodeTail, from the start, so that the latest dialogue
// turns survive).
//
// pretrained.BertBaseUncased() changes the process's working directory:
// this package only ever loads a tokenizer.json by path.
package textenc

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/sugarme/tokenizer"
	"github.com/sugarme/tokenizer/pretrained"
)

// Tokenizer encodes texts for one model.
type Tokenizer struct {
	tk        *tokenizer.Tokenizer
	unigram   *unigram // when set, used instead of sugarme's model
	maxLen    int
	normalize normalizer
	// specials are the added tokens matched on the raw text, before
	// normalization, with their ids.
	specials map[string]int
	// head and tail are the ids the template puts around a text ([CLS]
	// and [SEP]).
	head, tail []int
}

// Load reads a tokenizer.json; maxLen is the model's input limit in
// tokens, special tokens included (0: no limit).
func Load(path string, maxLen int) (*Tokenizer, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var spec struct {
		Normalizer   json.RawMessage `json:"normalizer"`
		PreTokenizer json.RawMessage `json:"pre_tokenizer"`
		Model        json.RawMessage `json:"model"`
		AddedTokens  []struct {
			ID         int    `json:"id"`
			Content    string `json:"content"`
			Normalized bool   `json:"normalized"`
		} `json:"added_tokens"`
	}
	if err := json.Unmarshal(raw, &spec); err != nil {
		return nil, fmt.Errorf("%s: not a tokenizer.json: %v", path, err)
	}
	tk, err := loadSugarme(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	t := &Tokenizer{tk: tk, maxLen: maxLen, specials: map[string]int{}}
	if t.normalize, err = parseNormalizer(spec.Normalizer); err == nil {
		tk.WithNormalizer(nil)
	} else {
		t.normalize = func(s string) string { return s }
	}
	if len(spec.PreTokenizer) == 0 || string(spec.PreTokenizer) == "null" {
		u, ok, err := newUnigram(spec.Model)
		if err != nil {
			return nil, fmt.Errorf("%s: model: %v", path, err)
		}
		if ok {
			t.unigram = u
		}
	}
	for _, a := range spec.AddedTokens {
		// Tokens marked "normalized" are matched in the normalized text,
		// which sugarme does.
		if !a.Normalized && a.Content != "" {
			t.specials[a.Content] = a.ID
		}
	}
	empty, err := tk.EncodeSingle("", true)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	n := len(empty.Ids)
	t.head, t.tail = empty.Ids[:min(n, 1)], empty.Ids[min(n, 1):]
	if maxLen > 0 && maxLen <= n {
		return nil, fmt.Errorf("%s: a limit of %d tokens leaves no room for text", path, maxLen)
	}
	return t, nil
}

// loadSugarme loads the file, turning a panic of the parser (it panics
// on some malformed files) into an error.
func loadSugarme(path string) (tk *tokenizer.Tokenizer, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("unreadable tokenizer: %v", r)
		}
	}()
	return pretrained.FromFile(path)
}

// MaxLen is the input limit in tokens (0: none).
func (t *Tokenizer) MaxLen() int { return t.maxLen }

// Encode returns the ids of text with the template's special tokens,
// truncated at the end to the model's limit.
func (t *Tokenizer) Encode(text string) ([]int64, error) {
	return t.encode(text, false)
}

// EncodeTail is Encode truncating at the start instead: for a dialogue
// joined oldest first, the latest turns are kept.
func (t *Tokenizer) EncodeTail(text string) ([]int64, error) {
	return t.encode(text, true)
}

func (t *Tokenizer) encode(text string, keepTail bool) (ids []int64, err error) {
	defer func() {
		if r := recover(); r != nil {
			ids, err = nil, fmt.Errorf("tokenizer failed on a text of %d bytes: %v", len(text), r)
		}
	}()
	var body []int
	for _, part := range t.splitSpecials(text) {
		if part.special {
			body = append(body, t.specials[part.text])
			continue
		}
		norm := t.normalize(part.text)
		if norm == "" {
			continue
		}
		if t.unigram != nil {
			body = append(body, t.unigram.encode(norm)...)
			continue
		}
		enc, err := t.tk.EncodeSingle(norm, false)
		if err != nil {
			return nil, err
		}
		body = append(body, enc.Ids...)
	}
	if keep := t.maxLen - len(t.head) - len(t.tail); t.maxLen > 0 && len(body) > keep {
		if keepTail {
			body = body[len(body)-keep:]
		} else {
			body = body[:keep]
		}
	}
	ids = make([]int64, 0, len(t.head)+len(body)+len(t.tail))
	for _, part := range [][]int{t.head, body, t.tail} {
		for _, id := range part {
			ids = append(ids, int64(id))
		}
	}
	return ids, nil
}

type piece struct {
	text    string
	special bool
}

// splitSpecials cuts text at the special-token strings in it (leftmost
// first, the longest at one position), in time linear in the text's
// length for a fixed set of specials.
func (t *Tokenizer) splitSpecials(text string) []piece {
	if len(t.specials) == 0 {
		return []piece{{text: text}}
	}
	// next[sp] is the next occurrence of sp at or after the cursor (-1:
	// none left); recomputed only when the cursor passes it.
	next := make(map[string]int, len(t.specials))
	find := func(sp string, from int) int {
		if i := strings.Index(text[from:], sp); i >= 0 {
			return from + i
		}
		return -1
	}
	for sp := range t.specials {
		next[sp] = find(sp, 0)
	}
	var out []piece
	at := 0
	for at < len(text) {
		best, tok := -1, ""
		for sp, i := range next {
			if i >= 0 && i < at {
				i = find(sp, at)
				next[sp] = i
			}
			if i >= 0 && (best < 0 || i < best || i == best && len(sp) > len(tok)) {
				best, tok = i, sp
			}
		}
		if best < 0 {
			out = append(out, piece{text: text[at:]})
			break
		}
		if best > at {
			out = append(out, piece{text: text[at:best]})
		}
		out = append(out, piece{text: tok, special: true})
		at = best + len(tok)
	}
	return out
}
