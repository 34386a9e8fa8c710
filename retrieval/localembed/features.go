package localembed

import (
	"fmt"
	"math"
	"strings"

	"github.com/bedside-ai/bedside/internal/terms"
)

// config holds every setting that changes vectors. Only Dim is public; the
// rest exist so that the quality tests can measure what each feature buys.
type config struct {
	dim int
	// Feature weights; zero turns a feature off.
	unigram, concept, bigram, chargram float64
	minN, maxN                         int  // character n-gram lengths
	common                             int  // tiers of commonWords applied: 0, 1 or 2
	spelling                           bool // map British spellings to American before analysis
	// Pivoted length normalisation of passages (see project): slope 0
	// means plain cosine vectors for every text.
	slope, pivot float64
	// hashes is how many signed positions each feature takes (0 means 1).
	hashes int
	// expand is the weight of a concept's canonical words and bigrams,
	// added where a text names the concept otherwise ("heart attack" adds
	// myocardial, infarction).
	expand float64
}

func defaultConfig(dim int) config {
	return config{
		dim:      dim,
		unigram:  1,
		concept:  0.8,
		bigram:   0.8,
		chargram: 0.8,
		minN:     3,
		maxN:     5,
		common:   1,
		spelling: true,
		slope:    0.6,
		pivot:    17.5,
		hashes:   2,
		expand:   1,
	}
}

func (c config) model() string {
	m := fmt.Sprintf("bedside-local-v%d/%d", version, c.dim)
	d := defaultConfig(c.dim)
	if c.slope == 0 {
		m += "/symmetric"
		d.slope = 0
	}
	if c != d {
		m += fmt.Sprintf("+u%g,c%g,b%g,g%g:%d-%d,common=%d,spell=%t,slope=%g,pivot=%g,hashes=%d,expand=%g",
			c.unigram, c.concept, c.bigram, c.chargram, c.minN, c.maxN, c.common, c.spelling, c.slope, c.pivot, c.hashes, c.expand)
	}
	return m
}

// Feature kinds, hashed first so that a word, a concept and an n-gram with
// the same spelling land in different places.
const (
	kindUnigram byte = 'u'
	kindBigram  byte = 'b'
	kindConcept byte = 'c'
	kindChar    byte = 'g'
	kindEmpty   byte = 'e'
)

// A token is one word of a text after analysis.
type token struct {
	surface    string  // as written
	norm       string  // lower-case, American spelling: source of n-grams
	term       string  // stem; "" for a stop word
	weight     float64 // 1, or less for a common word
	start, end int     // byte offsets
}

type feature struct {
	h uint64  // hash: index and sign
	w float64 // sum of the weights of its occurrences
	n int32   // occurrences
}

// A featurizer turns one text into a vector. It holds scratch space, so one
// goroutine uses it at a time.
type featurizer struct {
	cfg   *config
	lex   *lexicon
	index map[uint64]int32
	feats []feature
	toks  []token
	words []int // indexes into toks of non-stop words
	brk   []bool
	acc   []float64
	// cache holds the analysis of words seen before, by spelling.
	cache map[string]analysed
	// uniq counts the distinct words of a text, in order of appearance.
	uniq      map[string]int32
	uniqWords []wordCount
}

type analysed struct {
	norm, term string
	weight     float64
}

type wordCount struct {
	norm   string
	weight float64
	n      int32
}

// maxCache bounds featurizer.cache; it is emptied when full.
const maxCache = 1 << 16

func newFeaturizer(cfg *config, lex *lexicon) *featurizer {
	return &featurizer{
		cfg:   cfg,
		lex:   lex,
		index: make(map[uint64]int32, 1024),
		acc:   make([]float64, cfg.dim),
		cache: make(map[string]analysed),
		uniq:  make(map[string]int32),
	}
}

