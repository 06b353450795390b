// The review pages' behaviour: choosing a row shows its cells on the page image; keyboard
// shortcuts for the common moves. Plain DOM, no framework; everything a document says arrives
// as JSON data (never as markup) and is put into the page with textContent/attributes only.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const VALUE_COLUMN = { e: "actual_raw", t: "target_raw", u: "actual_unit", l: "level1", L: "level2" };

function typing(event) {
  const el = event.target;
  return el.isContentEditable || ["INPUT", "SELECT", "TEXTAREA"].includes(el.tagName);
}

function helpDialog() {
  const dialog = document.getElementById("help");
  if (dialog && !dialog.open) dialog.showModal();
}

// --- the queue -------------------------------------------------------------------------------

function setUpQueue() {
  const entries = Array.from(document.querySelectorAll("tr.entry"));
  entries.forEach((tr) => tr.addEventListener("click", (event) => {
    if (tr.dataset.href && event.target.tagName !== "A") window.location = tr.dataset.href;
  }));
  let at = -1;
  const focus = (i) => { at = Math.max(0, Math.min(entries.length - 1, i)); entries[at]?.focus(); };
  document.addEventListener("keydown", (event) => {
    if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "j" || event.key === "ArrowDown") { focus(at + 1); event.preventDefault(); }
    else if (event.key === "k" || event.key === "ArrowUp") { focus(at - 1); event.preventDefault(); }
    else if (event.key === "Enter" && entries[at]?.dataset.href) window.location = entries[at].dataset.href;
    else if (event.key === "f") { document.querySelector("#filters select")?.focus(); event.preventDefault(); }
    else if (event.key === "?") helpDialog();
  });
}

// --- a document --------------------------------------------------------------------------------

