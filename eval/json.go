package eval

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
)

// JSON has no NaN: metrics that are undefined (APGR when both models are
// equally good, a spread no seed contributes to) are written as null and
// read back as NaN.

type nullable float64

func (f nullable) MarshalJSON() ([]byte, error) {
	if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
		return []byte("null"), nil
	}
	return json.Marshal(float64(f))
}

func (f *nullable) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*f = nullable(math.NaN())
		return nil
	}
	return json.Unmarshal(b, (*float64)(f))
}

type routerResultJSON RouterResult

// MarshalJSON writes an undefined AUC or APGR as null.
func (r RouterResult) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		routerResultJSON
		AUC  nullable `json:"auc"`
		APGR nullable `json:"apgr"`
	}{routerResultJSON(r), nullable(r.AUC), nullable(r.APGR)})
}

// UnmarshalJSON reads null AUC or APGR as NaN, and at_share in the form
// reports had before it was a list: an object of points keyed by the LLM
// share in percent ({"25": {...}, "50": {...}}), read as the list of
// those points in order of share.
func (r *RouterResult) UnmarshalJSON(b []byte) error {
	var v struct {
		*routerResultJSON
		AUC     nullable        `json:"auc"`
		APGR    nullable        `json:"apgr"`
		AtShare json.RawMessage `json:"at_share"`
	}
	v.routerResultJSON = (*routerResultJSON)(r)
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	r.AUC, r.APGR = float64(v.AUC), float64(v.APGR)
	r.AtShare = nil
	if bytes.HasPrefix(bytes.TrimSpace(v.AtShare), []byte("{")) {
		var old map[string]Point
		if err := json.Unmarshal(v.AtShare, &old); err != nil {
			return err
		}
		for k, p := range old {
			pct, err := strconv.ParseFloat(k, 64)
			if err != nil {
				return fmt.Errorf("at_share: key %q is not an LLM share in percent", k)
			}
			p.LLMShare = pct / 100
			r.AtShare = append(r.AtShare, p)
		}
		slices.SortFunc(r.AtShare, func(a, b Point) int { return cmp.Compare(a.LLMShare, b.LLMShare) })
		return nil
	}
	if len(v.AtShare) > 0 {
		return json.Unmarshal(v.AtShare, &r.AtShare)
	}
	return nil
}

type pointJSON Point

// MarshalJSON writes an undefined threshold (a router that ignores it) as
// null.
func (p Point) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Threshold nullable `json:"threshold"`
		pointJSON
	}{nullable(p.Threshold), pointJSON(p)})
}

// UnmarshalJSON reads a null threshold as NaN.
func (p *Point) UnmarshalJSON(b []byte) error {
	var v struct {
		*pointJSON
		Threshold nullable `json:"threshold"`
	}
	v.pointJSON = (*pointJSON)(p)
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	p.Threshold = float64(v.Threshold)
	return nil
}

type domainRouterJSON DomainRouter

// MarshalJSON writes an undefined APGR (equal baselines in the domain) as
// null.
func (d DomainRouter) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		domainRouterJSON
		APGR nullable `json:"apgr"`
	}{domainRouterJSON(d), nullable(d.APGR)})
}

// UnmarshalJSON reads a null APGR as NaN.
func (d *DomainRouter) UnmarshalJSON(b []byte) error {
	var v struct {
		*domainRouterJSON
		APGR nullable `json:"apgr"`
	}
	v.domainRouterJSON = (*domainRouterJSON)(d)
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	d.APGR = float64(v.APGR)
	return nil
}
