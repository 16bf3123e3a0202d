/** Inline CSS and JS for the HTML report: one file, no external assets, no network. */

export const HTML_CSS = `
:root{--bg:#fff;--fg:#1d2330;--muted:#677085;--line:#e3e6ec;--card:#f6f7f9;--ok:#1a7f37;--bad:#cf222e;--warn:#9a6700;--accent:#3b5bdb}
@media (prefers-color-scheme:dark){:root{--bg:#0f1117;--fg:#e6e9ef;--muted:#9aa3b5;--line:#2a2f3a;--card:#171a22;--ok:#3fb950;--bad:#f85149;--warn:#d29922;--accent:#7c9cff}}
*{box-sizing:border-box}
body{margin:0;padding:24px 32px;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 10px}
.meta{color:var(--muted);margin-bottom:16px}.meta span+span::before{content:" · "}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:10px}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 12px}
.card .label{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.card .value{font-size:20px;font-weight:600;margin-top:2px}.card .sub{color:var(--muted);font-size:12px}
.pass{color:var(--ok)}.fail{color:var(--bad)}
.dims{display:grid;grid-template-columns:max-content 1fr max-content;gap:6px 12px;align-items:center;max-width:560px}
.bar{height:8px;background:var(--line);border-radius:4px;overflow:hidden}.bar>i{display:block;height:100%;background:var(--accent)}
.filters{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:8px 0 12px}
.filters select,.filters input{font:inherit;padding:5px 8px;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg)}
.filters input{min-width:240px}#count{color:var(--muted);margin-left:auto}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:6px 10px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:12px;color:var(--muted);font-weight:600;text-transform:uppercase;letter-spacing:.04em}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
tr.attempt{cursor:pointer}tr.attempt:hover,tr.attempt:focus{background:var(--card);outline:none}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;border:1px solid currentColor}
.badge.passed{color:var(--ok)}.badge.failed{color:var(--bad)}.badge.error{color:var(--warn)}
.tag{display:inline-block;margin-right:4px;padding:0 6px;border-radius:4px;background:var(--card);border:1px solid var(--line);font-size:12px}
tr.detail td{background:var(--card)}
.detail h3{font-size:13px;margin:10px 0 4px}.detail h3:first-child{margin-top:0}
pre{margin:0;padding:8px 10px;background:var(--bg);border:1px solid var(--line);border-radius:6px;white-space:pre-wrap;word-break:break-word;max-height:360px;overflow:auto;font:12px/1.45 ui-monospace,SFMono-Regular,Menlo,monospace}
.detail ul{margin:0;padding-left:18px}.muted{color:var(--muted)}
button{font:inherit;padding:6px 14px;border:1px solid var(--line);border-radius:6px;background:var(--card);color:var(--fg);cursor:pointer;margin-top:10px}
`;

