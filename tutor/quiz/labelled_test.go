package quiz

// A labelled item is an item written for measuring the linter, with the
// item-writing flaws a reviewer would mark in it.
type labelled struct {
	item  Item
	flaws []string
}

func vig(stem string, key int, opts ...string) Item {
	it := sba(stem, key, opts...)
	it.Type = Vignette
	return it
}

func mcq(stem string, keys []int, opts ...string) Item {
	it := sba(stem, -1, opts...)
	it.Type = MultipleChoice
	for _, k := range keys {
		it.Options[k].Correct = true
	}
	return it
}

func short(stem string, answers ...string) Item {
	return Item{Type: ShortAnswer, Stem: stem, Answers: answers, Rationale: "r"}
}

// labelledItems is the development set: items with and without flaws,
// covering every flaw rule at least twice.
func labelledItems() []labelled {
	const (
		longest = RuleLongestOption
		allNone = RuleAllNone
		neg     = RuleNegativeStem
		abs     = RuleAbsoluteTerms
		vague   = RuleVagueFrequency
		gram    = RuleGrammaticalCue
		clang   = RuleWordRepeat
		conv    = RuleConvergence
		implaus = RuleImplausibleOption
		dup     = RuleDuplicateOption
		blank   = RuleFillInBlank
		tfOpts  = RuleTrueFalseOptions
		ktype   = RuleKType
		hetero  = RuleHeterogeneousOption
	)
	f := func(fs ...string) []string { return fs }
	return []labelled{
		// Items without flaws.
		{sba("What is the adult dose of intramuscular adrenaline in anaphylaxis?", 2, "150 micrograms", "300 micrograms", "500 micrograms", "1 mg", "5 mg"), nil},
		{sba("When should the intramuscular adrenaline dose be repeated if there is no improvement?", 1, "After 1 minute", "After 5 minutes", "After 10 minutes", "After 15 minutes", "After 30 minutes"), nil},
		{sba("What serum potassium defines severe hyperkalaemia?", 2, "5.5 mmol/L or more", "6.0 mmol/L or more", "6.5 mmol/L or more", "7.0 mmol/L or more", "7.5 mmol/L or more"), nil},
		{sba("Which medicine should be withheld during acute kidney injury?", 0, "Metformin", "Paracetamol", "Amoxicillin", "Omeprazole", "Senna"), nil},
		{vig("A 68-year-old woman is being treated for diabetic ketoacidosis. Her serum potassium is 3.1 mmol/L. Which is the most appropriate next step?", 0,
			"Seek senior review", "Give no potassium", "Add potassium 40 mmol per litre", "Stop the insulin infusion", "Give intravenous calcium gluconate"), nil},
		{sba("What is the target oxygen saturation for most acutely ill adults?", 2, "84% to 88%", "88% to 92%", "94% to 98%", "90% to 94%", "98% to 100%"), nil},
		{sba("Over what period should intravenous calcium gluconate be given in hyperkalaemia?", 2, "1 minute", "5 minutes", "10 minutes", "30 minutes", "60 minutes"), nil},
		{sba("Which drug reverses opioid-induced respiratory depression?", 0, "Naloxone", "Flumazenil", "Atropine", "Glucagon", "Acetylcysteine"), nil},
		{sba("Which NEWS2 score triggers an urgent response?", 1, "3 or more", "5 or more", "7 or more", "9 or more", "11 or more"), nil},
		{sba("How long should hands be rubbed with alcohol handrub?", 1, "5 to 10 seconds", "20 to 30 seconds", "40 to 60 seconds", "1 to 2 minutes", "3 to 5 minutes"), nil},
		{vig("A man with acute asthma has a peak flow of 30% of his best and an SpO2 of 90%. How severe is this attack?", 2,
			"Moderate", "Acute severe", "Life-threatening", "Near-fatal", "Mild"), nil},
		{mcq("Which of the following are early symptoms of hypoglycaemia? Select all that apply.", []int{0, 1, 2}, "Sweating", "Tremor", "Palpitations", "Seizures", "Coma"), nil},
		{tf("Intramuscular adrenaline is the first-line treatment for anaphylaxis.", true), nil},
		{tf("The adult intramuscular dose of adrenaline is 5 mg.", false), nil},
		{short("What is the first-line treatment for anaphylaxis?", "Intramuscular adrenaline"), nil},
		{sba("Which antidote is used in paracetamol overdose?", 1, "Naloxone", "Acetylcysteine", "Flumazenil", "Protamine", "Vitamin K"), nil},
		{sba("At what systolic blood pressure should a 500 mL fluid bolus be given in diabetic ketoacidosis?", 1, "Below 80 mmHg", "Below 90 mmHg", "Below 100 mmHg", "Below 110 mmHg", "Below 120 mmHg"), nil},
		{sba("Within how many hours of admission should VTE prophylaxis start?", 1, "4", "14", "24", "48", "72"), nil},
		{vig("An 80-year-old man falls on the ward and hits his head. He takes apixaban. Which is the most appropriate next step?", 0,
			"Request a CT head scan within 8 hours", "Observe neurological signs for 1 hour", "Discharge home with written advice",
			"Give vitamin K intravenously now", "Restart apixaban the same evening"), f(clang)},
		{sba("Which drug class should be withheld in acute kidney injury?", 0, "ACE inhibitors", "Proton pump inhibitors", "Statins", "Antihistamines", "Benzodiazepines"), nil},
		{sba("What is the maximum rate of potassium infusion through a peripheral line?", 1, "5 mmol/h", "10 mmol/h", "20 mmol/h", "40 mmol/h", "80 mmol/h"), nil},
		{sba("Which of the following is NOT a cause of acute kidney injury?", 4, "Sepsis", "Hypovolaemia", "Nephrotoxic drugs", "Urinary obstruction", "Hypothyroidism"), nil},
		{sba("Which potassium result needs an urgent repeat sample?", 0, "Potassium 6.8 mmol/L from a haemolysed sample", "Potassium 4.2 mmol/L from a fresh sample",
			"Potassium 3.9 mmol/L from an arterial sample", "Potassium 4.8 mmol/L from a capillary sample", "Potassium 5.0 mmol/L from a venous sample"), nil},
		{sba("Which medicine should you withhold during acute kidney injury?", 1, "Paracetamol", "NSAIDs", "Omeprazole", "Amlodipine", "Senna"), nil},
		{sba("Which drug must always be checked against the prescription chart before it is given?", 2, "Paracetamol", "Oxygen", "Insulin", "Senna", "Lactulose"), nil},
		{sba("If there is no intravenous access, what dose of glucagon should be given intramuscularly?", 1, "0.5 mg", "1 mg", "2 mg", "5 mg", "10 mg"), nil},

		// Items with flaws.
		{sba("Which is the correct position for a patient with anaphylaxis who is breathing normally but hypotensive?", 0,
			"Lying flat with the legs raised", "Sitting upright", "Standing", "Lying on the right side", "Prone"), f(longest)},
		{sba("What should you do first for a patient with suspected sepsis?", 3, "Give paracetamol", "Wait for blood results", "Request a chest X-ray",
			"Take blood cultures and give antibiotics within one hour of recognition", "Start oral fluids"), f(longest)},
		{sba("Which describes the management of hypoglycaemia in a conscious patient?", 0,
			"Give 15 to 20 g of fast-acting carbohydrate and recheck the glucose after 10 to 15 minutes", "Give insulin", "Give glucagon",
			"Give 1 litre of saline", "Give nothing and wait"), f(longest)},
		{sba("Which are signs of anaphylaxis?", 4, "Wheeze", "Stridor", "Urticaria", "Hypotension and collapse", "All of the above"), f(allNone)},
		{sba("Which drug is used to treat hyperkalaemia?", 4, "Spironolactone", "Trimethoprim", "Potassium chloride", "Ramipril", "None of the above"), f(allNone)},
		{sba("Which of the following is not a cause of acute kidney injury?", 4, "Sepsis", "Hypovolaemia", "Nephrotoxic drugs", "Urinary obstruction", "Hypothyroidism"), f(neg)},
		{sba("All of these medicines should be withheld in acute kidney injury except which one?", 4, "Metformin", "NSAIDs", "ACE inhibitors", "Diuretics", "Paracetamol"), f(neg)},
		{sba("Which is the least appropriate first action in anaphylaxis?", 3, "Call for help", "Give intramuscular adrenaline", "Lie the patient flat", "Stand the patient up", "Remove the trigger"), f(neg)},
		{sba("Which statement about intravenous adrenaline in anaphylaxis is correct?", 0, "It is given only by experienced specialists",
			"It is always the first-line route", "It is never used in hospital", "It replaces the intramuscular route", "It is given by mouth"), f(abs, tfOpts, longest)},
		{tf("Antihistamines are never first-line treatment for anaphylaxis.", true), f(abs)},
		{sba("Who should receive oxygen in suspected acute coronary syndrome?", 1, "All patients", "Only hypoxaemic patients", "No patients",
			"Patients with chest pain", "Patients over 65 years"), f(abs)},
		{sba("Which symptom usually appears first in hypoglycaemia?", 0, "Sweating", "Seizures", "Coma", "Slurred speech", "Confusion"), f(vague)},
		{sba("How often should observations be taken for a NEWS2 score of 5?", 1, "Rarely", "At least hourly", "Every 12 hours", "Once a day", "Sometimes"), f(vague)},
		{sba("The drug given first in anaphylaxis is an", 0, "Adrenaline injection", "Chlorphenamine tablet", "Hydrocortisone injection", "Salbutamol nebuliser", "Glucagon injection"), f(gram, blank)},
		{sba("Which medicines are withheld during acute kidney injury?", 0, "NSAIDs", "Paracetamol", "Amoxicillin", "Insulin", "Heparin"), f(gram)},
		{sba("Which of these is a sign of hyperkalaemia on the ECG?", 0, "Tall peaked T wave", "Prolonged QT intervals", "U waves", "Delta waves", "J waves"), f(gram)},
		{sba("Which is the first-line treatment for anaphylaxis?", 0, "Adrenaline for anaphylaxis", "Chlorphenamine", "Hydrocortisone", "Salbutamol", "Glucagon"), f(clang, longest)},
		{sba("What does the hand hygiene guidance recommend when hands are visibly soiled?", 0, "Wash hands with soap and water", "Use alcohol handrub",
			"Wear gloves", "Use a detergent wipe", "Apply moisturiser"), f(clang, longest)},
		{sba("Which treatment is first-line in anaphylaxis?", 0, "IM adrenaline 0.5 mg", "IV adrenaline 0.5 mg", "IM adrenaline 5 mg", "IM noradrenaline 0.5 mg", "Oral prednisolone 40 mg"), f(conv)},
		{sba("Which treatment lowers serum potassium in hyperkalaemia?", 0, "Give 10 units of soluble insulin with 25 g glucose", "Give 10 units of soluble insulin with 50 g glucose",
			"Give 20 units of soluble insulin with 25 g glucose", "Give 10 units of glargine with 25 g glucose", "Give 10 mL of calcium gluconate"), f(conv)},
		{sba("What is the adult dose of intramuscular adrenaline in anaphylaxis?", 2, "150 micrograms", "300 micrograms", "500 micrograms", "1 mg", "500 g"), f(implaus, conv)},
		{sba("What is the target SpO2 for a patient at risk of hypercapnic respiratory failure?", 0, "88% to 92%", "94% to 98%", "92% to 96%", "85% to 90%", "120% to 130%"), f(implaus)},
		{sba("Which medicine reverses opioid toxicity?", 0, "Naloxone", "Flumazenil", "Atropine", "Glucagon", "Don't know"), f(implaus)},
		{sba("What is the adult dose of intramuscular adrenaline in anaphylaxis?", 2, "150 micrograms", "300 micrograms", "500 micrograms", "0.5 mg", "5 mg"), f(dup)},
		{sba("Which medicine should be withheld during acute kidney injury?", 0, "Metformin", "Paracetamol", "Metformin", "Omeprazole", "Senna"), f(dup)},
		{sba("The adult dose of intramuscular adrenaline in anaphylaxis is ______.", 2, "150 micrograms", "300 micrograms", "500 micrograms", "1 mg", "5 mg"), f(blank)},
		{sba("Hyperkalaemia is defined as a serum potassium of", 0, "5.5 mmol/L or more", "5.0 mmol/L or more", "6.0 mmol/L or more", "6.5 mmol/L or more", "7.0 mmol/L or more"), f(blank)},
		{sba("Intramuscular adrenaline is the first-line treatment for anaphylaxis.", 0, "True", "False", "Don't know", "Partly true", "Not stated"), f(tfOpts, blank, implaus)},
		{sba("Which of the following statements about acute kidney injury is true?", 0, "Metformin should be withheld", "Creatinine always falls",
			"Urine output is irrelevant", "NSAIDs protect the kidney", "Fluids are contraindicated"), f(tfOpts, abs)},
		{sba("Which are signs of anaphylaxis? (1) wheeze (2) stridor (3) urticaria (4) bradycardia", 3, "1 and 2 only", "2 and 3 only", "4 only", "1, 2 and 3", "1, 2, 3 and 4"), f(ktype)},
		{sba("Which are signs of anaphylaxis?", 4, "Wheeze", "Stridor", "Urticaria", "Bradycardia", "A and C"), f(ktype)},
		{sba("What should be given first in anaphylaxis?", 0, "Intramuscular adrenaline", "Chlorphenamine", "Hydrocortisone", "Salbutamol", "500 mL"), f(hetero, longest)},
		{sba("What is the adult dose of intramuscular adrenaline in anaphylaxis?", 2, "150 micrograms", "300 micrograms", "500 micrograms", "1 mg", "5 mL"), f(hetero)},
		{vig("A woman with acute kidney injury has a serum potassium of 6.9 mmol/L and peaked T waves. Which is the most appropriate next step?", 0,
			"Give intravenous calcium gluconate", "Peaked T waves", "Recheck the potassium tomorrow", "Give oral fluids", "Hyperkalaemia"), f(hetero)},
		{sba("Which statement about naloxone is correct?", 1, "It always works within seconds", "It is given in titrated doses", "It never causes withdrawal",
			"It is only given orally", "It has no side effects"), f(abs, tfOpts)},
		{sba("Which of these often indicates sepsis?", 0, "A NEWS2 score of 5 or more", "A normal temperature", "Good urine output", "Warm peripheries", "Alertness"), f(vague, longest)},
		{sba("Which treatments are first-line in anaphylaxis?", 0, "Intramuscular adrenaline injections", "Oral antihistamine", "Intravenous steroid", "Nebulised bronchodilator", "Fluid bolus"), f(gram, longest)},
		{sba("What is the first-line treatment for anaphylaxis?", 4, "Chlorphenamine", "Hydrocortisone", "Salbutamol", "Oxygen", "Intramuscular adrenaline, the first-line treatment"), f(longest, clang)},
		{sba("What is the usual adult dose of intramuscular adrenaline?", 2, "150 micrograms", "300 micrograms", "500 micrograms", "0.5 mg", "All of the above"), f(dup, allNone)},
		{sba("Which of the following is a feature of life-threatening asthma?", 0, "SpO2 below 92%", "Peak flow 60% of best", "Able to complete sentences",
			"Respiratory rate 20 per minute", "Heart rate 90 per minute"), nil},
		{sba("Which fluid should be given first in hypovolaemic shock?", 1, "Glucose 5%", "Sodium chloride 0.9%", "Albumin 20%", "Glucose 10%", "Sodium bicarbonate 8.4%"), nil},
		{sba("For how long should a patient be observed after anaphylaxis treated with two doses of adrenaline?", 2, "1 hour", "2 hours", "6 hours", "12 hours", "24 hours"), nil},
		{vig("A 45-year-old man with opioid toxicity has a respiratory rate of 6 breaths per minute. Which is the most appropriate next step?", 3,
			"Give flumazenil intravenously", "Give oral naltrexone", "Observe for 1 hour", "Give naloxone intravenously", "Give activated charcoal"), nil},
	}
}

