package format

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/bedside-ai/bedside/tutor/quiz"
)

// QTI content packages. Each is a zip with imsmanifest.xml (IMS Content
// Packaging 1.1) listing one resource per item, and one assessmentItem file
// per item under items/. Items follow the IMS QTI 2.1 final specification
// (Assessment Test, Section and Item Information Model; Implementation
// Guide, "Simple Items") or 1EdTech QTI 3.0 (the same model with
// "qti-"-prefixed, hyphenated element and attribute names):
//
//   - single best answer, vignette, true/false: a choiceInteraction with
//     maxChoices 1, a responseDeclaration of cardinality single holding the
//     correctResponse, and the standard match_correct response processing;
//   - multiple choice: maxChoices 0 and cardinality multiple, match_correct;
//   - short answer: a textEntryInteraction, a string responseDeclaration
//     whose mapping gives 1 for each accepted answer (case-insensitive), and
//     the standard map_response processing.
//
// SCORE is the outcome, a float defaulting to 0. The rationale, the
// explanation of every option and the sources go in a rubricBlock for the
// scorer and tutor views, which candidates do not see.

type qtiVersion struct {
	name                     string
	ns, schemaLocation       string
	cpNS, cpSchemaLocation   string
	cpSchema, cpSchemaVer    string
	resourceType             string
	matchCorrect, mapReponse string
	v3                       bool
}

var (
	qti21 = &qtiVersion{
		name:             "QTI 2.1",
		ns:               "http://www.imsglobal.org/xsd/imsqti_v2p1",
		schemaLocation:   "http://www.imsglobal.org/xsd/imsqti_v2p1 http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd",
		cpNS:             "http://www.imsglobal.org/xsd/imscp_v1p1",
		cpSchemaLocation: "http://www.imsglobal.org/xsd/imscp_v1p1 http://www.imsglobal.org/xsd/qti/qtiv2p1/qtiv2p1_imscpv1p2_v1p0.xsd",
		cpSchema:         "QTIv2.1 Package",
		cpSchemaVer:      "1.0.0",
		resourceType:     "imsqti_item_xmlv2p1",
		matchCorrect:     "http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct",
		mapReponse:       "http://www.imsglobal.org/question/qti_v2p1/rptemplates/map_response",
	}
	qti30 = &qtiVersion{
		name:             "QTI 3.0",
		ns:               "http://www.imsglobal.org/xsd/imsqtiasi_v3p0",
		schemaLocation:   "http://www.imsglobal.org/xsd/imsqtiasi_v3p0 https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0_v1p0.xsd",
		cpNS:             "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1",
		cpSchemaLocation: "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1 https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqtiv3p0_imscpv1p2_v1p0.xsd",
		cpSchema:         "QTI Package",
		cpSchemaVer:      "3.0.0",
		resourceType:     "imsqti_item_xmlv3p0",
		matchCorrect:     "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct.xml",
		mapReponse:       "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/map_response.xml",
		v3:               true,
	}
)

// el returns a QTI element name in this version: "choiceInteraction" or
// "qti-choice-interaction".
func (v *qtiVersion) el(name string) string {
	if !v.v3 {
		return name
	}
	return "qti-" + kebab(name)
}

// at returns a QTI attribute name in this version: "maxChoices" or
// "max-choices".
func (v *qtiVersion) at(name string) string {
	if !v.v3 {
		return name
	}
	return kebab(name)
}

func kebab(s string) string {
	var b strings.Builder
	for i, r := range s {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('-')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// qtiEpoch is the modification time of every file in the zip, so that the
// same bank always gives the same bytes.
var qtiEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

func encodeQTI(w *bytes.Buffer, b quiz.Bank, v *qtiVersion) error {
	files, err := qtiFiles(b, v)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(w)
	for _, f := range files {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: qtiEpoch})
		if err != nil {
			return err
		}
		if _, err := fw.Write(f.data); err != nil {
			return err
		}
	}
	return zw.Close()
}

type qtiFile struct {
	name string
	data []byte
}

