// Package openaiconftest is the conformance suite of Bedside's clients of
// OpenAI-compatible APIs, the packages built on package openaiconf
// (retrieval/openaiembed and tutor/llm/openaillm).
//
// # Suite
//
// [Run] checks, against an [openaitest.Server], what every such client
// owes its users whatever it sends: the API key never printed or logged,
// nor shown in errors; Azure OpenAI routing and authentication; the
// shared fields validated; connection errors, 408, 409, 429 and 5xx
// retried under the client's [retry.Policy] with Retry-After obeyed;
// other 4xx not retried; no wait past the ctx deadline; a hung server
// left at the deadline. A client package describes itself with a
// [Client] and runs the suite from a test:
//
//	func TestConformance(t *testing.T) {
//		openaiconftest.Run(t, client)
//	}
//
// # Setup
//
// [Start] gives the package's own tests a client of a fresh server that
// requires [APIKey], with retries that wait no time (see
// [retrytest.Instant]).
package openaiconftest
