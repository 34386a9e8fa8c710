package redflag

import "sync"

// Cue labels in the fixed lexicon of framing and negation cues.
const (
	cueStrongPresent = iota // a real person, now: "my patient", "I've got", "bed 4"
	cueWeakPresent          // a described case: "he has", "72-year-old", "presents with"
	cuePresentExcept        // cancels a presentation cue at the same word: "I have a question"
	cueStrongEdu            // exam or vignette framing: "most likely diagnosis"
	cueWeakEdu              // a knowledge question: "what are", "how do I recognise"
	cueNegPre               // negates what follows: "no", "denies", "without"
	cueNegPost              // negates what precedes: "denied", "resolved", "absent"
	cuePseudo               // looks like negation but is not: "no improvement", "not only"
	cueTerm                 // ends a negation's scope: "but", "is", "he"
	cueCase                 // a case note, evidence of a patient but not framing: "pt is"
	numCues
)

var cueLists = [numCues][]string{
	cueStrongPresent: {
		"my|our|this pt|patient|lady|man|gentleman|woman|chap|guy|boy|girl|baby|child|toddler|infant|resident|client|teenager",
		"my|our husband|wife|partner|mum|mom|mother|dad|father|son|daughter|child|kid|baby|friend|brother|sister|nan|nana|gran|granny|grandma|grandmother|grandad|granddad|grandfather|grandpa|aunt|auntie|uncle|colleague|neighbour|neighbor|flatmate|boyfriend|girlfriend|fiance|fiancee|relative|carer",
		"my chest|head|heart|arm|arms|leg|legs|face|lips|tongue|throat|back|neck|vision|speech|stomach|tummy|breathing|sugar|sugars|ketones|temperature|skin|waters|pain|baby|bum|bottom",
		"i've|ive got|been|had|taken",
		"i have|had", "i'm|im having|feeling|getting|bleeding|pregnant|sweating|struggling|shaking|suicidal|vomiting|going",
		"i am having|feeling|getting|bleeding|pregnant|sweating|struggling|shaking|suicidal|vomiting|going",
		"i feel|felt|can't|cant|cannot|took|want|wanna|keep|don't|dont",
		"kill|killing|hurt|hurting|harm|harming|cut|cutting|hang|hanging|poison|poisoning|overdose|overdosing|drown|drowning|starve|starving myself",
		"end|ending|take|taking my own? life",
		"right now", "just now", "at the moment", "currently", "at present",
		"bed|bay|cubicle|room #", "side room", "on my|the|our ward", "in resus", "in majors",
		"what should|shall|can|do i|we do", "what do i|we do", "should i|we call|escalate|worry|be|ring|give|bleep",
		"do i|we need to call|escalate|ring|bleep|worry", "is this|it an emergency", "please help",
	},
	cueWeakPresent: {
		"he|she|they is|has|have|had|was|were|keeps|looks|seems|feels|felt|became|becomes|started|developed|complains|complained|reports|reported|says|said|denies|appears|remains|can't|cannot|isn't|hasn't|doesn't|won't|just|now|also|suddenly|still|then|went|took|wants|wanted",
		"he's|she's|they're|they've|he'd|she'd|they'd",
		"# year|years|yr|yrs old", "# yo", "# y o", "aged #",
		"presents|presenting|presented|presentation with", "came|comes|brought|brings in", "admitted|attended|attends|attending|arrived with",
		"complaining|complains|complained of", "c o", "o e", "on examination", "obs are|show|were|now", "observations are|show|were",
		"mr|mrs|ms|mx",
		"today|tonight|yesterday|overnight", "last night", "this morning|afternoon|evening",
	},
	cuePresentExcept: {
		"i have|had a|an question|query|quiz|exam|test|essay|assignment|presentation|lecture|teaching|session|interview",
		"i have|had to teach|learn|know|revise|present|write|study|explain",
		"i have|had been asked|reading|studying|revising|learning|told|taught",
		"i've|ive got|been a|an? question|query|quiz|exam|test|essay|assignment|asked|reading|studying|revising|learning|told|taught",
		"i'm|im going to|through teach|revise|study|learn|present|explain|ask|be", "i am going to|through teach|revise|study|learn|present|explain|ask|be",
		"i want|wanna to know|learn|understand|revise|ask|check|be|make|clarify|study|practise|practice|test|see",
		"i think|feel i? need to|should learn|know|revise|understand|read|study",
		"i do|don't|dont not? know|understand|remember|get",
		"i can't|cant|cannot remember|recall|understand|find",
		"i feel|felt confident|unsure|unclear|nervous|confused|uncertain|worried|anxious|ready|prepared",
		"i took|keep an? exam|test|course|class|module|quiz|forgetting|mixing",
	},
	cueStrongEdu: {
		"most likely diagnosis|cause", "most likely", "most appropriate", "next best|appropriate step", "best next step",
		"next step in management", "which of the following", "scenario", "case study|studies|vignette", "vignette",
		"hypothetical*", "osce|osces", "mcq|mcqs|sba|sbas", "exam question|questions", "for my|an|the|our exam|exams", "revision", "revising", "quiz|test me|us",
		"practice question|questions", "true or false", "in an exam", "an|my|the|our|upcoming|next exam|exams|test|assessment|osce",
	},
	cueWeakEdu: {
		"what are|is|causes|does|do|would|signs|symptoms|happens|defines|counts",
		"what's|whats", "which", "why",
		"how do|does|can|should|would|is|are|to|often|long|much|many|quickly|soon|common",
		"when should|do|does|is|are|would|must", "who should|can|needs",
		"explain|describe|define|definition|outline|list|summarise|summarize|summary|compare",
		"difference|differences between", "distinguish|differentiate",
		"tell me about|more", "teach me", "learn|learning|understand|understanding",
		"signs of", "signs and symptoms", "symptoms of", "features of", "red flag|flags", "warning signs",
		"risk factors", "criteria", "causes of", "management of", "treatment of|for",
		"in general", "generally", "typically", "usually", "normally", "can you", "could you", "is it true",
		"there may|might|can|could be", "may|might|can|could cause|present|occur|include|develop|lead",
		"first line|choice", "dose|doses|dosing|dosage", "indications|indicated|contraindications|contraindicated",
	},
	cueNegPre: {
		"no", "not", "nil", "never", "without", "absence of", "neither", "nor",
		"denies|denied|denying|deny", "negative for", "free of|from", "no evidence|signs|sign|history|hx of",
		"isn't|wasn't|aren't|weren't|doesn't|don't|didn't|hasn't|haven't|hadn't",
		"ruled out", "rule|rules|ruling out", "excluded", "exclude|excluding",
		"history|hx of", "h o", "previous|previously",
		"family history|hx", "fh of", "risk of", "at risk of", "prevent|preventing|prevention|prevents",
		"unlikely", "no longer",
	},
	cueNegPost: {
		"denied", "absent", "none", "resolved", "settled", "gone", "negative", "not present", "ruled out",
		"excluded", "free", "previously", "in the past", "last year|month|week",
		"# years|months|weeks ago", "years|months ago", "as a child", "before now", "in childhood",
	},
	cuePseudo: {
		"no improvement|change|better|relief|response|difference|worse|doubt|idea",
		"not only|just|sure|improving|improved|better|settling|settled|resolving|resolved|relieved|responding|helping|helped|getting|changed|worse|certain",
		"doesn't|does|didn't|did|isn't|is|hasn't|has|haven't|have|won't|will not? improve|improved|improving|settle|settled|settling|respond|responded|responding|resolve|resolved|help|helped|helping|get|got|seem",
		"no sooner", "not that",
	},
	cueCase: {
		"patient|pt is|has|had|was|keeps|looks|seems|feels|became|started|developed|complains|reports|says|denies|remains|can't|cannot|now",
		"patient's|pt's",
	},
	cueTerm: {
		"but", "however", "although", "though", "yet", "except", "apart", "aside", "whereas", "while", "whilst",
		"which", "who", "now", "then", "so", "because", "since",
		"is|are|was|were|has|have|had|feels|looks|seems|became|becomes|complains|reports|says|said|appears|remains|started|developed|still|also",
		"he|she|they|i|we|patient|pt",
	},
}

// cues is the compiled fixed lexicon of framing and negation cues.
var cues = sync.OnceValue(func() *lexicon {
	lx := &lexicon{}
	for label, list := range cueLists {
		for _, src := range list {
			if err := lx.add(src, label); err != nil {
				panic("redflag: built-in cue: " + err.Error()) // a bug in this file; tests compile every cue
			}
		}
	}
	return lx
})
