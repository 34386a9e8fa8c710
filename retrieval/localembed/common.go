package localembed

// commonWords stand in for inverse document frequency, which a model with
// no corpus cannot measure: words that occur in most texts carry little
// about a text's topic, so their features are scaled down. (The stop words
// of package terms are dropped altogether.) The lists are written by hand
// from general knowledge of English and of clinical writing, not counted
// from any evaluation set.
//
// Only the first tier is applied (config.common = 1). The second, words of
// most clinical questions, was measured and left out: it lowered MedQuAD's
// MRR@10 (see the package documentation); the quality tests keep it as a
// variant.
//
// Changing these lists changes vectors: bump version in localembed.go.
var commonWords = []struct {
	weight float64
	words  []string
}{
	// General English: verbs, adverbs and adjectives found in almost any text.
	{0.3, []string{
		"able", "according", "across", "actually", "almost", "along", "already", "although",
		"always", "among", "another", "answer", "anyone", "anything", "around", "ask", "asked",
		"back", "based", "become", "becomes", "became", "becoming", "begin", "begins", "best",
		"better", "call", "called", "came", "certain", "come", "comes", "common", "commonly",
		"consider", "considered", "contain", "contains", "different", "describe", "described", "due",
		"either", "else", "enough", "especially", "even", "ever", "every", "example", "find",
		"found", "following", "general", "generally", "get", "gets", "getting", "give", "given",
		"gives", "giving", "go", "goes", "going", "gone", "good", "got", "great", "however",
		"important", "include", "included", "includes", "including", "information", "instead",
		"keep", "kind", "kinds", "know", "known", "large", "last", "least", "less", "let", "like",
		"likely", "little", "look", "lot", "lots", "made", "main", "mainly", "make", "makes",
		"making", "many", "mean", "means", "much", "need", "needed", "needs", "never", "new", "next",
		"number", "often", "one", "part", "parts", "people", "person", "place", "possible", "put",
		"question", "questions", "rather", "really", "refer", "say", "says", "see", "seen",
		"several", "show", "shown", "shows", "since", "something", "sometimes", "still", "take",
		"taken", "takes", "taking", "tell", "thing", "things", "think", "though", "three", "thus",
		"time", "times", "today", "together", "took", "two", "type", "types", "typically", "use",
		"used", "uses", "using", "usual", "usually", "various", "want", "way", "ways", "well",
		"whether", "within", "without", "work", "works", "year", "years", "yet", "day", "days",
		"first", "second", "therefore", "upon", "whose", "whatever", "anyway", "eg", "ie", "per",
		"vs", "versus", "learn", "read", "page", "section", "note", "overview", "summary", "key",
		"points", "point", "fact", "facts",
	}},
	// General health writing: words in most clinical texts and questions.
	// Not applied by default.
	{0.6, []string{
		"health", "healthy", "medical", "disease", "diseases", "disorder", "disorders", "condition",
		"conditions", "problem", "problems", "affect", "affects", "affected", "affecting", "patient",
		"patients", "risk", "risks", "treatment", "treatments", "treat", "treated", "treating",
		"symptom", "symptoms", "sign", "signs", "cause", "causes", "caused", "causing", "diagnosis",
		"diagnose", "diagnosed", "test", "tests", "testing", "doctor", "doctors", "care", "body",
		"increase", "increased", "increases", "reduce", "reduced", "reduces", "level", "levels",
		"result", "results", "effect", "effects", "develop", "develops", "developed", "developing",
		"case", "cases", "factor", "factors", "form", "forms", "rare", "severe", "mild", "normal",
		"abnormal", "age", "ages", "adult", "adults", "clinical", "study", "studies", "research",
		"provider", "providers", "healthcare", "occur", "occurs", "occurred", "experience",
		"experiences", "feel", "feeling", "feels", "life", "live", "lives", "living", "change",
		"changes", "high", "low", "associated", "related", "available", "option", "options",
		"management", "manage", "help", "helps", "helping", "lead", "leads", "individual",
		"individuals", "family", "families", "history", "approach", "method", "methods", "process",
	}},
}
