package openaiconf

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	openai "github.com/sashabaranov/go-openai"

	"github.com/bedside-ai/bedside/internal/retry"
)

// Config is the part of a client package's Config that every Bedside
// client of an OpenAI-compatible API shares. Its fields hold what the user
// set, except Model, which has the client package's default applied, and
// the Default fields, which hold the package's defaults.
type Config struct {
	// Key is the API key.
	Key Key

	// BaseURL is the API's base URL. Empty means DefaultBaseURL, unless
	// Azure is set; then it is the resource endpoint and is required.
	BaseURL string

	// DefaultBaseURL is the client package's default base URL, OpenAI's
	// API.
	DefaultBaseURL string

	// Model is the model name, the client package's default applied.
	Model string

	// Azure, if set, selects Azure OpenAI.
	Azure *Azure

	// HTTPClient sends requests. Nil means a new http.Client without a
	// timeout.
	HTTPClient openai.HTTPDoer

	// Retry is the client's retry policy; only Validate reads it.
	Retry retry.Policy

	// DefaultAzureAPIVersion is the api-version sent when Azure.APIVersion
	// is empty: the client package's default.
	DefaultAzureAPIVersion string
}

// Azure holds the Azure OpenAI settings of a [Config]. It has the fields,
// in order, of the client packages' Azure types, so that a pointer to
// either converts to a *Azure.
type Azure struct {
	Deployment string // empty means Config.Model
	APIVersion string // empty means Config.DefaultAzureAPIVersion
}

// baseURL returns BaseURL with its default applied.
func (c Config) baseURL() string {
	if c.BaseURL == "" && c.Azure == nil {
		return c.DefaultBaseURL
	}
	return c.BaseURL
}

// Validate reports the first unusable field. Its errors name the field but
// not the client package: the caller adds its prefix.
func (c Config) Validate() error {
	switch {
	case c.Azure != nil && c.BaseURL == "":
		return errors.New("Azure needs BaseURL, the resource endpoint")
	case strings.TrimSpace(c.Model) != c.Model:
		return fmt.Errorf("Model %q has surrounding space", c.Model)
	}
	if u, err := url.Parse(c.baseURL()); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("BaseURL %q is not an http(s) URL", RedactURL(c.baseURL()))
	}
	return c.Retry.Validate()
}

// ClientConfig returns the go-openai configuration for c. Without Azure it
// sends the key as a bearer token to BaseURL (or DefaultBaseURL); with
// Azure it sends the key in the api-key header to
// BaseURL/openai/deployments/<Azure.Deployment, or the model>/... with the
// api-version of Azure.APIVersion (or DefaultAzureAPIVersion). Its HTTP
// client is HTTPClient (or a new http.Client) wrapped by [retry.Observe],
// so that [retry.Policy.Do] sees each response's status and Retry-After.
func (c Config) ClientConfig() openai.ClientConfig {
	var cc openai.ClientConfig
	if c.Azure != nil {
		cc = openai.DefaultAzureConfig(c.Key.Reveal(), c.BaseURL)
		cc.APIVersion = cmp.Or(c.Azure.APIVersion, c.DefaultAzureAPIVersion)
		deployment := c.Azure.Deployment
		cc.AzureModelMapperFunc = func(model string) string { return cmp.Or(deployment, model) }
	} else {
		cc = openai.DefaultConfig(c.Key.Reveal())
		cc.BaseURL = c.baseURL()
	}
	var doer openai.HTTPDoer = &http.Client{}
	if c.HTTPClient != nil {
		doer = c.HTTPClient
	}
	cc.HTTPClient = retry.Observe(doer)
	return cc
}

// Describe formats c for a client's String method, as
//
//	name{BaseURL: "…", APIKey: "[REDACTED]", Model: "…", fields, Azure: {Deployment: "…", APIVersion: "…"}}
//
// with any password in the URL redacted, APIKey "" when there is no key,
// fields (the client's own, already formatted) left out when empty, and
// the Azure part only with Azure.
func (c Config) Describe(name, fields string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s{BaseURL: %q, APIKey: %q, Model: %q", name, RedactURL(c.baseURL()), c.Key.String(), c.Model)
	if fields != "" {
		b.WriteString(", " + fields)
	}
	if c.Azure != nil {
		fmt.Fprintf(&b, ", Azure: {Deployment: %q, APIVersion: %q}", c.Azure.Deployment, c.Azure.APIVersion)
	}
	b.WriteString("}")
	return b.String()
}

// LogGroup returns c as a slog group for a client's LogValue method:
// base_url (any password redacted), api_key ("[REDACTED]", or "" when
// there is no key), model, then attrs, the client's own, then with Azure a
// group azure holding deployment and api_version.
func (c Config) LogGroup(attrs ...slog.Attr) slog.Value {
	all := make([]slog.Attr, 0, len(attrs)+4)
	all = append(all,
		slog.String("base_url", RedactURL(c.baseURL())),
		slog.String("api_key", c.Key.String()),
		slog.String("model", c.Model),
	)
	all = append(all, attrs...)
	if c.Azure != nil {
		all = append(all, slog.Group("azure",
			slog.String("deployment", c.Azure.Deployment), slog.String("api_version", c.Azure.APIVersion)))
	}
	return slog.GroupValue(all...)
}

// RedactURL hides any password in a URL's user information. An unparsable
// URL becomes "<unparsable URL>", since it may hold one where it cannot be
// found.
func RedactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "<unparsable URL>"
	}
	return u.Redacted()
}
