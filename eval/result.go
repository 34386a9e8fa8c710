package eval

// Status is the outcome of one case.
type Status string

// The statuses. A failure is a quality problem found in the answer; an
// error is an infrastructure problem (the model, the embedder, the network,
// a cassette without the recording) that kept the case from being
// evaluated at all.
const (
	Pass  Status = "pass"
	Fail  Status = "fail"
	Error Status = "error"
)

// A CaseResult is everything recorded about one case: one line of the
// results file. Reports are computed from CaseResults alone.
type CaseResult struct {
	Type string `json:"type"` // "case"
	ID   string `json:"id"`
	// Status is pass, fail or error; Reasons say why a case failed, and
	// Error why it could not be evaluated.
	Status  Status   `json:"status"`
	Reasons []string `json:"reasons,omitempty"`
	Error   string   `json:"error,omitempty"`

	// The case as defined in the dataset.
	Mode              string       `json:"mode"`
	Question          string       `json:"question"`
	Answerable        bool         `json:"answerable"`
	Tags              []string     `json:"tags,omitempty"`
	Reference         string       `json:"reference,omitempty"`
	KeyFacts          []string     `json:"key_facts,omitempty"`
	ExpectedDocuments []string     `json:"expected_documents,omitempty"`
	ExpectedPassages  []PassageRef `json:"expected_passages,omitempty"`

	// The answer.
	Refused       bool               `json:"refused"`
	RefusalReason string             `json:"refusal_reason,omitempty"`
	RefusalDetail string             `json:"refusal_detail,omitempty"`
	Answer        string             `json:"answer,omitempty"`
	Extractive    bool               `json:"extractive,omitempty"`
	Regenerated   bool               `json:"regenerated,omitempty"`
	Sentences     []SentenceResult   `json:"sentences,omitempty"`
	Removed       []RemovedResult    `json:"removed,omitempty"`
	Citations     []CitationResult   `json:"citations,omitempty"`
	Retrieved     []RetrievedPassage `json:"retrieved,omitempty"`

	Scores CaseScores `json:"scores"`

	// Usage counts the tokens of the tutor's model calls; JudgeUsage
	// those of the judge.
	Usage      Usage `json:"usage"`
	JudgeUsage Usage `json:"judge_usage,omitempty"`
	// Exchanges counts the HTTP exchanges made for the case (model,
	// embeddings, judge), replayed or sent.
	Exchanges int `json:"exchanges"`
	// ModelLatencyMS is the time the case's HTTP exchanges took, in
	// milliseconds: as recorded, when replayed, so that it is
	// reproducible.
	ModelLatencyMS int64 `json:"model_latency_ms"`
	// WallMS is the wall-clock time of the case; recorded only when asked
	// for ([RunOptions.WallClock]), since it differs run to run.
	WallMS int64 `json:"wall_ms,omitempty"`
}

// Usage counts tokens.
type Usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

// IsZero reports whether u counts nothing.
func (u Usage) IsZero() bool { return u == Usage{} }

// A SentenceResult is one sentence of the tutor's answer, re-checked.
type SentenceResult struct {
	Text string `json:"text"`
	// Citations index CaseResult.Citations.
	Citations []int `json:"citations,omitempty"`
	// Cited is the checker's verdict against the cited passages, and
	// Retrieved against every retrieved passage.
	Cited     Verdict `json:"cited"`
	Retrieved Verdict `json:"retrieved"`
	// Numbers counts the sentence's numbers and frequencies found in its
	// cited passages; Unmatched lists those that are not.
	Numbers   Ratio    `json:"numbers"`
	Unmatched []string `json:"unmatched,omitempty"`
	// Judge is the LLM judge's verdict against the retrieved passages,
	// when a judge was used.
	Judge *bool `json:"judge,omitempty"`
}

// A Verdict is the grounding checker's finding on one sentence.
type Verdict struct {
	Verdict  string   `json:"verdict"` // supported, unsupported or not-a-claim
	Score    float64  `json:"score"`
	Problems []string `json:"problems,omitempty"`
}

// Supported reports whether v is a supported verdict.
func (v Verdict) Supported() bool { return v.Verdict == "supported" }

// Claim reports whether v concerns a claim (not connective filler).
func (v Verdict) Claim() bool { return v.Verdict != "not-a-claim" }

// A RemovedResult is a sentence of the model's draft that the tutor's
// verification removed.
type RemovedResult struct {
	Text   string `json:"text"`
	Reason string `json:"reason"`
	// Retrieved is the checker's verdict against every retrieved passage.
	Retrieved Verdict `json:"retrieved"`
	Judge     *bool   `json:"judge,omitempty"`
}

// A CitationResult is one citation of the answer.
type CitationResult struct {
	N        int      `json:"n"`
	Document string   `json:"document"`
	Version  string   `json:"version"`
	Title    string   `json:"title,omitempty"`
	Section  []string `json:"section,omitempty"`
	ChunkID  string   `json:"chunk_id"`
	Quote    string   `json:"quote"`
	// Expected says whether the citation is to an expected document.
	Expected      bool `json:"expected"`
	ReviewOverdue bool `json:"review_overdue,omitempty"`
}

// A RetrievedPassage is one passage given to the tutor, in rank order.
type RetrievedPassage struct {
	Rank     int      `json:"rank"`
	Document string   `json:"document"`
	Version  string   `json:"version"`
	Section  []string `json:"section,omitempty"`
	ChunkID  string   `json:"chunk_id"`
	Expected bool     `json:"expected"`
}

// CaseScores are a case's measurements. Ratios with a zero Den, and nil
// pointers, mean "does not apply to this case" and are left out of the
// pooled rates.
type CaseScores struct {
	// Retrieval scores the retrieved documents against the expected ones;
	// nil when the case expects none.
	Retrieval *RetrievalScores `json:"retrieval,omitempty"`
	// GroundedCited counts the answer's claim sentences supported by
	// their cited passages; GroundedRetrieved, by any retrieved passage.
	GroundedCited     Ratio `json:"grounded_cited"`
	GroundedRetrieved Ratio `json:"grounded_retrieved"`
	// Draft counts the model's draft sentences the tutor kept, out of all
	// it wrote (kept plus removed).
	Draft Ratio `json:"draft"`
	// CitationPrecision counts cited documents that are expected, out of
	// those cited; CitationRecall, expected documents cited, out of those
	// expected. PassagePrecision and PassageRecall do the same for
	// expected passages.
	CitationPrecision Ratio `json:"citation_precision"`
	CitationRecall    Ratio `json:"citation_recall"`
	PassagePrecision  Ratio `json:"passage_precision"`
	PassageRecall     Ratio `json:"passage_recall"`
	// Numbers counts the answer's numbers and frequencies found in the
	// passages cited for them.
	Numbers Ratio `json:"numbers"`
	// KeyFacts counts key facts supported by the answer text;
	// MissingFacts lists the others.
	KeyFacts     Ratio    `json:"key_facts"`
	MissingFacts []string `json:"missing_facts,omitempty"`
	// Judge counts sentences the judge found supported; JudgeAgreement
	// compares the judge with the checker, both against the retrieved
	// passages (checker verdict as "predicted", judge as "label").
	Judge          Ratio      `json:"judge"`
	JudgeAgreement *Confusion `json:"judge_agreement,omitempty"`
}

// RetrievalScores are one case's retrieval metrics at K, the number of
// passages retrieved.
type RetrievalScores struct {
	K      int     `json:"k"`
	Recall float64 `json:"recall"`
	RR     float64 `json:"rr"`
	NDCG   float64 `json:"ndcg"`
}
