/** Escaping for the HTML report: every string from a summary goes through esc(). */
const ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Text and attribute values: & < > " ' escaped. */
export function esc(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** 1,234,567 */
export function num(n: number): string {
  return n.toLocaleString("en-US");
}
