package redact

import "strings"

// stopWords are capitalised words that are never taken as names after a cue
// (lower case). The list is a trade-off: a word on it is never redacted as a
// name even when it is one (a Mr Hope or a Dr Heart keeps the name), and a
// drug or service not on it is redacted after a cue ("patient Flucytosine"
// becomes "patient [NAME]"). Over-redaction is the safe failure; callers can
// add local words with Redactor.StopWords. Month names are deliberately
// absent: April, May and June are also first names.
var stopWords = func() map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Fields(stopList) {
		m[w] = true
	}
	return m
}()

const stopList = `
mr mrs ms mx miss dr prof professor doctor sir dame
i me my mine he him his she her hers they them their theirs we us our you your it its
the a an this that these those there here who whom whose which what when where why how
is am are was were be been being has have had having do does did done doing
can could would should might must shall
and or but nor not no yes so if then than also still just only very too
with without within for from to of in on at by into onto over under after before
since because during until about above below between against per via
now today tonight yesterday tomorrow morning evening night afternoon overnight
all any some none each every both either neither other another such same
says said reports reported denies denied complains complained presents presented
presenting admitted developed became started looks seems feels keeps had has
monday tuesday wednesday thursday friday saturday sunday
mon tue tues wed thu thur thurs fri sat sun
patient patients pt pts nurse nurses doctors consultant registrar reg sho fy
matron sister charge staff student healthcare assistant hca physio physiotherapist
ot pharmacist pharmacy paramedic paramedics midwife midwives surgeon surgeons
anaesthetist anaesthetists anesthetist gp gps team teams outreach critical care
ward wards bay bed beds resus theatre theatres recovery clinic hospital trust
department unit icu itu hdu ccu ed ae emergency ambulance acute medical surgical
maternity paediatric paediatrics pediatric community service services
nhs nice mhra who cqc bnf sign bts resuscitation council uk england wales
scotland ireland northern london
covid coronavirus influenza flu sepsis septic shock news mews pews gcs avpu
abcde sbar dnacpr respect dols mca
bp hr rr spo temp obs observations sats saturation oxygen
type diabetes diabetic asthma asthmatic copd stroke tia mi acs aki ckd uti dka hhs
pe dvt af chf ccf heart chest pain head abdomen abdominal back neck leg legs arm arms
left right bilateral acute chronic severe mild moderate sudden new old known
male female man woman men women boy girl baby babies child children infant adult
elderly year years yr yrs month months week weeks day days hour hours
mg mcg ml kg iv im sc po pr prn od bd tds qds stat mane nocte nbm
dob born birth date email phone tel telephone mobile address postcode lives aged age
number hospital name called named
paracetamol ibuprofen aspirin codeine morphine oramorph oxycodone oxynorm tramadol
fentanyl naloxone adrenaline epinephrine noradrenaline norepinephrine atropine
amiodarone adenosine digoxin furosemide frusemide bumetanide ramipril lisinopril
amlodipine bisoprolol atenolol metoprolol propranolol warfarin apixaban rivaroxaban
edoxaban dabigatran heparin enoxaparin dalteparin tinzaparin clopidogrel ticagrelor
prasugrel atorvastatin simvastatin metformin gliclazide insulin novorapid humalog
lantus levemir tresiba humulin glucagon glucogel dextrose glucose salbutamol ventolin
ipratropium atrovent prednisolone hydrocortisone dexamethasone methylprednisolone
amoxicillin amoxycillin co-amoxiclav augmentin flucloxacillin clarithromycin
erythromycin azithromycin doxycycline trimethoprim nitrofurantoin gentamicin
vancomycin teicoplanin piperacillin tazocin meropenem ceftriaxone cefuroxime
cefalexin metronidazole ciprofloxacin levofloxacin penicillin benzylpenicillin
clindamycin aciclovir oseltamivir tamiflu omeprazole lansoprazole ondansetron
cyclizine metoclopramide domperidone lactulose senna laxido movicol sertraline
citalopram fluoxetine mirtazapine amitriptyline diazepam lorazepam midazolam
haloperidol olanzapine quetiapine risperidone levetiracetam keppra phenytoin
valproate lamotrigine carbamazepine lithium levothyroxine chlorphenamine piriton
cetirizine loratadine magnesium potassium sodium calcium saline hartmann hartmanns
tranexamic thiamine pabrinex naproxen diclofenac co-codamol cocodamol salmeterol
tiotropium beclometasone budesonide fluticasone montelukast aminophylline
methotrexate tacrolimus ciclosporin allopurinol colchicine spironolactone
bendroflumethiazide indapamide doxazosin tamsulosin finasteride sildenafil
nitrate nitrates glyceryl trinitrate isosorbide alteplase tenecteplase
vitamin folic ferrous iron zinc
guide guides information leaflet leaflets education safety experience group groups record
records notes advice association liaison transport support society foundation network centre
center institute college royal national british health medicine nursing guidelines guidance
pathway protocol policy syndrome disease disorder tumour tumor cancer therapy surgery test score
scale virus bacteria infection portal app website online forum charter choice choices rights
voice survey feedback questionnaire list journey access recruitment organisation organization
participation panel partners partnership page pages registry
`
