package openaiconf_test

import (
	"fmt"

	"github.com/bedside-ai/bedside/internal/openaiconf"
)

func ExampleConfig_Describe() {
	cfg := openaiconf.Config{
		Key:            openaiconf.NewKey("sk-secret"),
		BaseURL:        "https://user:hunter2@llm.example.org/v1",
		DefaultBaseURL: "https://api.openai.com/v1",
		Model:          "gpt-4o-mini",
	}
	fmt.Println(cfg.Describe("openaillm.Config", "FixedSampling: false"))
	// Output:
	// openaillm.Config{BaseURL: "https://user:xxxxx@llm.example.org/v1", APIKey: "[REDACTED]", Model: "gpt-4o-mini", FixedSampling: false}
}
