// planocr review: the queue and the document view over the JSON API (docs/review.md). Plain JavaScript,
// no build step. The token is read once from the page (the server put it there for this tab) and kept in
// memory; every request sends it in the X-Planocr-Token header.
"use strict";

const TOKEN = document.querySelector('meta[name="planocr-token"]').content;
const $ = (sel) => document.querySelector(sel);

const state = {
  queue: null, // {documents, progress}
  visible: [], // queue rows after filters, in order
  selectedRow: 0,
  doc: null, // GET /api/documents/<name> payload
  page: 1,
  item: -1, // index into doc.items
  field: -1, // index into doc.fields
  focus: null, // "item" | "field" | "word"
  word: null, // {page, word} when a word was clicked
  highlight: null, // {page, first, last} of the selected field
  zoom: 1,
  editing: null, // what the editor edits
};

// --- API ----------------------------------------------------------------------------------------------

async function api(path, options = {}) {
  const headers = Object.assign({ "X-Planocr-Token": TOKEN }, options.headers || {});
  const response = await fetch(path, Object.assign({}, options, { headers, credentials: "same-origin" }));
  let body = null;
  try {
    body = await response.json();
  } catch (err) {
    body = { error: response.statusText };
  }
  if (!response.ok) {
    const error = new Error(body.error || response.statusText);
    error.status = response.status;
    error.body = body;
    throw error;
  }
  return body;
}

const docPath = (name) => "/api/documents/" + encodeURIComponent(name);

async function loadQueue() {
  state.queue = await api("/api/documents");
  renderProgress();
}

async function sendEdit(edit) {
  const doc = state.doc;
  try {
    const result = await api(docPath(doc.name) + "/edits", {
      method: "POST",
      headers: { "Content-Type": "application/json", "If-Match": '"' + doc.version + '"' },
      body: JSON.stringify(edit),
    });
    state.doc = result.document;
    toast(result.entries.length ? "saved: " + result.entries.map((e) => e.what).join(", ") : "no change");
    state.queue = null; // counts changed
    loadQueue().catch(() => {});
    renderDoc();
    return true;
  } catch (err) {
    if (err.status === 409) {
      toast("the record changed in another tab: reloaded it; make the change again", true);
      await openDoc(doc.name, true);
    } else {
      toast(err.message, true);
    }
    return false;
  }
}

// --- routing ------------------------------------------------------------------------------------------

async function route() {
  const hash = decodeURIComponent(location.hash.slice(1));
  hideEditor();
  if (hash.startsWith("doc/")) {
    await openDoc(hash.slice(4));
  } else {
    await showQueue();
  }
}

function show(view) {
  $("#queue-view").hidden = view !== "queue";
  $("#doc-view").hidden = view !== "doc";
}

// --- queue --------------------------------------------------------------------------------------------

async function showQueue() {
  show("queue");
  $("#doc-title").textContent = "";
  state.doc = null;
  try {
    await loadQueue();
  } catch (err) {
    toast(err.message, true);
    return;
  }
  renderQueue();
}

function filtered() {
  const status = $("#f-status").value;
  const search = $("#f-search").value.trim().toLowerCase();
  return state.queue.documents.filter((row) => {
    if (status === "todo" && row.reviewed) return false;
    if (status === "reviewed" && !row.reviewed) return false;
    if ($("#f-warnings").checked && !(row.warnings || []).length) return false;
    if ($("#f-missing").checked && !(row.missing || []).length) return false;
    if ($("#f-low").checked && !row.low_confidence) return false;
    if ($("#f-corrections").checked && !row.corrections) return false;
    if (search) {
      const hay = [row.name, row.title, row.number, row.issuer, row.file].join(" ").toLowerCase();
      if (!hay.includes(search)) return false;
    }
    return true;
  });
}