// add records n occurrences of feature h whose weights sum to w.
func (f *featurizer) add(h uint64, w float64, n int32) {
	if i, ok := f.index[h]; ok {
		f.feats[i].w += w
		f.feats[i].n += n
		return
	}
	f.index[h] = int32(len(f.feats))
	f.feats = append(f.feats, feature{h: h, w: w, n: n})
}

// embed writes the unit-length vector of text into out: a passage's, or a
// query's if query is set.
func (f *featurizer) embed(text string, out []float32, query bool) {
	f.extract(text)
	f.project(out, query)
}

// extract fills f.feats with the features of text.
func (f *featurizer) extract(text string) {
	clear(f.index)
	f.feats = f.feats[:0]
	f.analyze(text)
	c := f.cfg

	// Unigrams word by word; character n-grams once per distinct word.
	clear(f.uniq)
	f.uniqWords = f.uniqWords[:0]
	for _, i := range f.words {
		t := &f.toks[i]
		if c.unigram != 0 {
			f.add(hashKind(kindUnigram, t.term), float64(c.unigram*t.weight), 1)
		}
		if c.chargram != 0 && !isNumeric(t.norm) {
			if j, ok := f.uniq[t.norm]; ok {
				f.uniqWords[j].n++
			} else {
				f.uniq[t.norm] = int32(len(f.uniqWords))
				f.uniqWords = append(f.uniqWords, wordCount{t.norm, t.weight, 1})
			}
		}
	}
	for _, u := range f.uniqWords {
		f.charGrams(u.norm, float64(c.chargram*u.weight), u.n)
	}
	// Word bigrams: adjacent non-stop words with no sentence break between.
	if c.bigram != 0 {
		for k := 1; k < len(f.words); k++ {
			if f.brk[k] {
				continue
			}
			a, b := &f.toks[f.words[k-1]], &f.toks[f.words[k]]
			h := hashKind(kindBigram, a.term)
			h = hashByte(h, 0x1f)
			h = hashString(h, b.term)
			f.add(h, float64(c.bigram*min(a.weight, b.weight)), 1)
		}
	}
	if c.concept != 0 {
		f.concepts()
	}
}

// value is the weight of a feature in the vector before normalisation: its
// mean weight times 1 + ln n for n occurrences. The product is rounded
// explicitly so that no platform fuses it into a multiply-add.
func (ft feature) value() float64 {
	return float64(float64(ft.w/float64(ft.n)) * tfWeight(int(ft.n)))
}

// project hashes f.feats into out, signed, and scales out to unit length.
//
// With pivoted normalisation (slope s > 0), dimension 0 is reserved and
// features are hashed into the others. A query is scaled to unit length and
// has 0 in dimension 0. A passage x is scaled by s/g, where
// g = (1-s)·pivot + s·|x|, and dimension 0 takes the rest of its unit
// length, sqrt(1 - (s·|x|/g)²). A query's inner product with a passage is
// then s·(q·x)/(|q|·g): cosine similarity with the penalty for long
// passages softened (Singhal, Buckley and Mitra, "Pivoted document length
// normalization", SIGIR 1996).
func (f *featurizer) project(out []float32, query bool) {
	c := f.cfg
	acc := f.acc
	clear(acc)
	off, n := 0, uint64(c.dim)
	if c.slope > 0 {
		off, n = 1, uint64(c.dim-1)
	}
	k := max(c.hashes, 1)
	each := 1 / math.Sqrt(float64(k))
	for _, ft := range f.feats {
		v := ft.value()
		if k > 1 {
			v = float64(v * each)
		}
		for i := range k {
			h := mix(ft.h + uint64(i)*0x9e3779b97f4a7c15)
			x := v
			if h>>63 != 0 {
				x = -x
			}
			acc[off+int(h%n)] += x
		}
	}
	var ss float64
	for _, x := range acc {
		ss += float64(x * x)
	}
	if c.slope == 0 {
		if ss == 0 {
			// No words, or every feature cancelled out: a fixed vector.
			acc[mix(hashKind(kindEmpty, ""))%n] = 1
			ss = 1
		}
		norm := math.Sqrt(ss)
		for i, x := range acc {
			out[i] = float32(x / norm)
		}
		return
	}
	clear(out)
	if ss == 0 {
		out[0] = 1
		return
	}
	norm := math.Sqrt(ss)
	if query {
		for i, x := range acc {
			out[i] = float32(x / norm)
		}
		return
	}
	g := float64((1-c.slope)*c.pivot) + float64(c.slope*norm)
	scale := c.slope / g
	for i, x := range acc {
		out[i] = float32(float64(x * scale))
	}
	frac := float64(norm * scale)
	out[0] = float32(math.Sqrt(max(0, 1-float64(frac*frac))))
}

