// Live feedback on medicine lines, and saving as the patient goes. Progressive
// enhancement: without this file the server shows the same feedback after "Save",
// and every button saves.
(function () {
  "use strict";
  var form = document.querySelector("form.intake[data-recognize-url]");
  if (!form || !window.fetch) { return; }
  var url = form.getAttribute("data-recognize-url");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var lang = document.documentElement.lang === "es" ? "es" : "en";
  var words = {
    en: { seen: "We read this as:", unknown: "We did not recognise this. That is fine: your care team will check it.",
          kept: "Your answers are kept." },
    es: { seen: "Lo leemos como:", unknown: "No reconocimos esto. No pasa nada: su equipo de atención lo revisará.",
          kept: "Sus respuestas están guardadas." }
  }[lang];
  var timers = {};

  function show(out, data) {
    out.textContent = "";
    out.classList.toggle("unknown", !data.recognized);
    if (data.recognized) {
      out.appendChild(document.createTextNode(words.seen + " "));
      var strong = document.createElement("strong");
      strong.textContent = (data.names || data.ingredients).join(", ");
      out.appendChild(strong);
    } else {
      out.textContent = words.unknown;
    }
  }

  function check(input) {
    var out = form.querySelector('.recog[data-for="' + input.id + '"]');
    if (!out) { return; }
    var line = input.value.trim();
    if (!line) { out.textContent = ""; return; }
    fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ line: line })
    }).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data && input.value.trim() === line) { show(out, data); } })
      .catch(function () { /* the server shows it after saving */ });
  }

  // "Add another ..." adds an empty row in place (the button's no-JavaScript job is to save
  // and come back with one). Field names stay numbered (med_3, unsure_3), as the server counts them.
  function renumber(node, n) {
    ["id", "name", "for", "data-for"].forEach(function (attr) {
      node.querySelectorAll("[" + attr + "]").forEach(function (el) {
        el.setAttribute(attr, el.getAttribute(attr).replace(/_\d+$/, "_" + n));
      });
    });
  }
  form.querySelectorAll("button.add-row").forEach(function (button) {
    button.addEventListener("click", function (e) {
      var rows = document.getElementById(button.getAttribute("data-rows"));
      var last = rows && rows.lastElementChild;
      if (!last) { return; }
      e.preventDefault();
      var n = rows.children.length;
      var row = last.cloneNode(true);
      renumber(row, n);
      row.querySelectorAll("textarea, input[type=text]").forEach(function (el) { el.value = ""; });
      row.querySelectorAll("input[type=checkbox]").forEach(function (el) { el.checked = false; });
      row.querySelectorAll(".recog, .error").forEach(function (el) { el.textContent = ""; });
      row.querySelectorAll("label").forEach(function (el) {
        el.childNodes.forEach(function (t) {
          if (t.nodeType === 3) { t.textContent = t.textContent.replace(/\d+/, String(n + 1)); }
        });
      });
      rows.appendChild(row);
      var first = row.querySelector("textarea, input[type=text]");
      if (first) { first.focus(); }
    });
  });

  form.addEventListener("input", function (e) {
    var input = e.target;
    if (!input.name || input.name.indexOf("med_") !== 0) { return; }
    clearTimeout(timers[input.id]);
    timers[input.id] = setTimeout(function () { check(input); }, 400);
  });
  var saveTimer = null;
  var status = form.querySelector(".autosave");
  function autosave() {
    var data = new FormData(form);
    data.append("autosave", "1");
    fetch(window.location.href, { method: "POST", credentials: "same-origin", body: data,
                                  headers: { "X-CSRFToken": csrf } })
      .then(function (r) { if (r.status === 204 && status) { status.textContent = words.kept; } })
      .catch(function () { /* the buttons still save */ });
  }
  form.addEventListener("change", function (e) {
    if (e.target.name && e.target.name.indexOf("med_") === 0) { check(e.target); }
    clearTimeout(saveTimer);
    saveTimer = setTimeout(autosave, 1000);
  });
})();