function renderQueue() {
  state.visible = filtered();
  state.selectedRow = Math.min(state.selectedRow, Math.max(0, state.visible.length - 1));
  const body = $("#queue tbody");
  body.replaceChildren();
  state.visible.forEach((row, i) => {
    const tr = el("tr", { "data-name": row.name });
    tr.append(
      el("td", {}, String(i + 1)),
      el("td", {}, row.name),
      el("td", {}, row.number || "—"),
      el("td", {}, row.date || "—"),
      el("td", { class: "title", title: row.title || "" }, el("div", {}, row.title || row.error || "—")),
      needsCell(row),
      el("td", {}, tag(row.reviewed ? "reviewed" : row.changes ? row.changes + " change(s)" : "to review", row.reviewed ? "ok" : ""))
    );
    if (i === state.selectedRow) tr.classList.add("selected");
    tr.addEventListener("click", () => openRow(i));
    body.append(tr);
  });
  $("#queue-empty").hidden = state.visible.length > 0;
}

function needsCell(row) {
  const td = el("td", {});
  (row.missing_labels || []).forEach((label) => td.append(tag(label, "miss")));
  (row.notes || []).forEach((w) => td.append(tag(w, "warn")));
  if (row.low_confidence) td.append(tag(row.low_confidence + " low-confidence word(s)", ""));
  if (row.corrections) td.append(tag(row.corrections + " correction(s)", ""));
  return td;
}

function openRow(i) {
  const row = state.visible[i];
  if (row) location.hash = "doc/" + encodeURIComponent(row.name);
}

function moveRow(delta) {
  if (!state.visible.length) return;
  state.selectedRow = Math.max(0, Math.min(state.visible.length - 1, state.selectedRow + delta));
  renderQueue();
  const tr = $("#queue tbody tr.selected");
  if (tr) tr.scrollIntoView({ block: "nearest" });
}

function renderProgress() {
  const p = state.queue.progress;
  $("#progress").max = Math.max(1, p.total);
  $("#progress").value = p.reviewed;
  $("#progress-text").textContent = `${p.reviewed} reviewed / ${p.to_review} to review`;
}

// --- document -----------------------------------------------------------------------------------------

async function openDoc(name, keepPlace = false) {
  show("doc");
  try {
    const doc = await api(docPath(name));
    const same = state.doc && state.doc.name === name;
    state.doc = doc;
    if (!(same || keepPlace)) {
      state.page = doc.pages.length ? doc.pages[0].number : 1;
      state.item = -1;
      state.field = -1;
      state.focus = null;
      state.word = null;
      state.highlight = null;
    }
  } catch (err) {
    toast(err.message, true);
    location.hash = "queue";
    return;
  }
  if (!state.queue) loadQueue().then(renderDoc).catch(() => {});
  renderDoc();
}

function record() {
  return state.doc.record;
}

function pageRecord(number) {
  return record().pages.find((p) => p.number === number);
}

function wordClasses(pageNo) {
  const doc = state.doc;
  const classes = new Map();
  const add = (i, c) => classes.set(i, (classes.get(i) || []).concat(c));
  const page = pageRecord(pageNo);
  const edited = new Set();
  for (const e of record().review) {
    const m = /^word (\d+)\/(\d+)$/.exec(e.what);
    if (m && +m[1] === pageNo) edited.add(+m[2]);
  }
  page.words.forEach((w, i) => {
    if (edited.has(i)) add(i, "edited");
    else if (w.original !== null) add(i, "corr");
  });
  doc.items.forEach((item) => {
    if (item.kind === "word" && item.page === pageNo && !item.resolved) add(item.word, "low");
  });
  const h = state.highlight;
  if (h && h.page === pageNo) for (let i = h.first; i <= h.last; i++) add(i, "field");
  const cur = currentWord();
  if (cur && cur.page === pageNo) add(cur.word, "current");
  return classes;
}

function currentWord() {
  if (state.focus === "word" && state.word) return state.word;
  if (state.focus === "item") {
    const item = state.doc.items[state.item];
    if (item && item.word !== null && item.word !== undefined) return { page: item.page, word: item.word };
  }
  return null;
}

function renderDoc() {
  const doc = state.doc;
  if (!doc) return;
  const rec = record();
  $("#doc-title").textContent = doc.name + (rec.title ? " — " + rec.title : "");
  renderPage();
  renderCurrent();
  renderItems();
  renderFields();
  renderWarnings();
  renderHistory();
  const reviewed = $("#mark-reviewed");
  reviewed.textContent = rec.reviewed ? "✓ Reviewed (r: undo)" : "Mark reviewed";
  reviewed.classList.toggle("done", rec.reviewed);
  const names = queueNames();
  const at = names.indexOf(doc.name);
  $("#prev-doc").disabled = at <= 0;
  $("#next-doc").disabled = at < 0 || at >= names.length - 1;
}