// analyze splits text into tokens and records which adjacent non-stop words
// are separated by a sentence break.
func (f *featurizer) analyze(text string) {
	f.toks = f.toks[:0]
	f.words = f.words[:0]
	f.brk = f.brk[:0]
	for _, t := range terms.Tokens(text) {
		a, ok := f.cache[t.Text]
		if !ok {
			a = f.analyzeWord(t)
			if len(f.cache) >= maxCache {
				clear(f.cache)
			}
			f.cache[t.Text] = a
		}
		f.toks = append(f.toks, token{surface: t.Text, norm: a.norm, term: a.term, weight: a.weight, start: t.Start, end: t.End})
		term := a.term
		if term != "" {
			k := len(f.toks) - 1
			brk := true
			if n := len(f.words); n > 0 {
				brk = hasBreak(text[f.toks[f.words[n-1]].end:t.Start])
			}
			f.words = append(f.words, k)
			f.brk = append(f.brk, brk)
		}
	}
}

// analyzeWord returns the lower-case American spelling of a word, its stem
// and its weight.
func (f *featurizer) analyzeWord(t terms.Token) analysed {
	lower := strings.ToLower(t.Text)
	a := analysed{norm: lower, term: t.Term, weight: 1}
	if f.cfg.spelling {
		if am := american(lower); am != lower {
			a.norm, a.term = am, terms.Term(am)
		}
	}
	if f.cfg.common > 0 && a.term != "" {
		if cw, ok := f.lex.common[f.cfg.common-1][a.term]; ok {
			a.weight = cw
		}
	}
	return a
}

// hasBreak reports whether the text between two words ends a clause:
// sentence punctuation, brackets or a line break.
func hasBreak(gap string) bool {
	return strings.ContainsAny(gap, ".;:!?()[]{}\n\r\t•|")
}

// charGrams adds the character n-grams of word, found n times, marked at
// both ends ("<wo", "wor", … "rd>"). They share weight w between them, so
// that a long word does not outweigh a short one. Words no longer than the
// shortest n-gram give one whole-word gram.
func (f *featurizer) charGrams(word string, w float64, n int32) {
	c := f.cfg
	size := len(word) + 2
	total := 0
	for k := c.minN; k <= c.maxN; k++ {
		if size >= k {
			total += size - k + 1
		}
	}
	if total == 0 {
		f.add(charHash(word, 0, size), float64(w*float64(n)), n)
		return
	}
	each := float64(float64(w/math.Sqrt(float64(total))) * float64(n))
	for k := c.minN; k <= c.maxN; k++ {
		for s := 0; s+k <= size; s++ {
			f.add(charHash(word, s, s+k), each, n)
		}
	}
}

// charHash hashes bytes [i, j) of "<" + word + ">" without building it.
func charHash(word string, i, j int) uint64 {
	h := hashByte(offset64, kindChar)
	for p := i; p < j; p++ {
		switch {
		case p == 0:
			h = hashByte(h, '<')
		case p == len(word)+1:
			h = hashByte(h, '>')
		default:
			h = hashByte(h, word[p-1])
		}
	}
	return h
}

