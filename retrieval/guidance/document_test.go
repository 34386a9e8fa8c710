package guidance

import (
	"errors"
	"testing"
	"time"
)

func day(s string) time.Time {
	t, _ := time.Parse(time.DateOnly, s)
	return t
}

func TestInForce(t *testing.T) {
	at := day("2026-01-10")
	tests := []struct {
		name string
		m    Metadata
		want bool
	}{
		{"approved", Metadata{Status: Approved}, true},
		{"draft", Metadata{Status: Draft}, false},
		{"unknown status", Metadata{Status: "live"}, false},
		{"superseded without date", Metadata{Status: Superseded}, false},
		{"withdrawn without date", Metadata{Status: Withdrawn}, false},
		{"superseded later", Metadata{Status: Superseded, SupersededAt: day("2026-02-01")}, true},
		{"superseded earlier", Metadata{Status: Superseded, SupersededAt: day("2026-01-01")}, false},
		{"superseded exactly now", Metadata{Status: Superseded, SupersededAt: at}, false},
		{"withdrawn later", Metadata{Status: Withdrawn, WithdrawnAt: day("2026-02-01")}, true},
		{"approved but withdrawn earlier", Metadata{Status: Approved, WithdrawnAt: day("2026-01-01")}, false},
		{"not yet effective", Metadata{Status: Approved, EffectiveFrom: day("2026-01-11")}, false},
		{"effective now", Metadata{Status: Approved, EffectiveFrom: at}, true},
		{"not yet approved", Metadata{Status: Approved, ApprovedAt: day("2026-01-11")}, false},
	}
	for _, tt := range tests {
		if got := tt.m.InForce(at); got != tt.want {
			t.Errorf("%s: InForce = %v; want %v", tt.name, got, tt.want)
		}
	}
	m := Metadata{ReviewDue: day("2026-01-09")}
	if !m.ReviewOverdue(at) || m.ReviewOverdue(day("2026-01-08")) || (&Metadata{}).ReviewOverdue(at) {
		t.Errorf("ReviewOverdue wrong")
	}
}

func TestParseStatusAndTransitions(t *testing.T) {
	if s, err := ParseStatus(" Approved "); err != nil || s != Approved {
		t.Errorf("ParseStatus(Approved) = %v, %v", s, err)
	}
	_, err := ParseStatus("aproved")
	if err == nil || err.Error() != `unknown status "aproved" (want draft, approved, superseded or withdrawn)` {
		t.Errorf("ParseStatus(aproved) error = %v", err)
	}
	if CanTransition(Withdrawn, Approved) || !CanTransition(Draft, Approved) || !CanTransition(Superseded, Approved) || CanTransition(Approved, Draft) {
		t.Errorf("CanTransition rules wrong")
	}
}

func TestValidateAndHash(t *testing.T) {
	d := &Document{Metadata: Metadata{ID: "x", Title: "X", Version: "1", Status: Approved}, Body: "abc def"}
	d.Sections = []Section{{Text: "def", Offset: 4}}
	if err := d.Validate(); err != nil {
		t.Fatalf("Validate = %v", err)
	}
	h := d.Hash()
	d2 := *d
	d2.Source = "elsewhere.md"
	if d2.Hash() != h {
		t.Errorf("Hash depends on Source")
	}
	d2.Tags = []string{"a"}
	if d2.Hash() == h {
		t.Errorf("Hash ignores tags")
	}
	d3 := *d
	d3.Body = "abc dex"
	var fe *FieldError
	if err := d3.Validate(); !errors.As(err, &fe) || fe.Field != "sections[0]" {
		t.Errorf("Validate with bad offsets = %v; want a sections[0] FieldError", err)
	}
	for _, tt := range []struct {
		mod   func(*Document)
		field string
	}{
		{func(d *Document) { d.ID = "" }, "id"},
		{func(d *Document) { d.ID = "a b" }, "id"},
		{func(d *Document) { d.ID = "a@b" }, "id"},
		{func(d *Document) { d.Title = " " }, "title"},
		{func(d *Document) { d.Version = "" }, "version"},
		{func(d *Document) { d.Status = "live" }, "status"},
		{func(d *Document) { d.EffectiveFrom = day("2026-01-02"); d.ReviewDue = day("2026-01-01") }, "review_due"},
	} {
		c := *d
		tt.mod(&c)
		if err := c.Validate(); !errors.As(err, &fe) || fe.Field != tt.field {
			t.Errorf("Validate = %v; want FieldError on %s", err, tt.field)
		}
	}
}
