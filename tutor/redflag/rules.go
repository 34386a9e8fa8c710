package redflag

// The default rules. Each concept lists lay and clinical wordings with
// British and American spellings; the notices say what to do now. Notices
// deliberately give escalation only, never treatment doses: the answer that
// follows is grounded in the organisation's own guidance.

// Emergency wording shared by the notices.
const callNow = "call 999, or 2222 / your local emergency number in hospital"

// DefaultRules returns a fresh copy of the built-in rules, in the order
// their flags are reported:
//
//   - "acs": chest pain with sweating, radiation, breathlessness or
//     collapse; or a named heart attack in a described patient.
//   - "sepsis": a suspected infection with a sign of organ dysfunction —
//     new confusion or drowsiness, respiratory rate ≥ 22, systolic BP ≤ 100,
//     heart rate ≥ 130, SpO2 < 92%, lactate ≥ 2, NEWS2 ≥ 5, mottled or
//     ashen skin, a non-blanching rash, or no urine passed; or named
//     sepsis in a described patient.
//   - "anaphylaxis": an allergen or allergy with swelling of the lips,
//     tongue, throat or face, wheeze or stridor, breathlessness, low blood
//     pressure or collapse; or such swelling with wheeze, breathlessness or
//     a rash; or named anaphylaxis in a described patient.
//   - "stroke": two of face droop, arm or leg weakness, speech disturbance
//     and sudden visual loss; or one of them with a sudden onset; or a named
//     stroke or TIA in a described patient.
//   - "self-harm": wanting to die, plans or attempts to kill or harm
//     oneself, an overdose, suicidal thoughts.
//   - "breathing": severe breathing difficulty — cannot breathe or speak in
//     sentences, gasping, silent chest, blue lips, not breathing; SpO2 < 92%
//     with breathlessness; SpO2 ≤ 85%; respiratory rate ≥ 30 or ≤ 8.
//   - "meningitis": a non-blanching rash with fever, neck stiffness,
//     photophobia, headache or drowsiness; neck stiffness with fever and
//     headache, photophobia or drowsiness; neck stiffness with photophobia;
//     or named meningitis in a described patient.
//   - "bleeding": major bleeding in words (heavy, uncontrolled, spurting,
//     vomiting blood, melaena, postpartum haemorrhage), or any bleeding with
//     signs of shock (systolic BP ≤ 90, heart rate ≥ 120, pale and clammy,
//     dizzy, faint, collapsed, drowsy).
//   - "dka": diabetes with ketones ≥ 3 mmol/L or acidosis (pH < 7.3,
//     bicarbonate < 15, Kussmaul breathing); high ketones with acidosis;
//     diabetes with glucose ≥ 11 mmol/L and vomiting, abdominal pain or
//     drowsiness; or named DKA in a described patient.
//   - "hypoglycaemia": glucose < 4 mmol/L or a "hypo" with reduced
//     consciousness — drowsy, unresponsive, fitting, collapsed, confused,
//     unable to swallow, GCS ≤ 14.
//   - "cauda-equina": back pain or sciatica with saddle numbness, new
//     bladder or bowel dysfunction, or symptoms in both legs; saddle
//     numbness alone; or named cauda equina syndrome in a described patient.
//   - "pregnancy": pregnancy (or just after) with headache, visual
//     disturbance, epigastric or right upper quadrant pain, sudden swelling
//     of the face or hands, a fit, BP ≥ 140/90, or chest pain; or named
//     pre-eclampsia in a described patient.
func DefaultRules() []Rule {
	return []Rule{
		{
			ID:     "acs",
			Name:   "Possible acute coronary syndrome",
			Notice: "Possible acute coronary syndrome: seek immediate senior or emergency help now (" + callNow + ").",
			Concepts: []Concept{
				chestPain(),
				{ID: "sweating", Phrases: []string{"sweat*", "clammy", "diaphore*", "perspir*", "cold sweat*"}},
				{ID: "radiation", Phrases: []string{
					"radiat*", "spread*|spreads|spreading to|into|down|up|through|across",
					"going|goes|went|travel*|moving|moves|moved|shoot*|shooting down|into|to|up the|his|her|their|my|your? left|right? arm|arms|jaw|neck|back|shoulder|shoulders",
					"down the|his|her|their|my|your? left|right? arm|arms", "into the|his|her|their|my|your? jaw|neck",
					"jaw|arm|shoulder pain|ache|aching|heaviness", "left arm heavy|numb|pain|ache|aching",
					"pain in the|his|her|their|my|your? left|right? jaw|arm|arms|shoulder|neck",
				}},
				breathless(),
				collapse(),
				{ID: "acs-named", Phrases: []string{
					"heart attack", "mi", "stemi", "nstemi", "acs", "acute coronary syndrome", "myocardial infarction", "having a heart attack",
				}},
			},
			When: [][]Need{
				{{Any: []string{"chest-pain"}}, {Any: []string{"sweating", "radiation", "breathless", "collapse"}}},
				{{Any: []string{"acs-named"}}, {Any: []string{Presentation}}},
			},
		},
		{
			ID:     "sepsis",
			Name:   "Possible sepsis",
			Notice: "Possible sepsis: get an urgent senior clinical review now and follow your sepsis pathway; if the person is deteriorating, " + callNow + ".",
			Concepts: []Concept{
				{ID: "infection", Phrases: []string{
					"infect*", "sepsis", "septic*", "septicaemia|septicemia", "urosepsis", "pneumonia", "uti|utis",
					"cellulitis", "pyelonephritis", "cholangitis", "peritonitis", "abscess*", "meningitis", "empyema",
					"osteomyelitis", "appendicitis", "fever*", "febrile", "pyrexi*", "rigor|rigors", "shivering|shivery|shivers",
					"high temperature|temp", "burning up", "hot to the? touch", "pus", "purulent", "productive cough",
					"coughing up green|yellow", "dysuria", "burning when|on passing urine", "burning when|on weeing|peeing", "antibiotic*",
					"covid", "flu", "influenza", "neutropeni*", "line infection", "wound infection",
				}, Measures: []Measure{temperature(AtLeast, 38)}},
				confusion(),
				rrHigh(22),
				lowBP(100),
				{ID: "tachycardia", Measures: []Measure{heartRate(AtLeast, 130)}},
				mottled(),
				nonBlanching(),
				{ID: "no-urine", Phrases: []string{
					"not passed|passing urine|water", "not weed|peed|urinated|pee'd|wee'd",
					"hasn't|haven't|hasnt|havent passed urine|water|any", "hasn't|haven't|hasnt|havent had a wee|pee",
					"has|have not had a wee|pee", "hasn't|haven't|hasnt|havent weed|peed|urinated",
					"no urine output", "no urine for|since|in|today|overnight|all", "no wee|wees",
					"anuri*", "oliguri*", "low urine output", "urine output *? low|poor|reduced|minimal", "not had a wee",
				}},
				spo2Low(92),
				{ID: "lactate", Measures: []Measure{{Names: []string{"lactate", "lac", "lactate level"}, Cmp: AtLeast, Value: 2, Min: 0, Max: 30}}},
				{ID: "news", Measures: []Measure{{
					Names: []string{"news|news2|mews|pews score?", "news # score"},
					Cmp:   AtLeast, Value: 5, Min: 0, Max: 20,
				}}},
				{ID: "sepsis-named", Phrases: []string{
					"sepsis", "septic", "septic shock", "septicaemia|septicemia", "urosepsis", "neutropenic sepsis", "red flag sepsis",
				}},
			},
			When: [][]Need{
				{{Any: []string{"infection"}}, {Any: []string{"confusion", "rr-high", "low-bp", "tachycardia", "mottled", "non-blanching", "no-urine", "spo2-low", "lactate", "news"}}},
				{{Any: []string{"sepsis-named"}}, {Any: []string{Presentation}}},
			},
		},
		{
			ID:     "anaphylaxis",
			Name:   "Possible anaphylaxis",
			Notice: "Possible anaphylaxis: call for emergency help now (" + callNow + ") and follow your anaphylaxis guideline.",
			Concepts: []Concept{
				{ID: "allergen", Phrases: []string{
					"allerg*", "anaphyla*", "hives", "urticaria*", "stung", "sting|stings", "bee|wasp|hornet", "peanut*",
					"nut|nuts", "shellfish", "latex", "reaction to|after", "allergic reaction", "after eating|taking|starting|receiving",
					"first dose", "just been given", "just given|started", "reacted to",
				}},
				{ID: "swelling", Phrases: []string{
					"swollen|swelling|swelled|puffy lip|lips|tongue|throat|face|mouth|eyes|eyelids",
					"lip|lips|tongue|throat|face|mouth *? swollen|swelling|swelled|puffy|puffed",
					"lip|lips|tongue|facial|face|throat swelling", "swelling of|in|around the|his|her|their|my? lip|lips|tongue|throat|face|mouth|eyes",
					"angioedema|angiooedema", "angio oedema|edema", "throat closing|tight|tightening|tightness", "tight throat",
					"throat is|feels closing|tight", "tongue feels thick|big", "tongue is swelling|swollen",
				}},
				{ID: "wheeze", Phrases: []string{"wheez*", "stridor*", "noisy breathing", "high pitched breathing|noise|sound"}},
				breathless(),
				lowBP(90),
				collapse(),
				{ID: "rash", Phrases: []string{"rash|rashes", "itch*", "hives", "urticaria*", "blotchy", "flushed|flushing", "welts"}},
				{ID: "anaphylaxis-named", Phrases: []string{"anaphyla*", "anaphylactic shock|reaction"}},
			},
			When: [][]Need{
				{{Any: []string{"allergen"}}, {Any: []string{"swelling", "wheeze", "breathless", "low-bp", "collapse"}}},
				{{Any: []string{"swelling"}}, {Any: []string{"wheeze", "breathless", "rash"}}},
				{{Any: []string{"anaphylaxis-named"}}, {Any: []string{Presentation}}},
			},
		},
		{
			ID:     "stroke",
			Name:   "Possible stroke",
			Notice: "Possible stroke: this is an emergency — " + callNow + " (or your stroke team), and note the time the symptoms started.",
			Concepts: []Concept{
				{ID: "face", Phrases: []string{
					"face|facial|mouth|smile|lip droop*|drooping|dropped|drooped|fallen|lopsided|weakness|weak|numb*|palsy|asymmetry",
					"droop*|drooping|lopsided face|mouth|smile", "face * dropped|drooped|droopy|lopsided|fallen",
					"face has|is dropped|drooped|droopy|lopsided|fallen|drooping", "one side of the|his|her|their|my? face",
					"facial asymmetry|palsy|droop",
				}},
				{ID: "limb", Phrases: []string{
					"arm|arms|leg|legs|limb|limbs|hand weak*|numb*|heavy|drift*|floppy",
					"arm|arms|leg|legs|hand is|are|feels|feel|went|gone|has|have gone? weak|numb|heavy|floppy|dead",
					"weak*|numb* in|of|down the|his|her|their|my|your|one? left|right? arm|arms|leg|legs|hand|side|limb|limbs",
					"weakness|numbness on one|the|his|her|their|my left|right|one? side", "one|left|right sided weakness|numbness",
					"hemipar*", "hemipleg*", "can't|cannot|cant|unable to? lift|move|raise|feel the|his|her|their|my|one|either? left|right? arm|arms|leg|hand",
					"arm|pronator drift", "unilateral weakness|numbness", "weak on one|the left|right? side",
				}},
				{ID: "speech", Phrases: []string{
					"slurr*", "speech slurred|disturb*|difficult*|problem*|garbled|jumbled|muddled|strange|odd|affected",
					"slurred|garbled|jumbled|muddled speech", "dysphasi*", "aphasi*", "dysarthri*",
					"can't|cannot|cant|unable to? speak|talk", "can't|cannot|cant|unable to? get the|his|her|my|any? words out",
					"can't|cannot|cant|unable to? find the|his|her|my|any? words", "difficulty|trouble speaking|talking",
					"difficulty|trouble finding words", "words are? jumbled|muddled|mixed",
					"talking gibberish|nonsense|strangely", "not making sense", "speaking strangely|oddly",
				}},
				{ID: "vision", Phrases: []string{
					"loss of vision|sight", "lost|losing the|his|her|my? vision|sight", "vision loss", "double vision",
					"blind in one eye", "can't|cannot see out of",
				}},
				{ID: "sudden", Phrases: []string{
					"sudden*", "abrupt*", "acute onset", "came on quickly|fast|suddenly", "out of the blue",
					"# minutes|mins|hour|hours ago", "minutes ago", "an hour ago", "just now", "woke|woken up with", "new onset", "new",
					"this morning", "all of a sudden",
				}},
				{ID: "stroke-named", Phrases: []string{
					"stroke", "cva", "tia", "mini stroke", "ministroke", "brain attack", "cerebrovascular accident", "transient ischaemic|ischemic attack",
				}},
			},
			When: [][]Need{
				{{Any: []string{"face", "limb", "speech", "vision"}, Min: 2}},
				{{Any: []string{"face", "limb", "speech", "vision"}}, {Any: []string{"sudden"}}},
				{{Any: []string{"stroke-named"}}, {Any: []string{Presentation}}},
			},
		},
		{
			ID:     "self-harm",
			Name:   "Possible risk of suicide or self-harm",
			Notice: "Possible risk of suicide or self-harm: do not leave the person alone; get urgent help now — 999 if life is at immediate risk (2222 in hospital), or your local mental health crisis team. Samaritans: 116 123 (free, 24 hours).",
			Concepts: []Concept{
				{ID: "intent", Phrases: []string{
					"want|wants|wanted|wanting|wish|wishes|wished|wishing to die", "want|wants|wanted|wanting|wish|wishes|wished|wishing to be dead", "want|wants|wanted|wanting to end it|everything",
					"end|ending it all", "kill|killing|killed himself|herself|themselves|themself|myself|yourself",
					"end|ending|take|taking his|her|their|my|your own? life", "suicidal*", "suicidality",
					"attempted suicide", "suicide attempt|attempts|plan|plans|note|thoughts|ideation",
					"tried|trying|tries|attempted|attempting to kill|end|hang|overdose",
					"self harm*", "selfharm*", "self injur*",
					"harm|harming|harmed|hurt|hurting himself|herself|themselves|myself",
					"cut|cutting|cuts|burning himself|herself|themselves|myself",
					"overdos*", "took|taken|taking an|a overdose|od", "deliberate|intentional overdose|od",
					"wish|wishes|wished he|she|i|they|he'd|she'd|i'd was|were|be dead", "better off dead", "no reason|point to|in live|living|going",
					"doesn't|don't|didn't|doesnt|dont|didnt|not want|wanting to live|continue", "doesn't|don't|didn't|doesnt|dont|didnt|not want|wanting to be alive|here|around",
					"doesn't|don't|didn't|doesnt|dont|didnt|not want|wanting to go|wake on|up",
					"hang|hanging himself|herself|myself|themselves", "jump|jumping|jumped off|from a|the? bridge|building|roof|cliff|balcony",
					"in front of a|the? train|car|bus|lorry|traffic",
					"plan|plans|planning|planned to kill|end|jump|overdose|hang", "thoughts of ending|killing|dying|death|suicide|self",
					"thinking of|about ending|killing|suicide|dying",
				}},
			},
			When: [][]Need{{{Any: []string{"intent"}}}},
		},
		{
			ID:     "breathing",
			Name:   "Severe breathing difficulty",
			Notice: "Severe breathing difficulty: call for emergency help now (" + callNow + "). If they stop breathing normally, start CPR.",
			Concepts: []Concept{
				{ID: "severe", Phrases: []string{
					"can't|cant|cannot|unable to? breathe|breath", "can not breathe", "struggling|struggles|fighting to|for breathe|breath",
					"gasping", "unable|can't|cannot|cant to? speak|talk in? full? sentences",
					"can't|cannot|cant|unable to? complete|finish sentences|sentence", "can't|cannot|cant|unable to? complete|finish a|full sentence|sentences",
					"one word answers|sentences", "silent chest", "not breathing", "stopped breathing", "no breathing", "respiratory arrest",
					"isn't|wasn't|isnt|wasnt breathing", "choking", "blue lips", "lips *? blue|grey|gray", "cyanos*", "cyanotic", "exhausted from breathing",
					"tiring|tired from|with breathing", "accessory muscle|muscles", "tracheal tug", "nasal flaring", "grunting",
					"tripod*", "severe breathless*|sob|dyspnoea|dyspnea", "severe shortness of breath", "severely breathless", "severely short of breath",
					"life threatening asthma", "acute severe asthma", "breathing very fast|hard|badly",
				}},
				spo2Low(92),
				{ID: "spo2-very-low", Measures: []Measure{spo2(AtMost, 85)}},
				breathless(),
				{ID: "rr-extreme", Measures: []Measure{respRate(AtLeast, 30), respRate(AtMost, 8)}},
			},
			When: [][]Need{
				{{Any: []string{"severe"}}},
				{{Any: []string{"spo2-low"}}, {Any: []string{"breathless"}}},
				{{Any: []string{"spo2-very-low"}}},
				{{Any: []string{"rr-extreme"}}},
			},
		},
		{
			ID:     "meningitis",
			Name:   "Possible meningitis or meningococcal sepsis",
			Notice: "Possible meningitis or meningococcal sepsis: this is an emergency — " + callNow + " now; do not wait for a rash to appear or spread.",
			Concepts: []Concept{
				nonBlanching(),
				{ID: "fever", Phrases: []string{
					"fever*", "febrile", "pyrexi*", "high temperature|temp", "burning up", "hot to the? touch", "feverish",
				}, Measures: []Measure{temperature(AtLeast, 38)}},
				{ID: "neck", Phrases: []string{
					"stiff neck", "neck stiff*", "neck is|feels stiff", "nuchal rigidity", "meningism*", "neck rigidity",
					"can't|cannot|cant|unable to? bend|touch|move|flex the|his|her|their|my? neck|chin", "chin to chest",
				}},
				{ID: "photophobia", Phrases: []string{
					"photophob*", "light hurts|hurting", "hurts to look at the? light|lights", "sensitive|sensitivity to light",
					"dislike of bright? light|lights", "bright lights hurt|bother", "can't|cannot stand the? light|lights",
				}},
				{ID: "headache", Phrases: []string{"headache*", "head ache|aches", "head pain", "head hurts|hurting", "worst headache"}},
				confusion(),
				{ID: "meningitis-named", Phrases: []string{"meningitis", "meningococcal", "meningococcaemia|meningococcemia"}},
			},
			When: [][]Need{
				{{Any: []string{"non-blanching"}}, {Any: []string{"fever", "neck", "photophobia", "headache", "confusion"}}},
				{{Any: []string{"neck"}}, {Any: []string{"fever"}}, {Any: []string{"headache", "photophobia", "confusion"}}},
				{{Any: []string{"neck"}}, {Any: []string{"photophobia"}}},
				{{Any: []string{"meningitis-named"}}, {Any: []string{Presentation}}},
			},
		},
		{
			ID:     "bleeding",
			Name:   "Possible major bleeding",
			Notice: "Possible major bleeding: call for emergency help now (" + callNow + "; use your major haemorrhage protocol if you have one) and apply direct pressure to any visible bleeding.",
			Concepts: []Concept{
				{ID: "major", Phrases: []string{
					"major|massive|catastrophic|uncontrolled|uncontrollable|severe|heavy|profuse|significant haemorrhag*|hemorrhag*|bleed*",
					"major|massive|catastrophic|uncontrolled|uncontrollable|severe|heavy|profuse|significant blood loss",
					"life threatening haemorrhag*|hemorrhag*|bleed*", "bleeding heavily|profusely|badly|uncontrollably|everywhere|loads", "bleeding a lot",
					"bleeding won't|doesn't|can't|cannot|wont|doesnt|cant stop", "bleeding will|does not stop", "won't|can't|cannot|couldn't stop the|his|her|their? bleeding",
					"spurting|pumping blood", "blood spurting|pumping|everywhere|pouring", "pool|pools of blood", "lots|loads of blood",
					"soaked through", "soaking through|pads", "vomiting|vomited|vomits blood", "throwing|threw up blood", "haematemesis|hematemesis",
					"coffee ground|grounds vomit", "melaena|melena|malaena", "black tarry stool|stools|poo", "pph",
					"postpartum haemorrhage|hemorrhage|bleed*", "post partum haemorrhage|hemorrhage|bleed*", "haemorrhaging|hemorrhaging", "major haemorrhage|hemorrhage protocol",
				}},
				{ID: "bleed", Phrases: []string{
					"bleed*", "haemorrhag*", "hemorrhag*", "blood loss", "losing blood", "lost a lot of? blood", "blood in|from",
					"epistaxis", "nosebleed*", "haematuria|hematuria", "pr|pv blood|bleed*",
				}},
				lowBP(90),
				{ID: "tachycardia", Measures: []Measure{heartRate(AtLeast, 120)}},
				{ID: "shock", Phrases: []string{
					"pale and clammy|sweaty", "clammy", "dizzy|dizziness|lightheaded|faint|fainting|fainted",
					"light headed", "passed out", "collaps*", "cold peripheries", "shock", "shocked", "drowsy", "grey|gray and sweaty",
				}},
			},
			When: [][]Need{
				{{Any: []string{"major"}}},
				{{Any: []string{"bleed"}}, {Any: []string{"low-bp", "tachycardia", "shock"}}},
			},
		},
		{
			ID:     "dka",
			Name:   "Possible diabetic ketoacidosis",
			Notice: "Possible diabetic ketoacidosis: get an urgent medical review now and follow your DKA protocol; if they are drowsy or very unwell, " + callNow + ".",
			Concepts: []Concept{
				{ID: "diabetes", Phrases: []string{
					"diabet*", "type 1|one", "t1dm|t1d|iddm|t2dm", "insulin", "insulin pump", "sglt2",
					"dapagliflozin|empagliflozin|canagliflozin|ertugliflozin",
				}},
				{ID: "ketones", Phrases: []string{
					"high|raised|elevated|rising ketones", "ketones are? high|raised|elevated|rising", "ketotic", "ketosis", "ketonuria",
				}, Measures: []Measure{{
					Names: []string{"ketones|ketone", "blood|capillary|serum ketones|ketone", "ketone level|reading", "bhb", "beta hydroxybutyrate"},
					Cmp:   AtLeast, Value: 3, Min: 0, Max: 15,
				}}},
				{ID: "acidosis", Phrases: []string{
					"acidosis", "acidotic", "kussmaul*", "deep sighing breathing|breaths", "pear drops", "fruity breath|smell",
				}, Measures: []Measure{
					{Names: []string{"ph", "venous|vbg|abg|blood ph"}, Cmp: Below, Value: 7.3, Min: 6.5, Max: 7.8},
					{Names: []string{"bicarb|bicarbonate|hco3|bic", "venous bicarb|bicarbonate"}, Cmp: Below, Value: 15, Min: 0, Max: 50},
				}},
				{ID: "high-glucose", Phrases: []string{
					"high sugar|sugars|glucose|bm|bms|bg|cbg", "high blood sugar|sugars|glucose", "sugars|sugar|bms|bm|glucose are|is|running? high|raised",
					"sugars|sugar|bms|bm|glucose are|is? very high",
					"hyperglyc*",
				}, Measures: []Measure{glucose(AtLeast, 11)}},
				{ID: "unwell", Phrases: []string{
					"vomit*", "abdominal|abdo|tummy|stomach pain|ache", "drowsy", "drowsiness", "confus*", "dehydrat*",
					"kussmaul*", "being sick", "throwing up",
				}},
				{ID: "dka-named", Phrases: []string{"dka", "diabetic ketoacidosis", "ketoacidosis"}},
			},
			When: [][]Need{
				{{Any: []string{"diabetes"}}, {Any: []string{"ketones", "acidosis"}}},
				{{Any: []string{"ketones"}}, {Any: []string{"acidosis"}}},
				{{Any: []string{"diabetes"}}, {Any: []string{"high-glucose"}}, {Any: []string{"unwell"}}},
				{{Any: []string{"dka-named"}}, {Any: []string{Presentation}}},
			},
		},
		{
			ID:     "hypoglycaemia",
			Name:   "Severe hypoglycaemia",
			Notice: "Severe hypoglycaemia with reduced consciousness: call for emergency help now (" + callNow + ") and follow your hypoglycaemia guideline; give nothing by mouth if they cannot swallow safely.",
			Concepts: []Concept{
				{ID: "hypo", Phrases: []string{
					"hypo|hypos|hypoing", "hypoglyc*", "low blood|capillary? sugar|sugars|glucose", "low sugar|sugars|glucose|bm|bms|cbg",
					"sugar|sugars|bm|bms|glucose|cbg is|are|has|have? low|dropped|dropping|fallen",
				}, Measures: []Measure{glucose(Below, 4)}},
				{ID: "reduced-consciousness", Phrases: []string{
					"unconscious", "unresponsive", "unrousable", "not rousable|responsive|responding", "hard|difficult to wake|rouse",
					"won't|can't|cannot|cant wake", "will not wake", "not waking", "drowsy", "drowsiness", "reduced consciousness|gcs", "reduced conscious level",
					"fitting", "fit", "fits", "seizure*", "seizing", "convuls*", "collaps*", "passed out",
					"unable|can't|cannot|cant to? swallow", "not able to swallow", "confus*", "not making sense", "floppy", "unconsciousness",
				}, Except: []string{"not responding to"}, Measures: []Measure{gcs(AtMost, 14)}},
			},
			When: [][]Need{{{Any: []string{"hypo"}}, {Any: []string{"reduced-consciousness"}}}},
		},
		{
			ID:     "cauda-equina",
			Name:   "Possible cauda equina syndrome",
			Notice: "Possible cauda equina syndrome: this needs emergency assessment today — send the person to the emergency department or contact the on-call spinal or orthopaedic team now.",
			Concepts: []Concept{
				{ID: "back", Phrases: []string{
					"back pain|ache|injury|problem|problems", "backache", "pain in the|his|her|their|my? lower? back", "lower|low back",
					"lumbar", "sciatica", "disc prolapse|herniation|bulge", "slipped disc", "lbp", "spinal",
				}},
				{ID: "saddle", Phrases: []string{
					"saddle anaesth*|anesth*|numb*|sensory|area", "numb*|tingl* in|around|between the|his|her|their|my? bottom|buttock|buttocks|bum|genitals|groin|perineum|legs|thighs",
					"numb*|tingl* in|around the|his|her|their|my? back passage", "numb* inner thighs",
					"numb bum|bottom|groin|genitals|perineum", "perineal numb*|anaesth*|anesth*|sensation",
					"can't|cannot|cant feel the|his|her|their|my? bottom|bum|genitals|groin", "can't|cannot|cant feel toilet paper", "can't|cannot|cant feel when wiping",
					"loss of sensation in|around the|his|her|their|my? bottom|genitals|perineum|saddle",
				}},
				{ID: "bladder-bowel", Phrases: []string{
					"urinary retention", "retention of urine", "retaining urine", "painless retention",
					"can't|cannot|cant|unable to? pee|wee|urinate|empty", "can't|cannot|cant|unable to? pass urine|water", "difficulty passing urine", "difficulty urinating|peeing|weeing",
					"incontinen*", "wet|soiled himself|herself|themselves|myself", "lost|loss of bladder|bowel control",
					"bladder|bowel dysfunction|control", "not passed urine", "reduced anal tone", "sexual dysfunction",
				}},
				{ID: "both-legs", Phrases: []string{
					"both legs", "bilateral sciatica|leg|legs|weakness|numbness", "down both legs", "legs are? weak|numb",
				}},
				{ID: "ces-named", Phrases: []string{"cauda equina", "ces", "cauda equina syndrome"}},
			},
			When: [][]Need{
				{{Any: []string{"back"}}, {Any: []string{"saddle", "bladder-bowel", "both-legs"}}},
				{{Any: []string{"saddle"}}},
				{{Any: []string{"ces-named"}}, {Any: []string{Presentation}}},
			},
		},
		{
			ID:     "pregnancy",
			Name:   "Possible pre-eclampsia or serious pregnancy complication",
			Notice: "Possible pre-eclampsia or another serious pregnancy complication: arrange urgent same-day obstetric assessment (maternity triage or the on-call obstetric team); if they are fitting, have chest pain or are very unwell, " + callNow + ".",
			Concepts: []Concept{
				{ID: "pregnant", Phrases: []string{
					"pregnan*", "antenatal|antenatally", "ante natal", "gestation*", "# 40", "# weeks gone", "at # weeks|wks", "postnatal|postnatally|postpartum",
					"post natal|partum", "just had a|her|their baby", "gave|given birth", "primigravida|primip|multip|multigravida",
					"trimester", "expecting a baby", "in labour|labor", "obstetric",
				}},
				{ID: "pre-eclampsia-signs", Phrases: []string{
					"headache*", "head ache|pain", "visual disturbance*|problems|changes", "blurred|blurry|blurring vision",
					"vision is? blurred|blurry|blurring", "flashing lights", "flashes", "seeing stars|spots|flashes",
					"spots in front of the|her|my? eyes", "epigastric pain", "pain below|under the|her|my? ribs",
					"right upper quadrant pain", "ruq pain", "upper abdominal pain",
					"swelling of|in the|her|my? face|hands|fingers", "swollen|puffy face|hands|fingers", "face|hands|fingers swollen|puffy",
					"fit", "fitting", "seizure*", "convuls*", "proteinuria", "protein in the|her|my? urine",
				}},
				{ID: "high-bp", Phrases: []string{
					"high blood pressure", "high bp", "hypertensi*", "raised|elevated blood pressure", "raised|elevated bp",
					"bp is? high|raised|up", "blood pressure is? high|raised|up",
				}, Measures: []Measure{
					{Names: bpNames, Cmp: AtLeast, Value: 140, Min: 40, Max: 300},
					{Names: bpNames, Second: true, Cmp: AtLeast, Value: 90, Min: 20, Max: 200},
				}},
				chestPain(),
				{ID: "pre-eclampsia-named", Phrases: []string{
					"pre eclampsia", "preeclampsia", "eclampsia", "hellp", "pre eclamptic", "preeclamptic", "eclamptic",
				}},
			},
			When: [][]Need{
				{{Any: []string{"pregnant"}}, {Any: []string{"pre-eclampsia-signs", "high-bp", "chest-pain"}}},
				{{Any: []string{"pre-eclampsia-named"}}, {Any: []string{Presentation}}},
			},
		},
	}
}

