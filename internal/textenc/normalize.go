package textenc

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// normalizer is one step of a tokenizer.json "normalizer": a function on
// the whole text.
type normalizer func(string) string

// hfNormalizer is the subset of Hugging Face normalizer configurations
// this package implements.
type hfNormalizer struct {
	Type               string          `json:"type"`
	CleanText          *bool           `json:"clean_text"`
	HandleChineseChars *bool           `json:"handle_chinese_chars"`
	StripAccents       *bool           `json:"strip_accents"`
	Lowercase          *bool           `json:"lowercase"`
	StripLeft          bool            `json:"strip_left"`
	StripRight         bool            `json:"strip_right"`
	Prepend            string          `json:"prepend"`
	Pattern            json.RawMessage `json:"pattern"`
	Content            string          `json:"content"`
	Normalizers        []hfNormalizer  `json:"normalizers"`
}

// parseNormalizer builds the Go normalizer for a tokenizer.json
// "normalizer" value (null: none). A type it does not implement is an
// error; the caller then leaves normalization to sugarme.
func parseNormalizer(raw json.RawMessage) (normalizer, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return func(s string) string { return s }, nil
	}
	var n hfNormalizer
	if err := json.Unmarshal(raw, &n); err != nil {
		return nil, err
	}
	return n.build()
}

func (n hfNormalizer) build() (normalizer, error) {
	switch n.Type {
	case "BertNormalizer":
		lower := flag(n.Lowercase, true)
		b := bertNormalizer{clean: flag(n.CleanText, true), chinese: flag(n.HandleChineseChars, true), accents: flag(n.StripAccents, lower), lower: lower}
		return b.normalize, nil
	case "NFC":
		return norm.NFC.String, nil
	case "NFD":
		return norm.NFD.String, nil
	case "NFKC":
		return norm.NFKC.String, nil
	case "NFKD":
		return norm.NFKD.String, nil
	case "Lowercase":
		return lowercase, nil
	case "StripAccents":
		return func(s string) string { return dropRunes(s, isCombiningMark) }, nil
	case "Strip", "StripNormalizer":
		left, right := n.StripLeft, n.StripRight
		return func(s string) string {
			if left {
				s = strings.TrimLeftFunc(s, unicode.IsSpace)
			}
			if right {
				s = strings.TrimRightFunc(s, unicode.IsSpace)
			}
			return s
		}, nil
	case "Prepend":
		p := n.Prepend
		return func(s string) string {
			if s == "" {
				return s
			}
			return p + s
		}, nil
	case "Replace":
		var pat struct {
			String *string
			Regex  *string
		}
		if err := json.Unmarshal(n.Pattern, &pat); err != nil {
			return nil, fmt.Errorf("Replace pattern: %v", err)
		}
		switch {
		case pat.String != nil:
			from, to := *pat.String, n.Content
			return func(s string) string { return strings.ReplaceAll(s, from, to) }, nil
		case pat.Regex != nil:
			re, err := regexp.Compile(*pat.Regex)
			if err != nil {
				return nil, fmt.Errorf("Replace regex %q: %v", *pat.Regex, err)
			}
			to := n.Content
			return func(s string) string { return re.ReplaceAllLiteralString(s, to) }, nil
		}
		return nil, fmt.Errorf("Replace without a pattern")
	case "Sequence":
		var steps []normalizer
		for _, c := range n.Normalizers {
			f, err := c.build()
			if err != nil {
				return nil, err
			}
			steps = append(steps, f)
		}
		return func(s string) string {
			for _, f := range steps {
				s = f(s)
			}
			return s
		}, nil
	}
	return nil, fmt.Errorf("normalizer %q is not implemented here", n.Type)
}

func flag(b *bool, dflt bool) bool {
	if b == nil {
		return dflt
	}
	return *b
}

// bertNormalizer is Hugging Face's BertNormalizer, step by step in its
// order: clean text, space out CJK ideographs, strip accents (NFD, then
// drop nonspacing marks), lower-case.
type bertNormalizer struct{ clean, chinese, accents, lower bool }

func (b bertNormalizer) normalize(s string) string {
	if b.clean || b.chinese {
		var out strings.Builder
		out.Grow(len(s))
		for _, r := range s {
			switch {
			case b.clean && (r == 0 || r == unicode.ReplacementChar || isControl(r)):
			case b.clean && isWhitespace(r):
				out.WriteByte(' ')
			case b.chinese && isCJK(r):
				out.WriteByte(' ')
				out.WriteRune(r)
				out.WriteByte(' ')
			default:
				out.WriteRune(r)
			}
		}
		s = out.String()
	}
	if b.accents {
		s = dropRunes(norm.NFD.String(s), func(r rune) bool { return unicode.Is(unicode.Mn, r) })
	}
	if b.lower {
		s = lowercase(s)
	}
	return s
}

// lowercase is Rust's char::to_lowercase applied rune by rune: Go's
// simple mapping, except U+0130 (İ), whose full lower case is i + U+0307.
func lowercase(s string) string {
	if !strings.ContainsRune(s, 'İ') {
		return strings.ToLower(s)
	}
	return strings.ToLower(strings.ReplaceAll(s, "İ", "i\u0307"))
}

func dropRunes(s string, drop func(rune) bool) string {
	return strings.Map(func(r rune) rune {
		if drop(r) {
			return -1
		}
		return r
	}, s)
}

func isCombiningMark(r rune) bool { return unicode.In(r, unicode.Mn, unicode.Mc, unicode.Me) }

// isWhitespace is Hugging Face's: the Unicode White_Space property (which
// includes tab, CR, LF, U+00A0 and U+3000).
func isWhitespace(r rune) bool { return unicode.Is(unicode.White_Space, r) }

// isControl is Hugging Face's: general category C (Cc, Cf, Cs, Co, Cn),
// except tab, CR and LF, which count as white space.
func isControl(r rune) bool {
	if r == '\t' || r == '\n' || r == '\r' {
		return false
	}
	if r < 0x80 {
		return r < 0x20 || r == 0x7f
	}
	return unicode.In(r, unicode.Cc, unicode.Cf, unicode.Co, unicode.Cs) || !isAssigned(r)
}

func isAssigned(r rune) bool {
	for _, t := range unicode.Categories {
		if unicode.Is(t, r) {
			return true
		}
	}
	return false
}

// isCJK is Hugging Face's is_chinese_char (note 0x2B920, not BERT's
// 0x2B820, as the start of the sixth range).
func isCJK(r rune) bool {
	return r >= 0x4E00 && r <= 0x9FFF || r >= 0x3400 && r <= 0x4DBF || r >= 0x20000 && r <= 0x2A6DF ||
		r >= 0x2A700 && r <= 0x2B73F || r >= 0x2B740 && r <= 0x2B81F || r >= 0x2B920 && r <= 0x2CEAF ||
		r >= 0xF900 && r <= 0xFAFF || r >= 0x2F800 && r <= 0x2FA1F
}
