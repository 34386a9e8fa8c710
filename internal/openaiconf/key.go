package openaiconf

import "log/slog"

// Redacted is what a [Key] prints as.
const Redacted = "[REDACTED]"

// Key is an API key that never prints. The zero Key holds none, and a
// client with no key sends none (as local servers want).
//
// The key sits behind a pointer, so that fmt's reflection-based printing
// of a struct holding a Key in an unexported field, where no method of
// Key can run, shows an address, not the key.
type Key struct{ p *string }

var _ slog.LogValuer = Key{}

// NewKey returns a Key holding s; an empty s gives the zero Key.
func NewKey(s string) Key {
	if s == "" {
		return Key{}
	}
	return Key{p: &s}
}

// Reveal returns the key itself ("" for none), for the client that sends
// it and for nothing else.
func (k Key) Reveal() string {
	if k.p == nil {
		return ""
	}
	return *k.p
}

// Masked returns a Key holding [Redacted] in place of k's key, or the zero
// Key if k holds none: what a copy of a configuration kept only for
// printing should hold.
func (k Key) Masked() Key {
	if k.p == nil {
		return Key{}
	}
	return NewKey(Redacted)
}

// String returns [Redacted] if k holds a key, else "".
func (k Key) String() string {
	if k.p == nil {
		return ""
	}
	return Redacted
}

// LogValue implements slog.LogValuer as [Key.String].
func (k Key) LogValue() slog.Value { return slog.StringValue(k.String()) }
