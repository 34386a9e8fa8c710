// Package openaitest runs an in-process, OpenAI-compatible HTTP server for
// tests, so that Bedside's tests drive the real
// github.com/sashabaranov/go-openai client code over real HTTP without
// touching the network.
//
// # Endpoints
//
// The server speaks the wire format of
//
//   - POST /v1/embeddings: "float" and "base64" encoding_format,
//     deterministic vectors from the input text (see [Vector]), the
//     "dimensions" parameter honoured (else [Options.Dimensions]), usage;
//   - POST /v1/chat/completions: a JSON completion with usage, or with
//     "stream": true server-sent events ("data: {...}" chunks, a usage chunk
//     when stream_options.include_usage is set, then "data: [DONE]");
//   - GET /v1/models.
//
// Paths are matched on their ending, so the Azure OpenAI layout
// (/openai/deployments/<name>/embeddings?api-version=...) works too; see
// [Server.AzureClientConfig].
//
// # Scripting
//
// Each request takes the next queued [Reply] for its [Endpoint] (see
// [Server.Enqueue]); failing that, [Options.Handler] decides; failing that,
// the default answer is served. A Reply scripts content, tool calls, finish
// reason and usage, or a fault: an error status with an OpenAI-style error
// body and optional Retry-After (seconds or HTTP-date), a hang until the
// client gives up, a slow first byte, a connection cut midway through a body
// or stream, or malformed JSON. [Times] builds sequences such as "500 three
// times":
//
//	srv := openaitest.New(t, openaitest.Options{APIKey: "sk-test"})
//	srv.Enqueue(openaitest.Reply{Status: 429, RetryAfter: 2 * time.Second})
//	client := openai.NewClientWithConfig(srv.ClientConfig())
//	// ... the first request gets a 429, the second the default reply.
//	got := srv.Requests() // method, path, headers, raw and decoded body
//
// # Lifetime
//
// [New] registers [Server.Close] with t.Cleanup; Close releases hung
// requests and waits for every handler to return, so a test leaves no
// server goroutines behind. [CheckGoroutines] verifies that the code under
// test leaves none either.
package openaitest
