/* kg's query workbench: YASGUI over this server's /sparql, offline.
 *
 * - every canned query (/queries.json) is a tab, named after the query; a tab of a canned
 *   query shows the query's question and a field per parameter: "Run" asks the server to
 *   bind the values (/queries/NAME.rq?PARAM=VALUE, the same binding as `kg query`), puts
 *   the bound text in the editor and runs it;
 * - results: YASR's table and raw response, and a bar chart ("chart" below) for a result
 *   with a label column and a numeric column; downloads of the current query as CSV / JSON;
 * - IRIs of units, groups and tasks link to their page on this server (/unit/…, /task/…),
 *   other IRIs of the graph to a DESCRIBE of them: no link leaves the machine;
 * - nothing is fetched from elsewhere: LOV autocompletion is off, the endpoint catalogue
 *   holds this server only.
 * window.kgWorkbench holds the state a test reads (ready, queries, lastRows).
 */
(function () {
  "use strict";
  var root = document.getElementById("yasgui");
  var ID_NS = root.getAttribute("data-id-ns");
  var PREFIXES = JSON.parse(root.getAttribute("data-prefixes"));
  var ENDPOINT = window.location.origin + "/sparql";
  var LOCAL = /^(?:([^/]+)\/(unit|group)\/([^/]+)|doc\/([^/]+)\/task\/([^/]+))$/;
  var state = { ready: false, queries: {}, lastRows: null, error: null };
  window.kgWorkbench = state;

  /* The page of an IRI of the graph on this server (kg.serve.entities.local_path). */
  function localHref(iri) {
    if (iri.indexOf(ID_NS) !== 0) { return null; }
    var m = LOCAL.exec(iri.slice(ID_NS.length));
    if (m) { return m[2] ? "/" + m[2] + "/" + m[1] + "/" + m[3] : "/task/" + m[4] + "/" + m[5]; }
    return "/sparql?format=html&query=" + encodeURIComponent("DESCRIBE <" + iri + ">");
  }
  state.localHref = localHref;

  function rewriteLinks(el) {
    var links = el.querySelectorAll("a[href^='" + ID_NS + "']");
    for (var i = 0; i < links.length; i++) {
      var href = localHref(links[i].getAttribute("href"));
      if (href) { links[i].setAttribute("href", href); }  // YASR opens it in a new window
    }
  }

  /* ---- a bar chart: the first column of text against the first numeric column ---- */
  var NUMERIC = /#(integer|decimal|double|float|int|long|short|nonNegativeInteger|positiveInteger)$/;
  function chartColumns(results) {
    var vars = results.getVariables(), rows = results.getBindings() || [];
    if (!rows.length || vars.length < 2) { return null; }
    var value = null, label = null;
    vars.forEach(function (v) {
      var b = rows[0][v];
      if (!b) { return; }
      if (value === null && b.type === "literal" && NUMERIC.test(b.datatype || "")) { value = v; }
      else if (label === null && !(b.type === "literal" && NUMERIC.test(b.datatype || ""))) { label = v; }
    });
    return value && label ? { label: label, value: value, rows: rows } : null;
  }
  function KgChart(yasr) { this.yasr = yasr; this.priority = 5; this.label = "Chart"; }
  KgChart.prototype.canHandleResults = function () {
    var r = this.yasr.results;
    return !!(r && r.getVariables && r.getBindings && r.getBindings() && chartColumns(r));
  };
  KgChart.prototype.getIcon = function () {
    var s = document.createElement("span"); s.textContent = "▇"; return s;
  };
  KgChart.prototype.draw = function () {
    var cols = chartColumns(this.yasr.results), box = document.createElement("div");
    box.className = "kg-chart";
    var shown = cols.rows.slice(0, 50), max = 0;
    shown.forEach(function (r) { max = Math.max(max, Number(r[cols.value] ? r[cols.value].value : 0)); });
    shown.forEach(function (r) {
      var n = Number(r[cols.value] ? r[cols.value].value : 0), row = document.createElement("div");
      row.className = "row";
      var label = document.createElement("span"), bar = document.createElement("span"), value = document.createElement("span");
      label.className = "label"; bar.className = "bar"; value.className = "value";
      label.textContent = r[cols.label] ? r[cols.label].value : "";
      label.title = label.textContent;
      bar.style.width = (max > 0 ? Math.round(400 * n / max) : 0) + "px";
      value.textContent = String(n);
      row.appendChild(label); row.appendChild(bar); row.appendChild(value);
      box.appendChild(row);
    });
    if (cols.rows.length > shown.length) {
      var more = document.createElement("p");
      more.textContent = "前 " + shown.length + " 行 / first " + shown.length + " of " + cols.rows.length + " rows";
      box.appendChild(more);
    }
    this.yasr.resultsEl.appendChild(box);
  };
  Yasgui.Yasr.registerPlugin("chart", KgChart);
  Yasgui.Yasqe.defaults.value = root.getAttribute("data-default-query");  // a new tab's query

  var yasgui = new Yasgui(root, {
    requestConfig: { endpoint: ENDPOINT, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: ENDPOINT }]; } },
    persistenceId: "kg-workbench",
    yasqe: { autocompleters: ["prefixes", "variables"] },
    yasr: { prefixes: PREFIXES, pluginOrder: ["table", "chart", "response"] }
  });
  state.yasgui = yasgui;

  /* ---- the parameter panel of the current tab ---- */
  var panel = document.getElementById("kg-params");
  var fields = panel.querySelector(".fields"), question = panel.querySelector(".question");
  var errorEl = panel.querySelector(".err"), runButton = panel.querySelector("button");
  // the download links always take the editor's current text
  panel.querySelectorAll(".downloads a").forEach(function (a) { a.addEventListener("click", updateDownloads); });

  function currentTab() { return yasgui.getTab(); }
  function canned(tab) { return tab ? state.queries[tab.getName()] : undefined; }

  function showPanel() {
    var q = canned(currentTab());
    fields.textContent = "";
    errorEl.hidden = true;
    panel.hidden = false;
    runButton.hidden = !q;
    question.textContent = q ? q.name + ": " + q.question : "";
    updateDownloads();
    if (!q) { return; }
    Object.keys(q.params).forEach(function (name) {
      var label = document.createElement("label"), input = document.createElement("input");
      input.name = name;
      input.value = q.params[name].replace(/^<(.*)>$/, "$1");
      input.setAttribute("data-param", name);
      label.appendChild(document.createTextNode(name + " "));
      label.appendChild(input);
      if (q.param_help[name]) {
        var help = document.createElement("span"); help.className = "help"; help.textContent = " " + q.param_help[name];
        label.appendChild(help);
      }
      fields.appendChild(label);
    });
  }

  function updateDownloads() {
    var tab = currentTab();
    if (!tab) { return; }
    var text = tab.getYasqe().getValue();
    panel.querySelector("a.csv").href = "/sparql?format=csv&query=" + encodeURIComponent(text);
    panel.querySelector("a.json").href = "/sparql?format=json&query=" + encodeURIComponent(text);
  }

  function runWithParams(event) {
    event.preventDefault();
    var tab = currentTab(), q = canned(tab);
    if (!q) { return; }
    var params = new URLSearchParams();
    fields.querySelectorAll("input").forEach(function (input) { params.append(input.name, input.value); });
    fetch("/queries/" + encodeURIComponent(q.name) + ".rq?" + params.toString())
      .then(function (resp) {
        return resp.text().then(function (text) {
          if (!resp.ok) { throw new Error(text.trim()); }
          return text;
        });
      })
      .then(function (text) {
        errorEl.hidden = true;
        tab.getYasqe().setValue(text);
        updateDownloads();
        return tab.query();
      })
      .catch(function (err) { errorEl.textContent = "Error: " + err.message; errorEl.hidden = false; });
  }
  panel.querySelector("form").addEventListener("submit", runWithParams);

  yasgui.on("tabSelect", function () { window.setTimeout(showPanel, 0); });
  yasgui.on("queryResponse", function (instance, tab) {
    // YASGUI tells before it hands the response to YASR: read the results just after
    window.setTimeout(function () {
      var yasr = tab.getYasr(), bindings = yasr.results && yasr.results.getBindings ? yasr.results.getBindings() : null;
      state.lastRows = bindings ? bindings.length : -1;
      updateDownloads();
    }, 0);
  });
  new MutationObserver(function () { rewriteLinks(root); }).observe(root, { childList: true, subtree: true });

  /* ---- the canned queries as tabs (once: a tab the user edited is kept as it is) ---- */
  fetch("/queries.json").then(function (resp) { return resp.json(); }).then(function (list) {
    var open = {};
    yasgui.persistentConfig.getTabs().forEach(function (id) {
      var t = yasgui.persistentConfig.getTab(id);
      if (t) { open[t.name] = id; }
    });
    list.forEach(function (q) {
      state.queries[q.name] = q;
      if (!open[q.name]) {
        yasgui.addTab(false, { name: q.name, yasqe: { value: q.query }, requestConfig: { endpoint: ENDPOINT } });
      }
    });
    showPanel();
    state.ready = true;
  }).catch(function (err) { state.error = String(err); });
}());
