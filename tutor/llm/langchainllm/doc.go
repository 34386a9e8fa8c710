// Package langchainllm plugs any github.com/tmc/langchaingo llms.Model
// (OpenAI, Anthropic, Ollama, Google AI, Bedrock, ...) into Bedside as an
// [llm.Model], [llm.Streamer] and [llm.Namer]:
//
//	lc, err := ollama.New(ollama.WithModel("llama3.1:8b"))
//	model, err := langchainllm.New(lc, langchainllm.Options{Model: "llama3.1:8b"})
//
// Only this package imports langchaingo, so a program that never uses it
// never compiles langchaingo.
//
// # Request mapping
//
// Each [llm.Request] setting becomes a langchaingo call option, or an
// error; none is dropped:
//
//	Messages      llms.TextParts with ChatMessageTypeSystem, Human (user), AI (assistant)
//	Temperature   llms.WithTemperature, always, 0 included
//	TopP          llms.WithTopP, when above 0
//	MaxTokens     llms.WithMaxTokens, when above 0
//	Seed          llms.WithSeed; a Seed of 0 is llm.ErrUnsupported (CallOptions reads 0 as "no seed")
//	Stop          llms.WithStopWords
//	FormatJSON    llms.WithJSONMode
//	FormatJSONSchema   llm.ErrUnsupported: langchaingo has no per-call schema option
//	Options.Model llms.WithModel, on every call, when set
//
// A langchaingo provider may still ignore a call option it was given:
// langchaingo's openai client (v0.1.14) never sends TopP, for one, and
// reasoning models take no temperature. Declare such gaps in
// [Options.Unsupported]; a request that relies on one then fails with
// llm.ErrUnsupported instead of being answered without it.
//
// # Response mapping
//
// Chat returns the first choice's Content. Its StopReason is mapped onto
// llm's finish reasons ("stop", "end_turn", "stop_sequence" and "STOP"
// become llm.FinishStop; "length", "max_tokens" and "MAX_TOKENS"
// llm.FinishLength; "content_filter" and "SAFETY"
// llm.FinishContentFilter; others pass through). Usage is read from the
// choice's GenerationInfo, whose keys vary by provider: PromptTokens,
// CompletionTokens and TotalTokens (openai, ollama, googleai, mistral) or
// InputTokens and OutputTokens (anthropic, bedrock), as any integer type;
// a missing total is the sum of the others. Response.Model is
// [Options.Model]: langchaingo does not report the model that answered.
//
// # Streaming
//
// [Model.ChatStream] runs GenerateContent with llms.WithStreamingFunc on a
// goroutine and hands each chunk to [llm.Stream.Recv] through a channel;
// the final delta carries the finish reason and usage. ChatStream returns
// when the first chunk arrives, so a failure before any text (a bad key,
// a rate limit) is ChatStream's error; a failure after it is an
// [*llm.StreamError] with the partial text. Cancelling ctx or calling
// Close cancels the call, and Close waits for the goroutine to end.
//
// # Retries
//
// The adapter calls GenerateContent once per Chat or ChatStream and never
// retries: langchaingo reports failures as provider-specific errors (its
// openai client, for one, as "API returned unexpected status code: 429")
// from which neither the status nor a Retry-After can be recovered
// reliably, and its clients do not retry either. For Bedside's retry
// policy, with Retry-After honoured, use package openaillm.
package langchainllm
