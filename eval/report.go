package eval

// Report is the result of replaying one benchmark: the JSON document that
// `evalrun --format json` prints. Its keys are a contract for CI (new keys
// may be added; none is renamed or removed).
type Report struct {
	Bench   string   `json:"bench"`
	N       int      `json:"n"` // requests replayed (records, or dialogue turns)
	Profile Params   `json:"profile"`
	Target  float64  `json:"target"`
	SLM     Baseline `json:"slm"`
	LLM     Baseline `json:"llm"`
	// Quality is false when no judgments were available (latency only);
	// quality fields are then 0 and the metrics NaN-free zeros are absent.
	Quality bool           `json:"has_quality"`
	Routers []RouterResult `json:"routers"`
	// Dialogues is the number of dialogues for multi-turn benchmarks.
	Dialogues int `json:"dialogues,omitempty"`
	// Domains: the per-domain breakdown (--by-domain).
	Domains []Domain `json:"domains,omitempty"`

	// Requests and Scores are the routers' scores, for `--format scores`
	// (not in the JSON): each replayed request's record and turn, in
	// replay order, and each router's score of every request (a seeded
	// router's first seed's; fixed routers have none).
	Requests []RequestKey   `json:"-"`
	Scores   []RouterScores `json:"-"`
}

// RequestKey names a replayed request: its record (a dialogue's ID for
// its turns) and its turn, 1-based, or 0 for a single-turn record.
type RequestKey struct {
	Record string
	Turn   int
}

// RouterScores is one router's score p of each request of a report.
type RouterScores struct {
	Router string
	P      []float64
}
