(function () {
  "use strict";
  // Article text is only ever inserted as text nodes (textContent,
  // createTextNode): never as markup.
  var data = JSON.parse(document.getElementById("data").textContent);
  var all = data.clusters, shown = all, page = 0, sel = -1, PAGE = 100;
  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function pct(x) { return Math.round(x * 100) + "%"; }

  // Editors' decisions: kept in this browser under the run's fingerprint
  // (a reload keeps them), exported as decisions.jsonl in the --pairs
  // label format for neardup run --decisions. Keyed by (canonical, copy).
  var STORE = "neardup-decisions:" + data.run, decided = {};
  try { decided = JSON.parse(localStorage.getItem(STORE) || "{}") || {}; } catch (e) { decided = {}; }
  function dkey(a, b) { return a + "\u0000" + b; }
  function decision(a, b) { return decided[dkey(a, b)]; }
  function decide(a, b, label) {
    var k = dkey(a, b);
    if (label == null) delete decided[k];
    else decided[k] = { a: a, b: b, label: label, by: $("editor").value.trim(), at: new Date().toISOString().replace(/\.\d+Z$/, "Z") };
    try { localStorage.setItem(STORE, JSON.stringify(decided)); } catch (e) {}
    showPending();
  }
  function exported() {
    return Object.keys(decided).sort().map(function (k) {
      var d = decided[k], o = { a: d.a, b: d.b, label: d.label };
      if (d.by) o.by = d.by;
      o.at = d.at;
      return JSON.stringify(o) + "\n";
    }).join("");
  }
  function showPending() {
    var n = Object.keys(decided).length;
    $("pending").textContent = n ? n + (n === 1 ? " decision" : " decisions") + " to export" : "no decisions";
  }
  function clusterDecided(c) {
    var n = 0;
    c.copies.forEach(function (cp) { if (decision(c.canon.id, cp.id)) n++; });
    (c.near || []).forEach(function (x) { if (decision(x.member, x.id)) n++; });
    return n;
  }
  // sourcesEl lists sources, each isolated in a <bdi>: a bidi override in
  // one cannot reverse the next.
  function sourcesEl(list) {
    var s = el("span");
    list.forEach(function (src, i) {
      if (i) s.appendChild(document.createTextNode(", "));
      s.appendChild(el("bdi", null, src));
    });
    return s;
  }
  // Words as package shingle finds them: runs of letters, decimal digits
  // and marks. words returns their [start, end) offsets, flattened.
  var WORD = /[\p{L}\p{Nd}\p{M}]+/gu;
  function words(t) {
    var out = [], m;
    WORD.lastIndex = 0;
    while ((m = WORD.exec(t))) out.push(m.index, m.index + m[0].length);
    return out;
  }
  function search(c) {
    if (c._q == null) c._q = [c.canon.id, c.title].concat(c.copies.map(function (x) { return x.title; })).join("\n").toLowerCase();
    return c._q;
  }

  function renderList() {
    var ol = $("clusters");
    ol.textContent = "";
    var pages = Math.max(1, Math.ceil(shown.length / PAGE));
    page = Math.min(page, pages - 1);
    var frag = document.createDocumentFragment();
    for (var i = page * PAGE; i < Math.min(shown.length, (page + 1) * PAGE); i++) {
      var c = shown[i], li = el("li", i === sel ? "sel" : null);
      li.setAttribute("data-i", i);
      var head = el("div", "head");
      head.appendChild(el("span", "size", String(c.size)));
      head.appendChild(document.createTextNode(c.title || c.canon.id));
      li.appendChild(head);
      var meta = el("div", "meta");
      if (c.tonight) meta.appendChild(el("span", "tonight", c.tonight + " new tonight"));
      if (c.span) meta.appendChild(el("span", null, c.span));
      if (c.sources && c.sources.length) meta.appendChild(sourcesEl(c.sources));
      meta.appendChild(el("span", null, "similarity " + pct(c.worst) + (c.best !== c.worst ? "–" + pct(c.best) : "")));
      if (c.near) meta.appendChild(el("span", "nearcount", c.near.length + " kept apart close to the cut"));
      var nd = clusterDecided(c);
      if (nd) meta.appendChild(el("span", "decided", nd + " decided"));
      li.appendChild(meta);
      frag.appendChild(li);
    }
    ol.appendChild(frag);
    $("count").textContent = shown.length === all.length ? all.length + " clusters" : shown.length + " of " + all.length;
    $("page").textContent = "page " + (page + 1) + " of " + pages;
    $("prev").disabled = page === 0;
    $("next").disabled = page >= pages - 1;
    var s = ol.querySelector(".sel");
    if (s && s.scrollIntoView) s.scrollIntoView({ block: "nearest" });
  }

  // flags expands run lengths (not shared, shared, …) over n words.
  function flags(runs, n) {
    var f = new Uint8Array(n), k = 0, v = 0;
    for (var r = 0; r < runs.length; r++) {
      for (var j = 0; j < runs[r] && k < n; j++) f[k++] = v;
      v ^= 1;
    }
    return f;
  }
  function count(f, v) { var n = 0; for (var i = 0; i < f.length; i++) if (f[i] === v) n++; return n; }

  // textBlock renders an article's text, one paragraph per line (the
  // report reflows hard-wrapped text into such lines), with its shared
  // words marked and the others in restClass; punctuation between two
  // words of one kind takes that kind. A run that crosses a paragraph
  // break is split into one element per paragraph.
  function textBlock(a, f, restClass) {
    var div = el("div", "text"), t = a.text, p = div.appendChild(el("p"));
    function put(s, tag, cls) {
      var parts = s.split("\n");
      for (var k = 0; k < parts.length; k++) {
        if (k > 0) p = div.appendChild(el("p"));
        if (parts[k]) p.appendChild(tag ? el(tag, cls, parts[k]) : document.createTextNode(parts[k]));
      }
    }
    if (!f) {
      put(t);
    } else {
      var w = a._w || (a._w = words(t)), pos = 0, i = 0, n = w.length / 2;
      while (i < n) {
        var v = f[i], j = i;
        while (j + 1 < n && f[j + 1] === v) j++;
        var s = w[2 * i], e = w[2 * j + 1];
        if (s > pos) put(t.slice(pos, s));
        put(t.slice(s, e), v ? "mark" : "span", v ? "shared" : restClass);
        pos = e;
        i = j + 1;
      }
      if (pos < t.length) put(t.slice(pos));
    }
    if (a.cut) div.appendChild(el("div", "cut", "… text cut to the report's size budget"));
    return div;
  }

  // A nightly report marks each member with the night it arrived (mark,
  // kind) and says why an earlier night's member has no text (missing).
  function column(role, a, f, restClass) {
    var col = el("div", "col");
    col.appendChild(el("div", "role", role));
    if (a.mark) col.appendChild(el("div", "mark " + a.kind, a.mark));
    col.appendChild(el("h3", null, a.title || a.id));
    var meta = el("div", "meta");
    meta.appendChild(el("span", null, a.id));
    if (a.source) meta.appendChild(el("span", null, a.source));
    if (a.date) meta.appendChild(el("span", null, a.date));
    col.appendChild(meta);
    if (a.text) col.appendChild(textBlock(a, f, restClass));
    else col.appendChild(el("div", "notext", a.missing || "text not included"));
    return col;
  }

  function why(m, lead) {
    if (!m) return "";
    var parts = [];
    if (m.p != null) {
      parts.push((lead || "matched the canonical") + ": probability " + pct(m.p));
      if (m.cluster_p != null) parts.push("joined the cluster by its mean probability against the members, " + pct(m.cluster_p));
      (m.why || []).forEach(function (w) {
        parts.push(w.evidence + " " + (w.contribution > 0 ? "+" : "\u2212") + Math.abs(w.contribution).toFixed(1));
      });
    } else {
      parts.push("matched the canonical by " + m.reason);
    }
    parts.push("Jaccard " + m.jaccard.toFixed(2), "containment " + m.containment.toFixed(2));
    if (m.figures_shared != null) parts.push("figures shared " + pct(m.figures_shared));
    if (m.names_shared != null) parts.push("names shared " + pct(m.names_shared));
    if (m.hours_apart != null) parts.push(m.hours_apart.toFixed(1) + " h apart");
    if (m.subjects_unmatched != null) parts.push(m.subjects_unmatched === 0 ? "titles name the same subject" : m.subjects_unmatched + " subject words unmatched");
    if (m.figure_order != null) parts.push("figure order kept " + pct(m.figure_order));
    if (m.lede != null) parts.push("ledes alike " + pct(m.lede));
    return parts.join(" · ");
  }

  function renderView(c) {
    var v = $("view");
    v.textContent = "";
    v.appendChild(el("h1", null, c.title || c.canon.id));
    var meta = el("div", "meta");
    meta.appendChild(el("span", null, "cluster " + (c.id || c.n)));
    meta.appendChild(el("span", null, c.size + " articles"));
    if (c.span) meta.appendChild(el("span", null, c.span));
    if (c.sources && c.sources.length) meta.appendChild(sourcesEl(c.sources));
    var allSame = c.copies.length > 0 && c.copies.every(function (cp) { var d = decision(c.canon.id, cp.id); return d && d.label === "dup"; });
    var same = el("button", "decide" + (allSame ? " on" : ""), allSame ? "Same story ✓ (undo)" : "Same story");
    same.type = "button";
    same.id = "same-story";
    same.title = "Confirm every copy of this cluster as the same news item as its canonical article";
    same.addEventListener("click", function () {
      c.copies.forEach(function (cp) {
        var d = decision(c.canon.id, cp.id);
        if (allSame) decide(c.canon.id, cp.id, null);
        else if (!d || d.label !== "distinct") decide(c.canon.id, cp.id, "dup");
      });
      renderList();
      renderView(c);
    });
    meta.appendChild(same);
    v.appendChild(meta);
    var legend = el("div", "legend");
    [["shared", "var(--shared)", "shared with the canonical article"], ["added", "var(--added)", "only in the copy"],
     ["dropped", "none", "only in the canonical article"]].forEach(function (l) {
      var s = el("span"), sw = el("span", "swatch");
      sw.style.background = l[1];
      if (l[0] === "dropped") { sw.style.border = "1px solid var(--dropped)"; }
      s.appendChild(sw);
      s.appendChild(document.createTextNode(l[2]));
      legend.appendChild(s);
    });
    v.appendChild(legend);
    if (c.notext) v.appendChild(el("p", "notext", "Texts are not included for this cluster: the report's size budget was used up by larger clusters."));
    var cw = c.canon.text ? (c.canon._w || (c.canon._w = words(c.canon.text))).length / 2 : 0;
    c.copies.forEach(function (cp) {
      var d = decision(c.canon.id, cp.id), apart = d && d.label === "distinct";
      var pair = el("section", "pair" + (apart ? " apart" : d ? " same" : "")), head = el("header");
      pair.setAttribute("data-id", cp.id);
      head.appendChild(el("span", "sim", pct(cp.sim)));
      var btn = el("button", "decide" + (apart ? " on" : ""), apart ? "Not a copy ✗ (undo)" : "Not a copy");
      btn.type = "button";
      btn.className += " not-a-copy";
      btn.title = "This is a different news item: take it out of the cluster on the next run";
      btn.addEventListener("click", function () {
        decide(c.canon.id, cp.id, apart ? null : "distinct");
        renderList();
        renderView(c);
      });
      head.appendChild(btn);
      head.appendChild(el("span", "why", why(cp.match)));
      if (cp.note) head.appendChild(el("span", "note", cp.note));
      var cf = null, f = null;
      if (cp.text && c.canon.text) {
        f = flags(cp.shared || [], (cp._w || (cp._w = words(cp.text))).length / 2);
        cf = flags(cp.cshared || [], cw);
        head.appendChild(el("span", "why", "adds " + count(f, 0) + " words · drops " + count(cf, 0) + " words"));
      }
      pair.appendChild(head);
      var cols = el("div", "cols");
      cols.appendChild(column("canonical", c.canon, cf, "dropped"));
      cols.appendChild(column("copy", cp, f, "added"));
      pair.appendChild(cols);
      v.appendChild(pair);
    });
    if (c.near && c.near.length) v.appendChild(nearView(c));
    v.scrollTop = 0;
  }

  // nearView lists the near misses of cluster c: articles the run kept
  // apart that nearly matched one of its members, each with a "These are
  // copies" button (a dup decision between the member and the article).
  function nearView(c) {
    var sec = el("div", "near");
    sec.appendChild(el("h2", null, "Kept apart, close to the cut"));
    sec.appendChild(el("p", "help", "The run did not put these in the cluster, though each nearly matched a member. " +
      "If one is the same news item, mark it: the next run given the decisions joins the two."));
    c.near.forEach(function (n) {
      var d = decision(n.member, n.id), same = d && d.label === "dup";
      var pair = el("section", "pair near-miss" + (same ? " same" : "")), head = el("header");
      pair.setAttribute("data-id", n.id);
      head.appendChild(el("span", "sim", pct(n.match && n.match.p != null ? n.match.p : n.sim)));
      var btn = el("button", "decide are-copies" + (same ? " on" : ""), same ? "These are copies ✓ (undo)" : "These are copies");
      btn.type = "button";
      btn.title = "The same news item as " + n.member + ": join them on the next run";
      btn.addEventListener("click", function () {
        decide(n.member, n.id, same ? null : "dup");
        renderList();
        renderView(c);
      });
      head.appendChild(btn);
      head.appendChild(el("span", "why", (n.apart ? "in cluster " + n.apart : "standing alone") + " · " +
        why(n.match, "against " + n.member)));
      pair.appendChild(head);
      var cols = el("div", "cols");
      cols.appendChild(column("kept apart", n, null, "added"));
      pair.appendChild(cols);
      sec.appendChild(pair);
    });
    return sec;
  }

  function select(i) {
    if (!shown.length) { sel = -1; renderList(); $("view").textContent = ""; $("view").appendChild(el("p", "empty", "No cluster matches.")); return; }
    sel = Math.max(0, Math.min(shown.length - 1, i));
    page = Math.floor(sel / PAGE);
    renderList();
    renderView(shown[sel]);
    if (history.replaceState) history.replaceState(null, "", "#c=" + shown[sel].n);
  }

  $("clusters").addEventListener("click", function (e) {
    var li = e.target.closest("li");
    if (li) select(+li.getAttribute("data-i"));
  });
  $("prev").addEventListener("click", function () { page--; renderList(); });
  try { $("editor").value = localStorage.getItem("neardup-editor") || ""; } catch (e) {}
  $("editor").addEventListener("change", function () { try { localStorage.setItem("neardup-editor", this.value.trim()); } catch (e) {} });
  $("export").addEventListener("click", function () {
    var text = exported();
    $("exported").textContent = text;
    var a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([text], { type: "application/x-ndjson" }));
    a.download = "decisions.jsonl";
    document.body.appendChild(a);
    a.click();
    a.remove();
  });
  $("clear").addEventListener("click", function () {
    decided = {};
    try { localStorage.removeItem(STORE); } catch (e) {}
    showPending();
    if (sel >= 0) { renderList(); renderView(shown[sel]); }
  });
  showPending();
  $("next").addEventListener("click", function () { page++; renderList(); });
  $("filter").addEventListener("input", function () {
    var q = this.value.trim().toLowerCase();
    shown = q ? all.filter(function (c) { return search(c).indexOf(q) >= 0; }) : all;
    page = 0;
    select(0);
  });
  document.addEventListener("keydown", function (e) {
    if (e.target.tagName === "INPUT") {
      if (e.key === "Escape" || e.key === "Enter") e.target.blur();
      return;
    }
    if (e.key === "j" || e.key === "ArrowDown") { select(sel + 1); e.preventDefault(); }
    else if (e.key === "k" || e.key === "ArrowUp") { select(sel - 1); e.preventDefault(); }
    else if (e.key === "/") { $("filter").focus(); e.preventDefault(); }
  });

  var m = /^#c=(\d+)$/.exec(location.hash), start = 0;
  if (m) for (var i = 0; i < all.length; i++) if (all[i].n === +m[1]) start = i;
  if (all.length) select(start); else { renderList(); $("view").textContent = ""; $("view").appendChild(el("p", "empty", "No clusters: no duplicates were found.")); }
  document.body.setAttribute("data-ready", "1");
})();
