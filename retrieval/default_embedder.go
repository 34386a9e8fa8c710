package retrieval

import "github.com/bedside-ai/bedside/retrieval/localembed"

// defaultEmbedder is the local embedder with its defaults: no weights, no
// network, deterministic.
func defaultEmbedder() Embedder {
	e, err := localembed.New(localembed.Options{})
	if err != nil { // unreachable: the zero Options are valid
		panic("retrieval: default local embedder: " + err.Error())
	}
	return e
}