// qtiFiles returns the package's files, manifest first.
func qtiFiles(b quiz.Bank, v *qtiVersion) ([]qtiFile, error) {
	ids := qtiIdentifiers(b.Items)
	files := []qtiFile{{name: "imsmanifest.xml"}}
	var m xw
	m.raw(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	m.open("manifest", "xmlns", v.cpNS, "xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance",
		"xsi:schemaLocation", v.cpSchemaLocation, "identifier", "MANIFEST-"+ncname(b.Name, "bank"))
	m.open("metadata")
	m.leaf("schema", v.cpSchema)
	m.leaf("schemaversion", v.cpSchemaVer)
	m.close("metadata")
	m.empty("organizations")
	m.open("resources")
	for i := range b.Items {
		href := "items/" + ids[i] + ".xml"
		m.open("resource", "identifier", "RES-"+ids[i], "type", v.resourceType, "href", href)
		m.empty("file", "href", href)
		m.close("resource")
		data, err := qtiItem(&b.Items[i], ids[i], v)
		if err != nil {
			return nil, fmt.Errorf("item %d: %w", i+1, err)
		}
		files = append(files, qtiFile{name: href, data: data})
	}
	m.close("resources")
	m.close("manifest")
	files[0].data = m.b.Bytes()
	return files, nil
}

// qtiIdentifiers gives each item a unique QTI identifier: its ID when that
// is a valid identifier (an XML NCName), else a cleaned form of it.
func qtiIdentifiers(items []quiz.Item) []string {
	ids := make([]string, len(items))
	seen := make(map[string]bool)
	for i := range items {
		base := ncname(items[i].ID, fmt.Sprintf("item-%d", i+1))
		id := base
		for n := 2; seen[id]; n++ {
			id = fmt.Sprintf("%s-%d", base, n)
		}
		seen[id] = true
		ids[i] = id
	}
	return ids
}

// ncname turns s into an XML NCName usable as a QTI identifier and file
// name: letters, digits, "-", "_" and "."; starting with a letter or "_".
func ncname(s, fallback string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' || r == '.'):
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	id := strings.Trim(b.String(), "-.")
	if id == "" {
		return fallback
	}
	if c := id[0]; !(c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) {
		id = "I" + id
	}
	return id
}

func qtiItem(it *quiz.Item, id string, v *qtiVersion) ([]byte, error) {
	var x xw
	x.raw(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	x.open(v.el("assessmentItem"), "xmlns", v.ns, "xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance",
		"xsi:schemaLocation", v.schemaLocation, "identifier", id, "title", questionName(it),
		"adaptive", "false", v.at("timeDependent"), "false")

	letters := make([]string, len(it.Options))
	for i := range it.Options {
		letters[i] = string(rune('A' + i%26))
		if i >= 26 {
			letters[i] += fmt.Sprint(i / 26)
		}
	}
	// Declarations.
	switch it.Type {
	case quiz.ShortAnswer:
		x.open(v.el("responseDeclaration"), "identifier", "RESPONSE", "cardinality", "single", v.at("baseType"), "string")
		x.open(v.el("correctResponse"))
		x.leaf(v.el("value"), trim(it.Answers[0]))
		x.close(v.el("correctResponse"))
		x.open(v.el("mapping"), v.at("defaultValue"), "0", v.at("upperBound"), "1")
		seen := make(map[string]bool)
		for _, a := range it.Answers {
			a = trim(a)
			if k := strings.ToLower(a); !seen[k] {
				seen[k] = true
				x.empty(v.el("mapEntry"), v.at("mapKey"), a, v.at("mappedValue"), "1", v.at("caseSensitive"), "false")
			}
		}
		x.close(v.el("mapping"))
		x.close(v.el("responseDeclaration"))
	default:
		card := "single"
		if it.Type == quiz.MultipleChoice {
			card = "multiple"
		}
		x.open(v.el("responseDeclaration"), "identifier", "RESPONSE", "cardinality", card, v.at("baseType"), "identifier")
		x.open(v.el("correctResponse"))
		for _, k := range it.Key() {
			x.leaf(v.el("value"), letters[k])
		}
		x.close(v.el("correctResponse"))
		x.close(v.el("responseDeclaration"))
	}
	x.open(v.el("outcomeDeclaration"), "identifier", "SCORE", "cardinality", "single", v.at("baseType"), "float")
	x.open(v.el("defaultValue"))
	x.leaf(v.el("value"), "0")
	x.close(v.el("defaultValue"))
	x.close(v.el("outcomeDeclaration"))

	// Body.
	x.open(v.el("itemBody"))
	xhtmlParagraphs(&x, it.Stem)
	switch it.Type {
	case quiz.ShortAnswer:
		x.open("p")
		longest := 0
		for _, a := range it.Answers {
			longest = max(longest, len([]rune(trim(a))))
		}
		x.empty(v.el("textEntryInteraction"), v.at("responseIdentifier"), "RESPONSE", v.at("expectedLength"), fmt.Sprint(max(longest, 10)))
		x.close("p")
	default:
		maxChoices := "1"
		if it.Type == quiz.MultipleChoice {
			maxChoices = "0"
		}
		x.open(v.el("choiceInteraction"), v.at("responseIdentifier"), "RESPONSE", "shuffle", "false", v.at("maxChoices"), maxChoices)
		for i, o := range it.Options {
			x.para(v.el("simpleChoice"), trim(o.Text), "identifier", letters[i])
		}
		x.close(v.el("choiceInteraction"))
	}
	qtiRubric(&x, it, letters, v)
	x.close(v.el("itemBody"))

	tmpl := v.matchCorrect
	if it.Type == quiz.ShortAnswer {
		tmpl = v.mapReponse
	}
	x.empty(v.el("responseProcessing"), "template", tmpl)
	x.close(v.el("assessmentItem"))
	return x.b.Bytes(), nil
}

// qtiRubric writes the rationale, the option explanations and the sources
// for the scorer and tutor.
func qtiRubric(x *xw, it *quiz.Item, letters []string, v *qtiVersion) {
	hasExpl := false
	for _, o := range it.Options {
		hasExpl = hasExpl || trim(o.Explanation) != ""
	}
	if trim(it.Rationale) == "" && !hasExpl && len(it.Citations) == 0 {
		return
	}
	x.open(v.el("rubricBlock"), "view", "scorer tutor")
	if v.v3 {
		x.open("qti-content-body")
	}
	if trim(it.Rationale) != "" {
		xhtmlParagraphs(x, it.Rationale)
	}
	if hasExpl {
		x.open("ul")
		for i, o := range it.Options {
			if trim(o.Explanation) == "" {
				continue
			}
			label := letters[i]
			if o.Correct {
				label += " (key)"
			}
			x.indent()
			x.b.WriteString("<li><strong>" + xmlText(label) + "</strong> " + brText(trim(o.Explanation)) + "</li>\n")
		}
		x.close("ul")
	}
	for _, c := range it.Citations {
		x.open("blockquote")
		if q := trim(c.Quote); q != "" {
			x.para("p", "“"+q+"”")
		}
		x.para("p", "— "+citationLabel(c))
		x.close("blockquote")
	}
	if v.v3 {
		x.close("qti-content-body")
	}
	x.close(v.el("rubricBlock"))
}

// xhtmlParagraphs writes text as <p> elements: a blank line separates
// paragraphs and a single line break is <br/>.
func xhtmlParagraphs(x *xw, s string) {
	s = trim(normalizeNewlines(s))
	for _, p := range strings.Split(s, "\n\n") {
		if p = trim(p); p == "" {
			continue
		}
		x.para("p", p)
	}
}

// xw writes indented XML.
type xw struct {
	b     bytes.Buffer
	depth int
}

func (x *xw) raw(s string) { x.b.WriteString(s) }

func (x *xw) indent() {
	for i := 0; i < x.depth; i++ {
		x.b.WriteString("  ")
	}
}

func (x *xw) attrs(kv []string) {
	for i := 0; i+1 < len(kv); i += 2 {
		x.b.WriteString(" ")
		x.b.WriteString(kv[i])
		x.b.WriteString(`="`)
		x.b.WriteString(attrEscape(kv[i+1]))
		x.b.WriteString(`"`)
	}
}

// open starts an element on its own line.
func (x *xw) open(name string, kv ...string) {
	x.indent()
	x.b.WriteString("<" + name)
	x.attrs(kv)
	x.b.WriteString(">\n")
	x.depth++
}

func (x *xw) close(name string) {
	x.depth--
	x.indent()
	x.b.WriteString("</" + name + ">\n")
}

func (x *xw) empty(name string, kv ...string) {
	x.indent()
	x.b.WriteString("<" + name)
	x.attrs(kv)
	x.b.WriteString("/>\n")
}

// leaf writes an element holding text on one line.
func (x *xw) leaf(name, text string, kv ...string) {
	x.indent()
	x.b.WriteString("<" + name)
	x.attrs(kv)
	x.b.WriteString(">")
	x.b.WriteString(xmlText(text))
	x.b.WriteString("</" + name + ">\n")
}

// para writes an element holding text on one line, its line breaks as
// <br/>.
func (x *xw) para(name, text string, kv ...string) {
	x.indent()
	x.b.WriteString("<" + name)
	x.attrs(kv)
	x.b.WriteString(">")
	x.b.WriteString(brText(text))
	x.b.WriteString("</" + name + ">\n")
}

// brText escapes s for XML character data with its line breaks as <br/>.
func brText(s string) string {
	return strings.ReplaceAll(xmlText(normalizeNewlines(s)), "\n", "<br/>")
}

// xmlText escapes s for XML character data.
func xmlText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '\r':
			b.WriteString("&#13;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