function renderPage() {
  const doc = state.doc;
  const pageInfo = doc.pages.find((p) => p.number === state.page) || doc.pages[0];
  const holder = $("#page");
  holder.replaceChildren();
  holder.style.width = Math.round(100 * state.zoom) + "%";
  if (!pageInfo) return;
  const page = pageRecord(pageInfo.number);
  $("#page-label").textContent = `page ${pageInfo.number} / ${doc.pages.length}`;
  $("#prev-page").disabled = pageInfo.number <= doc.pages[0].number;
  $("#next-page").disabled = pageInfo.number >= doc.pages[doc.pages.length - 1].number;
  if (!pageInfo.size || !page.words.length) {
    // a page read from a PDF's text layer, or a text input: the image (when there is one) above its text
    if (pageInfo.image) {
      const img = el("img", { src: pageInfo.image, alt: "page " + pageInfo.number, class: "plain" });
      img.addEventListener("error", () => img.remove());
      holder.append(img);
    }
    holder.append(textPage(page));
    return;
  }
  const [width, height] = pageInfo.size;
  const svg = svgEl("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": "page " + pageInfo.number });
  if (pageInfo.image) {
    const image = svgEl("image", { href: pageInfo.image, x: 0, y: 0, width, height, preserveAspectRatio: "none" });
    image.addEventListener("error", () => image.replaceWith(noImage(width, height)));
    svg.append(image);
  } else {
    svg.append(noImage(width, height));
  }
  const classes = wordClasses(pageInfo.number);
  page.words.forEach((w, i) => {
    if (!w.box) return;
    const [x, y, bw, bh] = w.box;
    const rect = svgEl("rect", { x, y, width: bw, height: bh, class: ["w"].concat(classes.get(i) || []).join(" "), "data-word": i });
    const tip = svgEl("title", {});
    tip.textContent = (w.original ? w.original + " → " : "") + w.text + (w.confidence !== null ? ` (${Math.round(w.confidence * 100)}%)` : "");
    rect.append(tip);
    rect.addEventListener("click", () => selectWord(pageInfo.number, i));
    svg.append(rect);
  });
  holder.append(svg);
}

function noImage(width, height) {
  const g = svgEl("g", {});
  g.append(svgEl("rect", { x: 0, y: 0, width, height, class: "noimage" }));
  const t = svgEl("text", { x: 40, y: 80, class: "noimage-text" });
  t.textContent = "page image not available (source moved or changed)";
  g.append(t);
  return g;
}

function textPage(page) {
  // a text input (or a page without words): its lines, corrected words marked
  const pre = el("pre", {});
  const current = state.focus === "item" ? state.doc.items[state.item] : null;
  const corrections = record().corrections.filter((c) => (c.page || 1) === page.number);
  page.text.split("\n").forEach((line, i) => {
    const lineNo = i + 1;
    const marks = corrections.filter((c) => c.line === lineNo);
    if (!marks.length) {
      pre.append(line + "\n");
      return;
    }
    let rest = line;
    for (const c of marks) {
      const at = rest.indexOf(c.corrected);
      if (at < 0) continue;
      pre.append(rest.slice(0, at));
      const span = el("span", { class: "corr", title: c.original + " → " + c.corrected }, c.corrected);
      if (current && current.kind === "correction" && current.line === lineNo) span.classList.add("current");
      pre.append(span);
      rest = rest.slice(at + c.corrected.length);
    }
    pre.append(rest + "\n");
  });
  return pre;
}

