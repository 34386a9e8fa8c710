package eval

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/bedside-ai/bedside/internal/clinical"
	"github.com/bedside-ai/bedside/internal/sentences"
	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/tutor"
	"github.com/bedside-ai/bedside/tutor/grounding"
)

// newResult starts a case's result from its definition.
func newResult(c *Case) CaseResult {
	return CaseResult{
		Type: "case", ID: c.ID, Mode: c.Mode.String(), Question: c.Question, Answerable: c.Answerable,
		Tags: c.Tags, Reference: c.Reference, KeyFacts: c.KeyFacts,
		ExpectedDocuments: c.ExpectedDocuments, ExpectedPassages: c.ExpectedPassages,
	}
}

// scoreAnswer records the answer in res and measures it.
func scoreAnswer(res *CaseResult, c *Case, a *tutor.Answer, hits []retrieval.Hit, checker *grounding.Checker) {
	expected := make(map[string]bool)
	for _, d := range c.Documents() {
		expected[d] = true
	}
	res.Refused = a.Refused()
	if a.Refusal != nil {
		res.RefusalReason, res.RefusalDetail = string(a.Refusal.Reason), a.Refusal.Detail
	}
	res.Answer = a.Text
	res.Extractive, res.Regenerated = a.Flags.Extractive, a.Flags.Regenerated
	res.Usage = Usage{a.Usage.PromptTokens, a.Usage.CompletionTokens, a.Usage.TotalTokens}

	// Retrieved passages, by chunk ID for the citations.
	chunkText := make(map[string]string)
	passages := make([]string, len(hits))
	var ranked []string
	seenDoc := make(map[string]bool)
	for i, h := range hits {
		chunkText[h.Chunk.ID] = h.Chunk.Text
		passages[i] = h.Chunk.Text
		res.Retrieved = append(res.Retrieved, RetrievedPassage{Rank: i + 1, Document: h.Document.ID,
			Version: h.Document.Version, Section: h.Chunk.Heading, ChunkID: h.Chunk.ID, Expected: expected[h.Document.ID]})
		if !seenDoc[h.Document.ID] {
			seenDoc[h.Document.ID] = true
			ranked = append(ranked, h.Document.ID)
		}
	}
	if len(expected) > 0 {
		res.Scores.Retrieval = retrievalScores(ranked, expected, len(hits))
	}

	for _, ct := range a.Citations {
		res.Citations = append(res.Citations, CitationResult{N: ct.N, Document: ct.DocumentID, Version: ct.Version,
			Title: ct.Title, Section: ct.Section, ChunkID: ct.ChunkID, Quote: ct.Quote,
			Expected: expected[ct.DocumentID], ReviewOverdue: ct.ReviewOverdue})
	}

	// Sentences: re-check against the cited passages and all retrieved
	// ones, independently of the tutor's own verification.
	var answerText []string
	for _, s := range a.Sentences {
		answerText = append(answerText, s.Text)
		var cited []string
		seen := make(map[string]bool)
		for _, ci := range s.Citations {
			if ci < 0 || ci >= len(a.Citations) {
				continue
			}
			id := a.Citations[ci].ChunkID
			if !seen[id] {
				seen[id] = true
				if t, ok := chunkText[id]; ok {
					cited = append(cited, t)
				} else {
					cited = append(cited, a.Citations[ci].Quote)
				}
			}
		}
		sr := SentenceResult{Text: s.Text, Citations: s.Citations,
			Cited: verdictOf(checker, s.Text, cited), Retrieved: verdictOf(checker, s.Text, passages)}
		sr.Numbers, sr.Unmatched = numbersFound(s.Text, cited)
		res.Sentences = append(res.Sentences, sr)
		if sr.Cited.Claim() {
			res.Scores.GroundedCited.Den++
			if sr.Cited.Supported() {
				res.Scores.GroundedCited.Num++
			}
		}
		if sr.Retrieved.Claim() {
			res.Scores.GroundedRetrieved.Den++
			if sr.Retrieved.Supported() {
				res.Scores.GroundedRetrieved.Num++
			}
		}
		res.Scores.Numbers = res.Scores.Numbers.Add(sr.Numbers)
	}
	for _, r := range a.Flags.Removed {
		res.Removed = append(res.Removed, RemovedResult{Text: r.Text, Reason: r.Reason, Retrieved: verdictOf(checker, r.Text, passages)})
	}
	if !a.Flags.Extractive && !res.Refused || len(a.Flags.Removed) > 0 {
		res.Scores.Draft = Ratio{Num: len(a.Sentences), Den: len(a.Sentences) + len(a.Flags.Removed)}
	}

	// Citations against expectations: distinct documents and chunks.
	if len(expected) > 0 && !res.Refused {
		citedDocs := make(map[string]bool)
		for _, ct := range res.Citations {
			citedDocs[ct.Document] = true
		}
		for d := range citedDocs {
			res.Scores.CitationPrecision.Den++
			if expected[d] {
				res.Scores.CitationPrecision.Num++
			}
		}
		res.Scores.CitationRecall.Den = len(expected)
		for d := range expected {
			if citedDocs[d] {
				res.Scores.CitationRecall.Num++
			}
		}
	}
	if len(c.ExpectedPassages) > 0 && !res.Refused {
		citedChunks := make(map[string]CitationResult)
		for _, ct := range res.Citations {
			citedChunks[ct.ChunkID] = ct
		}
		matched := make([]bool, len(c.ExpectedPassages))
		for id, ct := range citedChunks {
			res.Scores.PassagePrecision.Den++
			hit := false
			for i, p := range c.ExpectedPassages {
				if passageMatches(p, ct, chunkText[id]) {
					matched[i], hit = true, true
				}
			}
			if hit {
				res.Scores.PassagePrecision.Num++
			}
		}
		res.Scores.PassageRecall.Den = len(c.ExpectedPassages)
		for _, m := range matched {
			if m {
				res.Scores.PassageRecall.Num++
			}
		}
	}

	// Key facts: each must be supported by the answer text, checked with
	// the answer as the passage.
	if len(c.KeyFacts) > 0 && !res.Refused {
		text := strings.Join(answerText, " ")
		res.Scores.KeyFacts.Den = len(c.KeyFacts)
		for _, f := range c.KeyFacts {
			if checker.Check(f, text).Supported() {
				res.Scores.KeyFacts.Num++
			} else {
				res.Scores.MissingFacts = append(res.Scores.MissingFacts, f)
			}
		}
	}
}

