package review_test

import (
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/bedside-ai/bedside/tutor/quiz"
	"github.com/bedside-ai/bedside/tutor/quiz/review"
)

// The page highlights each quote inside its passage, looked up by chunk ID.
func ExampleWrite() {
	bank := quiz.Bank{Name: "Sepsis", Items: []quiz.Item{{
		ID:   "q1",
		Type: quiz.SingleBestAnswer,
		Stem: "Which respiratory rate is a red flag?",
		Options: []quiz.Option{
			{Text: "21 breaths/min"},
			{Text: "25 breaths/min", Correct: true},
		},
		Citations: []quiz.Citation{{Title: "Sepsis in adults", Version: "3.0", ChunkID: "c4", Quote: "25 breaths per minute or more"}},
		Findings:  []quiz.Finding{{Rule: "longest-option-is-key", Severity: quiz.Warning, Message: "The key is the longest option."}},
	}}}
	passages := map[string]string{"c4": "A respiratory rate of 25 breaths per minute or more is a red flag."}
	var page strings.Builder
	err := review.Write(&page, bank, review.Options{
		Passage: func(id string) (string, bool) { t, ok := passages[id]; return t, ok },
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	for _, re := range []string{`<title>.*</title>`, `<blockquote class="passage">.*</blockquote>`, `<li class="finding.*</li>`} {
		fmt.Println(regexp.MustCompile(re).FindString(page.String()))
	}
	// Output:
	// <title>Question bank review: Sepsis</title>
	// <blockquote class="passage">A respiratory rate of <mark>25 breaths per minute or more</mark> is a red flag.</blockquote>
	// <li class="finding sev-warning"><span class="sev">warning</span><code>longest-option-is-key</code> The key is the longest option.</li>
}
