// Package reports renders replay results (eval.Report) for people and
// programs:
//
//   - WriteSummary, for people: text tables within TextWidth columns, or
//     Markdown (the baselines, the point at the target quality, the
//     points at LLM shares, RouteLLM's metrics, the bootstrap intervals,
//     the domains), every number rounded to its quantity's precision
//     (Quality, Seconds, Tokens, Percent) and each table with notes that
//     explain what would otherwise look wrong;
//   - WriteCurvesCSV, the curves, and WriteJSON, the whole report (the
//     contract CI reads), every number exact;
//   - WriteScores, the routers' scores as a scores file.
//
// Rendering is deterministic: the same report gives the same bytes.
package reports

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"math"
	"strconv"

	"github.com/edgeroute/edgeroute/eval"
	"github.com/edgeroute/edgeroute/routers/scorefile"
)

// Thinned returns a copy of rep whose curves have at most n points (0:
// the exact curves; see eval.Curve.Thin).
func Thinned(rep *eval.Report, n int) *eval.Report {
	out := *rep
	out.Routers = make([]eval.RouterResult, len(rep.Routers))
	for i, r := range rep.Routers {
		r.Curve = r.Curve.Thin(n)
		out.Routers[i] = r
	}
	return &out
}

// WriteJSON writes v (a report, or a list of them) as indented JSON.
func WriteJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// WriteCurvesCSV writes the curves of reports as one long CSV table:
// bench, router, context, threshold, quality, latency_s, llm_share, every
// number exact. The threshold is empty, as JSON's null, when no finite
// one is: for a router that ignores it (slm-only, llm-only) and at the
// ends of a dialogue curve (+Inf: all SLM, -Inf: all LLM; llm_share
// says which).
func WriteCurvesCSV(w io.Writer, reps []*eval.Report) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"bench", "router", "context", "threshold", "quality", "latency_s", "llm_share"})
	for _, rep := range reps {
		for _, r := range rep.Routers {
			for _, p := range r.Curve {
				cw.Write([]string{rep.Bench, r.Router, r.Context, finite(p.Threshold), num(p.Quality), num(p.Latency), num(p.LLMShare)})
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteScores writes every router's scores of the replayed requests as a
// scores file (package scorefile: name, record_id, turn, p), which a
// scores router reads back: a seeded router's first seed's; fixed routers
// (slm-only, llm-only) have none.
func WriteScores(w io.Writer, rep *eval.Report) error {
	if len(rep.Scores) == 0 {
		return errors.New("no router of this replay has scores (slm-only and llm-only have none)")
	}
	rs := make([]scorefile.Router, len(rep.Scores))
	for i, s := range rep.Scores {
		rs[i] = scorefile.Router{Name: s.Router, Scores: make([]scorefile.Score, len(s.P))}
		for j, p := range s.P {
			rs[i].Scores[j] = scorefile.Score{Record: rep.Requests[j].Record, Turn: rep.Requests[j].Turn, P: p}
		}
	}
	return scorefile.WriteCSV(w, rs)
}

// num formats a float exactly (shortest representation that reads back
// the same), empty for NaN.
func num(x float64) string {
	if math.IsNaN(x) {
		return ""
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// finite is num, empty for an infinity too.
func finite(x float64) string {
	if math.IsInf(x, 0) {
		return ""
	}
	return num(x)
}