// Shared concepts and measures. Each call returns a fresh value.

func chestPain() Concept {
	return Concept{ID: "chest-pain", Phrases: []string{
		"chest pain*|ache|aches|aching|tight*|discomfort|pressure|heaviness|hurts|hurting", "chestpain",
		"tight|heavy|crushing|central|sore chest", "tightness|heaviness|pressure|pain|discomfort in|across|on the|his|her|their|my|your? chest",
		"crushing pain", "retrosternal pain|discomfort", "cardiac pain|sounding", "angina*",
	}}
}

func breathless() Concept {
	return Concept{ID: "breathless", Phrases: []string{
		"breathless*", "short of breath|breathe", "shortness of breath", "sob", "dyspn*", "dyspnoea",
		"difficulty|trouble|problems|struggling|struggles breathing", "difficulty in breathing",
		"can't|cant|cannot|unable to? breathe|catch", "can not breathe", "struggling|struggles to breathe", "hard to breathe",
		"out of breath", "breathing difficult*|laboured|labored|problems|fast|rapidly|heavily|hard",
		"laboured|labored breathing", "gasping", "puffed out", "puffing", "increased work of breathing",
	}}
}

func collapse() Concept {
	return Concept{ID: "collapse", Phrases: []string{
		"collaps*", "passed|pass|passing out", "fainted", "fainting", "feels|felt|feeling faint", "blacked|blacking out", "syncope", "syncopal",
	}}
}

