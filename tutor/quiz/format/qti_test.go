package format

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"github.com/bedside-ai/bedside/tutor/quiz"
)

type zipFile struct {
	name string
	data []byte
}

func unzip(t testing.TB, data []byte) []zipFile {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("zip.NewReader = %v", err)
	}
	var files []zipFile
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, zipFile{f.Name, b})
	}
	return files
}

// node is a parsed XML element.
type node struct {
	name  xml.Name
	attrs map[string]string
	kids  []*node
	text  string
}

func parseXML(t testing.TB, data []byte) *node {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	var stack []*node
	var root *node
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("XML is not well formed: %v\n%s", err, data)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			n := &node{name: tok.Name, attrs: map[string]string{}}
			for _, a := range tok.Attr {
				key := a.Name.Local
				if a.Name.Space != "" && a.Name.Space != "xmlns" {
					key = a.Name.Space + " " + key
				}
				n.attrs[key] = a.Value
			}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.kids = append(p.kids, n)
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(tok)
			}
		}
	}
	return root
}

func (n *node) child(local string) *node {
	for _, k := range n.kids {
		if k.name.Local == local {
			return k
		}
	}
	return nil
}

func (n *node) all(local string) []*node {
	var out []*node
	var walk func(*node)
	walk = func(m *node) {
		if m.name.Local == local {
			out = append(out, m)
		}
		for _, k := range m.kids {
			walk(k)
		}
	}
	walk(n)
	return out
}

// qtiNames maps a QTI 2.1 name to its name in version v.
func qtiName(v *qtiVersion, name string) string { return v.el(name) }

