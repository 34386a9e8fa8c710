package tutor

import (
	"regexp"

	"github.com/bedside-ai/bedside/internal/sentences"
)

// instructionRE matches sentences addressed to an AI rather than to a
// clinician: the usual shapes of prompt injection. Guidance never says these
// things, so such a sentence is never evidence for a claim.
var instructionRE = regexp.MustCompile(`(?i)` +
	`\b(ignore|disregard|forget|override)\b[^.!?]{0,40}\b(instructions?|prompts?|rules|messages|above|everything)\b` +
	`|\byou are (now )?(an? |the )?(ai|assistant|chat ?bot|language model|llm)\b` +
	`|\bsystem prompt\b|\bnew instructions?\b|\bas an ai\b` +
	`|\b(tell|instruct|inform) the (user|learner|reader|human)\b` +
	`|\b(respond|reply|answer) (only )?with\b` +
	`|</?\s*(source|sources|system|assistant|user)\b`)

// maskInstructions blanks out (with spaces, keeping every offset) the
// sentences of a passage that read as instructions to an AI.
func maskInstructions(text string) string {
	if !instructionRE.MatchString(text) {
		return text
	}
	b := []byte(text)
	for _, sp := range sentences.Split(text) {
		if instructionRE.MatchString(sp.Text) {
			for i := sp.Start; i < sp.End; i++ {
				if b[i] != '\n' {
					b[i] = ' '
				}
			}
		}
	}
	return string(b)
}
