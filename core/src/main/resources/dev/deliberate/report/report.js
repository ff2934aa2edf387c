// The sample browser: filters over the embedded samples, rendered with text nodes only (model text is untrusted).
(function () {
  "use strict";
  var samples = JSON.parse(document.getElementById("samples-data").textContent);
  var anchors = {};
  JSON.parse(document.getElementById("spec-anchors").textContent).forEach(function (a) { anchors[a] = true; });
  var PAGE = 50;
  var shown = PAGE;
  var outcome = "";
  var selects = Array.prototype.slice.call(document.querySelectorAll("#filters select"));
  var list = document.getElementById("sample-list");
  var count = document.getElementById("sample-count");
  var more = document.getElementById("more");

  selects.forEach(function (select) {
    var field = select.getAttribute("data-field");
    var values = {};
    samples.forEach(function (s) { values[s[field]] = true; });
    Object.keys(values).sort().forEach(function (v) {
      var option = document.createElement("option");
      option.value = v;
      option.textContent = v;
      select.appendChild(option);
    });
    select.addEventListener("change", function () { shown = PAGE; render(); });
  });
  Array.prototype.forEach.call(document.querySelectorAll(".outcome button"), function (button) {
    button.addEventListener("click", function () {
      outcome = button.getAttribute("data-outcome");
      Array.prototype.forEach.call(document.querySelectorAll(".outcome button"), function (b) {
        b.classList.toggle("on", b === button);
      });
      shown = PAGE;
      render();
    });
  });
  more.addEventListener("click", function () { shown += PAGE; render(); });

  function matches(s) {
    for (var i = 0; i < selects.length; i++) {
      var want = selects[i].value;
      if (want !== "" && String(s[selects[i].getAttribute("data-field")]) !== want) { return false; }
    }
    return outcome === "" || s.outcome === outcome;
  }

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) { e.className = className; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  // A chain of thought with each #anchor turned into a link to the embedded spec (or a mark if it is not in it).
  function withCitations(text) {
    var box = el("div", "text");
    var pattern = /#([a-z0-9][a-z0-9-]*[a-z0-9])/g;
    var last = 0;
    var m;
    while ((m = pattern.exec(text)) !== null) {
      box.appendChild(document.createTextNode(text.slice(last, m.index)));
      var cite;
      if (anchors[m[1]]) {
        cite = el("a", "cite", m[0]);
        cite.href = "#spec-" + m[1];
      } else {
        cite = el("mark", "cite unknown", m[0]);
        cite.title = "not an anchor of the embedded spec";
      }
      box.appendChild(cite);
      last = m.index + m[0].length;
    }
    box.appendChild(document.createTextNode(text.slice(last)));
    return box;
  }

  function card(s) {
    var a = el("article", "sample " + s.outcome);
    var meta = el("div", "meta");
    [["model", s.model], ["suite", s.suite], ["category", s.category], ["attack", s.attack],
      ["expected", s.expected], ["verdict", s.verdict], ["outcome", s.outcome || "n/a"]].forEach(function (kv) {
      if (kv[1] !== undefined && kv[1] !== null) { meta.appendChild(el("span", null, kv[0] + ": " + kv[1])); }
    });
    a.appendChild(meta);
    a.appendChild(el("h4", null, "prompt"));
    a.appendChild(el("div", "text", s.prompt));
    if (s.request) {
      a.appendChild(el("h4", null, "underlying request"));
      a.appendChild(el("div", "text", s.request));
    }
    if (s.cot) {
      a.appendChild(el("h4", null, "chain of thought"));
      a.appendChild(withCitations(s.cot));
    }
    a.appendChild(el("h4", null, "answer"));
    a.appendChild(el("div", "text", s.answer));
    a.appendChild(el("h4", null, "grade (" + s.grader + ")"));
    var scores = el("div", "scores");
    Object.keys(s.scores).forEach(function (k) { scores.appendChild(el("span", null, k + ": " + s.scores[k])); });
    a.appendChild(scores);
    if (s.rationale) { a.appendChild(el("div", "text", s.rationale)); }
    return a;
  }

  function render() {
    var hits = samples.filter(matches);
    list.textContent = "";
    var fragment = document.createDocumentFragment();
    hits.slice(0, shown).forEach(function (s) { fragment.appendChild(card(s)); });
    list.appendChild(fragment);
    count.textContent = "Showing " + Math.min(shown, hits.length) + " of " + hits.length + " matching samples ("
      + samples.length + " in all).";
    more.hidden = hits.length <= shown;
  }

  render();
})();
