// Interaction only: the page is complete without it. Tooltips on hover and
// keyboard focus; groups fold and unfold (rows and arrows are re-laid out).
(function () {
  "use strict";
  var ROW = 28;
  var tip = document.getElementById("tip");
  function show(el, x, y) {
    // The first time, take the text out of <title> so the browser's own
    // tooltip does not double ours; aria-label keeps it for screen readers.
    var t = el.querySelector("title");
    if (t) { el.planTip = t.textContent; t.remove(); el.setAttribute("aria-label", el.planTip); }
    if (!el.planTip) return;
    var lines = el.planTip.split("\n");
    tip.textContent = "";
    var head = document.createElement("b");
    head.textContent = lines.shift();
    tip.appendChild(head);
    tip.appendChild(document.createTextNode(lines.join("\n")));
    tip.hidden = false;
    var w = tip.offsetWidth, h = tip.offsetHeight;
    var left = Math.min(x + 14, window.innerWidth - w - 8);
    var top = y + 16 + h > window.innerHeight ? y - h - 10 : y + 16;
    tip.style.left = Math.max(8, left) + "px";
    tip.style.top = Math.max(8, top) + "px";
  }
  function hide() { tip.hidden = true; }
  var bars = document.querySelector(".g-bars");
  if (bars) {
    bars.addEventListener("mousemove", function (e) {
      var g = e.target.closest(".bar");
      if (g) show(g, e.clientX, e.clientY); else hide();
    });
    bars.addEventListener("mouseleave", hide);
    bars.addEventListener("focusin", function (e) {
      var g = e.target.closest(".bar");
      if (!g) return;
      var r = g.getBoundingClientRect();
      show(g, r.left, r.top + r.height / 2);
    });
    bars.addEventListener("focusout", hide);
  }

  // Long task tables arrive as the text of a <noscript> (see html.rs):
  // parse them only when they are about to be seen, or before printing.
  document.querySelectorAll(".lazy").forEach(function (box) {
    function draw() {
      var raw = box.querySelector("noscript");
      if (!raw) return;
      var text = raw.textContent;
      box.textContent = "";
      box.insertAdjacentHTML("beforeend", text);
    }
    if ("IntersectionObserver" in window) {
      var seen = new IntersectionObserver(function (entries) {
        if (!entries.some(function (e) { return e.isIntersecting; })) return;
        seen.disconnect();
        // After the next frame, so the chart is on screen first.
        requestAnimationFrame(function () { setTimeout(draw, 0); });
      }, { rootMargin: "0px" });
      seen.observe(box);
    } else {
      draw();
    }
    window.addEventListener("beforeprint", draw);
  });

  var labels = Array.prototype.slice.call(document.querySelectorAll(".g-labels .lab"));
  if (!labels.length) return;
  var n = labels.length;
  var parent = labels.map(function (l) { return +l.getAttribute("data-p"); });
  // Labels and bars come in row order; only group stripes say their row.
  var barRows = Array.prototype.slice.call(document.querySelectorAll(".g-bars .bar"));
  var stripes = new Array(n);
  document.querySelectorAll(".stripes rect").forEach(function (s) { stripes[+s.getAttribute("data-i")] = s; });
  var arrows = Array.prototype.slice.call(document.querySelectorAll(".arrows path"));
  var folded = new Array(n).fill(false);

  function route(x1, y1, x2, y2) {
    var out = x1 + 8;
    if (x2 - 8 >= out) return "M" + x1 + " " + y1 + "H" + out + "V" + y2 + "H" + x2;
    var between = y2 > y1 ? y2 - ROW / 2 : y2 + ROW / 2;
    return "M" + x1 + " " + y1 + "H" + out + "V" + between + "H" + (x2 - 8) + "V" + y2 + "H" + x2;
  }
  function layout() {
    var visible = new Array(n), y = new Array(n), next = 0;
    for (var i = 0; i < n; i++) {
      var p = parent[i];
      visible[i] = p < 0 || (visible[p] && !folded[p]);
      y[i] = next * ROW;
      if (visible[i]) next++;
    }
    for (var j = 0; j < n; j++) {
      var dy = "translate(0," + (y[j] - j * ROW) + ")";
      [labels[j], barRows[j], stripes[j]].forEach(function (el) {
        if (!el) return;
        el.setAttribute("transform", dy);
        el.classList.toggle("hidden", !visible[j]);
      });
    }
    arrows.forEach(function (a) {
      var from = +a.getAttribute("data-a"), to = +a.getAttribute("data-b");
      var on = visible[from] && visible[to];
      a.classList.toggle("hidden", !on);
      if (on) a.setAttribute("d", route(+a.getAttribute("data-x1"), y[from] + ROW / 2, +a.getAttribute("data-x2"), y[to] + ROW / 2));
    });
    var h = Math.max(next, 1) * ROW;
    document.querySelectorAll(".g-labels, .g-bars").forEach(function (s) { s.setAttribute("height", h); });
  }
  // A label's row is its place in the list (labels carry no index).
  function toggle(lab, i) {
    folded[i] = !folded[i];
    lab.classList.toggle("folded", folded[i]);
    lab.setAttribute("aria-expanded", String(!folded[i]));
    layout();
  }
  labels.forEach(function (lab, i) {
    if (!lab.classList.contains("group")) return;
    lab.addEventListener("click", function () { toggle(lab, i); });
    lab.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); toggle(lab, i); }
    });
  });
})();
