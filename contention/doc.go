// Package contention replays routing decisions when many phones share one
// edge server, so that requests wait for each other.
//
// The paper's latency model (eval.LatencyModel) prices every request as if
// it were alone. Here N devices replay a benchmark at once:
//
//   - The load. A seeded shuffle deals the workload's dialogues to the
//     devices in turn (a single-turn request is a dialogue of one turn), so
//     each device replays a shuffled share and every request is used once.
//     Each device starts its dialogues at its own seeded offset, then a
//     fixed gap apart or as a Poisson process (Arrival). Within a dialogue
//     the next turn is issued when the previous one is answered, plus a
//     think time; its costs depend on which models served the earlier
//     turns (KV caches, context), so the Workload prices a turn when it is
//     issued.
//   - The device. The router runs when a request is issued, taking
//     tau_r (C_t + L_p) (eq. 4); it is small and runs beside the SLM, so it
//     never waits. A request for the SLM then joins the phone's FIFO queue:
//     the phone runs one SLM request at a time, prefill then decode (eqs.
//     1, 5).
//   - The edge. A request for the LLM is uploaded (channel.Channel Upload
//     at decision time, then its RTT), waits in the edge's FIFO queue while
//     all K slots are busy, is served as one stream, and is downloaded
//     (Download when the stream ends). The edge batches continuously: with
//     a streams active, each advances at 1/(gamma s(a)) tokens per second
//     in prefill and in decode, s(a) = 1 + slowdown (a - 1). A stream's
//     work is therefore W = gamma_p (Delta C_t + L_p) + gamma_d L_r
//     seconds at full speed, and it progresses at 1/s(a) of them per
//     second. The simulation is exact processor sharing: rates change only
//     at arrivals and completions, so each next event is computed exactly
//     (a virtual clock that runs at 1/s(a) orders the completions). Nothing
//     sleeps and nothing reads the wall clock.
//
// # Decisions
//
// Static fuses the router score with the unloaded model, p~ = p - alpha
// (T_e - T_s) (eq. 11), exactly as the replay without contention does.
// Load estimates both latencies from what the device can know when it
// decides: its own queue, and the state the edge advertises (active
// streams a, queue length q). With W the request's own edge work, priced
// like the decision (mean response lengths):
//
//	T_s^ = T_s + the device's backlog: the decision-priced service of every
//	       SLM request queued on it, less what the running one has done
//	T_e^ = T_e + W (s(a+1) - 1)                       if a < K (a slot is free)
//	T_e^ = T_e + W (s(K) - 1) + (q+1) W s(K) / K      if the edge is full
//
// The second line assumes the batch keeps its size; the third that the
// request waits for q+1 of the K streams to finish, each of about its own
// work at the full batch's speed. Either way the LLM serves when the fused
// score exceeds the threshold (eq. 12). The accounted latency is always
// the simulated one, queueing included. With one device and requests that
// never overlap, both decisions and every latency equal the paper model's.
//
// # The default slowdown
//
// DefaultEdgeSlowdown is 0.05. Published measurements of time per output
// token against concurrency are close to linear in the batch size, with
// slopes of 0.044-0.046 per extra stream:
//
//   - vLLM 0.21.0 on one H100-80GB, Llama-3.1-8B fp16: TPOT p50 6.48 ms at
//     concurrency 1, 6.59 ms at 4, 10.94 ms at 16 (s(16) = 1.69, slope
//     0.046). InferenceBench's concurrency-sweep recipe
//     (yobitelcomm.github.io/bench/recipes/concurrency-sweep).
//   - NVIDIA NIM 1.8.0 on 2 x H100 (fp8, TP2), Llama-3.3-70B, 5000 input
//     and 500 output tokens: inter-token latency 18.58 ms at concurrency 1,
//     21.83 at 5, 38.75 at 25, 59.73 at 50 (slopes 0.044, 0.045, 0.045);
//     it stops growing at 100 and above, where requests queue instead.
//     NIM LLM benchmarking, performance tables
//     (docs.nvidia.com/nim/benchmarking/llm).
//
// Both were read as excerpts of those pages, not re-measured; the second
// serves through TensorRT-LLM, not vLLM. 0.05 rounds the slopes up, so
// the default errs towards more contention; s(16) = 1.75, a 16-stream
// batch serving 9.1 times the tokens of one stream.
//
// # Stability and utilisation
//
// A device offers lambda dialogues per second (1/gap, or the Poisson
// rate). The offered utilisation of a device is lambda times the mean SLM
// work per dialogue of the decisions it made; the edge's is the LLM work
// arriving per second over its full-batch capacity K/s(K) work-seconds per
// second. Above 1 a queue grows for as long as the replay lasts: the point
// is reported unstable ("unstable: edge utilisation 1.53 > 1") instead of
// measured. Static decisions are known before simulating, so the check is
// exact and the simulation is skipped. Load decisions depend on the
// queues: before simulating, a point is unstable when no split of the load
// could keep the edge at 1 (each device offloading the least edge work
// that keeps it at 1: a fractional knapsack on every turn's cheapest cost
// on either model); after, when the decisions it made exceed 1. The
// simulation itself is bounded whatever the load: every request is served
// once, in O(log) per event.
//
// The measured utilisations are over the run, from the first issue to the
// last answer: the edge's is the time-averaged number of active streams
// over K, a device's its busy time.
//
// # Sweeps and capacity
//
// Decisions interact through the queues, so every threshold is a full
// simulation. Sweep samples the curve at fused-score quantiles and runs
// the thresholds in parallel; the results do not depend on the number of
// workers. SearchCapacity finds, over a list of device counts, the largest
// whose sweep has a stable point reaching a quality target with p95
// latency at most a limit.
package contention
