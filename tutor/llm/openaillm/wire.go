package openaillm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	openai "github.com/sashabaranov/go-openai"
)

// zeroTemperature makes a temperature of 0 reach the wire.
//
// go-openai v1.43 declares ChatCompletionRequest.Temperature as a float32
// tagged `json:"temperature,omitempty"`, so a temperature of 0 is left out
// of the request body and the server applies its default, 1 on OpenAI: the
// opposite of deterministic. (Upstream: sashabaranov/go-openai issue #9,
// open since 2021; the known workaround, math.SmallestNonzeroFloat32, sends
// 1e-45, not 0.) go-openai marshals the body itself, with no hook, so the
// fix sits in the one place it can: the HTTP doer. A chat completions body
// without a "temperature" key can only come from a Temperature of 0, so
// zeroTemperature adds "temperature":0 to it and leaves every other byte
// as go-openai wrote it. It is not used with Config.FixedSampling.
type zeroTemperature struct{ next openai.HTTPDoer }

func (z zeroTemperature) Do(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodPost || !strings.HasSuffix(req.URL.Path, "/chat/completions") || req.Body == nil {
		return z.next.Do(req)
	}
	body, err := io.ReadAll(req.Body)
	_ = req.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("openaillm: reading request body: %w", err)
	}
	body, err = withZeroTemperature(body)
	if err != nil {
		return nil, err
	}
	out := req.Clone(req.Context())
	out.Body = io.NopCloser(bytes.NewReader(body))
	out.ContentLength = int64(len(body))
	out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	return z.next.Do(out)
}

// withZeroTemperature returns the JSON object body with "temperature":0
// inserted first, unless it has a temperature already.
func withZeroTemperature(body []byte) ([]byte, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil || fields == nil {
		return nil, fmt.Errorf("openaillm: request body is not a JSON object: %v", err)
	}
	if _, ok := fields["temperature"]; ok {
		return body, nil
	}
	open := bytes.IndexByte(body, '{') // present: body decoded as an object
	const field = `"temperature":0`
	out := make([]byte, 0, len(body)+len(field)+1)
	out = append(out, body[:open+1]...)
	out = append(out, field...)
	if len(fields) > 0 {
		out = append(out, ',')
	}
	return append(out, body[open+1:]...), nil
}