// heldOutItems were written and labelled after the rules were settled, and
// are not used to change them: they measure the linter on items it was not
// tuned on.
func heldOutItems() []labelled {
	const (
		longest = RuleLongestOption
		neg     = RuleNegativeStem
		abs     = RuleAbsoluteTerms
		vague   = RuleVagueFrequency
		gram    = RuleGrammaticalCue
		clang   = RuleWordRepeat
		implaus = RuleImplausibleOption
		dup     = RuleDuplicateOption
		blank   = RuleFillInBlank
		tfOpts  = RuleTrueFalseOptions
		ktype   = RuleKType
		hetero  = RuleHeterogeneousOption
	)
	f := func(fs ...string) []string { return fs }
	return []labelled{
		{sba("What is the first-line treatment for a conscious adult with hypoglycaemia who can swallow?", 0, "15 to 20 g of fast-acting carbohydrate",
			"Intramuscular glucagon 1 mg", "Intravenous glucose 10%", "A long-acting carbohydrate snack", "Subcutaneous insulin"), nil},
		{sba("Which ECG change is typical of severe hyperkalaemia?", 2, "Prolonged QT interval", "ST depression", "Tall peaked T waves", "Delta waves", "U waves"), nil},
		{sba("A nurse finds a patient on the floor. What should she do first?", 1, "Help the patient up immediately", "Check for injury before moving the patient",
			"Call the family", "Complete an incident form", "Give analgesia"), f(longest)},
		{sba("Which of the following is sometimes seen in anaphylaxis?", 0, "Angioedema", "Bradycardia with hypertension", "Hypothermia", "Jaundice", "Polyuria"), f(vague)},
		{sba("Which is the correct IM dose of adrenaline for a child aged 6 to 12 years?", 1, "150 micrograms", "300 micrograms", "500 micrograms", "1 mg", "10 micrograms"), nil},
		{tf("Calcium gluconate lowers the serum potassium.", false), nil},
		{tf("Oxygen should always be given to patients with chest pain.", false), f(abs)},
		{sba("Severe hyperkalaemia is a potassium of", 2, "5.0 mmol/L or more", "5.5 mmol/L or more", "6.5 mmol/L or more", "7.5 mmol/L or more", "8.5 mmol/L or more"), f(blank)},
		{sba("Which of these statements about sepsis is false?", 3, "It can cause hypotension", "It may raise the lactate", "It needs prompt antibiotics",
			"It only affects older people", "It can follow a urinary infection"), f(tfOpts, neg, abs)},
		{sba("Which test confirms diabetic ketoacidosis?", 4, "Blood glucose", "Urine dipstick", "Blood ketones", "Venous pH", "Both C and D"), f(ktype)},
		{vig("A 72-year-old woman has a NEWS2 score of 7 on the ward. Which is the most appropriate next step?", 2, "Repeat observations in 4 hours",
			"Give oral paracetamol", "Call the critical care outreach team now", "Continue routine care", "Recheck tomorrow morning"), f(longest)},
		{sba("What volume of sodium chloride 0.9% should be given over 1 hour at the start of DKA treatment?", 1, "500 mL", "1 litre", "2 litres", "250 mL", "100 mL"), nil},
		{sba("Which drug is given to reverse benzodiazepine toxicity?", 0, "Flumazenil", "Naloxone", "Atropine", "Glucagon", "Flumazenil"), f(dup)},
		{sba("What is the maximum paracetamol dose in 24 hours for an adult over 50 kg?", 2, "1 g", "2 g", "4 g", "8 g", "400 g"), f(implaus)},
		{mcq("Which of the following are risk factors for falls in hospital? Select all that apply.", []int{0, 1, 3}, "Delirium", "Orthostatic hypotension",
			"Young age", "Sedative medicines", "Normal vision"), nil},
		{sba("Which antibiotic should not be given to a patient with a penicillin allergy?", 0, "Amoxicillin", "Clarithromycin", "Doxycycline", "Vancomycin", "Metronidazole"), f(neg)},
		{sba("Which is the most appropriate fluid for resuscitation?", 0, "Sodium chloride 0.9% as a 500 mL bolus over 15 minutes", "Glucose 5%", "Albumin", "Blood", "Water"), f(longest)},
		{sba("In which position should a pregnant patient with anaphylaxis lie?", 0, "On her left side", "Flat on her back", "Standing", "Prone", "Sitting upright"), nil},
		{sba("Which of these is an early symptom of hypoglycaemia?", 1, "Seizure", "Sweating", "Coma", "Unconsciousness", "Hemiplegia"), nil},
		{sba("Rapid response: the patient's SpO2 is 84% on air. The next step is to give", 0, "Oxygen", "Salbutamol", "Furosemide", "Morphine", "Paracetamol"), f(blank)},
		{sba("Which medicines commonly cause acute kidney injury?", 0, "NSAIDs", "Paracetamol", "Omeprazole", "Senna", "Lactulose"), f(vague, gram)},
		{vig("A patient with anaphylaxis is not improving 5 minutes after intramuscular adrenaline. Which is the most appropriate next step?", 0,
			"Repeat the intramuscular adrenaline dose", "Give oral chlorphenamine", "Give intravenous hydrocortisone", "Wait another 30 minutes", "Discharge home"), f(longest, clang)},
		{sba("How should hands be cleaned after caring for a patient with norovirus?", 1, "Alcohol handrub", "Soap and water", "Antiseptic wipe", "Gloves only", "No cleaning needed"), f(abs, implaus)},
		{sba("What is the maximum infusion rate of potassium through a peripheral cannula?", 1, "5 mmol/h", "10 mmol/h", "20 mmol/h", "40 mmol/h", "100 mmol/L"), f(hetero)},
	}
}
