package openaiembed_test

import (
	"context"
	"fmt"
	"log"

	"github.com/bedside-ai/bedside/internal/openaitest"
	"github.com/bedside-ai/bedside/retrieval/openaiembed"
)

func Example() {
	// A fake OpenAI server stands in for https://api.openai.com/v1.
	srv := openaitest.New(nil, openaitest.Options{APIKey: "sk-example"})
	defer srv.Close()

	cfg := openaiembed.DefaultConfig("sk-example")
	cfg.BaseURL = srv.URL()
	cfg.Dimensions = 256
	emb, err := openaiembed.New(cfg)
	if err != nil {
		log.Fatal(err)
	}

	vecs, err := emb.Embed(context.Background(), []string{
		"Sepsis in adults: give antibiotics within one hour.",
		"Antibiotics for suspected sepsis",
		"Inhaler technique for asthma in children",
	})
	if err != nil {
		log.Fatal(err)
	}
	dot := func(a, b []float32) (s float32) {
		for i := range a {
			s += a[i] * b[i]
		}
		return s
	}
	fmt.Println(emb.Model())
	fmt.Println(len(vecs), "vectors of", len(vecs[0]), "dimensions")
	fmt.Println("related texts closer:", dot(vecs[0], vecs[1]) > dot(vecs[0], vecs[2]))
	fmt.Println(cfg.LogValue().Group()[1]) // the key is never printed
	// Output:
	// text-embedding-3-small/256
	// 3 vectors of 256 dimensions
	// related texts closer: true
	// api_key=[REDACTED]
}
