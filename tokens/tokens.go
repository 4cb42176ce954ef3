// Package tokens counts the tokens of a text for the latency model.
//
// The paper approximates token counts by words: a text is split on white
// space and the pieces are counted (section IV-A). That is the default
// Counter, Words. A real tokenizer plugs in through the same one-method
// interface, so every length the harness uses (prompt L_p, context C_t,
// response L_r) is counted one way throughout a run.
package tokens

import "strings"

// Counter counts the tokens of a text.
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

// Count returns the number of white-space separated words in text.
func (Words) Count(text string) int {
	n := 0
	inWord := false
	for _, r := range text {
		if isSpace(r) {
			inWord = false
			continue
		}
		if !inWord {
			n++
			inWord = true
		}
	}
	return n
}

// isSpace is unicode.IsSpace, the separator strings.Fields uses; named here
// so that Count and strings.Fields provably agree (see the test).
func isSpace(r rune) bool {
	return strings.ContainsRune("\t\n\v\f\r \u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000", r)
}
