package review

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bedside-ai/bedside/tutor/quiz"
)

var screenshotDir = flag.String("screenshot", "", "also copy the Chromium screenshot and page into this directory")

const passageRR = "Red flags in adults:\nA respiratory rate of 25 breaths per minute or more is a red flag.\nSo is new confusion."

func fixture() quiz.Bank {
	return quiz.Bank{
		Name: "Sepsis <review>",
		Items: []quiz.Item{
			{
				ID:   "q-rr",
				Type: quiz.SingleBestAnswer,
				Stem: "Which respiratory rate is a red flag for sepsis in an adult?",
				Options: []quiz.Option{
					{Text: "18 breaths per minute", Explanation: "Within the normal range."},
					{Text: "21 breaths per minute", Explanation: "Raised, but below the threshold."},
					{Text: "25 breaths per minute", Correct: true, Explanation: "25 or more is a red flag."},
					{Text: "12 breaths per minute", Explanation: "Normal."},
					{Text: "16 breaths per minute", Explanation: "Normal."},
				},
				Rationale: "The guidance lists a respiratory rate of 25 or more as a red flag.",
				Citations: []quiz.Citation{{
					DocumentID: "sepsis-adult", Version: "3.0", Title: "Sepsis in adults", Section: []string{"Recognition", "Red flags"},
					ChunkID: "sepsis-adult@3.0#4", Quote: "A respiratory rate of 25 breaths per minute or more is a red flag.",
				}},
				Difficulty: quiz.Medium, Bloom: quiz.Understand, Tags: []string{"sepsis", "observations"}, Topic: "Recognition",
				Generator: "rule-based", Created: time.Date(2025, 3, 4, 0, 0, 0, 0, time.UTC),
				Findings: []quiz.Finding{{Rule: "longest-option-is-key", Severity: quiz.Warning, Message: "The key is the longest option.", Text: "25 breaths per minute"}},
			},
			{
				ID:   "q-vignette",
				Type: quiz.Vignette,
				Stem: "A 67-year-old man has a temperature of 38.9 °C and a blood pressure of 88/50 mmHg.\n\nWhat is the most appropriate first action?",
				Options: []quiz.Option{
					{Text: "Give an IV fluid bolus of 500 mL", Correct: true, Explanation: "Hypotension calls for fluids now."},
					{Text: "Repeat the observations in 4 hours", Explanation: "Too slow."},
					{Text: "None of the above", Explanation: "Avoid."},
				},
				Rationale: "Systolic pressure below 90 mmHg is a red flag.",
				Citations: []quiz.Citation{{DocumentID: "sepsis-adult", Version: "3.0", Title: "Sepsis in adults", ChunkID: "sepsis-adult@3.0#7", Quote: "give 1000 mL at once"}},
				Findings: []quiz.Finding{
					{Rule: "key-not-supported", Severity: quiz.Error, Message: "The key is not supported by its cited passage."},
					{Rule: "none-of-the-above", Severity: quiz.Warning, Message: `"None of the above" is an option.`, Text: "None of the above"},
				},
			},
			{
				ID:        "q-short",
				Type:      quiz.ShortAnswer,
				Stem:      `Name the score: <script>alert("x")</script> & "quotes"`,
				Answers:   []string{"NEWS2", "National Early Warning Score 2"},
				Rationale: "NEWS2 is the national standard.",
				Citations: []quiz.Citation{{DocumentID: "news2", Title: "NEWS2", ChunkID: "news2#1", Quote: "NEWS2 is used across the NHS."}},
				Findings:  []quiz.Finding{{Rule: "recall-only", Severity: quiz.Info, Message: "Tests recall only."}},
			},
		},
	}
}

func passages(id string) (string, bool) {
	switch id {
	case "sepsis-adult@3.0#4":
		return passageRR, true
	case "sepsis-adult@3.0#7":
		return "If systolic blood pressure is below 90 mmHg, give a 500 mL bolus of crystalloid over 15 minutes.", true
	}
	return "", false
}

func render(t testing.TB, b quiz.Bank, opts Options) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, b, opts); err != nil {
		t.Fatalf("Write = %v", err)
	}
	return buf.String()
}

