package grounding

import (
	"strings"

	"github.com/bedside-ai/bedside/internal/clinical"
)

// fillerWords carry no claim content: modal and recommendation verbs,
// references to guidance, patients and clinicians, answer and report
// phrasing ("the guidance states", "studies show", "in summary"), hedges,
// and generic verbs of giving (whether something is given or avoided is
// checked by negation, not by coverage).
const fillerWords = `should recommend recommends recommended recommendation recommendations advise advises
	advised advice suggest suggests suggested suggestion guidance guideline guidelines protocol policy patient
	patients person people individual individuals clinician clinicians staff healthcare professional
	professionals practitioner practitioners according state states stated say says said note notes noted
	general generally usual usually typically typical important importantly essential ensure need needs
	needed use used uses using include includes including included follow following followed base based
	information document documents source sources passage passages cite cites cited citation mention
	mentions mentioned describe describes described explain explains explained discuss discusses answer
	answers question questions summary summarise summarize summarised conclusion conclusions overall
	key point points hope help helps eg ie vs etc al et appropriate appropriately show shows shown showed
	indicate indicates indicated demonstrate demonstrates demonstrated find finds found finding findings
	report reports reported conclude concludes concluded appear appears appeared seem seems result results
	study studies data evidence research present current currently possible possibly potential potentially
	likely give gives given giving administer administered offer offered provide provided receive
	received nice nhs bnf uk trust local clinical clinically advisable consider considered therefore thus
	addition additionally furthermore moreover whether`

var filler = stems(strings.Fields(fillerWords))

func stems(words []string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		for _, part := range strings.FieldsFunc(w, func(r rune) bool { return r == '-' || r == ' ' }) {
			if st := clinical.Stem(part); st != "" {
				m[st] = true
			}
		}
	}
	return m
}
