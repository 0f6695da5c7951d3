/**
 * Screens answered from a table. A screen (rule.ts) reads an exchange's status, its method and
 * whether it had a body, nothing more, so its answer is computed once per (method, status, size
 * sign) and looked up after that: one array read per exchange instead of a call per rule and an
 * expression tree per call (a log line went through some twenty of those).
 */
import type { Screen } from "./rule.js";

/** The body size as a screen sees it: -1 not recorded, 0 none, 1 some bytes. */
export function sizeSign(size: number): number {
  return size < 0 ? -1 : size === 0 ? 0 : 1;
}

/** Statuses with a slot: -1 (no response) to 999; others are computed each time. */
const SLOTS = 1001;
/** Methods with a table (bounded memory whatever the log holds); others are computed each time. */
const MAX_METHODS = 32;
const NOT_YET = 2;

/**
 * `screen`, remembered: the same answers for every status, method and size (a screen is given
 * the size's sign, so that a remembered answer is the one a call would give).
 */
export function rememberedScreen(screen: Screen): Screen {
  const byMethod = new Map<string, Uint8Array>();
  let lastMethod: string | undefined;
  let last: Uint8Array | undefined;
  return (status, method, size) => {
    const sign = sizeSign(size);
    if (!(status >= -1 && status < SLOTS - 1)) return screen(status, method, sign);
    let t: Uint8Array | undefined;
    if (method === lastMethod) t = last!;
    else {
      t = byMethod.get(method);
      if (t === undefined) {
        if (byMethod.size >= MAX_METHODS) return screen(status, method, sign);
        t = new Uint8Array(SLOTS * 3).fill(NOT_YET);
        byMethod.set(method, t);
      }
      lastMethod = method;
      last = t;
    }
    const i = (status + 1) * 3 + sign + 1;
    let v = t[i]!;
    if (v === NOT_YET) {
      v = screen(status, method, sign) ? 1 : 0;
      t[i] = v;
    }
    return v === 1;
  };
}

/** Whether any of `screens` is about the exchange. */
export function anyScreen(screens: readonly Screen[]): Screen {
  return (status, method, size) => {
    for (let i = 0; i < screens.length; i++) if (screens[i]!(status, method, size)) return true;
    return false;
  };
}