// concepts adds the feature of every synonym-table concept named in the
// text: phrases matched on stems (stop words skipped, never across a
// sentence break) and case-sensitive abbreviations matched on the word as
// written.
func (f *featurizer) concepts() {
	lex := f.lex
	w := f.cfg.concept
	cw := func(id int32) float64 {
		if f.cfg.common == 0 {
			return 1
		}
		return lex.conceptWeight[f.cfg.common-1][id]
	}
	for k := range f.words {
		h := offset64
		for l := 0; l < lex.maxLen && k+l < len(f.words); l++ {
			if l > 0 {
				if f.brk[k+l] {
					break
				}
				h = hashByte(h, 0x1f)
			}
			h = hashString(h, f.toks[f.words[k+l]].term)
			for _, id := range lex.phrases[h] {
				f.add(lex.conceptHash[id], float64(w*cw(id)), 1)
				if h != lex.canonicalKey[id] {
					f.expand(id)
				}
			}
		}
	}
	for i := range f.toks {
		for _, id := range lex.exact[f.toks[i].surface] {
			f.add(lex.conceptHash[id], float64(w*cw(id)), 1)
			f.expand(id)
		}
	}
}

// expand adds the words and bigrams of concept id's canonical name, at
// weight cfg.expand, for a text that names the concept otherwise.
func (f *featurizer) expand(id int32) {
	c := f.cfg
	if c.expand == 0 {
		return
	}
	stems := f.lex.canonical[id]
	weight := func(s string) float64 {
		if c.common > 0 {
			if w, ok := f.lex.common[c.common-1][s]; ok {
				return w
			}
		}
		return 1
	}
	for i, s := range stems {
		if c.unigram != 0 {
			f.add(hashKind(kindUnigram, s), float64(float64(c.expand*c.unigram)*weight(s)), 1)
		}
		if i > 0 && c.bigram != 0 {
			h := hashKind(kindBigram, stems[i-1])
			h = hashByte(h, 0x1f)
			h = hashString(h, s)
			f.add(h, float64(float64(c.expand*c.bigram)*min(weight(stems[i-1]), weight(s))), 1)
		}
	}
}

func isNumeric(w string) bool {
	for i := 0; i < len(w); i++ {
		if (w[i] < '0' || w[i] > '9') && w[i] != '.' {
			return false
		}
	}
	return true
}

// FNV-1a, 64-bit.
const (
	offset64 uint64 = 14695981039346656037
	prime64  uint64 = 1099511628211
)

func hashByte(h uint64, b byte) uint64 { return (h ^ uint64(b)) * prime64 }

func hashString(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * prime64
	}
	return h
}

func hashKind(kind byte, s string) uint64 { return hashString(hashByte(offset64, kind), s) }

// mix is the MurmurHash3 64-bit finaliser: it spreads FNV's weak low bits,
// which choose the dimension, and its top bit chooses the sign.
func mix(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}

// tfWeight returns 1 + ln n, computed with rounded basic operations only
// (not math.Log, whose last bit may differ between platforms), so that it
// is identical on every machine.
func tfWeight(n int) float64 {
	if n <= 1 {
		return 1
	}
	if n < len(tfTable) {
		return tfTable[n]
	}
	return float64(1 + detLog(float64(n)))
}

var tfTable = func() (t [1024]float64) {
	for n := range t {
		if n > 0 {
			t[n] = float64(1 + detLog(float64(n)))
		}
	}
	return t
}()

// detLog returns ln x for x ≥ 1: x = m·2^k with m in [1, 2), and
// ln m = 2·atanh(z), z = (m-1)/(m+1) ≤ 1/3, summed as a series to well
// below float64 precision. Each operation is rounded explicitly.
func detLog(x float64) float64 {
	const ln2 = 0.693147180559945309417232121458176568
	k := 0
	for x >= 2 {
		x /= 2
		k++
	}
	z := float64((x - 1) / (x + 1))
	z2 := float64(z * z)
	term, sum := z, 0.0
	for i := 1; i < 60; i += 2 {
		sum += float64(term / float64(i))
		term = float64(term * z2)
	}
	return float64(float64(k)*ln2) + float64(2*sum)
}
