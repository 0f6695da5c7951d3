/**
 * The score: one point per criterion met. `all` counts every criterion; `reachable` only those the
 * proxy kind given can meet (capabilities.ts), so a config that does all its proxy can scores 100 %
 * there while `all` stays comparable across proxies.
 */
/** What the score reads of each fault's result. */
export interface Scored {
  readonly criteria: readonly { readonly pass: boolean; readonly reachable: boolean }[];
}

export interface Tally {
  readonly passed: number;
  readonly total: number;
  /** 0 to 100, one decimal; 100 when total is 0. */
  readonly percent: number;
}

export interface Score {
  readonly all: Tally;
  readonly reachable: Tally;
}

function tally(passed: number, total: number): Tally {
  return { passed, total, percent: total === 0 ? 100 : Math.floor((passed / total) * 1000) / 10 };
}

export function score(results: readonly Scored[]): Score {
  let passed = 0;
  let total = 0;
  let rPassed = 0;
  let rTotal = 0;
  for (const r of results) {
    for (const c of r.criteria) {
      total++;
      if (c.pass) passed++;
      if (c.reachable) {
        rTotal++;
        if (c.pass) rPassed++;
      }
    }
  }
  return { all: tally(passed, total), reachable: tally(rPassed, rTotal) };
}
