package eval

import "sort"

// Domain is a replay restricted to one domain (an MMLU subject, an
// MT-Bench category, an MT-Bench-101 task): its own baselines, target
// (midway between them) and each router's metrics there.
type Domain struct {
	Name    string         `json:"domain"`
	N       int            `json:"n"`
	SLM     float64        `json:"slm_quality"`
	LLM     float64        `json:"llm_quality"`
	Target  float64        `json:"target"`
	Routers []DomainRouter `json:"routers"`
}

// DomainRouter is a router's result within a domain.
type DomainRouter struct {
	Router   string  `json:"router"`
	Context  string  `json:"context,omitempty"`
	APGR     float64 `json:"apgr"`
	AtTarget *Point  `json:"at_target"`
}

// Group returns the indices of labels by label, labels sorted.
func Group(labels []string) (names []string, members map[string][]int) {
	members = map[string][]int{}
	for i, l := range labels {
		if _, ok := members[l]; !ok {
			names = append(names, l)
		}
		members[l] = append(members[l], i)
	}
	sort.Strings(names)
	return names, members
}

// SubsetItems picks items by index (a fresh slice: Sweep reorders it).
func SubsetItems(items []Item, idx []int) []Item {
	out := make([]Item, len(idx))
	for i, j := range idx {
		out[i] = items[j]
	}
	return out
}

// SubsetDialogues picks whole dialogues by index.
func SubsetDialogues(ds *Dialogues, idx []int) (*Dialogues, []int) {
	sub := &Dialogues{Start: []int{0}}
	var turns []int
	for _, d := range idx {
		for i := ds.Start[d]; i < ds.Start[d+1]; i++ {
			turns = append(turns, i)
			sub.Prompt = append(sub.Prompt, ds.Prompt[i])
			sub.Golden = append(sub.Golden, ds.Golden[i])
			for k := range 2 {
				sub.Gen[k] = append(sub.Gen[k], ds.Gen[k][i])
				sub.Q[k] = append(sub.Q[k], ds.Q[k][i])
			}
			if ds.JudgedTurn != nil {
				sub.JudgedTurn = append(sub.JudgedTurn, ds.JudgedTurn[i])
				if ds.JudgedTurn[i] {
					sub.Judged++
				}
			}
		}
		sub.Start = append(sub.Start, len(sub.Prompt))
	}
	return sub, turns
}