function renderCurrent() {
  const body = $("#current-body");
  body.replaceChildren();
  const doc = state.doc;
  const open = doc.items.filter((i) => !i.resolved).length;
  $("#item-count").textContent = `${open} open of ${doc.items.length}`;
  let accept = false;
  let reject = false;
  let edit = false;
  if (state.focus === "item" && doc.items[state.item]) {
    const item = doc.items[state.item];
    body.append(el("div", { id: "item-kind" }, itemKindLabel(item) + (item.resolved ? " (done)" : "")));
    if (item.kind === "field") {
      body.append(fieldSummary(fieldRow(item.field)));
      edit = true;
    } else {
      body.append(wordSummary(item));
      accept = true;
      edit = item.word !== null && item.word !== undefined;
      reject = item.kind === "correction";
    }
  } else if (state.focus === "field" && doc.fields[state.field]) {
    const row = doc.fields[state.field];
    body.append(el("div", { id: "item-kind" }, "field " + row.field));
    body.append(fieldSummary(row));
    edit = row.kind !== "readonly";
  } else if (state.focus === "word" && state.word) {
    body.append(el("div", { id: "item-kind" }, `word ${state.word.page}/${state.word.word}`));
    body.append(wordSummary({ kind: "word", page: state.word.page, word: state.word.word }));
    accept = edit = true;
  } else {
    body.append(el("div", { class: "hint" }, "n: next uncertain item · j: next field · click a word"));
  }
  $("#accept").disabled = !accept;
  $("#reject").disabled = !reject;
  $("#edit").disabled = !edit;
}

function itemKindLabel(item) {
  if (item.kind === "field") return "missing field: " + item.field;
  if (item.kind === "correction") return `restoration correction, page ${item.page} line ${item.line}`;
  return `low-confidence word ${item.page}/${item.word}, line ${item.line}`;
}

function wordSummary(item) {
  const div = el("div", {});
  if (item.kind === "correction" && (item.word === null || item.word === undefined)) {
    const c = record().corrections[item.correction];
    div.append(el("div", { class: "big" }, c.original, el("span", { class: "arrow" }, "→"), c.corrected));
    return div;
  }
  const w = pageRecord(item.page).words[item.word];
  const big = el("div", { class: "big", id: "word-text" });
  if (w.original) big.append(el("span", { class: "before" }, w.original), el("span", { class: "arrow" }, "→"));
  big.append(el("b", {}, w.text));
  div.append(big);
  div.append(el("div", { class: "hint" }, `OCR confidence ${w.confidence === null ? "n/a" : Math.round(w.confidence * 100) + "%"} · line ${w.line}`));
  return div;
}

function fieldRow(path) {
  return state.doc.fields.find((f) => f.field === path);
}

function fieldSummary(row) {
  const div = el("div", { class: "big" });
  div.append(valueNode(row));
  return div;
}

function valueNode(row) {
  const v = row.value;
  if (v === null || v === undefined || (Array.isArray(v) && !v.length)) return el("span", { class: "missing" }, "—");
  if (row.kind === "list") {
    const ul = el("ul", {});
    v.forEach((x) => ul.append(el("li", {}, x)));
    return ul;
  }
  if (row.kind === "json" || row.kind === "readonly") return el("pre", {}, JSON.stringify(v, null, 1));
  return el("span", {}, String(v));
}

function renderItems() {
  const list = $("#items");
  list.replaceChildren();
  state.doc.items.forEach((item, i) => {
    const li = el("li", {}, (item.kind === "field" ? "⚑ " : item.kind === "correction" ? "↺ " : "? ") + item.label + (item.page ? ` (p${item.page})` : ""));
    if (item.resolved) li.classList.add("resolved");
    if (state.focus === "item" && i === state.item) li.classList.add("current");
    li.addEventListener("click", () => selectItem(i));
    list.append(li);
  });
}

function renderFields() {
  const dl = $("#fields");
  dl.replaceChildren();
  state.doc.fields.forEach((row, i) => {
    const dt = el("dt", { "data-field": row.field }, row.label);
    const dd = el("dd", { "data-field": row.field });
    dd.append(valueNode(row));
    if (row.set_by_person) dd.append(el("span", { class: "person" }, "✎ set by a person"));
    row.locations.slice(0, 3).forEach((loc) => {
      const a = el("span", { class: "loc", title: "show where it was read" }, "p" + loc.page + " ↗");
      a.addEventListener("click", (ev) => {
        ev.stopPropagation();
        showLocation(loc);
      });
      dd.append(a);
    });
    if (state.focus === "field" && i === state.field) {
      dt.classList.add("selected");
      dd.classList.add("selected");
    }
    const pick = () => selectField(i);
    dt.addEventListener("click", pick);
    dd.addEventListener("click", pick);
    dl.append(dt, dd);
  });
}

