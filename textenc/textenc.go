// Package textenc turns text into the token ids a Hugging Face exported
// model expects, from the model's tokenizer.json.
//
// It wraps github.com/sugarme/tokenizer (pure Go; WordPiece, Unigram and
// BPE models) and works around the ways it differs from Hugging Face
// tokenizers on the files we use:
//
//   - BERT normalizer: sugarme strips accents without decomposing first,
//     so "é" survives; it treats only ASCII space, tab, CR and LF as white
//     space (U+00A0, U+3000 ... are not); and it drops only Cc and Cf
//     characters as controls. Here the text is normalized in Go the way
//     HF's BertNormalizer does (clean text, CJK spacing, lower case, NFD
//     then drop nonspacing marks) before sugarme sees it, keeping the
//     special-token strings ([CLS], [SEP], ...) verbatim, since HF matches
//     them on the raw text.
//   - NFKC normalizer: sugarme turns non-NFKC text into NFKD; the text is
//     NFKC-normalized in Go first, which makes its normalizer a no-op.
//   - pretrained.BertBaseUncased() changes the process's working
//     directory: this package only ever loads a tokenizer.json by path.
//
// Truncation is done here, not by sugarme: a text too long for the model
// keeps its template's special tokens and loses content from the end (or,
// with EncodeTail, from the start, so that the latest dialogue turns
// survive).
package textenc

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"unicode"

	"github.com/sugarme/tokenizer"
	"github.com/sugarme/tokenizer/pretrained"
	"golang.org/x/text/unicode/norm"
)

// Tokenizer encodes texts for one model.
type Tokenizer struct {
	tk      *tokenizer.Tokenizer
	maxLen  int
	prepare func(string) string
	// specials are the special tokens' strings and ids, matched in the raw
	// text before anything else (as HF does; sugarme misses some).
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
		return nil, fmt.Errorf("tokenizer: %v", err)
	}
	var spec struct {
		Normalizer  json.RawMessage `json:"normalizer"`
		AddedTokens []struct {
			ID      int    `json:"id"`
			Content string `json:"content"`
			Special bool   `json:"special"`
		} `json:"added_tokens"`
	}
	if err := json.Unmarshal(raw, &spec); err != nil {
		return nil, fmt.Errorf("%s: not a tokenizer.json: %v", path, err)
	}
	tk, err := loadSugarme(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	t := &Tokenizer{tk: tk, maxLen: maxLen, prepare: func(s string) string { return s }, specials: map[string]int{}}
	for _, a := range spec.AddedTokens {
		if a.Special && a.Content != "" {
			t.specials[a.Content] = a.ID
		}
	}
	norms := string(spec.Normalizer)
	switch {
	case strings.Contains(norms, `"BertNormalizer"`):
		t.prepare = bertNormalize
	case strings.Contains(norms, `"NFKC"`):
		t.prepare = norm.NFKC.String
	}
	empty, err := tk.EncodeSingle("", true)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	n := len(empty.Ids)
	t.head, t.tail = empty.Ids[:min(n, 1)], empty.Ids[min(n, 1):]
	if maxLen > 0 && maxLen <= n {
		return nil, fmt.Errorf("%s: limit %d leaves no room for text", path, maxLen)
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
	for len(text) > 0 {
		at, tok := t.nextSpecial(text)
		if at > 0 {
			enc, err := t.tk.EncodeSingle(t.prepare(text[:at]), false)
			if err != nil {
				return nil, err
			}
			body = append(body, enc.Ids...)
		}
		if tok != "" {
			body = append(body, t.specials[tok])
		}
		text = text[at+len(tok):]
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

// nextSpecial finds the first special-token string in s (the longest at
// that position): its offset and the token; len(s) and "" when none.
func (t *Tokenizer) nextSpecial(s string) (int, string) {
	at, tok := len(s), ""
	for sp := range t.specials {
		if i := strings.Index(s, sp); i >= 0 && (i < at || i == at && len(sp) > len(tok)) {
			at, tok = i, sp
		}
	}
	return at, tok
}

// bertNormalize is Hugging Face's BertNormalizer (clean_text,
// handle_chinese_chars, lowercase, strip_accents following lowercase).
func bertNormalize(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == 0 || r == unicode.ReplacementChar || isControl(r):
			continue
		case isWhitespace(r):
			b.WriteByte(' ')
		case isCJK(r):
			b.WriteByte(' ')
			b.WriteRune(r)
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	lower := strings.ToLower(b.String())
	var out strings.Builder
	for _, r := range norm.NFD.String(lower) {
		if !unicode.Is(unicode.Mn, r) {
			out.WriteRune(r)
		}
	}
	return out.String()
}

// isWhitespace is HF's: space, tab, CR, LF, or Unicode White_Space.
func isWhitespace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || unicode.Is(unicode.White_Space, r)
}

// isControl is HF's: category C (other), except tab, CR and LF.
func isControl(r rune) bool {
	if r == '\t' || r == '\n' || r == '\r' {
		return false
	}
	return unicode.In(r, unicode.Cc, unicode.Cf, unicode.Co, unicode.Cs) || !unicode.Is(unicode.Cs, r) && !isAssigned(r)
}

func isAssigned(r rune) bool {
	for _, t := range unicode.Categories {
		if unicode.Is(t, r) {
			return true
		}
	}
	return false
}

// isCJK is BERT's CJK ideograph ranges.
func isCJK(r rune) bool {
	return r >= 0x4E00 && r <= 0x9FFF || r >= 0x3400 && r <= 0x4DBF || r >= 0x20000 && r <= 0x2A6DF ||
		r >= 0x2A700 && r <= 0x2B73F || r >= 0x2B740 && r <= 0x2B81F || r >= 0x2B820 && r <= 0x2CEAF ||
		r >= 0xF900 && r <= 0xFAFF || r >= 0x2F800 && r <= 0x2FA1F
}
