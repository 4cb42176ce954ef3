// Package tokens counts the tokens of a text for the latency model.
//
// The paper approximates token counts by words: a text is split on white
// space and the pieces are counted (section IV-A). That is the default
// Counter, Words. A real tokenizer plugs in through the same one-method
// interface, so every length the harness uses (prompt L_p, context C_t,
// response L_r) is counted one way throughout a run.
package tokens

import (
	"unicode"
	"unicode/utf8"
)

// Counter counts the tokens of a text. A replay counts the prompts of
// millions of requests on all cores: Count must be safe to call from
// several goroutines at once.
type Counter interface {
	// Name identifies the counting method in reports ("words").
	Name() string
	Count(text string) int
}

// Words counts white-space separated words, as the paper does
// (strings.Fields: any Unicode white space separates, runs count once).
type Words struct{}

// Name returns "words".
func (Words) Name() string { return "words" }

// Count returns the number of white-space separated words in text. Bytes
// below utf8.RuneSelf are classified by a table (the common case, and
// most of the replay's load time for big benchmarks); other runes as
// strings.Fields classifies them.
func (Words) Count(text string) int {
	n := 0
	prev := uint8(1) // whether the byte before was white space (or the start)
	for i := 0; i < len(text); {
		var space uint8
		if c := text[i]; c < utf8.RuneSelf {
			space = asciiSpace[c]
			i++
		} else {
			r, size := utf8.DecodeRuneInString(text[i:])
			if unicode.IsSpace(r) {
				space = 1
			}
			i += size
		}
		n += int(prev &^ space) // a word starts: white space, then not
		prev = space
	}
	return n
}

// asciiSpace marks the ASCII white space of unicode.IsSpace, the
// separators strings.Fields uses.
var asciiSpace = [utf8.RuneSelf]uint8{'\t': 1, '\n': 1, '\v': 1, '\f': 1, '\r': 1, ' ': 1}
