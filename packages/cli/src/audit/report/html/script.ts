/**
 * The report's only script, inline: filter, sort and expand the findings table. It reads data-*
 * attributes the server wrote; it fetches nothing and evaluates nothing.
 */
export const SCRIPT = `(() => {
"use strict";
const table = document.getElementById("findings-table");
const form = document.getElementById("filters");
if (!table || !form) return;
const body = table.tBodies[0];
const pairs = Array.from(body.querySelectorAll("tr.finding")).map((row) => [row, row.nextElementSibling]);
const shown = document.getElementById("shown");
const fields = ["severity", "rule", "endpoint", "class"];
function apply() {
  const data = new FormData(form);
  const q = String(data.get("q") || "").trim().toLowerCase();
  let n = 0;
  for (const [row, detail] of pairs) {
    let ok = fields.every((f) => { const v = String(data.get(f) || ""); return v === "" || row.dataset[f] === v; });
    if (ok && q !== "") ok = (row.textContent + " " + detail.textContent).toLowerCase().includes(q);
    row.hidden = !ok;
    detail.hidden = !ok || !row.classList.contains("open");
    if (ok) n++;
  }
  shown.textContent = n.toLocaleString("en-US") + " of " + pairs.length.toLocaleString("en-US") + " shown";
}
form.addEventListener("input", apply);
form.addEventListener("submit", (e) => e.preventDefault());
function toggle(row) {
  const open = !row.classList.contains("open");
  row.classList.toggle("open", open);
  row.nextElementSibling.hidden = !open;
  row.querySelector("button.expand").setAttribute("aria-expanded", String(open));
}
body.addEventListener("click", (e) => {
  const row = e.target.closest("tr.finding");
  if (row && !e.target.closest("a")) toggle(row);
});
for (const btn of table.querySelectorAll("button.sort")) {
  btn.addEventListener("click", () => {
    const th = btn.closest("th");
    const key = btn.dataset.key;
    const dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
    for (const other of table.querySelectorAll("thead th")) other.removeAttribute("aria-sort");
    th.setAttribute("aria-sort", dir);
    const sign = dir === "ascending" ? 1 : -1;
    const cmp = (x, y) => (x < y ? -1 : x > y ? 1 : 0);
    pairs.sort(([a], [b]) => sign * cmp(a.dataset[key] || "", b.dataset[key] || "") || cmp(a.dataset.loc, b.dataset.loc));
    for (const [row, detail] of pairs) body.append(row, detail);
  });
}
})();`;