function setUpDocument() {
  const data = JSON.parse(document.getElementById("review-data").textContent);
  const rows = Array.from(document.querySelectorAll("tr.row"));
  const image = document.getElementById("page-image");
  const svg = document.getElementById("boxes");
  const state = { page: data.page, selected: data.selected, field: null };

  function drawBoxes() {
    if (!svg) return;
    const size = data.sizes[state.page - 1];
    svg.setAttribute("viewBox", `0 0 ${size[0]} ${size[1]}`);
    svg.replaceChildren();
    // a merged cell read into many rows is drawn once (as the selected row's when it is one of them)
    const drawn = new Map();
    for (const cell of data.cells) {
      if (cell.page !== state.page || !cell.box) continue;
      const at = `${cell.column}|${cell.box.join(",")}`;
      if (!drawn.has(at) || cell.key === state.selected) drawn.set(at, cell);
    }
    for (const cell of drawn.values()) {
      const [x0, top, x1, bottom] = cell.box;
      const rect = document.createElementNS(SVG, "rect");
      const level = cell.column === "level1" || cell.column === "level2" ? " level" : "";
      rect.setAttribute("class", `cell ${cell.state}${level}${cell.key === state.selected ? " selected" : ""}`);
      rect.dataset.key = cell.key;
      for (const [name, value] of [["x", x0], ["y", top], ["width", x1 - x0], ["height", bottom - top]]) {
        rect.setAttribute(name, value);
      }
      const title = document.createElementNS(SVG, "title");
      title.textContent = `${cell.column}: ${cell.text}`;
      rect.appendChild(title);
      svg.appendChild(rect);
    }
    const field = state.field;
    if (field && field.page === state.page && field.box) {
      const [x0, top, x1, bottom] = field.box;
      const rect = document.createElementNS(SVG, "rect");
      rect.setAttribute("class", "field-box");
      for (const [name, value] of [["x", x0 - 1], ["y", top - 1], ["width", x1 - x0 + 2], ["height", bottom - top + 2]]) {
        rect.setAttribute(name, value);
      }
      svg.appendChild(rect);
    }
  }

  function showField(name) {
    const field = data.fields.find((f) => f.field === name && f.box);
    if (!field) return;
    state.field = field;
    if (field.page !== state.page) showPage(field.page);
    else drawBoxes();
    svg?.querySelector("rect.field-box")?.scrollIntoView({ block: "center" });
  }

  function showPage(page) {
    if (!image || page < 1 || page > data.sizes.length) return;
    state.page = page;
    const size = data.sizes[page - 1];
    image.src = `${data.pageUrl}${page}.png`;
    image.width = Math.round(size[0]);
    image.height = Math.round(size[1]);
    image.alt = `page ${page}`;
    document.getElementById("page-no").textContent = page;
    document.querySelectorAll("input.current-page").forEach((input) => { input.value = page; });
    document.querySelectorAll("input.current-page-field").forEach((input) => { input.value = page; });
    drawBoxes();
    remember();
  }

  function remember() {
    const query = new URLSearchParams({ page: state.page });
    if (state.selected) query.set("row", state.selected);
    history.replaceState(null, "", `${data.docUrl}?${query}${state.selected ? `#row-${state.selected}` : ""}`);
  }

  function fillValue() {
    const column = document.getElementById("edit-column");
    const value = document.getElementById("edit-value");
    const row = data.rows[state.selected];
    if (!column || !value || !row) return;
    value.value = row.values[column.value] ?? "";
    const lists = { level1: "level1-names", level2: "level2-names" };
    value.setAttribute("list", lists[column.value] || (column.value.endsWith("_unit") ? "unit-names"
      : column.value.endsWith("_op") ? "op-names" : ""));
  }

  function select(key, { scroll = true, turnPage = true } = {}) {
    const row = data.rows[key];
    if (!row) return;
    state.selected = key;
    rows.forEach((tr) => tr.classList.toggle("selected", tr.dataset.key === key));
    const tr = document.getElementById(`row-${key}`);
    if (scroll && tr) tr.scrollIntoView({ block: "nearest" });
    document.querySelectorAll("input.sel-table").forEach((input) => { input.value = row.table_no; });
    document.querySelectorAll("input.sel-row").forEach((input) => { input.value = row.row_no; });
    document.querySelectorAll("input.sel-key").forEach((input) => { input.value = key; });
    const label = document.getElementById("selected-label");
    if (label) label.textContent = `表${row.table_no} 第${row.row_no}行 ${row.values.indicator}`;
    fillValue();
    if (turnPage && row.pages.length && !row.pages.includes(state.page)) showPage(row.pages[0]);
    else { drawBoxes(); remember(); }
    const first = svg?.querySelector("rect.selected");
    if (first && scroll) first.scrollIntoView({ block: "nearest", inline: "nearest" });
  }

  function step(by) {
    const keys = rows.map((tr) => tr.dataset.key);
    const at = keys.indexOf(state.selected);
    const next = keys[Math.max(0, Math.min(keys.length - 1, at + by))];
    if (next) select(next);
  }

  function editColumn(column) {
    const select_ = document.getElementById("edit-column");
    if (!select_) return;
    select_.value = column;
    fillValue();
    const value = document.getElementById("edit-value");
    value.focus();
    value.select();
  }

  rows.forEach((tr) => tr.addEventListener("click", (event) => {
    if (event.target.tagName === "A") event.preventDefault();
    select(tr.dataset.key, { scroll: false });
  }));
  svg?.addEventListener("click", (event) => {
    const key = event.target.closest("rect")?.dataset.key;
    if (key) select(key, { turnPage: false });
  });
  document.getElementById("edit-column")?.addEventListener("change", fillValue);
  document.querySelectorAll("tr.field.located").forEach((tr) => tr.addEventListener("click", () => showField(tr.dataset.field)));
  document.getElementById("prev-page")?.addEventListener("click", (event) => { event.preventDefault(); showPage(state.page - 1); });
  document.getElementById("next-page")?.addEventListener("click", (event) => { event.preventDefault(); showPage(state.page + 1); });
  document.getElementById("not-indicator")?.addEventListener("submit", (event) => {
    if (!window.confirm("Mark this row as not an indicator? It leaves the dataset (the correction can be seen in its history).")) {
      event.preventDefault();
    }
  });

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && typing(event)) { event.target.blur(); return; }
    if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
    const actions = {
      j: () => step(1), ArrowDown: () => step(1), k: () => step(-1), ArrowUp: () => step(-1),
      n: () => showPage(state.page + 1), p: () => showPage(state.page - 1),
      x: () => document.getElementById("not-indicator")?.requestSubmit(),
      a: () => { const panel = document.getElementById("add-panel"); panel.open = true; document.getElementById("add-indicator").focus(); },
      r: () => document.getElementById("review-form")?.requestSubmit(),
      q: () => { window.location = "/"; },
      "?": helpDialog,
    };
    const action = actions[event.key] || (VALUE_COLUMN[event.key] && (() => editColumn(VALUE_COLUMN[event.key])));
    if (action) { event.preventDefault(); action(); }
  });

  if (state.selected) select(state.selected, { scroll: true, turnPage: false });
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("help-button")?.addEventListener("click", helpDialog);
  if (document.body.classList.contains("queue-page")) setUpQueue();
  if (document.body.classList.contains("document-page") && document.getElementById("review-data")) setUpDocument();
});
