// The report's own script: zoom (drag across the timeline, or the
// buttons), and the ops behind an anomaly (click it). It only reads the
// JSON the page carries and sets text; it loads nothing.
(function () {
  "use strict";
  var body = document.body;
  window.addEventListener("error", function () {
    body.dataset.errors = String(Number(body.dataset.errors || 0) + 1);
  });
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var svg = document.getElementById("timeline");
  if (!svg) { body.dataset.ready = "1"; return; }
  var NS = "http://www.w3.org/2000/svg";
  var px = data.plot_x, pw = data.plot_w, end = data.end_s || 1;
  var win = [0, end];
  var items = svg.querySelectorAll("[data-t0]");
  var labels = svg.querySelectorAll(".flabel");
  var ticks = document.getElementById("ticks");
  var axisY = Number(ticks.getAttribute("data-y"));
  var label = document.getElementById("window");

  function layout(a, b) {
    a = Math.max(0, a); b = Math.min(end, b);
    if (b - a < 0.05) { var m = (a + b) / 2; a = Math.max(0, m - 0.025); b = a + 0.05; }
    win = [a, b];
    var k = pw / (b - a);
    for (var i = 0; i < items.length; i++) {
      var el = items[i];
      var t0 = Number(el.getAttribute("data-t0"));
      var t1 = el.hasAttribute("data-t1") ? Number(el.getAttribute("data-t1")) : t0;
      var x = px + (t0 - a) * k;
      el.setAttribute("x", x.toFixed(1));
      if (el.tagName === "rect") {
        var w = el.hasAttribute("data-t1") ? Math.max(1, (t1 - t0) * k) : 1.2;
        el.setAttribute("width", w.toFixed(1));
      } else {
        el.style.display = t0 < a || t0 > b ? "none" : "";
      }
    }
    // Fault labels that would overlap the one before are left to the hover.
    var lastEnd = -1e9;
    for (var j = 0; j < labels.length; j++) {
      var lb = labels[j];
      if (lb.style.display === "none") continue;
      var lx = Number(lb.getAttribute("x"));
      if (lx < lastEnd) { lb.style.display = "none"; continue; }
      lastEnd = lx + lb.textContent.length * 6 + 8;
    }
    while (ticks.firstChild) ticks.removeChild(ticks.firstChild);
    var step = niceStep((b - a) / 12);
    for (var t = Math.ceil(a / step) * step; t <= b + 1e-9; t += step) {
      var tx = document.createElementNS(NS, "text");
      tx.setAttribute("x", (px + (t - a) * k).toFixed(1));
      tx.setAttribute("y", axisY);
      tx.setAttribute("dy", "14");
      tx.textContent = fmt(t) + "s";
      ticks.appendChild(tx);
    }
    label.textContent = "showing " + fmt(a) + " s – " + fmt(b) + " s of " + fmt(end) + " s";
  }
  function niceStep(raw) {
    var p = Math.pow(10, Math.floor(Math.log10(raw)));
    var ms = [1, 2, 5, 10];
    for (var i = 0; i < ms.length; i++) if (raw <= ms[i] * p) return ms[i] * p;
    return 10 * p;
  }
  function fmt(t) { return String(Number(t >= 100 ? t.toFixed(0) : t >= 10 ? t.toFixed(1) : t.toFixed(3))); }
  function toTime(evt) {
    var r = svg.getBoundingClientRect();
    var ux = (evt.clientX - r.left) * svg.viewBox.baseVal.width / r.width;
    return win[0] + (ux - px) / pw * (win[1] - win[0]);
  }

  // Drag across the timeline to zoom into that window.
  var brush = document.getElementById("brush");
  var from = null;
  svg.addEventListener("mousedown", function (e) { from = toTime(e); e.preventDefault(); });
  svg.addEventListener("mousemove", function (e) {
    if (from === null) return;
    var to = toTime(e), k = pw / (win[1] - win[0]);
    var lo = Math.min(from, to), hi = Math.max(from, to);
    brush.setAttribute("x", (px + (lo - win[0]) * k).toFixed(1));
    brush.setAttribute("width", Math.max(0, (hi - lo) * k).toFixed(1));
    brush.style.display = "";
  });
  window.addEventListener("mouseup", function (e) {
    if (from === null) return;
    var to = toTime(e), lo = Math.min(from, to), hi = Math.max(from, to);
    from = null;
    brush.style.display = "none";
    if ((hi - lo) / (win[1] - win[0]) > 0.01) layout(lo, hi);
  });
  document.getElementById("zoom-out").addEventListener("click", function () {
    var w = win[1] - win[0], m = (win[0] + win[1]) / 2;
    layout(m - w, m + w);
  });
  document.getElementById("zoom-reset").addEventListener("click", function () { layout(0, end); });

  // Click an anomaly (on the timeline, in the table, or a failover bar).
  var detail = document.getElementById("detail");
  function show(id) {
    var a = data.anomalies[id];
    if (!a) return;
    var sel = svg.querySelectorAll(".sel");
    for (var i = 0; i < sel.length; i++) sel[i].classList.remove("sel");
    var mark = svg.querySelector('[data-anomaly="' + id + '"]');
    if (mark) mark.classList.add("sel");
    var pad = Math.max(0.5, (a.t1 - a.t0) * 0.3);
    layout(a.t0 - pad, a.t1 + pad);
    detail.hidden = false;
    detail.setAttribute("data-shown", String(id));
    while (detail.firstChild) detail.removeChild(detail.firstChild);
    var h = document.createElement("p");
    h.textContent = a.checker + " · " + a.kind + ": " + a.message;
    detail.appendChild(h);
    var table = document.createElement("table");
    row(table, ["op", "time", "process", "node", "type", "f", "value", "error"], "th");
    for (var j = 0; j < a.ops.length; j++) {
      var o = data.ops[a.ops[j]];
      if (!o) continue;
      row(table, [a.ops[j], o.t.toFixed(3) + " s", o.p, o.n || "", o.type, o.f, o.v || "", o.err || ""], "td");
    }
    detail.appendChild(table);
    if (a.more > 0) {
      var more = document.createElement("p");
      more.className = "muted";
      more.textContent = "… and " + a.more + " more ops: results.json lists them all.";
      detail.appendChild(more);
    }
    svg.scrollIntoView({ block: "nearest" });
  }
  function row(table, cells, tag) {
    var tr = document.createElement("tr");
    for (var i = 0; i < cells.length; i++) {
      var c = document.createElement(tag);
      c.textContent = String(cells[i]);
      tr.appendChild(c);
    }
    table.appendChild(tr);
  }
  document.addEventListener("click", function (e) {
    var el = e.target.closest ? e.target.closest("[data-anomaly],[data-failover]") : null;
    if (!el) return;
    if (el.hasAttribute("data-anomaly")) { show(Number(el.getAttribute("data-anomaly"))); return; }
    var t0 = Number(el.getAttribute("data-f0")), t1 = Number(el.getAttribute("data-f1"));
    layout(t0 - 2, t1 + 2);
    svg.scrollIntoView({ block: "nearest" });
  });
  // A link can open the report on an anomaly (#anomaly-3) or a window
  // of the run (#t=12.5-20).
  function fromHash() {
    var m = /^#anomaly-(\d+)$/.exec(location.hash);
    if (m) { show(Number(m[1])); return; }
    m = /^#t=([\d.]+)-([\d.]+)$/.exec(location.hash);
    layout(m ? Number(m[1]) : 0, m ? Number(m[2]) : end);
  }
  window.addEventListener("hashchange", fromHash);
  fromHash();
  body.dataset.ready = "1";
  body.dataset.loadMs = performance.now().toFixed(0);
})();
