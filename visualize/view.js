/* kg view: draws the network from the JSON block, tooltips, search, details.
   All document text is put in the page with textContent, never as HTML. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var tips = {}, kinds = {}, search = {}, labels = {}, aliases = {}, numbers = {};
  var utypes = {}, secs = {}, docs = {}, ekinds = {};
  var SAFE_LINK = /^(unit|section|type|region)-[\p{L}\p{N}_-]+\.html$/u;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function clip(text, n) {
    text = String(text || "");
    return text.length > n ? text.slice(0, n - 1) + "…" : text;
  }

  // A tooltip or details card from the structured "tip" of a node.
  function card(tip, full) {
    var box = el("div", full ? "card full" : "card");
    if (tip.k) { box.appendChild(el("div", "card-kind", tip.k)); }
    if (tip.h) { box.appendChild(el("div", "card-head", tip.h)); }
    if (tip.s) { box.appendChild(el("div", "card-sub", tip.s)); }
    if (tip.flag) { box.appendChild(el("div", "card-flag", tip.flag)); }
    if (tip.note) { box.appendChild(el("div", "card-note", tip.note)); }
    if (tip.t) { box.appendChild(el("div", "card-text", full ? tip.t : clip(tip.t, 220))); }
    if (tip.rows && tip.rows.length) {
      var table = el("table", "card-rows");
      tip.rows.forEach(function (r) {
        var tr = el("tr");
        tr.appendChild(el("th", null, r[0]));
        tr.appendChild(el("td", null, full ? r[1] : clip(r[1], 80)));
        table.appendChild(tr);
      });
      box.appendChild(table);
    }
    [["items_h", "items"], ["items2_h", "items2"]].forEach(function (pair) {
      var items = tip[pair[1]] || [];
      if (!items.length) { return; }
      if (tip[pair[0]]) { box.appendChild(el("div", "card-list-head", tip[pair[0]])); }
      var ul = el("ul", "card-list");
      var shown = full ? items : items.slice(0, 6);
      shown.forEach(function (x) { ul.appendChild(el("li", null, full ? x : clip(x, 90))); });
      if (shown.length < items.length) { ul.appendChild(el("li", "muted", "… 共 " + items.length + " 项")); }
      box.appendChild(ul);
    });
    if (full && tip.link && SAFE_LINK.test(tip.link)) {
      var a = el("a", "card-link", tip.link_text || "打开");
      a.setAttribute("href", tip.link);
      box.appendChild(a);
    } else if (!full && (tip.link || tip.t)) {
      box.appendChild(el("div", "card-hint", "点击查看详情 · click for details"));
    }
    return box;
  }

  data.nodes.forEach(function (n) {
    tips[n.id] = n.tip; kinds[n.id] = n.kind; search[n.id] = n.search || n.label; labels[n.id] = n.label;
    aliases[n.id] = n.alias || []; numbers[n.id] = n.num;
    utypes[n.id] = n.utype; secs[n.id] = n.sec; docs[n.id] = n.doc;
    ["tip", "kind", "search", "mass_hint", "alias", "num", "utype", "sec", "doc"].forEach(function (k) { delete n[k]; });
    if (tips[n.id]) { n.title = card(tips[n.id], false); }
  });
  data.edges.forEach(function (e, i) { e.id = "e" + i; ekinds[e.id] = e.kind; delete e.kind; delete e.weight; });

  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var container = document.getElementById("network");
  var loading = document.getElementById("loading");
  window.kgNodeCount = 0;
  window.kgEdgeCount = 0;
  window.kgReady = false;
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  window.kgNetwork = network;

  network.once("afterDrawing", function () {
    window.kgFirstDraw = performance.now();
    window.kgNodeCount = network.body.data.nodes.length;
    window.kgEdgeCount = network.body.data.edges.length;
    window.kgDrawnNodes = network.body.nodeIndices.length;
    window.kgReady = true;
    if (loading && data.nodes.length) { loading.hidden = true; }
    document.body.setAttribute("data-drawn", String(window.kgNodeCount));
  });
  network.once("stabilizationIterationsDone", function () {
    // Settled: stop the simulation so the picture stays still.
    network.setOptions({ physics: { enabled: false } });
    window.kgStabilized = performance.now();
  });
  if (!data.physics || !data.nodes.length) { window.kgStabilized = 0; }
  if (!data.nodes.length && loading) {
    // nothing to draw: say so instead of an empty canvas
    loading.textContent = "此视图没有可显示的节点 (nothing to show: no tasks of a task plan)";
  }

  // ---- details and neighbourhood highlight ------------------------------------------
  var hiddenNodes = {}, hiddenEdges = {};
  var details = document.getElementById("kg-details");
  var detailsBody = document.getElementById("kg-details-body");
  var dimmed = false;

  function showDetails(id) {
    while (detailsBody.firstChild) { detailsBody.removeChild(detailsBody.firstChild); }
    if (id === null || !tips[id]) { details.hidden = true; return; }
    detailsBody.appendChild(card(tips[id], true));
    details.hidden = false;
  }

  function highlight(id) {
    var updates = [], eupdates = [];
    if (id === null) {
      if (!dimmed) { return; }
      nodes.forEach(function (n) { updates.push({ id: n.id, opacity: 1 }); });
      edges.forEach(function (e) { eupdates.push({ id: e.id, hidden: !!hiddenEdges[e.id] }); });
      dimmed = false;
    } else {
      var keep = {};
      keep[id] = true;
      network.getConnectedNodes(id).forEach(function (x) { keep[x] = true; });
      var keepEdges = {};
      network.getConnectedEdges(id).forEach(function (x) { keepEdges[x] = true; });
      nodes.forEach(function (n) { updates.push({ id: n.id, opacity: keep[n.id] ? 1 : 0.18 }); });
      edges.forEach(function (e) { eupdates.push({ id: e.id, hidden: !keepEdges[e.id] || !!hiddenEdges[e.id] }); });
      dimmed = true;
    }
    nodes.update(updates);
    edges.update(eupdates);
  }

  function select(id, zoom) {
    network.selectNodes([id]);
    highlight(id);
    showDetails(id);
    if (zoom) {
      network.focus(id, { scale: Math.max(network.getScale(), 1.1), animation: { duration: 400, easingFunction: "easeInOutQuad" } });
    }
  }

  network.on("click", function (p) {
    if (p.nodes.length) { select(p.nodes[0], false); }
    else { network.unselectAll(); highlight(null); showDetails(null); }
  });

  // ---- search -------------------------------------------------------------------------
  var input = document.getElementById("kg-search");
  var msg = document.getElementById("kg-search-msg");
  var list = document.getElementById("kg-search-list");
  var order = { unit: 0, group: 1, task: 2, project: 3, indicator: 4 };
  var ids = Object.keys(labels).sort(function (a, b) {
    return (order[kinds[a]] || 9) - (order[kinds[b]] || 9);
  });
  ids.forEach(function (id) {
    if (kinds[id] === "unit" || kinds[id] === "group") {
      [labels[id]].concat(aliases[id]).forEach(function (name) {
        var o = document.createElement("option");
        o.value = name;
        list.appendChild(o);
      });
    }
  });

  // A task number as typed: "11", "第11项", "任务 1-1" all find task 11 / 1-1.
  function taskNumber(q) {
    var m = /^(?:任务\s*)?第?\s*([0-9０-９一二三四五六七八九十百（）()\-.、]+?)\s*[项条]?$/.exec(q);
    return m ? m[1].replace(/[０-９]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xFEE0); }) : null;
  }

  function find(q) {
    q = q.trim();
    if (!q) { return null; }
    var i, id, num = taskNumber(q);
    var tests = [
      function (x) { return String(labels[x]) === q && kinds[x] !== "task"; },
      function (x) { return aliases[x].indexOf(q) >= 0; },
      function (x) { return num !== null && kinds[x] === "task" && String(numbers[x]) === num; },
      function (x) { return (kinds[x] === "unit" || kinds[x] === "group") && String(labels[x]).indexOf(q) >= 0; },
      function (x) { return aliases[x].some(function (a) { return a.indexOf(q) >= 0; }); },
      function (x) { return String(search[x]).indexOf(q) >= 0; }
    ];
    for (var k = 0; k < tests.length; k++) {
      for (i = 0; i < ids.length; i++) { id = ids[i]; if (!hiddenNodes[id] && tests[k](id)) { return id; } }
    }
    return null;
  }

  // Not drawn in this view: the build's index (search-index.js) may know it.
  function elsewhere(q) {
    var index = window.kgIndex || { units: [], tasks: [] }, num = taskNumber(q), i, u;
    var tests = [
      function (x) { return x[0] === q || x[1].indexOf(q) >= 0; },
      function (x) { return x[0].indexOf(q) >= 0 || x[1].some(function (a) { return a.indexOf(q) >= 0; }); }
    ];
    for (var k = 0; k < tests.length; k++) {
      for (i = 0; i < index.units.length; i++) {
        u = index.units[i];
        if (tests[k](u)) { return { name: u[0], file: u[2], what: "单位" }; }
      }
    }
    if (num !== null) {
      for (i = 0; i < index.tasks.length; i++) {
        if (String(index.tasks[i][0]) === num) {
          return { name: "第 " + num + " 项" + (index.tasks[i][1] ? "（" + index.tasks[i][1] + "）" : ""), file: index.tasks[i][2], what: "任务" };
        }
      }
    }
    return null;
  }

  function go() {
    var q = input.value.trim(), id = find(input.value);
    while (msg.firstChild) { msg.removeChild(msg.firstChild); }
    if (id !== null) { select(id, true); return; }
    if (!q) { return; }
    var other = elsewhere(q);
    if (other === null) { msg.textContent = "未找到 “" + q + "” (not found)"; return; }
    msg.appendChild(document.createTextNode(other.what + " “" + other.name + "” 不在本视图中 (not drawn here)"));
    if (other.file && SAFE_LINK.test(other.file)) {
      var a = el("a", "card-link", other.what === "单位" ? "打开单位视图 Open its view" : "打开章节视图 Open its section");
      a.setAttribute("href", other.file);
      a.id = "kg-search-elsewhere";
      msg.appendChild(document.createTextNode(" "));
      msg.appendChild(a);
    }
  }
  input.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { ev.preventDefault(); go(); } });
  input.addEventListener("change", go);
  document.getElementById("kg-search-go").addEventListener("click", go);
  document.getElementById("kg-fit").addEventListener("click", function () {
    network.unselectAll(); highlight(null); showDetails(null);
    network.fit({ animation: { duration: 300, easingFunction: "easeInOutQuad" } });
  });
  window.kgSearch = function (q) { input.value = q; go(); return network.getSelectedNodes(); };

  // ---- filters: unit type, section, role, document ----------------------------------------
  var filters = data.filters || {};
  var choice = { type: "", section: "", role: "", document: "" };
  var ROLE_OF = { lead: "lead", co_lead: "co_lead", lead_via: "via", co_lead_via: "via" };
  var fmsg = document.getElementById("kg-filter-msg");

  function setUp(name, options) {
    var row = document.getElementById("kg-filter-" + name + "-row");
    var sel = document.getElementById("kg-filter-" + name);
    if (!options || !options.length) { row.hidden = true; return false; }
    options.forEach(function (o, i) {
      var opt = document.createElement("option");
      opt.value = Array.isArray(o) ? o[0] : String(i);
      opt.textContent = Array.isArray(o) ? o[1] : o;
      sel.appendChild(opt);
    });
    sel.addEventListener("change", function () { choice[name] = sel.value; applyFilters(); });
    return true;
  }

  function applyFilters() {
    var taskOk = {}, edgeOk = {}, nodeOk = {}, active = choice.type || choice.section || choice.role || choice.document;
    var hasTasks = false;
    nodes.forEach(function (n) {
      if (kinds[n.id] !== "task") { return; }
      hasTasks = true;
      taskOk[n.id] = (choice.section === "" || String(secs[n.id]) === choice.section) &&
                     (choice.document === "" || String(docs[n.id]) === choice.document);
    });
    nodes.forEach(function (n) {
      var k = kinds[n.id];
      if (k === "unit" || k === "group") { nodeOk[n.id] = choice.type === "" || utypes[n.id] === choice.type; }
      else if (k === "task") { nodeOk[n.id] = taskOk[n.id]; }
    });
    var linked = {};
    edges.forEach(function (e) {
      var role = ROLE_OF[ekinds[e.id]];
      var ok = nodeOk[e.from] !== false && nodeOk[e.to] !== false && (choice.role === "" || !role || role === choice.role);
      if (ok && ekinds[e.id] === "attach") { ok = taskOk[e.from] !== false && taskOk[e.to] !== false; }
      edgeOk[e.id] = ok;
      if (ok && ekinds[e.id] !== "attach") { linked[e.from] = true; linked[e.to] = true; }
      if (ok && ekinds[e.id] === "attach") { linked[kinds[e.from] === "task" ? e.to : e.from] = true; }
    });
    var updates = [], eupdates = [], shown = 0;
    hiddenNodes = {}; hiddenEdges = {};
    nodes.forEach(function (n) {
      var k = kinds[n.id], ok = nodeOk[n.id] !== false;
      // with a filter on, a unit or task shows only with a role it has within the filter,
      // an indicator or project only with a task shown; the unit of an ego view always shows
      if (ok && active && (hasTasks || choice.role) && !linked[n.id] && n.id !== data.focus) { ok = false; }
      if (!ok) { hiddenNodes[n.id] = true; } else { shown++; }
      updates.push({ id: n.id, hidden: !ok });
    });
    edges.forEach(function (e) {
      var ok = edgeOk[e.id] && !hiddenNodes[e.from] && !hiddenNodes[e.to];
      if (!ok) { hiddenEdges[e.id] = true; }
      eupdates.push({ id: e.id, hidden: !ok });
    });
    network.unselectAll(); dimmed = false; showDetails(null);
    nodes.update(updates);
    edges.update(eupdates);
    window.kgVisibleNodes = shown;
    fmsg.textContent = active ? "显示 " + shown + " / " + nodes.length + " 个节点 (shown)" : "";
  }

  var any = false;
  [["type", filters.types], ["section", filters.sections], ["role", filters.roles], ["document", filters.documents]].forEach(function (f) {
    if (setUp(f[0], f[1])) { any = true; }
  });
  document.getElementById("kg-filters").hidden = !any;
  window.kgVisibleNodes = nodes.length;
  window.kgFilter = function (name, value) {
    var sel = document.getElementById("kg-filter-" + name);
    sel.value = value;
    choice[name] = sel.value;
    applyFilters();
    return window.kgVisibleNodes;
  };

  // ---- an ego view's task table: a row finds its task in the network ---------------------
  var rows = document.querySelectorAll("#kg-task-table tr[data-node]");
  Array.prototype.forEach.call(rows, function (tr) {
    function pick() {
      var id = tr.getAttribute("data-node");
      if (!nodes.get(id) || hiddenNodes[id]) { return; }
      Array.prototype.forEach.call(rows, function (r) { r.classList.remove("current"); });
      tr.classList.add("current");
      select(id, true);
    }
    tr.addEventListener("click", pick);
    tr.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { pick(); } });
  });
})();
