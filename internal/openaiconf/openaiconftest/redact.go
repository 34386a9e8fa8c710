package openaiconftest

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// checkRedacted fails tb if any of values, formatted with each fmt verb
// (%T and %d included), by Sprint and Sprintln, or logged through slog's
// text and JSON handlers, shows any of secrets.
func checkRedacted(tb testing.TB, values []any, secrets ...string) {
	tb.Helper()
	var outputs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T"} {
		for _, v := range values {
			outputs = append(outputs, fmt.Sprintf(verb, v))
		}
	}
	for _, v := range values {
		outputs = append(outputs, fmt.Sprint(v), fmt.Sprintln(v))
		for _, h := range []func(*bytes.Buffer) slog.Handler{
			func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
			func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
		} {
			var buf bytes.Buffer
			slog.New(h(&buf)).Info("client", "value", v)
			outputs = append(outputs, buf.String())
		}
	}
	for _, out := range outputs {
		for _, secret := range secrets {
			if strings.Contains(out, secret) {
				tb.Errorf("output contains %q: %s", secret, out)
			}
		}
	}
}
