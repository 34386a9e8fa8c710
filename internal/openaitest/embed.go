package openaitest

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math"
	"net/http"
	"strings"
	"unicode"
)

// Vector returns the embedding the server gives text at the given size:
// a unit vector made by hashing the text's lower-cased words into
// dimensions, plus a little noise seeded by the whole text. Texts that
// share words therefore point in similar directions, which makes the fake
// usable for retrieval tests; distinct texts never share a vector. The
// result depends only on text and dims.
func Vector(text string, dims int) []float32 {
	if dims <= 0 {
		return nil
	}
	v := make([]float64, dims)
	for _, w := range words(text) {
		h := hash64(w)
		for range 4 {
			h = splitmix64(h)
			sign := 1.0
			if h>>63 == 1 {
				sign = -1
			}
			v[h%uint64(dims)] += sign
		}
	}
	noise := 0.5 / math.Sqrt(float64(dims))
	h := hash64(text) ^ 0x9e3779b97f4a7c15
	for i := range v {
		h = splitmix64(h)
		v[i] += noise * (float64(h>>11)/(1<<53)*2 - 1)
	}
	var sum float64
	for _, x := range v {
		sum += x * x
	}
	out := make([]float32, dims)
	norm := math.Sqrt(sum)
	for i, x := range v {
		out[i] = float32(x / norm)
	}
	return out
}

func words(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

func hash64(s string) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(s))
	return h.Sum64()
}

func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// EncodeBase64 encodes a vector as the API's base64 encoding_format does:
// little-endian float32s.
func EncodeBase64(v []float32) string {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return base64.StdEncoding.EncodeToString(b)
}

func (s *Server) serveEmbeddings(w http.ResponseWriter, req Request, reply Reply) {
	in := req.Embedding
	if len(in.Input) > MaxInputs {
		writeError(w, Reply{Status: http.StatusBadRequest,
			ErrorMessage: fmt.Sprintf("'$.input' is invalid: %d inputs; at most %d are allowed", len(in.Input), MaxInputs)})
		return
	}
	if in.EncodingFormat != "" && in.EncodingFormat != "float" && in.EncodingFormat != "base64" {
		writeError(w, Reply{Status: http.StatusBadRequest,
			ErrorMessage: fmt.Sprintf("invalid encoding_format %q", in.EncodingFormat)})
		return
	}
	dims := in.Dimensions
	if dims <= 0 {
		dims = s.opts.Dimensions
	}
	vectors := reply.Embeddings
	if vectors == nil {
		vectors = make([][]float32, len(in.Input))
		for i, text := range in.Input {
			vectors[i] = Vector(text, dims)
		}
	}

	type item struct {
		Object    string `json:"object"`
		Index     int    `json:"index"`
		Embedding any    `json:"embedding"`
	}
	type usage struct {
		PromptTokens int `json:"prompt_tokens"`
		TotalTokens  int `json:"total_tokens"`
	}
	resp := struct {
		Object string `json:"object"`
		Data   []item `json:"data"`
		Model  string `json:"model"`
		Usage  usage  `json:"usage"`
	}{Object: "list", Data: make([]item, len(vectors)), Model: in.Model}
	for i, v := range vectors {
		var emb any = v
		if in.EncodingFormat == "base64" {
			emb = EncodeBase64(v)
		}
		resp.Data[i] = item{Object: "embedding", Index: i, Embedding: emb}
	}
	for _, text := range in.Input {
		resp.Usage.PromptTokens += len(words(text))
	}
	resp.Usage.TotalTokens = resp.Usage.PromptTokens
	writeJSON(w, statusOr200(reply), resp, reply)
}