function renderWarnings() {
  const ul = $("#warnings");
  ul.replaceChildren();
  record().warnings.forEach((w) => ul.append(el("li", {}, w)));
  if (!record().warnings.length) ul.append(el("li", { class: "hint" }, "none"));
}

function renderHistory() {
  const ol = $("#history");
  ol.replaceChildren();
  const entries = record().review.slice().reverse();
  entries.forEach((e) => {
    const li = el("li", {});
    li.append(el("span", { class: "what" }, e.what), " ");
    if (e.before !== e.after) li.append(el("span", { class: "before" }, short(e.before)), " → ", el("span", { class: "after" }, short(e.after)));
    li.append(el("div", { class: "meta" }, `${e.who}, ${e.time}`));
    ol.append(li);
  });
  if (!entries.length) ol.append(el("li", { class: "hint" }, "no changes yet"));
}

function short(value) {
  if (value === null || value === undefined) return "∅";
  return value.length > 120 ? value.slice(0, 117) + "…" : value;
}

// --- selection ----------------------------------------------------------------------------------------

function selectItem(i) {
  const item = state.doc.items[i];
  if (!item) return;
  state.item = i;
  state.focus = "item";
  state.highlight = null;
  if (item.kind === "field") {
    const at = state.doc.fields.findIndex((f) => f.field === item.field);
    if (at >= 0) state.field = at;
  } else if (item.page) {
    state.page = item.page;
  }
  hideEditor();
  renderDoc();
  scrollToCurrent();
}

function nextItem(delta) {
  const items = state.doc.items;
  if (!items.length) return toast("nothing uncertain in this document");
  const open = items.map((it, i) => i).filter((i) => !items[i].resolved);
  const pool = open.length ? open : items.map((it, i) => i);
  const from = state.focus === "item" ? state.item : delta > 0 ? -1 : items.length;
  const ahead = delta > 0 ? pool.filter((i) => i > from) : pool.filter((i) => i < from).reverse();
  const target = ahead.length ? ahead[0] : delta > 0 ? pool[0] : pool[pool.length - 1];
  selectItem(target);
}

function selectField(i) {
  const row = state.doc.fields[i];
  if (!row) return;
  state.field = i;
  state.focus = "field";
  state.highlight = row.locations[0] || null;
  if (state.highlight) state.page = state.highlight.page;
  hideEditor();
  renderDoc();
  scrollToCurrent();
}

function nextField(delta) {
  const n = state.doc.fields.length;
  const from = state.focus === "field" ? state.field : delta > 0 ? -1 : n;
  selectField(Math.max(0, Math.min(n - 1, from + delta)));
}

function selectWord(page, word) {
  state.word = { page, word };
  state.focus = "word";
  state.highlight = null;
  hideEditor();
  renderDoc();
}

function showLocation(loc) {
  state.highlight = loc;
  state.page = loc.page;
  renderDoc();
  scrollToCurrent(true);
}

function scrollToCurrent(toHighlight = false) {
  let target = null;
  if (toHighlight || state.focus === "field") target = document.querySelector("#page rect.field");
  if (!target) target = document.querySelector("#page rect.current") || document.querySelector("#page pre .current");
  if (target) target.scrollIntoView({ block: "center", inline: "center" });
  const li = document.querySelector("#items li.current");
  if (li) li.scrollIntoView({ block: "nearest" });
  const dd = document.querySelector("#fields dd.selected");
  if (dd) dd.scrollIntoView({ block: "nearest" });
}

// --- actions ------------------------------------------------------------------------------------------

function target() {
  // what accept / edit act on: {type: "word"|"correction"|"field", ...}
  if (state.focus === "item") {
    const item = state.doc.items[state.item];
    if (!item) return null;
    if (item.kind === "field") return { type: "field", row: fieldRow(item.field) };
    if (item.kind === "correction") return { type: "correction", item };
    return { type: "word", page: item.page, word: item.word };
  }
  if (state.focus === "field") return { type: "field", row: state.doc.fields[state.field] };
  if (state.focus === "word" && state.word) return { type: "word", page: state.word.page, word: state.word.word };
  return null;
}

