package eval

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"

	"github.com/bedside-ai/bedside/internal/clinical"
	"github.com/bedside-ai/bedside/internal/sentences"
)

// A PubMedQAItem is one item of PubMedQA (PQA-L): a question, the abstract's
// context paragraphs, and the abstract's conclusion as the long answer.
type PubMedQAItem struct {
	PMID       string   `json:"pmid"`
	Question   string   `json:"question"`
	Contexts   []string `json:"contexts"`
	LongAnswer string   `json:"long_answer"`
	Meshes     []string `json:"meshes"`
}

// ReadPubMedQA reads PubMedQA items from a JSON Lines file, one item per
// line (the layout of pubmedqa_pqal.jsonl). Fields other than those of
// [PubMedQAItem] are ignored.
func ReadPubMedQA(path string) ([]PubMedQAItem, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return DecodePubMedQA(f, path)
}

// DecodePubMedQA reads PubMedQA items from r; name is used in errors.
func DecodePubMedQA(r io.Reader, name string) ([]PubMedQAItem, error) {
	var out []PubMedQAItem
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for line := 1; sc.Scan(); line++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var it PubMedQAItem
		if err := json.Unmarshal(sc.Bytes(), &it); err != nil {
			return nil, &FormatError{File: name, Line: line, Err: fmt.Errorf("invalid JSON: %v", err)}
		}
		switch {
		case it.PMID == "":
			return nil, &FormatError{File: name, Line: line, Field: "pmid", Err: fmt.Errorf("missing")}
		case len(it.Contexts) == 0:
			return nil, &FormatError{File: name, Line: line, Field: "contexts", Err: fmt.Errorf("missing")}
		case it.LongAnswer == "":
			return nil, &FormatError{File: name, Line: line, Field: "long_answer", Err: fmt.Errorf("missing")}
		}
		out = append(out, it)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return out, nil
}

// PubMedQAOptions configure [PubMedQAPairs].
type PubMedQAOptions struct {
	// WholeAnswers makes one pair per long answer instead of one per
	// sentence of it.
	WholeAnswers bool
}

// PubMedQAPairs builds labelled grounding pairs from PubMedQA: each long
// answer (or each of its sentences) against its own item's contexts is
// Supported (kind "own"), and against the contexts of another item on a
// different topic is Unsupported (kind "other-topic"). The other item is
// chosen deterministically: walking the permutation j = (379·i + 101) mod
// n, the first item that shares no MeSH heading with item i and whose
// question shares under 10% of its content words. Pairs carry the PMID as
// their Group.
//
// The positives are noisy: a conclusion often generalises or paraphrases
// its abstract, so some "supported" pairs are not supported word for word.
func PubMedQAPairs(items []PubMedQAItem, opts PubMedQAOptions) []Pair {
	termSets := make([]map[string]bool, len(items))
	for i, it := range items {
		termSets[i] = contentTerms(it.Question)
	}
	var out []Pair
	for i, it := range items {
		j := pubmedPartner(items, termSets, i)
		var answers []string
		if opts.WholeAnswers {
			answers = []string{it.LongAnswer}
		} else {
			for _, sp := range sentences.Split(it.LongAnswer) {
				answers = append(answers, sp.Text)
			}
		}
		for k, a := range answers {
			id := it.PMID
			if !opts.WholeAnswers {
				id += "/s" + strconv.Itoa(k+1)
			}
			out = append(out,
				Pair{ID: id + "/own", Passages: it.Contexts, Answer: a, Label: Supported, Kind: "own", Group: it.PMID},
				Pair{ID: id + "/other-" + items[j].PMID, Passages: items[j].Contexts, Answer: a, Label: Unsupported, Kind: "other-topic", Group: it.PMID},
			)
		}
	}
	return out
}

func pubmedPartner(items []PubMedQAItem, termSets []map[string]bool, i int) int {
	n := len(items)
	if n < 2 {
		return i
	}
	j := (379*i + 101) % n
	for range n {
		if j != i && differentTopic(items[i], items[j], termSets[i], termSets[j]) {
			return j
		}
		j = (j + 1) % n
	}
	return (i + 1) % n
}

func differentTopic(a, b PubMedQAItem, ta, tb map[string]bool) bool {
	for _, m := range a.Meshes {
		if slices.Contains(b.Meshes, m) {
			return false
		}
	}
	inter := 0
	for k := range ta {
		if tb[k] {
			inter++
		}
	}
	union := len(ta) + len(tb) - inter
	return union == 0 || float64(inter)/float64(union) < 0.1
}

func contentTerms(s string) map[string]bool {
	m := make(map[string]bool)
	for _, t := range clinical.Analyze(s).Terms {
		m[t.Stem] = true
	}
	return m
}

// WritePairs writes pairs as JSON Lines, the format [LoadPairs] reads.
func WritePairs(w io.Writer, pairs []Pair) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for _, p := range pairs {
		if err := enc.Encode(p); err != nil {
			return err
		}
	}
	return bw.Flush()
}