// judgeSentences returns the texts the judge is asked about: the shown
// sentences, then the removed ones.
func judgeSentences(res *CaseResult) []string {
	var out []string
	for _, s := range res.Sentences {
		out = append(out, s.Text)
	}
	for _, r := range res.Removed {
		out = append(out, r.Text)
	}
	return out
}

// applyJudgement records the judge's verdicts and their agreement with the
// checker (both against the retrieved passages).
func applyJudgement(res *CaseResult, j *Judgement) {
	var agree Confusion
	k := 0
	record := func(checker Verdict, dst **bool) {
		v := j.Supported[k]
		k++
		*dst = &v
		if !checker.Claim() {
			return
		}
		res.Scores.Judge.Den++
		if v {
			res.Scores.Judge.Num++
		}
		agree.Add(checker.Supported(), v)
	}
	for i := range res.Sentences {
		record(res.Sentences[i].Retrieved, &res.Sentences[i].Judge)
	}
	for i := range res.Removed {
		record(res.Removed[i].Retrieved, &res.Removed[i].Judge)
	}
	res.Scores.JudgeAgreement = &agree
	res.JudgeUsage = Usage{j.Usage.PromptTokens, j.Usage.CompletionTokens, j.Usage.TotalTokens}
}

// decide sets the case's status and the reasons for a failure.
func decide(res *CaseResult) {
	var reasons []string
	switch {
	case !res.Answerable && !res.Refused:
		reasons = append(reasons, fmt.Sprintf("should refuse (the guidance does not cover it) but answered: %q%s",
			clip(res.Answer, 160), citedList(res.Citations)))
	case res.Answerable && res.Refused:
		reasons = append(reasons, fmt.Sprintf("should answer but refused (%s): %s", res.RefusalReason, res.RefusalDetail))
	case res.Answerable:
		for i, s := range res.Sentences {
			if s.Cited.Claim() && !s.Cited.Supported() {
				reasons = append(reasons, fmt.Sprintf("sentence %d is not supported by its cited passages (%s): %q",
					i+1, strings.Join(s.Cited.Problems, "; "), clip(s.Text, 160)))
			}
			if len(s.Unmatched) > 0 {
				reasons = append(reasons, fmt.Sprintf("sentence %d states %s, not found in its cited passages",
					i+1, strings.Join(quoteAll(s.Unmatched), ", ")))
			}
		}
		for _, f := range res.Scores.MissingFacts {
			reasons = append(reasons, fmt.Sprintf("key fact missing from the answer: %q", f))
		}
		if r := res.Scores.CitationRecall; r.Den > 0 && r.Num == 0 {
			reasons = append(reasons, fmt.Sprintf("cites none of the expected documents (%s)%s",
				strings.Join(res.ExpectedDocuments, ", "), citedList(res.Citations)))
		}
	}
	res.Reasons = reasons
	res.Status = Pass
	if len(reasons) > 0 {
		res.Status = Fail
	}
}