func confusion() Concept {
	return Concept{ID: "confusion", Phrases: []string{
		"confus*", "disorient*", "delirium", "delirious", "drowsy", "drowsiness", "altered mental state|status",
		"altered|reduced consciousness", "altered|reduced conscious level|state", "not making sense", "talking nonsense", "acting strangely|strange|oddly|odd",
		"hard|difficult to wake|rouse", "unresponsive", "unrousable", "not rousable", "floppy", "lethargic",
		"not responding to voice|pain", "not himself|herself|themselves", "not with it",
	}, Measures: []Measure{gcs(AtMost, 14)}}
}

func mottled() Concept {
	return Concept{ID: "mottled", Phrases: []string{
		"mottl*", "ashen", "blue|grey|gray lips", "cyanos*", "cyanotic", "blue around the|his|her|their|my? lips|mouth",
		"blue|grey|gray skin",
	}}
}

func nonBlanching() Concept {
	return Concept{ID: "non-blanching", Phrases: []string{
		"non blanching", "nonblanching", "non blanchable",
		"doesn't|don't|didn't|won't|doesnt|dont|didnt|wont blanch|fade", "not blanch|blanching|fade|fading", "fails|failed to blanch",
		"purpur*", "petechia*", "glass test",
	}}
}

var bpNames = []string{"bp", "blood pressure", "systolic", "sbp", "systolic bp|pressure", "systolic blood pressure"}

