package localembed

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestNormStats(t *testing.T) {
	if os.Getenv("BEDSIDE_QUALITY") != "norms" {
		t.Skip()
	}
	mq, _ := loadMedquad(filepath.Join(dataDir(), "medquad"))
	pq, _ := loadPubMedQA(filepath.Join(dataDir(), "pubmedqa", "pubmedqa_pqal.jsonl"))
	cfg := defaultConfig(DefaultDim)
	for _, b := range []*benchmark{mq, pq} {
		fs := sparseFeatures(cfg, b.docs)
		var ns []float64
		var words []float64
		for i, f := range fs {
			var ss float64
			for _, x := range f {
				ss += x.v * x.v
			}
			ns = append(ns, math.Sqrt(ss))
			words = append(words, float64(len(splitWords(b.docs[i]))))
		}
		var mean, wmean float64
		for i := range ns {
			mean += ns[i] / float64(len(ns))
			wmean += words[i] / float64(len(ns))
		}
		s := slices.Clone(ns)
		slices.Sort(s)
		t.Logf("%s: norm mean %.2f median %.2f p10 %.2f p90 %.2f; words mean %.0f", b.name, mean, s[len(s)/2], s[len(s)/10], s[len(s)*9/10], wmean)
		for _, n := range []int{50, 100, 200, 300, 500} {
			var sum float64
			var c int
			for i := range ns {
				if math.Abs(words[i]-float64(n)) < float64(n)/10 {
					sum += ns[i]
					c++
				}
			}
			if c > 0 {
				t.Logf("  ~%d words: mean norm %.2f (%d docs)", n, sum/float64(c), c)
			}
		}
	}
}

func splitWords(s string) []string {
	var out []string
	start := -1
	for i, r := range s + " " {
		if r == ' ' || r == '\n' || r == '\t' {
			if start >= 0 {
				out = append(out, s[start:i])
			}
			start = -1
		} else if start < 0 {
			start = i
		}
	}
	return out
}
