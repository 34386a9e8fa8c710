// Package openaiconf holds what Bedside's clients of OpenAI-compatible APIs
// (package retrieval/openaiembed and package tutor/llm/openaillm) share in
// their configuration: where the API is and how to reach it, how that is
// validated and printed without the API key, and the go-openai client
// configuration built from it.
//
// # Use
//
// Each client package keeps its own exported Config, with its own defaults
// and doc comments, and holds its key as a [Key]. It turns the shared
// fields into a [Config] and lets that do the rest:
//
//	func (c Config) conf() openaiconf.Config {
//		return openaiconf.Config{
//			Key:                    c.key,
//			BaseURL:                c.BaseURL,
//			DefaultBaseURL:         DefaultBaseURL,
//			Model:                  cmp.Or(c.Model, DefaultModel),
//			Azure:                  (*openaiconf.Azure)(c.Azure),
//			HTTPClient:             c.HTTPClient,
//			Retry:                  c.Retry,
//			DefaultAzureAPIVersion: DefaultAzureAPIVersion,
//		}
//	}
//
// [Config.Validate] checks the shared fields, [Config.ClientConfig] builds
// the go-openai configuration (OpenAI-style or Azure, with an HTTP doer
// that [retry.Observe]s every response), and [Config.Describe] and
// [Config.LogGroup] do the work of the client's String and LogValue
// methods, which add the client's own fields.
//
// # Secrets
//
// A [Key] prints as "[REDACTED]" and sits behind a pointer, so that not
// even fmt's field-by-field printing of a struct that holds one shows it.
// [Key.Masked] gives the copy a client keeps for printing, which holds no
// key at all, and [RedactURL] hides a password in a base URL.
package openaiconf