// checkQTIItem checks an assessmentItem against the structure the QTI
// schema requires: the root and its namespace and required attributes; the
// order of its children (responseDeclaration*, outcomeDeclaration*,
// itemBody, responseProcessing); a response declaration whose correct
// response names existing choices; an interaction bound to it; and a
// standard response processing template.
func checkQTIItem(t *testing.T, v *qtiVersion, data []byte, it quiz.Item) {
	t.Helper()
	root := parseXML(t, data)
	if root.name.Local != v.el("assessmentItem") || root.name.Space != v.ns {
		t.Fatalf("root = %v; want %s in %s", root.name, v.el("assessmentItem"), v.ns)
	}
	for _, a := range []string{"identifier", "title", "adaptive", v.at("timeDependent")} {
		if root.attrs[a] == "" {
			t.Errorf("assessmentItem lacks required attribute %s", a)
		}
	}
	if !strings.HasPrefix(root.attrs["http://www.w3.org/2001/XMLSchema-instance schemaLocation"], v.ns+" ") {
		t.Errorf("xsi:schemaLocation = %q; want it to start with %s", root.attrs["http://www.w3.org/2001/XMLSchema-instance schemaLocation"], v.ns)
	}
	order := []string{"responseDeclaration", "outcomeDeclaration", "itemBody", "responseProcessing"}
	pos := 0
	for _, k := range root.kids {
		found := false
		for pos < len(order) {
			if k.name.Local == v.el(order[pos]) {
				found = true
				break
			}
			pos++
		}
		if !found {
			t.Fatalf("child <%s> of assessmentItem is out of schema order %v", k.name.Local, order)
		}
	}
	rd := root.child(v.el("responseDeclaration"))
	od := root.child(v.el("outcomeDeclaration"))
	body := root.child(v.el("itemBody"))
	rp := root.child(v.el("responseProcessing"))
	if rd == nil || od == nil || body == nil || rp == nil {
		t.Fatalf("assessmentItem lacks a declaration, itemBody or responseProcessing")
	}
	if rd.attrs["identifier"] != "RESPONSE" || od.attrs["identifier"] != "SCORE" || od.attrs[v.at("baseType")] != "float" {
		t.Errorf("declarations = %v, %v; want RESPONSE and a float SCORE", rd.attrs, od.attrs)
	}
	var values []string
	for _, val := range rd.child(v.el("correctResponse")).kids {
		if val.name.Local != v.el("value") {
			t.Errorf("correctResponse holds <%s>; want only values", val.name.Local)
		}
		values = append(values, val.text)
	}
	switch it.Type {
	case quiz.ShortAnswer:
		if rd.attrs[v.at("baseType")] != "string" || rd.attrs["cardinality"] != "single" {
			t.Errorf("short answer declaration = %v; want single string", rd.attrs)
		}
		m := rd.child(v.el("mapping"))
		if m == nil || len(m.all(v.el("mapEntry"))) == 0 {
			t.Fatal("short answer declaration has no mapping entries")
		}
		for _, e := range m.all(v.el("mapEntry")) {
			for _, a := range []string{"mapKey", "mappedValue", "caseSensitive"} {
				if _, ok := e.attrs[v.at(a)]; !ok {
					t.Errorf("mapEntry lacks %s", v.at(a))
				}
			}
		}
		te := body.all(v.el("textEntryInteraction"))
		if len(te) != 1 || te[0].attrs[v.at("responseIdentifier")] != "RESPONSE" {
			t.Errorf("itemBody has %d text entry interactions bound to RESPONSE; want 1", len(te))
		}
		if rp.attrs["template"] != v.mapReponse {
			t.Errorf("template = %q; want %q", rp.attrs["template"], v.mapReponse)
		}
	default:
		ci := body.all(v.el("choiceInteraction"))
		if len(ci) != 1 || ci[0].attrs[v.at("responseIdentifier")] != "RESPONSE" {
			t.Fatalf("itemBody has %d choice interactions bound to RESPONSE; want 1", len(ci))
		}
		choices := map[string]bool{}
		for _, c := range ci[0].all(v.el("simpleChoice")) {
			choices[c.attrs["identifier"]] = true
		}
		if len(choices) != len(it.Options) {
			t.Errorf("%d simple choices; want %d", len(choices), len(it.Options))
		}
		for _, val := range values {
			if !choices[val] {
				t.Errorf("correct response %q names no choice", val)
			}
		}
		if len(values) != len(it.Key()) {
			t.Errorf("correct response has %d values; want %d", len(values), len(it.Key()))
		}
		wantCard, wantMax := "single", "1"
		if it.Type == quiz.MultipleChoice {
			wantCard, wantMax = "multiple", "0"
		}
		if rd.attrs["cardinality"] != wantCard || ci[0].attrs[v.at("maxChoices")] != wantMax {
			t.Errorf("cardinality %q, maxChoices %q; want %q, %q", rd.attrs["cardinality"], ci[0].attrs[v.at("maxChoices")], wantCard, wantMax)
		}
		if rp.attrs["template"] != v.matchCorrect {
			t.Errorf("template = %q; want %q", rp.attrs["template"], v.matchCorrect)
		}
	}
	for _, rb := range body.all(v.el("rubricBlock")) {
		if rb.attrs["view"] == "" {
			t.Error("rubricBlock lacks its required view")
		}
		if v.v3 && rb.child("qti-content-body") == nil {
			t.Error("qti-rubric-block lacks qti-content-body")
		}
	}
}

