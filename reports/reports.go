// Package reports renders replay results (eval.Report) as text tables,
// Markdown, CSV and JSON.
package reports

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/edgeroute/edgeroute/eval"
)

// Options control rendering.
type Options struct {
	Format      string // table, markdown, csv, json
	CurvePoints int    // points per curve; 0 = the exact curve
}

// Write renders rep in the chosen format.
func Write(w io.Writer, rep *eval.Report, opt Options) error {
	switch opt.Format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	return fmt.Errorf("format %q not implemented yet", opt.Format)
}