async function accept() {
  const t = target();
  if (!t) return;
  if (t.type === "correction") await sendEdit({ correction: t.item.correction, action: "accept" });
  else if (t.type === "word") await sendEdit({ page: t.page, word: t.word, accept: true });
  else return;
  advance();
}

async function reject() {
  const t = target();
  if (!t || t.type !== "correction") return;
  if (await sendEdit({ correction: t.item.correction, action: "reject" })) advance();
}

function advance() {
  if (state.focus === "item" && state.doc.items.some((i) => !i.resolved)) nextItem(+1);
}

function startEdit() {
  const t = target();
  if (!t) return;
  if (t.type === "correction") {
    if (t.item.word === null || t.item.word === undefined) return toast("this correction has no word box: accept or reject it");
    return openEditor({ type: "word", page: t.item.page, word: t.item.word });
  }
  openEditor(t);
}

function openEditor(t) {
  const input = $("#editor-input");
  const area = $("#editor-area");
  let value = "";
  let multi = false;
  if (t.type === "word") {
    value = pageRecord(t.page).words[t.word].text;
    $("#editor-label").textContent = `word ${t.page}/${t.word}`;
  } else {
    const row = t.row;
    if (!row || row.kind === "readonly") return toast("this field is read from the file; it cannot be edited");
    $("#editor-label").textContent = row.label;
    if (row.kind === "list") {
      multi = true;
      value = (row.value || []).join("\n");
    } else if (row.kind === "json") {
      multi = true;
      value = JSON.stringify(row.value || [], null, 1);
    } else {
      value = row.value === null ? "" : String(row.value);
    }
  }
  state.editing = t;
  $("#editor").hidden = false;
  input.hidden = multi;
  area.hidden = !multi;
  $("#editor-hint").textContent = multi ? "one item a line · Ctrl+Enter saves · Esc cancels" : "Enter saves · Esc cancels";
  const box = multi ? area : input;
  box.value = value;
  box.focus();
  box.select();
}

function hideEditor() {
  state.editing = null;
  $("#editor").hidden = true;
  if (document.activeElement && document.activeElement.closest && document.activeElement.closest("#editor")) document.activeElement.blur();
}

async function saveEditor() {
  const t = state.editing;
  if (!t) return;
  let edit;
  if (t.type === "word") {
    edit = { page: t.page, word: t.word, text: $("#editor-input").value };
  } else {
    const row = t.row;
    let value;
    if (row.kind === "list") value = $("#editor-area").value.split("\n").map((s) => s.trim()).filter(Boolean);
    else if (row.kind === "json") {
      try {
        value = JSON.parse($("#editor-area").value);
      } catch (err) {
        return toast("not valid JSON: " + err.message, true);
      }
    } else value = $("#editor-input").value;
    edit = { field: row.field, value };
  }
  hideEditor();
  await sendEdit(edit);
}

async function toggleReviewed() {
  if (await sendEdit({ reviewed: !record().reviewed })) {
    if (record().reviewed) toast("marked reviewed");
  }
}

function queueNames() {
  if (!state.queue) return [];
  const rows = state.visible.length ? state.visible : state.queue.documents;
  const names = rows.map((r) => r.name);
  if (state.doc && !names.includes(state.doc.name)) return state.queue.documents.map((r) => r.name);
  return names;
}

function otherDoc(delta) {
  const names = queueNames();
  const at = names.indexOf(state.doc.name);
  const next = names[at + delta];
  if (next !== undefined) location.hash = "doc/" + encodeURIComponent(next);
  else toast(delta > 0 ? "last document" : "first document");
}

function otherPage(delta) {
  const numbers = state.doc.pages.map((p) => p.number);
  const at = numbers.indexOf(state.page);
  if (numbers[at + delta] !== undefined) {
    state.page = numbers[at + delta];
    renderPage();
    $("#page-scroll").scrollTop = 0;
  }
}

function zoom(factor) {
  state.zoom = Math.max(0.5, Math.min(4, state.zoom * factor));
  renderPage();
}

// --- keyboard -----------------------------------------------------------------------------------------

