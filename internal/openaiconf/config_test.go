package openaiconf_test

import (
	"fmt"
	"log/slog"
	"strings"
	"testing"

	openai "github.com/sashabaranov/go-openai"

	"github.com/bedside-ai/bedside/internal/openaiconf"
)

const defaultURL = "https://api.openai.com/v1"

func TestKey(t *testing.T) {
	for _, tc := range []struct {
		in, reveal, shown, masked string
	}{
		{"sk-secret", "sk-secret", openaiconf.Redacted, openaiconf.Redacted},
		{"", "", "", ""},
	} {
		k := openaiconf.NewKey(tc.in)
		if got := k.Reveal(); got != tc.reveal {
			t.Errorf("NewKey(%q).Reveal() = %q; want %q", tc.in, got, tc.reveal)
		}
		if got := k.String(); got != tc.shown {
			t.Errorf("NewKey(%q).String() = %q; want %q", tc.in, got, tc.shown)
		}
		if got := k.LogValue().String(); got != tc.shown {
			t.Errorf("NewKey(%q).LogValue() = %q; want %q", tc.in, got, tc.shown)
		}
		if got := k.Masked().Reveal(); got != tc.masked {
			t.Errorf("NewKey(%q).Masked().Reveal() = %q; want %q", tc.in, got, tc.masked)
		}
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
			if out := fmt.Sprintf(verb, k); tc.in != "" && strings.Contains(out, tc.in) {
				t.Errorf("Sprintf(%q, key) = %s; want no key", verb, out)
			}
		}
	}
	if (openaiconf.Key{}) != openaiconf.NewKey("") {
		t.Errorf("NewKey(\"\") is not the zero Key")
	}
}

func TestClientConfig(t *testing.T) {
	for _, tc := range []struct {
		name        string
		cfg         openaiconf.Config
		wantType    openai.APIType
		wantURL     string
		wantVersion string
		wantMapped  string // what the model "m" maps to (Azure only)
	}{
		{"default", openaiconf.Config{Key: openaiconf.NewKey("k"), DefaultBaseURL: defaultURL}, openai.APITypeOpenAI, defaultURL, "", ""},
		{"base URL", openaiconf.Config{BaseURL: "http://localhost:11434/v1", DefaultBaseURL: defaultURL}, openai.APITypeOpenAI, "http://localhost:11434/v1", "", ""},
		{"Azure", openaiconf.Config{Key: openaiconf.NewKey("k"), BaseURL: "https://n.openai.azure.com", DefaultBaseURL: defaultURL,
			Azure: &openaiconf.Azure{Deployment: "dep"}, DefaultAzureAPIVersion: "2024-10-21"},
			openai.APITypeAzure, "https://n.openai.azure.com", "2024-10-21", "dep"},
		{"Azure, model as deployment", openaiconf.Config{BaseURL: "https://n.openai.azure.com",
			Azure: &openaiconf.Azure{APIVersion: "2025-01-01"}, DefaultAzureAPIVersion: "2024-10-21"},
			openai.APITypeAzure, "https://n.openai.azure.com", "2025-01-01", "m"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cc := tc.cfg.ClientConfig()
			if cc.APIType != tc.wantType || cc.BaseURL != tc.wantURL || cc.APIVersion != tc.wantVersion {
				t.Errorf("ClientConfig() = type %q, URL %q, version %q; want %q, %q, %q",
					cc.APIType, cc.BaseURL, cc.APIVersion, tc.wantType, tc.wantURL, tc.wantVersion)
			}
			if tc.wantMapped != "" {
				if got := cc.AzureModelMapperFunc("m"); got != tc.wantMapped {
					t.Errorf("AzureModelMapperFunc(%q) = %q; want %q", "m", got, tc.wantMapped)
				}
			}
			if cc.HTTPClient == nil {
				t.Errorf("ClientConfig().HTTPClient = nil; want an observing doer")
			}
		})
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  openaiconf.Config
		want string // "" for valid
	}{
		{"zero", openaiconf.Config{DefaultBaseURL: defaultURL}, ""},
		{"local server", openaiconf.Config{BaseURL: "http://localhost:8080/v1"}, ""},
		{"Azure", openaiconf.Config{BaseURL: "https://n.openai.azure.com", Azure: &openaiconf.Azure{}}, ""},
		{"Azure without endpoint", openaiconf.Config{DefaultBaseURL: defaultURL, Azure: &openaiconf.Azure{}},
			"Azure needs BaseURL, the resource endpoint"},
		{"spaced model", openaiconf.Config{DefaultBaseURL: defaultURL, Model: "m "}, `Model "m " has surrounding space`},
		{"no scheme", openaiconf.Config{BaseURL: "localhost:8080"}, `BaseURL "localhost:8080" is not an http(s) URL`},
		{"password hidden", openaiconf.Config{BaseURL: "ftp://u:hunter2@h"}, `BaseURL "ftp://u:xxxxx@h" is not an http(s) URL`},
		{"unparsable", openaiconf.Config{BaseURL: "%zz"}, `BaseURL "<unparsable URL>" is not an http(s) URL`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			if (err == nil) != (tc.want == "") || (err != nil && err.Error() != tc.want) {
				t.Errorf("Validate() = %v; want %q", err, tc.want)
			}
		})
	}
}

func TestDescribe(t *testing.T) {
	cfg := openaiconf.Config{Key: openaiconf.NewKey("sk-secret"), BaseURL: "https://u:hunter2@h/v1", Model: "m"}
	for _, tc := range []struct {
		cfg    openaiconf.Config
		fields string
		want   string
	}{
		{cfg, "", `c{BaseURL: "https://u:xxxxx@h/v1", APIKey: "[REDACTED]", Model: "m"}`},
		{cfg, "N: 1", `c{BaseURL: "https://u:xxxxx@h/v1", APIKey: "[REDACTED]", Model: "m", N: 1}`},
		{openaiconf.Config{DefaultBaseURL: defaultURL, Model: "m", Azure: &openaiconf.Azure{Deployment: "d"}}, "N: 1",
			`c{BaseURL: "", APIKey: "", Model: "m", N: 1, Azure: {Deployment: "d", APIVersion: ""}}`},
		{openaiconf.Config{DefaultBaseURL: defaultURL}, "",
			`c{BaseURL: "https://api.openai.com/v1", APIKey: "", Model: ""}`},
	} {
		if got := tc.cfg.Describe("c", tc.fields); got != tc.want {
			t.Errorf("Describe(%q, %q) = %s; want %s", "c", tc.fields, got, tc.want)
		}
	}
}

func TestLogGroup(t *testing.T) {
	var b strings.Builder
	log := slog.New(slog.NewTextHandler(&b, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}))
	cfg := openaiconf.Config{Key: openaiconf.NewKey("sk-secret"), BaseURL: "https://u:hunter2@h", Model: "m",
		Azure: &openaiconf.Azure{Deployment: "d", APIVersion: "v"}}
	log.Info("x", "c", cfg.LogGroup(slog.Int("n", 1)))
	want := `level=INFO msg=x c.base_url=https://u:xxxxx@h c.api_key=[REDACTED] c.model=m c.n=1 c.azure.deployment=d c.azure.api_version=v` + "\n"
	if got := b.String(); got != want {
		t.Errorf("LogGroup logged %s; want %s", got, want)
	}
}
