// Package openaillm talks to chat models through any OpenAI-compatible
// API, using github.com/sashabaranov/go-openai. Its [Model] is an
// [llm.Model], [llm.Streamer] and [llm.Namer].
//
// # Endpoints
//
// OpenAI, Azure OpenAI and local servers differ only in base URL, model
// name and key:
//
//	OpenAI             DefaultConfig(key)                      gpt-4o-mini by default
//	Azure OpenAI       DefaultAzureConfig(key, "https://NAME.openai.azure.com", deployment, model)
//	Ollama             BaseURL "http://localhost:11434/v1"     Model "llama3.1:8b"; no key needed
//	vLLM               BaseURL "http://localhost:8000/v1"      Model as served; key if --api-key is set
//	llama.cpp server   BaseURL "http://localhost:8080/v1"      key if --api-key is set
//
// For example:
//
//	cfg := openaillm.DefaultConfig("")             // Ollama needs no key
//	cfg.BaseURL = "http://localhost:11434/v1"
//	cfg.Model = "llama3.1:8b"
//	cfg.LegacyMaxTokens = true                     // if the server reads only max_tokens
//	model, err := openaillm.New(cfg)
//
// Only cmd/ reads keys from the environment. The key never leaves the
// Config by printing or logging: [Config] formats and logs it as
// "[REDACTED]", and the [Model] keeps it only inside the go-openai client.
//
// # Requests
//
// An [llm.Request] maps onto a chat completion exactly:
//
//   - Temperature is always sent, 0 included. go-openai v1.43 drops a zero
//     temperature (the field is a float32 tagged omitempty, issue #9
//     upstream), which would leave the server's default of 1; this package
//     restores "temperature":0 in the request body, byte for byte what
//     go-openai wrote plus that one field. Reasoning models (o1, o3,
//     o4-mini, gpt-5) accept no temperature: set [Config.FixedSampling].
//   - TopP is sent when not 0; Seed when not nil (0 included); Stop as is.
//   - MaxTokens is sent as max_completion_tokens, the field go-openai and
//     OpenAI now support (max_tokens is deprecated and rejected by reasoning
//     models), or as max_tokens with [Config.LegacyMaxTokens] for servers
//     that know only that.
//   - Format becomes response_format: {"type":"json_object"}, or
//     {"type":"json_schema","json_schema":{name, description, schema,
//     strict}}.
//
// Chat returns the first choice: content, refusal, the model the server
// names, the finish reason and the token usage.
//
// # Failures and retries
//
// Every call runs under [Config.Retry], Bedside's one retry policy (see
// [RetryPolicy]): connection errors, 408, 409, 429 and 5xx are retried
// with capped full-jitter backoff, and the server's Retry-After (or
// retry-after-ms) is obeyed exactly; 400, 401, 403, 404 and 422 fail at
// once. No wait may outlast the ctx deadline: one that would fails at once
// with retry.ErrWaitTooLong. A failure wraps the provider's
// *openai.APIError and a *retry.Error with the attempts made. The package
// sets no timeout of its own: bound each call with ctx.
//
// # Streaming
//
// [Model.ChatStream] asks for stream_options.include_usage, so the final
// delta carries the usage. Opening the stream is retried as Chat is, up to
// the response headers; after that nothing is retried. A stream that
// breaks off (a dropped connection, a malformed event, an error event, a
// cancelled ctx, a body that ends before any finish reason) ends in an
// [*llm.StreamError] holding the text delivered so far. Close releases
// the connection.
package openaillm