func TestQTIStructure(t *testing.T) {
	b := sampleBank()
	// Hostile text must stay well formed.
	b.Items[0].Stem = "A <b> & \"q\" ]]> café 🩺\nline two"
	for _, v := range []*qtiVersion{qti21, qti30} {
		f := QTI21
		if v.v3 {
			f = QTI30
		}
		t.Run(v.name, func(t *testing.T) {
			data, _ := encode(t, f, b, EncodeOptions{})
			files := unzip(t, data)
			if files[0].name != "imsmanifest.xml" {
				t.Fatalf("first file = %q; want imsmanifest.xml", files[0].name)
			}
			m := parseXML(t, files[0].data)
			if m.name.Local != "manifest" || m.name.Space != v.cpNS {
				t.Fatalf("manifest root = %v; want manifest in %s", m.name, v.cpNS)
			}
			res := m.all("resource")
			if len(res) != len(b.Items) || len(files) != len(b.Items)+1 {
				t.Fatalf("%d resources and %d files; want %d items", len(res), len(files), len(b.Items))
			}
			byName := map[string][]byte{}
			for _, f := range files {
				byName[f.name] = f.data
			}
			for i, r := range res {
				if r.attrs["type"] != v.resourceType {
					t.Errorf("resource type = %q; want %q", r.attrs["type"], v.resourceType)
				}
				href := r.attrs["href"]
				if r.child("file") == nil || r.child("file").attrs["href"] != href {
					t.Errorf("resource %s does not list its file", href)
				}
				data, ok := byName[href]
				if !ok {
					t.Fatalf("resource %s is not in the zip", href)
				}
				t.Run(b.Items[i].ID, func(t *testing.T) { checkQTIItem(t, v, data, b.Items[i]) })
			}
			if !bytes.Contains(byName["items/q-rr.xml"], []byte("A &lt;b&gt; &amp; \"q\" ]]&gt; café 🩺<br/>line two")) {
				t.Errorf("hostile stem not escaped as expected:\n%s", byName["items/q-rr.xml"])
			}
		})
	}
}

func TestQTIIdentifiers(t *testing.T) {
	items := []quiz.Item{{ID: "ok-id_1.2"}, {ID: "9 bad id!"}, {ID: ""}, {ID: "ok-id_1.2"}, {ID: "é"}}
	got := qtiIdentifiers(items)
	want := []string{"ok-id_1.2", "I9-bad-id", "item-3", "ok-id_1.2-2", "item-5"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("qtiIdentifiers[%d] = %q; want %q", i, got[i], want[i])
		}
	}
}

// TestQTIRoundTrip reads the sample bank back out of the QTI packages (a
// reader for our own output, in the test) and compares what QTI carries:
// type, stem, options and key, accepted answers.
func TestQTIRoundTrip(t *testing.T) {
	b := sampleBank()
	for _, f := range []Format{QTI21, QTI30} {
		v := qti21
		if f == QTI30 {
			v = qti30
		}
		t.Run(string(f), func(t *testing.T) {
			data, _ := encode(t, f, b, EncodeOptions{})
			files := unzip(t, data)[1:]
			if len(files) != len(b.Items) {
				t.Fatalf("%d item files; want %d", len(files), len(b.Items))
			}
			for i, file := range files {
				root := parseXML(t, file.data)
				body := root.child(v.el("itemBody"))
				var paras []string
				for _, k := range body.kids {
					if k.name.Local == "p" && k.child(v.el("textEntryInteraction")) == nil {
						paras = append(paras, k.text)
					}
				}
				got := quiz.Item{ID: root.attrs["identifier"], Stem: strings.Join(paras, "\n\n")}
				correct := map[string]bool{}
				for _, val := range root.child(v.el("responseDeclaration")).child(v.el("correctResponse")).kids {
					correct[val.text] = true
				}
				for _, c := range body.all(v.el("simpleChoice")) {
					got.Options = append(got.Options, quiz.Option{Text: c.text, Correct: correct[c.attrs["identifier"]]})
				}
				for _, e := range root.all(v.el("mapEntry")) {
					got.Answers = append(got.Answers, e.attrs[v.at("mapKey")])
				}
				it := b.Items[i]
				want := quiz.Item{ID: it.ID, Stem: it.Stem, Answers: it.Answers}
				for _, o := range it.Options {
					want.Options = append(want.Options, quiz.Option{Text: o.Text, Correct: o.Correct})
				}
				if !equalItem(got, want) {
					t.Errorf("item %d from %s:\n got %+v\nwant %+v", i, f, norm(got), norm(want))
				}
			}
		})
	}
}
