package redflag_test

import (
	"testing"

	"github.com/bedside-ai/bedside/tutor/redflag"
)

func FuzzDetect(f *testing.F) {
	for _, tc := range detectTests {
		f.Add(tc.text)
	}
	f.Add("bed 4 resps 32, BP 80/40/20, RR RR RR 5, ketones ketones 3.5.5")
	f.Add("no no no not denies, or, nor chest pain pain\n\n—…’’ ﬁ \xff\xfe")
	var d redflag.Detector
	anyFraming, err := redflag.New(redflag.Options{AnyFraming: true})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, det := range []*redflag.Detector{&d, anyFraming} {
			for _, fl := range det.Detect(text) {
				checkEvidence(t, text, fl)
			}
		}
	})
}
