package eval_test

import (
	"bytes"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bedside-ai/bedside/eval"
	"github.com/bedside-ai/bedside/internal/httprr"
)

// exampleReport runs the example from its recording and adds a case whose
// text tries to break out of HTML and XML.
func exampleReport(t *testing.T) *eval.Report {
	t.Helper()
	h := newHarness(t)
	res, _, err := h.run(t.Context(), runConfig{mode: httprr.Replay, cassette: h.cassette(true),
		results: filepath.Join(t.TempDir(), "r.jsonl"), judge: true})
	if err != nil {
		t.Fatal(err)
	}
	hostile := eval.CaseResult{Type: "case", ID: "hostile-<b>", Status: eval.Error, Mode: "tutor",
		Question: `<script>alert("x")</script> & ]]> "quotes"`, Error: "boom <img src=x onerror=alert(1)> \x01"}
	return eval.Summarize(res.Header, append(res.Results, hostile), nil)
}

func requireTool(t *testing.T, name, env string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv(env) == "1" {
			t.Fatalf("%s is required (%s=1) but not found: %v", name, env, err)
		}
		t.Skipf("%s not installed (set %s=1 to require it)", name, env)
	}
	return p
}

// The HTML report renders in headless Chromium: the DOM it builds holds the
// gate, both charts, the refusal matrix and every case, and the hostile
// case's text stays text.
func TestHTMLRendersInChromium(t *testing.T) {
	r := exampleReport(t)
	var b bytes.Buffer
	if err := eval.WriteHTML(&b, r); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	for _, bad := range []string{"<script", "<link", "<img", "<iframe", `src="`, `href="http`, "@import", "url("} {
		if strings.Contains(strings.ToLower(html), bad) {
			t.Errorf("the HTML report is not self-contained or not escaped: it contains %q", bad)
		}
	}
	chromium := requireTool(t, "chromium", "BEDSIDE_REQUIRE_BROWSER")
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	if err := os.WriteFile(page, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--dump-dom", "file://"+page)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	dom, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	d := string(dom)
	for _, want := range []string{`id="gate"`, `id="metrics-chart"`, `id="tags-chart"`, `id="refusal-matrix"`,
		`<rect`, `<details id="case-refuse-adrenaline-under-6-months"`, `class="ok"`, `class="removed"`,
		`should refuse (the guidance does not cover it) but answered`} {
		if !strings.Contains(d, want) {
			t.Errorf("rendered DOM lacks %q", want)
		}
	}
	if n, want := strings.Count(d, `<details id="case-`), len(r.Cases); n != want {
		t.Errorf("rendered DOM has %d case drill-downs; want %d", n, want)
	}
	if strings.Contains(d, "<script>alert") || strings.Contains(d, "<img src=x") || !strings.Contains(d, "&lt;script&gt;alert") {
		t.Errorf("hostile text was not escaped in the rendered DOM")
	}
}

// The JUnit report is valid against a JUnit schema, checked by an
// independent validator (xmllint), and has one test case per eval case.
func TestJUnitValidates(t *testing.T) {
	r := exampleReport(t)
	var b bytes.Buffer
	if err := eval.WriteJUnit(&b, r); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Suites []struct {
			Name     string `xml:"name,attr"`
			Tests    int    `xml:"tests,attr"`
			Failures int    `xml:"failures,attr"`
			Errors   int    `xml:"errors,attr"`
			Cases    []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
				} `xml:"failure"`
				Error *struct{} `xml:"error"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("the JUnit report is not XML: %v", err)
	}
	s := doc.Suites[0]
	if s.Tests != len(r.Cases) || len(s.Cases) != len(r.Cases) || s.Failures != r.Summary.Failed || s.Errors != r.Summary.Errors {
		t.Errorf("suite %s: tests %d (%d cases), failures %d, errors %d; want %d, %d, %d",
			s.Name, s.Tests, len(s.Cases), s.Failures, s.Errors, len(r.Cases), r.Summary.Failed, r.Summary.Errors)
	}
	for _, c := range s.Cases {
		if c.Name == "refuse-adrenaline-under-6-months" && (c.Failure == nil || !strings.HasPrefix(c.Failure.Message, "should refuse")) {
			t.Errorf("the wrongly answered case's <failure> = %+v", c.Failure)
		}
	}

	xmllint := requireTool(t, "xmllint", "BEDSIDE_REQUIRE_XMLLINT")
	path := filepath.Join(t.TempDir(), "junit.xml")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.CommandContext(t.Context(), xmllint, "--noout", "--nonet", "--schema", "testdata/junit.xsd", path).CombinedOutput()
	if err != nil {
		t.Fatalf("xmllint rejects the JUnit report: %v\n%s", err, out)
	}
	// The schema is not vacuous: it rejects a test case without a time.
	bad := strings.Replace(b.String(), `classname="bedside.eval.tutor" time=`, `classname="bedside.eval.tutor" t=`, 1)
	os.WriteFile(path, []byte(bad), 0o644)
	if out, err := exec.CommandContext(t.Context(), xmllint, "--noout", "--nonet", "--schema", "testdata/junit.xsd", path).CombinedOutput(); err == nil {
		t.Errorf("xmllint accepted a test case without a time:\n%s", out)
	}
}

func TestMarkdownAndJSON(t *testing.T) {
	r := exampleReport(t)
	var md bytes.Buffer
	if err := eval.WriteMarkdown(&md, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"## Bedside eval: INFRASTRUCTURE-ERROR", "| groundedness_cited |", "| should refuse | 1 | 5 |", "`hostile-<b>` **error**: boom &lt;img"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md.String())
		}
	}
	var js bytes.Buffer
	if err := eval.WriteJSON(&js, r); err != nil {
		t.Fatal(err)
	}
	back, err := eval.ReadReport(&js)
	if err != nil {
		t.Fatal(err)
	}
	if back.SchemaVersion != eval.ReportSchemaVersion || back.Summary != r.Summary || back.Gate.ExitCode != eval.ExitInfrastructure {
		t.Errorf("JSON round trip: %+v; want %+v", back.Summary, r.Summary)
	}
}
