/**
 * The catalogue of line formats: which formats exist, in which order detection tries them, and
 * how options build each one.
 */
import type { SourceFormat } from "../exchange.js";
import type { LineFormat } from "../source.js";
import { clf, combined } from "./clf.js";

export interface LineFormatOptions {
  readonly logFormat?: string;
  readonly fieldMap?: Readonly<Record<string, string>>;
}

/** Formats tried by auto-detection, in order (HAR first, then line formats). */
export const DETECTION_ORDER: readonly SourceFormat[] = ["har", "clf", "combined"];

/** Formats an input can be read as. */
export const INPUT_FORMATS: readonly SourceFormat[] = ["har", "clf", "combined"];

/** Line formats detection tries, in order. */
export function detectionCandidates(_options: LineFormatOptions): LineFormat[] {
  return [combined, clf];
}

/** The line format for a format name, or undefined for HAR (not a line format). */
export function lineFormatFor(
  format: SourceFormat,
  _options: LineFormatOptions,
): LineFormat | undefined {
  switch (format) {
    case "clf":
      return clf;
    case "combined":
      return combined;
    default:
      return undefined;
  }
}
