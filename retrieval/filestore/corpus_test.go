package filestore

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/retrieval/guidance"
)

// synth makes a deterministic synthetic corpus: documents of chunksPerDoc
// chunks of Zipf-distributed pseudo-words, with random unit vectors.
// Document i has Publisher "pub-%02d" (i%100: a 1% filter) and Specialty
// "spec-%d" (i%10: a 10% filter).
type synth struct {
	r     *rand.Rand
	vocab []string
	zipf  *rand.Zipf
	dim   int
}

func newSynth(seed uint64, dim int) *synth {
	// The vocabulary is the same for every seed, so queries made with one
	// seed find documents made with another.
	vr := rand.New(rand.NewPCG(1, 7))
	r := rand.New(rand.NewPCG(seed, 7))
	syll := []string{"ba", "ce", "di", "fo", "gu", "ha", "ji", "ko", "lu", "ma", "ne", "pi", "ro", "su", "ta", "ve", "wi", "xo", "ya", "ze", "bra", "cle", "dro", "fli", "gra", "pla", "sto", "tri"}
	seen := make(map[string]bool)
	var vocab []string
	for len(vocab) < 30000 {
		n := 2 + vr.IntN(3)
		var b strings.Builder
		for range n {
			b.WriteString(syll[vr.IntN(len(syll))])
		}
		w := b.String()
		if !seen[w] {
			seen[w] = true
			vocab = append(vocab, w)
		}
	}
	return &synth{r: r, vocab: vocab, zipf: rand.NewZipf(r, 1.1, 2, uint64(len(vocab)-1)), dim: dim}
}

func (s *synth) words(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s.vocab[s.zipf.Uint64()])
	}
	return b.String()
}

func (s *synth) vector() []float32 {
	v := make([]float32, s.dim)
	for i := range v {
		v[i] = float32(s.r.NormFloat64())
	}
	return retrieval.Normalize(v)
}

// entries returns n documents (from index first) of chunksPerDoc chunks.
func (s *synth) entries(first, n, chunksPerDoc int) []retrieval.Entry {
	out := make([]retrieval.Entry, n)
	for i := range n {
		di := first + i
		d := &guidance.Document{Metadata: guidance.Metadata{
			ID:          fmt.Sprintf("doc%06d", di),
			Title:       "Synthetic " + s.words(3),
			Version:     "1",
			Status:      guidance.Approved,
			Publisher:   fmt.Sprintf("pub-%02d", di%100),
			Specialties: []string{fmt.Sprintf("spec-%d", di%10)},
		}}
		var body strings.Builder
		for j := range chunksPerDoc {
			if j > 0 {
				body.WriteString("\n\n")
			}
			text := s.words(80+s.r.IntN(60)) + "."
			d.Sections = append(d.Sections, guidance.Section{Heading: []string{fmt.Sprintf("Part %d", j)}, Text: text, Offset: body.Len()})
			body.WriteString(text)
		}
		d.Body = body.String()
		chunks := make([]retrieval.Chunk, chunksPerDoc)
		vecs := make([][]float32, chunksPerDoc)
		for j, sec := range d.Sections {
			chunks[j] = retrieval.Chunk{
				ID: retrieval.ChunkID(d.ID, d.Version, j, 0), DocumentID: d.ID, Version: d.Version,
				Section: j, Heading: sec.Heading, Text: sec.Text, Start: sec.Offset, End: sec.Offset + len(sec.Text),
				Hash: fmt.Sprintf("%064x", di*1000+j), EmbedKey: fmt.Sprintf("%064x", di*1000+j+7),
				Tokens: len(sec.Text) / 5, Context: d.Title + " › " + sec.Heading[0],
			}
			vecs[j] = s.vector()
		}
		out[i] = retrieval.Entry{Document: d, Chunks: chunks, Vectors: vecs, Model: "synthetic"}
	}
	return out
}
