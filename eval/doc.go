// Package eval replays routing decisions and measures what they buy.
//
// A request can be served by the small model on the device (SLM) or the
// large model on the edge server (LLM). The latency model (paper section
// II-B) prices both options: prefill of the prompt and of any context the
// model has not cached (eq. 1), the wireless upload and download for the
// edge (eq. 3), the router's own reading time (eq. 4) and decoding the
// response (eq. 5). A router gives each request a score p, the probability
// that it needs the LLM; fusion (eq. 11) subtracts the latency penalty
// alpha (T_e - T_s), and the LLM serves when the fused score exceeds the
// threshold theta (eq. 12).
//
// Sweeping theta traces the router's Curve: for every operating point, the
// mean quality, the mean latency and the share of requests sent to the LLM.
// For single-turn benchmarks the curve is exact: Sweep sorts the fused
// scores once and walks them with prefix sums, producing one point per
// distinct score, so no fixed threshold grid hides a step. The fused score
// is not confined to [0, 1] (with the paper's MMLU parameters alpha (T_e -
// T_s) exceeds 1), so the sweep covers its whole range.
//
// On a curve, AtTarget answers the paper's question (eq. 9: least latency
// at a quality target), and CPT, AUC and APGR are RouteLLM's measures of
// routing quality on quality vs LLM share. Points between two operating
// points are reachable by mixing the two thresholds, so the metrics
// interpolate linearly along the curve.
package eval