function onKey(ev) {
  if (ev.ctrlKey && ev.key !== "Enter") return;
  if (ev.altKey || ev.metaKey) return;
  const inEditor = ev.target.closest && ev.target.closest("#editor");
  if (inEditor) {
    if (ev.key === "Escape") {
      ev.preventDefault();
      hideEditor();
    } else if (ev.key === "Enter" && (ev.target.id === "editor-input" || ev.ctrlKey)) {
      ev.preventDefault();
      saveEditor();
    }
    return;
  }
  if (ev.target.closest && ev.target.closest("#filters")) {
    if (ev.key === "Escape" || (ev.key === "Enter" && ev.target.id === "f-search")) {
      ev.preventDefault();
      ev.target.blur();
    }
    return;
  }
  if (ev.key === "?") return toggleHelp();
  if (!$("#queue-view").hidden) return queueKey(ev);
  if (!$("#doc-view").hidden && state.doc) return docKey(ev);
}

function queueKey(ev) {
  const keys = {
    j: () => moveRow(+1),
    ArrowDown: () => moveRow(+1),
    k: () => moveRow(-1),
    ArrowUp: () => moveRow(-1),
    Enter: () => openRow(state.selectedRow),
    o: () => openRow(state.selectedRow),
    "/": () => $("#f-search").focus(),
  };
  if (keys[ev.key]) {
    ev.preventDefault();
    keys[ev.key]();
  }
}

function docKey(ev) {
  const keys = {
    n: () => nextItem(+1),
    p: () => nextItem(-1),
    j: () => nextField(+1),
    k: () => nextField(-1),
    e: startEdit,
    Enter: startEdit,
    a: accept,
    x: reject,
    r: toggleReviewed,
    "]": () => otherDoc(+1),
    "[": () => otherDoc(-1),
    ".": () => otherPage(+1),
    ",": () => otherPage(-1),
    PageDown: () => otherPage(+1),
    PageUp: () => otherPage(-1),
    "+": () => zoom(1.25),
    "=": () => zoom(1.25),
    "-": () => zoom(0.8),
    u: () => (location.hash = "queue"),
    Escape: () => (location.hash = "queue"),
  };
  if (keys[ev.key]) {
    ev.preventDefault();
    keys[ev.key]();
  }
}

function toggleHelp() {
  $("#help").hidden = !$("#help").hidden;
}

// --- small helpers --------------------------------------------------------------------------------------

function el(name, attrs, ...children) {
  const node = document.createElement(name);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  for (const child of children) node.append(child);
  return node;
}

function svgEl(name, attrs) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", name);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  return node;
}

function tag(text, kind) {
  return el("span", { class: "tag " + (kind || "") }, text);
}

let toastTimer = null;
function toast(text, error = false) {
  const t = $("#toast");
  t.textContent = text;
  t.className = "show" + (error ? " error" : "");
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (t.className = ""), error ? 5000 : 2500);
}

// --- start --------------------------------------------------------------------------------------------

function start() {
  document.addEventListener("keydown", onKey);
  window.addEventListener("hashchange", route);
  for (const id of ["#f-status", "#f-warnings", "#f-missing", "#f-low", "#f-corrections"]) $(id).addEventListener("change", () => renderQueue());
  $("#f-search").addEventListener("input", () => renderQueue());
  $("#filters").addEventListener("submit", (ev) => ev.preventDefault());
  $("#editor").addEventListener("submit", (ev) => {
    ev.preventDefault();
    saveEditor();
  });
  $("#help-button").addEventListener("click", toggleHelp);
  $("#accept").addEventListener("click", accept);
  $("#reject").addEventListener("click", reject);
  $("#edit").addEventListener("click", startEdit);
  $("#mark-reviewed").addEventListener("click", toggleReviewed);
  $("#prev-doc").addEventListener("click", () => otherDoc(-1));
  $("#next-doc").addEventListener("click", () => otherDoc(+1));
  $("#prev-page").addEventListener("click", () => otherPage(-1));
  $("#next-page").addEventListener("click", () => otherPage(+1));
  $("#zoom-in").addEventListener("click", () => zoom(1.25));
  $("#zoom-out").addEventListener("click", () => zoom(0.8));
  route();
}

start();
