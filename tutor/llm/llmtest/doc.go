// Package llmtest supports tests of code that talks to a language model
// through package llm, as testing/slogtest supports slog handlers.
//
// [Model] is a scripted, deterministic [llm.Model] and [llm.Streamer] that
// needs no network: it answers with the replies it was given (or a
// function of the request), counts words as tokens, streams word by word,
// can break a stream midway, and records every request, so that tests of
// the tutor, the quiz generator and the eval judge can check exactly what
// was asked:
//
//	m := &llmtest.Model{Replies: []string{`{"answer":"within one hour"}`}}
//	got, err := tutor.Answer(ctx, m, question)
//	req := m.Requests()[0] // the messages, temperature, format sent
//
// [Run] is the conformance suite every llm implementation passes (the fake
// included): reply, usage, request validation, cancellation, concurrency
// and the stream contract.
package llmtest
