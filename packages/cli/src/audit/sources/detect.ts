/**
 * Format auto-detection: look at the first non-empty lines of the head and pick the format that
 * recognises most of them (ties go to the earlier format in DETECTION_ORDER). HAR is recognised
 * by its opening `{"log":`. `--input-format` (OpenOptions.inputFormat) skips all of this.
 */
import type { SourceFormat } from "../exchange.js";
import type { LineFormat } from "../source.js";

/** How many non-empty lines detection looks at. */
export const DETECTION_LINES = 20;

/** Lines of the head to try formats on: non-empty, at most DETECTION_LINES, whole lines only. */
export function sampleLines(head: string, complete: boolean): string[] {
  const text = head.charCodeAt(0) === 0xfeff ? head.slice(1) : head;
  const parts = text.split("\n");
  // The last part was cut by the head's size unless the head is the whole input.
  if (!complete && parts.length > 1) parts.pop();
  const out: string[] = [];
  for (const p of parts) {
    const line = p.endsWith("\r") ? p.slice(0, -1) : p;
    if (line.trim().length === 0) continue;
    out.push(line);
    if (out.length === DETECTION_LINES) break;
  }
  return out;
}

/** True when the text opens a HAR document: `{` then the member "log" holding an object. */
export function looksLikeHar(head: string): boolean {
  return /^\uFEFF?\s*\{\s*"log"\s*:\s*\{/.test(head.slice(0, 4096));
}

/** True when the text opens a HARP document (HAR Viewer's JSONP form): `onInputData({"log": {`. */
export function looksLikeHarp(head: string): boolean {
  return /^\uFEFF?\s*[A-Za-z_$][\w$.]{0,63}\s*\(\s*\{\s*"log"\s*:\s*\{/.test(head.slice(0, 4096));
}

/**
 * The best line format for the sample: the one recognising the most lines, at least half of
 * them; ties go to the earlier candidate. Undefined when none does.
 */
export function pickLineFormat(
  lines: readonly string[],
  candidates: readonly LineFormat[],
): LineFormat | undefined {
  let best: LineFormat | undefined;
  let bestScore = 0;
  for (const f of candidates) {
    let score = 0;
    for (const l of lines) if (f.detect(l)) score++;
    if (score > bestScore) {
      best = f;
      bestScore = score;
    }
  }
  return best !== undefined && bestScore * 2 >= lines.length ? best : undefined;
}

export type { SourceFormat };
