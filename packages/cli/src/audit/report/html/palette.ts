/**
 * Colours and patterns for chart marks: every series has a colour AND a pattern (solid, lines,
 * dots...), so that no chart is readable by colour alone. Colours are CSS custom properties, so the
 * light and dark themes (style.ts) restyle the same SVG.
 */
export type PatternKind = "solid" | "diagonal" | "cross" | "dots" | "horizontal" | "vertical";

export interface Series {
  readonly key: string;
  readonly label: string;
  /** CSS custom property holding the colour. */
  readonly color: string;
  readonly pattern: PatternKind;
}

/** Status classes (timeline), in stacking order. */
export const STATUS_SERIES: readonly Series[] = [
  { key: "2xx", label: "2xx success", color: "--c-ok", pattern: "solid" },
  { key: "3xx", label: "3xx redirect", color: "--c-redirect", pattern: "vertical" },
  { key: "4xx", label: "4xx client error", color: "--c-client", pattern: "diagonal" },
  { key: "5xx", label: "5xx server error", color: "--c-server", pattern: "cross" },
  { key: "1xx", label: "1xx informational", color: "--c-info", pattern: "horizontal" },
  { key: "none", label: "no response", color: "--c-none", pattern: "dots" },
  { key: "other", label: "other status", color: "--c-none", pattern: "horizontal" },
];

const CLASS_COLORS: readonly [string, string, PatternKind][] = [
  ["auth", "--c-auth", "solid"],
  ["validation", "--c-validation", "diagonal"],
  ["not_found", "--c-notfound", "dots"],
  ["throttling", "--c-throttling", "horizontal"],
  ["dependency", "--c-dependency", "cross"],
  ["server_bug", "--c-server", "solid"],
  ["overload", "--c-overload", "vertical"],
  ["client_abort", "--c-none", "dots"],
  ["soft_error", "--c-soft", "cross"],
  ["network_error", "--c-none", "cross"],
  ["partial", "--c-redirect", "horizontal"],
  ["rpc_error", "--c-soft", "vertical"],
];

/** Failure classes (per-endpoint chart), in stacking order; unknown classes get a grey series. */
export function classSeries(keys: readonly string[]): Series[] {
  const known = CLASS_COLORS.filter(([k]) => keys.includes(k)).map(([key, color, pattern]) => ({
    key,
    label: key.replace(/_/g, " "),
    color,
    pattern,
  }));
  const extra = keys
    .filter((k) => !CLASS_COLORS.some(([c]) => c === k))
    .sort()
    .map((key) => ({
      key,
      label: key.replace(/_/g, " "),
      color: "--c-none",
      pattern: "diagonal" as PatternKind,
    }));
  return [...known, ...extra];
}

export const SEVERITY_SERIES: readonly Series[] = [
  { key: "error", label: "error", color: "--c-server", pattern: "solid" },
  { key: "warning", label: "warning", color: "--c-client", pattern: "diagonal" },
  { key: "info", label: "info", color: "--c-redirect", pattern: "dots" },
];

/** The pattern's id for a series in a chart (unique per chart and series). */
export function patternId(chart: string, s: Series): string {
  return `p-${chart}-${s.key.replace(/[^a-z0-9]/gi, "")}`;
}

function patternBody(kind: PatternKind): string {
  switch (kind) {
    case "solid":
      return "";
    case "diagonal":
      return '<path d="M-1,1 l2,-2 M0,8 l8,-8 M7,9 l2,-2" class="hatch"/>';
    case "cross":
      return '<path d="M0,0 L8,8 M8,0 L0,8" class="hatch"/>';
    case "dots":
      return '<circle cx="4" cy="4" r="1.4" class="dot"/>';
    case "horizontal":
      return '<path d="M0,4 H8" class="hatch"/>';
    case "vertical":
      return '<path d="M4,0 V8" class="hatch"/>';
  }
}

/** <defs> with one pattern per series: the series colour as background, the pattern on top. */
export function patternDefs(chart: string, series: readonly Series[]): string {
  const defs = series.map(
    (s) =>
      `<pattern id="${patternId(chart, s)}" width="8" height="8" patternUnits="userSpaceOnUse"><rect width="8" height="8" style="fill:var(${s.color})"/>${patternBody(s.pattern)}</pattern>`,
  );
  return `<defs>${defs.join("")}</defs>`;
}

/** A legend swatch: a tiny SVG using the same pattern. */
export function swatch(chart: string, s: Series): string {
  return `<svg class="swatch" viewBox="0 0 14 14" aria-hidden="true" focusable="false"><rect width="14" height="14" rx="2" fill="url(#${patternId(chart, s)})"/></svg>`;
}

export function legend(chart: string, series: readonly Series[]): string {
  return `<ul class="legend">${series.map((s) => `<li>${swatch(chart, s)}${s.label}</li>`).join("")}</ul>`;
}
