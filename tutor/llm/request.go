package llm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// MaxTemperature is the highest [Request.Temperature] accepted, that of the
// OpenAI API.
const MaxTemperature = 2

// A Request is one chat call. Its zero value (plus messages) asks for a
// deterministic, free-text reply: temperature 0, the provider's default
// top_p, no token limit, no seed, no stop sequences.
type Request struct {
	// Messages is the conversation so far, oldest first. At least one is
	// required.
	Messages []Message

	// Temperature controls randomness, from 0 to MaxTemperature. Zero, the
	// default, is sent as 0: as deterministic as the provider allows, which
	// is what grounded clinical answers, quiz generation and judging want.
	Temperature float64

	// TopP is the nucleus-sampling mass, in (0, 1]. Zero means the
	// provider's default (no truncation): a top_p of 0 is never sent.
	TopP float64

	// MaxTokens caps the length of the reply in tokens. Zero means no cap
	// beyond the model's own. A reply cut short by it ends with
	// FinishReason [FinishLength].
	MaxTokens int

	// Seed, if not nil, asks the provider for reproducible sampling with
	// this seed. Providers promise at most best effort (OpenAI does not
	// guarantee identical replies), so record it but do not rely on it.
	Seed *int

	// Stop lists sequences at which the model stops writing; the stop
	// sequence itself is not part of the reply. Empty strings are invalid.
	Stop []string

	// Format asks for plain text (the zero value), any JSON object, or JSON
	// that matches a schema (structured output).
	Format ResponseFormat
}

// FormatType is the kind of reply a [ResponseFormat] asks for.
type FormatType int

// The reply formats.
const (
	// FormatText asks for free text. It is the zero value.
	FormatText FormatType = iota
	// FormatJSON asks for a JSON object, any JSON object ("JSON mode").
	// OpenAI requires the word "JSON" to appear in the messages.
	FormatJSON
	// FormatJSONSchema asks for JSON matching [ResponseFormat.Schema]
	// (OpenAI "structured outputs").
	FormatJSONSchema
)

// String returns the OpenAI name of the format: "text", "json_object" or
// "json_schema".
func (t FormatType) String() string {
	switch t {
	case FormatText:
		return "text"
	case FormatJSON:
		return "json_object"
	case FormatJSONSchema:
		return "json_schema"
	}
	return "FormatType(" + strconv.Itoa(int(t)) + ")"
}

// A ResponseFormat says what shape the reply must take. The zero value asks
// for free text.
type ResponseFormat struct {
	Type FormatType

	// The fields below apply to FormatJSONSchema only and must be empty
	// otherwise.

	// Name names the schema: 1 to 64 ASCII letters, digits, '_' or '-'.
	// Required.
	Name string
	// Description tells the model what the JSON is for. Optional.
	Description string
	// Schema is the JSON Schema the reply must match; it must be a JSON
	// object. Required.
	Schema json.RawMessage
	// Strict asks the provider to enforce the schema exactly (OpenAI's
	// strict mode, which accepts only a subset of JSON Schema: every
	// property required, additionalProperties false).
	Strict bool
}

// JSONSchema returns a format asking for JSON that matches schema, with
// strict enforcement.
func JSONSchema(name string, schema json.RawMessage) ResponseFormat {
	return ResponseFormat{Type: FormatJSONSchema, Name: name, Schema: schema, Strict: true}
}

// Validate reports the first reason r cannot be sent to any model, as an
// error wrapping [ErrInvalidRequest]. Implementations call it before
// sending anything.
func (r Request) Validate() error {
	if len(r.Messages) == 0 {
		return fmt.Errorf("%w: no messages", ErrInvalidRequest)
	}
	for i, m := range r.Messages {
		if !m.Role.Valid() {
			return fmt.Errorf("%w: message %d has role %q; want system, user or assistant", ErrInvalidRequest, i, m.Role)
		}
	}
	switch {
	case math.IsNaN(r.Temperature) || r.Temperature < 0 || r.Temperature > MaxTemperature:
		return fmt.Errorf("%w: Temperature %v is outside 0..%d", ErrInvalidRequest, r.Temperature, MaxTemperature)
	case math.IsNaN(r.TopP) || r.TopP < 0 || r.TopP > 1:
		return fmt.Errorf("%w: TopP %v is outside 0..1", ErrInvalidRequest, r.TopP)
	case r.MaxTokens < 0:
		return fmt.Errorf("%w: MaxTokens %d is negative", ErrInvalidRequest, r.MaxTokens)
	}
	for i, s := range r.Stop {
		if s == "" {
			return fmt.Errorf("%w: Stop[%d] is empty", ErrInvalidRequest, i)
		}
	}
	return r.Format.validate()
}

func (f ResponseFormat) validate() error {
	switch f.Type {
	case FormatText, FormatJSON:
		if f.Name != "" || f.Description != "" || f.Schema != nil || f.Strict {
			return fmt.Errorf("%w: Format %v takes no Name, Description, Schema or Strict", ErrInvalidRequest, f.Type)
		}
		return nil
	case FormatJSONSchema:
	default:
		return fmt.Errorf("%w: unknown Format %v", ErrInvalidRequest, f.Type)
	}
	if !validSchemaName(f.Name) {
		return fmt.Errorf("%w: schema name %q is not 1 to 64 letters, digits, '_' or '-'", ErrInvalidRequest, f.Name)
	}
	var obj map[string]json.RawMessage
	if trimmed := bytes.TrimSpace(f.Schema); len(trimmed) == 0 || trimmed[0] != '{' || json.Unmarshal(trimmed, &obj) != nil {
		return fmt.Errorf("%w: schema %q is not a JSON object", ErrInvalidRequest, f.Name)
	}
	return nil
}

func validSchemaName(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for _, c := range []byte(s) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
		if !ok {
			return false
		}
	}
	return true
}
