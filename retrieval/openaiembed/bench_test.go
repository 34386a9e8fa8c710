package openaiembed_test

import (
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/bedside-ai/bedside/internal/openaitest"
	"github.com/bedside-ai/bedside/retrieval/openaiembed"
)

// countingTransport counts the response bytes read.
type countingTransport struct {
	next  http.RoundTripper
	bytes atomic.Int64
}

func (t *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if resp != nil {
		resp.Body = &countingBody{ReadCloser: resp.Body, n: &t.bytes}
	}
	return resp, err
}

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n.Add(int64(n))
	return n, err
}

// BenchmarkEmbed embeds 2,048 texts per iteration against the fake server,
// with a fixed per-request latency standing in for the provider's
// processing time. The fake server shares the CPU with the client, so at
// 1,536 dimensions the JSON work of both ends dominates; the 256-dimension
// cases show how Concurrency hides latency.
func BenchmarkEmbed(b *testing.B) {
	const n = 2048
	in := texts(n)
	for _, bc := range []struct {
		dims, batch, conc int
		latency           time.Duration
		encoding          openai.EmbeddingEncodingFormat
	}{
		{1536, 256, 1, 20 * time.Millisecond, ""},
		{1536, 256, 4, 20 * time.Millisecond, ""},
		{1536, 64, 4, 20 * time.Millisecond, ""},
		{1536, 64, 16, 20 * time.Millisecond, ""},
		{1536, 256, 4, 20 * time.Millisecond, openai.EmbeddingEncodingFormatFloat},
		{1536, 256, 4, 0, ""},
		{1536, 256, 4, 0, openai.EmbeddingEncodingFormatFloat},
		{256, 64, 1, 50 * time.Millisecond, ""},
		{256, 64, 4, 50 * time.Millisecond, ""},
		{256, 64, 16, 50 * time.Millisecond, ""},
	} {
		enc := bc.encoding
		if enc == "" {
			enc = openai.EmbeddingEncodingFormatBase64
		}
		name := fmt.Sprintf("dims=%d/batch=%d/conc=%d/latency=%v/%s", bc.dims, bc.batch, bc.conc, bc.latency, enc)
		b.Run(name, func(b *testing.B) {
			srv := openaitest.New(b, openaitest.Options{Dimensions: bc.dims, Latency: bc.latency})
			tr := srv.Client().Transport.(*http.Transport).Clone()
			tr.MaxIdleConnsPerHost = 64
			b.Cleanup(tr.CloseIdleConnections)
			counter := &countingTransport{next: tr}
			e, err := openaiembed.New(openaiembed.Config{
				BaseURL: srv.URL(), HTTPClient: &http.Client{Transport: counter},
				BatchSize: bc.batch, Concurrency: bc.conc, Encoding: bc.encoding,
			})
			if err != nil {
				b.Fatalf("New: %v", err)
			}
			iters := 0
			for b.Loop() {
				if _, err := e.Embed(b.Context(), in); err != nil {
					b.Fatalf("Embed: %v", err)
				}
				iters++
			}
			b.ReportMetric(float64(n*iters)/b.Elapsed().Seconds(), "texts/s")
			b.ReportMetric(float64(counter.bytes.Load())/float64(n*iters), "resp-bytes/text")
		})
	}
}