func lowBP(systolic float64) Concept {
	return Concept{ID: "low-bp", Phrases: []string{
		"hypotensi*", "low blood pressure", "low bp", "bp is|has|was? low|dropped|dropping|falling|fallen|unrecordable",
		"blood pressure is|has|was? low|dropped|dropping|falling|fallen|unrecordable",
	}, Measures: []Measure{{Names: bpNames, Cmp: AtMost, Value: systolic, Min: 30, Max: 300}}}
}

func rrHigh(rr float64) Concept {
	return Concept{ID: "rr-high", Phrases: []string{
		"breathing fast|quickly|rapidly", "rapid|fast breathing", "tachypn*", "breathing very fast",
	}, Measures: []Measure{respRate(AtLeast, rr)}}
}

func respRate(cmp Cmp, v float64) Measure {
	return Measure{
		Names: []string{"rr", "resp|resps|respiratory|breathing rate?", "respirations", "resp rate"},
		Units: []string{"breaths|breath|resps"},
		Cmp:   cmp, Value: v, Min: 1, Max: 80,
	}
}

func heartRate(cmp Cmp, v float64) Measure {
	return Measure{
		Names: []string{"hr", "heart|pulse rate", "pulse", "heartrate"},
		Units: []string{"bpm", "beats per|a minute|min"},
		Cmp:   cmp, Value: v, Min: 20, Max: 300,
	}
}

