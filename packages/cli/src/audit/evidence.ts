/**
 * Evidence for findings: the request line and short excerpts, redacted (redact.ts). Nothing
 * secret leaves an exchange through here: credentials in headers, query parameters and bodies
 * are masked.
 */
import type { Exchange, HeaderBag } from "./exchange.js";
import { redactHeaderValue, redactTarget, redactText } from "./redact.js";
import type { Evidence } from "./rule.js";

export { redactText } from "./redact.js";

/** Printable, single-line, at most `max` characters. */
export function clip(text: string, max = 160): string {
  // Control characters (escape sequences, CR/LF) never reach a terminal or a report line.
  let flat = "";
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    flat += c < 0x20 || c === 0x7f ? " " : text[i];
  }
  flat = flat.replace(/ {2,}/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** "GET /users/42?token=[redacted]" (the target clipped to 200 characters). */
export function requestLine(ex: Exchange): string {
  return `${ex.request.method} ${clip(redactTarget(ex.request.target), 200)}`;
}

/** A header line for evidence, the value masked when the header is secret. */
export function headerLine(headers: HeaderBag | undefined, name: string): string | undefined {
  const values = headers?.[name.toLowerCase()];
  if (values === undefined || values.length === 0) return undefined;
  return clip(`${name}: ${values.map((v) => redactHeaderValue(name, v)).join(", ")}`);
}

/** How far back from `index` an excerpt's redaction looks for a secret's context (bounded work). */
const REDACT_LOOKBACK = 4096;

/**
 * An excerpt of `text` around `index` (the 40 characters before it, then what follows), redacted
 * and clipped. The text is redacted before it is cut: cutting first could start the excerpt inside
 * a token, whose tail would then lack the context ("Authorization: Bearer", "api_key=") that marks
 * it as secret. So the part before `index` is redacted from the start of the line where the
 * excerpt begins (at most REDACT_LOOKBACK back; tokens never span lines), then cut.
 */
export function excerptAround(text: string, index: number, max = 160): string {
  const want = Math.max(0, index - 40);
  const lineStart = Math.max(
    Math.max(0, index - REDACT_LOOKBACK),
    text.lastIndexOf("\n", want - 1) + 1,
  );
  const before = redactText(text.slice(lineStart, index));
  const after = redactText(text.slice(index, index + max * 2));
  const head = before.length > 40 ? before.slice(before.length - 40) : before;
  const cut = lineStart > 0 || before.length > 40;
  return clip(`${cut ? "…" : ""}${head}${after}`, max);
}

/** The evidence of an exchange: request line, status and an optional (already redacted) excerpt. */
export function evidence(ex: Exchange, excerpt?: string): Evidence {
  const base = { request: requestLine(ex) };
  const withStatus = ex.response ? { ...base, status: ex.response.status } : base;
  return excerpt === undefined ? withStatus : { ...withStatus, excerpt };
}
