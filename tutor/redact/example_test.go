package redact_test

import (
	"fmt"
	"log/slog"
	"os"

	"github.com/bedside-ai/bedside/tutor/redact"
)

func Example() {
	var r redact.Redactor // the zero value is ready to use

	q := "Mr Jones (DOB 01/02/1960, NHS 999 000 0018) has chest pain. Give 0.5 mg adrenaline IM? Call 07700 900123."
	res := r.Redact(q)
	fmt.Println(res.Text)
	for _, f := range res.Findings {
		fmt.Println(f) // offsets only: safe to print or log
	}
	// Output:
	// Mr [NAME] (DOB [DOB], NHS [NHS_NUMBER]) has chest pain. Give 0.5 mg adrenaline IM? Call [PHONE].
	// NAME[3:8]
	// DOB[14:24]
	// NHS_NUMBER[30:42]
	// PHONE[92:104]
}

func ExampleRedactor_ReplaceAttr() {
	var r redact.Redactor
	h := slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{} // keep the example's output stable
			}
			return r.ReplaceAttr(groups, a)
		},
	})
	slog.New(h).Info("question", "text", "patient John Smith, postcode M1 1AE, is confused", "tokens", 12)
	// Output:
	// level=INFO msg=question text="patient [NAME], postcode [POSTCODE], is confused" tokens=12
}
