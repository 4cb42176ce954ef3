package reports

import (
	"fmt"
	"io"
	"strconv"

	"github.com/edgeroute/edgeroute/eval"
)

// CapacityReport is what evalrun capacity answers: how many phones one
// edge server carries at the target quality within a p95 latency, per
// router, with the p95 at the target at every device count swept.
type CapacityReport struct {
	Bench      string           `json:"bench"`
	N          int              `json:"n"`
	Target     float64          `json:"target"`
	MaxP95     float64          `json:"max_p95_s"`
	Profile    eval.Params      `json:"profile"`
	Contention *eval.Contention `json:"contention"` // Devices: the largest count swept
	Routers    []eval.Capacity  `json:"routers"`
}

// WriteCapacity writes a capacity report for people, as text tables or
// Markdown: the answer per router, then p95 against the device count.
func WriteCapacity(w io.Writer, c *CapacityReport, markdown bool) error {
	s := &summary{w: w, markdown: markdown}
	ct := c.Contention
	head := fmt.Sprintf("%s: %d requests. Capacity of one edge server (%d slots, slowdown %g per extra stream; arrivals %s per phone, decisions %s, %d thresholds swept per count).",
		c.Bench, c.N, ct.EdgeSlots, ct.EdgeSlowdown, ct.Arrival, ct.Decide, ct.Thresholds)
	if !markdown {
		head = wrap(head, TextWidth)
	}
	fmt.Fprintln(w, head)
	s.heading(fmt.Sprintf("Phones carried at quality >= %s with p95 latency <= %s s", Quality(c.Target), Seconds(c.MaxP95)))
	t := s.table(1, "router", "phones", "LLM share", "quality", "mean (s)", "p95 (s)")
	for _, r := range c.Routers {
		if r.At == nil {
			t.Append([]string{r.Router, "none", "-", "-", "-", "-"})
			continue
		}
		p95 := "-"
		if r.At.Tail != nil {
			p95 = Seconds(r.At.Tail.P95)
		}
		t.Append([]string{r.Router, strconv.Itoa(r.Devices), Percent(r.At.LLMShare), Quality(r.At.Quality), Seconds(r.At.Latency), p95})
	}
	if err := t.Render(); err != nil {
		return err
	}
	s.notes("phones: the largest count swept whose sweep has a stable simulated point reaching the target within the p95 limit (its point); none: no count does. Only simulated points count: mixing two thresholds would change the load.")
	if len(c.Routers) == 0 {
		return nil
	}
	s.heading("p95 latency (s) at the target by number of phones (the lowest p95 of a stable point reaching the target)")
	header := []string{"phones"}
	for _, r := range c.Routers {
		header = append(header, r.Router)
	}
	t = s.table(0, header...)
	for i, n := range c.Routers[0].Counts {
		row := []string{strconv.Itoa(n)}
		for _, r := range c.Routers {
			cell := "unreachable"
			if p := r.P95[i]; p != nil {
				cell = Seconds(*p)
				if *p > c.MaxP95 {
					cell += " >"
				}
			}
			row = append(row, cell)
		}
		t.Append(row)
	}
	if err := t.Render(); err != nil {
		return err
	}
	s.notes(fmt.Sprintf("> marks a p95 above the limit, %s s; unreachable: no stable point reaches the target (the edge or the phones are overloaded first).", Seconds(c.MaxP95)))
	return nil
}
