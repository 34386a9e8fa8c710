package review

// pageHTML is the review page. Everything it needs is inline; html/template
// escapes every value for its context.
const pageHTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Bedside">
<title>{{.Title}}</title>
<style>
:root {
  --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --paper: #ffffff; --panel: #f6f8fa;
  --key: #1a7f37; --key-bg: #dafbe1;
  --error: #b3261e; --error-bg: #fde8e7;
  --warning: #9a6700; --warning-bg: #fff4d6;
  --info: #0a58ca; --info-bg: #e5efff;
  --mark: #ffe066;
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--panel); color: var(--ink);
  font: 15px/1.5 "DejaVu Sans", "Liberation Sans", Arial, Helvetica, sans-serif; }
header.page { background: var(--paper); border-bottom: 1px solid var(--line); padding: 16px 32px; }
header.page h1 { margin: 0 0 4px; font-size: 24px; }
.summary { margin: 0; color: var(--muted); }
.summary .n-error { color: var(--error); font-weight: bold; }
.summary .n-warning { color: var(--warning); font-weight: bold; }
.filters { margin-top: 12px; display: flex; gap: 12px; flex-wrap: wrap; align-items: center; }
.filters label { color: var(--muted); }
.filters select, .filters input { font: inherit; padding: 2px 6px; }
main { padding: 16px 32px; max-width: 1100px; }
article.item { background: var(--paper); border: 1px solid var(--line); border-left: 8px solid var(--key);
  border-radius: 6px; padding: 12px 20px; margin: 0 0 16px; }
