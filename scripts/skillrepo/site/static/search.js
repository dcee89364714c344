/* Finds skills and attributes as you type, by code, name or any words of their texts, from the index built at
   release time.
   The index comes from search-index.js (pages opened from the file system cannot fetch a file); served over
   HTTP without it, search-index.json is fetched instead. Results are built with DOM text nodes only: no text
   from the data is ever parsed as HTML. */
(function () {
  "use strict";

  var form = document.getElementById("search");
  var input = document.getElementById("search-input");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  if (!form || !input || !list || !status) {
    return;
  }
  var entries = [];
  var MAX_RESULTS = 50;

  function lower(text) {
    return (text || "").toLowerCase();
  }

  /* A skill or an attribute (`kind`), its texts to search and quote, and where it sits (`where`). */
  function makeEntry(item, kind, where) {
    var fields = [{ label: "Description", text: item.description || "", anchor: "" }];
    if (item.guidance) {
      fields.push({ label: "Guidance", text: item.guidance, anchor: "#guidance" });
    }
    (item.levels || []).forEach(function (level) {
      fields.push({ label: "Level " + level.level, text: level.text, anchor: "#level-" + level.level });
    });
    var head = lower(item.code + " " + item.name);
    var all = [head, lower(where)].concat(fields.map(function (f) {
      return lower(f.text);
    }));
    return { item: item, kind: kind, where: where, fields: fields, head: head, text: all.join("\n") };
  }

  function prepare(index) {
    entries = (index.skills || []).map(function (skill) {
      return makeEntry(skill, "skill", skill.category + " \u203a " + skill.subcategory);
    }).concat((index.attributes || []).map(function (attribute) {
      return makeEntry(attribute, "attribute", attribute.type_label);
    }));
    if (input.value) {
      run();
    }
  }

  function words(query) {
    return lower(query).split(/\s+/).filter(function (w) { return w.length > 0; });
  }

  function score(entry, terms, query) {
    var code = lower(entry.item.code);
    var s = 0;
    if (code === query) { s += 1000; } else if (code.indexOf(query) === 0) { s += 500; }
    terms.forEach(function (t) {
      if (entry.head.indexOf(t) >= 0) { s += 100; }
    });
    if (entry.item.status !== "active") { s -= 1; }
    return s;
  }

  /* The field to quote: the one holding the query as typed, else the most of the words that the code and
     name do not hold. */
  function bestField(entry, terms, query) {
    var rest = terms.filter(function (t) { return entry.head.indexOf(t) < 0; });
    if (rest.length === 0) {
      return null;
    }
    var phrase = query.replace(/\s+/g, " ");
    var best = null;
    var bestCount = 0;
    entry.fields.forEach(function (f) {
      var text = lower(f.text).replace(/\s+/g, " ");
      var count = rest.filter(function (t) { return text.indexOf(t) >= 0; }).length;
      if (terms.length > 1 && text.indexOf(phrase) >= 0) { count += terms.length; }
      if (count > bestCount) { best = f; bestCount = count; }
    });
    return best ? { field: best, terms: rest } : null;
  }

  /* A short passage of `text` around the first of `terms`, with every term marked. */
  function snippet(text, terms) {
    var low = lower(text);
    var first = low.length;
    terms.forEach(function (t) {
      var i = low.indexOf(t);
      if (i >= 0 && i < first) { first = i; }
    });
    var start = Math.max(0, first - 60);
    var end = Math.min(text.length, first + 140);
    if (start > 0) { start = text.indexOf(" ", start) + 1 || start; }
    var part = text.slice(start, end).replace(/\s+/g, " ");
    var frag = document.createDocumentFragment();
    if (start > 0) { frag.appendChild(document.createTextNode("… ")); }
    var lowPart = lower(part);
    var pos = 0;
    while (pos < part.length) {
      var next = -1;
      var len = 0;
      terms.forEach(function (t) {
        var i = lowPart.indexOf(t, pos);
        if (i >= 0 && (next < 0 || i < next || (i === next && t.length > len))) { next = i; len = t.length; }
      });
      if (next < 0) {
        frag.appendChild(document.createTextNode(part.slice(pos)));
        break;
      }
      if (next > pos) { frag.appendChild(document.createTextNode(part.slice(pos, next))); }
      var mark = document.createElement("mark");
      mark.textContent = part.slice(next, next + len);
      frag.appendChild(mark);
      pos = next + len;
    }
    if (end < text.length) { frag.appendChild(document.createTextNode(" …")); }
    return frag;
  }

  function render(found, terms, query) {
    list.textContent = "";
    found.slice(0, MAX_RESULTS).forEach(function (entry) {
      var data = entry.item;
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = data.url;
      link.className = "result-link";
      var code = document.createElement("span");
      code.className = "code";
      code.textContent = data.code;
      link.appendChild(code);
      link.appendChild(document.createTextNode(" "));
      var name = document.createElement("span");
      name.className = "name";
      name.textContent = data.name;
      link.appendChild(name);
      item.appendChild(link);
      if (data.status !== "active") {
        var tag = document.createElement("span");
        tag.className = "tag tag-retired";
        tag.textContent = data.status;
        item.appendChild(document.createTextNode(" "));
        item.appendChild(tag);
      }
      var where = document.createElement("span");
      where.className = "result-where";
      where.textContent = entry.where;
      item.appendChild(where);
      var best = bestField(entry, terms, query);
      if (best) {
        var quote = document.createElement("p");
        quote.className = "result-snippet";
        var label = document.createElement("a");
        label.href = data.url + best.field.anchor;
        label.textContent = best.field.label;
        quote.appendChild(label);
        quote.appendChild(document.createTextNode(": "));
        quote.appendChild(snippet(best.field.text, best.terms));
        item.appendChild(quote);
      }
      list.appendChild(item);
    });
    list.hidden = found.length === 0;
  }

  /* "3 skills", "1 attribute", "2 skills and 1 attribute". */
  function counted(found) {
    var parts = [];
    [["skill", "skills"], ["attribute", "attributes"]].forEach(function (names) {
      var n = found.filter(function (e) { return e.kind === names[0]; }).length;
      if (n > 0) { parts.push(n + " " + (n === 1 ? names[0] : names[1])); }
    });
    return parts.join(" and ");
  }

  function run() {
    var query = lower(input.value).trim();
    var terms = words(query);
    if (terms.length === 0) {
      list.textContent = "";
      list.hidden = true;
      status.textContent = "";
      return;
    }
    var found = entries.filter(function (entry) {
      return terms.every(function (t) { return entry.text.indexOf(t) >= 0; });
    });
    found.sort(function (a, b) {
      var d = score(b, terms, query) - score(a, terms, query);
      if (d !== 0) { return d; }
      if (a.kind !== b.kind) { return a.kind === "skill" ? -1 : 1; }
      return a.item.code < b.item.code ? -1 : 1;
    });
    render(found, terms, query);
    if (found.length === 0) {
      status.textContent = "No skill or attribute matches \u201c" + input.value.trim() + "\u201d.";
    } else {
      status.textContent = counted(found) + (found.length === 1 ? " matches." : " match.") +
        (found.length > MAX_RESULTS ? " The first " + MAX_RESULTS + " are shown." : "");
    }
  }

  input.addEventListener("input", run);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var first = list.querySelector("a.result-link");
    if (first) {
      window.location.href = first.href;
    }
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && input.value) {
      input.value = "";
      run();
    }
  });

  var params = new URLSearchParams(window.location.search);
  if (params.get("q")) {
    input.value = params.get("q");
  }
  if (window.SKILLREPO_SEARCH_INDEX) {
    prepare(window.SKILLREPO_SEARCH_INDEX);
  } else if (window.fetch && window.location.protocol !== "file:") {
    fetch("search-index.json").then(function (r) { return r.json(); }).then(prepare).catch(function () {
      status.textContent = "The search index could not be loaded; every skill is listed below.";
    });
  } else {
    status.textContent = "The search index could not be loaded; every skill is listed below.";
  }
}());