/** Renders rows from the embedded JSON with DOM APIs (textContent only), so user content is never parsed as HTML. */
export const HTML_JS = `
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("ratchet-attempts").textContent);
  var PAGE = 200, limit = PAGE;
  var $ = function (id) { return document.getElementById(id); };
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function fill(select, values) {
    values.forEach(function (v) { var o = el("option", "", v === "" ? "(none)" : v); o.value = v; select.appendChild(o); });
  }
  var tags = {}, variants = {};
  data.forEach(function (a) { a.tags.forEach(function (t) { tags[t] = 1; }); variants[a.variant] = 1; });
  fill($("f-tag"), Object.keys(tags).sort());
  fill($("f-variant"), Object.keys(variants).sort());
  if (Object.keys(variants).length < 2) $("f-variant").hidden = true;

  function haystack(a) {
    if (a._h === undefined) {
      a._h = [a.case_id, a.variant, a.output, a.tags.join(" "), a.error ? a.error.message : "",
        a.failed.map(function (f) { return f.grader + " " + f.reason; }).join(" ")].join("\\n").toLowerCase();
    }
    return a._h;
  }
  function matches(a, f) {
    if (f.status && a.status !== f.status) return false;
    if (f.tag && a.tags.indexOf(f.tag) < 0) return false;
    if (f.variant && a.variant !== f.variant) return false;
    return !f.text || haystack(a).indexOf(f.text) >= 0;
  }
  function fmtMs(n) { return n < 1000 ? Math.round(n) + " ms" : (n / 1000).toFixed(2) + " s"; }
  function section(parent, title, node) { parent.appendChild(el("h3", "", title)); parent.appendChild(node); }
  function details(a) {
    var box = el("div", "detail");
    if (a.error) section(box, "Error", el("pre", "", a.error.class + (a.error.status ? " (HTTP " + a.error.status + ")" : "") + ": " + a.error.message));
    if (a.failed.length) {
      var ul = el("ul");
      a.failed.forEach(function (f) {
        var li = el("li");
        li.appendChild(el("strong", "", f.grader));
        li.appendChild(el("span", "muted", " (" + f.dimension + ", score " + f.score.toFixed(2) + "): "));
        li.appendChild(document.createTextNode(f.reason));
        ul.appendChild(li);
      });
      section(box, "Failed assertions", ul);
    }
    section(box, "Output", a.output ? el("pre", "", a.output) : el("p", "muted", "(empty)"));
    if (a.tool_calls.length) {
      section(box, "Tool calls", el("pre", "", a.tool_calls.map(function (c) {
        return c.name + "(" + JSON.stringify(c.arguments, null, 2) + ")";
      }).join("\\n")));
    }
    box.appendChild(el("p", "muted", "attempt " + a.id + " · " + a.severity + " · retries " + a.retries +
      " · tokens " + a.input_tokens + " in / " + a.output_tokens + " out"));
    return box;
  }
  function row(a) {
    var tr = el("tr", "attempt");
    tr.tabIndex = 0;
    tr.appendChild(el("td", "", a.case_id));
    tr.appendChild(el("td", "num", String(a.epoch)));
    tr.appendChild(el("td", "", a.variant));
    var st = el("td"); st.appendChild(el("span", "badge " + a.status, a.status)); tr.appendChild(st);
    tr.appendChild(el("td", "num", a.overall.toFixed(3)));
    var tg = el("td"); a.tags.forEach(function (t) { tg.appendChild(el("span", "tag", t)); }); tr.appendChild(tg);
    tr.appendChild(el("td", "num", fmtMs(a.latency_ms)));
    tr.appendChild(el("td", "num", "$" + a.cost_usd.toFixed(4)));
    var open = null;
    function toggle() {
      if (open) { open.remove(); open = null; return; }
      open = el("tr", "detail");
      var td = el("td"); td.colSpan = 8; td.appendChild(details(a)); open.appendChild(td);
      tr.after(open);
    }
    tr.addEventListener("click", toggle);
    tr.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); toggle(); } });
    return tr;
  }
  function render() {
    var f = { status: $("f-status").value, tag: $("f-tag").value, variant: $("f-variant").value,
      text: $("f-text").value.trim().toLowerCase() };
    var body = $("rows"), frag = document.createDocumentFragment(), shown = 0, total = 0;
    data.forEach(function (a) {
      if (!matches(a, f)) return;
      total++;
      if (shown < limit) { shown++; frag.appendChild(row(a)); }
    });
    body.replaceChildren(frag);
    $("count").textContent = shown + " of " + total + " attempts";
    $("more").hidden = shown >= total;
  }
  ["f-status", "f-tag", "f-variant"].forEach(function (id) { $(id).addEventListener("change", function () { limit = PAGE; render(); }); });
  $("f-text").addEventListener("input", function () { limit = PAGE; render(); });
  $("more").addEventListener("click", function () { limit += PAGE * 5; render(); });
  render();
})();
`;