func spo2(cmp Cmp, v float64) Measure {
	return Measure{
		Names: []string{"spo2|sao2|sats|sat|saturation|saturations|saturating|o2", "o2|oxygen sats|saturation|saturations|levels"},
		Cmp:   cmp, Value: v, Min: 40, Max: 100,
	}
}

func spo2Low(v float64) Concept {
	return Concept{ID: "spo2-low", Phrases: []string{"low oxygen|sats|saturations", "desaturat*", "hypoxi*", "hypoxaemi*", "hypoxemi*"},
		Measures: []Measure{spo2(Below, v)}}
}

func temperature(cmp Cmp, v float64) Measure {
	return Measure{
		Names: []string{"temp|temperature|t"},
		Units: []string{"degrees|c|celsius|centigrade"},
		Cmp:   cmp, Value: v, Min: 30, Max: 45,
	}
}

func glucose(cmp Cmp, v float64) Measure {
	return Measure{
		Names: []string{
			"glucose|bm|bms|cbg|bg|sugar|sugars", "blood|capillary glucose|sugar|sugars", "blood sugar|glucose level",
		},
		Cmp: cmp, Value: v, Min: 0.1, Max: 100,
	}
}

func gcs(cmp Cmp, v float64) Measure {
	return Measure{Names: []string{"gcs", "glasgow coma scale|score"}, Cmp: cmp, Value: v, Min: 3, Max: 15}
}
