package judgments

// The two models of every RouteLLM result file (MMLU, GSM8K, MT-Bench):
// the weak one plays the SLM, the strong one the LLM. The MMLU and GSM8K
// CSVs name them in their headers; MT-Bench's FastChat judgments name the
// models but not their roles, so a replay of them needs these names.
const (
	RouteLLMWeak   = "mistralai/Mixtral-8x7B-Instruct-v0.1"
	RouteLLMStrong = "gpt-4-1106-preview"
)
