package openaillm

import "testing"

func TestWithZeroTemperature(t *testing.T) {
	for _, tc := range []struct {
		in, want string
	}{
		{`{"model":"m"}`, `{"temperature":0,"model":"m"}`},
		{`{}`, `{"temperature":0}`},
		{` {"model":"m"}` + "\n", ` {"temperature":0,"model":"m"}` + "\n"},
		{`{"model":"m","temperature":0.5}`, `{"model":"m","temperature":0.5}`},
		{`{"model":"temperature"}`, `{"temperature":0,"model":"temperature"}`},
		{`{"nested":{"temperature":1}}`, `{"temperature":0,"nested":{"temperature":1}}`},
	} {
		got, err := withZeroTemperature([]byte(tc.in))
		if err != nil || string(got) != tc.want {
			t.Errorf("withZeroTemperature(%s) = %s, %v; want %s", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{``, `null`, `[]`, `{"a":`, `"x"`} {
		if got, err := withZeroTemperature([]byte(in)); err == nil {
			t.Errorf("withZeroTemperature(%s) = %s, nil; want an error", in, got)
		}
	}
}
