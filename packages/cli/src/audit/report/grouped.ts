/**
 * 1234567 → "1,234,567": what toLocaleString("en-US") gives for an integer, without calling it
 * (its first call loads the ICU locale data: 17-50 ms measured, which every `truestatus` start
 * paid while the help text of --max-findings called it). Other numbers go to toLocaleString.
 */
export function grouped(n: number): string {
  return Number.isSafeInteger(n) && !Object.is(n, -0)
    ? String(n).replace(GROUPS, ",")
    : n.toLocaleString("en-US");
}

/** Each place, counted from the right, after which a group of three digits starts. */
const GROUPS = /\B(?=(\d{3})+(?!\d))/g;