func TestWrite(t *testing.T) {
	out := render(t, fixture(), Options{Passage: passages})
	for _, want := range []string{
		"<title>Question bank review: Sepsis &lt;review&gt;</title>",
		`<mark>A respiratory rate of 25 breaths per minute or more is a red flag.</mark>`,
		`<li class="option key"><span class="letter">C</span> 25 breaths per minute<span class="keymark">✓ key</span>`,
		`<li class="finding sev-error"><span class="sev">error</span><code>key-not-supported</code>`,
		`The quoted span is not in this passage: “give 1000 mL at once”`,
		`<blockquote class="passage"><mark>NEWS2 is used across the NHS.</mark></blockquote>`, // no passage: the quote alone
		`Name the score: &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#34;quotes&#34;`,
		`3 items · 1 Single best answer · 1 Clinical vignette · 1 Short answer`,
		`<span class="n-error">1 with errors</span>`,
		`data-worst="error"`,
		`<li>NEWS2</li>`,
		`@media print`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(out, `<script>alert`) {
		t.Error("item text was not escaped")
	}
	for _, bad := range []string{"http://", "https://", "<link", "src="} {
		if strings.Contains(out, bad) {
			t.Errorf("page refers to an external asset (%q); it must be self-contained", bad)
		}
	}
	if again := render(t, fixture(), Options{Passage: passages}); again != out {
		t.Error("Write is not deterministic")
	}
}

func TestLocate(t *testing.T) {
	tests := []struct {
		text, quote string
		want        string
		found       bool
	}{
		{"abc def ghi", "def", "def", true},
		{"line one\nline  two", "one line two", "one\nline  two", true},
		{"café 🩺 au lait", "🩺 au", "🩺 au", true},
		{"abc", "xyz", "", false},
		{"abc", "  ", "", false},
		{"a  b", "a b", "a  b", true},
	}
	for _, tt := range tests {
		s, e, ok := locate(tt.text, tt.quote)
		got := ""
		if ok {
			got = tt.text[s:e]
		}
		if ok != tt.found || got != tt.want {
			t.Errorf("locate(%q, %q) = %q, %v; want %q, %v", tt.text, tt.quote, got, ok, tt.want, tt.found)
		}
	}
}

func TestWriteEmpty(t *testing.T) {
	out := render(t, quiz.Bank{}, Options{Title: "Empty", Generated: time.Date(2025, 1, 2, 3, 4, 0, 0, time.UTC)})
	for _, want := range []string{"<title>Empty</title>", "0 items", "made 2 January 2025 03:04 UTC"} {
		if !strings.Contains(out, want) {
			t.Errorf("empty page lacks %q", want)
		}
	}
}

// chromium finds the browser, or skips the test (fails it when
// BEDSIDE_REQUIRE_BROWSER=1, as CI sets).
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("BEDSIDE_REQUIRE_BROWSER") == "1" {
		t.Fatal("chromium not found and BEDSIDE_REQUIRE_BROWSER=1 (run scripts/chromium-setup)")
	}
	t.Skip("chromium not found; run scripts/chromium-setup (set BEDSIDE_REQUIRE_BROWSER=1 to fail instead)")
	return ""
}

func runChromium(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-dev-shm-usage", "--user-data-dir=" + t.TempDir()}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, stderr.String())
	}
	return stdout.Bytes()
}

// TestChromium renders the page in headless Chromium and checks the
// screenshot (size, not blank, the highlight and severity colours present)
// and the DOM after scripts ran.
func TestChromium(t *testing.T) {
	bin := chromium(t)
	dir := t.TempDir()
	page := filepath.Join(dir, "review.html")
	if err := os.WriteFile(page, []byte(render(t, fixture(), Options{Passage: passages})), 0o644); err != nil {
		t.Fatal(err)
	}
	url := "file://" + page
	shot := filepath.Join(dir, "out.png")
	const width, height = 1200, 2000
	runChromium(t, bin, "--hide-scrollbars", "--screenshot="+shot, fmt.Sprintf("--window-size=%d,%d", width, height), url)

	f, err := os.Open(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != width || b.Dy() != height {
		t.Errorf("screenshot is %dx%d; want %dx%d", b.Dx(), b.Dy(), width, height)
	}
	st := pixelStats(img)
	t.Logf("screenshot: %.1f%% non-white, %d highlight, %d error-red, %d key-green pixels", 100*st.nonWhite, st.mark, st.red, st.green)
	if st.nonWhite < 0.05 {
		t.Errorf("screenshot is %.1f%% non-white; want at least 5%% (the page looks blank)", 100*st.nonWhite)
	}
	if st.mark < 500 {
		t.Errorf("screenshot has %d pixels of the highlight colour #ffe066; want at least 500", st.mark)
	}
	if st.red < 200 {
		t.Errorf("screenshot has %d pixels of the error colour; want at least 200", st.red)
	}
	if st.green < 200 {
		t.Errorf("screenshot has %d pixels of the key colour; want at least 200", st.green)
	}

	dom := string(runChromium(t, bin, "--dump-dom", url))
	if !strings.Contains(dom, `data-js="on"`) {
		t.Error("rendered DOM lacks data-js=\"on\": the inline script did not run")
	}
	if n := strings.Count(dom, `<article class="item`); n != 3 {
		t.Errorf("rendered DOM has %d items; want 3", n)
	}
	for _, want := range []string{
		"Which respiratory rate is a red flag for sepsis in an adult?",
		"<mark>A respiratory rate of 25 breaths per minute or more is a red flag.</mark>",
		"What is the most appropriate first action?",
		"Name the score: &lt;script&gt;",
		`<span id="f-count">3 of 3 shown</span>`,
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("rendered DOM lacks %q", want)
		}
	}
	if *screenshotDir != "" {
		for _, name := range []string{"out.png", "review.html"} {
			data, err := os.ReadFile(filepath.Join(dir, name))
			if err == nil {
				err = os.WriteFile(filepath.Join(*screenshotDir, name), data, 0o644)
			}
			if err != nil {
				t.Error(err)
			}
		}
	}
}

type stats struct {
	nonWhite         float64
	mark, red, green int
}

func near(r, g, b uint32, wr, wg, wb int, tol int) bool {
	d := func(a uint32, w int) bool { x := int(a>>8) - w; return x >= -tol && x <= tol }
	return d(r, wr) && d(g, wg) && d(b, wb)
}

func pixelStats(img image.Image) stats {
	var s stats
	b := img.Bounds()
	total, nonWhite := 0, 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			total++
			if r>>8 < 245 || g>>8 < 245 || bl>>8 < 245 {
				nonWhite++
			}
			switch {
			case near(r, g, bl, 0xff, 0xe0, 0x66, 8): // --mark
				s.mark++
			case near(r, g, bl, 0xb3, 0x26, 0x1e, 10): // --error
				s.red++
			case near(r, g, bl, 0x1a, 0x7f, 0x37, 10): // --key
				s.green++
			}
		}
	}
	s.nonWhite = float64(nonWhite) / float64(total)
	return s
}
