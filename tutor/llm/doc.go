// Package llm is the small vocabulary Bedside uses to talk to chat models:
// the tutor's grounded answers, the quiz generator and the eval judge all
// speak it, and provider adapters implement it.
//
// It has no third-party imports. Adapters live in their own packages, so a
// program compiles only the provider it uses:
//
//   - [github.com/bedside-ai/bedside/tutor/llm/openaillm]: any
//     OpenAI-compatible endpoint (OpenAI, Azure OpenAI, Ollama, vLLM, the
//     llama.cpp server) through github.com/sashabaranov/go-openai;
//   - [github.com/bedside-ai/bedside/tutor/llm/langchainllm]: any
//     github.com/tmc/langchaingo llms.Model;
//   - [github.com/bedside-ai/bedside/tutor/llm/llmtest]: a scripted,
//     deterministic fake for tests, and a conformance suite every
//     implementation passes.
//
// # Requests
//
// A [Request] carries the [Message]s and the sampling settings. Its zero
// settings are Bedside's defaults: temperature 0 (sent as 0, never
// omitted), the provider's default top_p, no token cap, free text. Ask for
// JSON with [FormatJSON], or for JSON matching a schema with [JSONSchema]:
//
//	resp, err := model.Chat(ctx, llm.Request{
//		Messages: []llm.Message{llm.System(rules), llm.User(question)},
//		Format:   llm.JSONSchema("answer", schema),
//	})
//
// [Request.Validate] rejects malformed requests ([ErrInvalidRequest]); an
// implementation that cannot honour a well-formed setting fails with
// [ErrUnsupported] rather than drop it.
//
// # Capabilities
//
// [Model] has one method. Optional capabilities are separate interfaces,
// found by type assertion as http.Flusher is: [Streamer] for replies
// delivered piece by piece, [Namer] for the model's name in provenance
// records.
//
//	if s, ok := model.(llm.Streamer); ok {
//		stream, err := s.ChatStream(ctx, req)
//		...
//		defer stream.Close()
//		for {
//			d, err := stream.Recv()
//			if err == io.EOF {
//				break
//			}
//			...
//		}
//	}
//
// # Contract
//
// Implementations are safe for concurrent use, honour ctx (no timeouts of
// their own), never modify the Request, and own their retries: callers do
// not retry. Nothing is retried once a stream has delivered its first
// byte; a stream that breaks off ends with a [*StreamError] holding the
// partial text. The package llmtest checks all of this with [llmtest.Run].
//
// [llmtest.Run]: https://pkg.go.dev/github.com/bedside-ai/bedside/tutor/llm/llmtest#Run
package llm
