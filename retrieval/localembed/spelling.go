package localembed

import "strings"

// american returns the American spelling of w, a lower-case word, so that
// British and American spellings of a word share every feature: haem-/hem-,
// -aemia/-emia, oe-/e-, paed-/ped-, -ise/-ize, -our/-or, -tre/-ter,
// sulph-/sulf- and a few irregular words. Words it does not recognise are
// returned unchanged.
//
// The rules are written for clinical English. They are not a general
// spelling converter: each rule is narrow enough that no common word is
// changed by mistake (exercise, promise, four and aerobic keep their
// spelling).
func american(w string) string {
	if len(w) < 4 || !isASCIILower(w) {
		return w
	}
	if r, ok := irregular[w]; ok {
		return r
	}
	orig := w
	// ae → e: haem, anaes, paed, aetiology, -aemia, gynaec, faeces, caecum…
	// Kept: a final -ae (vertebrae, larvae), ae before r (aerobic,
	// anaerobic), a leading ae other than aeti- (aesthetic) and a few names.
	if strings.Contains(w, "ae") && !aeKeep(w) {
		b := make([]byte, 0, len(w))
		for i := 0; i < len(w); i++ {
			if w[i] == 'a' && i+2 < len(w) && w[i+1] == 'e' && w[i+2] != 'r' &&
				(i > 0 || strings.HasPrefix(w, "aeti")) {
				continue // drop the a
			}
			b = append(b, w[i])
		}
		w = string(b)
	}
	// oe → e at the start (oedema, oesophagus, oestrogen) and in
	// -rrhoea, -pnoea, foet-, coeliac, manoeuvre, homoeo-.
	if strings.Contains(w, "oe") {
		switch {
		case strings.HasPrefix(w, "oe") && len(w) > 4:
			w = w[1:]
		case strings.HasPrefix(w, "foet"):
			w = "f" + w[2:]
		case strings.HasPrefix(w, "coeli"):
			w = "c" + w[2:]
		}
		for _, r := range oeInfix {
			w = strings.ReplaceAll(w, r[0], r[1])
		}
	}
	// -ise, -ised, -ising, -isation… → -ize…
	w = izeSuffix(w)
	// -our → -or for a known list of stems (tumour, behaviour, colour…).
	if strings.Contains(w, "our") {
		for _, s := range ourStems {
			if strings.Contains(w, s) {
				w = strings.Replace(w, s, s[:len(s)-2]+"r", 1)
				break
			}
		}
	}
	// -tre → -ter (centre, litre, metre, fibre, theatre).
	for _, r := range infix {
		if strings.Contains(w, r[0]) {
			w = strings.ReplaceAll(w, r[0], r[1])
		}
	}
	if w == orig {
		return orig
	}
	return w
}