func citedList(cs []CitationResult) string {
	var docs []string
	for _, c := range cs {
		if !slices.Contains(docs, c.Document) {
			docs = append(docs, c.Document)
		}
	}
	if len(docs) == 0 {
		return ""
	}
	return "; cited " + strings.Join(docs, ", ")
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8Start(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

// verdictOf checks text against passages (all cited).
func verdictOf(c *grounding.Checker, text string, passages []string) Verdict {
	if len(passages) == 0 {
		return Verdict{Verdict: grounding.Unsupported.String(), Problems: []string{"NoCitation: cites no passage"}}
	}
	res := c.Check(text, passages...)
	v := Verdict{Verdict: res.Verdict.String(), Score: math.Round(res.Score*1e6) / 1e6}
	for _, p := range res.Problems {
		v.Problems = append(v.Problems, p.String())
	}
	return v
}

// passageMatches reports whether citation ct (of a chunk with text) is the
// expected passage p.
func passageMatches(p PassageRef, ct CitationResult, text string) bool {
	if ct.Document != p.Document {
		return false
	}
	if p.Section != "" {
		found := false
		for _, h := range ct.Section {
			if strings.EqualFold(strings.TrimSpace(h), p.Section) {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	if p.Contains != "" {
		norm := func(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }
		if text == "" {
			text = ct.Quote
		}
		return strings.Contains(norm(text), norm(p.Contains))
	}
	return true
}

// retrievalScores scores ranked documents against the expected ones at k.
func retrievalScores(ranked []string, expected map[string]bool, k int) *RetrievalScores {
	s := &RetrievalScores{K: k}
	found := 0
	dcg := 0.0
	for i, d := range ranked {
		if expected[d] {
			found++
			if s.RR == 0 {
				s.RR = 1 / float64(i+1)
			}
			dcg += 1 / math.Log2(float64(i+2))
		}
	}
	idcg := 0.0
	for i := range min(len(expected), max(len(ranked), 1)) {
		idcg += 1 / math.Log2(float64(i+2))
	}
	s.Recall = float64(found) / float64(len(expected))
	if idcg > 0 {
		s.NDCG = dcg / idcg
	}
	return s
}

// numbersFound checks each quantity and frequency of sentence against those
// of the passages.
func numbersFound(sentence string, passages []string) (Ratio, []string) {
	st := clinical.Analyze(sentence)
	var r Ratio
	var unmatched []string
	if len(st.Quantities) == 0 && len(st.Frequencies) == 0 {
		return r, nil
	}
	var qs []clinical.Quantity
	freqs := make(map[string]bool)
	for _, p := range passages {
		for _, sp := range sentences.Split(p) {
			t := clinical.Analyze(sp.Text)
			qs = append(qs, t.Quantities...)
			for _, f := range t.Frequencies {
				freqs[f.Key] = true
			}
		}
	}
	for _, q := range st.Quantities {
		if q.Frequency {
			continue // checked as part of its frequency
		}
		r.Den++
		ok := false
		for _, w := range qs {
			if q.Unit.IsZero() || w.Unit.IsZero() {
				ok = ok || q.Value == w.Value
			} else {
				ok = ok || clinical.Same(q.Value, q.Unit, w.Value, w.Unit)
			}
		}
		if ok {
			r.Num++
		} else {
			unmatched = append(unmatched, strings.TrimSpace(sentence[q.Start:q.End]))
		}
	}
	for _, f := range st.Frequencies {
		r.Den++
		if freqs[f.Key] {
			r.Num++
		} else {
			unmatched = append(unmatched, strings.TrimSpace(sentence[f.Start:f.End]))
		}
	}
	return r, unmatched
}
