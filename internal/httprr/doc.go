// Package httprr records HTTP exchanges to a cassette file and replays them
// offline, in the spirit of golang.org/x/oscar/internal/httprr. Evals use
// it so that every call to a language model or an embedding API can be
// replayed byte for byte, with no network and no credentials.
//
// # Use
//
// A [Recorder] is an [http.RoundTripper]. Give [Recorder.Client] to any
// client that takes an HTTP client or doer (openaillm.Config.HTTPClient,
// openaiembed.Config.HTTPClient):
//
//	rec, err := httprr.Open("testdata/run.cassette", httprr.Options{Mode: httprr.Replay, Salt: corpusHash})
//	...
//	defer rec.Close()
//	cfg := openaillm.DefaultConfig(key)
//	cfg.HTTPClient = rec.Client()
//
// # Modes
//
//   - [Replay] (the zero Mode) answers every request from the cassette and
//     never touches the network; a request with no recorded answer fails
//     with a [*MissingError] naming it. The cassette file is never written.
//   - [Record] sends every request and records each successful answer,
//     replacing any earlier recording of the same request.
//   - [RecordMissing] replays what is recorded and sends and records the
//     rest.
//   - [Live] sends every request and records nothing.
//
// # Keys
//
// A request is identified by its key: the SHA-256 of the method, the URL
// path, the query (with credentials removed, parameters sorted), the
// caller's [Options.Salt] and the canonical form of the body. A JSON body is
// canonicalised (object keys sorted, insignificant white space removed), so
// the key changes exactly when the model, the parameters (temperature,
// seed, ...) or the messages change — and with them the prompt version and
// the retrieved passages they contain. The salt ties a recording to
// something outside the request, such as a hash of the guidance corpus: a
// new corpus needs a new recording. The host is not part of the key, so a
// recording made against a local server replays against any base URL.
//
// # What is recorded
//
// Only successful (2xx) answers whose body arrived whole are recorded.
// Transport errors, 429s, 5xx and every other failure pass through to the
// caller (whose retry policy handles them) and are never recorded as
// answers. No request header is stored, so Authorization and api-key
// values never reach the file; credentials in query parameters (key,
// api-key, access_token, sig, ...) are removed from the stored URL and the
// key, and any credential value that appears in a body is replaced by
// "[REDACTED]". Of the response headers only Content-Type is kept.
//
// # File format
//
// A cassette is a JSON Lines file: a header line {"format":"bedside-httprr/1"}
// then one [Exchange] per line. While recording, each new exchange is
// appended and synced to disk at once, so a killed process loses no
// recording; [Recorder.Close] then rewrites the file sorted by key, with
// one line per key, so that a cassette's bytes depend only on what was
// recorded. A torn last line (a crash mid-write) is ignored on opening.
//
// # Observing
//
// [WithObserver] attaches a function to a context; every exchange made with
// that context (through clients that pass the context on, as go-openai
// does) is reported to it as an [Event], with the recorded duration when
// replaying. Evals use it to count requests and to report the model's
// latency reproducibly.
package httprr
