package format

import (
	"time"

	"github.com/bedside-ai/bedside/tutor/quiz"
)

// sampleBank is a small bank with one item of every type, used by the
// golden files, the round trips and the examples.
func sampleBank() quiz.Bank {
	created := time.Date(2025, 3, 4, 10, 30, 0, 0, time.UTC)
	sepsis := quiz.Citation{
		DocumentID: "sepsis-adult", Version: "3.0", Title: "Sepsis in adults",
		Section: []string{"Recognition", "Red flags"}, ChunkID: "sepsis-adult@3.0#4", ChunkHash: "c0ffee",
		Quote: "A respiratory rate of 25 breaths per minute or more is a red flag.", Start: 120, End: 186,
	}
	return quiz.Bank{
		Name: "Sepsis",
		Items: []quiz.Item{
			{
				ID:   "q-rr",
				Type: quiz.SingleBestAnswer,
				Stem: "Which respiratory rate is a red flag for sepsis in an adult?",
				Options: []quiz.Option{
					{Text: "18 breaths per minute", Explanation: "Within the normal range."},
					{Text: "21 breaths per minute", Explanation: "Raised, but below the red-flag threshold."},
					{Text: "25 breaths per minute", Correct: true, Explanation: "25 or more is a red flag."},
					{Text: "12 breaths per minute", Explanation: "Normal."},
					{Text: "16 breaths per minute", Explanation: "Normal."},
				},
				Rationale:  "The guidance lists a respiratory rate of 25 or more as a red flag.",
				Citations:  []quiz.Citation{sepsis},
				Difficulty: quiz.Medium, Bloom: quiz.Understand,
				Tags: []string{"sepsis", "observations"}, Topic: "Recognition",
				Generator: "rule-based", Created: created,
			},
			{
				ID:   "q-vignette",
				Type: quiz.Vignette,
				Stem: "A 67-year-old man has a temperature of 38.9 °C, a heart rate of 118/min and a blood pressure of 88/50 mmHg.\n\nWhat is the most appropriate first action?",
				Options: []quiz.Option{
					{Text: "Give an IV fluid bolus of 500 mL within 15 minutes", Correct: true, Explanation: "Hypotension calls for fluids now."},
					{Text: "Repeat the observations in 4 hours", Explanation: "Too slow for a red flag."},
					{Text: "Start oral antibiotics", Explanation: "IV antibiotics are needed."},
					{Text: "Arrange an outpatient review", Explanation: "He needs urgent care."},
					{Text: "Give paracetamol and observe", Explanation: "Treats the fever only."},
				},
				Rationale:  "Systolic pressure below 90 mmHg is a red flag; give fluids.",
				Citations:  []quiz.Citation{{DocumentID: "sepsis-adult", Version: "3.0", Title: "Sepsis in adults", Quote: "give a 500 mL bolus", ChunkID: "sepsis-adult@3.0#7"}},
				Difficulty: quiz.Hard, Bloom: quiz.Apply,
				Tags: []string{"sepsis"}, Topic: "Treatment",
			},
			{
				ID:   "q-mcq",
				Type: quiz.MultipleChoice,
				Stem: "Which of these are red flags for sepsis? Select all that apply.",
				Options: []quiz.Option{
					{Text: "New confusion", Correct: true},
					{Text: "Heart rate above 130/min", Correct: true},
					{Text: "Temperature of 37.5 °C"},
					{Text: "Respiratory rate of 14/min"},
				},
				Difficulty: quiz.Easy, Bloom: quiz.Remember, Topic: "Recognition",
			},
			{
				ID:   "q-tf",
				Type: quiz.TrueFalse,
				Stem: "Lactate above 2 mmol/L in sepsis warrants escalation.",
				Options: []quiz.Option{
					{Text: "True", Correct: true, Explanation: "The guidance says so."},
					{Text: "False", Explanation: "It does warrant escalation."},
				},
				Rationale: "See the escalation section.",
				Topic:     "Treatment",
			},
			{
				ID:        "q-short",
				Type:      quiz.ShortAnswer,
				Stem:      "Name the scoring system used to detect deterioration in adults in the NHS.",
				Answers:   []string{"NEWS2", "National Early Warning Score 2"},
				Rationale: "NEWS2 is the national standard.",
				Bloom:     quiz.Remember,
				Tags:      []string{"news2"},
			},
		},
	}
}
