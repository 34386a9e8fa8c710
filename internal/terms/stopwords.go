package terms

// stopWords are English function words that carry no topic. The list follows
// the common NLTK English list, with contractions' stems added.
var stopWords = func() map[string]bool {
	m := make(map[string]bool)
	for _, w := range []string{
		"a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are",
		"aren't", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both",
		"but", "by", "can", "can't", "cannot", "could", "couldn't", "did", "didn't", "do", "does",
		"doesn't", "doing", "don't", "down", "during", "each", "few", "for", "from", "further", "had",
		"hadn't", "has", "hasn't", "have", "haven't", "having", "he", "her", "here", "hers", "herself",
		"him", "himself", "his", "how", "i", "if", "in", "into", "is", "isn't", "it", "it's", "its",
		"itself", "just", "me", "more", "most", "my", "myself", "no", "nor", "not", "now", "of", "off",
		"on", "once", "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own", "s",
		"same", "she", "should", "shouldn't", "so", "some", "such", "t", "than", "that", "the", "their",
		"theirs", "them", "themselves", "then", "there", "these", "they", "this", "those", "through",
		"to", "too", "under", "until", "up", "very", "was", "wasn't", "we", "were", "weren't", "what",
		"when", "where", "which", "while", "who", "whom", "why", "will", "with", "won't", "would",
		"wouldn't", "you", "your", "yours", "yourself", "yourselves", "also", "may", "might", "must",
		"shall", "us", "via", "etc",
	} {
		m[w] = true
	}
	return m
}()