func isASCIILower(w string) bool {
	for i := 0; i < len(w); i++ {
		if c := w[i]; c >= 0x80 || (c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// aeKeep reports whether the ae in w must stay: Latin and Greek words whose
// American spelling keeps it.
func aeKeep(w string) bool {
	for _, p := range []string{"israel", "michael", "raphael", "maestr", "reggae"} {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	return false
}

var oeInfix = [][2]string{
	{"rrhoea", "rrhea"}, {"pnoea", "pnea"}, {"manoeuv", "maneuv"}, {"homoeo", "homeo"},
	{"oestr", "estr"}, {"oesoph", "esoph"}, {"oedem", "edem"}, {"coelom", "celom"},
}

var infix = [][2]string{
	{"centre", "center"}, {"centred", "centered"}, {"litre", "liter"}, {"metre", "meter"},
	{"fibre", "fiber"}, {"theatre", "theater"}, {"calibre", "caliber"}, {"sulph", "sulf"},
}

// ourStems are British stems spelt -our whose American spelling is -or.
var ourStems = []string{
	"tumour", "behaviour", "colour", "labour", "odour", "vapour", "humour", "favour",
	"rumour", "honour", "neighbour", "harbour", "vigour", "rigour", "flavour", "savour",
	"endeavour", "valour", "clamour", "fervour", "splendour", "candour", "ardour", "parlour",
	"saviour", "demeanour", "armour",
}

// irregular maps whole British words to their American spelling.
var irregular = map[string]string{
	"aluminium": "aluminum", "grey": "gray", "greys": "grays", "mould": "mold", "moulds": "molds",
	"mouldy": "moldy", "programme": "program", "programmes": "programs", "ageing": "aging",
	"judgement": "judgment", "judgements": "judgments", "artefact": "artifact",
	"artefacts": "artifacts", "tyre": "tire", "tyres": "tires", "plough": "plow",
	"cheque": "check", "licence": "license", "licences": "licenses", "defence": "defense",
	"defences": "defenses", "offence": "offense", "offences": "offenses", "pretence": "pretense",
	"analyse": "analyze", "analysed": "analyzed", "analysing": "analyzing", "analyser": "analyzer",
	"paralyse": "paralyze", "paralysed": "paralyzed", "paralysing": "paralyzing",
	"dialyse": "dialyze", "dialysed": "dialyzed", "catalyse": "catalyze", "catalysed": "catalyzed",
	"hydrolyse": "hydrolyze", "hydrolysed": "hydrolyzed", "electrolyse": "electrolyze",
	"catalogue": "catalog", "catalogues": "catalogs", "analogue": "analog", "analogues": "analogs",
	"dialogue": "dialog", "practise": "practice", "practised": "practiced", "practising": "practicing",
	"manoeuvre": "maneuver", "manoeuvres": "maneuvers", "caesium": "cesium", "leucocyte": "leukocyte", "leucocytes": "leukocytes",
	"leucocytosis": "leukocytosis", "leucopenia": "leukopenia", "leucoencephalopathy": "leukoencephalopathy",
	"leukaemias": "leukemias", "sceptic": "skeptic", "sceptical": "skeptical",
	"storey": "story", "draught": "draft", "kerb": "curb", "pyjamas": "pajamas",
	"moustache": "mustache", "enrol": "enroll", "enrolment": "enrollment", "fulfil": "fulfill",
	"fulfilment": "fulfillment", "instalment": "installment", "skilful": "skillful",
	"wilful": "willful", "labelled": "labeled", "labelling": "labeling", "modelled": "modeled",
	"modelling": "modeling", "travelled": "traveled", "travelling": "traveling",
	"cancelled": "canceled", "cancelling": "canceling", "signalling": "signaling",
	"signalled": "signaled", "levelled": "leveled", "fuelled": "fueled", "channelled": "channeled",
	"tunnelling": "tunneling", "dialled": "dialed", "totalled": "totaled", "counselled": "counseled",
	"counsellor": "counselor", "counsellors": "counselors", "jewellery": "jewelry",
}

// izeKeep are words in -ise that keep the s in American English.
var izeKeep = func() map[string]bool {
	m := make(map[string]bool)
	for _, w := range []string{
		"advertise", "advise", "apprise", "arise", "bruise", "chastise", "circumcise",
		"comprise", "compromise", "concise", "cruise", "demise", "despise", "devise",
		"disguise", "enterprise", "excise", "exercise", "expertise", "franchise", "guise",
		"improvise", "incise", "likewise", "merchandise", "noise", "otherwise", "paradise",
		"poise", "praise", "precise", "premise", "promise", "raise", "reprise", "revise",
		"rise", "supervise", "surmise", "surprise", "televise", "treatise", "wise",
		"clockwise", "sunrise", "valise", "anise", "mortise", "tortoise", "porpoise",
		"turquoise", "cerise", "prise", "upraise", "uprise", "appraise", "reappraise",
		"chemise", "exorcise", "stepwise", "crosswise", "lengthwise", "pairwise",
		"counterclockwise", "anticlockwise", "elsewise",
	} {
		m[w] = true
	}
	return m
}()

// izeSuffix turns -ise, -ises, -ised, -ising, -iser(s), -isation(s) into
// their -ize forms, unless the -ise word is one that keeps its s.
func izeSuffix(w string) string {
	for _, suf := range []string{"isations", "isation", "ising", "ised", "isers", "iser", "ises", "ise"} {
		if !strings.HasSuffix(w, suf) {
			continue
		}
		stem := w[:len(w)-len(suf)]
		if len(stem) < 3 {
			return w
		}
		// -vise, -uise, -oise, -wise and -aise are never -ize.
		switch stem[len(stem)-1] {
		case 'v', 'u', 'o', 'w', 'a':
			return w
		}
		// The -ise word, e.g. "exercise" for "exercising", or a compound
		// ending in a long one ("immunocompromised").
		base := stem + "ise"
		if izeKeep[base] {
			return w
		}
		for k := range izeKeep {
			if len(k) >= 6 && strings.HasSuffix(base, k) {
				return w
			}
		}
		return stem + "iz" + suf[2:]
	}
	return w
}
