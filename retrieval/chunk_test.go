package retrieval

import (
	"strings"
	"testing"

	"github.com/bedside-ai/bedside/retrieval/guidance"
)

func testDoc(sections ...string) *guidance.Document {
	d := &guidance.Document{Metadata: guidance.Metadata{ID: "d", Title: "Title", Version: "1", Status: guidance.Approved}}
	var b strings.Builder
	for i, s := range sections {
		if i > 0 {
			b.WriteString("\n\n")
		}
		d.Sections = append(d.Sections, guidance.Section{Heading: []string{"Title", "H" + string(rune('A'+i))}, Text: s, Offset: b.Len()})
		b.WriteString(s)
	}
	d.Body = b.String()
	return d
}

func TestChunkerInvariants(t *testing.T) {
	long := strings.Repeat("Give oxygen to keep saturation between 94 and 98 percent. ", 40)
	huge := strings.Repeat("word ", 2000) // one sentence, no punctuation
	d := testDoc("Short section.", long, huge)
	for _, c := range []Chunker{{}, {MaxTokens: 50, Overlap: 10}, {MaxTokens: 50, Overlap: -1}, {MaxTokens: 8}} {
		maxTok, _, count := c.params()
		chunks := c.Split(d)
		if len(chunks) < 3 {
			t.Fatalf("%+v: %d chunks; want at least one per section", c, len(chunks))
		}
		seen := map[string]bool{}
		for _, ch := range chunks {
			if d.Body[ch.Start:ch.End] != ch.Text {
				t.Errorf("%+v: chunk %s text does not match Body[%d:%d]", c, ch.ID, ch.Start, ch.End)
			}
			if ch.Tokens > maxTok && count(ch.Text) > maxTok && strings.Contains(ch.Text, " ") {
				t.Errorf("%+v: chunk %s has %d tokens; max %d", c, ch.ID, ch.Tokens, maxTok)
			}
			if seen[ch.ID] {
				t.Errorf("%+v: duplicate chunk ID %s", c, ch.ID)
			}
			seen[ch.ID] = true
			if ch.ID != ChunkID("d", "1", ch.Section, ch.Ordinal) {
				t.Errorf("chunk ID %s does not match section %d ordinal %d", ch.ID, ch.Section, ch.Ordinal)
			}
			if len(ch.Hash) != 64 || len(ch.EmbedKey) != 64 || ch.Hash == ch.EmbedKey {
				t.Errorf("chunk %s hash %q embed key %q", ch.ID, ch.Hash, ch.EmbedKey)
			}
			if ch.Context != "Title › "+ch.Heading[1] {
				t.Errorf("chunk %s context = %q; want the title and heading without the repeated title", ch.ID, ch.Context)
			}
		}
	}
}

func TestChunkerStableAndOverlapping(t *testing.T) {
	var sents []string
	for i := range 30 {
		sents = append(sents, "Sentence number "+strings.Repeat("x", i%5+1)+" about fluids.")
	}
	d := testDoc(strings.Join(sents, " "))
	c := Chunker{MaxTokens: 30, Overlap: 8}
	a, b := c.Split(d), c.Split(d)
	if len(a) != len(b) {
		t.Fatalf("Split is not deterministic")
	}
	for i := range a {
		if a[i].ID != b[i].ID || a[i].Hash != b[i].Hash {
			t.Fatalf("Split is not deterministic at %d", i)
		}
	}
	for i := 1; i < len(a); i++ {
		if a[i].Start >= a[i-1].End {
			t.Errorf("chunk %d starts at %d, after previous end %d: no overlap", i, a[i].Start, a[i-1].End)
		}
		if a[i].Start <= a[i-1].Start {
			t.Errorf("chunk %d does not advance", i)
		}
	}
	noOverlap := Chunker{MaxTokens: 30, Overlap: -1}.Split(d)
	for i := 1; i < len(noOverlap); i++ {
		if noOverlap[i].Start < noOverlap[i-1].End {
			t.Errorf("Overlap -1: chunk %d overlaps the previous one", i)
		}
	}
}

func TestEstimateTokens(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"", 0},
		{"Give oxygen.", 3},
		{"hypoglycaemia", 3},
		{"2.5 mg", 4},
	}
	for _, tt := range tests {
		if got := EstimateTokens(tt.in); got != tt.want {
			t.Errorf("EstimateTokens(%q) = %d; want %d", tt.in, got, tt.want)
		}
	}
}
