// Package tutor answers clinical questions from approved guidance: every
// sentence it shows is cited to a retrieved passage and verified in code, or
// it refuses.
//
// # Asking
//
// A [Tutor] retrieves with any [Retriever] ([*retrieval.Library] is one) and
// writes with an optional [llm.Model]:
//
//	t, err := tutor.New(lib, tutor.Options{Model: model}) // Model nil: extractive answers
//	a, err := t.Ask(ctx, "What is the first-line treatment for ...?")
//	fmt.Print(a.Render())
//
// [Tutor.Ask] does, in order:
//
//  1. Redacts UK personal data from the question (NHS and NI numbers,
//     postcodes, phone numbers, e-mail addresses, dates of birth, names);
//     nothing downstream, logs included, sees the raw question.
//  2. Detects red flags (chest pain with sweating, sepsis, anaphylaxis,
//     stroke, suicidal intent and others) and puts an escalation notice
//     first in [Answer.Notice].
//  3. Retrieves approved, in-force guidance (hybrid search). No guidance, or
//     too little of the question covered by it ([Support] below
//     [Options.MinSupport]), is a [Refusal] made without calling the model.
//  4. Prompts the model with the passages as numbered, delimited, escaped,
//     untrusted data, asking for a citation after every sentence.
//  5. Verifies every sentence with [grounding.Checker]: it must cite a
//     retrieved passage, and its content words and every number, unit,
//     frequency and negation must be supported by that passage. Sentences
//     that are not are removed; if any were, the model is asked once more;
//     if nothing survives, the tutor refuses. Text that reads as an
//     instruction to an AI is never evidence, and a fabricated citation is
//     never shown.
//  6. Builds the [Answer]: verified sentences with [Citation] values holding
//     the exact quoted span and its offsets in the document, provenance
//     (model, prompt version, library version, retrieval scores), flags
//     (review overdue, red flags, extractive, removed sentences) and token
//     usage; and hands an [AuditRecord] to the [AuditSink], if any.
//
// A refusal is not an error: the Answer carries [Answer.Refusal] with a
// reason. Errors are failures of retrieval, the model or the audit sink.
//
// # Extractive mode
//
// Without a model (the default, and what runs offline), the tutor picks and
// orders the guidance sentences that best match the question, cites each,
// and returns the same Answer with [Flags.Extractive] set.
//
// # Streaming and conversations
//
// [Tutor.AskStream] delivers the model's draft as it is written
// ([AnswerStream.Recv]) and then the verified answer ([AnswerStream.Answer]),
// whose Flags say what verification removed; a broken stream is an error
// wrapping [*llm.StreamError], and its partial text is never an answer.
// [Tutor.NewConversation] keeps context: follow-ups are rewritten into
// standalone retrieval queries.
//
// # Modes
//
// [Tutoring] (education) and [DecisionSupport] each have an intended-use
// statement and a disclaimer; the decision-support disclaimer cannot be
// switched off.
//
// # Safety building blocks
//
// The parts are separate packages, usable on their own:
// [github.com/bedside-ai/bedside/tutor/redact],
// [github.com/bedside-ai/bedside/tutor/redflag],
// [github.com/bedside-ai/bedside/tutor/grounding],
// [github.com/bedside-ai/bedside/tutor/llm] (with openaillm and langchainllm),
// [github.com/bedside-ai/bedside/tutor/pgaudit] (an append-only audit log),
// and [github.com/bedside-ai/bedside/tutor/quiz] (question banks).
package tutor