article.worst-error { border-left-color: var(--error); }
article.worst-warning { border-left-color: var(--warning); }
article.worst-info { border-left-color: var(--info); }
article.item > header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 8px 16px; }
article.item h2 { margin: 0; font-size: 18px; }
.id { font-family: "DejaVu Sans Mono", monospace; font-size: 13px; color: var(--muted); }
ul.meta { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 6px; }
ul.meta li { border: 1px solid var(--line); border-radius: 10px; padding: 0 8px; font-size: 13px; color: var(--muted); }
ul.meta li.type { background: var(--ink); color: var(--paper); border-color: var(--ink); }
ul.meta li.tag::before { content: "#"; }
.stem, .why, .rationale p, .passage { white-space: pre-wrap; }
.stem { font-size: 16px; margin: 12px 0; }
ol.options { margin: 0 0 8px; padding: 0; list-style: none; }
ol.options li { border: 1px solid var(--line); border-radius: 4px; padding: 4px 10px; margin: 4px 0; }
ol.options li.key { background: var(--key-bg); border-color: var(--key); }
.letter { font-weight: bold; display: inline-block; min-width: 1.5em; }
.keymark { color: var(--key); font-weight: bold; margin-left: 8px; }
.why { margin: 2px 0 0 1.5em; color: var(--muted); font-size: 14px; }
h3 { font-size: 13px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); margin: 14px 0 4px; }
ul.answers { margin: 4px 0; }
ul.findings { list-style: none; padding: 0; margin: 0; }
li.finding { border-radius: 4px; padding: 4px 10px; margin: 4px 0; border-left: 4px solid; }
li.sev-error { background: var(--error-bg); border-color: var(--error); }
li.sev-warning { background: var(--warning-bg); border-color: var(--warning); }
li.sev-info { background: var(--info-bg); border-color: var(--info); }
li.finding .sev { text-transform: uppercase; font-size: 12px; margin-right: 6px; }
li.sev-error .sev { color: var(--error); }
li.sev-warning .sev { color: var(--warning); }
li.sev-info .sev { color: var(--info); }
code { font-family: "DejaVu Sans Mono", monospace; font-size: 13px; }
.clean { color: var(--key); margin: 0; }
figure.source { margin: 6px 0; }
figure.source figcaption { font-size: 13px; color: var(--muted); }
.passage { margin: 4px 0; padding: 8px 12px; background: var(--panel); border-left: 4px solid var(--line); }
mark { background: var(--mark); color: var(--ink); padding: 0 1px; }
.warn { color: var(--error); font-weight: bold; margin: 4px 0; }
footer.page { color: var(--muted); font-size: 12px; padding: 0 32px 24px; }
[hidden] { display: none !important; }
@media print {
  body { background: #fff; font-size: 11pt; }
  header.page { border: 0; padding: 0 0 8pt; }
  .filters { display: none; }
  main { padding: 0; max-width: none; }
  article.item { break-inside: avoid; page-break-inside: avoid; border-radius: 0; }
  article.item[hidden] { display: block !important; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
</style>
</head>
<body>
<header class="page">
<h1>{{.Title}}</h1>
<p class="summary">{{.Total}} item{{if ne .Total 1}}s{{end}}{{range .Types}} · {{.N}} {{.Label}}{{end}} ·
<span class="n-error">{{.Errors}} with errors</span> ·
<span class="n-warning">{{.Warnings}} with warnings</span> ·
{{.Infos}} with notes · {{.Clean}} clean{{if .Generated}} · made {{.Generated}}{{end}}</p>
<form class="filters" id="filters" hidden>
<label>Show <select id="f-worst">
<option value="">all items</option>
<option value="error">with errors</option>
<option value="warning">with warnings, no errors</option>
<option value="flagged">with any finding</option>
<option value="clean">clean</option>
</select></label>
<label>Type <select id="f-type">
<option value="">all types</option>
{{range .Types}}<option value="{{.Type}}">{{.Label}}</option>
{{end}}</select></label>
<label>Search <input type="search" id="f-text" placeholder="text, rule, tag"></label>
<span id="f-count"></span>
</form>
</header>
<main>
{{range .Items}}<article class="item worst-{{.Worst}}" id="{{.Anchor}}" data-worst="{{.Worst}}" data-type="{{.Type}}" data-search="{{.Search}}">
<header>
<h2>{{.N}}.{{if .ID}} <span class="id">{{.ID}}</span>{{end}}</h2>
<ul class="meta">
<li class="type">{{.TypeLabel}}</li>
{{if .Difficulty}}<li>difficulty: {{.Difficulty}}</li>
{{end}}{{if .Bloom}}<li>Bloom: {{.Bloom}}</li>
{{end}}{{if .Topic}}<li>topic: {{.Topic}}</li>
{{end}}{{range .Tags}}<li class="tag">{{.}}</li>
{{end}}{{if .Generator}}<li>by {{.Generator}}{{if .Created}}, {{.Created}}{{end}}</li>
{{end}}</ul>
</header>
<p class="stem">{{.Stem}}</p>
{{if .Options}}<ol class="options">
{{range .Options}}<li class="option{{if .Correct}} key{{end}}"><span class="letter">{{.Letter}}</span> {{.Text}}{{if .Correct}}<span class="keymark">✓ key</span>{{end}}{{if .Explanation}}
<p class="why">{{.Explanation}}</p>{{end}}</li>
{{end}}</ol>
{{end}}{{if .Answers}}<h3>Accepted answers</h3>
<ul class="answers">
{{range .Answers}}<li>{{.}}</li>
{{end}}</ul>
{{end}}{{if .Rationale}}<section class="rationale">
<h3>Rationale</h3>
<p>{{.Rationale}}</p>
</section>
{{end}}<section>
<h3>Findings</h3>
{{if .Findings}}<ul class="findings">
{{range .Findings}}<li class="finding sev-{{.Severity}}"><span class="sev">{{.Severity}}</span><code>{{.Rule}}</code> {{.Message}}{{if .Text}} — <q>{{.Text}}</q>{{end}}</li>
{{end}}</ul>
{{else}}<p class="clean">No findings.</p>
{{end}}</section>
<section class="sources">
<h3>Source{{if gt (len .Sources) 1}}s{{end}}</h3>
{{range .Sources}}<figure class="source">
<figcaption>{{.Label}}{{if .ChunkID}} · chunk <code>{{.ChunkID}}</code>{{end}}</figcaption>
{{if .HasPassage}}<blockquote class="passage">{{.Before}}{{if .Found}}<mark>{{.Mark}}</mark>{{.After}}{{end}}</blockquote>
{{if not .Found}}<p class="warn">The quoted span is not in this passage: “{{.Quote}}”</p>
{{end}}{{else if .Quote}}<blockquote class="passage"><mark>{{.Quote}}</mark></blockquote>
{{else}}<p class="warn">The citation quotes nothing.</p>
{{end}}</figure>
{{else}}<p class="warn">No source is cited.</p>
{{end}}</section>
</article>
{{end}}</main>
<footer class="page">Written by Bedside. Every item should be checked by a clinician educator before use.</footer>
<script>
(function () {
  document.documentElement.setAttribute("data-js", "on");
  var form = document.getElementById("filters");
  form.hidden = false;
  var worst = document.getElementById("f-worst"), type = document.getElementById("f-type"),
      text = document.getElementById("f-text"), count = document.getElementById("f-count");
  var items = Array.prototype.slice.call(document.querySelectorAll("article.item"));
  function apply() {
    var w = worst.value, t = type.value, q = text.value.toLowerCase().trim(), shown = 0;
    items.forEach(function (el) {
      var iw = el.getAttribute("data-worst");
      var ok = (w === "" || (w === "flagged" ? iw !== "clean" : iw === w)) &&
               (t === "" || el.getAttribute("data-type") === t) &&
               (q === "" || el.getAttribute("data-search").indexOf(q) >= 0);
      el.hidden = !ok;
      if (ok) { shown++; }
    });
    count.textContent = shown + " of " + items.length + " shown";
  }
  [worst, type, text].forEach(function (el) { el.addEventListener("input", apply); });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  apply();
})();
</script>
</body>
</html>
`
