/** Escaping for the HTML report: every string from a summary goes through esc(). */
import { grouped } from "../grouped.js";
import { escapeControlInline } from "../terminal.js";

const ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * Text and attribute values: & < > " ' escaped, and control characters shown as \x1b, \u202e
 * (invisible in a page, they would still act on a terminal that prints the file, and bidi
 * overrides would reorder what the page shows).
 */
export function esc(value: string | number): string {
  return escapeControlInline(String(value)).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** 1,234,567 */
export function num(n: number): string {
  return grouped(n);
}
