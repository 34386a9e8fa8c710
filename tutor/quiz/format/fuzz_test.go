package format

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bedside-ai/bedside/tutor/quiz"
)

// Each decoder must return a bank or an error for any input, never panic,
// and what it returns must encode as JSON.

func fuzzDecode(f *testing.F, format Format, seeds ...string) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	if data, err := os.ReadFile(filepath.Join("testdata", "sample"+goldenExt(format))); err == nil {
		f.Add(data)
	}
	if data, err := os.ReadFile(filepath.Join("testdata", "hostile"+goldenExt(format))); err == nil {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		b, _, err := DecodeWith(bytes.NewReader(data), format, DecodeOptions{SkipUnsupported: true})
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Decode(%s) error %T %v; want a *SyntaxError", format, err, err)
			}
			return
		}
		if _, err := EncodeWith(&bytes.Buffer{}, JSON, b, EncodeOptions{SkipUnsupported: true}); err != nil {
			t.Fatalf("Encode(JSON) of a decoded bank = %v", err)
		}
	})
}

func FuzzDecodeGIFT(f *testing.F) {
	fuzzDecode(f, GIFT, "Q{=a ~b}", "::n::[html]<b>x</b>{TRUE#a#b####c}", "Q{=%50%a =b#c}", "Q{~%--1%a ~b}", "a\\{b{", "$CATEGORY: x/y\n\nQ{#1:2}")
}

func FuzzDecodeAiken(f *testing.F) {
	fuzzDecode(f, Aiken, "Q?\nA) a\nB. b\nANSWER: B\n", "Q\nA)\nB)\nANSWER:", "\r\rQ\rA) x\rB) y\rANSWER: A")
}

func FuzzDecodeMoodle(f *testing.F) {
	fuzzDecode(f, MoodleXML, "<quiz><question type=\"truefalse\"><questiontext><text>x</text></questiontext><answer fraction=\"100\"><text>true</text></answer></question></quiz>",
		"<quiz><question type=\"multichoice\"><questiontext format=\"html\"><text><![CDATA[<p>x]]></text></questiontext><generalfeedback><text>&lt;blockquote data-citation=\"{}\"&gt;</text></generalfeedback></question></quiz>")
}

func FuzzDecodeJSON(f *testing.F) {
	fuzzDecode(f, JSON, `{"format":"bedside.quiz.bank","version":1,"items":[{"type":"sba","stem":"x","created":"2020-01-01T00:00:00Z"}]}`)
}

func FuzzDecodeCSV(f *testing.F) {
	fuzzDecode(f, CSV, "type,stem,option_a,option_b,key\nsba,Q,a,b,A\n", "stem,type,citations\nQ,sba,[{}]\n")
}

// FuzzRoundTrip checks, for arbitrary text in every field, that each
// format either refuses the item with a reason or gives back exactly what
// it carries.
func FuzzRoundTrip(f *testing.F) {
	for _, h := range hostile {
		f.Add(h, h, h, h, h)
	}
	f.Add("Stem", "Option", "Why", "sepsis", "NEWS2")
	f.Fuzz(func(t *testing.T, stem, option, expl, tag, answer string) {
		sba := sampleBank().Items[0]
		sba.Stem, sba.Options[1].Text, sba.Options[1].Explanation, sba.Rationale = stem, option, expl, expl
		sba.Citations[0].Quote, sba.Tags, sba.Topic = expl, []string{tag}, tag
		short := sampleBank().Items[4]
		short.Stem, short.Answers, short.ID = option, []string{answer}, tag
		for _, format := range Formats {
			if !format.CanDecode() {
				continue
			}
			for _, it := range []quiz.Item{sba, short} {
				var buf bytes.Buffer
				_, err := EncodeWith(&buf, format, quiz.Bank{Name: "Fuzz", Items: []quiz.Item{it}}, EncodeOptions{})
				var ue *UnsupportedError
				if errors.As(err, &ue) {
					if ue.Skipped[0].Reason == "" {
						t.Fatalf("%s: refusal without a reason", format)
					}
					continue
				}
				if err != nil {
					t.Fatalf("%s: Encode = %v", format, err)
				}
				got, err := Decode(bytes.NewReader(buf.Bytes()), format)
				if err != nil {
					t.Fatalf("%s: Decode of our own output = %v\n%s", format, err, buf.String())
				}
				if len(got.Items) != 1 {
					t.Fatalf("%s: Decode gave %d items; want 1\n%s", format, len(got.Items), buf.String())
				}
				if want := carried(format, it); !equalItem(got.Items[0], want) {
					t.Fatalf("%s: round trip:\n got %+v\nwant %+v\n%s", format, norm(got.Items[0]), norm(want), buf.String())
				}
			}
		}
	})
}

// TestFuzzSeedsAreHostile keeps the seed corpus honest: it must hold every
// GIFT special, XML special and CDATA end.
func TestFuzzSeedsAreHostile(t *testing.T) {
	all := strings.Join(hostile, "")
	for _, s := range []string{"~", "=", "#", "{", "}", ":", `\`, "<", ">", "&", `"`, "'", "]]>", "\n", "\r", "🩺"} {
		if !strings.Contains(all, s) {
			t.Errorf("hostile texts lack %q", s)
		}
	}
}
