// Package openaiembed embeds texts through an OpenAI-compatible embeddings
// API (OpenAI, Azure OpenAI, or a local server such as vLLM, llama.cpp or
// Ollama), using github.com/sashabaranov/go-openai. Its [Embedder]
// satisfies [retrieval.Embedder].
//
// # Configuration
//
// [Config]'s zero value works; each field documents its default:
//
//	cfg := openaiembed.DefaultConfig(apiKey) // only cmd/ reads the key from the environment
//	cfg.Dimensions = 512                      // Model() becomes "text-embedding-3-small/512"
//	emb, err := openaiembed.New(cfg)
//
// [DefaultAzureConfig] configures Azure OpenAI (a deployment on a resource
// endpoint, the key in the api-key header, an api-version). For a local
// server set BaseURL (and [Config.Encoding] to float if the server lacks
// base64).
//
// The API key never leaves the Config by printing or logging: [Config]
// formats and logs it as "[REDACTED]", and the [Embedder] keeps it only
// inside the go-openai client.
//
// # Requests
//
// [Embedder.Embed] splits its texts into batches of [Config.BatchSize]
// (256 by default), sends up to [Config.Concurrency] (4) at once, asks for
// base64-encoded vectors (a quarter of the bytes of decimal JSON), and
// returns unit-length vectors in input order. Vectors of differing lengths
// are an error ([ErrDimensionMismatch]), as is a response that does not
// hold exactly one vector per text.
//
// # Failures
//
// Each batch request runs under [Config.Retry], Bedside's one retry policy
// (see [RetryPolicy]): connection errors, 408, 409, 429 and 5xx are retried
// with full-jitter backoff and Retry-After is honoured; 400, 401, 403, 404
// and 422 fail at once. A wait that would outlast the ctx deadline fails at
// once instead. The first failing batch cancels the others. Embed sets no
// timeout of its own: bound it with ctx.
package openaiembed
