package routers

import (
	"context"
	"fmt"
)

// Key names a benchmark request: Request.Record and Request.Turn.
type Key struct {
	Record string
	Turn   int
}

// Scores is a router whose scores were computed elsewhere: by another
// router library (RouteLLM's routers, a classifier in Python), or by a
// router of an earlier replay. Each request's p is looked up by its
// record and turn, so the scores replay through the latency model exactly
// as a router run here would.
type Scores struct {
	Router string // its name in reports
	P      map[Key]float64
}

func (s Scores) Name() string { return s.Router }

// Score looks every request up. Requests without a score are an error
// that names the first of them and counts them all.
func (s Scores) Score(_ context.Context, reqs []Request) ([]float64, error) {
	ps := make([]float64, len(reqs))
	missing, first := 0, ""
	for i, q := range reqs {
		p, ok := s.P[Key{q.Record, q.Turn}]
		if !ok {
			if missing == 0 {
				first = q.ID
			}
			missing++
			continue
		}
		ps[i] = p
	}
	if missing > 0 {
		return nil, fmt.Errorf("%d of the %d requests have no score (the first: %s)", missing, len(reqs), first)
	}
	return ps, nil
}
