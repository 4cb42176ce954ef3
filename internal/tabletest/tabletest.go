// Package tabletest reads the rows of rendered tables back, for the
// tests of what renders them: text tables drawn with box characters
// (tablewriter's) and Markdown tables.
package tabletest

import (
	"slices"
	"strings"
)

// Row returns the cells, trimmed, of the first row of the tables in text
// whose first cells are first, or nil when no row has them.
func Row(text string, first ...string) []string {
	for _, line := range strings.Split(text, "\n") {
		if !strings.HasPrefix(line, "│") && !strings.HasPrefix(line, "|") {
			continue
		}
		var cells []string
		for _, c := range strings.FieldsFunc(line, func(r rune) bool { return r == '│' || r == '|' }) {
			cells = append(cells, strings.TrimSpace(c))
		}
		if len(cells) >= len(first) && slices.Equal(cells[:len(first)], first) {
			return cells
		}
	}
	return nil
}
