package format_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/bedside-ai/bedside/tutor/quiz"
	"github.com/bedside-ai/bedside/tutor/quiz/format"
)

func smallBank() quiz.Bank {
	return quiz.Bank{
		Name: "Sepsis",
		Items: []quiz.Item{
			{
				ID:   "q1",
				Type: quiz.SingleBestAnswer,
				Stem: "Which respiratory rate is a red flag: 21 or 25 breaths/min?",
				Options: []quiz.Option{
					{Text: "21 breaths/min", Explanation: "Below the threshold."},
					{Text: "25 breaths/min", Correct: true},
				},
				Rationale:  "A rate of 25 or more is a red flag.",
				Difficulty: quiz.Medium,
				Tags:       []string{"sepsis"},
			},
			{
				ID:      "q2",
				Type:    quiz.ShortAnswer,
				Stem:    "Name the early warning score used in the NHS.",
				Answers: []string{"NEWS2"},
			},
		},
	}
}

// GIFT escapes its special characters (the ":" in the stem) and carries
// the type, difficulty and tags in a comment Moodle reads.
func ExampleEncode() {
	if err := format.Encode(os.Stdout, format.GIFT, smallBank()); err != nil {
		fmt.Println(err)
	}
	// Output:
	// $CATEGORY: $course$/top/Sepsis
	//
	// // [id:q1] [tag:type:sba] [tag:difficulty:medium] [tag:sepsis]
	// ::q1::[html]Which respiratory rate is a red flag\: 21 or 25 breaths/min?{
	// 	~21 breaths/min#Below the threshold.
	// 	=25 breaths/min
	// 	####<div class\="bedside-rationale">A rate of 25 or more is a red flag.</div>
	// }
	//
	// // [id:q2] [tag:type:short]
	// ::q2::[html]Name the early warning score used in the NHS.{
	// 	=%100%NEWS2
	// }
}

// Aiken carries single-answer questions only: the short-answer item is
// reported, not dropped silently.
func ExampleEncodeWith() {
	res, err := format.EncodeWith(os.Stdout, format.Aiken, smallBank(), format.EncodeOptions{SkipUnsupported: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("written:", res.Items)
	for _, s := range res.Skipped {
		fmt.Println("skipped:", s)
	}
	// Without SkipUnsupported the whole export fails.
	err = format.Encode(new(strings.Builder), format.Aiken, smallBank())
	fmt.Println(err)
	// Output:
	// Which respiratory rate is a red flag: 21 or 25 breaths/min?
	// A) 21 breaths/min
	// B) 25 breaths/min
	// ANSWER: B
	// written: 1
	// skipped: item 2 (q2): is a short-answer item; Aiken carries only single-answer multiple choice
	// format: aiken cannot carry 1 item: item 2 (q2): is a short-answer item; Aiken carries only single-answer multiple choice
}

func ExampleDecode() {
	in := `What is the first-line vasopressor in septic shock?
A) Adrenaline
B) Noradrenaline
C) Vasopressin
ANSWER: B
`
	b, err := format.Decode(strings.NewReader(in), format.Aiken)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, it := range b.Items {
		fmt.Println(it.Type, it.Stem, it.Key())
	}
	_, err = format.Decode(strings.NewReader("Stem\nA) one\nB) two\nANSWER: D\n"), format.Aiken)
	fmt.Println(err)
	// Output:
	// sba What is the first-line vasopressor in septic shock? [1]
	// aiken: line 4: ANSWER "D" names no option (the question has options A to B)
}

func ExampleFormatFor() {
	for _, name := range []string{"bank.xml", "bank.gift.txt", "bank.qti30.zip", "bank.txt"} {
		f, err := format.FormatFor(name)
		fmt.Println(name, f, err != nil)
	}
	// Output:
	// bank.xml moodle false
	// bank.gift.txt gift false
	// bank.qti30.zip qti30 false
	// bank.txt  true
}
