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
	// Link is the measured link the replay priced edge requests on, and
	// what the tails mean; absent on the paper's fixed link without tails.
	Link *Link `json:"link,omitempty"`
	// Contention describes a replay of many devices sharing the edge.
	Contention *Contention `json:"contention,omitempty"`

	// Requests and Scores are the routers' scores, for `--format scores`
	// (not in the JSON; a replay keeps them when replay.Config.Scores
	// asks): each replayed request's record and turn, in replay order, and
	// each router's score of every request (a seeded router's first
	// seed's; fixed routers have none).
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

// Link describes the link of a replay with latency tails.
type Link struct {
	Channel       string  `json:"channel"`         // "paper", or the trace ("trace:ucc5g-driving")
	Seconds       int     `json:"seconds"`         // the trace's period, s (0 on the paper's link)
	BytesPerToken float64 `json:"bytes_per_token"` // on a trace
	Arrival       string  `json:"arrival"`         // when requests start: "gap:10", "poisson:0.1"
	Decide        string  `json:"decide"`          // what the router knows of the link
	Draws         int     `json:"draws"`           // start-time draws averaged over (one per seed on a trace)
	TargetMetric  string  `json:"target_metric"`   // what the at-target point minimizes
}

// Contention describes the devices and the edge of a contention replay
// (package contention).
type Contention struct {
	Devices      int     `json:"devices"`
	EdgeSlots    int     `json:"edge_slots"`
	EdgeSlowdown float64 `json:"edge_slowdown"` // s(a) = 1 + slowdown (a - 1)
	Think        float64 `json:"think_s"`
	Arrival      string  `json:"arrival"` // per device
	Decide       string  `json:"decide"`  // static or load
	Thresholds   int     `json:"thresholds"`
}

// Capacity is a router's answer to the capacity question under
// contention: the largest device count whose sweep has a stable
// simulated point of quality at least the target with p95 latency at
// most MaxP95.
type Capacity struct {
	Router string  `json:"router"`
	MaxP95 float64 `json:"max_p95_s"`
	// Devices is that count (0: no count meets both); At its point.
	Devices int    `json:"devices"`
	At      *Point `json:"at,omitempty"`
	// Counts are the device counts swept, with the lowest p95 of a stable
	// point reaching the target at each (nil, null in JSON: none does).
	Counts []int      `json:"device_counts"`
	P95    []*float64 `json:"p95_s"`
}
